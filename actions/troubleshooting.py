"""The key questions of the technical process (troubleshooting_form), answered in any order.

Every message is read for every question still open (`bot.support.key_questions`);
a message that answers nothing gets examples of what would, and a message that
restates an earlier answer differently corrects it.
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Dict, List

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.forms import (
    COURTESY_INTENTS,
    LEAVING_INTENTS,
    ProtocolFormValidationAction,
    digression,
    is_new_message_for,
)
from actions.shared import latest_intent, latest_text, services
from bot.language.es.questions import asks_to_repeat
from bot.language.input_guard import classify
from bot.locale import ticket_note
from bot.ports.tickets import AnswerAuthor
from bot.support.key_questions import KEY_QUESTIONS, answer_without_parser, answers_in, is_correction
from bot.support.visit_cancel import VisitRequest, visit_request

# What a key question left unanswered after two rounds of examples holds (for the ticket).
UNANSWERED = "no sabe"


def _helped_twice(tracker: Tracker, question: str) -> bool:
    """The customer's last two messages each got this question's examples."""
    help_response = f"utter_help_{question}"
    helped = 0
    for event in reversed(tracker.events):
        if event.get("event") == "bot":
            if (event.get("metadata") or {}).get("utter_action") != help_response:
                if (event.get("metadata") or {}).get("utter_action") != f"utter_ask_{question}":
                    break
                continue
            helped += 1
            if helped == 2:
                return True
    return False


def _intermittent(tracker: Tracker) -> bool:
    """Whether the fault being asked about comes and goes ("se me corta a cada rato")."""
    return tracker.get_slot("need_intent") == "report_intermittent"


# Messages that answer nothing: the question is simply asked again.
_COURTESIES = COURTESY_INTENTS | {"affirm"}


class ValidateTroubleshootingForm(ProtocolFormValidationAction):
    """Every message is read for every open question, so extraction is its own (no free_text_slots)."""

    def name(self) -> str:
        return "validate_troubleshooting_form"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[str, Any]]:
        requested = tracker.get_slot("requested_slot")
        answering = requested and is_new_message_for(self.form_name(), tracker)
        request = visit_request(latest_text(tracker), _intermittent(tracker)) if answering else None
        if request is VisitRequest.SOLVED:
            # "Ya volvió", "ya anda": the form ends here, nothing more is asked; the line checks'
            # action, next by rule, closes the case as solved instead of checking (and booking).
            return [SlotSet(requested, None), SlotSet("requested_slot", None)]
        ticket_number = tracker.get_slot("ticket_number")
        if request is VisitRequest.STILL_INTERMITTENT and ticket_number:
            # A fault that comes and goes "coming back" proves nothing: the case stays open and
            # the questions go on (the form asks the open one again).
            note = ticket_note("intermittent_back")
            await services().tickets.add_answer(ticket_number, AnswerAuthor.BOT, note)
            response = "utter_intermittent_back_case_open"
            dispatcher.utter_message(response=response, ticket_number=ticket_number)
            return []
        return await super().run(dispatcher, tracker, domain)

    async def get_extraction_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        return [SlotSet(slot, value) for slot, value in self.extract_answers(dispatcher, tracker).items()]

    def extract_answers(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> Dict[str, Any]:
        intent = latest_intent(tracker)
        if intent in LEAVING_INTENTS:
            return {}
        requested = tracker.get_slot("requested_slot")
        text = latest_text(tracker)
        now, tz = datetime.now(timezone.utc), services().company.tzinfo
        entities = tracker.latest_message.get("entities") or []
        parsed = answers_in(text, now, tz, entities, asked=requested)
        found = {slot: value for slot, value in parsed.items() if tracker.get_slot(slot) is None}
        # "No, perdón, desde el lunes pasado", or an earlier question answered again
        # instead of the one asked: the earlier answer is corrected.
        corrected = {
            slot: value
            for slot, value in parsed.items()
            if tracker.get_slot(slot) not in (None, value) and (is_correction(text) or not found)
        }
        if corrected:
            dispatcher.utter_message(response="utter_answer_corrected")
        found.update(corrected)
        if (
            requested in KEY_QUESTIONS
            and requested not in found
            and not corrected
            and (intent not in _COURTESIES or asks_to_repeat(text))  # "eh?" may read as a greeting
            and not digression(tracker)
        ):
            own_words = answer_without_parser(requested, text)
            if own_words is not None:
                found[requested] = own_words
            elif classify(text) is not None:
                dispatcher.utter_message(response="utter_answer_unreadable")
            elif not found and _helped_twice(tracker, requested):
                # Examples twice did not help ("eh?", "q?", "como?"): no third time, the question is
                # left as not known and the checks go on (the technician asks in person).
                dispatcher.utter_message(response="utter_key_question_skipped")
                found[requested] = UNANSWERED
            elif not found:  # answering another question is no confusion: just ask again
                dispatcher.utter_message(response=f"utter_help_{requested}")
        if requested and requested not in found:
            found[requested] = None  # asked again, never a rejection of the form
        return found
