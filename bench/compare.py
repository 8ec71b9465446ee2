"""Benchmark: this assistant and Rasa's stock `rasa init` bot, side by side, in the same run.

The stock bot is the smallest assistant Rasa makes: generating it with `rasa
init` trains its model from scratch (timed), then it runs as any project does,
a Rasa server and an action server (its actions are empty; started anyway so
both stacks have the same processes). The assistant runs as the end-to-end
tests start it (tests/support/assistant.py): both servers on a fresh SQLite
database and tracker store, with LOCAL_PROBE_DELAY_S=0 so its line checks cost
only the code's own time.

Both get the same load through the REST webhook: N conversations at once, each
a distinct sender sending T messages one after the other (the assistant: the
README's technical conversation, as bench/technical_conversation.py plays it,
each conversation as a customer of its own, a copy of demo customer 1001, 1003
or 1009 (bench/customers.py); the stock bot: a conversation
of as many turns from its own stories). Printed per number of conversations:
turns/s, p50/p95/p99 per turn, the CPU time a turn costs (the whole stack, and
its busiest process: the Rasa server, whose one core bounds throughput; less
noisy than turns/s on a shared machine), errors and the stack's peak resident
memory, with the ratio assistant/stock; then cold start to the first answer,
/model/parse p50 and training time.

    .venv/bin/python -m bench.compare [--conversations 1,20,200] [--turns 10]   (from the project root)
"""
from __future__ import annotations

import argparse
import asyncio
import datetime
import importlib.metadata
import itertools
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List, Sequence

import requests

from bench import customers as bench_customers
from bench.driver import (
    Conversation,
    RunResult,
    children,
    drive,
    format_table,
    percentile,
    process_age_s,
    ratio,
    stack_rss_bytes,
)
from bench.technical_conversation import CHECKS_TURN, CUSTOMERS, SCRIPT
from tests.support.assistant import RASA, ROOT, _free_port, _wait_until_up, running_assistant

START_TIMEOUT_S = 240
# The stock bot's stories and rules, turn by turn: greet, sad path with yes, happy path, the bot
# challenge, sad path with no, goodbye. Every message gets an answer.
STOCK_MESSAGES = [
    "hello", "I am sad", "yes", "hi", "I am feeling very good", "are you a bot?", "hey", "very sad", "no",
    "bye",
]
# The assistant: a greeting, then the technical conversation (10 turns in all).
ASSISTANT_MESSAGES = ["hola", *SCRIPT]
# Customer copies 0-2 play before the measured runs (the line-check check, the warm-up).
WARM_UP_CUSTOMERS = 3


def cycled(messages: Sequence[str], turns: int) -> List[str]:
    return list(itertools.islice(itertools.cycle(messages), turns))


def stock_conversation(turns: int) -> List[str]:
    return cycled(STOCK_MESSAGES, turns)


def assistant_conversation(number: int, turns: int) -> List[str]:
    """Conversation `number` plays the technical conversation as the customer copy `number`.

    A stack started here has the copies (`running_full_assistant(..., customers=)`,
    bench/customers.py); each number is played once.
    """
    service, complaint = bench_customers.played_as(number)
    return [m.format(service=service, complaint=complaint) for m in cycled(ASSISTANT_MESSAGES, turns)]


def assistant_conversations(first: int, turns: int) -> Callable[[int], List[str]]:
    """Conversation n of a run: customer copy `first + n`, so no run plays a copy another played."""
    return lambda n: assistant_conversation(first + n, turns)


@dataclass
class Stack:
    """One running bot: where it listens, its processes, and what was measured of it."""

    name: str
    url: str
    pids: List[int]
    token: str | None = None  # Rasa's API token, when its API needs one
    training_s: float | None = None
    cold_start_s: float | None = None
    parse_p50_ms: float | None = None
    idle_rss_bytes: int | None = None
    runs: Dict[int, RunResult] = field(default_factory=dict)


def log(message: str) -> None:
    print(f"[compare] {message}", file=sys.stderr, flush=True)


def first_answer(stack: Stack, text: str) -> None:
    """Posts `text` until a reply comes, then records the time since the stack's first process started.

    Rasa answers its webhook with an empty list while the model loads, so only a
    non-empty reply counts as the first answer.
    """
    deadline = time.monotonic() + START_TIMEOUT_S
    sender = f"cold-start-{uuid.uuid4().hex[:8]}"
    while time.monotonic() < deadline:
        try:
            response = requests.post(
                f"{stack.url}/webhooks/rest/webhook", json={"sender": sender, "message": text}, timeout=120
            )
            if response.status_code == 200 and response.json():
                stack.cold_start_s = max(process_age_s(pid) for pid in stack.pids)
                return
        except (requests.RequestException, ValueError):
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{stack.name}: no answer to {text!r} within {START_TIMEOUT_S}s")


def _stock_environment(work: Path) -> Dict[str, str]:
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2",
           # A training cache of its own: the model is trained from scratch.
           "RASA_CACHE_DIRECTORY": str(work / "stock-cache")}
    env.pop("PYTHONPATH", None)  # its `actions` package is its own, never the project's
    return env


@contextmanager
def running_stock_bot(work: Path) -> Iterator[Stack]:
    """`rasa init` in work/stock (training timed), then its action server and Rasa server."""
    bot = work / "stock"
    bot.mkdir()
    env = _stock_environment(work)
    init_log = work / "stock-init.log"
    log("rasa init: generating and training the stock bot")
    started = time.perf_counter()
    with init_log.open("w") as out:
        init = subprocess.run([str(RASA), "init", "--no-prompt", "--init-dir", str(bot)],
                              cwd=work, env=env, stdout=out, stderr=subprocess.STDOUT)
    training_s = time.perf_counter() - started
    if init.returncode != 0 or not list((bot / "models").glob("*.tar.gz")):
        raise RuntimeError(f"rasa init failed:\n{init_log.read_text()[-3000:]}")

    actions_port, rasa_port = _free_port(), _free_port()
    (bot / "endpoints.yml").write_text(f'action_endpoint:\n  url: "http://127.0.0.1:{actions_port}/webhook"\n')
    processes: List[subprocess.Popen] = []
    try:
        # As running_assistant does: the action server first, the Rasa server once it is up.
        actions_log = work / "stock-actions.log"
        actions = subprocess.Popen(
            [str(RASA), "run", "actions", "--port", str(actions_port), "--actions", "actions"],
            cwd=bot, env=env, stdout=actions_log.open("w"), stderr=subprocess.STDOUT,
        )
        processes.append(actions)
        _wait_until_up(f"http://127.0.0.1:{actions_port}/health", actions, actions_log)
        rasa_log = work / "stock-rasa.log"
        server = subprocess.Popen([str(RASA), "run", "--enable-api", "--port", str(rasa_port)],
                                  cwd=bot, env=env, stdout=rasa_log.open("w"), stderr=subprocess.STDOUT)
        processes.append(server)
        stack = Stack("stock", f"http://127.0.0.1:{rasa_port}", [p.pid for p in processes],
                      training_s=training_s)
        first_answer(stack, "hello")
        yield stack
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _environ(pid: int) -> Dict[str, str]:
    raw = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    return dict(item.decode(errors="replace").partition("=")[::2] for item in raw if b"=" in item)


def _cmdline(pid: int) -> str:
    return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")


@contextmanager
def running_full_assistant(work: Path, others: Sequence[int], customers: int) -> Iterator[Stack]:
    """The assistant as tests.support.assistant starts it; its processes are our new children.

    Its database also holds `customers` copies of the benchmark's demo customers (bench/customers.py).
    """
    log("starting the assistant (fresh database, LOCAL_PROBE_DELAY_S=0)")
    started = time.perf_counter()
    with running_assistant(work, extra_env={"LOCAL_PROBE_DELAY_S": "0"}) as assistant:
        pids = sorted(children(os.getpid()) - set(others))
        stack = Stack("assistant", assistant.url, pids, token=assistant.token)
        first_answer(stack, "hola")
        log(f"assistant: up {time.perf_counter() - started:.1f} s after the start of running_assistant "
            "(migrating and seeding its database included)")
        actions = [pid for pid in pids if " actions " in _cmdline(pid) + " "]
        if len(actions) != 1 or _environ(actions[0]).get("LOCAL_PROBE_DELAY_S") != "0":
            raise RuntimeError(f"the assistant's action server runs without LOCAL_PROBE_DELAY_S=0: {pids}")
        added = bench_customers.seed(f"sqlite:///{work / 'app.db'}", customers)
        log(f"assistant: {added} customers of the benchmark's own added, one per conversation")
        yield stack


def check_line_checks(stack: Stack) -> None:
    """One whole technical conversation must reach the line checks (the probe adapter) and a verdict."""
    sender = f"probe-check-{uuid.uuid4().hex[:8]}"
    with requests.Session() as session:
        for index, text in enumerate(assistant_conversation(0, len(ASSISTANT_MESSAGES))):
            started = time.perf_counter()
            response = session.post(f"{stack.url}/webhooks/rest/webhook",
                                    json={"sender": sender, "message": text}, timeout=120)
            response.raise_for_status()
            if index == CHECKS_TURN + 1:  # +1: the greeting comes first
                log(f"assistant: line-check turn {1000 * (time.perf_counter() - started):.0f} ms")
        tracker = session.get(f"{stack.url}/conversations/{sender}/tracker",
                              params={"token": stack.token or ""}, timeout=30)
    tracker.raise_for_status()
    verdict = tracker.json().get("slots", {}).get("line_verdict")
    if verdict in (None, "checks_unavailable"):
        raise RuntimeError(f"the technical conversation missed the line checks (line_verdict={verdict})")
    log(f"assistant: the technical conversation reached the line checks (verdict {verdict})")


def _error_details(result: RunResult) -> str:
    details = result.errors_by_message.items()
    return ", ".join(f"{kind} on {text!r} x{count}" for (kind, text), count in details)


def warm_up(stack: Stack, messages: Sequence[str]) -> None:
    """One conversation before measuring: the first requests build lazily-loaded parts."""
    result = asyncio.run(drive(stack.url, [Conversation(f"warm-up-{uuid.uuid4().hex[:8]}", messages)]))
    if result.error_count:
        log(f"{stack.name}: warm-up errors {_error_details(result)}")


def parse_p50_ms(stack: Stack, texts: Sequence[str], count: int) -> float:
    """Median time of `count` sequential /model/parse calls (one kept-alive connection)."""
    params = {"token": stack.token} if stack.token else {}
    times = []
    with requests.Session() as session:
        for text in cycled(texts, count):
            started = time.perf_counter()
            session.post(f"{stack.url}/model/parse", params=params, json={"text": text},
                         timeout=60).raise_for_status()
            times.append(time.perf_counter() - started)
    return percentile(times, 50) * 1000


def time_assistant_training(work: Path) -> float:
    """`rasa train` of this project into a temporary directory, with an empty training cache."""
    log("training the assistant from scratch (rasa train, empty cache)")
    env = {**os.environ, "RASA_CACHE_DIRECTORY": str(work / "assistant-cache"),
           "RASA_TELEMETRY_ENABLED": "false"}
    started = time.perf_counter()
    with (work / "assistant-train.log").open("w") as out:
        subprocess.run([str(RASA), "train", "--domain", "domain", "--out", str(work / "assistant-model"),
                        "--fixed-model-name", "bench", "--quiet"],
                       cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, check=True)
    return time.perf_counter() - started


# -- printing --------------------------------------------------------------------------------------

def machine_header(conversations: Sequence[int], turns: int) -> str:
    meminfo = Path("/proc/meminfo").read_text().split("\n")
    mem_kb = int(next(line for line in meminfo if line.startswith("MemTotal:")).split()[1])
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), "unknown CPU")
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    versions = {name: importlib.metadata.version(name) for name in ("rasa", "rasa-sdk")}
    return "\n".join([
        "Stock `rasa init` bot vs this assistant, REST webhook, one Rasa process each",
        f"date:     {datetime.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}",
        f"machine:  {os.cpu_count()} CPUs ({cpu}), {mem_kb / 1024 ** 2:.1f} GiB RAM, load at start {load}",
        f"software: Rasa {versions['rasa']}, rasa-sdk {versions['rasa-sdk']}, "
        f"Python {sys.version.split()[0]}",
        f"load:     {', '.join(map(str, conversations))} concurrent conversations x {turns} turns, "
        "each its own sender, turns in sequence",
        "stacks:   stock = Rasa server + (idle) action server, in-memory tracker store; assistant = Rasa "
        "server + action server, SQLite tracker store and SQL event broker, LOCAL_PROBE_DELAY_S=0",
    ])


def _mb(value: int | None) -> float | None:
    return None if value is None else value / 1024 ** 2


def run_table(stock: Stack, assistant: Stack, level: int) -> str:
    a, s = assistant.runs[level], stock.runs[level]
    rows: List[List[Any]] = [["turns/s", s.turns_per_s, a.turns_per_s, ratio(a.turns_per_s, s.turns_per_s)]]
    for q in (50, 95, 99):
        rows.append([f"p{q} per turn (ms)", s.percentile_ms(q), a.percentile_ms(q),
                     ratio(a.percentile_ms(q), s.percentile_ms(q))])
    for label, busiest in (("CPU per turn, whole stack (ms)", False),
                           ("CPU per turn, busiest process (ms)", True)):
        rows.append([label, s.cpu_ms_per_turn(busiest), a.cpu_ms_per_turn(busiest),
                     ratio(a.cpu_ms_per_turn(busiest), s.cpu_ms_per_turn(busiest))])
    rows.append(["errors", s.error_count, a.error_count, None])
    rows.append(["RSS whole stack, peak (MB)", _mb(s.rss_peak_bytes), _mb(a.rss_peak_bytes),
                 ratio(_mb(a.rss_peak_bytes), _mb(s.rss_peak_bytes))])
    title = (f"{level} concurrent conversation{'s' if level != 1 else ''} x {a.turns_per_conversation} turns "
             f"(wall time: stock {s.wall_s:.1f} s, assistant {a.wall_s:.1f} s)")
    text = format_table(["", "stock", "assistant", "assistant/stock"], rows, title)
    for stack in (stock, assistant):
        if stack.runs[level].errors:
            text += f"\n  {stack.name} errors: {_error_details(stack.runs[level])}"
    return text


def summary_table(stock: Stack, assistant: Stack, parses: int) -> str:
    rows: List[List[Any]] = []

    def row(label: str, s: float | None, a: float | None) -> None:
        rows.append([label, s, a, ratio(a, s)])

    row("cold start: process start to first answer (s)", stock.cold_start_s, assistant.cold_start_s)
    row(f"/model/parse p50 over {parses} (ms)", stock.parse_p50_ms, assistant.parse_p50_ms)
    row("RSS whole stack, idle after start (MB)", _mb(stock.idle_rss_bytes), _mb(assistant.idle_rss_bytes))
    row("training from scratch (s)", stock.training_s, assistant.training_s)
    text = format_table(["", "stock", "assistant", "assistant/stock"], rows, "Start, NLU and training")
    if assistant.training_s is None:
        text += ("\n  assistant training not measured in this run: --train-assistant times `rasa train` "
                 "with an empty cache")
    return text


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--conversations", default="1,20,200",
                        help="numbers of concurrent conversations, comma-separated (default 1,20,200)")
    parser.add_argument("--turns", type=int, default=10, help="turns per conversation (default 10)")
    parser.add_argument("--parses", type=int, default=100, help="/model/parse calls per bot (default 100)")
    parser.add_argument("--timeout", type=float, default=120, help="per-request timeout in seconds")
    parser.add_argument("--train-assistant", action="store_true",
                        help="also time training the assistant from scratch (minutes)")
    args = parser.parse_args()
    levels = [int(n) for n in args.conversations.split(",") if n.strip()]
    if not levels or min(levels) < 1 or args.turns < 1:
        parser.error("--conversations and --turns must be positive")

    # A SIGTERM (a CI timeout, `kill`) unwinds like Ctrl-C: every server started here is stopped.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    header = machine_header(levels, args.turns)
    with tempfile.TemporaryDirectory(prefix="bench-compare-") as tmp, ExitStack() as stacks:
        work = Path(tmp)
        assistant_training_s = time_assistant_training(work) if args.train_assistant else None
        stock = stacks.enter_context(running_stock_bot(work))
        log(f"stock: first answer {stock.cold_start_s:.1f} s after its first process started")
        (work / "assistant").mkdir()
        # Conversations 0-2: the checks and the warm-up; then each level's own customers.
        assistant = stacks.enter_context(
            running_full_assistant(work / "assistant", stock.pids, customers=WARM_UP_CUSTOMERS + sum(levels)))
        assistant.training_s = assistant_training_s
        log(f"assistant: first answer {assistant.cold_start_s:.1f} s after its first process started")

        check_line_checks(assistant)
        warm_up(stock, stock_conversation(len(STOCK_MESSAGES)))
        warm_up(assistant, assistant_conversation(1, len(ASSISTANT_MESSAGES)))
        for stack in (stock, assistant):
            stack.idle_rss_bytes = stack_rss_bytes(stack.pids)
        stock.parse_p50_ms = parse_p50_ms(stock, STOCK_MESSAGES, args.parses)
        assistant.parse_p50_ms = parse_p50_ms(
            assistant, sorted({m for n in range(len(CUSTOMERS)) for m in assistant_conversation(n, 10)}),
            args.parses)

        first = WARM_UP_CUSTOMERS
        for level in levels:
            for stack, make in ((stock, lambda n: stock_conversation(args.turns)),
                                (assistant, assistant_conversations(first, args.turns))):
                log(f"{stack.name}: {level} conversations x {args.turns} turns")
                run_id = uuid.uuid4().hex[:6]
                conversations = [Conversation(f"bench-{run_id}-{n}", make(n)) for n in range(level)]
                stack.runs[level] = asyncio.run(drive(stack.url, conversations, args.timeout, stack.pids))
                time.sleep(1)  # let the last writes settle before the next run
            first += level

    print(header)
    for level in levels:
        print()
        print(run_table(stock, assistant, level))
    print()
    print(summary_table(stock, assistant, args.parses))
    return 0


if __name__ == "__main__":
    sys.exit(main())
