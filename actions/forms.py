"""The base of every form: which messages are answers, and which are interruptions.

A form asks its questions one by one (Rasa's `requested_slot`). A message
that answers the question asked fills it; a message that interrupts (a
greeting, thanks, goodbye, "are you a bot?", "I want a person") is never taken
as an answer: the form's validation returns nothing for the requested slot,
Rasa rejects the form for that turn, and the rules for interruptions
(`data/rules/*.yml`, `condition: active_loop`) answer it and resume or leave
the form. docs/dialogue.md describes the whole design.

Free-text questions declare themselves in `free_text_slots` instead of a
`from_text` slot mapping in the domain, so the list of interruptions is
written once, here.
"""
from __future__ import annotations

from abc import abstractmethod
from typing import ClassVar, List, Mapping

from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.shared import latest_intent, latest_text

# Never an answer to any question: handled by rules, then the form resumes or ends.
INTERRUPTION_INTENTS = frozenset({"greet", "thanks", "goodbye", "bot_challenge", "request_human"})
# Courtesies among them: they carry no content, so a form may simply ask again.
COURTESY_INTENTS = frozenset({"greet", "thanks"})


class ProtocolFormValidationAction(FormValidationAction):
    """A form validation action whose free-text questions ignore interruptions.

    `free_text_slots` maps each free-text question to the intents that, for
    that question only, are not an answer either (yes/no to "write your new
    phone", say).
    """

    free_text_slots: ClassVar[Mapping[str, frozenset[str]]] = {}

    @abstractmethod
    def name(self) -> str:
        """Abstract, so the action server registers only the concrete forms' validations."""

    async def get_extraction_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        events = await super().get_extraction_events(dispatcher, tracker, domain)
        requested = tracker.get_slot("requested_slot")
        if requested in self.free_text_slots and self.is_answer(tracker, self.free_text_slots[requested]):
            events.append(SlotSet(requested, latest_text(tracker)))
        return events

    @staticmethod
    def is_answer(tracker: Tracker, also_not_answers: frozenset[str] = frozenset()) -> bool:
        """Whether the latest message may answer the question asked."""
        return latest_intent(tracker) not in INTERRUPTION_INTENTS | also_not_answers
