"""A real assistant in subprocesses: Rasa server and action server on a fresh database.

Used by the end-to-end tests (tests/e2e/conftest.py) and the benchmarks
(bench/). Both servers run exactly as `make run` starts them, with the trained
model from `make model`, a temporary SQLite application database (migrated and
seeded by the project's own commands) and a temporary SQLite tracker store.
"""
from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterator, List, Mapping

import requests


class AssistantStartError(RuntimeError):
    pass


ROOT = Path(__file__).resolve().parents[2]
MODEL = ROOT / "models" / "current.tar.gz"
RASA = Path(sys.executable).with_name("rasa")
START_TIMEOUT_S = 240
# As the Procfile starts the Rasa server (unless the environment says otherwise): one thread for
# TensorFlow's operations instead of a pool per core; DIET's graph is hundreds of tiny operations,
# and handing them out cost more CPU than it saved (docs/performance.md).
TENSORFLOW_THREADS = {"TF_INTER_OP_PARALLELISM_THREADS": "1", "TF_INTRA_OP_PARALLELISM_THREADS": "1"}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_up(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssistantStartError(f"{url} exited early:\n{log.read_text()[-4000:]}")
        try:
            if requests.get(url, timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)  # the bench measures cold start: a 1 s poll added up to a second to it
    raise AssistantStartError(f"{url} did not start in {START_TIMEOUT_S}s:\n{log.read_text()[-4000:]}")


@dataclass
class Assistant:
    """A running assistant: chat over the REST channel, inspect its stores."""

    url: str
    database_url: str
    token: str  # Rasa's HTTP API refuses requests without it (the REST webhook needs none)
    pids: tuple[int, ...] = ()  # the servers' processes (action server first when started)

    def send(self, text: Any, sender: str) -> List[Dict[str, Any]]:
        response = requests.post(
            f"{self.url}/webhooks/rest/webhook",
            json={"sender": sender, "message": text},
            timeout=60,
        )
        response.raise_for_status()
        return response.json()

    def say(self, text: Any, sender: str) -> str:
        """Send a message and return the bot's replies joined into one text."""
        return "\n".join(m.get("text", "") for m in self.send(text, sender))

    def api(
        self, method: str, path: str, *, params: Mapping[str, str] | None = None, timeout: float = 60,
        **kwargs: Any,
    ) -> requests.Response:
        """Call Rasa's HTTP API (`path` such as "/conversations/<id>/execute") with the token.

        Rasa reads the token from the `token` query parameter. The response is
        returned as it is, so a test can check a refusal.
        """
        return requests.request(
            method, self.url + path, params={**(params or {}), "token": self.token}, timeout=timeout, **kwargs
        )

    def parse(self, text: str) -> Dict[str, Any]:
        response = self.api("POST", "/model/parse", json={"text": text})
        response.raise_for_status()
        return response.json()

    def tracker(self, sender: str) -> Dict[str, Any]:
        response = self.api("GET", f"/conversations/{sender}/tracker", timeout=30)
        response.raise_for_status()
        return response.json()


def _environment(work: Path, database_url: str, actions_port: int) -> Dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{actions_port}/webhook",
        "TRACKER_DIALECT": "sqlite",
        "TRACKER_DB": str(work / "tracker.db"),
        "TRACKER_HOST": "",
        "TRACKER_USER": "",
        "TRACKER_PASSWORD": "",
        # Conversation events for the desk (channels/event_broker.py): this run's own database.
        "EVENT_BROKER": "sql",
        "EVENT_BROKER_SQL_URL": f"sqlite:///{work / 'events.db'}",
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "RASA_TELEMETRY_ENABLED": "false",
        # As the Makefile sets it for `make run`: a long turn must never silence a conversation.
        "MAX_NUMBER_OF_PREDICTIONS": os.environ.get("MAX_NUMBER_OF_PREDICTIONS", "20"),
        "SANIC_REQUEST_MAX_SIZE": os.environ.get("SANIC_REQUEST_MAX_SIZE", "2000000"),
    }


@contextmanager
def running_assistant(
    work: Path, with_action_server: bool = True, extra_env: Mapping[str, str] | None = None,
    endpoints: Path | None = None,
) -> Iterator[Assistant]:
    """Migrate and seed a fresh database, start the servers, stop them afterwards.

    `extra_env` reaches both servers: a channel's settings (its token, the
    address of a local fake of its platform) switch that channel on.
    `endpoints` replaces the project's endpoints.yml (a test's own event broker, say).
    """
    if not MODEL.exists():
        raise AssistantStartError(f"No trained model at {MODEL}: run 'make model' (make test does it).")
    database_url = f"sqlite:///{work / 'app.db'}"
    actions_port, rasa_port = _free_port(), _free_port()
    # A new API token each run, in the environment too for whatever calls Rasa's API back.
    env = {**_environment(work, database_url, actions_port), "RASA_API_TOKEN": secrets.token_urlsafe(16),
           **(extra_env or {})}
    for module in ("bot.db.migrate", "demo.seed"):
        subprocess.run([sys.executable, "-m", module], cwd=ROOT, env=env, check=True)

    processes: List[subprocess.Popen] = []
    try:
        if with_action_server:
            actions_log = work / "actions.log"
            actions = subprocess.Popen(
                [str(RASA), "run", "actions", "--port", str(actions_port), "--actions", "actions"],
                # As the Procfile starts it: a busy Rasa server may connect seconds before it writes.
                cwd=ROOT, env={**env, "SANIC_KEEP_ALIVE_TIMEOUT": env.get("ACTIONS_KEEP_ALIVE_S", "60")},
                stdout=actions_log.open("w"), stderr=subprocess.STDOUT,
            )
            processes.append(actions)
        # Both servers start at once, as honcho starts them for `make run`: each takes seconds to import.
        rasa_log = work / "rasa.log"
        server = subprocess.Popen(
            [str(RASA), "run", "--enable-api", f"--auth-token={env['RASA_API_TOKEN']}",
             "--port", str(rasa_port), "--model", str(MODEL),
             "--endpoints", str(endpoints or "endpoints.yml"), "--credentials", "credentials.yml"],
            cwd=ROOT, env={**TENSORFLOW_THREADS, **env}, stdout=rasa_log.open("w"), stderr=subprocess.STDOUT,
        )
        processes.append(server)
        if with_action_server:
            _wait_until_up(f"http://127.0.0.1:{actions_port}/health", actions, actions_log)
        _wait_until_up(f"http://127.0.0.1:{rasa_port}/", server, rasa_log)  # "/" needs no token
        # "/" answers before the model is loaded; wait for a real parse.
        assistant = Assistant(
            f"http://127.0.0.1:{rasa_port}", database_url, env["RASA_API_TOKEN"],
            pids=tuple(process.pid for process in processes),
        )
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            try:
                assistant.parse("hola")
                break
            except requests.RequestException:
                if time.monotonic() > deadline:
                    raise
                time.sleep(1)
        yield assistant
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
