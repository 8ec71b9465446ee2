"""Follow-ups after a bill (play-test, issue 10): each is answered, not replayed from an earlier answer.

"¿Hasta cuándo dura la promo?" gets the promotion's end (not the due date), and
"¿cuánto pagué el mes pasado?" the payments on record (not the ways to pay, nor a
payment report), only after the second factor like all account data.
"""
from __future__ import annotations

import pytest
from rasa_sdk import Tracker

from actions.billing import ActionBilling
from bot.billing.port import PaymentMethod
from bot.language.es.billing import (
    PAYMENT_METHOD_NAMES,
    PAYMENTS,
    PROMOTION_END,
    asks_payments_made,
    bill_part_asked,
    reports_payment,
)
from bot.wiring import Services
from tests.actions.conftest import run_action
from tests.actions.demo_services import demo_services  # noqa: F401 (fixture)
from tests.actions.test_billing import AMOUNT, GABRIELA, MARIA, identified, responses, shown, slots
from tests.support.ports import Blocking

DIEGO = "3345678"  # 1008: a 25% promotion still valid, missing from the latest invoice


@pytest.mark.parametrize(
    "text",
    ["¿hasta cuándo dura la promo?", "y hasta cuando me dura el descuento?", "cuándo vence la promoción?",
     "¿cuánto tiempo más tengo la oferta?", "hasta que fecha es la bonificacion?"],
)
def test_a_question_about_the_promotion_s_end_is_no_due_date_question(text):
    assert bill_part_asked(text) == PROMOTION_END


@pytest.mark.parametrize("text, part", [("¿y cuándo vence?", "due_date"), ("hasta cuando pago?", "due_date"),
                                        ("¿cuánto es con el descuento?", "promotion")])
def test_the_other_parts_are_still_read_as_before(text, part):
    assert bill_part_asked(text) == part


@pytest.mark.parametrize(
    "text",
    ["¿cuánto pagué el mes pasado?", "cuanto pague el mes pasado", "y cuánto les pagué en octubre?",
     "¿cuál fue mi último pago?", "quiero ver mis pagos", "¿les llegó mi pago?"],
)
def test_a_question_about_payments_made_is_no_payment_report(text):
    assert asks_payments_made(text) and not reports_payment(text)


def test_a_question_after_the_bill_asks_for_the_payments():
    assert bill_part_asked("¿cuánto pagué el mes pasado?") == PAYMENTS


@pytest.mark.parametrize("text", ["ya pagué el mes pasado", "pagué ayer 150.000", "ya pagué, y me cortaron"])
def test_a_payment_made_is_still_a_report(text):
    assert reports_payment(text)


def test_every_payment_method_has_words():
    assert set(PAYMENT_METHOD_NAMES) == {method.value for method in PaymentMethod}


def _follow_up(services: Services, document_id: str, service: str, text: str, part: str | None) -> Tracker:
    tracker = identified(services, document_id, service, "billing_balance", "cuánto debo", factors=2.0)
    tracker.slots["bill_part"] = part
    tracker.latest_message = {"text": text, "intent": {"name": "sales_inquiry"}, "entities": []}
    return tracker


def test_how_long_the_promotion_lasts_is_its_end_not_the_due_date(demo_services: Services) -> None:  # noqa: F811
    tracker = _follow_up(demo_services, GABRIELA, "1009", "¿hasta cuándo dura la promo?", PROMOTION_END)
    messages, events = run_action(ActionBilling(), tracker)
    assert responses(messages) == ["utter_billing_promotion_ends", "utter_anything_else"]
    assert messages[0]["ends_on"] and messages[0]["price_after"] == "300.000 PYG"
    assert slots(events)["bill_part"] is None


def test_a_promotion_left_off_the_bill_still_has_its_end(demo_services: Services) -> None:  # noqa: F811
    tracker = _follow_up(demo_services, DIEGO, "1008", "¿hasta cuándo es la promo?", PROMOTION_END)
    messages, _ = run_action(ActionBilling(), tracker)
    assert responses(messages)[0] == "utter_billing_promotion_ends"


def test_no_promotion_is_said_so(demo_services: Services) -> None:  # noqa: F811
    tracker = _follow_up(demo_services, MARIA, "1001", "¿hasta cuándo dura la promo?", PROMOTION_END)
    messages, _ = run_action(ActionBilling(), tracker)
    assert responses(messages)[0] == "utter_bill_part_missing_promotion"


def _payments_said(messages):
    return [m for m in messages if m["response"].startswith("utter_payments_made_item")]


@pytest.mark.parametrize("intent", ["billing_payment", "billing_balance"])
def test_how_much_was_paid_is_the_payments_on_record(demo_services: Services, intent) -> None:  # noqa: F811
    """As the need itself (NLU: billing_payment): the payments, no ways to pay, no report ticket."""
    text = "¿cuánto pagué el mes pasado?"
    tracker = identified(demo_services, MARIA, "1001", intent, text, factors=2.0)
    messages, events = run_action(ActionBilling(), tracker)
    said = responses(messages)
    assert said[0] == "utter_payments_made_heading" and said[-1] == "utter_anything_else"
    assert "utter_payment_methods_heading" not in said and "ticket_number" not in slots(events)
    expected = Blocking(demo_services.billing).payments(1001, limit=3)
    assert len(_payments_said(messages)) == len(expected) > 0
    first = _payments_said(messages)[0]
    assert AMOUNT.search(first["amount"]) and first["description"] in PAYMENT_METHOD_NAMES.values()


def test_how_much_was_paid_as_a_follow_up(demo_services: Services) -> None:  # noqa: F811
    tracker = _follow_up(demo_services, MARIA, "1001", "¿cuánto pagué el mes pasado?", PAYMENTS)
    messages, _ = run_action(ActionBilling(), tracker)
    assert responses(messages)[0] == "utter_payments_made_heading" and _payments_said(messages)


def test_the_payments_need_the_second_factor(demo_services: Services) -> None:  # noqa: F811
    tracker = identified(demo_services, MARIA, "1001", "billing_payment", "¿cuánto pagué el mes pasado?", 1.0)
    messages, _ = run_action(ActionBilling(), tracker)
    assert responses(messages) == ["utter_billing_not_verified"] and not AMOUNT.search(shown(messages))
