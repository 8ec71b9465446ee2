"""The key questions of the technical process, answered in any order.

Every message is read for every question still open: a customer who says
"desde ayer no tengo internet en ningún dispositivo, uso wifi, somos 4" is not
asked when, where, how or how many again. Answers are normalised where the
parsers in `bot/answers.py` understand them and kept as written otherwise.
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Dict, Iterable, List

from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.services import company
from actions.tracker_utils import latest_intent
from bot.answers import (
    Household,
    normalize_brand,
    parse_connection_type,
    parse_device_scope,
    parse_household,
    parse_since,
)
from bot.input_guard import classify

KEY_QUESTIONS = ("problem_since", "devices_scope", "connection_type", "device_brand", "household_size")
# Courtesies that do not answer anything: the question is simply asked again.
_COURTESIES = {"greet", "thanks", "affirm"}
# Handled by rules (answered, or the conversation changes course).
_INTERRUPTIONS = {"bot_challenge", "goodbye", "request_human"}


def _entity_values(entities: Iterable[Dict[str, Any]], name: str) -> List[str]:
    return [str(entity.get("value")) for entity in entities if entity.get("entity") == name]


def answers_in(text: str | None, entities: Iterable[Dict[str, Any]] = ()) -> Dict[str, Any]:
    """The key questions one message answers, as slot values."""
    if not text or classify(text) is not None:
        return {}
    entities = list(entities)
    profile = company()
    now = datetime.now(timezone.utc)
    found: Dict[str, Any] = {}

    for candidate in [*_entity_values(entities, "duration"), text]:
        since = parse_since(candidate, now, profile.tzinfo)
        if since is not None:
            found["problem_since"] = since.started_on.isoformat()
            break
    scope = parse_device_scope(text)
    if scope is not None:
        found["devices_scope"] = scope
    for candidate in [*_entity_values(entities, "connection_type"), text]:
        connection = parse_connection_type(candidate)
        if connection is not None:
            found["connection_type"] = connection
            break
    for candidate in [*_entity_values(entities, "device_brand"), text]:
        brand = normalize_brand(candidate)
        if brand is not None:
            found["device_brand"] = brand
            break
    if household_in(text) is not None:
        found["household_size"] = text.strip()
    return found


def household_in(text: str | None) -> Household | None:
    """People and devices the answer states; None unless it gives at least one count."""
    household = parse_household(text or "")
    if household is None or not (household.people or household.devices):
        return None
    return household


def _free_text_answer(slot: str, text: str) -> str | None:
    """What to keep when no parser understood the answer to the question asked."""
    if classify(text) is not None or slot == "household_size":
        return None  # unreadable, or a count is needed
    return text.strip()


class ValidateTroubleshootingForm(FormValidationAction):
    def name(self) -> str:
        return "validate_troubleshooting_form"

    async def get_extraction_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        return [SlotSet(slot, value) for slot, value in self.extract_answers(dispatcher, tracker).items()]

    def extract_answers(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> Dict[str, Any]:
        intent = latest_intent(tracker)
        if intent in _INTERRUPTIONS:
            return {}
        requested = tracker.get_slot("requested_slot")
        text = tracker.latest_message.get("text") or ""
        found = {
            slot: value
            for slot, value in answers_in(text, tracker.latest_message.get("entities") or []).items()
            if tracker.get_slot(slot) is None
        }
        if requested in KEY_QUESTIONS and requested not in found and intent not in _COURTESIES:
            free = _free_text_answer(requested, text)
            if free is not None:
                found[requested] = free
            elif classify(text) is not None:
                dispatcher.utter_message(response="utter_answer_unreadable")
            else:
                dispatcher.utter_message(response="utter_household_needs_number")
        if requested and requested not in found:
            found[requested] = None  # asked again, never a rejection of the form
        return found
