"""Ticket follow-up: status of the customer's cases and rescheduling a visit."""
from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Any, Dict, List

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.formatting import long_date, window_text, window_variables
from actions.services import field_calendar, ticket_desk
from actions.tracker_utils import user_events
from bot.locale import ticket_note
from bot.scheduling import VisitWindow, visit_windows
from bot.tickets import TicketRecord, parse_ticket_number

VISIT_OPTIONS = 4


# Only an explicit "TK-10001" / "#10001" in free text: bare numbers there are
# usually the service number or the ID given to identify.
_EXPLICIT_TICKET = re.compile(r"(?:\btk|#)[\s-]*\d+", re.IGNORECASE)


def _ticket_asked_for(tracker: Tracker) -> str | None:
    """The ticket number NLU found, or an explicit one in the customer's recent messages."""
    candidates = [tracker.get_slot("ticket_id")]
    for event in user_events(tracker)[-4:]:
        candidates += _EXPLICIT_TICKET.findall(event.get("text") or "")
    for candidate in candidates:
        number = parse_ticket_number(candidate) if candidate else None
        if number:
            return number
    return None


def _has_future_visit(ticket: TicketRecord) -> bool:
    now = datetime.now(timezone.utc)
    return ticket.is_open and ticket.visit_start is not None and ticket.visit_start > now


class ActionTicketStatus(Action):
    """Says where the customer's cases stand; offers to move an upcoming visit."""

    def name(self) -> str:
        return "action_ticket_status"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        desk = ticket_desk()
        customer_id = int(tracker.get_slot("customer_id"))
        asked = _ticket_asked_for(tracker)
        if asked:
            ticket = desk.get(asked)
            if ticket is None or ticket.customer_id != customer_id:
                # Someone else's ticket is reported exactly like a missing one.
                dispatcher.utter_message(response="utter_ticket_not_found", ticket_id=asked)
                dispatcher.utter_message(response="utter_anything_else")
                return [SlotSet("can_reschedule", False)]
            tickets = [ticket]
        else:
            tickets = desk.open_tickets_for(customer_id)
        if not tickets:
            dispatcher.utter_message(response="utter_no_open_tickets")
            dispatcher.utter_message(response="utter_anything_else")
            return [SlotSet("can_reschedule", False)]

        for ticket in tickets:
            dispatcher.utter_message(
                response=f"utter_ticket_status_{ticket.status}",
                ticket_number=ticket.number,
                ticket_subject=ticket.subject,
                ticket_created=long_date(ticket.created_at),
            )
        upcoming = next((ticket for ticket in tickets if _has_future_visit(ticket)), None)
        if upcoming is None:
            dispatcher.utter_message(response="utter_anything_else")
            return [SlotSet("can_reschedule", False)]
        window = VisitWindow(upcoming.visit_start, upcoming.visit_end)
        dispatcher.utter_message(response="utter_ticket_visit", **window_variables(window))
        dispatcher.utter_message(response="utter_ask_reschedule")
        return [SlotSet("can_reschedule", True), SlotSet("reschedule_ticket", upcoming.number)]


def _option_lines(windows: List[VisitWindow]) -> str:
    return "\n".join(f"{position}. {window_text(window)}" for position, window in enumerate(windows, start=1))


def _serialise(window: VisitWindow) -> List[str]:
    return [window.start.isoformat(), window.end.isoformat()]


def _deserialise(option: List[str]) -> VisitWindow:
    return VisitWindow(datetime.fromisoformat(option[0]), datetime.fromisoformat(option[1]))


class ActionAskVisitChoice(Action):
    """Offers the next free windows (the same calendar as new visits)."""

    def name(self) -> str:
        return "action_ask_visit_choice"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        windows = visit_windows(datetime.now(timezone.utc), field_calendar(), VISIT_OPTIONS)
        buttons = [
            {"title": window_text(window), "payload": str(position)}
            for position, window in enumerate(windows, start=1)
        ]
        dispatcher.utter_message(
            response="utter_ask_visit_choice", visit_option_lines=_option_lines(windows), buttons=buttons
        )
        return [SlotSet("visit_options", [_serialise(window) for window in windows])]


def chosen_option(answer: str, count: int) -> int | None:
    """The position (1-based) the customer picked, if the answer names exactly one."""
    digits = [int(token) for token in answer.replace(".", " ").replace(")", " ").split() if token.isdigit()]
    return digits[0] if len(digits) == 1 and 1 <= digits[0] <= count else None


class ValidateRescheduleForm(FormValidationAction):
    def name(self) -> str:
        return "validate_reschedule_form"

    def validate_visit_choice(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        options = tracker.get_slot("visit_options") or []
        if chosen_option(str(slot_value or ""), len(options)) is None:
            dispatcher.utter_message(response="utter_visit_choice_invalid")
            return {"visit_choice": None}
        return {"visit_choice": slot_value}


class ActionRescheduleVisit(Action):
    def name(self) -> str:
        return "action_reschedule_visit"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        options = tracker.get_slot("visit_options") or []
        position = chosen_option(str(tracker.get_slot("visit_choice") or ""), len(options))
        number = tracker.get_slot("reschedule_ticket")
        if position is None or not number:
            dispatcher.utter_message(response="utter_how_can_help")
            return []
        window = _deserialise(options[position - 1])
        desk = ticket_desk()
        desk.update(number, visit_start=window.start, visit_end=window.end)
        desk.add_answer(number, "bot", ticket_note("visit_rescheduled", window=window_text(window)))
        dispatcher.utter_message(
            response="utter_visit_rescheduled", ticket_number=number, **window_variables(window)
        )
        dispatcher.utter_message(response="utter_anything_else")
        return [
            SlotSet("visit_choice", None),
            SlotSet("visit_options", None),
            SlotSet("can_reschedule", False),
        ]
