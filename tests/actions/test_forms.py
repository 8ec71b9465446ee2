"""The form base: free-text questions take answers, never interruptions."""
from __future__ import annotations

import asyncio
import logging
from typing import Any, Dict

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import ActionExecutor, CollectingDispatcher

from actions.contact import ValidateContactForm
from actions.follow_up import ValidateRescheduleForm
from actions.forms import INTERRUPTION_INTENTS, ProtocolFormValidationAction, is_new_message_for
from actions.identification import ValidateIdentificationForm


def tracker(requested: str, text: str, intent: str) -> Tracker:
    return Tracker(
        sender_id="test",
        # A verified customer is asked which service; anyone else, who they are.
        slots={"requested_slot": requested, "customer_id": "1" if requested == "service_choice" else None},
        latest_message={"text": text, "intent": {"name": intent}, "entities": []},
        events=[],
        paused=False,
        followup_action=None,
        active_loop={"name": "some_form"},
        latest_action_name="action_listen",
    )


def extracted(form: ProtocolFormValidationAction, state: Tracker) -> Dict[str, Any]:
    requested = state.get_slot("requested_slot")
    domain = {"forms": {form.form_name(): {"required_slots": [requested]}}}
    events = asyncio.run(form.get_extraction_events(CollectingDispatcher(), state, domain))
    return {event["name"]: event["value"] for event in events}


@pytest.mark.parametrize(
    ("form", "slot"),
    [
        (ValidateIdentificationForm(), "identity_claim"),
        (ValidateIdentificationForm(), "service_choice"),
        (ValidateContactForm(), "contact_update"),
        (ValidateRescheduleForm(), "visit_choice"),
    ],
)
def test_the_question_asked_takes_the_message_as_written(form, slot) -> None:
    assert extracted(form, tracker(slot, "mi número es 1001", "inform")) == {slot: "mi número es 1001"}


@pytest.mark.parametrize("intent", sorted(INTERRUPTION_INTENTS))
def test_an_interruption_is_never_an_answer(intent: str) -> None:
    forms = ((ValidateIdentificationForm(), "identity_claim"), (ValidateRescheduleForm(), "visit_choice"))
    for form, slot in forms:
        assert extracted(form, tracker(slot, "texto cualquiera", intent)) == {}


def test_a_yes_is_not_a_new_contact_detail_and_a_no_is_an_answer() -> None:
    assert extracted(ValidateContactForm(), tracker("contact_update", "sí", "affirm")) == {}
    # "No, dejalo así" answers "escríbame el teléfono correcto": the details stay (test_contact.py).
    no = extracted(ValidateContactForm(), tracker("contact_update", "no", "deny"))
    assert no == {"contact_update": "no"}


def test_questions_that_are_not_free_text_are_left_to_their_mappings() -> None:
    assert extracted(ValidateContactForm(), tracker("contact_confirmed", "sí", "affirm")) == {}


def test_the_action_server_registers_the_forms_but_not_their_base() -> None:
    executor = ActionExecutor()
    executor.register_package("actions")
    assert "validate_identification_form" in executor.actions
    assert not any(name.startswith("Protocol") for name in executor.actions)


def _validation_tracker(*actions_after_message: str) -> Tracker:
    """The tracker Rasa hands a form's validation: events up to the form's own run."""
    events = [
        {"event": "action", "name": "identification_form"},
        {"event": "action", "name": "action_listen"},
        {"event": "user", "text": "hola", "parse_data": {"intent": {"name": "greet"}}},
        *({"event": "action", "name": name} for name in actions_after_message),
    ]
    return Tracker(
        sender_id="test",
        slots={"requested_slot": "identity_claim"},
        latest_message={"text": "hola", "intent": {"name": "greet"}, "entities": []},
        events=events,
        paused=False,
        followup_action=None,
        active_loop={"name": "identification_form"},
        latest_action_name=actions_after_message[-1] if actions_after_message else "action_listen",
    )


def test_a_message_written_while_the_form_asks_is_new_for_it() -> None:
    # Rasa validates on a copy of the tracker that already ends with the form's run.
    tracker = _validation_tracker("action_extract_slots", "identification_form")
    assert is_new_message_for("identification_form", tracker)


def test_the_message_that_started_the_form_is_not_new_for_it() -> None:
    tracker = _validation_tracker("action_greet", "action_triage", "identification_form")
    assert not is_new_message_for("identification_form", tracker)
    # Nor for a form that starts in the same turn after another one ended.
    assert not is_new_message_for("contact_form", _validation_tracker("identification_form", "contact_form"))


def test_a_mapped_slot_without_validation_is_not_warned_about_every_turn(
    caplog: pytest.LogCaptureFixture,
) -> None:
    forms_logger = logging.getLogger("rasa_sdk.forms")
    with caplog.at_level(logging.WARNING, logger="rasa_sdk.forms"):
        forms_logger.warning("Skipping validation for `service_number`: there is no validation method.")
        forms_logger.warning("Some other problem of a form")
    assert [record.getMessage() for record in caplog.records] == ["Some other problem of a form"]
