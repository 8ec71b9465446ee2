"""A form that starts with nothing to validate: its first question said by its validation, asked once.

Rasa's own form code (rasa.core.actions.forms.FormAction) runs against the
project's validation actions, served by rasa_sdk's executor over HTTP on a
local port, and every request is counted.
"""
from __future__ import annotations

import asyncio
import socket
from typing import Any, Dict, List, Tuple

import pytest
from aiohttp import web
from rasa.core.actions.forms import FormAction
from rasa.core.channels.channel import CollectingOutputChannel
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActiveLoop,
    BotUttered,
    Event,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig
from rasa_sdk import Tracker
from rasa_sdk.executor import ActionExecutor, CollectingDispatcher

import actions
from actions.forms import ProtocolFormValidationAction, is_starting
from actions.troubleshooting import ValidateTroubleshootingForm
from bot.wiring import Services
from tests.actions.demo_services import demo_services  # noqa: F401 - fixture
from tests.support.assistant import ROOT

DOMAIN = Domain.load(str(ROOT / "domain"))
FORM = "troubleshooting_form"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _routed(*after_the_message: Event) -> DialogueStateTracker:
    """Contact details just confirmed, the case routed to the key questions: the form starts next."""
    return DialogueStateTracker.from_events("form-start", [
        ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen"),
        UserUttered("sí, están bien", {"name": "affirm", "confidence": 0.99}),
        ActionExecuted("contact_form"), ActiveLoop(None), SlotSet("requested_slot", None),
        ActionExecuted("action_route_need"),
        SlotSet("ticket_number", "TK-10001"), SlotSet("route", "troubleshoot"),
        *after_the_message,
    ], DOMAIN.slots)


async def _form_run(tracker: DialogueStateTracker) -> Tuple[List[Event], List[Dict[str, Any]]]:
    """The form run by Rasa, its validation answered by the project's action server code."""
    executor = ActionExecutor()
    executor.register_package(actions)
    requests: List[Dict[str, Any]] = []

    async def webhook(request: web.Request) -> web.Response:
        body = await request.json()
        requests.append(body)
        return web.json_response(await executor.run(body))

    app = web.Application()
    app.router.add_post("/webhook", webhook)
    runner = web.AppRunner(app)
    await runner.setup()
    port = _free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        form = FormAction(FORM, EndpointConfig(f"http://127.0.0.1:{port}/webhook"))
        nlg = TemplatedNaturalLanguageGenerator(DOMAIN.responses)
        events = await form.run(CollectingOutputChannel(), nlg, tracker, DOMAIN)
    finally:
        await runner.cleanup()
    return events, requests


def _state(tracker: DialogueStateTracker, events: List[Event]) -> Dict[str, Any]:
    """Where the conversation stands after the form's events: slots, the loop, what was said."""
    after = tracker.copy()
    after.update_with_events(events, DOMAIN)
    said = [event.metadata.get("utter_action") or event.text
            for event in events if isinstance(event, BotUttered)]
    return {"slots": after.current_slot_values(), "loop": after.active_loop_name, "said": said}


def _rasa_asks_again(monkeypatch: pytest.MonkeyPatch) -> None:
    """The validation as it was: an empty answer at the start, which Rasa follows with a second request."""
    monkeypatch.setattr(ProtocolFormValidationAction, "run", ProtocolFormValidationAction._validated)


RESETS = tuple(SlotSet(slot, None) for slot in ("problem_since", "devices_scope"))


@pytest.mark.parametrize("resets", [(), RESETS], ids=["nothing-set", "questions-reset"])
def test_the_key_questions_start_with_one_request_and_the_same_question(
    demo_services: Services, monkeypatch: pytest.MonkeyPatch, resets: Tuple[Event, ...]  # noqa: F811
) -> None:
    events, requests = asyncio.run(_form_run(_routed(*resets)))
    with monkeypatch.context() as before:
        _rasa_asks_again(before)
        events_before, requests_before = asyncio.run(_form_run(_routed(*resets)))
    assert [r["next_action"] for r in requests_before] == ["validate_troubleshooting_form"] * 2
    assert [r["next_action"] for r in requests] == ["validate_troubleshooting_form"]
    assert _state(_routed(*resets), events) == _state(_routed(*resets), events_before)
    assert _state(_routed(*resets), events)["said"] == ["utter_ask_problem_since"]
    assert _state(_routed(*resets), events)["loop"] == FORM


def test_a_start_with_answers_already_given_is_validated_as_before(
    demo_services: Services, monkeypatch: pytest.MonkeyPatch  # noqa: F811
) -> None:
    given = (SlotSet("problem_since", "2026-12-01"),)
    events, requests = asyncio.run(_form_run(_routed(*given)))
    with monkeypatch.context() as before:
        _rasa_asks_again(before)
        events_before, requests_before = asyncio.run(_form_run(_routed(*given)))
    assert len(requests) == len(requests_before) == 1
    assert _state(_routed(*given), events) == _state(_routed(*given), events_before)
    assert _state(_routed(*given), events)["said"] == ["utter_ask_devices_scope"]


def _sdk_tracker(events: List[Dict[str, Any]], loop: str | None) -> Tracker:
    message = {"text": "sí", "intent": {"name": "affirm"}, "entities": []}
    return Tracker("t", {"requested_slot": None}, message, events, False, None,
                   {"name": loop} if loop else {}, "action_listen")


def test_a_form_is_starting_only_when_its_loop_began_after_the_message() -> None:
    user = {"event": "user", "text": "sí"}
    started = {"event": "active_loop", "name": FORM}
    other = {"event": "active_loop", "name": "contact_form"}
    assert is_starting(FORM, _sdk_tracker([user, started], FORM))
    assert not is_starting(FORM, _sdk_tracker([started, user], FORM))  # an answer to the form
    assert not is_starting(FORM, _sdk_tracker([user, started], None))  # Rasa's second request
    assert not is_starting(FORM, _sdk_tracker([user, other], "contact_form"))
    assert not is_starting(FORM, _sdk_tracker([user], FORM))


def test_at_the_start_the_validation_names_the_first_empty_question(demo_services: Services) -> None:  # noqa: F811
    events = [{"event": "user", "text": "sí"}, {"event": "active_loop", "name": FORM}]
    form, domain = ValidateTroubleshootingForm(), DOMAIN.as_dict()
    answered = asyncio.run(form.run(CollectingDispatcher(), _sdk_tracker(events, FORM), domain))
    assert answered == [SlotSet("requested_slot", "problem_since").as_dict() | {"timestamp": None}]
    every_answer = _sdk_tracker(events, FORM)
    every_answer.slots.update({slot: "x" for slot in DOMAIN.required_slots_for_form(FORM)})
    assert asyncio.run(form.run(CollectingDispatcher(), every_answer, domain)) == []  # nothing left to ask
