"""Rasa's HTTP API is never open: without its token, or with a wrong one, every endpoint refuses.

The real Rasa server and action server, started as `make run` starts them
(`--auth-token`). Rasa reads the token from the `token` query parameter and
answers 401 otherwise; a refused call changes nothing. The channels' webhooks
(/webhooks/...) are not part of the API and need no token: customers use them.
"""
from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any, Dict, Iterator, List, Tuple

import pytest
import requests

from tests.support.assistant import Assistant, AssistantStartError, running_assistant

pytestmark = pytest.mark.e2e

Endpoint = Tuple[str, str, Any]  # method, path ({id} is a conversation), JSON body

# What the handoff and the tests use.
USED: List[Endpoint] = [
    ("GET", "/conversations/{id}/tracker", None),
    ("POST", "/conversations/{id}/tracker/events", [{"event": "bot", "text": "Mensaje de prueba."}]),
    ("POST", "/conversations/{id}/trigger_intent", {"name": "greet"}),
    ("POST", "/conversations/{id}/execute", {"name": "utter_offer_human"}),
    ("POST", "/model/parse", {"text": "hola"}),
]
# The rest of the API, refused too (never called with the token here: some replace the model).
OTHERS: List[Endpoint] = [
    ("GET", "/status", None),
    ("GET", "/domain", None),
    ("GET", "/conversations/{id}/story", None),
    ("PUT", "/conversations/{id}/tracker/events", []),
    ("POST", "/conversations/{id}/predict", None),
    ("POST", "/conversations/{id}/messages", {"text": "hola", "sender": "user"}),
    ("POST", "/model/predict", []),
    ("POST", "/model/train", {}),
    ("PUT", "/model", {"model_file": "models/current.tar.gz"}),
    ("DELETE", "/model", None),
]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Tuple[Assistant, Path]]:
    """The running assistant and its working directory (where rasa.log is)."""
    work = tmp_path_factory.mktemp("rasa-api-token")
    try:
        with running_assistant(work) as assistant:
            yield assistant, work
    except AssistantStartError as error:
        pytest.fail(str(error), pytrace=False)


@pytest.fixture
def sender() -> str:
    return f"token-{uuid.uuid4().hex[:10]}"


def call(assistant: Assistant, endpoint: Endpoint, sender: str, **params: str) -> requests.Response:
    method, path, body = endpoint
    url = assistant.url + path.format(id=sender)
    return requests.request(method, url, params=params, json=body, timeout=60)


def wrong_params(kind: str, token: str) -> Dict[str, str]:
    """The query parameters of a call with a missing or wrong token."""
    wrong = {"empty": "", "wrong": "wrong-token", "longer": token + "x", "other-case": token.swapcase()}
    return {} if kind == "missing" else {"token": wrong[kind]}


def events(assistant: Assistant, sender: str) -> list[Dict[str, Any]]:
    return assistant.tracker(sender)["events"]


@pytest.mark.parametrize("endpoint", USED + OTHERS, ids=lambda e: f"{e[0]} {e[1]}")
@pytest.mark.parametrize("kind", ["missing", "empty", "wrong", "longer", "other-case"])
def test_the_api_refuses_a_request_without_the_right_token(server, sender, endpoint, kind):
    assistant, _ = server
    assistant.send("hola", sender)
    before = events(assistant, sender)
    response = call(assistant, endpoint, sender, **wrong_params(kind, assistant.token))
    assert response.status_code == 401, response.text
    assert response.json()["reason"] == "NotAuthenticated"
    assert events(assistant, sender) == before  # refused, nothing done


def test_a_bearer_header_is_no_token(server, sender):
    """Rasa's token travels as `?token=`; without JWT configured a header opens nothing."""
    assistant, _ = server
    response = requests.get(f"{assistant.url}/conversations/{sender}/tracker",
                            headers={"Authorization": f"Bearer {assistant.token}"}, timeout=30)
    assert response.status_code == 401


@pytest.mark.parametrize("endpoint", USED, ids=lambda e: f"{e[0]} {e[1]}")
def test_the_api_accepts_the_token(server, sender, endpoint):
    assistant, _ = server
    assistant.send("hola", sender)
    response = call(assistant, endpoint, sender, token=assistant.token)
    assert response.status_code == 200, response.text


def test_what_the_token_allows_is_done(server, sender):
    assistant, _ = server
    assistant.send("hola", sender)
    appended = assistant.api("POST", f"/conversations/{sender}/tracker/events",
                             json=[{"event": "bot", "text": "Mensaje de prueba."}])
    assert appended.status_code == 200, appended.text
    assert events(assistant, sender)[-1]["text"] == "Mensaje de prueba."
    assert assistant.parse("hola")["intent"]["name"] == "greet"


def test_the_rest_channel_needs_no_token(server, sender):
    assistant, _ = server
    response = requests.post(f"{assistant.url}/webhooks/rest/webhook",
                             json={"sender": sender, "message": "hola"}, timeout=60)
    assert response.status_code == 200
    assert any(message.get("text") for message in response.json())


def test_the_token_is_not_in_the_server_s_log(server, sender):
    assistant, work = server
    assert call(assistant, USED[0], sender, token=assistant.token).status_code == 200
    assert assistant.token not in (work / "rasa.log").read_text()
