"""The action server as `make run` starts it waits for a request on a connection it has accepted.

The Rasa server opens a new connection for every custom-action call. Under load
its event loop can be busy for seconds between connecting and writing the
request; Sanic's default closes a connection that has sent nothing for 5 s, and
the call failed with "Cannot write to closing transport": the turn went on
without the action's events (docs/performance.md). The Procfile raises that
wait for the action server (ACTIONS_KEEP_ALIVE_S, 60 s by default).
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from pathlib import Path
from typing import Iterator

import pytest

from tests.support.assistant import ROOT, _free_port, _wait_until_up

SILENCE_S = 8  # longer than Sanic's default of 5 s


def _procfile_command(name: str) -> str:
    for line in (ROOT / "Procfile").read_text().splitlines():
        if line.startswith(f"{name}:"):
            return line.split(":", 1)[1].strip()
    raise AssertionError(f"no '{name}' process in the Procfile")


@pytest.fixture(scope="module")
def procfile_action_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    """The Procfile's action server on a free port, with no keep-alive setting in the environment."""
    port = _free_port()
    env = {key: value for key, value in os.environ.items()
           if key not in ("ACTIONS_KEEP_ALIVE_S", "SANIC_KEEP_ALIVE_TIMEOUT")}
    env["ACTIONS_PORT"] = str(port)
    log: Path = tmp_path_factory.mktemp("actions") / "actions.log"
    process = subprocess.Popen(
        ["/bin/sh", "-c", _procfile_command("actions")], cwd=ROOT, env=env,
        stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True,
    )
    try:
        _wait_until_up(f"http://127.0.0.1:{port}/health", process, log)
        yield port
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def _health_after_silence(port: int, silence_s: float) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=30) as connection:
        time.sleep(silence_s)
        connection.sendall(b"GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n")
        return connection.recv(4096)


def test_a_connection_silent_for_longer_than_sanics_default_is_still_served(procfile_action_server):
    answer = _health_after_silence(procfile_action_server, SILENCE_S)
    assert answer.startswith(b"HTTP/1.1 200"), answer  # b"" when the server had closed it


def test_a_prompt_request_is_served_as_before(procfile_action_server):
    assert _health_after_silence(procfile_action_server, 0).startswith(b"HTTP/1.1 200")
