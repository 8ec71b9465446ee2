"""The prospect's lead form: which short answers answer its free-text questions."""
from __future__ import annotations

import asyncio

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.sales import ValidateLeadForm
from tests.actions.conftest import load_tracker
from tests.actions.demo_services import demo_services  # noqa: F401 (fixture)


def asked(slot: str, text: str, intent: str):
    """The identification fixture turned into the lead form asking `slot`, answered with `text`."""
    tracker = load_tracker("identification_claim_given")
    tracker.latest_message = {"text": text, "intent": {"name": intent, "confidence": 0.66}, "entities": []}
    tracker.events[-3] = {**tracker.events[-3], "text": text,
                          "parse_data": {"intent": {"name": intent}, "entities": []}}
    tracker.active_loop = {"name": "lead_form"}
    tracker.events[-1] = {**tracker.events[-1], "name": "lead_form"}  # the form's own run
    tracker.slots["requested_slot"] = slot
    return tracker


@pytest.mark.parametrize(
    ("slot", "text", "intent"),
    [
        ("lead_zone", "Luque", "affirm"),  # NLU read the town as a yes (play-test, model of 2026-12-04)
        ("lead_zone", "luque", "affirm"),
        ("lead_zone", "San Lorenzo", "deny"),
        ("lead_zone", "Fernando de la Mora", "greet"),
        ("lead_name", "Ana", "affirm"),
    ],
)
def test_a_place_or_a_name_read_as_yes_or_no_answers(slot, text, intent):
    assert ValidateLeadForm().is_answer(asked(slot, text, intent), slot)


@pytest.mark.parametrize(
    ("slot", "text", "intent"),
    [("lead_zone", "sí", "affirm"), ("lead_zone", "ok", "affirm"), ("lead_zone", "gracias", "thanks"),
     ("lead_name", "no", "deny"), ("lead_name", "dale", "affirm")],
)
def test_a_bare_yes_no_or_thanks_answers_nothing(slot, text, intent):
    assert not ValidateLeadForm().is_answer(asked(slot, text, intent), slot)


def name_asked(text: str):
    """The lead form asking the prospect's name, answered with `text` (a new message)."""
    tracker = asked("lead_name", text, "sales_inquiry")
    tracker.events.append({"event": "slot", "name": "lead_name", "value": text})
    return tracker


def test_a_question_asked_back_for_the_name_is_answered_and_no_name(demo_services):  # noqa: F811
    """Play-test: "y el de 600?" became the lead's name."""
    for text, answer in [("y el de 600?", "utter_sales_catalogue_heading"),
                         ("¿hacen factura legal?", "utter_lead_question_for_adviser")]:
        dispatcher = CollectingDispatcher()
        found = asyncio.run(ValidateLeadForm().validate_lead_name(text, dispatcher, name_asked(text), {}))
        assert found == {"lead_name": None}, text
        assert dispatcher.messages[0]["response"] == answer, text
    dispatcher = CollectingDispatcher()
    found = asyncio.run(ValidateLeadForm().validate_lead_name(
        "Carla Ruiz", dispatcher, name_asked("Carla Ruiz"), {}))
    assert found == {"lead_name": "Carla Ruiz"} and dispatcher.messages == []
