"""After the checks: advice, technician visits, and cases for other teams."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.shared import anything_else, current_service, latest_text, services
from bot.language.es.formatting import window_text, window_variables
from bot.locale import ticket_note
from bot.needs import complaint_for_intent
from bot.ports.tickets import AnswerAuthor, TicketCategory, TicketRecord, TicketStatus
from bot.support.decisions import Complaint, Verdict
from bot.support.scheduling import next_visit_window
from bot.support.visit_cancel import VisitRequest, is_intermittent_case, visit_request

# Verdicts with no technical fault that another team follows up, and which team.
# What a line's verdict leads to when the customer accepts the offer: how to pay a suspended
# service (actions/billing.py), a faster plan for a saturated line (actions/sales.py).
_RELATED_NEEDS = {
    Verdict.SUSPENDED.value: "billing_payment",
    Verdict.SATURATION.value: "sales_inquiry",
}
_ADVICE = ("utter_advice_wifi", "utter_advice_cable_test", "utter_advice_pastel")


class ActionGiveAdvice(Action):
    """The process's advice for a healthy line, or the power check for a dead ONU."""

    def name(self) -> str:
        return "action_give_advice"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        ticket_number = tracker.get_slot("ticket_number")
        if tracker.get_slot("line_verdict") == Verdict.POWER_CHECK.value:
            dispatcher.utter_message(response="utter_advice_power_check")
            note = "power_check_given"
        else:
            service = await current_service(tracker)
            dispatcher.utter_message(
                response="utter_advice_line_ok",
                plan_name=service.plan_name if service else "",
                plan_speed=str(service.download_mbps) if service else "",
            )
            if complaint_for_intent(tracker.get_slot("need_intent")) is Complaint.NO_CONNECTION:
                dispatcher.utter_message(response="utter_advice_restart")
            for response in _ADVICE:
                dispatcher.utter_message(response=response)
            note = "advice_given"
        dispatcher.utter_message(response="utter_ask_advice_helped")
        if ticket_number:
            await services().tickets.add_answer(ticket_number, AnswerAuthor.BOT, ticket_note(note))
        return []


class ActionScheduleVisit(Action):
    """Books the earliest technician window and closes the conversation by the protocol."""

    def name(self) -> str:
        return "action_schedule_visit"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        ticket_number = tracker.get_slot("ticket_number")
        if not ticket_number:
            dispatcher.utter_message(response="utter_how_can_help")
            return []
        # "No... bueno, volvió la luz y ya funciona" to "¿se solucionó?": no visit for a working line
        # (an intermittent one is booked all the same, after saying why).
        service_back = await close_when_service_back(dispatcher, tracker, booking=True)
        if service_back is not None:
            return service_back
        desk, tz = services().tickets, services().company.tzinfo
        now = datetime.now(timezone.utc)
        booked = await desk.get(ticket_number)
        if booked and booked.has_visit_after(now) and booked.visit_start and booked.visit_end:
            # One fault, one visit: the one already booked is told, not a second one.
            dispatcher.utter_message(
                response="utter_visit_already_booked",
                ticket_number=ticket_number,
                **window_variables(booked.visit_start, booked.visit_end, tz),
            )
            dispatcher.utter_message(response="utter_ticket_summary", ticket_number=ticket_number)
            return anything_else(dispatcher, tracker)
        window = next_visit_window(now, services().calendar)
        # The booking and its note in one transaction; the booking leaves the extra cost as it was.
        extra_cost_may_apply = bool(booked and booked.extra_cost_may_apply)
        extra_cost = ticket_note("visit_extra_cost") if extra_cost_may_apply else ""
        when = window_text(window.start, window.end, tz)
        note = ticket_note("visit_scheduled", window=when, extra_cost=extra_cost)
        ticket = await desk.update(
            ticket_number,
            visit_start=window.start,
            visit_end=window.end,
            status=TicketStatus.IN_PROGRESS,
            notes=[note],
        )
        dispatcher.utter_message(
            response="utter_visit_scheduled", **window_variables(window.start, window.end, tz)
        )
        if ticket.extra_cost_may_apply:
            dispatcher.utter_message(response="utter_visit_extra_cost")
        dispatcher.utter_message(response="utter_ticket_summary", ticket_number=ticket_number)
        return anything_else(dispatcher, tracker)


class ActionCloseResolved(Action):
    def name(self) -> str:
        return "action_close_resolved"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        ticket_number = tracker.get_slot("ticket_number")
        if tracker.get_slot("line_verdict") == Verdict.SERVICE_BACK.value:
            # The key questions ended on "ya volvió" (data/rules/technical.yml): nothing was checked.
            ticket = await services().tickets.get(ticket_number) if ticket_number else None
            if ticket is not None and ticket.is_open:
                return await _close_service_back(dispatcher, tracker, ticket)
        if ticket_number:
            desk = services().tickets
            note = ticket_note("resolved_by_advice")
            await desk.update(ticket_number, status=TicketStatus.CLOSED, notes=[note])
            dispatcher.utter_message(response="utter_glad_it_helped", ticket_number=ticket_number)
        return anything_else(dispatcher, tracker)


class ActionOpenRelatedCase(Action):
    """The billing flow for a suspended service, the sales flow for a saturated line: what was offered."""

    def name(self) -> str:
        return "action_open_related_case"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        need = _RELATED_NEEDS.get(tracker.get_slot("line_verdict") or "")
        if need is None or not tracker.get_slot("customer_id"):
            need = None  # nothing was offered: the routing asks what the customer needs
        # The technical case is done (its ticket stays for the team); the routing, next by rule
        # (data/rules/technical.yml), takes the new need.
        return [SlotSet("need_intent", need), SlotSet("ticket_number", None)]


async def close_when_service_back(
    dispatcher: CollectingDispatcher, tracker: Tracker, booking: bool = False
) -> List[EventType] | None:
    """Acts on the latest message when it says the service works again or calls the visit off.

    "Ya volvió", "ya anda", "cancelá la visita" while the technical ticket of
    this conversation is open: NLU reads them as anything (a stop, the fault
    reported again, a message not understood), so every action that may
    receive them after the advice or a booked visit asks this first. None when
    the message says no such thing or no technical case is under way.
    `booking`: the caller books a visit next, which an intermittent fault still gets.
    """
    ticket_number = tracker.get_slot("ticket_number")
    # The words first: most messages say nothing of the sort, and need no ticket read.
    if not ticket_number or visit_request(latest_text(tracker), intermittent=False) is None:
        return None
    ticket = await services().tickets.get(ticket_number)
    if ticket is None or not ticket.is_open or ticket.category is not TicketCategory.TECHNICAL:
        return None
    return await act_on_visit_request(dispatcher, tracker, ticket, booking)


async def act_on_visit_request(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    ticket: TicketRecord,
    booking: bool = False,
    text: str | None = None,
) -> List[EventType] | None:
    """The policy of `bot.support.visit_cancel` for `ticket`; None when the message (`text`, by
    default the latest) asks nothing of it."""
    # "Ya anda" to "¿con esto se solucionó?" is a yes to the advice, intermittent or not.
    intermittent = is_intermittent_case(tracker.get_slot("need_intent"), ticket.subject)
    said = latest_text(tracker) if text is None else text
    request = visit_request(said, intermittent and not _answers_advice(tracker))
    has_visit = ticket.has_visit_after(datetime.now(timezone.utc))
    if request is VisitRequest.SOLVED:
        return await _close_service_back(dispatcher, tracker, ticket)
    if request is VisitRequest.CANCEL and has_visit:
        return await _cancel_visit(dispatcher, tracker, ticket)
    if request is VisitRequest.STILL_INTERMITTENT:
        await services().tickets.add_answer(ticket.number, AnswerAuthor.BOT, ticket_note("intermittent_back"))
        dispatcher.utter_message(response="utter_intermittent_back_case_open", ticket_number=ticket.number)
        if booking:
            return None  # the visit is booked all the same
        if has_visit and ticket.visit_start and ticket.visit_end:
            window = window_variables(ticket.visit_start, ticket.visit_end, services().company.tzinfo)
            dispatcher.utter_message(response="utter_intermittent_back_visit_kept", **window)
        if (tracker.active_loop or {}).get("name"):
            return []  # the form under way (the key questions) goes on: the RulePolicy resumes it
        return anything_else(dispatcher, tracker)
    return None


async def _cancel_visit(
    dispatcher: CollectingDispatcher, tracker: Tracker, ticket: TicketRecord
) -> List[EventType]:
    """The visit is called off; the fault was not said to be gone, so the ticket stays open."""
    desk, tz = services().tickets, services().company.tzinfo
    assert ticket.visit_start and ticket.visit_end  # has_visit_after checked by the caller
    window = window_variables(ticket.visit_start, ticket.visit_end, tz)
    note = ticket_note("visit_cancelled", window=window_text(ticket.visit_start, ticket.visit_end, tz))
    await desk.update(ticket.number, visit_start=None, visit_end=None, notes=[note])
    dispatcher.utter_message(response="utter_visit_cancelled", ticket_number=ticket.number, **window)
    return [*_end_form(tracker), *anything_else(dispatcher, tracker)]


def _answers_advice(tracker: Tracker) -> bool:
    """Whether the assistant's last words before the latest message asked if the advice helped."""
    for event in reversed(tracker.events):
        if event.get("event") == "bot":
            return (event.get("metadata") or {}).get("utter_action") == "utter_ask_advice_helped"
    return False


def _end_form(tracker: Tracker) -> List[EventType]:
    """Said while another question was open (moving the visit): that question is over too."""
    in_form = bool((tracker.active_loop or {}).get("name"))
    return [ActiveLoop(None), SlotSet("requested_slot", None)] if in_form else []


async def _close_service_back(
    dispatcher: CollectingDispatcher, tracker: Tracker, ticket: TicketRecord
) -> List[EventType]:
    """No visit for a service that works again: a visit already booked is cancelled, the ticket closed."""
    desk, tz = services().tickets, services().company.tzinfo
    if ticket.has_visit_after(datetime.now(timezone.utc)) and ticket.visit_start and ticket.visit_end:
        window = window_variables(ticket.visit_start, ticket.visit_end, tz)
        when = window_text(ticket.visit_start, ticket.visit_end, tz)
        note = ticket_note("service_back_visit_cancelled", window=when)
        await desk.update(
            ticket.number, visit_start=None, visit_end=None, status=TicketStatus.CLOSED, notes=[note]
        )
        dispatcher.utter_message(
            response="utter_service_back_visit_cancelled", ticket_number=ticket.number, **window
        )
    else:
        await desk.update(ticket.number, status=TicketStatus.CLOSED, notes=[ticket_note("service_back")])
        dispatcher.utter_message(response="utter_service_back", ticket_number=ticket.number)
    return [*_end_form(tracker), *anything_else(dispatcher, tracker)]
