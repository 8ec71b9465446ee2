"""A call to the action server: Rasa's body minus the domain's responses, on a kept-alive connection."""
from __future__ import annotations

import asyncio
import json
import math
import random
from pathlib import Path
from typing import Any, Dict, Iterator, List, Set

import pluggy
import pytest
import ujson
from aiohttp import web
from rasa.core.actions.action import RemoteAction
from rasa.plugin import plugin_manager
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, EntitiesAdded, Event, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

import channels.action_server_guard  # noqa: F401  (a channel of this project installs them)
from channels import action_calls, rasa_methods
from tests.channels.event_sequences import every_kind_of_event, random_conversation

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(ROOT / "domain"))


TRACKER = DialogueStateTracker.from_events("ana", [
    ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen"),
    UserUttered("hola", {"name": "greet", "confidence": 0.99}),
])


def body(action: str, domain: Domain, selective: bool) -> Dict[str, Any]:
    endpoint = EndpointConfig("http://127.0.0.1:1/webhook", enable_selective_domain=selective)
    return RemoteAction(action, endpoint)._action_call_format(TRACKER, domain)


def rasas_body(action: str, domain: Domain, selective: bool) -> Dict[str, Any]:
    endpoint = EndpointConfig("http://127.0.0.1:1/webhook", enable_selective_domain=selective)
    rasas = RemoteAction._action_call_format.__wrapped__
    return rasas(RemoteAction(action, endpoint), TRACKER, domain)


def decoded(value: Dict[str, Any]) -> Any:
    """What the action server reads of a body."""
    return json.loads(action_calls.json_body(value))


def test_a_channel_of_the_project_installs_them() -> None:
    assert rasa_methods.is_replaced(RemoteAction._action_call_format)
    assert rasa_methods.is_replaced(EndpointConfig.session)
    assert action_calls.install() is True  # idempotent


def test_the_project_sends_the_domain_only_to_the_validate_actions() -> None:
    endpoints = (ROOT / "endpoints.yml").read_text()
    assert "enable_selective_domain: true" in endpoints


@pytest.mark.parametrize("selective", [True, False])
def test_a_validate_action_gets_the_domain_without_its_responses(domain: Domain, selective: bool) -> None:
    sent = body("validate_contact_form", domain, selective)
    rasas = rasas_body("validate_contact_form", domain, selective)
    assert "responses" in rasas["domain"] and "responses" not in sent["domain"]
    assert sent["domain"] == {key: value for key, value in rasas["domain"].items() if key != "responses"}
    assert decoded({key: value for key, value in sent.items() if key != "domain"}) == decoded(
        {key: value for key, value in rasas.items() if key != "domain"})
    assert sent["domain"]["forms"]["contact_form"]["required_slots"]  # what rasa_sdk's forms read
    assert body("validate_contact_form", domain, selective)["domain"] is sent["domain"]  # trimmed once


def test_other_actions_get_no_domain_when_selective(domain: Domain) -> None:
    assert "domain" not in body("action_triage", domain, selective=True)
    assert "responses" not in body("action_triage", domain, selective=False)["domain"]


def session_settings(session: Any) -> Any:
    """What a session sends with every request: its headers, authentication and timeout."""
    return dict(session.headers), session.auth, session.timeout


def test_a_session_has_rasas_settings_on_a_shared_pool() -> None:
    endpoint = EndpointConfig("http://127.0.0.1:1/webhook", headers={"X-Conecta": "1"},
                              basic_auth={"username": "luz", "password": "secreto"})
    rasas_session = EndpointConfig.session.__wrapped__

    async def scenario() -> None:
        ours, theirs, again = endpoint.session(), rasas_session(endpoint), endpoint.session()
        pool = ours.connector
        try:
            assert session_settings(ours) == session_settings(theirs)
            assert pool is not None and pool is again.connector and not ours.connector_owner
        finally:
            for session in (ours, theirs, again):
                await session.close()
        assert not pool.closed  # closing a session leaves the pool open
        await action_calls.close_pools()
        assert pool.closed

    asyncio.run(scenario())


def test_calls_reuse_one_kept_alive_connection() -> None:
    peers: Set[Any] = set()
    received: List[Dict[str, Any]] = []

    async def webhook(request: web.Request) -> web.Response:
        peers.add(request.transport.get_extra_info("peername") if request.transport else None)
        received.append(await request.json())
        return web.json_response({"events": [], "responses": []})

    async def scenario() -> None:
        app = web.Application()
        app.router.add_post("/webhook", webhook)
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        endpoint = EndpointConfig(f"http://127.0.0.1:{port}/webhook")
        try:
            for number in range(3):
                call = {"next_action": "action_triage", "n": number, "text": "ñandú/ü"}
                assert await endpoint.request(json=call, method="post") == {"events": [], "responses": []}
        finally:
            await action_calls.close_pools()
            await runner.cleanup()

    asyncio.run(scenario())
    assert len(peers) == 1  # one connection for the three calls
    assert [item["n"] for item in received] == [0, 1, 2] and received[0]["text"] == "ñandú/ü"


def test_bodies_are_the_same_json_and_nan_still_encodes() -> None:
    value = {"text": "¿Tiene internet? 🙂 </script>", "confidence": 0.1 + 0.2, "big": 2 ** 62,
             "none": None, "nested": [{"a": 1.5e-9}, True]}
    assert json.loads(action_calls.json_body(value)) == value
    assert math.isnan(json.loads(action_calls.json_body({"x": math.nan}))["x"])  # as json.dumps writes it


def conversations() -> Iterator[List[Event]]:
    for path in sorted((ROOT / "tests" / "fixtures" / "trackers").glob("*.json")):
        stored = json.loads(path.read_text())
        yield list(DialogueStateTracker.from_dict(path.stem, stored["events"]).events)
    yield every_kind_of_event()
    rng = random.Random(3)
    for _ in range(40):
        yield random_conversation(rng, rng.randrange(1, 40))


def trimmed(rasas: Dict[str, Any]) -> Dict[str, Any]:
    """Rasa's body as this project sends it: the domain without its responses."""
    if "domain" not in rasas:
        return rasas
    return {**rasas, "domain": {key: value for key, value in rasas["domain"].items() if key != "responses"}}


@pytest.mark.parametrize("action", ["action_triage", "validate_contact_form"])
def test_every_stage_of_a_conversation_sends_the_text_rasa_s_body_makes(domain: Domain, action: str) -> None:
    """Each event's JSON is made once and kept on it; the body's text is the one Rasa's dicts make."""
    endpoint = EndpointConfig("http://127.0.0.1:1/webhook", enable_selective_domain=True)
    remote = RemoteAction(action, endpoint)
    rasas = RemoteAction._action_call_format.__wrapped__
    for events in conversations():
        tracker = DialogueStateTracker("conversation", domain.slots)
        tracker.model_id = "model"  # as the processor's tracker: logging an event gives it metadata
        for event in events:
            tracker.update(event, domain)
            sent = remote._action_call_format(tracker, domain)
            assert isinstance(sent["tracker"]["events"], action_calls.EncodedEvents)
            expected = trimmed(rasas(remote, tracker, domain))
            assert action_calls.json_body(sent) == action_calls.json_body(expected)


def test_an_event_changed_as_rasa_changes_one_is_encoded_again(domain: Domain) -> None:
    message = UserUttered("soy Ana", {"name": "inform", "confidence": 0.9}, [])
    tracker = DialogueStateTracker.from_events("ana", [ActionExecuted("action_listen"), message])
    action_calls.event_json(message)
    tracker.update(EntitiesAdded([{"entity": "person", "value": "Ana"}]))  # appended in place
    assert message.entities and action_calls.event_json(message) == json_text(message.as_dict())
    other = DialogueStateTracker("ana", domain.slots)
    other.model_id = "another model"
    listen = ActionExecuted("action_listen")
    action_calls.event_json(listen)
    other.update(listen)  # a tracker with a model gives the event new metadata
    assert action_calls.event_json(listen) == json_text(listen.as_dict())
    assert listen.as_dict()["metadata"]["model_id"] == "another model"


def json_text(value: Any) -> str:
    return ujson.dumps(value, ensure_ascii=False, escape_forward_slashes=False)


def test_what_ujson_refuses_is_sent_by_the_standard_encoder_with_every_event(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    tracker = DialogueStateTracker.from_events("ana", [ActionExecuted("action_listen"),
                                                       SlotSet("route", "fibra")])
    remote = RemoteAction("action_triage", EndpointConfig("http://127.0.0.1:1/webhook",
                                                          enable_selective_domain=True))
    sent = remote._action_call_format(tracker, Domain.empty())
    rasas = RemoteAction._action_call_format.__wrapped__(remote, tracker, Domain.empty())

    def refusing(value: Any) -> str:
        raise OverflowError("Maximum recursion level reached")  # what ujson says of very deep values

    monkeypatch.setattr(action_calls, "_ujson", refusing)
    assert action_calls.json_body(sent) == json.dumps(rasas)
    with pytest.raises(TypeError):  # never written as something else by an encoder that does not know it
        json.dumps(sent)


def test_a_plugin_reading_the_body_gets_rasa_s_body(domain: Domain) -> None:
    class Plugin:
        @pluggy.HookimplMarker("rasa")  # type: ignore[misc]
        def prefix_stripping_for_custom_actions(self, json_body: Dict[str, Any]) -> None:
            return None

    plugin = Plugin()
    plugin_manager().register(plugin)
    try:
        sent = body("action_triage", domain, selective=True)
        assert isinstance(sent["tracker"]["events"], list)
    finally:
        plugin_manager().unregister(plugin)
    assert isinstance(body("action_triage", domain, selective=True)["tracker"]["events"],
                      action_calls.EncodedEvents)
