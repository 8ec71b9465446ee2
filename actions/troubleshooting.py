"""The key questions of the technical process (troubleshooting_form), answered in any order.

Every message is read for every question still open (`bot.support.key_questions`).
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Dict, List

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.forms import COURTESY_INTENTS, INTERRUPTION_INTENTS, ProtocolFormValidationAction
from actions.shared import latest_intent, latest_text, services
from bot.language.input_guard import classify
from bot.support.key_questions import KEY_QUESTIONS, answers_in, free_text_answer

# Messages that answer nothing: the question is simply asked again.
_COURTESIES = COURTESY_INTENTS | {"affirm"}
# Handled by rules (answered, or the conversation changes course).
_INTERRUPTIONS = INTERRUPTION_INTENTS - COURTESY_INTENTS


class ValidateTroubleshootingForm(ProtocolFormValidationAction):
    """Every message is read for every open question, so extraction is its own (no free_text_slots)."""

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
        text = latest_text(tracker)
        now, tz = datetime.now(timezone.utc), services().company.tzinfo
        entities = tracker.latest_message.get("entities") or []
        found = {
            slot: value
            for slot, value in answers_in(text, now, tz, entities).items()
            if tracker.get_slot(slot) is None
        }
        if requested in KEY_QUESTIONS and requested not in found and intent not in _COURTESIES:
            free = free_text_answer(requested, text)
            if free is not None:
                found[requested] = free
            elif classify(text) is not None:
                dispatcher.utter_message(response="utter_answer_unreadable")
            else:
                dispatcher.utter_message(response="utter_household_needs_number")
        if requested and requested not in found:
            found[requested] = None  # asked again, never a rejection of the form
        return found
