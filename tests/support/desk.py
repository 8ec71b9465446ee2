"""The desk process (`python -m desk`) beside a running assistant, for end-to-end tests and bench.

It shares the assistant's application database and event broker (the
assistant's run folder, tests/support/assistant.py) and acts on its Rasa
server with the assistant's API token, exactly as `make run` wires them.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, Mapping

import requests

from tests.support.assistant import ROOT, Assistant, AssistantStartError, _free_port

START_TIMEOUT_S = 60


@dataclass
class Desk:
    url: str
    token: str

    def api(self, method: str, path: str, token: str | None = None, **kwargs: Any) -> requests.Response:
        """Call the handoff API (`path` such as "/api/conversations") with the bearer token."""
        headers = {"Authorization": f"Bearer {self.token if token is None else token}"}
        return requests.request(method, self.url + path, headers=headers, timeout=30, **kwargs)

    def conversations(self, status: str) -> list[dict[str, Any]]:
        response = self.api("GET", "/api/conversations", params={"status": status})
        response.raise_for_status()
        return response.json()["items"]

    def conversation_of(self, sender: str, status: str, timeout_s: float = 20) -> dict[str, Any]:
        """The conversation of `sender` once it has `status` (the desk learns through the broker)."""
        deadline = time.monotonic() + timeout_s
        while True:
            found = [c for c in self.conversations(status) if c["sender_id"] == sender]
            if found:
                return found[0]
            if time.monotonic() > deadline:
                raise AssertionError(f"no {status} conversation for {sender} after {timeout_s}s")
            time.sleep(0.2)

    def transcript(self, handoff_id: int) -> list[dict[str, Any]]:
        response = self.api("GET", f"/api/conversations/{handoff_id}/transcript")
        response.raise_for_status()
        return response.json()

    def wait_for_transcript(self, handoff_id: int, text: str, timeout_s: float = 20) -> list[dict[str, Any]]:
        deadline = time.monotonic() + timeout_s
        while True:
            lines = self.transcript(handoff_id)
            if any(line["text"] == text for line in lines):
                return lines
            if time.monotonic() > deadline:
                raise AssertionError(f"{text!r} not in the transcript of {handoff_id}: {lines}")
            time.sleep(0.1)


@contextmanager
def running_desk(
    work: Path, assistant: Assistant, extra_env: Mapping[str, str] | None = None
) -> Iterator[Desk]:
    port = _free_port()
    token = secrets.token_urlsafe(16)
    env = {
        **os.environ,
        "DATABASE_URL": assistant.database_url,
        "EVENT_BROKER": "sql",
        "EVENT_BROKER_SQL_URL": f"sqlite:///{work / 'events.db'}",
        "RASA_URL": assistant.url,
        "RASA_API_TOKEN": assistant.token,
        "DESK_API_TOKEN": token,
        "DESK_PORT": str(port),
        "DESK_HOST": "127.0.0.1",
        **(extra_env or {}),
    }
    log = work / f"desk-{port}.log"
    process = subprocess.Popen(
        [sys.executable, "-m", "desk"], cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT
    )
    desk = Desk(f"http://127.0.0.1:{port}", token)
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            if process.poll() is not None:
                raise AssistantStartError(f"the desk exited early:\n{log.read_text()[-4000:]}")
            try:
                if requests.get(f"{desk.url}/health", timeout=2).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                raise AssistantStartError(f"the desk did not start:\n{log.read_text()[-4000:]}")
            time.sleep(0.2)
        yield desk
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
