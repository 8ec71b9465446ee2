"""A server that dies is started again; a server told to stop is not."""
from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

from scripts.keep_running import describe

ROOT = Path(__file__).resolve().parents[2]


def _keep_running(*command: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "scripts.keep_running", "--", *command],
        cwd=ROOT, stderr=subprocess.PIPE, text=True,
    )


def _wait_for(condition, timeout_s: float = 20) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline
        time.sleep(0.05)


def test_a_server_that_dies_is_started_again(tmp_path: Path) -> None:
    starts = tmp_path / "starts"
    # Each start leaves a line, then the "server" crashes.
    server = f"open({str(starts)!r}, 'a').write('x\\n'); raise SystemExit(3)"
    keeper = _keep_running(sys.executable, "-c", server)
    try:
        _wait_for(lambda: starts.exists() and len(starts.read_text().splitlines()) >= 2)
    finally:
        keeper.send_signal(signal.SIGTERM)
        keeper.wait(timeout=20)
    assert "exited with 3; starting it again in 1 s" in keeper.stderr.read()


def test_a_server_killed_by_the_kernel_is_started_again_and_sigterm_stops_both(tmp_path: Path) -> None:
    pids = tmp_path / "pids"
    server = f"import os, time; open({str(pids)!r}, 'a').write(f'{{os.getpid()}}\\n'); time.sleep(600)"
    keeper = _keep_running(sys.executable, "-c", server)
    try:
        _wait_for(lambda: pids.exists() and pids.read_text().strip())
        first = int(pids.read_text().split()[0])
        subprocess.run(["kill", "-KILL", str(first)], check=True)  # as the out-of-memory killer does
        _wait_for(lambda: len(pids.read_text().split()) == 2)
        second = int(pids.read_text().split()[1])
    finally:
        keeper.send_signal(signal.SIGTERM)
        assert keeper.wait(timeout=20) == 0
    assert not Path(f"/proc/{second}").exists() or "zombie" in Path(f"/proc/{second}/status").read_text()
    assert "killed by SIGKILL" in keeper.stderr.read()


def test_how_an_exit_is_described() -> None:
    assert describe(0) == "exited with 0"
    assert describe(-signal.SIGKILL) == "killed by SIGKILL"
