"""Ticket follow-up: status of the customer's cases and rescheduling a visit."""
from __future__ import annotations

import re
from datetime import datetime, time, timezone
from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.forms import ProtocolFormValidationAction
from actions.shared import anything_else, latest_text, services, user_events
from bot.language.es.choices import read_choice
from bot.language.es.formatting import long_date, window_text, window_variables
from bot.locale import ticket_note
from bot.ports.tickets import AnswerAuthor, parse_ticket_number
from bot.support.scheduling import VisitWindow, visit_windows, visit_windows_where
from bot.support.visit_choice import Pick, Search, resolve_choice
from bot.support.visits import VISIT_OPTIONS, chosen_option, deserialise_window, serialise_window

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


class ActionTicketStatus(Action):
    """Says where the customer's cases stand; offers to move an upcoming visit."""

    def name(self) -> str:
        return "action_ticket_status"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        desk, tz = services().tickets, services().company.tzinfo
        customer_id = int(tracker.get_slot("customer_id"))
        asked = _ticket_asked_for(tracker)
        if asked:
            ticket = await desk.get(asked)
            if ticket is None or ticket.customer_id != customer_id:
                # Someone else's ticket is reported exactly like a missing one.
                dispatcher.utter_message(response="utter_ticket_not_found", ticket_id=asked)
                return [SlotSet("can_reschedule", False), *anything_else(dispatcher, tracker)]
            tickets = [ticket]
        else:
            tickets = await desk.open_tickets_for(customer_id)
        if not tickets:
            dispatcher.utter_message(response="utter_no_open_tickets")
            return [SlotSet("can_reschedule", False), *anything_else(dispatcher, tracker)]

        for ticket in tickets:
            dispatcher.utter_message(
                response=f"utter_ticket_status_{ticket.status.value}",
                ticket_number=ticket.number,
                ticket_subject=ticket.subject,
                ticket_created=long_date(ticket.created_at, tz),
            )
        now = datetime.now(timezone.utc)
        upcoming = next((ticket for ticket in tickets if ticket.has_visit_after(now)), None)
        if upcoming is None or upcoming.visit_start is None or upcoming.visit_end is None:
            return [SlotSet("can_reschedule", False), *anything_else(dispatcher, tracker)]
        dispatcher.utter_message(
            response="utter_ticket_visit", **window_variables(upcoming.visit_start, upcoming.visit_end, tz)
        )
        dispatcher.utter_message(response="utter_ask_reschedule")
        return [
            SlotSet("can_reschedule", True),
            SlotSet("reschedule_ticket", upcoming.number),
            SlotSet("visit_options", None),  # the windows are offered afresh
        ]


def _read_answer(answer: str, offered: List[VisitWindow]) -> Pick | Search | None:
    """Which offered window the answer picks, or which others it asks for."""
    tz = services().company.tzinfo
    today = datetime.now(timezone.utc).astimezone(tz).date()
    return resolve_choice(read_choice(answer, today), offered, tz)


def _offer_search(dispatcher: CollectingDispatcher, search: Search) -> List[VisitWindow]:
    """The windows the customer asked for, introduced; none means they were told there are none."""
    tz = services().company.tzinfo
    now, calendar = datetime.now(timezone.utc), services().calendar
    windows = visit_windows_where(now, calendar, VISIT_OPTIONS, lambda window: search.accepts(window, tz))
    if not windows:
        dispatcher.utter_message(response="utter_visit_no_windows")
    elif search.day is not None:
        asked = long_date(datetime.combine(search.day, time(12), tzinfo=tz), tz)
        on_that_day = windows[0].start.astimezone(tz).date() == search.day
        response = "utter_visit_options_from_day" if on_that_day else "utter_visit_day_unavailable"
        dispatcher.utter_message(response=response, visit_date=asked)
    elif search.after is not None:
        dispatcher.utter_message(response="utter_visit_other_options")
    else:
        dispatcher.utter_message(response="utter_visit_options_matching")
    return windows


def _options(tracker: Tracker) -> List[VisitWindow]:
    return [deserialise_window(option) for option in tracker.get_slot("visit_options") or []]


class ActionAskVisitChoice(Action):
    """Offers the next free windows (the same calendar as new visits), or the ones asked for.

    "Sí, pero mañana no puedo, ¿puede ser el jueves?" to "¿Desea cambiar la
    visita?" gets the windows from Thursday on at once. A list offered again
    (after an answer that asked for other days, or that picked none) is the
    one in `visit_options`.
    """

    def name(self) -> str:
        return "action_ask_visit_choice"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        tz = services().company.tzinfo
        windows = _options(tracker)
        response = "utter_ask_visit_choice_again"
        if not windows:
            asked = _read_answer(latest_text(tracker), [])
            if isinstance(asked, Search):
                windows = _offer_search(dispatcher, asked)
            if not windows:
                windows = visit_windows(datetime.now(timezone.utc), services().calendar, VISIT_OPTIONS)
                response = "utter_ask_visit_choice_again" if asked else "utter_ask_visit_choice"
        titles = [window_text(window.start, window.end, tz) for window in windows]
        lines = "\n".join(f"{position}. {title}" for position, title in enumerate(titles, start=1))
        buttons = [
            {"title": title, "payload": str(position)} for position, title in enumerate(titles, start=1)
        ]
        dispatcher.utter_message(response=response, visit_option_lines=lines, buttons=buttons)
        return [SlotSet("visit_options", [serialise_window(window) for window in windows])]


class ValidateRescheduleForm(ProtocolFormValidationAction):
    free_text_slots = {"visit_choice": frozenset()}

    def name(self) -> str:
        return "validate_reschedule_form"

    def validate_visit_choice(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        """A window picked is kept by its position; a day asked for gets that day's windows offered."""
        choice = _read_answer(str(slot_value or ""), _options(tracker))
        if isinstance(choice, Pick):
            return {"visit_choice": str(choice.position)}
        if isinstance(choice, Search):
            windows = _offer_search(dispatcher, choice)
            if windows:
                return {"visit_choice": None, "visit_options": [serialise_window(w) for w in windows]}
            return {"visit_choice": None}
        dispatcher.utter_message(response="utter_visit_choice_invalid")
        return {"visit_choice": None}


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
        window = deserialise_window(options[position - 1])
        desk, tz = services().tickets, services().company.tzinfo
        await desk.update(number, visit_start=window.start, visit_end=window.end)
        note = ticket_note("visit_rescheduled", window=window_text(window.start, window.end, tz))
        await desk.add_answer(number, AnswerAuthor.BOT, note)
        dispatcher.utter_message(
            response="utter_visit_rescheduled",
            ticket_number=number,
            **window_variables(window.start, window.end, tz),
        )
        return [
            *anything_else(dispatcher, tracker),
            SlotSet("visit_choice", None),
            SlotSet("visit_options", None),
            SlotSet("can_reschedule", False),
        ]
