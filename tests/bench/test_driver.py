"""bench/driver.py: percentiles, /proc reading, run figures and table layout.

Only what the figures are computed from; never a speed (figures live in the
benches and docs/performance.md, not in tests).
"""
from __future__ import annotations

import math
import os
import subprocess
import sys
import time

import pytest

from bench.driver import (
    RunResult,
    Turn,
    children,
    cpu_seconds_by_pid,
    descendants,
    format_table,
    percentile,
    process_age_s,
    ratio,
    rss_bytes,
    stack_rss_bytes,
)


@pytest.mark.parametrize(
    ("values", "q", "expected"),
    [
        ([5.0], 50, 5.0),
        ([1.0, 2.0, 3.0, 4.0], 0, 1.0),
        ([1.0, 2.0, 3.0, 4.0], 100, 4.0),
        ([1.0, 2.0, 3.0, 4.0], 50, 2.5),
        ([4.0, 1.0, 3.0, 2.0], 50, 2.5),  # unsorted input
        ([float(n) for n in range(1, 101)], 95, 95.05),
        ([float(n) for n in range(1, 101)], 99, 99.01),
        ([10.0, 20.0], 25, 12.5),
    ],
)
def test_percentile_interpolates_between_ranks(values: list[float], q: float, expected: float) -> None:
    assert percentile(values, q) == pytest.approx(expected)


def test_percentile_of_nothing_is_nan_and_q_is_checked() -> None:
    assert math.isnan(percentile([], 50))
    with pytest.raises(ValueError):
        percentile([1.0], 101)


def _turn(latency_s: float, error: str | None = None) -> Turn:
    return Turn("s", 0, "hola", latency_s, [] if error else [{"text": "ok"}], error)


def test_run_result_counts_the_turns_the_server_did_in_the_figures() -> None:
    """An empty reply was still a turn of the server's work; a failed request was not."""
    result = RunResult(conversations=2, turns_per_conversation=2, wall_s=2.0,
                       turns=[_turn(0.1), _turn(0.3), _turn(9.0, "timeout"), _turn(0.2, "empty")])
    assert result.latencies_s == [0.1, 0.3, 0.2]
    assert result.turns_per_s == pytest.approx(1.5)
    assert result.percentile_ms(50) == pytest.approx(200.0)
    assert result.error_count == 2
    assert dict(result.errors) == {"timeout": 1, "empty": 1}
    assert dict(result.errors_by_message) == {("timeout", "hola"): 1, ("empty", "hola"): 1}


def test_cpu_per_turn_counts_the_stack_or_its_busiest_process() -> None:
    result = RunResult(conversations=1, turns_per_conversation=3, wall_s=1.0,
                       turns=[_turn(0.1), _turn(0.1), _turn(0.1, "timeout")],
                       cpu_s_by_pid={10: 0.03, 11: 0.01})
    assert result.cpu_ms_per_turn() == pytest.approx(20.0)  # 40 ms over the two answered turns
    assert result.cpu_ms_per_turn(busiest_only=True) == pytest.approx(15.0)
    assert RunResult(conversations=1, turns_per_conversation=1, wall_s=1.0).cpu_ms_per_turn() is None


BURN_CPU = "import time\nwhile time.process_time() < 0.3: pass\ntime.sleep(30)"


def test_cpu_seconds_read_what_a_process_used() -> None:
    child = subprocess.Popen([sys.executable, "-c", BURN_CPU])  # 0.3 s of CPU, then asleep
    try:
        deadline = time.monotonic() + 30
        used = 0.0
        while used < 0.25 and time.monotonic() < deadline:
            time.sleep(0.05)
            used = cpu_seconds_by_pid([child.pid])[child.pid]
        assert 0.25 <= used < 1.0  # clock ticks, seconds (not ticks), and not the whole wall time
    finally:
        child.kill()
        child.wait()


def test_ratio_is_nan_when_a_side_is_missing() -> None:
    assert ratio(3.0, 2.0) == 1.5
    assert math.isnan(ratio(None, 2.0))
    assert math.isnan(ratio(1.0, 0.0))
    assert math.isnan(ratio(math.nan, 1.0))


def test_rss_of_this_process_matches_its_status_file() -> None:
    status = open(f"/proc/{os.getpid()}/status").read()
    kb = int(next(line for line in status.splitlines() if line.startswith("VmRSS:")).split()[1])
    measured = rss_bytes(os.getpid())
    assert measured > 0
    # Memory moves a little between the two reads; the unit (kB -> bytes) must not.
    assert abs(measured - kb * 1024) < 64 * 1024 * 1024


def test_rss_of_a_process_that_is_gone_is_zero() -> None:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    assert rss_bytes(child.pid) == 0
    assert stack_rss_bytes([child.pid]) == 0


def test_a_stack_includes_the_children_of_its_processes(monkeypatch: pytest.MonkeyPatch) -> None:
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        assert child.pid in children(os.getpid())
        assert descendants([os.getpid()]) >= {os.getpid(), child.pid}
        assert 0 <= process_age_s(child.pid) <= process_age_s(os.getpid()) + 0.05
        # The sum runs over every descendant, each read once.
        monkeypatch.setattr("bench.driver.rss_bytes", lambda pid: 1000)
        assert stack_rss_bytes([os.getpid()]) == 1000 * len(descendants([os.getpid()]))
    finally:
        child.kill()
        child.wait()


def test_table_aligns_columns_and_formats_numbers() -> None:
    text = format_table(
        ["", "stock", "assistant", "assistant/stock"],
        [
            ["turns/s", 26.84, 8.5, 0.3167],
            ["errors", 0, 12, None],
            ["p99 per turn (ms)", 1234.4, math.nan, 2.0],
        ],
        title="20 conversations",
    )
    lines = text.splitlines()
    assert lines[0] == "20 conversations"
    assert lines[1].split() == ["stock", "assistant", "assistant/stock"]
    assert set(lines[2].replace(" ", "")) == {"-"}
    assert lines[3].split() == ["turns/s", "26.8", "8.50", "0.32"]
    assert lines[4].split() == ["errors", "0", "12", "-"]
    assert lines[5].split() == ["p99", "per", "turn", "(ms)", "1234", "-", "2.00"]
    # Numbers right-aligned: every row ends its columns at the same place as the header.
    ends = {len(line) for line in lines[1:]}
    assert len(ends) == 1
    assert lines[3].index("turns/s") == 0
