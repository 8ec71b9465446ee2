"""Cancellations: the reason, the problem fixed first or the retention team's offers, then a person.

The bot never cancels a service. It asks why, unless the customer already said
it in an earlier message of this need (the first one, or the answer to the
contact question); a technical or billing problem behind the request is
offered first (the customer may still go on); the operator's retention options
are offered (bot/billing/terms.yml); and whatever the customer chooses, an
offer or leaving, goes on a retention ticket to a person of the retention team
(the handoff). A problem looked at first leaves the cancellation waiting: when
that flow ends the customer is asked whether they still want to leave
(`anything_else`), and only a yes goes on to the retention options.
"""
from __future__ import annotations

import re
from typing import Any, Dict, List

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.forms import ProtocolFormValidationAction, is_new_message_for
from actions.shared import (
    anything_else,
    current_service,
    intent_of,
    latest_intent,
    open_request,
    services,
)
from bot.language.es.billing import keeps_the_service, leaves_anyway, wants_fix_first
from bot.language.es.cancel_reasons import cancel_reason_in
from bot.language.es.needs import has_area_words, needs_stated
from bot.locale import ticket_note
from bot.needs import NEEDS, Flow, Need, Route, need_for_intent
from bot.ports.tickets import AnswerAuthor, TicketCategory, TicketKind, TicketRecord
from bot.support.cases import new_case_notes

# Needs behind a cancellation the bot can look at first.
_FIXABLE = frozenset({Need.TECHNICAL, Need.BILLING})
FIX, LEAVE, STAY = "fix", "leave", "stay"
# The cancellation asked again while its retention ticket is open (answered with that ticket).
ALREADY = "already_requested"
CANCEL_INTENT = "cancel_service"
# Words of these needs are a reason to leave ("se corta todo el tiempo").
_FIXABLE_INTENTS = frozenset(spec.intent for spec in NEEDS if spec.need in _FIXABLE)


def _problem_behind(intent: str | None, text: str) -> str | None:
    """The technical or billing need the reason states ("se corta todo el tiempo"), if any."""
    for candidate in (intent, *needs_stated(text)):
        if need_for_intent(candidate) in _FIXABLE:
            return candidate
    return None


def _last_action(events: List[Dict[str, Any]], name: str, default: int) -> int:
    return max(
        (i for i, e in enumerate(events) if e.get("event") == "action" and e.get("name") == name),
        default=default,
    )


def _messages_of_this_need(tracker: Tracker) -> List[Dict[str, Any]]:
    """The customer's messages about this cancellation: from the one triaged on (the first
    message, or "sí" to a need queued earlier) to now, and, before it, those that stated the
    cancellation since the last one was settled ("ah, y quiero la baja porque …" in passing)."""
    events = tracker.events
    triaged = _last_action(events, "action_triage", default=len(events))
    start = max((i for i, e in enumerate(events[:triaged]) if e.get("event") == "user"), default=0)
    settled = _last_action(events, "action_cancellation", default=-1)
    earlier = [
        e
        for e in events[settled + 1 : start]
        if e.get("event") == "user"
        and (intent_of(e) == CANCEL_INTENT or CANCEL_INTENT in needs_stated(e.get("text")))
    ]
    return [*earlier, *(e for e in events[start:] if e.get("event") == "user")]


def reason_already_given(tracker: Tracker) -> Dict[str, Any]:
    """The cancellation's slots as what the customer already said fills them (action_route_need).

    Nobody is asked what they already said (docs/dialogue.md): the reason in an earlier
    message of this need fills `cancel_reason`, and the problem it states is the fix
    offered first. A need of that problem queued on the way is that same fix, not another
    need. Back after the problem was looked at first, the reason stands and the fix is not
    offered again.
    """
    if tracker.get_slot("cancel_fixed_first"):
        return {"cancel_problem": None, "cancel_choice": None, "cancel_fixed_first": None}
    reasons: List[str] = []
    problem: str | None = None
    for event in _messages_of_this_need(tracker):
        reason = cancel_reason_in(event.get("text"), _FIXABLE_INTENTS)
        if reason is None or reason in reasons:
            continue
        reasons.append(reason)
        # NLU's intent counts with a word of its area only (docs/dialogue.md, §3): "sí, está
        # bien, me voy" is no billing claim whatever NLU read.
        intent = intent_of(event)
        need = need_for_intent(intent)
        trusted = intent if need is not None and has_area_words(need.value, reason) else None
        problem = problem or _problem_behind(trusted, reason)
    found: Dict[str, Any] = {
        "cancel_reason": " / ".join(reasons)[:500] or None,
        "cancel_problem": problem,
        "cancel_choice": None,
    }
    # Only what changes: a form left earlier may have kept a reason that is not this need's.
    slots: Dict[str, Any] = {
        slot: value for slot, value in found.items() if value != tracker.get_slot(slot)
    }
    area = need_for_intent(problem)
    pending = tracker.get_slot("pending_needs") or []
    if area is not None and any(need_for_intent(p) is area for p in pending):
        slots["pending_needs"] = [p for p in pending if need_for_intent(p) is not area]
    return slots


async def open_retention_request(tracker: Tracker) -> TicketRecord | None:
    """The retention ticket still open for this customer's service, if any: a conversation never
    opens a second one for the same service."""
    customer_id, number = tracker.get_slot("customer_id"), tracker.get_slot("service_number")
    if not customer_id:
        return None
    service_number = int(number) if number else None
    ticket = await services().tickets.find_open_ticket(
        int(customer_id), service_number, TicketCategory.CANCELLATION
    )
    return ticket if ticket is not None and ticket.kind is TicketKind.RETENTION else None


def _request_words(tracker: Tracker) -> str:
    """The customer's words asking for the cancellation again (kept on the open ticket)."""
    said = [str(e.get("text") or "") for e in _messages_of_this_need(tracker) if e.get("text")]
    return " / ".join(said)[:500] or (tracker.get_slot("need_text") or "")


class ValidateCancellationForm(ProtocolFormValidationAction):
    """Why the customer wants to leave, and what they choose among the fix and the offers."""

    free_text_slots = {"cancel_reason": frozenset({"affirm", "deny"}), "cancel_choice": frozenset()}

    def name(self) -> str:
        return "validate_cancellation_form"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[str, Any]]:
        if (tracker.active_loop or {}).get("name") != self.form_name():
            # Activation: a cancellation asked again while its retention ticket is open is that
            # ticket; the reason and the offers are not asked a second time (play-test).
            ticket = await open_retention_request(tracker)
            if ticket is not None:
                dispatcher.utter_message(
                    response="utter_cancel_already_requested", ticket_number=ticket.number
                )
                words = _request_words(tracker)
                await services().tickets.add_answer(ticket.number, AnswerAuthor.CUSTOMER, words)
                return [
                    SlotSet("cancel_reason", tracker.get_slot("cancel_reason") or ALREADY),
                    SlotSet("cancel_choice", ALREADY),
                    SlotSet("ticket_number", ticket.number),
                    SlotSet("requested_slot", None),
                ]
        asked = tracker.get_slot("requested_slot")
        if asked == "cancel_reason" and is_new_message_for(self.form_name(), tracker):
            # The reason is the answer even when it states a need: it is offered as the fix
            # (action_ask_cancel_choice), not queued as another need.
            return await FormValidationAction.run(self, dispatcher, tracker, domain)
        return await super().run(dispatcher, tracker, domain)

    def is_answer(self, tracker: Tracker, requested: str) -> bool:
        # A reason is often a need ("se corta todo el tiempo"): that is the answer, not a digression.
        if requested == "cancel_reason":
            return self.any_text_answers(tracker)
        return super().is_answer(tracker, requested)

    async def validate_cancel_reason(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        text = " ".join(str(slot_value or "").split())[:500]
        if not text:
            return {"cancel_reason": None}
        if not is_new_message_for(self.form_name(), tracker):
            # Said before the question (reason_already_given): its problem was set with it.
            return {"cancel_reason": text}
        if keeps_the_service(text):  # "mejor dejalo, no quiero la baja": nothing to offer
            return {"cancel_reason": text, "cancel_choice": STAY}
        return {"cancel_reason": text, "cancel_problem": _problem_behind(latest_intent(tracker), text)}

    async def validate_cancel_choice(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        text = str(slot_value or "")
        options = services().billing_terms.retention_options
        problem = tracker.get_slot("cancel_problem")
        number = re.search(r"(?<!\d)(\d)(?!\d)", text)
        if number and 1 <= int(number.group(1)) <= len(options):
            return {"cancel_choice": number.group(1)}
        if keeps_the_service(text):
            return {"cancel_choice": STAY}
        if problem and (wants_fix_first(text) or latest_intent(tracker) == "affirm"):
            return {"cancel_choice": FIX}
        if leaves_anyway(text) or latest_intent(tracker) in {"deny", "cancel_service"}:
            return {"cancel_choice": LEAVE}
        dispatcher.utter_message(response="utter_cancel_choice_unclear")
        return {"cancel_choice": None}


class ActionAskCancelChoice(Action):
    """The problem behind the request offered first, then the retention options, numbered."""

    def name(self) -> str:
        return "action_ask_cancel_choice"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        problem = need_for_intent(tracker.get_slot("cancel_problem"))
        if problem is not None:
            dispatcher.utter_message(response=f"utter_cancel_fix_first_{problem.value}")
        options = services().billing_terms.retention_options
        if options:
            # "Además" only after the fix offered first.
            heading = (
                "utter_cancel_retention_heading" if problem is not None else "utter_cancel_retention_offers"
            )
            dispatcher.utter_message(response=heading)
            for position, option in enumerate(options, start=1):
                dispatcher.utter_message(
                    response="utter_cancel_retention_option", position=position, option=option
                )
        question = "utter_ask_cancel_choice_fix" if problem else "utter_ask_cancel_choice"
        dispatcher.utter_message(response=question)
        return []


class ActionCancellation(Action):
    """The customer's choice: the problem looked at now, or a retention ticket for a person."""

    def name(self) -> str:
        return "action_cancellation"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        choice = tracker.get_slot("cancel_choice")
        reset = [
            SlotSet(slot, None)
            for slot in ("cancel_reason", "cancel_choice", "cancel_problem", "cancel_fixed_first")
        ]
        problem = tracker.get_slot("cancel_problem")
        if choice == ALREADY:
            # Answered when the form started (ValidateCancellationForm.run): the open ticket.
            return [
                *reset,
                SlotSet("need_intent", None),
                SlotSet("route", Flow.HANDOVER.value),
                *anything_else(dispatcher, tracker),
            ]
        if choice == STAY:
            dispatcher.utter_message(response="utter_cancel_withdrawn")
            return [
                *reset,
                SlotSet("need_intent", None),
                SlotSet("route", Flow.HANDOVER.value),  # nothing more to do (data/rules/cancellation.yml)
                *anything_else(dispatcher, tracker),
            ]
        if choice == FIX and problem:
            # The cancellation waits, first in the queue: once the problem has been looked at,
            # anything_else asks whether they still want to leave (cancel_fixed_first), with the
            # reason kept. A need of the problem's area queued on the way is this very fix.
            area = need_for_intent(problem)
            others = [
                p
                for p in tracker.get_slot("pending_needs") or []
                if need_for_intent(p) not in {area, Need.CANCELLATION}
            ]
            dispatcher.utter_message(response="utter_cancel_fix_first_accepted")
            return [
                SlotSet("cancel_choice", None),
                SlotSet("cancel_problem", None),
                SlotSet("cancel_fixed_first", problem),
                SlotSet("need_intent", problem),
                SlotSet("pending_needs", [CANCEL_INTENT, *others]),
                SlotSet("ticket_number", None),
                SlotSet("route", Route.REROUTE.value),  # routed again by rule (data/rules/cancellation.yml)
            ]
        options = services().billing_terms.retention_options
        chosen = int(choice) if choice and choice.isdigit() else 0
        option = options[chosen - 1] if 1 <= chosen <= len(options) else None
        reason = tracker.get_slot("cancel_reason") or ""
        number = tracker.get_slot("service_number")
        existing = await open_retention_request(tracker)
        if existing is not None:
            # One retention ticket per service while it is open: what was chosen now goes on it.
            note = ticket_note(f"retention_{'offer' if option else LEAVE}", reason=reason, offer=option or "")
            await services().tickets.add_answer(existing.number, AnswerAuthor.BOT, note)
            said = "utter_cancel_already_requested_offer" if option else "utter_cancel_already_requested"
            dispatcher.utter_message(response=said, option=option or "", ticket_number=existing.number)
            return [
                *reset,
                SlotSet("ticket_number", existing.number),
                SlotSet("need_intent", None),
                SlotSet("route", Flow.HANDOVER.value),
                *anything_else(dispatcher, tracker),
            ]
        ticket = await open_request(
            tracker, TicketCategory.CANCELLATION, TicketKind.RETENTION, "cancel_service", reason,
            int(number) if number else None,
            diagnostics={"reason": reason, "choice": "offer" if option else LEAVE, "offer": option},
        )
        # What retention must know before the call: the request, and a suspended service's debt.
        service = await current_service(tracker)
        notes = [ticket_note(f"retention_{'offer' if option else LEAVE}", reason=reason, offer=option or "")]
        notes += [
            ticket_note(note)
            for note in new_case_notes(TicketCategory.CANCELLATION, service.status if service else None)
        ]
        for note in notes:
            await services().tickets.add_answer(ticket.number, AnswerAuthor.BOT, note)
        if option:
            dispatcher.utter_message(
                response="utter_cancel_offer_chosen", option=option, ticket_number=ticket.number
            )
        else:
            dispatcher.utter_message(response="utter_cancel_request_recorded", ticket_number=ticket.number)
        # A person of the retention team takes it now, or calls back (data/rules/cancellation.yml).
        return [*reset, SlotSet("ticket_number", ticket.number), SlotSet("route", Flow.PERSON.value)]
