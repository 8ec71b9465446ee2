"""Routing a triaged need once the customer is identified, by the flow the registry names.

Technical problems go on to the key questions and the line checks, with a
ticket opened at once (process 002, step 3); follow-ups go to the customer's
tickets; billing, sales and cancellations go to the bot's own flows (which
open the ticket their outcome needs); a person asked for, or an operator's
rule, gets a ticket and goes to a person: the handoff (actions/handoff.py)
queues it or promises a callback.
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.cancellation import reason_already_given
from actions.handoff import handoff_rule
from actions.shared import (
    anything_else,
    current_service,
    locked_out,
    need_and_latest_words,
    open_case,
    services,
    user_events,
)
from bot.language.es.billing import reports_payment
from bot.locale import ticket_subject
from bot.needs import HUMAN_INTENT, Flow, Route, need_spec
from bot.ports.customers import ServiceStatus
from bot.support.cases import CaseStep, answers_on_ticket
from bot.support.key_questions import KEY_QUESTIONS, answers_in

# Answers about a previous problem do not carry over to a new one.
_PER_PROBLEM_SLOTS = (*KEY_QUESTIONS, "line_verdict")


def answers_already_given(tracker: Tracker) -> Dict[str, Any]:
    """Key questions answered by anything the customer wrote in this conversation."""
    now, tz = datetime.now(timezone.utc), services().company.tzinfo
    found: Dict[str, Any] = {}
    for event in user_events(tracker):
        entities = (event.get("parse_data") or {}).get("entities") or []
        for slot, value in answers_in(event.get("text"), now, tz, entities).items():
            found.setdefault(slot, value)
    return {slot: value for slot, value in found.items() if tracker.get_slot(slot) is None}


# Needs the bot answers itself (actions/billing.py, sales.py, cancellation.py) rather than
# handing the ticket to a person.
_ANSWERED_BY_THE_BOT = frozenset({Flow.BILLING, Flow.SALES, Flow.CANCELLATION})


async def _answered_by_the_bot(
    dispatcher: CollectingDispatcher, tracker: Tracker, flow: Flow
) -> List[EventType]:
    if flow is Flow.BILLING and float(tracker.get_slot("identity_factors") or 0) < 2:
        # Account data needs a second factor first (billing_verification_form).
        return [SlotSet("route", Route.VERIFY.value)]
    if flow is Flow.CANCELLATION:
        service = await current_service(tracker)
        if service is not None and service.status is ServiceStatus.CANCELLED:
            dispatcher.utter_message(response="utter_service_already_cancelled")
            return [
                *anything_else(dispatcher, tracker),
                SlotSet("need_intent", None),
                SlotSet("route", Flow.HANDOVER.value),
            ]
        # The reason said before the question is not asked again (actions/cancellation.py).
        prefilled = reason_already_given(tracker)
        return [SlotSet("route", flow.value), *(SlotSet(slot, value) for slot, value in prefilled.items())]
    return [SlotSet("route", flow.value)]


async def suspended_service_first(
    dispatcher: CollectingDispatcher, tracker: Tracker
) -> List[EventType] | None:
    """A technical need ("me cortaron el internet") for a service suspended for non-payment.

    The line is cut on purpose, so no technical ticket, key questions or line
    checks: the need becomes the billing flow's (actions/billing.py), whose answer
    opens with the suspension, what is overdue and how service comes back after
    paying (`utter_billing_suspended_overdue`); "ya pagué y sigo sin internet" is a
    payment report there. Account data needs a second factor, so a customer
    verified by one is told only that the service is suspended and asked for it
    (`billing_verification_form`). None for any other need or service.
    Before a case is opened.
    """
    spec = need_spec(tracker.get_slot("need_intent"))
    if spec is None or spec.flow is not Flow.TROUBLESHOOT or not tracker.get_slot("customer_id"):
        return None
    service = await current_service(tracker)
    if service is None or service.status is not ServiceStatus.SUSPENDED:
        return None
    words = need_and_latest_words(tracker)
    billing_intent = "billing_payment" if reports_payment(words) else "billing_balance"
    if float(tracker.get_slot("identity_factors") or 0) < 2:
        dispatcher.utter_message(response="utter_line_suspended")
        route = Route.VERIFY.value
    else:
        route = Flow.BILLING.value
    return [SlotSet("need_intent", billing_intent), SlotSet("line_verdict", None), SlotSet("route", route)]


async def _case_under_way(tracker: Tracker) -> bool:
    """This conversation's ticket is still open: a case closed (solved, no fault found) is not
    continued by a person asked for afterwards, who gets a case of their own."""
    number = tracker.get_slot("ticket_number")
    if not number:
        return False
    ticket = await services().tickets.get(number)
    return ticket is not None and ticket.is_open


class ActionRouteNeed(Action):
    def name(self) -> str:
        return "action_route_need"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        intent = tracker.get_slot("need_intent")
        spec = need_spec(intent)
        if spec is None:
            dispatcher.utter_message(response="utter_how_can_help")
            return [SlotSet("route", Flow.HANDOVER.value)]
        # An operator's rule (bot/handoff/rules.yml: a dispute above an amount, a formal complaint)
        # sends the conversation to a person whatever the flow.
        to_a_person = intent == HUMAN_INTENT or handoff_rule(tracker) is not None
        if not tracker.get_slot("customer_id"):
            if tracker.get_slot("identification_locked"):
                return locked_out(dispatcher, tracker)
            if to_a_person:  # identification first when possible, never blocking
                return [SlotSet("route", Flow.PERSON.value)]
            dispatcher.utter_message(response="utter_identification_failed")
            return [SlotSet("need_intent", None), SlotSet("route", Flow.HANDOVER.value)]

        if spec.flow is Flow.FOLLOW_UP and not to_a_person:
            return [SlotSet("route", Flow.FOLLOW_UP.value)]
        if spec.flow in _ANSWERED_BY_THE_BOT and not to_a_person:
            return await _answered_by_the_bot(dispatcher, tracker, spec.flow)
        if to_a_person and await _case_under_way(tracker):
            # A person asked for in the middle of a case: the person continues that case's ticket.
            return [SlotSet("route", Flow.PERSON.value)]
        if spec.flow is Flow.TROUBLESHOOT and not to_a_person:
            # A line cut for non-payment: the debt and how service comes back, no technical case.
            billing_first = await suspended_service_first(dispatcher, tracker)
            if billing_first is not None:
                return billing_first
        case = await open_case(dispatcher, tracker, spec.need.ticket_category, ticket_subject(spec.intent))
        if case.ticket is None:  # nothing to open (a cancelled service asked to be cancelled)
            return [
                *anything_else(dispatcher, tracker),
                SlotSet("need_intent", None),
                SlotSet("route", Flow.HANDOVER.value),
            ]
        ticket = case.ticket
        if to_a_person:
            return [SlotSet("ticket_number", ticket.number), SlotSet("route", Flow.PERSON.value)]
        if case.step is CaseStep.VISIT_BOOKED:
            # "¿Y cuándo vienen?" or the same fault again: the follow-up shows the visit booked
            # and offers to move it.
            return [SlotSet("ticket_number", ticket.number), SlotSet("route", Flow.FOLLOW_UP.value)]
        if spec.flow is Flow.TROUBLESHOOT:
            if not case.continued:
                dispatcher.utter_message(response="utter_ticket_opened", ticket_number=ticket.number)
            prefilled = {
                **{slot: None for slot in _PER_PROBLEM_SLOTS},
                **answers_on_ticket(ticket),
                **answers_already_given(tracker),
            }
            return [
                SlotSet("ticket_number", ticket.number),
                SlotSet("route", Flow.TROUBLESHOOT.value),
                *(SlotSet(slot, value) for slot, value in prefilled.items()),
            ]
        # Billing, sales, cancellations and a person asked for: a person takes the case now,
        # or calls back (actions/handoff.py).
        return [SlotSet("ticket_number", ticket.number), SlotSet("route", Flow.PERSON.value)]
