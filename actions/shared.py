"""What the action modules share: the services they call and the tracker readers they use.

Action modules import from here and from `bot/`, never from each other, so
each stays a thin wrapper: read the tracker, call the core, utter responses.
"""
from __future__ import annotations

from datetime import datetime, timezone
from functools import lru_cache
from typing import Any, Dict, List, Sequence

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.billing.replies import Reply, catalogue_replies
from bot.language.input_guard import InputProblem, classify
from bot.locale import ticket_description, ticket_note, ticket_subject
from bot.needs import HUMAN_INTENT, Flow, Need, need_for_intent
from bot.ports.customers import CustomerRecord, ServiceRecord
from bot.ports.tickets import AnswerAuthor, TicketCategory, TicketKind, TicketRecord
from bot.reception.contact import contact_shown
from bot.reception.identification import (
    SECOND_FACTOR_KINDS,
    STRONG_KINDS,
    UNANSWERED_BEFORE_A_PERSON,
    Claim,
    ClaimKind,
    Outcome,
    PendingFactor,
    Resolution,
    SecondFactor,
    claim_named_in,
    claims_in,
    parse_claim,
    resolve,
    second_factor,
)
from bot.settings import get_settings
from bot.support.cases import Case, CaseStep, existing_case_for, new_case_notes
from bot.wiring import Services, build_services

# Intents that carry no content of their own: not the customer's words about a need.
_COURTESY_INTENTS = ("affirm", "deny", "greet", "thanks")
_OUTCOME_RESPONSES = {
    Outcome.NOT_FOUND: "utter_identity_not_found",
    Outcome.MISMATCH: "utter_identity_mismatch",
    Outcome.EMAIL_NOT_ACCEPTED: "utter_identity_email_not_accepted",
    Outcome.UNREADABLE: "utter_identity_unreadable",
    Outcome.NOT_KNOWN: "utter_identity_not_known",
}


@lru_cache(maxsize=1)
def services() -> Services:
    """The ports for this action-server process, built once from the environment."""
    return build_services(get_settings())


# --- reading the tracker --------------------------------------------------------------


def latest_intent(tracker: Tracker) -> str | None:
    """The intent NLU gave the latest message, nlu_fallback included.

    rasa_sdk's get_intent_of_latest_message skips nlu_fallback and returns the
    runner-up, which would act on a guess the assistant was unsure of.
    """
    return ((tracker.latest_message or {}).get("intent") or {}).get("name")


def latest_text(tracker: Tracker) -> str:
    return (tracker.latest_message or {}).get("text") or ""


def need_and_latest_words(tracker: Tracker) -> str:
    """The words triage kept for the need, then the latest message unless it adds nothing.

    Triage keeps the last three messages with content (`customer_words`), so when the
    need is routed in the turn that stated it, the latest message is already their end.
    A latest message that only confirms ("sí, todo bien" to the contact details) is left
    out as triage leaves courtesies out; one with a number (an invoice, an amount) stays.
    """
    need, latest = tracker.get_slot("need_text") or "", latest_text(tracker)
    if latest and (need == latest or need.endswith(f" / {latest}")):
        return need
    if latest_intent(tracker) in _COURTESY_INTENTS and not any(char.isdigit() for char in latest):
        return need or latest
    return " ".join(filter(None, (need, latest)))


def user_events(tracker: Tracker) -> List[Dict[str, Any]]:
    return [event for event in tracker.events if event.get("event") == "user"]


def user_events_with_the_bot(tracker: Tracker) -> List[Dict[str, Any]]:
    """The customer's messages since a person last gave the conversation back (all, if none did).

    What the customer wrote to a person was for that person: it is in the handoff's
    transcript, and is not the words of the next need the bot notes on a ticket.
    """
    events = tracker.events
    resumed = max((i for i, event in enumerate(events) if event.get("event") == "resume"), default=-1)
    return [event for event in events[resumed + 1 :] if event.get("event") == "user"]


def intent_of(event: Dict[str, Any]) -> str | None:
    return ((event.get("parse_data") or {}).get("intent") or {}).get("name")


def channel_of(tracker: Tracker) -> str:
    return tracker.get_latest_input_channel() or "chat"


async def open_request(
    tracker: Tracker,
    category: TicketCategory,
    kind: TicketKind,
    subject: str,
    words: str,
    service_number: int | None,
    **request: Any,
) -> TicketRecord:
    """A ticket of the identified customer asking for something (a claim, a payment report, a
    plan change, a cancellation): the subject of `subject` (bot/locale), the customer's words
    and the channel, with what the request holds (`amount`, `invoice_number`, `diagnostics`…)."""
    channel = channel_of(tracker)
    return await services().tickets.open_ticket(
        customer_id=int(tracker.get_slot("customer_id")),
        service_number=service_number,
        category=category,
        subject=ticket_subject(subject),
        description=ticket_description(channel, words),
        channel=channel,
        customer_words=words,
        kind=kind,
        **request,
    )


def customer_words(tracker: Tracker) -> str:
    """What the customer wrote about the need (the last three messages with content), for the agent."""
    words = [
        event.get("text") or ""
        for event in user_events_with_the_bot(tracker)
        if intent_of(event) not in _COURTESY_INTENTS
    ]
    return " / ".join(text for text in words[-3:] if text)


# The verified customer as read during this action call, kept on its tracker (each call has a
# tracker of its own): routing, the line checks and the forms ask for it two or three times a call.
_CUSTOMER_READ = "_verified_customer_read"


async def verified_customer(tracker: Tracker) -> CustomerRecord | None:
    """The verified customer, read once per action call (again for another customer, or once forgotten)."""
    customer_id = tracker.get_slot("customer_id")
    if not customer_id:
        return None
    kept = tracker.__dict__.get(_CUSTOMER_READ)
    if kept is not None and kept[0] == customer_id:
        return kept[1]
    customer = await services().customers.get(int(customer_id))
    tracker.__dict__[_CUSTOMER_READ] = (customer_id, customer)
    return customer


def forget_verified_customer(tracker: Tracker) -> None:
    """The details on file have changed during this call: `verified_customer` reads them again."""
    tracker.__dict__.pop(_CUSTOMER_READ, None)


def factor_kinds(tracker: Tracker) -> List[ClaimKind]:
    """The kinds of identifier that found the verified customer's account (slot `identity_factor_kinds`)."""
    known = {kind.value for kind in ClaimKind}
    return [ClaimKind(value) for value in tracker.get_slot("identity_factor_kinds") or [] if value in known]


async def second_factor_answer(tracker: Tracker, answer: str) -> SecondFactor:
    """What `answer` is to the second-factor question (bot.reception.identification.second_factor).

    The identifier that found the account is no second factor, said again; one
    written earlier but not used to find it (during a failed try, say) is.
    """
    claim = parse_claim(answer, services().company.country)
    if claim.kind not in SECOND_FACTOR_KINDS:
        return SecondFactor.OTHER
    resolution = await resolve(services().customers, claim)
    found = resolution.customer is not None and str(resolution.customer.id) == tracker.get_slot("customer_id")
    return second_factor(claim, found, factor_kinds(tracker))


async def is_second_factor(tracker: Tracker, answer: str) -> bool:
    """Whether `answer` is the identified customer's ID or phone on file, not the one that found them."""
    return await second_factor_answer(tracker, answer) is SecondFactor.CONFIRMS


def input_problem(tracker: Tracker) -> InputProblem | None:
    """What the input guard found wrong with the latest message (emoji only, unreadable, too long),
    as NLU marked it (a text cut for NLU is too long whatever its beginning), else as its text shows."""
    marked = (tracker.latest_message or {}).get("input_problem")
    if marked in {problem.value for problem in InputProblem}:
        return InputProblem(marked)
    return classify((tracker.latest_message or {}).get("text"))


def answer_input_problem(dispatcher: CollectingDispatcher, tracker: Tracker) -> bool:
    """Answer a message the input guard rejects with its polite reply; whether it was one.

    Asked a question, such a message is no answer at all: no try, no "no data"
    counted, and the question is asked again.
    """
    problem = input_problem(tracker)
    if problem is None:
        return False
    dispatcher.utter_message(response=f"utter_input_{problem.value}")
    return True


async def current_service(tracker: Tracker) -> ServiceRecord | None:
    """The verified customer's service the conversation is about."""
    number = tracker.get_slot("service_number")
    customer = await verified_customer(tracker)
    return customer.service(int(number)) if customer and number else None


# --- identification outcomes, shared by triage and the identification form -------------


def verified_slots(
    customer: CustomerRecord, service_number: int | None, factors: int, kinds: Sequence[ClaimKind] = ()
) -> Dict[str, Any]:
    """Slots describing a verified customer; the contact details as they may be shown to them."""
    numbers = [service.service_number for service in customer.selectable_services]
    if service_number is None and len(numbers) == 1:
        service_number = numbers[0]
    shown = contact_shown(customer.phone, customer.email, factors, services().company.country)
    return {
        "customer_id": str(customer.id),
        "customer_name": customer.first_name,
        "customer_phone": shown.phone,
        "customer_email": shown.email,
        "identity_factors": float(factors),
        "identity_factor_kinds": list(dict.fromkeys(kind.value for kind in kinds)) or None,
        "service_number": str(service_number) if service_number in numbers else None,
        "identity_candidates": None,
        "identity_pending_factor": None,
    }


async def identify(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    claim: Claim | None,
    candidates: Sequence[str] = (),
    pending: PendingFactor | None = None,
) -> Dict[str, Any]:
    """Look `claim` up, unless identification is locked; the slots to set.

    Locked (this conversation failed too often, or the sender is locked out,
    bot.reception.lockout): no lookup at all, and the route offers a person.
    Identification ended only because the customer had no identifier at hand
    (`_gave_up`) is no lock: a service number, ID or phone given later is looked up.
    The other identifiers of the message go along (`claims_in`): one naming the
    same holder is a second factor ("serv 1001 ci 4123567").
    """
    if claim is None:
        return {}
    lock = services().identification_lock
    now = datetime.now(timezone.utc)
    reopened: Dict[str, Any] = {}
    if tracker.get_slot("identification_locked") and _gave_up(tracker) and claim.kind in STRONG_KINDS:
        reopened = {"identification_locked": False, "identity_unanswered": None}
    elif tracker.get_slot("identification_locked"):
        return {"identification_locked": True, "identity_candidates": None, "identity_pending_factor": None}
    if await lock.is_locked(tracker.sender_id, now):
        return {"identification_locked": True, "identity_candidates": None, "identity_pending_factor": None}
    said = latest_text(tracker)
    along = claims_in(said, services().company.country)
    resolution = await resolve(services().customers, claim, candidates, pending, said, along)
    earlier = factor_kinds(tracker) if pending is not None else []
    return {**reopened, **await apply_resolution(resolution, dispatcher, tracker, earlier)}


# Locked while correcting an account: the one identified before is no longer trusted.
FORGET_IDENTITY = {
    "customer_id": None,
    "customer_name": None,
    "customer_phone": None,
    "customer_email": None,
    "service_number": None,
    "identity_factors": None,
}


async def identify_again(dispatcher: CollectingDispatcher, tracker: Tracker, claim: Claim) -> Dict[str, Any]:
    """Identify afresh with a corrected identifier ("uy, me equivoqué, el mío es 1010").

    Found, the slots of that account, whose contact details are then to be confirmed and
    which has no case of this conversation yet; not found, the account identified before
    stays; locked, no account is trusted.
    """
    slots = await identify(dispatcher, tracker, claim)
    if slots.get("customer_id"):
        slots.update(contact_confirmed=None, contact_update=None, ticket_number=None)
    elif slots.get("identification_locked"):
        slots.update(FORGET_IDENTITY)
    return slots


def another_account_named(tracker: Tracker, text: str, answer: bool = True) -> Claim | None:
    """A service number other than the one identified: the customer corrects the account ("no
    perdón, me equivoqué, el mío es el 1007") or says whose it is ("soy lucía, servicio 1007").

    `answer`: the text answers a question about an identifier, so a bare number is one; else
    only a number its kind names counts ("servicio 1007", not "desde el 1007" nor an amount).
    """
    if not tracker.get_slot("customer_id"):
        return None
    country = services().company.country
    claim = parse_claim(text, country) if answer else claim_named_in(text, country)
    if claim is None or claim.kind is not ClaimKind.SERVICE_NUMBER:
        return None
    return claim if claim.value != str(tracker.get_slot("service_number") or "") else None


async def apply_resolution(
    resolution: Resolution,
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    earlier_kinds: Sequence[ClaimKind] = (),
) -> Dict[str, Any]:
    """Tell the customer what the lookup found and return the slots to set.

    A failed lookup counts toward the lockout, and the count is never reset in
    the conversation; the one that locks is answered by the route's offer of a
    person (`locked_out`), not by an invitation to try again.
    """
    if resolution.outcome == Outcome.VERIFIED and resolution.customer is not None:
        kinds = [*earlier_kinds, *resolution.kinds]  # a shared phone, then the holder's name
        slots = verified_slots(resolution.customer, resolution.service_number, resolution.factors, kinds)
        dispatcher.utter_message(response="utter_identified", customer_name=slots["customer_name"])
        return slots
    if resolution.outcome in (Outcome.NEED_STRONG_FACTOR, Outcome.NEED_HOLDER_NAME):
        # The follow-up question is asked by action_ask_identity_claim.
        return {
            "identity_unanswered": None,
            "identity_candidates": list(resolution.candidates),
            "identity_pending_factor": resolution.pending.value if resolution.pending else None,
            "identity_factor_kinds": [kind.value for kind in resolution.kinds] or None,
        }
    if resolution.outcome in (Outcome.UNREADABLE, Outcome.NOT_KNOWN):
        return _unanswered(resolution.outcome, dispatcher, tracker)
    if not resolution.failed:  # an e-mail: nothing was looked up
        dispatcher.utter_message(response=_OUTCOME_RESPONSES[resolution.outcome])
        return {"identity_unanswered": None}
    attempts = int(tracker.get_slot("identity_attempts") or 0) + 1
    locked = await services().identification_lock.record_failure(
        tracker.sender_id, attempts, datetime.now(timezone.utc)
    )
    if not locked:
        dispatcher.utter_message(response=_OUTCOME_RESPONSES[resolution.outcome])
    # After a failed factor the customer starts over: a mistyped name must not keep them stuck.
    return {
        "identity_unanswered": None,
        "identity_attempts": float(attempts),
        "identity_candidates": None,
        "identity_pending_factor": None,
        "identity_factor_kinds": None,
        "identification_locked": locked,
    }


def _unanswered(outcome: Outcome, dispatcher: CollectingDispatcher, tracker: Tracker) -> Dict[str, Any]:
    """An answer with no identifier in it: helped differently each time, then a person offered.

    Nothing was looked up, so it is no failed attempt. The third in a row ends
    identification in this conversation like a lockout does, but the route
    (`locked_out`) offers the person in words for a customer who simply does not
    have the data at hand.
    """
    unanswered = int(tracker.get_slot("identity_unanswered") or 0) + 1
    if unanswered >= UNANSWERED_BEFORE_A_PERSON:
        return {
            "identity_unanswered": float(unanswered),
            "identification_locked": True,
            "identity_candidates": None,
            "identity_pending_factor": None,
        }
    if unanswered > 1:
        dispatcher.utter_message(response="utter_identity_other_ways")
    else:
        dispatcher.utter_message(response=_OUTCOME_RESPONSES[outcome])
    return {"identity_unanswered": float(unanswered)}


def _gave_up(tracker: Tracker) -> bool:
    """Identification ended because the customer had no identifier to give, not after failures."""
    return int(tracker.get_slot("identity_unanswered") or 0) >= UNANSWERED_BEFORE_A_PERSON


def locked_out(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[EventType]:
    """Identification is locked: a person is offered instead (or, asked for, handed over)."""
    handover, offer = (
        ("utter_handover_unidentified", "utter_identification_without_data")
        if _gave_up(tracker)
        else ("utter_handover_locked", "utter_identification_locked")
    )
    if tracker.get_slot("need_intent") == HUMAN_INTENT:
        # The person asked for is reached unidentified (actions/handoff.py).
        dispatcher.utter_message(response=handover)
        return [SlotSet("offered_human", False), SlotSet("route", Flow.PERSON.value)]
    dispatcher.utter_message(response=offer)  # "sí" asks for the person (data/rules/fallback.yml)
    return [
        SlotSet("need_intent", None),
        SlotSet("offered_human", True),
        SlotSet("route", Flow.HANDOVER.value),
    ]


# --- replies listed by bot/ ----------------------------------------------------------


def utter(dispatcher: CollectingDispatcher, replies: Sequence[Reply]) -> None:
    """Utter the responses a `bot.billing.replies` function listed, with their values."""
    for reply in replies:
        dispatcher.utter_message(response=reply.response, **reply.values)


async def show_catalogue(dispatcher: CollectingDispatcher) -> None:
    """The plans on sale, for anyone: prices are public."""
    utter(dispatcher, catalogue_replies(await services().billing.catalogue(), services().company.currency))


# --- the end of a flow -----------------------------------------------------------------


def anything_else(
    dispatcher: CollectingDispatcher, tracker: Tracker, pending_needs: List[str] | None = None
) -> List[EventType]:
    """Offer the next need the customer mentioned on the way, or ask whether there is anything else.

    Every flow ends here (or in `action_anything_else`), so a need said in
    passing ("ah, y me cobraron de más") is never lost. `pending_needs`
    overrides the tracker's queue when the caller has just changed it.
    """
    if pending_needs is None:
        pending_needs = tracker.get_slot("pending_needs") or []
    need = need_for_intent(pending_needs[0]) if pending_needs else None
    if need is None:
        dispatcher.utter_message(response="utter_anything_else")
        return [SlotSet("offered_next_need", False)]
    if need is Need.CANCELLATION and tracker.get_slot("cancel_fixed_first"):
        # Back from the problem looked at first: whether they still want to leave (actions/cancellation.py).
        dispatcher.utter_message(response="utter_cancel_still_wanted")
    else:
        dispatcher.utter_message(response=f"utter_next_need_{need.value}")
    return [SlotSet("offered_next_need", True)]


# --- tickets ---------------------------------------------------------------------------


def need_words(tracker: Tracker) -> str:
    """The customer's latest message stating a need, else the words triage kept for the ticket."""
    for event in reversed(user_events_with_the_bot(tracker)):
        if need_for_intent(intent_of(event)) and event.get("text"):
            return str(event["text"])
    return tracker.get_slot("need_text") or ""


async def open_case(
    dispatcher: CollectingDispatcher, tracker: Tracker, category: TicketCategory, subject: str
) -> Case:
    """The verified customer's case for this need: the open ticket for it, else a new one.

    `existing_case_for` decides. A continued ticket gets the customer's new
    words and the customer is told it goes on there; a cancellation of a
    service already cancelled gets no ticket and is told so. For a new ticket
    the caller says what comes next.
    """
    desk = services().tickets
    customer_id = int(tracker.get_slot("customer_id"))
    number = tracker.get_slot("service_number")
    service_number = int(number) if number else None
    service = await current_service(tracker)
    status = service.status if service else None
    case = await existing_case_for(
        desk, customer_id, service_number, status, category, datetime.now(timezone.utc)
    )
    if case.step is CaseStep.ALREADY_CANCELLED:
        dispatcher.utter_message(response="utter_service_already_cancelled")
        return case
    if case.ticket is not None:
        ticket = await desk.add_answer(case.ticket.number, AnswerAuthor.CUSTOMER, need_words(tracker))
        dispatcher.utter_message(response="utter_case_continued", ticket_number=ticket.number)
        return Case(case.step, ticket)
    channel = channel_of(tracker)
    words = tracker.get_slot("need_text") or ""
    ticket = await desk.open_ticket(
        customer_id=customer_id,
        service_number=service_number,
        category=category,
        subject=subject,
        description=ticket_description(channel, words),
        channel=channel,
        customer_words=words,
    )
    for note in new_case_notes(category, status):
        ticket = await desk.add_answer(ticket.number, AnswerAuthor.BOT, ticket_note(note))
    return Case(CaseStep.OPEN, ticket)
