"""Ticket follow-up: status of the customer's cases and rescheduling a visit."""
from __future__ import annotations

import re
from datetime import date, datetime, time, timezone
from typing import Any, Callable, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.forms import ProtocolFormValidationAction, is_new_message_for
from actions.shared import anything_else, latest_intent, latest_text, need_words, services, user_events
from actions.visits import act_on_visit_request
from bot.language.es.choices import read_choice
from bot.language.es.formatting import long_date, window_text, window_variables
from bot.language.es.leaving import says_leaving
from bot.language.es.visit_questions import visit_questions
from bot.locale import ticket_note
from bot.needs import need_for_intent
from bot.ports.tickets import TicketCategory, TicketRecord, parse_ticket_number
from bot.support.scheduling import VisitWindow, visit_windows_where
from bot.support.visit_cancel import is_intermittent_case, visit_request
from bot.support.visit_choice import (
    Found,
    Keep,
    Pick,
    Search,
    Soonest,
    answer_to_move,
    find_windows,
    resolve_choice,
)
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
    """Says where the customer's cases stand; offers to move an upcoming visit.

    The offer is the first question of `reschedule_form`, which a rule starts
    at once (data/rules/follow_up.yml), so whatever the customer answers reaches the form's
    validation and is read there: "sí, pero a la tarde" or "mañana no puedo"
    move the visit whatever intent NLU gives them, "no, así está bien" keeps
    it. Rules keyed on affirm and deny would leave every other reading to the
    fallback.
    """

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
        now = datetime.now(timezone.utc)
        # "Ya anda, no hace falta que venga", "cancelá la visita": NLU reads them as a follow-up or
        # the fault reported again; the visit is cancelled (and the case closed) instead of told.
        technical = _technical_case(tickets, now)
        acted = await act_on_visit_request(dispatcher, tracker, technical) if technical else None
        if acted is None and technical and need_for_intent(latest_intent(tracker)) is None:
            # Identification came in between: the message that asked for the follow-up (play-test:
            # "ya volvió, cancelen la visita. servicio 1002", then "sí" to the contact details).
            acted = await act_on_visit_request(dispatcher, tracker, technical, text=need_words(tracker))
        if acted is not None:
            return [SlotSet("can_reschedule", False), *acted]

        for ticket in tickets:
            dispatcher.utter_message(
                response=f"utter_ticket_status_{ticket.status.value}",
                ticket_number=ticket.number,
                ticket_subject=ticket.subject,
                ticket_created=long_date(ticket.created_at, tz),
            )
        upcoming = next((ticket for ticket in tickets if ticket.has_visit_after(now)), None)
        if upcoming is None or upcoming.visit_start is None or upcoming.visit_end is None:
            return [SlotSet("can_reschedule", False), *anything_else(dispatcher, tracker)]
        dispatcher.utter_message(
            response="utter_ticket_visit", **window_variables(upcoming.visit_start, upcoming.visit_end, tz)
        )
        _answer_visit_questions(dispatcher, tracker)  # "¿y si no estoy?" read as the fault again
        dispatcher.utter_message(response="utter_ask_reschedule")
        return [
            SlotSet("can_reschedule", True),
            SlotSet("reschedule_ticket", upcoming.number),
            SlotSet("visit_options", None),  # the windows are offered afresh, once asked for
            SlotSet("visit_choice", None),
        ]


def _technical_case(tickets: List[TicketRecord], now: datetime) -> TicketRecord | None:
    """The open technical ticket a "ya anda" or "cancelá la visita" is about: the one with a visit first."""
    technical = [
        ticket for ticket in tickets if ticket.is_open and ticket.category is TicketCategory.TECHNICAL
    ]
    with_visit = [ticket for ticket in technical if ticket.has_visit_after(now)]
    found = with_visit or technical
    return found[0] if found else None


def _asks_of_visit(tracker: Tracker, subject: str) -> bool:
    """Whether the latest message says the service works again or calls the visit off."""
    intermittent = is_intermittent_case(tracker.get_slot("need_intent"), subject)
    return visit_request(latest_text(tracker), intermittent) is not None


def _answer_visit_questions(dispatcher: CollectingDispatcher, tracker: Tracker) -> bool:
    """Answers "¿me avisan antes de venir?", "¿y si no estoy?"; whether the message asked any."""
    answers = visit_questions(latest_text(tracker))
    for response in answers:
        dispatcher.utter_message(response=response)
    return bool(answers)


Reply = Pick | Search | Soonest | Keep | None
# Never an answer to the reschedule form, whatever its words: their own rules answer them.
_NOT_ANSWERS = frozenset({"request_human", "bot_challenge"})


def _today() -> date:
    return datetime.now(timezone.utc).astimezone(services().company.tzinfo).date()


def _options(tracker: Tracker) -> List[VisitWindow]:
    """The windows listed to the customer; none while "¿Desea cambiar…?" is the question."""
    return [deserialise_window(option) for option in tracker.get_slot("visit_options") or []]


async def _current_visit(tracker: Tracker) -> VisitWindow | None:
    """The visit being moved, as it is now: never offered as a new window, and what "keep" keeps."""
    number = tracker.get_slot("reschedule_ticket")
    ticket = await services().tickets.get(number) if number else None
    if ticket is None or ticket.visit_start is None or ticket.visit_end is None:
        return None
    return VisitWindow(ticket.visit_start, ticket.visit_end)


def _free_windows(current: VisitWindow | None, accept: Callable[[VisitWindow], bool]) -> List[VisitWindow]:
    """The first windows `accept` takes, leaving out the one the visit already has."""
    return visit_windows_where(
        datetime.now(timezone.utc),
        services().calendar,
        VISIT_OPTIONS,
        lambda window: (current is None or window.start != current.start) and accept(window),
    )


def _read_reply(
    text: str, intent: str | None, offered: List[VisitWindow], current: VisitWindow | None
) -> Reply:
    """What the customer's reply means for the question asked: the list if one is shown, else the offer."""
    tz = services().company.tzinfo
    words = read_choice(text, _today())
    reply: Reply = resolve_choice(words, offered, tz) if offered else answer_to_move(words, current, tz)
    if reply is not None:
        return reply
    if intent == "stop" and says_leaving(intent, text):
        return Keep()  # "basta", "cancelá": the change stops and the visit stays as it was
    if not offered and intent in ("affirm", "deny"):
        # Words this reader does not know ("👍", "nah"): NLU's yes or no answers the offer.
        return Search() if intent == "affirm" else Keep()
    return None


def _introduce(dispatcher: CollectingDispatcher, search: Search, found: Found) -> None:
    """Say what the windows about to be listed are; a plain list needs no introduction."""
    tz = services().company.tzinfo
    windows = found.windows
    if not windows:
        dispatcher.utter_message(response="utter_visit_no_windows")
    elif found.instead_of is not None:
        # "¿Tenés el viernes?" when that Friday's windows were all turned down: a later Friday.
        asked, first_day = found.instead_of, windows[0].start.astimezone(tz).date()
        dispatcher.utter_message(response="utter_visit_day_only_offered", visit_date=_day_text(asked))
        dispatcher.utter_message(response="utter_visit_options_from_day", visit_date=_day_text(first_day))
    elif search.day is not None:
        on_that_day = windows[0].start.astimezone(tz).date() == search.day
        response = "utter_visit_options_from_day" if on_that_day else "utter_visit_day_unavailable"
        dispatcher.utter_message(response=response, visit_date=_day_text(search.day))
    elif search.after is not None:
        dispatcher.utter_message(response="utter_visit_other_options")
    elif not search.is_blank:
        dispatcher.utter_message(response="utter_visit_options_matching")


def _day_text(day: date) -> str:
    tz = services().company.tzinfo
    return long_date(datetime.combine(day, time(12), tzinfo=tz), tz)


def _said_since_customer(tracker: Tracker, response: str | None = None) -> bool:
    """Whether the assistant said anything (or `response`) after the customer's latest message."""
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return False
        if event.get("event") == "bot" and (
            response is None or (event.get("metadata") or {}).get("utter_action") == response
        ):
            return True
    return False


async def _asks_of_current_visit(tracker: Tracker) -> bool:
    """`_asks_of_visit` for the ticket whose visit the form is moving."""
    number = tracker.get_slot("reschedule_ticket")
    ticket = await services().tickets.get(number) if number else None
    return ticket is not None and _asks_of_visit(tracker, ticket.subject)


class ActionAskVisitChoice(Action):
    """Asks the reschedule form's question: whether to move the visit, then which window.

    While no windows are listed the question is "¿Desea cambiar el día u
    horario de la visita?" (asked by `action_ticket_status` the first time, so
    not twice in a row). Once the customer wants a change, the validation has
    put the windows in `visit_options`: they are listed with how to answer, or
    bare after the validation introduced them ("Desde el jueves tengo…").
    """

    def name(self) -> str:
        return "action_ask_visit_choice"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        windows = _options(tracker)
        if not windows:
            if not _said_since_customer(tracker, "utter_ask_reschedule"):
                dispatcher.utter_message(response="utter_ask_reschedule")
            return []
        tz = services().company.tzinfo
        introduced = _said_since_customer(tracker)
        response = "utter_ask_visit_choice_again" if introduced else "utter_ask_visit_choice"
        titles = [window_text(window.start, window.end, tz) for window in windows]
        lines = "\n".join(f"{position}. {title}" for position, title in enumerate(titles, start=1))
        buttons = [
            {"title": title, "payload": str(position)} for position, title in enumerate(titles, start=1)
        ]
        dispatcher.utter_message(response=response, visit_option_lines=lines, buttons=buttons)
        return []


class ValidateRescheduleForm(ProtocolFormValidationAction):
    """Reads every reply to the reschedule form by its words (`bot.support.visit_choice`).

    A reply this form understands is its answer whatever NLU made of it: "el
    2do" read as a greeting, "dejalo como estaba" as a stop, "ninguno me
    sirve, ¿tenés el viernes?" as a sales question. Only goodbye in so many
    words, a person asked for and "¿sos un bot?" are left to their rules.
    """

    free_text_slots = {"visit_choice": frozenset()}

    def name(self) -> str:
        return "validate_reschedule_form"

    async def get_extraction_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        events = await super().get_extraction_events(dispatcher, tracker, domain)
        if tracker.get_slot("requested_slot") != "visit_choice" or not is_new_message_for(
            self.form_name(), tracker
        ):
            return events
        intent, text = latest_intent(tracker), latest_text(tracker)
        if intent in _NOT_ANSWERS or (intent == "goodbye" and says_leaving(intent, text)):
            return events
        if any(event.get("name") == "visit_choice" for event in events):
            return events
        reply = _read_reply(text, intent, _options(tracker), await _current_visit(tracker))
        if reply is not None or visit_questions(text) or await _asks_of_current_visit(tracker):
            events.append(SlotSet("visit_choice", text))
        return events

    async def validate_visit_choice(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        """A window picked is kept by its position; windows asked for are offered; "keep" ends the form."""
        if not is_new_message_for(self.form_name(), tracker):
            # Rasa validates the slot at the form's start too (action_ticket_status clears it):
            # no reply has been given yet, so the question is simply asked.
            return {"visit_choice": None}
        if await _asks_of_current_visit(tracker):
            # "Ya anda, no hace falta que venga", "cancelá la visita": the form ends without a
            # window; action_reschedule_visit cancels the visit (bot/support/visit_cancel.py).
            return {"visit_choice": None, "requested_slot": None}
        offered, current = _options(tracker), await _current_visit(tracker)
        reply = _read_reply(str(slot_value or ""), latest_intent(tracker), offered, current)
        if isinstance(reply, Keep):
            # The form ends without a choice; action_reschedule_visit then says the visit stays
            # (and answers "¿me avisan antes?" after that).
            return {"visit_choice": None, "requested_slot": None}
        # "¿Y si no estoy?" answered before the windows it may ask for, or the question asked again.
        answered = _answer_visit_questions(dispatcher, tracker)
        if isinstance(reply, Pick):
            return {"visit_choice": str(reply.position)}
        if isinstance(reply, (Search, Soonest)):
            return self._offer(dispatcher, reply, offered, current)
        if answered:
            return {"visit_choice": None}
        help_response = "utter_visit_choice_invalid" if offered else "utter_help_reschedule"
        dispatcher.utter_message(response=help_response)
        return {"visit_choice": None}

    @staticmethod
    def _offer(
        dispatcher: CollectingDispatcher,
        reply: Search | Soonest,
        offered: List[VisitWindow],
        current: VisitWindow | None,
    ) -> Dict[str, Any]:
        """The windows asked for, listed next (or booked at once, for "el primero que haya")."""
        search = reply.search if isinstance(reply, Soonest) else reply
        found = find_windows(search, services().company.tzinfo, lambda accept: _free_windows(current, accept))
        if isinstance(reply, Soonest) and found.windows:
            return {"visit_choice": "1", "visit_options": [serialise_window(found.windows[0])]}
        _introduce(dispatcher, search, found)
        windows = found.windows
        if not windows and offered:
            return {"visit_choice": None}  # nothing such: the list shown stays
        if not windows:
            windows = _free_windows(current, lambda window: True)  # nothing such: the next free ones
        return {"visit_choice": None, "visit_options": [serialise_window(window) for window in windows]}


class ActionRescheduleVisit(Action):
    """Books the window chosen, or, when the form ended without one, says the visit stays as it was."""

    def name(self) -> str:
        return "action_reschedule_visit"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        options = tracker.get_slot("visit_options") or []
        position = chosen_option(str(tracker.get_slot("visit_choice") or ""), len(options))
        number = tracker.get_slot("reschedule_ticket")
        done = [
            SlotSet("visit_choice", None),
            SlotSet("visit_options", None),
            SlotSet("can_reschedule", False),
        ]
        if not number:
            dispatcher.utter_message(response="utter_how_can_help")
            return done
        desk, tz = services().tickets, services().company.tzinfo
        if position is None:
            ticket = await desk.get(number)
            acted = await act_on_visit_request(dispatcher, tracker, ticket) if ticket else None
            if acted is not None:  # the form ended on "ya anda" or "cancelá la visita"
                return [*acted, *done]
            dispatcher.utter_message(response="utter_visit_kept")
            current = await _current_visit(tracker)
            if current is not None:
                dispatcher.utter_message(
                    response="utter_ticket_visit", **window_variables(current.start, current.end, tz)
                )
            _answer_visit_questions(dispatcher, tracker)  # "no, pero ¿me avisan antes de venir?"
            return [*anything_else(dispatcher, tracker), *done]
        window = deserialise_window(options[position - 1])
        note = ticket_note("visit_rescheduled", window=window_text(window.start, window.end, tz))
        await desk.update(number, visit_start=window.start, visit_end=window.end, notes=[note])
        dispatcher.utter_message(
            response="utter_visit_rescheduled",
            ticket_number=number,
            **window_variables(window.start, window.end, tz),
        )
        return [*anything_else(dispatcher, tracker), *done]
