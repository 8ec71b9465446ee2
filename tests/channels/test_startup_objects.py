"""The servers' objects from their start are frozen once they have started (channels/startup_objects.py)."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from tests.support.assistant import ROOT, _free_port, _wait_until_up


def run_python(code: str) -> dict:
    """`code` in a process of its own (a freeze is for a process's life), its last line read as JSON."""
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_garbage_is_collected_first_then_what_is_alive_frozen_once() -> None:
    seen = run_python("""
import gc, json, weakref
from channels.startup_objects import freeze_startup_objects
class Node: pass
garbage = Node(); garbage.me = garbage; dead = weakref.ref(garbage); del garbage  # a cycle: gc's to free
alive = [Node() for _ in range(1000)]
freeze_startup_objects()
first = gc.get_freeze_count()
more = [Node() for _ in range(1000)]
freeze_startup_objects()  # a second channel's listener: nothing more
print(json.dumps({"collected": dead() is None, "first": first, "second": gc.get_freeze_count(),
                  "threshold": gc.get_threshold()}))
""")
    assert seen["collected"] and seen["first"] >= 1000
    assert seen["second"] == seen["first"]
    assert seen["threshold"] == [5000, 10, 10]


def test_without_the_action_server_s_app_nothing_is_registered() -> None:
    seen = run_python("""
import json
from channels.startup_objects import freeze_after_start_of
print(json.dumps({"registered": freeze_after_start_of("rasa_sdk")}))
""")
    assert seen == {"registered": False}


# Each server as it is made (the action server by rasa_sdk, the Rasa server's channels on their
# app), with one more route that says how many objects are frozen, started for real.
SERVERS = {
    "action server": """
from rasa_sdk.endpoint import create_app
app = create_app("actions")  # rasa_sdk makes its app, then imports the actions
""",
    "Rasa server's channels": """
from sanic import Sanic
from channels.rest import GuardedRestInput
from channels.webchat import WebChatInput
app = Sanic("rasa_like")
for channel in (GuardedRestInput(), WebChatInput()):
    app.blueprint(channel.blueprint(lambda message: None), url_prefix=f"/webhooks/{channel.name()}")
""",
}
FROZEN_ROUTE = """
import gc, sys
from sanic import response
@app.get("/frozen")
async def frozen(_):
    return response.json({"frozen": gc.get_freeze_count(), "young": gc.get_threshold()[0]})
app.run("127.0.0.1", int(sys.argv[1]), access_log=False)
"""


@pytest.mark.parametrize("server", SERVERS)
def test_a_started_server_has_frozen_what_it_holds(server: str, tmp_path: Path) -> None:
    port, log = _free_port(), tmp_path / "server.log"
    url = f"http://127.0.0.1:{port}/frozen"
    with log.open("w") as output:
        process = subprocess.Popen([sys.executable, "-c", SERVERS[server] + FROZEN_ROUTE, str(port)],
                                   cwd=ROOT, stdout=output, stderr=subprocess.STDOUT)
    try:
        _wait_until_up(url, process, log)
        answer = requests.get(url, timeout=10)
        assert answer.json()["frozen"] > 10_000  # its modules' objects: tens of thousands at least
        assert answer.json()["young"] == 5000
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:  # Sanic's graceful shutdown can outlast the test's interest
            process.kill()
            process.wait(timeout=10)
