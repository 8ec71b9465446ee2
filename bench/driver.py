"""Shared pieces of the load benchmarks: concurrent REST conversations, percentiles, /proc.

bench/compare.py (this assistant against the stock `rasa init` bot) and a load
bench (N conversations x T turns against a running stack, counting lost
messages) measure the same way, so the way is written once here:

- `drive` plays conversations at once against one Rasa REST webhook, each one
  turn after the other, and keeps every turn (latency, replies, error kind);
- `percentile` and `RunResult` turn that into the figures;
- `stack_rss_bytes`, `process_age_s` and `RssSampler` read the memory and the
  start time of a stack's processes from /proc (Linux only, no dependency);
- `format_table` prints them, aligned, with no third-party table library.

Nothing here asserts a speed: figures are printed by the benches, never tested.
"""
from __future__ import annotations

import asyncio
import math
import os
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Iterable, List, Sequence, Set

import aiohttp

PROC = Path("/proc")


# -- figures ---------------------------------------------------------------------------------------

def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100) with linear interpolation between ranks (numpy's default).

    NaN for no values, so a run where every turn failed prints as such instead of raising.
    """
    if not 0 <= q <= 100:
        raise ValueError(f"q must be within 0-100, got {q}")
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


@dataclass(frozen=True)
class Turn:
    """One message of one conversation: what was sent, what came back, how long it took."""

    sender: str
    index: int  # position of the message in its conversation
    text: str
    latency_s: float
    replies: List[Dict[str, Any]]
    error: str | None = None  # None, "timeout", "connection", "http <status>", "empty", "invalid"


@dataclass
class RunResult:
    """Every turn of one run of concurrent conversations, and the run's wall time."""

    conversations: int
    turns_per_conversation: int
    wall_s: float
    turns: List[Turn] = field(default_factory=list)
    rss_peak_bytes: int | None = None
    # CPU seconds each process of the stack used during the run (user + system), by pid.
    cpu_s_by_pid: Dict[int, float] = field(default_factory=dict)

    @property
    def latencies_s(self) -> List[float]:
        """Latencies of the turns the server did: answered, or answered with nothing.

        A failed request's latency says nothing; an empty reply (HTTP 200, no
        message) is still a whole turn of the server's work (the stock bot's
        model now and then says nothing to "no"), so it counts here and in
        turns/s, and is also reported among the errors.
        """
        return [turn.latency_s for turn in self.turns if turn.error in (None, "empty")]

    @property
    def errors(self) -> Counter:
        return Counter(turn.error for turn in self.turns if turn.error is not None)

    @property
    def errors_by_message(self) -> Counter:
        """(error kind, message sent) -> count: which turns fail, not only how many."""
        return Counter((turn.error, turn.text) for turn in self.turns if turn.error is not None)

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())

    @property
    def turns_per_s(self) -> float:
        """Turns done (see `latencies_s`) per second of wall time, over all conversations."""
        return len(self.latencies_s) / self.wall_s if self.wall_s > 0 else math.nan

    def percentile_ms(self, q: float) -> float:
        return percentile(self.latencies_s, q) * 1000

    def cpu_ms_per_turn(self, busiest_only: bool = False) -> float | None:
        """CPU time of the whole stack (or of its busiest process) per turn done (see `latencies_s`).

        Less noisy than turns/s on a shared machine: what a turn costs, not how
        long it waited. The busiest process is the one that bounds throughput
        (a Rasa server runs its turns on one core).
        """
        answered = len(self.latencies_s)
        if not self.cpu_s_by_pid or not answered:
            return None
        spent = max(self.cpu_s_by_pid.values()) if busiest_only else sum(self.cpu_s_by_pid.values())
        return spent / answered * 1000


# -- driving ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Conversation:
    sender: str
    messages: Sequence[str]


async def _turn(
    session: aiohttp.ClientSession, webhook: str, sender: str, index: int, text: str, timeout_s: float
) -> Turn:
    started = time.perf_counter()
    replies: List[Dict[str, Any]] = []
    error: str | None = None
    try:
        async with session.post(
            webhook, json={"sender": sender, "message": text}, timeout=aiohttp.ClientTimeout(total=timeout_s)
        ) as response:
            if response.status != 200:
                error = f"http {response.status}"
                await response.read()
            else:
                body = await response.json(content_type=None)
                if not isinstance(body, list):
                    error = "invalid"
                else:
                    replies = body
                    if not replies:
                        error = "empty"  # a lost answer: the bot said nothing to a message
    except asyncio.TimeoutError:
        error = "timeout"
    except aiohttp.ClientError:
        error = "connection"
    except ValueError:  # not JSON
        error = "invalid"
    return Turn(sender, index, text, time.perf_counter() - started, replies, error)


async def _conversation(
    session: aiohttp.ClientSession, webhook: str, conversation: Conversation, timeout_s: float
) -> List[Turn]:
    """Turns one after the other, as a customer waits for the answer before writing again."""
    return [
        await _turn(session, webhook, conversation.sender, index, text, timeout_s)
        for index, text in enumerate(conversation.messages)
    ]


async def drive(
    base_url: str,
    conversations: Sequence[Conversation],
    timeout_s: float = 120,
    rss_pids: Iterable[int] = (),
) -> RunResult:
    """Play every conversation at once through POST {base_url}/webhooks/rest/webhook.

    The client pool is unbounded (aiohttp's default caps it at 100 connections,
    which would queue conversations in the client and not in the server). With
    `rss_pids`, the stack's memory is sampled during the run and its peak kept.
    """
    webhook = f"{base_url}/webhooks/rest/webhook"
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector) as session, RssSampler(rss_pids) as sampler:
        cpu_before = cpu_seconds_by_pid(sampler.pids)
        started = time.perf_counter()
        per_conversation = await asyncio.gather(
            *(_conversation(session, webhook, conversation, timeout_s) for conversation in conversations)
        )
        wall_s = time.perf_counter() - started
        cpu_after = cpu_seconds_by_pid(sampler.pids)
    turns = [turn for conversation_turns in per_conversation for turn in conversation_turns]
    return RunResult(
        conversations=len(conversations),
        turns_per_conversation=max((len(c.messages) for c in conversations), default=0),
        wall_s=wall_s,
        turns=turns,
        rss_peak_bytes=sampler.peak_bytes if sampler.pids else None,
        cpu_s_by_pid={pid: cpu_after[pid] - cpu_before[pid] for pid in cpu_after if pid in cpu_before},
    )


# -- /proc -----------------------------------------------------------------------------------------

def _stat_fields(pid: int) -> List[str]:
    """Fields of /proc/<pid>/stat after the command name (which may hold spaces and parentheses)."""
    text = (PROC / str(pid) / "stat").read_text()
    return text[text.rindex(")") + 2:].split()


def children(pid: int) -> Set[int]:
    """Direct children of `pid` (every /proc/<n>/stat whose parent is pid)."""
    found = set()
    for entry in PROC.iterdir():
        if entry.name.isdigit():
            try:
                if int(_stat_fields(int(entry.name))[1]) == pid:  # field 4, ppid
                    found.add(int(entry.name))
            except (OSError, ValueError, IndexError):
                continue  # exited meanwhile
    return found


def descendants(pids: Iterable[int]) -> Set[int]:
    """The pids themselves and all their children, grandchildren and so on, still alive."""
    seen: Set[int] = set()
    todo = [pid for pid in pids if (PROC / str(pid)).exists()]
    while todo:
        pid = todo.pop()
        if pid not in seen:
            seen.add(pid)
            todo.extend(children(pid))
    return seen


def rss_bytes(pid: int) -> int:
    """VmRSS of one process; 0 when it has exited (or is a zombie, which has no VmRSS)."""
    try:
        for line in (PROC / str(pid) / "status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024  # always in kB
    except OSError:
        pass
    return 0


def stack_rss_bytes(pids: Iterable[int]) -> int:
    """Resident memory of a whole stack: its processes and every descendant."""
    return sum(rss_bytes(pid) for pid in descendants(pids))


def cpu_seconds_by_pid(pids: Iterable[int]) -> Dict[int, float]:
    """User + system CPU seconds so far of each process of a stack (and every descendant)."""
    ticks = os.sysconf("SC_CLK_TCK")
    used: Dict[int, float] = {}
    for pid in descendants(pids):
        try:
            fields = _stat_fields(pid)
        except OSError:
            continue  # exited meanwhile
        used[pid] = (int(fields[11]) + int(fields[12])) / ticks  # fields 14 and 15, utime and stime
    return used


def process_age_s(pid: int) -> float:
    """Seconds since the process started (its start time in /proc, clock ticks since boot)."""
    started_ticks = int(_stat_fields(pid)[19])  # field 22, starttime
    return time.clock_gettime(time.CLOCK_BOOTTIME) - started_ticks / os.sysconf("SC_CLK_TCK")


class RssSampler:
    """Async context manager sampling a stack's resident memory every `interval_s`; keeps the peak."""

    def __init__(self, pids: Iterable[int], interval_s: float = 0.5) -> None:
        self.pids = list(pids)
        self.interval_s = interval_s
        self.peak_bytes = 0
        self._task: asyncio.Task | None = None

    def sample(self) -> None:
        self.peak_bytes = max(self.peak_bytes, stack_rss_bytes(self.pids))

    async def _loop(self) -> None:
        while True:
            self.sample()
            await asyncio.sleep(self.interval_s)

    async def __aenter__(self) -> RssSampler:
        if self.pids:
            self._task = asyncio.create_task(self._loop())
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
            self.sample()


# -- printing --------------------------------------------------------------------------------------

def ratio(numerator: float | None, denominator: float | None) -> float:
    """numerator / denominator, NaN when either is missing or NaN or the denominator is zero."""
    if numerator is None or denominator is None or math.isnan(numerator) or math.isnan(denominator):
        return math.nan
    return numerator / denominator if denominator else math.nan


def format_table(header: Sequence[str], rows: Sequence[Sequence[Any]], title: str = "") -> str:
    """A plain-text table: first column left-aligned, the others right-aligned.

    Floats print with 2 decimals below 10, 1 below 100, none above; NaN and None as "-".
    """

    def cell(value: Any) -> str:
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return "-"
        if isinstance(value, float):
            decimals = 2 if abs(value) < 10 else 1 if abs(value) < 100 else 0
            return f"{value:.{decimals}f}"
        return str(value)

    table = [list(map(str, header))] + [[cell(value) for value in row] for row in rows]
    widths = [max(len(line[column]) for line in table) for column in range(len(header))]

    def line(cells: List[str]) -> str:
        rest = [c.rjust(w) for c, w in zip(cells[1:], widths[1:], strict=True)]
        return "  ".join([cells[0].ljust(widths[0]), *rest]).rstrip()

    rule = "  ".join("-" * width for width in widths)
    lines = ([title] if title else []) + [line(table[0]), rule] + [line(row) for row in table[1:]]
    return "\n".join(lines)
