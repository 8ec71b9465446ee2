"""Billing (DESIGN §2.6): the balance and the bill explained, claims checked, payments and how to pay.

Every answer here shows account data, so it runs only for a customer verified
by two factors (`billing_verification_form` asks for the second one; the
action checks again). The reasoning is in `bot/billing/` (review, disputes,
replies); this module reads the tracker, calls it, opens the ticket a claim or
a payment report needs, and utters what `bot.billing.replies` lists.
"""
from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.forms import ProtocolFormValidationAction
from actions.shared import (
    another_account_named,
    answer_input_problem,
    anything_else,
    factor_kinds,
    identify_again,
    latest_text,
    need_and_latest_words,
    open_request,
    second_factor_answer,
    services,
    user_events_with_the_bot,
    utter,
    verified_customer,
)
from bot.billing.disputes import RECALCULATION_AND_CREDIT, ticket_facts, total_undue
from bot.billing.replies import (
    balance_replies,
    invoice_replies,
    part_replies,
    payments_replies,
    promotion_replies,
    undue_replies,
)
from bot.billing.review import Review, review_claim
from bot.language.es.amounts import amounts_in
from bot.language.es.billing import (
    DUE_DATE,
    PAYMENTS,
    asks_payments_made,
    charges_named,
    invoice_number_in,
    reports_payment,
)
from bot.language.es.formatting import day_and_month, money
from bot.language.es.questions import asks_to_repeat, asks_why
from bot.locale import ticket_note, undue_kind_name
from bot.ports.customers import ServiceStatus
from bot.ports.tickets import AnswerAuthor, TicketCategory, TicketKind, TicketRecord
from bot.reception.identification import (
    STRONG_KINDS,
    ClaimKind,
    SecondFactor,
    factor_still_missing,
    parse_claim,
    without_named_identifiers,
)

# Wrong answers to the second-factor question before a person is offered instead.
MAX_SECOND_FACTOR_TRIES = 2
# The second factor asked for by name, when the other one found the account.
_SECOND_FACTOR_QUESTIONS = {
    ClaimKind.PHONE: "utter_ask_billing_second_factor_phone",
    ClaimKind.DOCUMENT_ID: "utter_ask_billing_second_factor_document_id",
}


def verified_twice(tracker: Tracker) -> bool:
    """Identified by two independent factors: only then is account data shown."""
    return bool(tracker.get_slot("customer_id")) and float(tracker.get_slot("identity_factors") or 0) >= 2


def _currency() -> str:
    return services().company.currency


def _today() -> date:
    return datetime.now(services().company.tzinfo).date()


def _claim_words(tracker: Tracker) -> str:
    """What the customer said about the bill: the need's words and the latest message, each once."""
    return need_and_latest_words(tracker)


def _offer_a_person(dispatcher: CollectingDispatcher, response: str) -> List[EventType]:
    dispatcher.utter_message(response=response)
    return [SlotSet("offered_human", True)]  # "sí" reaches the billing team (data/rules/fallback.yml)


class ValidateBillingVerificationForm(ProtocolFormValidationAction):
    """The second factor a billing answer needs: the ID or the phone on file."""

    # Any answer counts ("sí", "no sé" included): two without the factor end in the offer of a person.
    free_text_slots = {"billing_second_factor": frozenset()}

    def name(self) -> str:
        return "validate_billing_verification_form"

    async def validate_billing_second_factor(
        self,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> Dict[str, Any]:
        answer = str(slot_value or "")
        corrected = another_account_named(tracker, answer)
        if corrected is not None:
            # "No perdón, me equivoqué, el mío es el 1007" (play-test: counted as a wrong factor, and
            # the ticket that followed went on the account given by mistake): identified afresh,
            # no try counted, the second factor then asked of that account.
            slots = await identify_again(dispatcher, tracker, corrected)
            return {**slots, "billing_second_factor": None, "billing_second_factor_tries": None}
        factor = await second_factor_answer(tracker, answer)
        if factor is SecondFactor.CONFIRMS:
            return {"billing_second_factor": "verified", "identity_factors": 2.0}
        if factor is SecondFactor.ALREADY_USED:
            # The identifier that found the account, written again: right, but no second factor.
            # No try counted; the question that follows names the other one.
            dispatcher.utter_message(response="utter_billing_second_factor_already_used")
            return {"billing_second_factor": None}
        if not answer.strip() or asks_why(answer) or asks_to_repeat(answer):
            # A photo, "¿para qué?" or "eh?" is no wrong answer: the reason or the question again,
            # and no try counted (the play-test's customer lost both tries asking why).
            why = asks_why(answer)
            dispatcher.utter_message(
                response="utter_billing_second_factor_why" if why else "utter_billing_second_factor_needed"
            )
            return {"billing_second_factor": None}
        if answer_input_problem(dispatcher, tracker):  # emoji only, unreadable: no answer, no try
            return {"billing_second_factor": None}
        tries = int(tracker.get_slot("billing_second_factor_tries") or 0) + 1
        if tries >= MAX_SECOND_FACTOR_TRIES:
            # Given up: the form ends, and action_billing offers a person (nothing is shown).
            return {"billing_second_factor": "not_verified", "billing_second_factor_tries": float(tries)}
        gave_one = parse_claim(answer, services().company.country).kind in STRONG_KINDS
        # When the factor missing is known, the question that follows names it.
        wrong = "utter_billing_second_factor_wrong_one" if factor_still_missing(factor_kinds(tracker)) else (
            "utter_billing_second_factor_wrong"
        )
        dispatcher.utter_message(response=wrong if gave_one else "utter_billing_second_factor_needed")
        return {"billing_second_factor": None, "billing_second_factor_tries": float(tries)}


class ActionAskBillingSecondFactor(Action):
    """Asks for the second factor: by name when the other one found the account."""

    def name(self) -> str:
        return "action_ask_billing_second_factor"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        missing = factor_still_missing(factor_kinds(tracker))
        question = "utter_ask_billing_second_factor"  # either the ID or the phone
        if missing is not None:
            question = _SECOND_FACTOR_QUESTIONS.get(missing, question)
        dispatcher.utter_message(response=question)
        return []


class ActionBilling(Action):
    """Answers the billing need triaged: balance, a claim about a charge, or paying."""

    def name(self) -> str:
        return "action_billing"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        done: List[EventType] = [
            SlotSet("billing_second_factor", None),
            SlotSet("billing_second_factor_tries", None),
            SlotSet("bill_part", None),
        ]
        if not verified_twice(tracker):
            return [*done, *_offer_a_person(dispatcher, "utter_billing_not_verified")]
        number = int(tracker.get_slot("service_number"))
        intent, part = tracker.get_slot("need_intent"), tracker.get_slot("bill_part")
        if part == PAYMENTS or (not part and _asks_payments_made(tracker)):
            # "¿Cuánto pagué el mes pasado?": the payments on record, not the ways to pay nor a
            # payment report (play-test), whatever NLU read.
            events = await _payments_made(dispatcher, tracker, number)
        elif part:
            events = await _part_of_the_bill(dispatcher, tracker, number, part)
        elif intent == "billing_charge_dispute":
            events = await _claim(dispatcher, tracker, number)
        elif intent == "billing_payment":
            events = await _payment(dispatcher, tracker, number)
        else:
            events = await _balance(dispatcher, tracker, number)
        return [*done, SlotSet("need_intent", None), *events]


async def _balance(dispatcher: CollectingDispatcher, tracker: Tracker, number: int) -> List[EventType]:
    ledger, terms, today = services().billing, services().billing_terms, _today()
    balance = await ledger.balance(number, today)
    review = await review_claim(ledger, number)
    if balance is None or review is None:
        return _offer_a_person(dispatcher, "utter_billing_unavailable")
    utter(dispatcher, balance_replies(balance, terms))
    if review.latest is not None:
        utter(dispatcher, invoice_replies(review.latest, review.contract))
    utter(dispatcher, promotion_replies(review.contract, today))
    if review.charges:
        # Seed 001: do not wait for the customer to find it; an undue charge is claimed for them.
        return await _request_recalculation(dispatcher, tracker, number, review)
    return anything_else(dispatcher, tracker)


def _asks_payments_made(tracker: Tracker) -> bool:
    """The need's words ask about the payments made, and report none ("ya pagué" is a report)."""
    words = _claim_words(tracker)
    return asks_payments_made(words) and not reports_payment(words)


# How many of the latest payments answer "¿cuánto pagué?" (the month before and some more).
_PAYMENTS_SHOWN = 3


async def _payments_made(dispatcher: CollectingDispatcher, tracker: Tracker, number: int) -> List[EventType]:
    """The latest payments on record, newest first: when, how much, how, for which invoice."""
    contract = await services().billing.contract(number)
    if contract is None:
        return _offer_a_person(dispatcher, "utter_billing_unavailable")
    payments = await services().billing.payments(number, limit=_PAYMENTS_SHOWN)
    utter(dispatcher, payments_replies(payments, contract.currency))
    return anything_else(dispatcher, tracker)


async def _part_of_the_bill(
    dispatcher: CollectingDispatcher, tracker: Tracker, number: int, part: str
) -> List[EventType]:
    """A follow-up about one part of the bill explained: that part of the same answer, not all of it."""
    ledger, terms, today = services().billing, services().billing_terms, _today()
    words = latest_text(tracker)
    # The invoice that has the charge asked about ("la instalación": the first one), as for a claim.
    review = await review_claim(ledger, number, invoice_number_in(words), charges_named(words))
    balance = await ledger.balance(number, today)
    if balance is None or review is None:
        return _offer_a_person(dispatcher, "utter_billing_unavailable")
    invoice = review.latest if part == DUE_DATE else review.invoice
    replies = [
        *balance_replies(balance, terms),
        *(invoice_replies(invoice, review.contract) if invoice is not None else []),
        *promotion_replies(review.contract, today),
    ]
    utter(dispatcher, part_replies(part, replies, older_invoice=invoice is not review.latest))
    return anything_else(dispatcher, tracker)


async def _claim(dispatcher: CollectingDispatcher, tracker: Tracker, number: int) -> List[EventType]:
    words = _claim_words(tracker)
    review = await review_claim(services().billing, number, invoice_number_in(words), charges_named(words))
    if review is None or review.invoice is None:
        return _offer_a_person(dispatcher, "utter_billing_no_invoice")
    if not review.charges:
        # Right by the contract: explained line by line; a person may still look at it.
        utter(dispatcher, invoice_replies(review.invoice, review.contract))
        utter(dispatcher, promotion_replies(review.contract, _today()))
        return _offer_a_person(dispatcher, "utter_billing_charges_correct")
    return await _request_recalculation(dispatcher, tracker, number, review)


async def _request_recalculation(
    dispatcher: CollectingDispatcher, tracker: Tracker, number: int, review: Review
) -> List[EventType]:
    """The undue charges told, and a recálculo y abono requested on a billing ticket (one per invoice)."""
    invoice, currency = review.invoice, review.contract.currency
    if invoice is None or not review.charges:
        return anything_else(dispatcher, tracker)
    desk, customer_id = services().tickets, int(tracker.get_slot("customer_id"))
    open_claim = await _open_request(customer_id, number, TicketKind.RECALCULATION_AND_CREDIT)
    if open_claim is not None and open_claim.invoice_number == invoice.number:
        dispatcher.utter_message(
            response="utter_recalculation_already_requested",
            ticket_number=open_claim.number,
            invoice=invoice.number,
            resolve_by=_resolve_by_text(open_claim),
        )
        return [SlotSet("ticket_number", open_claim.number), *anything_else(dispatcher, tracker)]
    resolve_by = services().billing_terms.resolution_date(_today(), services().calendar)
    ticket = await open_request(
        tracker, TicketCategory.BILLING, TicketKind.RECALCULATION_AND_CREDIT, RECALCULATION_AND_CREDIT,
        _claim_words(tracker), number,
        amount=total_undue(review.charges),
        invoice_number=invoice.number,
        resolve_by=resolve_by,
        diagnostics=ticket_facts(review.charges, currency),
    )
    reasons = ", ".join(dict.fromkeys(undue_kind_name(charge.kind.value) for charge in review.charges))
    note = ticket_note(
        "recalculation_requested",
        invoice=invoice.number,
        reasons=reasons,
        amount=money(total_undue(review.charges), currency),
        resolve_by=day_and_month(resolve_by),
    )
    await desk.add_answer(ticket.number, AnswerAuthor.BOT, note)
    utter(dispatcher, undue_replies(review.charges, currency, ticket.number, resolve_by))
    return [SlotSet("ticket_number", ticket.number), *anything_else(dispatcher, tracker)]


async def _payment(dispatcher: CollectingDispatcher, tracker: Tracker, number: int) -> List[EventType]:
    ledger, terms = services().billing, services().billing_terms
    balance = await ledger.balance(number, _today())
    words = _claim_words(tracker)
    if reports_payment(words):
        suspended = balance is not None and balance.service_status is ServiceStatus.SUSPENDED
        return await _payment_report(dispatcher, tracker, number, words, suspended)
    dispatcher.utter_message(response="utter_payment_methods_heading")
    for method in terms.payment_methods:
        dispatcher.utter_message(response="utter_payment_method", name=method.name, details=method.details)
    if balance is not None:
        utter(dispatcher, balance_replies(balance, terms))
    return anything_else(dispatcher, tracker)


async def _payment_report(
    dispatcher: CollectingDispatcher, tracker: Tracker, number: int, words: str, suspended: bool
) -> List[EventType]:
    """"Ya pagué": the report, its amount and any receipt sent, on a ticket the billing team checks."""
    desk, customer_id = services().tickets, int(tracker.get_slot("customer_id"))
    report = _payment_report_text(tracker) or words
    amounts = await _amounts_paid(tracker, report, number)
    attachments = _attachments(tracker)
    existing = await _open_request(customer_id, number, TicketKind.PAYMENT_REPORT)
    if existing is not None:
        ticket = await desk.add_answer(existing.number, AnswerAuthor.CUSTOMER, words)
        if amounts and ticket.amount is None:  # the amount the first report did not say
            note = ticket_note("payment_amount_added", amount=money(amounts[0], _currency()))
            ticket = await desk.update(ticket.number, amount=amounts[0], notes=[note])
        if attachments:  # a receipt sent with the report again: kept with the first one
            ticket = await _with_attachments(ticket, attachments)
    else:
        ticket = await open_request(
            tracker, TicketCategory.BILLING, TicketKind.PAYMENT_REPORT, "payment_report", words, number,
            amount=amounts[0] if amounts else None,
            diagnostics={"attachments": attachments} if attachments else None,
        )
        written = money(amounts[0], _currency()) if amounts else None
        amount = ticket_note("payment_reported_amount", amount=written) if written else ""
        receipt = ticket_note("payment_reported_receipt") if attachments else ""
        await desk.add_answer(
            ticket.number, AnswerAuthor.BOT, ticket_note("payment_reported", amount=amount, receipt=receipt)
        )
    hours = str(services().billing_terms.reconnection_hours)
    response = "utter_payment_report_recorded_suspended" if suspended else "utter_payment_report_recorded"
    dispatcher.utter_message(response=response, ticket_number=ticket.number, reconnection_hours=hours)
    if attachments:
        dispatcher.utter_message(response="utter_payment_report_receipt_received")
    elif not (ticket.diagnostics or {}).get("attachments"):
        # The clerk confirms faster with the receipt; a photo sent next is added (attach_receipt).
        dispatcher.utter_message(response="utter_payment_report_ask_receipt")
    return [SlotSet("ticket_number", ticket.number), *anything_else(dispatcher, tracker)]


async def attach_receipt(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[EventType] | None:
    """A photo or file sent after "ya pagué" goes on the open payment report; None when there is none.

    Channels hand a file without words to Rasa as unreadable content, which
    would get "no puedo leer su mensaje": here it is the receipt the team needs.
    """
    files = _latest_attachments(tracker)
    customer_id, number = tracker.get_slot("customer_id"), tracker.get_slot("service_number")
    if not files or customer_id is None or number is None:
        return None
    ticket = await _open_request(int(customer_id), int(number), TicketKind.PAYMENT_REPORT)
    if ticket is None:
        return None
    await _with_attachments(ticket, files)
    await services().tickets.add_answer(ticket.number, AnswerAuthor.BOT, ticket_note("payment_receipt_added"))
    dispatcher.utter_message(response="utter_payment_report_receipt_received")
    return [SlotSet("ticket_number", ticket.number), *anything_else(dispatcher, tracker)]


async def _with_attachments(ticket: TicketRecord, files: List[Dict[str, Any]]) -> TicketRecord:
    """The ticket with `files` added to the attachments it has (none is added twice)."""
    kept = list((ticket.diagnostics or {}).get("attachments") or [])
    added = [file for file in files if file not in kept]
    if not added:
        return ticket
    return await services().tickets.update(ticket.number, diagnostics={"attachments": [*kept, *added]})


def _latest_attachments(tracker: Tracker) -> List[Dict[str, Any]]:
    events = user_events_with_the_bot(tracker)
    return list((events[-1].get("metadata") or {}).get("attachments") or []) if events else []


async def _amounts_paid(tracker: Tracker, report: str, number: int) -> List[Decimal]:
    """The amounts written with the report: not a day ("el 3"), nor the service number, an ID or a
    phone said with it (play-test: "ya pagué, servicio 1010 ci 1987456" recorded 1.987.456 paid)."""
    customer = await verified_customer(tracker)
    own_id = Decimal(re.sub(r"\D", "", customer.document_id) or "0") if customer else None
    return [
        amount for amount in amounts_in(without_named_identifiers(report))
        if amount >= 1000 and amount != number and amount != own_id
    ]


def _payment_report_text(tracker: Tracker) -> str | None:
    """The customer's latest message that reports the payment ("ya pagué ayer 150.000")."""
    for event in reversed(user_events_with_the_bot(tracker)):
        if reports_payment(event.get("text")):
            return str(event["text"])
    return None


# What the bot says when a payment report took the files sent until then.
_FILES_TAKEN = ("utter_payment_report_recorded", "utter_payment_report_receipt_received")


def _attachments(tracker: Tracker) -> List[Dict[str, Any]]:
    """The files (a receipt's photo) sent to the bot that no payment report has taken yet.

    Before identification too: a receipt sent first ("hola" + photo), then the
    identification, then "ya pagué" is that report's receipt, however many turns
    the identification took (the last five messages lost it; play-test).
    """
    found: List[Dict[str, Any]] = []
    for event in reversed(_events_with_the_bot(tracker)):
        if event.get("event") == "bot":
            if str((event.get("metadata") or {}).get("utter_action") or "").startswith(_FILES_TAKEN):
                break
        elif event.get("event") == "user":
            found = [*((event.get("metadata") or {}).get("attachments") or []), *found]
    return found


def _events_with_the_bot(tracker: Tracker) -> List[Dict[str, Any]]:
    """The conversation's events since a person last gave it back (as user_events_with_the_bot)."""
    events = tracker.events
    resumed = max((i for i, event in enumerate(events) if event.get("event") == "resume"), default=-1)
    return list(events[resumed + 1 :])


async def _open_request(customer_id: int, number: int, kind: TicketKind) -> TicketRecord | None:
    ticket = await services().tickets.find_open_ticket(customer_id, number, TicketCategory.BILLING)
    return ticket if ticket is not None and ticket.kind is kind else None


def _resolve_by_text(ticket: TicketRecord) -> str:
    return day_and_month(ticket.resolve_by) if ticket.resolve_by else ""

