"""Billing actions on a real demo database: nothing of the account before two factors, claims into tickets."""
from __future__ import annotations

import asyncio
import re
from decimal import Decimal

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.billing import ActionAskBillingSecondFactor, ActionBilling, ValidateBillingVerificationForm
from actions.fallback import ActionHandleFallback
from actions.routing import ActionRouteNeed
from bot.ports.tickets import TicketKind, TicketStatus
from bot.wiring import Services
from tests.actions.conftest import load_tracker, run_action
from tests.actions.demo_services import demo_customer_id, demo_services  # noqa: F401 (fixture)
from tests.support.ports import Blocking

MARIA, PEDRO, LUCIA, GABRIELA, ANA = "4123567", "2876543", "5012346", "6123789", "5234871"
BILLING_INTENTS = ("billing_balance", "billing_charge_dispute", "billing_payment")
AMOUNT = re.compile(r"\d{1,3}(?:\.\d{3})+ PYG")
VERIFIED = {"billing_second_factor": "verified", "identity_factors": 2.0}


def responses(messages):
    return [message["response"] for message in messages]


def slots(events):
    return {event["name"]: event["value"] for event in events if event["event"] == "slot"}


def shown(messages) -> str:
    """Every value the responses would show the customer."""
    return " ".join(str(value) for message in messages for value in message.values() if value)


def identified(services: Services, document_id: str, service: str, intent: str, text: str, factors: float):
    tracker: Tracker = load_tracker("identified_customer_states_need")
    tracker.slots.update(
        customer_id=demo_customer_id(services, document_id), service_number=service,
        need_intent=intent, need_text=text, identity_factors=factors,
    )
    tracker.events[3] = {**tracker.events[3], "text": text,
                         "parse_data": {"intent": {"name": intent}, "entities": []}}
    return tracker


def test_one_factor_is_sent_to_the_second_factor_question_for_every_billing_need(
    demo_services: Services,  # noqa: F811
) -> None:
    for intent in BILLING_INTENTS:
        tracker = identified(demo_services, MARIA, "1001", intent, "cuánto debo", factors=1.0)
        messages, events = run_action(ActionRouteNeed(), tracker)
        assert messages == [] and slots(events) == {"route": "verify"}, intent


def test_the_billing_action_itself_shows_nothing_without_two_factors(demo_services: Services) -> None:  # noqa: F811
    for intent in BILLING_INTENTS:
        tracker = identified(demo_services, MARIA, "1001", intent, "cuánto debo", factors=1.0)
        messages, events = run_action(ActionBilling(), tracker)
        assert responses(messages) == ["utter_billing_not_verified"], intent
        assert not AMOUNT.search(shown(messages)) and slots(events)["offered_human"] is True


def _second_factor(tracker: Tracker, answer: str):
    dispatcher = CollectingDispatcher()
    form = ValidateBillingVerificationForm()
    slots_set = asyncio.run(form.validate_billing_second_factor(answer, dispatcher, tracker, {}))
    return responses(dispatcher.messages), slots_set


def test_a_question_back_or_a_photo_is_no_wrong_second_factor(demo_services: Services) -> None:  # noqa: F811
    tracker = identified(demo_services, MARIA, "1001", "billing_balance", "cuánto debo", factors=1.0)
    assert _second_factor(tracker, "y para que queres eso?") == (
        ["utter_billing_second_factor_why"], {"billing_second_factor": None}
    )
    for answer in ("eh?", "", "  "):
        assert _second_factor(tracker, answer) == (
            ["utter_billing_second_factor_needed"], {"billing_second_factor": None}
        ), answer
    # A wrong ID is a try; the second ends the form (a person is offered).
    said, slots_set = _second_factor(tracker, "1234567")
    assert said == ["utter_billing_second_factor_wrong"] and slots_set["billing_second_factor_tries"] == 1.0
    tracker.slots["billing_second_factor_tries"] = 1.0
    assert _second_factor(tracker, "no se")[1]["billing_second_factor"] == "not_verified"
    assert _second_factor(tracker, MARIA)[1] == {"billing_second_factor": "verified", "identity_factors": 2.0}


def test_another_service_number_to_the_second_factor_question_identifies_that_account(
    demo_services: Services,  # noqa: F811
) -> None:
    # The customer gave Ana's service by mistake; asked for the second factor, she corrects it.
    tracker = identified(demo_services, ANA, "1006", "billing_charge_dispute", "me cobraron dos veces", 1.0)
    said, slots_set = _second_factor(tracker, "no perdon me equivoque, el mio es el 1007, soy lucia")
    assert said == ["utter_identified"]  # "Gracias, Lucía. Ya encontré su cuenta."
    assert slots_set["customer_id"] == demo_customer_id(demo_services, LUCIA)
    assert slots_set["service_number"] == "1007" and slots_set["identity_factors"] == 1.0
    # No try counted; the question is asked again, of her account, and her ID verifies her.
    assert slots_set["billing_second_factor"] is None and slots_set["billing_second_factor_tries"] is None
    assert slots_set["contact_confirmed"] is None
    tracker.slots.update({name: value for name, value in slots_set.items() if name != "contact_confirmed"})
    assert _second_factor(tracker, LUCIA)[1] == {"billing_second_factor": "verified", "identity_factors": 2.0}

    # The service number already identified, written again, is no correction.
    tracker = identified(demo_services, ANA, "1006", "billing_charge_dispute", "me cobraron dos veces", 1.0)
    assert "customer_id" not in _second_factor(tracker, "1006")[1]


def test_the_identifier_that_found_the_account_is_no_second_factor_nor_a_wrong_one(
    demo_services: Services,  # noqa: F811
) -> None:
    """Play-test c29: "mi ci es 4123567", then the ID again was answered "no coincide" and counted."""
    said = "cuanto debo? mi ci es 4123567"
    tracker = identified(demo_services, MARIA, "1001", "billing_balance", said, 1.0)
    tracker.slots["identity_factor_kinds"] = ["document_id"]
    assert _second_factor(tracker, "4123567 te puse arriba") == (
        ["utter_billing_second_factor_already_used"], {"billing_second_factor": None}  # no try counted
    )
    messages, _ = run_action(ActionAskBillingSecondFactor(), tracker)
    assert responses(messages) == ["utter_ask_billing_second_factor_phone"]  # the other one, by name
    assert _second_factor(tracker, "0981 234567")[1] == VERIFIED
    # Found by the phone: the ID is asked for, and the phone again is already used.
    tracker.slots["identity_factor_kinds"] = ["phone"]
    assert responses(run_action(ActionAskBillingSecondFactor(), tracker)[0]) == [
        "utter_ask_billing_second_factor_document_id"
    ]
    assert _second_factor(tracker, "0981234567")[0] == ["utter_billing_second_factor_already_used"]
    # A wrong ID, the factor missing known: "no coincide", then the question naming it.
    said, slots_set = _second_factor(tracker, "1234567")
    assert said == ["utter_billing_second_factor_wrong_one"]
    assert slots_set["billing_second_factor_tries"] == 1.0


def test_an_identifier_written_earlier_but_not_used_is_a_second_factor(demo_services: Services) -> None:  # noqa: F811
    """Play-test c28: the phone typed while billing was refused, then asked again, was refused as
    "given before"; only what found the account (here the service number) does not count."""
    tracker = identified(demo_services, MARIA, "1001", "billing_payment", "ya pagué, servicio 1001", 1.0)
    tracker.slots["identity_factor_kinds"] = ["service_number"]
    earlier = {"event": "user", "text": "no. mi telefono es 0981 234567",
               "parse_data": {"intent": {"name": "inform"}}}
    tracker.events.insert(2, earlier)
    messages, _ = run_action(ActionAskBillingSecondFactor(), tracker)
    assert responses(messages) == ["utter_ask_billing_second_factor"]  # either will do
    assert _second_factor(tracker, "0981 234567")[1] == VERIFIED
    assert _second_factor(tracker, "1001")[0] == ["utter_billing_second_factor_wrong"]  # no service number


def test_emoji_or_junk_to_the_second_factor_question_is_no_try(demo_services: Services) -> None:  # noqa: F811
    tracker = identified(demo_services, MARIA, "1001", "billing_balance", "cuánto debo", factors=1.0)
    for text, response in (("😡😡", "utter_input_no_words"), ("\x9a\x85\ufffd\ufffd", "utter_input_binary")):
        tracker.latest_message = {"text": text, "intent": {"name": "nlu_fallback"}}
        assert _second_factor(tracker, text) == ([response], {"billing_second_factor": None})


def test_two_factors_see_the_balance_and_the_invoice(demo_services: Services) -> None:  # noqa: F811
    tracker = identified(demo_services, MARIA, "1001", "billing_balance", "cuánto debo", factors=2.0)
    messages, _ = run_action(ActionBilling(), tracker)
    expected = ["utter_billing_owed", "utter_invoice_heading", "utter_invoice_line_plan"]
    assert responses(messages)[:3] == expected
    assert messages[0]["amount"] == "220.000 PYG"
    assert responses(messages)[-1] == "utter_anything_else"


def test_a_duplicate_charge_opens_one_recalculation_ticket(demo_services: Services) -> None:  # noqa: F811
    text = "me cobraron dos veces el plan"
    tracker = identified(demo_services, LUCIA, "1007", "billing_charge_dispute", text, factors=2.0)
    messages, events = run_action(ActionBilling(), tracker)
    assert responses(messages)[:2] == ["utter_undue_duplicate", "utter_recalculation_requested"]
    ticket = Blocking(demo_services.tickets).get(slots(events)["ticket_number"])
    assert ticket.kind is TicketKind.RECALCULATION_AND_CREDIT and ticket.amount == Decimal("150000")
    # The billing clerk reads what to do on the ticket, in words.
    [note] = [answer.body for answer in ticket.answers]
    assert "cargo duplicado" in note and "150.000 PYG" in note and ticket.invoice_number in note

    again, events = run_action(ActionBilling(), tracker)
    assert responses(again)[0] == "utter_recalculation_already_requested"
    assert slots(events)["ticket_number"] == ticket.number


def stated_now(tracker: Tracker) -> Tracker:
    """The need stated in the latest message (a customer identified earlier in the conversation)."""
    tracker.latest_message = tracker.events[3]
    return tracker


def _claim_words_on_the_ticket(services: Services, tracker: Tracker) -> str | None:
    _, events = run_action(ActionBilling(), tracker)
    ticket = Blocking(services.tickets).get(slots(events)["ticket_number"])
    Blocking(services.tickets).update(ticket.number, status=TicketStatus.CLOSED)  # the next claim is new
    return ticket.customer_words


def test_a_claim_keeps_the_customers_words_each_once_and_no_bare_yes(demo_services: Services) -> None:  # noqa: F811
    text = "me cobraron dos veces el plan"
    # Routed once the contact details were confirmed ("sí, son correctos"): the need alone.
    tracker = identified(demo_services, LUCIA, "1007", "billing_charge_dispute", text, factors=2.0)
    assert _claim_words_on_the_ticket(demo_services, tracker) == text

    # A confirmation that carries a number (an invoice, an amount) is kept with the need.
    tracker = identified(demo_services, LUCIA, "1007", "billing_charge_dispute", text, factors=2.0)
    tracker.latest_message = {**tracker.latest_message, "text": "sí, es la factura F-2026-000123"}
    assert _claim_words_on_the_ticket(demo_services, tracker) == f"{text} sí, es la factura F-2026-000123"

    # Stated in the turn it is routed: triage's words already end with it.
    tracker = stated_now(identified(demo_services, LUCIA, "1007", "billing_charge_dispute", text, 2.0))
    tracker.slots["need_text"] = f"hola / {text}"  # triage keeps the latest messages with content
    assert _claim_words_on_the_ticket(demo_services, tracker) == f"hola / {text}"


def test_a_right_invoice_is_explained_and_a_person_offered_without_a_ticket(
    demo_services: Services,  # noqa: F811
) -> None:
    text = "me cobraron la instalación"
    tracker = identified(demo_services, GABRIELA, "1009", "billing_charge_dispute", text, factors=2.0)
    messages, events = run_action(ActionBilling(), tracker)
    assert "utter_invoice_line_installation" in responses(messages)
    assert responses(messages)[-1] == "utter_billing_charges_correct"
    assert slots(events)["offered_human"] is True and "ticket_number" not in slots(events)


def test_a_payment_report_is_a_ticket_with_the_amount_and_the_receipt(demo_services: Services) -> None:  # noqa: F811
    text = "ya pagué 150.000 por transferencia"
    tracker = identified(demo_services, PEDRO, "1004", "billing_payment", text, factors=2.0)
    receipt = {"kind": "photo", "file_id": "AgAD-receipt"}
    tracker.events[3] = {**tracker.events[3], "metadata": {"attachments": [receipt]}}
    messages, events = run_action(ActionBilling(), tracker)
    assert responses(messages)[:2] == [
        "utter_payment_report_recorded_suspended", "utter_payment_report_receipt_received"
    ]
    ticket = Blocking(demo_services.tickets).get(slots(events)["ticket_number"])
    assert ticket.kind is TicketKind.PAYMENT_REPORT and ticket.amount == Decimal("150000")
    assert ticket.diagnostics["attachments"] == [receipt]
    [note] = [answer.body for answer in ticket.answers]
    assert "ya pagó 150.000 PYG" in note and "comprobante adjunto" in note


def test_a_report_without_a_receipt_asks_for_it_and_a_photo_sent_next_is_attached(
    demo_services: Services,  # noqa: F811
) -> None:
    tracker = identified(demo_services, MARIA, "1001", "billing_payment", "ya pagué ayer", factors=2.0)
    messages, events = run_action(ActionBilling(), tracker)
    assert responses(messages)[:2] == ["utter_payment_report_recorded", "utter_payment_report_ask_receipt"]
    number = slots(events)["ticket_number"]

    # The photo arrives as unreadable content with the file in the metadata (channels/messaging).
    receipt = {"kind": "photo", "file_id": "AgAD-later"}
    photo = {"event": "user", "text": "\ufffd", "metadata": {"attachments": [receipt]},
             "parse_data": {"intent": {"name": "nlu_fallback"}, "entities": [], "input_problem": "binary"}}
    tracker.events.append(photo)
    tracker.latest_message = photo
    messages, events = run_action(ActionHandleFallback(), tracker)
    assert responses(messages)[:1] == ["utter_payment_report_receipt_received"]
    ticket = Blocking(demo_services.tickets).get(number)
    assert ticket.diagnostics["attachments"] == [receipt]
    assert "envió el comprobante" in ticket.answers[-1].body

    # Without an open payment report, a photo is still "no puedo leer" (the fallback's own answer).
    Blocking(demo_services.tickets).update(number, status="closed")
    messages, _ = run_action(ActionHandleFallback(), tracker)
    assert "utter_payment_report_receipt_received" not in responses(messages)


@pytest.mark.parametrize(
    "first",
    [
        "ya pagué",
        "ya pagué, servicio 1004 ci 2.876.543",
        "ya pague 2876543",
        "pagué por giros, cel 0981 303 404",
    ],
)
def test_the_amount_said_in_a_second_report_goes_on_the_open_one(
    demo_services: Services, first: str  # noqa: F811
) -> None:
    # An ID or a phone written with the report is no amount paid (play-test: the CI was recorded).
    tracker = identified(demo_services, PEDRO, "1004", "billing_payment", first, factors=2.0)
    _, events = run_action(ActionBilling(), tracker)
    number = slots(events)["ticket_number"]
    assert Blocking(demo_services.tickets).get(number).amount is None

    again = "ya les dije que pagué 150.000 por giros"
    tracker = stated_now(identified(demo_services, PEDRO, "1004", "billing_payment", again, factors=2.0))
    _, events = run_action(ActionBilling(), tracker)
    ticket = Blocking(demo_services.tickets).get(number)
    assert slots(events)["ticket_number"] == number and ticket.amount == Decimal("150000")
    assert [a.body for a in ticket.answers[-2:]] == [
        again, "El cliente indica el monto del pago avisado: 150.000 PYG."
    ]

    # An amount already on the report stays: a third one is only the customer's words on it.
    third = "pagué por transferencia 200.000"
    tracker = stated_now(identified(demo_services, PEDRO, "1004", "billing_payment", third, factors=2.0))
    run_action(ActionBilling(), tracker)
    ticket = Blocking(demo_services.tickets).get(number)
    assert ticket.amount == Decimal("150000") and ticket.answers[-1].body == third


def test_a_receipt_sent_with_a_second_report_joins_the_open_one(demo_services: Services) -> None:  # noqa: F811
    tracker = identified(demo_services, PEDRO, "1004", "billing_payment", "ya pagué 150.000", factors=2.0)
    first = {"kind": "photo", "file_id": "AgAD-first"}
    tracker.events[3] = {**tracker.events[3], "metadata": {"attachments": [first]}}
    _, events = run_action(ActionBilling(), tracker)
    number = slots(events)["ticket_number"]

    second = {"kind": "photo", "file_id": "AgAD-second"}
    tracker.events[3] = {**tracker.events[3], "metadata": {"attachments": [first, second]}}
    messages, events = run_action(ActionBilling(), tracker)
    assert slots(events)["ticket_number"] == number  # the same report, not a second ticket
    assert "utter_payment_report_receipt_received" in responses(messages)
    assert Blocking(demo_services.tickets).get(number).diagnostics["attachments"] == [first, second]


def test_a_receipt_sent_before_identification_goes_on_the_report_made_after(
    demo_services: Services,  # noqa: F811
) -> None:
    # Issue 10, class 5: the photo first, then a long identification, then "ya pagué".
    receipt = {"kind": "photo", "file_id": "AgAD-before"}
    photo = {"event": "user", "text": "\ufffd", "metadata": {"attachments": [receipt]},
             "parse_data": {"intent": {"name": "nlu_fallback"}, "entities": []}}
    tracker = identified(demo_services, PEDRO, "1004", "billing_payment", "ya pagué 150.000", factors=2.0)
    turns = [{"event": "user", "text": f"respuesta {n}", "parse_data": {"intent": {"name": "inform"}}}
             for n in range(6)]
    not_readable = {"event": "bot", "text": "…", "metadata": {"utter_action": "utter_input_binary"}}
    tracker.events[1:1] = [photo, not_readable, *turns]

    messages, events = run_action(ActionBilling(), tracker)

    assert "utter_payment_report_receipt_received" in responses(messages)
    ticket = Blocking(demo_services.tickets).get(slots(events)["ticket_number"])
    assert ticket.diagnostics["attachments"] == [receipt]


def test_a_receipt_already_taken_by_a_report_is_not_taken_again(demo_services: Services) -> None:  # noqa: F811
    receipt = {"kind": "photo", "file_id": "AgAD-taken"}
    tracker = identified(demo_services, MARIA, "1001", "billing_payment", "ya pagué", factors=2.0)
    tracker.events[3] = {**tracker.events[3], "metadata": {"attachments": [receipt]}}
    recorded = {"event": "bot", "text": "…", "metadata": {"utter_action": "utter_payment_report_recorded"}}
    tracker.events.insert(4, recorded)
    _, events = run_action(ActionBilling(), tracker)
    ticket = Blocking(demo_services.tickets).get(slots(events)["ticket_number"])
    assert not (ticket.diagnostics or {}).get("attachments")
