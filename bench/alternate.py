"""Alternated rounds: two assistants up at once, each round of conversations played on one, then the other.

On a shared 2-CPU virtual machine a run's figures move with the machine by
more than most changes move them (the same code gave p95 546 and 612 ms in two
sets of rounds; docs/performance.md). Two runs one after the other compare two
moments as much as two versions. Here both stacks start together (each as
bench/compare.py starts the assistant: a fresh database, LOCAL_PROBE_DELAY_S=0,
a customer of its own per conversation) and stay up; rounds of N conversations
x T turns then alternate between them, A, B, A, B..., the idle one waiting, so
that both sides see the same stretches of the machine. Printed: each round's
figures, then each side's medians (turns/s, p50/p95 per turn, the Rasa and the
action server's CPU per turn) and errors. Figures are printed, never asserted.

Side A and side B are project checkouts (this one by default: `git worktree
add /tmp/base <commit>`, with its `.venv` linked and `models/` copied, for a
before/after) and extra environment variables for their servers (an operator's
setting against the default, say). Each side runs this file with the
checkout's own code (its `bench` and `tests.support`; a checkout from
2026-12-05 on).

    .venv/bin/python -m bench.alternate --b /tmp/base [--rounds 10] [--conversations 20] [--turns 10]
    .venv/bin/python -m bench.alternate --b-env TRACKER_CACHE_MB=0
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Dict, List, Mapping, Sequence

HERE = Path(__file__).resolve()
ROOT = HERE.parents[1]
SIDES = ("A", "B")
# Longest wait for the other side's round, or for a stack to start.
PATIENCE_S = 900


def parse_env(assignments: Sequence[str]) -> Dict[str, str]:
    """`NAME=value` settings as a dict; anything else is refused."""
    env: Dict[str, str] = {}
    for assignment in assignments:
        name, equals, value = assignment.partition("=")
        if not equals or not name or not name.replace("_", "").isalnum():
            raise ValueError(f"not NAME=value: {assignment!r}")
        env[name] = value
    return env


def summarize(rows: Sequence[Mapping[str, Any]]) -> Dict[str, Dict[str, float]]:
    """Each side's medians over its rounds and its errors, from the rounds' rows."""
    summary: Dict[str, Dict[str, float]] = {}
    for side in sorted({row["side"] for row in rows}):
        rounds = [row for row in rows if row["side"] == side]

        def median(key: str, rounds: List[Mapping[str, Any]] = rounds) -> float:
            return statistics.median(row[key] for row in rounds)

        def cpu(process: str, rounds: List[Mapping[str, Any]] = rounds) -> float:
            return statistics.median(row["cpu_ms"].get(process, 0.0) for row in rounds)

        summary[side] = {
            "rounds": len(rounds), "turns_per_s": median("turns_per_s"), "p50_ms": median("p50_ms"),
            "p95_ms": median("p95_ms"), "rasa_cpu_ms": cpu("rasa"), "actions_cpu_ms": cpu("actions"),
            "errors": sum(row["errors"] for row in rounds),
        }
    return summary


# -- one side: its stack, and its rounds when its turn comes ---------------------------------------

def _wait_for(path: Path, wanted: str | None = None) -> None:
    deadline = time.monotonic() + PATIENCE_S
    while not (path.exists() and (wanted is None or path.read_text().strip() == wanted)):
        if time.monotonic() > deadline:
            raise TimeoutError(f"waited {PATIENCE_S} s for {path}")
        time.sleep(0.1)


def play_side(side: str, work: Path, rounds: int, conversations: int, turns: int) -> None:
    """Start this checkout's assistant, then play a round each time `work/turn` names this side."""
    import asyncio
    import uuid

    from bench.compare import (
        ASSISTANT_MESSAGES,
        WARM_UP_CUSTOMERS,
        _cmdline,
        assistant_conversation,
        assistant_conversations,
        running_full_assistant,
        warm_up,
    )
    from bench.driver import Conversation, drive

    other = SIDES[1 - SIDES.index(side)]
    with tempfile.TemporaryDirectory(prefix=f"alternate-{side}-") as tmp, running_full_assistant(
        Path(tmp), (), customers=WARM_UP_CUSTOMERS + rounds * conversations
    ) as stack:
        warm_up(stack, assistant_conversation(1, len(ASSISTANT_MESSAGES)))
        kinds = {pid: "actions" if " actions " in _cmdline(pid) + " " else "rasa" for pid in stack.pids}
        (work / f"ready-{side}").write_text("1")
        first = WARM_UP_CUSTOMERS
        for number in range(rounds):
            _wait_for(work / "turn", side)
            time.sleep(1)  # the other side's last writes settle
            make = assistant_conversations(first, turns)
            run = uuid.uuid4().hex[:6]
            result = asyncio.run(drive(stack.url, [Conversation(f"alt-{run}-{n}", make(n))
                                                   for n in range(conversations)], 120, stack.pids))
            first += conversations
            done = max(len(result.latencies_s), 1)
            row = {
                "side": side, "round": number, "turns_per_s": result.turns_per_s,
                "p50_ms": result.percentile_ms(50), "p95_ms": result.percentile_ms(95),
                "errors": result.error_count,
                "cpu_ms": {kinds[pid]: seconds / done * 1000 for pid, seconds in result.cpu_s_by_pid.items()
                           if pid in kinds},
            }
            with (work / "rounds.jsonl").open("a") as out:
                out.write(json.dumps(row) + "\n")
            print(f"[alternate] {side} round {number}: {row['turns_per_s']:.1f} turns/s, "
                  f"p95 {row['p95_ms']:.0f} ms", file=sys.stderr, flush=True)
            (work / "turn").write_text(other)


# -- both sides --------------------------------------------------------------------------------------

def _start_side(side: str, checkout: Path, env: Mapping[str, str], work: Path,
                args: argparse.Namespace) -> subprocess.Popen:
    python = checkout / ".venv" / "bin" / "python"
    command = [str(python if python.exists() else sys.executable), str(HERE), "--side", side,
               "--work", str(work), "--rounds", str(args.rounds),
               "--conversations", str(args.conversations), "--turns", str(args.turns)]
    return subprocess.Popen(command, cwd=checkout, env={**os.environ, "PYTHONPATH": str(checkout), **env},
                            stdout=(work / f"{side}.log").open("w"), stderr=subprocess.STDOUT)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--a", type=Path, default=ROOT, help="checkout of side A (default: this one)")
    parser.add_argument("--b", type=Path, default=ROOT, help="checkout of side B (default: this one)")
    for side in ("a", "b"):
        parser.add_argument(f"--{side}-env", nargs="*", default=[], metavar="NAME=value",
                            help=f"side {side.upper()}'s extra settings for its servers")
    parser.add_argument("--rounds", type=int, default=10, help="rounds per side (default 10)")
    parser.add_argument("--conversations", type=int, default=20, help="conversations at once (default 20)")
    parser.add_argument("--turns", type=int, default=10, help="turns per conversation (default 10)")
    parser.add_argument("--side", choices=SIDES, help=argparse.SUPPRESS)
    parser.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if min(args.rounds, args.conversations, args.turns) < 1:
        parser.error("--rounds, --conversations and --turns must be positive")
    if args.side:
        play_side(args.side, args.work, args.rounds, args.conversations, args.turns)
        return 0

    sides = {"A": (args.a.resolve(), parse_env(args.a_env)), "B": (args.b.resolve(), parse_env(args.b_env))}
    with tempfile.TemporaryDirectory(prefix="alternate-") as tmp:
        work = Path(tmp)
        processes = {side: _start_side(side, checkout, env, work, args)
                     for side, (checkout, env) in sides.items()}
        try:
            deadline = time.monotonic() + PATIENCE_S
            while not all((work / f"ready-{side}").exists() for side in SIDES):
                failed = [side for side, process in processes.items() if process.poll() is not None]
                if failed or time.monotonic() > deadline:
                    for side in failed or SIDES:
                        print((work / f"{side}.log").read_text()[-3000:], file=sys.stderr)
                    return 1
                time.sleep(0.5)
            (work / "turn").write_text("A")
            codes = {side: process.wait() for side, process in processes.items()}
        finally:
            for process in processes.values():
                if process.poll() is None:
                    process.terminate()
                    process.wait(30)
        rows = [json.loads(line) for line in (work / "rounds.jsonl").read_text().splitlines() if line.strip()]
        if any(codes.values()):
            print(f"a side failed: {codes}", file=sys.stderr)
    _print(sides, rows, summarize(rows), args)
    return 0 if rows and not any(codes.values()) else 1


def _print(sides: Mapping[str, Any], rows: Sequence[Mapping[str, Any]],
           summary: Mapping[str, Mapping[str, float]], args: argparse.Namespace) -> None:
    from bench.driver import format_table

    plural = "s" if args.conversations != 1 else ""
    print(f"{args.conversations} conversation{plural} at once x {args.turns} turns, "
          f"{args.rounds} rounds a side, alternated")
    for side, (checkout, env) in sides.items():
        settings = " ".join(f"{name}={value}" for name, value in env.items()) or "no extra settings"
        print(f"  {side}: {checkout} ({settings}); p95 by round: "
              + ", ".join(f"{row['p95_ms']:.0f}" for row in rows if row["side"] == side))
    table = [
        [label, *(f"{summary[side][key]:{spec}}" if side in summary else "-" for side in SIDES)]
        for label, key, spec in [
            ("rounds", "rounds", ".0f"), ("turns/s (median)", "turns_per_s", ".1f"),
            ("p50 per turn (ms, median)", "p50_ms", ".0f"), ("p95 per turn (ms, median)", "p95_ms", ".0f"),
            ("Rasa server CPU per turn (ms, median)", "rasa_cpu_ms", ".2f"),
            ("action server CPU per turn (ms, median)", "actions_cpu_ms", ".2f"), ("errors", "errors", ".0f"),
        ]
    ]
    print(format_table(["", "A", "B"], table))


if __name__ == "__main__":
    sys.exit(main())
