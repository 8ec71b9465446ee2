"""Profile: flame graphs of the Rasa server and the action server while conversations run.

Starts the assistant as bench/compare.py does (a fresh database,
LOCAL_PROBE_DELAY_S=0), then records both servers with py-spy while N
conversations at a time play the README's technical conversation
(bench/technical_conversation.py) over and over for the given seconds. Writes,
into the output folder, `rasa.svg` and `actions.svg` (open them in a browser)
and `rasa.txt` and `actions.txt` (py-spy's collapsed stacks), and prints the
turns played, p50/p95 per turn and where the Rasa server's time in a turn
(`MessageProcessor.handle_message`) goes, three calls deep.

py-spy is a tool, not a dependency of the assistant: `.venv/bin/pip install py-spy`.
It must be allowed to read the servers' memory (root, or ptrace allowed).

    .venv/bin/python -m bench.profile [--conversations 1] [--seconds 60] [--out results/profile] [--native]
"""
from __future__ import annotations

import argparse
import asyncio
import re
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import List

from bench.compare import _cmdline, assistant_conversation, running_full_assistant, warm_up
from bench.driver import Conversation, drive, percentile
from bench.technical_conversation import SCRIPT

VENV_PY_SPY = Path(sys.executable).with_name("py-spy")
TOP = 25
TURN_FRAME = "handle_message (rasa/core/processor.py)"

# Customers of the benchmark's own (bench/customers.py): enough for 20 conversations at a time
# for a minute on this machine.
CUSTOMER_COPIES = 3000


def _record(py_spy: str, pid: int, seconds: int, output: Path, file_format: str,
            native: bool = False) -> subprocess.Popen:
    return subprocess.Popen(
        [py_spy, "record", "--pid", str(pid), "--duration", str(seconds), "--rate", "200",
         "--format", file_format, "--output", str(output), *(["--native"] if native else ["--nonblocking"])],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )


def _turn_breakdown(collapsed: Path, depth: int = 3) -> Counter:
    """Share of the samples of Rasa's `handle_message` (a turn) under each call path `depth` deep."""
    paths: Counter = Counter()
    total = 0
    for line in collapsed.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        frames = [re.sub(r":\d+\)", ")", frame) for frame in stack.split(";")]
        turn = next((i for i, frame in enumerate(frames) if frame == TURN_FRAME), None)
        if turn is None:
            continue
        total += int(count)
        paths[" > ".join(frames[turn + 1:turn + 1 + depth]) or "(its own code)"] += int(count)
    return Counter({path: samples / total for path, samples in paths.items()}) if total else paths


def _play(url: str, conversations: int, seconds: float) -> List[float]:
    """Rounds of `conversations` technical conversations at once until `seconds` have passed."""
    turn_seconds: List[float] = []
    deadline = time.monotonic() + seconds
    number, turns = 0, len(SCRIPT) + 1  # the greeting, then the script
    while time.monotonic() < deadline:
        batch = [
            # Copy 0 warmed the stack up; past the last copy they play again (following an open ticket up).
            Conversation(f"profile-{uuid.uuid4().hex[:8]}",
                         assistant_conversation(1 + (number + index) % CUSTOMER_COPIES, turns))
            for index in range(conversations)
        ]
        number += conversations
        result = asyncio.run(drive(url, batch))
        turn_seconds.extend(turn.latency_s for turn in result.turns)
    return turn_seconds


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--conversations", type=int, default=1, help="conversations at a time")
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--out", type=Path, default=Path("results/profile"))
    parser.add_argument("--native", action="store_true",
                        help="also C frames (the garbage collector, TensorFlow, SQLite); pauses the servers "
                             "at each sample, so the figures of the run are slower")
    args = parser.parse_args()
    py_spy = str(VENV_PY_SPY) if VENV_PY_SPY.exists() else shutil.which("py-spy")
    if py_spy is None:
        pip = Path(sys.executable).with_name("pip")
        print(f"py-spy is not installed: {pip} install py-spy", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="profile-") as work, \
            running_full_assistant(Path(work), (), customers=CUSTOMER_COPIES + 1) as stack:
        warm_up(stack, assistant_conversation(0, len(SCRIPT) + 1))  # lazily built parts first
        servers = {"actions" if " actions " in _cmdline(pid) else "rasa": pid for pid in stack.pids}
        recorders = [
            _record(py_spy, pid, args.seconds, args.out / f"{name}.{suffix}", file_format, args.native)
            for name, pid in servers.items()
            for suffix, file_format in (("svg", "flamegraph"), ("txt", "raw"))
        ]
        turn_seconds = _play(stack.url, args.conversations, args.seconds - 2)
        for recorder in recorders:
            _, errors = recorder.communicate()
            if recorder.returncode:
                print(f"py-spy failed: {errors.decode(errors='replace').strip()}", file=sys.stderr)
                return 1
    p50, p95 = (percentile(turn_seconds, q) * 1000 for q in (50, 95))
    print(f"{len(turn_seconds)} turns, {args.conversations} conversation(s) at a time, {args.seconds} s: "
          f"p50 {p50:.0f} ms, p95 {p95:.0f} ms")
    print(f"Where a turn goes in the Rasa server (share of its samples in {TURN_FRAME}, top {TOP}):")
    for path, share in _turn_breakdown(args.out / "rasa.txt").most_common(TOP):
        print(f"  {share * 100:5.1f}%  {path}")
    print(f"flame graphs: {args.out / 'rasa.svg'}, {args.out / 'actions.svg'}")
    return 0



if __name__ == "__main__":
    sys.exit(main())
