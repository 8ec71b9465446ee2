"""The base of every form: which messages are answers, digressions or interruptions.

A form asks its questions one by one (Rasa's `requested_slot`). Every message
that reaches an active form is one of:

* an **answer**: it fills the question asked (or another one the form reads);
* a **courtesy** ("hola??", "gracias"): the question is simply asked again;
* a **digression**: it states another need ("ah, y me cobraron de más"). The
  need is queued (`pending_needs`), the customer is told it will be looked at
  next, and the form goes on; `action_anything_else` offers it when the
  current flow ends;
* an **interruption** that leaves the form (goodbye, "basta", a person, "¿sos un
  bot?"): the form's validation returns nothing for the requested slot, Rasa
  rejects the form for that turn, and one general rule per intent answers it
  (`data/rules/digressions.yml`, `action_handle_interruption`), in every form
  alike. docs/dialogue.md describes the whole design.

Free-text questions declare themselves in `free_text_slots` instead of a
`from_text` slot mapping in the domain, so these lists are written once, here.
"""
from __future__ import annotations

import logging
from abc import abstractmethod
from typing import Any, ClassVar, Dict, List, Mapping

from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import REQUESTED_SLOT
from rasa_sdk.types import DomainDict

from actions.shared import latest_intent, latest_text
from bot.language.es.leaving import misread_leaving
from bot.language.es.needs import has_area_words, needs_stated
from bot.needs import need_for_intent, needs_to_queue

# Never an answer to any question: handled by rules, then the form resumes or ends.
INTERRUPTION_INTENTS = frozenset(
    {"greet", "thanks", "goodbye", "bot_challenge", "request_human", "stop"}
)
# Courtesies among them: they carry no content, so a form simply asks again.
COURTESY_INTENTS = frozenset({"greet", "thanks"})
# Interruptions that the rules answer (the form resumes or ends there).
LEAVING_INTENTS = INTERRUPTION_INTENTS - COURTESY_INTENTS


class _MappedSlotsNeedNoValidation(logging.Filter):
    """Drops rasa_sdk's warning for a form slot without a `validate_<slot>` method.

    Most slots here are filled by their domain mapping and need no validation of
    their own; rasa_sdk warns about each of them on every turn of a form
    (about 1,600 lines for 200 conversations), burying the lines that matter.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("Skipping validation for `")


logging.getLogger("rasa_sdk.forms").addFilter(_MappedSlotsNeedNoValidation())


# Run by Rasa itself between a message and the form; they say nothing about who asked.
_BOOKKEEPING_ACTIONS = frozenset({"action_listen", "action_extract_slots"})


def is_new_message_for(form: str, tracker: Tracker) -> bool:
    """Whether the latest message was written while `form` was asking (not the one that started it).

    Rasa calls the validation on a copy of the tracker that ends with the form's
    own run, so `latest_action_name` is the form either way; what tells them apart
    is whether any other action (the triage, a form that just ended) ran after the
    customer's latest message.
    """
    if (tracker.active_loop or {}).get("name") != form:
        return False
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return True
        if event.get("event") == "action" and event.get("name") not in _BOOKKEEPING_ACTIONS | {form}:
            return False
    return False


def is_starting(form: str, tracker: Tracker) -> bool:
    """Whether `form` was activated after the latest message: Rasa asks its validation at the start.

    The tracker Rasa sends then has the form's loop started (`active_loop`
    event) after the customer's latest message.
    """
    if (tracker.active_loop or {}).get("name") != form:
        return False
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return False
        if event.get("event") == "active_loop":
            return event.get("name") == form
    return False


def digression(tracker: Tracker, trust_intent: bool = True) -> List[str]:
    """The other needs the latest message states, to be looked at after the current one.

    NLU's intent alone is not enough: it reads "el que vino con la instalación"
    (which Wi-Fi? the router) as a sales question with full confidence. The
    intent counts only with a word of its area in the message ("factura",
    "plan", `area_words.yml`). Where any text may be an answer (a name, an
    address), not even that: "Robert'); DROP TABLE…" reads as sales at 97%, so
    there only needs stated in so many words count (`trust_intent=False`).
    """
    intent, text = latest_intent(tracker), latest_text(tracker)
    if intent in LEAVING_INTENTS:
        return []
    stated: List[str | None] = list(needs_stated(text))
    need = need_for_intent(intent)
    if trust_intent and need is not None and has_area_words(need.value, text):
        stated = [intent, *stated]
    return needs_to_queue(stated, tracker.get_slot("need_intent"), tracker.get_slot("pending_needs") or [])


def queue_needs(dispatcher: CollectingDispatcher, tracker: Tracker, queued: List[str]) -> List[EventType]:
    """Tell the customer each new need is noted, and add it to the queue."""
    for intent in queued:
        need = need_for_intent(intent)
        if need is not None:
            dispatcher.utter_message(response=f"utter_need_queued_{need.value}")
    pending = list(tracker.get_slot("pending_needs") or [])
    return [SlotSet("pending_needs", pending + queued)] if queued else []


class ProtocolFormValidationAction(FormValidationAction):
    """A form validation action that tells answers from courtesies, digressions and interruptions.

    `free_text_slots` maps each free-text question to the intents that, for
    that question only, are not an answer either (yes/no to "write your new
    phone", say).
    """

    free_text_slots: ClassVar[Mapping[str, frozenset[str]]] = {}

    @abstractmethod
    def name(self) -> str:
        """Abstract, so the action server registers only the concrete forms' validations."""

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[str, Any]]:
        events = await self._validated(dispatcher, tracker, domain)
        if events or dispatcher.messages or not is_starting(self.form_name(), tracker):
            return events
        # The form starts and nothing was validated: the first question to ask is said here.
        # Rasa 3.6 otherwise sends this validation again, only without the form active
        # (FormAction.do after FormAction.activate), for the same empty answer; the
        # question is the one Rasa would pick (the first required slot still empty).
        required = await self.required_slots(self.domain_slots(domain), dispatcher, tracker, domain)
        first = next((slot for slot in required if tracker.slots.get(slot) is None), None)
        return [SlotSet(REQUESTED_SLOT, first)] if first else []

    async def _validated(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[str, Any]]:
        if not is_new_message_for(self.form_name(), tracker):
            return await super().run(dispatcher, tracker, domain)
        requested = tracker.get_slot("requested_slot")
        queued = digression(tracker, trust_intent=requested not in self.free_text_slots)
        events = await super().run(dispatcher, tracker, domain)
        if latest_intent(tracker) in COURTESY_INTENTS or queued:
            # Not a rejection of the form: the question is asked again after the note.
            events = [*events, *queue_needs(dispatcher, tracker, queued)]
            if requested and not any(event.get("name") == requested for event in events):
                events.append(SlotSet(requested, None))
        return events

    async def get_extraction_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        events = await super().get_extraction_events(dispatcher, tracker, domain)
        requested = tracker.get_slot("requested_slot")
        if requested in self.free_text_slots and self.is_answer(tracker, requested):
            events.append(SlotSet(requested, latest_text(tracker)))
        return events

    def is_answer(self, tracker: Tracker, requested: str) -> bool:
        """Whether the latest message may answer the free-text question asked.

        Not an interruption, nor a yes/no where the question takes none. A
        message that states another need answers too when it holds what was
        asked ("bueno, no tengo internet, servicio 1001": the need is noted and
        the service number taken).
        """
        if latest_intent(tracker) in INTERRUPTION_INTENTS | self.free_text_slots[requested]:
            return False
        if digression(tracker, trust_intent=False):
            return self.holds_an_answer(requested, latest_text(tracker))
        return True

    def any_text_answers(self, tracker: Tracker) -> bool:
        """For questions any words answer (a reason, a name, a zone): everything but a person
        asked for, "¿sos un bot?", or a goodbye or stop its words back ("me mudo a otra
        ciudad" read as a goodbye is a reason to cancel, not leaving)."""
        intent = latest_intent(tracker)
        if intent in {"request_human", "bot_challenge"}:
            return False
        return intent not in LEAVING_INTENTS or misread_leaving(intent, latest_text(tracker))

    def holds_an_answer(self, requested: str, text: str) -> bool:
        """Whether a message that states another need also answers `requested`; forms that can tell say so."""
        return False
