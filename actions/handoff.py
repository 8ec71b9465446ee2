"""Warm handoff: hand the conversation to a person, and the pushes the desk runs while it lasts.

`action_hand_over` ends a flow that needs a person (data/rules/handoff.yml):
it builds the context package (bot/handoff/context.py), asks the engine for a
place in the queue and, when a person can take it, pauses the conversation so
the bot stays silent while the customer waits or talks with the person. When
nobody can (out of hours, nobody online) the case is left for a callback and
the bot carries on.

The other actions are never predicted: the desk runs them through Rasa's
`/conversations/{id}/execute` (desk/rasa_control.py) when a timer or an agent
says so, and each ends with an `action_listen` so the customer's next message
starts a fresh turn.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import (
    ActionExecuted,
    ConversationPaused,
    ConversationResumed,
    EventType,
    FollowupAction,
    SlotSet,
)
from rasa_sdk.executor import CollectingDispatcher

from actions.shared import (
    anything_else,
    channel_of,
    intent_of,
    latest_text,
    services,
    user_events_with_the_bot,
    verified_customer,
)
from bot.handoff.context import queue_label, recap, transcript_from_events
from bot.handoff.engine import AdmissionResult
from bot.handoff.records import Admission, Author, ContextPackage, HandoffView, Outcome, Status
from bot.handoff.rules import HandoffRule, matching_rule
from bot.language.es.formatting import long_date, short_time
from bot.language.phones import format_national, phones_in
from bot.locale import texts, ticket_note
from bot.needs import HUMAN_INTENT, Queue, need_for_intent, need_spec
from bot.ports.tickets import AnswerAuthor
from bot.privacy import mask_second_factors
from bot.reception.identification import (
    STRONG_KINDS,
    UNANSWERED_BEFORE_A_PERSON,
    parse_claim,
    without_named_identifiers,
)

_LISTEN = ActionExecuted("action_listen")
# Responses said with the customer's name, each with an `_unnamed` twin for an unidentified customer.
NAMED_RESPONSES = (
    "utter_handoff_waiting",
    "utter_handoff_news",
    "utter_handoff_news_next",
    "utter_handoff_transferred",
    "utter_handoff_back",
    "utter_handoff_back_silent",
    "utter_handoff_closed",
    "utter_handoff_left",
    "utter_handoff_accepted",
    "utter_handoff_transferred_agent",
)
# Why nobody took the conversation (the engine's `end_reason`), for utter_handoff_callback_{reason};
# an unidentified customer is written back on the chat (utter_handoff_callback_{…}_unidentified).
# Out of hours is said three ways: "vuelve el martes 8 de diciembre a las 08:00", "vuelve hoy a
# las 14:00", or, when people are back at midnight, the day alone (no call promised at 00:00).
CALLBACK_REASONS = ("closed", "closed_today", "closed_day", "nobody", "timeout", "chosen")
UNIDENTIFIED_CALLBACKS = {
    "closed": "closed",
    "closed_today": "closed_today",
    "closed_day": "closed_day",
    "nobody": "nobody",
    "timeout": "later",
    "chosen": "later",
}
# The need handed over is done with; `route` stays "person", as the rules that predicted
# the handoff left it (data/rules/handoff.yml), so the policies read the turn as trained.
_DONE = SlotSet("need_intent", None)


def reason_intent(tracker: Tracker) -> str:
    """The need the person is for: a person asked for in the middle of another need is for that need."""
    current = tracker.get_slot("need_intent")
    if current and current != HUMAN_INTENT:
        return str(current)
    for event in reversed(tracker.events):
        if event.get("event") == "slot" and event.get("name") == "need_intent":
            value = event.get("value")
            if value and value != HUMAN_INTENT and need_spec(value):
                return str(value)
    # "no tengo internet, pasame con alguien": the need said with the request waits in the queue.
    pending = [p for p in tracker.get_slot("pending_needs") or [] if need_spec(p)]
    return str(pending[0]) if pending else HUMAN_INTENT


def handoff_rule(tracker: Tracker) -> HandoffRule | None:
    """The operator's rule (bot/handoff/rules.py) this need and the customer's words match, if any.

    The messages that stated a need, and the latest one unless it is an ID, phone or
    service number given to identify; identifiers named in them are left out ("5012346",
    "ci 2.345.987" are no amount claimed).
    """
    latest = latest_text(tracker)
    if parse_claim(latest, services().company.country).kind in STRONG_KINDS:
        latest = ""
    words = without_named_identifiers(" ".join(filter(None, (reason_words(tracker), latest))))
    return matching_rule(reason_intent(tracker), words)


def reason_words(tracker: Tracker) -> str:
    """The customer's own words about what they need: their messages that stated a need (not the
    ones that gave a name or a number), else what triage kept."""
    stated = [
        str(event.get("text"))
        for event in user_events_with_the_bot(tracker)
        if event.get("text") and need_for_intent(intent_of(event)) is not None
    ]
    return " / ".join(stated[-3:]) or tracker.get_slot("need_text") or ""


def _queue_for(intent: str, rule: HandoffRule | None) -> str:
    if rule is not None:
        return rule.queue
    spec = need_spec(intent)
    return (spec.queue if spec else Queue.GENERAL).value


def _named(response: str, name: str | None) -> str:
    return response if name else f"{response}_unnamed"


def _when(moment: datetime | None) -> Dict[str, str | None]:
    """When people are back, as responses and ticket notes say it: "martes 8 de diciembre", "08:00"."""
    if moment is None:
        return {"when_date": None, "when_time": None}
    tz = services().company.tzinfo
    return {"when_date": long_date(moment, tz), "when_time": short_time(moment, tz)}


async def context_package(tracker: Tracker) -> ContextPackage:
    """Who the customer is, why they came, what the bot did, and the conversation so far."""
    intent = reason_intent(tracker)
    spec = need_spec(intent)
    customer = await verified_customer(tracker)
    factors = int(tracker.get_slot("identity_factors") or 0)
    number = tracker.get_slot("service_number")
    service = customer.service(int(number)) if customer and number else None
    ticket_number = tracker.get_slot("ticket_number")
    notes: List[str] = []
    if ticket_number:
        ticket = await services().tickets.get(ticket_number)
        if ticket is not None and customer is not None and ticket.customer_id == customer.id:
            notes = [answer.body for answer in ticket.answers if answer.author is AnswerAuthor.BOT]
        else:
            ticket_number = None
    # The customer's words as a ticket keeps them: their ID and phones masked (the transcript
    # beside them is the conversation itself, for the person who takes it).
    own = (customer.document_id, customer.phone, customer.phone_alt) if customer else ()
    words = mask_second_factors(reason_words(tracker), services().company.country, own)
    rule = handoff_rule(tracker)
    summary = recap(
        intent=intent,
        words=words,
        customer_name=customer.full_name if customer else None,
        factors=factors,
        service_number=service.service_number if service else None,
        plan_name=service.plan_name if service else None,
        slots=tracker.current_slot_values(),
        events=tracker.events,
        ticket_number=ticket_number,
        bot_notes=notes,
        locked=bool(tracker.get_slot("identification_locked")),
        gave_up=int(tracker.get_slot("identity_unanswered") or 0) >= UNANSWERED_BEFORE_A_PERSON,
        rule=rule.name if rule else None,
    )
    return ContextPackage(
        sender_id=tracker.sender_id,
        channel=channel_of(tracker),
        queue=_queue_for(intent, rule),
        reason_category=(spec.need.value if spec else "human"),
        reason_intent=intent,
        reason_text=words,
        recap=summary,
        customer_id=customer.id if customer else None,
        customer_name=customer.full_name if customer else None,
        verified=bool(customer) and factors >= 2,
        service_number=service.service_number if service else None,
        plan_name=service.plan_name if service else None,
        ticket_number=ticket_number,
        transcript=transcript_from_events(tracker.events),
        context={"identity_factors": factors, "first_name": tracker.get_slot("customer_name")},
    )


class ActionHandOver(Action):
    """Queue the conversation for a person and pause the bot, or promise a callback."""

    def name(self) -> str:
        return "action_hand_over"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        package = await context_package(tracker)
        result = await services().handoffs.admit(package, datetime.now(timezone.utc))
        name = tracker.get_slot("customer_name") if package.customer_id else None
        queue = queue_label(package.queue)
        if result.kind is Admission.CALLBACK:
            await _leave_callback(
                dispatcher, tracker, result.handoff, "closed" if result.opens_at else "nobody"
            )
            # The turn ends on the question asked: no policy guesses what follows a callback.
            return [_DONE, *anything_else(dispatcher, tracker), FollowupAction("action_listen")]
        if result.kind is Admission.ALREADY_WAITING:
            dispatcher.utter_message(response="utter_handoff_already_waiting", queue=queue)
        else:
            dispatcher.utter_message(response=_named("utter_handoff_waiting", name), name=name, queue=queue)
        _say_place(dispatcher, result)
        dispatcher.utter_message(response="utter_handoff_choice")
        return [_DONE, ConversationPaused(), _LISTEN]


def _say_place(dispatcher: CollectingDispatcher, result: AdmissionResult) -> None:
    if result.position == 1:
        dispatcher.utter_message(response="utter_handoff_next_in_line")
    elif result.position:
        dispatcher.utter_message(response="utter_handoff_position", position=result.position)
    if result.estimated_wait_min:
        _say_estimate(dispatcher, result.estimated_wait_min)


def _closed_kind(opens_at: datetime) -> str:
    local = opens_at.astimezone(services().company.tzinfo)
    if local.hour == 0 and local.minute == 0:
        return "closed_day"
    if local.date() == datetime.now(local.tzinfo).date():
        return "closed_today"
    return "closed"


def _say_estimate(dispatcher: CollectingDispatcher, minutes: int) -> None:
    if minutes == 1:
        dispatcher.utter_message(response="utter_handoff_estimate_one")
    else:
        dispatcher.utter_message(response="utter_handoff_estimate", minutes=minutes)


async def _phone_given(handoff: HandoffView) -> str | None:
    """A number the customer wrote with their choice ("llámenme al 0981 222333"), as they write it."""
    country = services().company.country
    lines = await services().handoffs.transcript(handoff.id)
    said = [line.text for line in lines if line.author is Author.CUSTOMER]
    found = phones_in(said[-1], country) if said else []
    return format_national(found[0], country) if found else None


async def _leave_callback(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    handoff: HandoffView,
    reason: str,
    phone: str | None = None,
) -> None:
    """Note the callback on the ticket (an identified customer) and tell the customer when.

    `phone`: a number the customer asked to be called on, instead of the one on file.
    """
    queue = queue_label(handoff.queue)
    opens_at = handoff.callback_after if reason == "closed" else None
    when = _when(opens_at)
    if opens_at is not None:
        reason = _closed_kind(opens_at)
    notes = texts()["ticket_notes"]
    if handoff.ticket_number:
        promised = notes["handoff_callback_asap"]
        if opens_at is not None:
            key = "handoff_callback_from_day" if reason == "closed_day" else "handoff_callback_from"
            promised = notes[key].format(**when)
        why = texts()["handoff"]["callback_reasons"][reason.split("_")[0]]
        note = ticket_note("handoff_callback", reason=why, when=promised)
        if phone:
            note = f"{note} {ticket_note('handoff_callback_phone', phone=phone)}"
        await services().tickets.add_answer(handoff.ticket_number, AnswerAuthor.BOT, note)
        dispatcher.utter_message(
            response=f"utter_handoff_callback_{reason}",
            queue=queue,
            ticket_number=handoff.ticket_number,
            name=tracker.get_slot("customer_name"),
            customer_phone=phone or tracker.get_slot("customer_phone"),
            **when,
        )
    else:
        unidentified = UNIDENTIFIED_CALLBACKS.get(reason, "later")
        dispatcher.utter_message(
            response=f"utter_handoff_callback_{unidentified}_unidentified", queue=queue, **when
        )


async def _latest(tracker: Tracker) -> HandoffView | None:
    return await services().handoffs.latest_for(tracker.sender_id)


def _name(tracker: Tracker, handoff: HandoffView) -> str | None:
    return tracker.get_slot("customer_name") if handoff.customer_id else None


class ActionHandoffNews(Action):
    """News while waiting, at least every minute: thanks by name, the place in the queue, the choice."""

    def name(self) -> str:
        return "action_handoff_news"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        handoff = await _latest(tracker)
        if handoff is None or handoff.status is not Status.WAITING:
            return [_LISTEN]  # taken or ended meanwhile: nothing to say
        name = _name(tracker, handoff)
        position, minutes = await services().handoffs.estimate(handoff.id, datetime.now(timezone.utc))
        queue = queue_label(handoff.queue)
        response = "utter_handoff_news_next" if position == 1 else "utter_handoff_news"
        dispatcher.utter_message(response=_named(response, name), name=name, queue=queue, position=position)
        if minutes:
            _say_estimate(dispatcher, minutes)
        dispatcher.utter_message(response="utter_handoff_news_choice")
        return [_LISTEN]


class ActionHandoffAccepted(Action):
    """The customer hears that a person, by first name, has the conversation now."""

    def name(self) -> str:
        return "action_handoff_accepted"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        handoff = await _latest(tracker)
        if handoff is not None and handoff.status is Status.ACTIVE and handoff.agent_name:
            name = _name(tracker, handoff)
            agent = handoff.agent_name.split()[0]
            dispatcher.utter_message(response=_named("utter_handoff_accepted", name), name=name, agent=agent)
        return [_LISTEN]


class ActionHandoffTransferred(Action):
    """The customer is told they are passed to someone else, so the change is never silent."""

    def name(self) -> str:
        return "action_handoff_transferred"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        handoff = await _latest(tracker)
        if handoff is not None and handoff.status is Status.WAITING:
            name = _name(tracker, handoff)
            reserved = handoff.context.get("reserved_for")
            agent = await services().handoffs.agent(reserved) if reserved else None
            if agent is not None:
                dispatcher.utter_message(
                    response=_named("utter_handoff_transferred_agent", name),
                    name=name,
                    agent=agent.first_name,
                )
            else:
                dispatcher.utter_message(
                    response=_named("utter_handoff_transferred", name),
                    name=name,
                    queue=queue_label(handoff.queue),
                )
        return [_LISTEN]


class ActionHandoffCallback(Action):
    """Nobody took the conversation (no agent in time, the queue closed, the customer's choice):
    a callback is noted and the bot is back."""

    def name(self) -> str:
        return "action_handoff_callback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        handoff = await _latest(tracker)
        if handoff is not None and handoff.outcome is Outcome.CALLBACK:
            reason = str(handoff.context.get("end_reason") or "timeout")
            await _leave_callback(dispatcher, tracker, handoff, reason, await _phone_given(handoff))
            dispatcher.utter_message(response="utter_handoff_still_here")
        return [ConversationResumed(), _DONE, _LISTEN]


class ActionHandoffResume(Action):
    """The bot takes the conversation back: by name with a thank-you, after a release, a close
    or a customer who stopped answering."""

    def name(self) -> str:
        return "action_handoff_resume"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        handoff = await _latest(tracker)
        if handoff is not None:
            name = _name(tracker, handoff)
            if handoff.outcome is Outcome.RELEASED:
                dispatcher.utter_message(response=_named("utter_handoff_back", name), name=name)
            elif handoff.outcome is Outcome.SILENT:
                dispatcher.utter_message(response=_named("utter_handoff_back_silent", name), name=name)
            elif handoff.outcome is Outcome.ABANDONED:
                dispatcher.utter_message(response=_named("utter_handoff_left", name), name=name)
            elif handoff.outcome is Outcome.RESOLVED:
                agent = (handoff.agent_name or "").split(" ")[0] or None
                dispatcher.utter_message(
                    response=_named("utter_handoff_closed", name), name=name, agent=agent
                )
        return [ConversationResumed(), _DONE, _LISTEN]
