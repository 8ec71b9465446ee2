"""A call to the action server: Rasa's body minus the domain's responses, on a kept-alive connection."""
from __future__ import annotations

import asyncio
import json
import math
from pathlib import Path
from typing import Any, Dict, List, Set

import pytest
from aiohttp import web
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

import channels.action_server_guard  # noqa: F401  (a channel of this project installs them)
from channels import action_calls, rasa_methods

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
    assert {key: value for key, value in sent.items() if key != "domain"} == {
        key: value for key, value in rasas.items() if key != "domain"}
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
