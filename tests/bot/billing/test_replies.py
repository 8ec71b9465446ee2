"""What the assistant says about a bill: each case's response and formatted values, all in the domain."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from bot.billing.disputes import UndueCharge, UndueKind
from bot.billing.port import (
    Balance,
    Contract,
    ContractedExtra,
    Invoice,
    InvoiceLine,
    InvoiceStatus,
    LineKind,
    Payment,
    PaymentMethod,
    Plan,
    Promotion,
    PromotionScope,
)
from bot.billing.replies import (
    Reply,
    balance_replies,
    catalogue_replies,
    invoice_replies,
    part_replies,
    promotion_replies,
    undue_replies,
    upgrade_replies,
)
from bot.billing.terms import BillingTerms
from bot.billing.terms import PaymentMethod as WayToPay
from bot.ports.customers import ServiceStatus
from tests.bot.billing import records
from tests.bot.billing.records import line

D = Decimal
ROOT = Path(__file__).resolve().parents[3]
TERMS = BillingTerms(5, 24, (WayToPay("Efectivo", "En la oficina."),), ())
TODAY = date(2026, 11, 25)
NOVEMBER = (date(2026, 11, 1), date(2026, 11, 30))
HOGAR_50 = Plan("Hogar 50", 50, 25, D("110000"))
FIBRA_100 = Plan("Fibra 100", 100, 50, D("150000"))
FIBRA_300 = Plan("Fibra 300", 300, 150, D("220000"))
FIBRA_600 = Plan("Fibra 600", 600, 300, D("300000"))
CATALOGUE = [HOGAR_50, FIBRA_100, FIBRA_300, FIBRA_600]
FIXED_IP = ContractedExtra("IP fija", D("35000"), starts_on=date(2025, 3, 10))
PROMO = Promotion("Promo Verano", D("20"), date(2025, 1, 1), date(2027, 1, 31))


def domain_responses() -> dict[str, list[dict]]:
    """Every response of the domain files, by name."""
    found: dict[str, list[dict]] = {}
    for path in sorted((ROOT / "domain").glob("*.yml")):
        found.update((yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("responses") or {})
    return found


RESPONSES = domain_responses()


def contract(
    promotion: Promotion | None = PROMO,
    extras: tuple[ContractedExtra, ...] = (),
    installation_fee: Decimal | None = None,
) -> Contract:
    return records.contract(FIBRA_100, promotion, extras, installation_fee)


def invoice(*lines: InvoiceLine, status: InvoiceStatus = InvoiceStatus.PENDING) -> Invoice:
    return records.invoice(*lines, status=status)


PLAN_LINE = line(LineKind.PLAN, "150000", "Plan Fibra 100, noviembre")


def balance(
    owed: str = "0",
    overdue: str = "0",
    overdue_invoices: tuple[str, ...] = (),
    cutoff_on: date | None = None,
    status: ServiceStatus = ServiceStatus.ACTIVE,
    last_payment: Payment | None = None,
) -> Balance:
    owes = D(owed) > 0
    return Balance(
        service_number=1001,
        as_of=TODAY,
        service_status=status,
        amount_owed=D(owed),
        due_on=date(2026, 11, 21) if owes else None,
        cutoff_on=cutoff_on if owes else None,
        unpaid_invoices=("F-2026-000200",) if owes else (),
        overdue_invoices=overdue_invoices,
        overdue_amount=D(overdue),
        last_payment=last_payment,
        currency="PYG",
    )


PAYMENT = Payment(1001, D("220000"), date(2026, 10, 18), PaymentMethod.PAYMENT_NETWORK, "AP-1", None)


# --- balance -----------------------------------------------------------------------------


def test_nothing_owed_and_never_paid() -> None:
    assert balance_replies(balance(), TERMS) == [Reply("utter_billing_nothing_owed")]


def test_nothing_owed_says_the_last_payment() -> None:
    assert balance_replies(balance(last_payment=PAYMENT), TERMS) == [
        Reply(
            "utter_billing_nothing_owed_last_payment",
            {"amount": "220.000 PYG", "paid_on": "18 de octubre"},
        )
    ]


def test_owed_not_yet_due() -> None:
    [reply] = balance_replies(
        replace(balance("220000", cutoff_on=date(2026, 11, 26)), as_of=date(2026, 11, 10)), TERMS
    )

    assert reply.response == "utter_billing_owed"
    assert (reply.values["amount"], reply.values["due_on"]) == ("220.000 PYG", "21 de noviembre")
    assert reply.values["invoices"] == "F-2026-000200"  # the unpaid ones when none is overdue


def test_overdue_before_the_cutoff_says_until_when_it_can_be_paid() -> None:
    owed = balance("370000", "150000", ("F-2026-000150",), cutoff_on=date(2026, 11, 26))
    [reply] = balance_replies(owed, TERMS)

    assert reply.response == "utter_billing_overdue_before_cutoff"
    assert reply.values == {
        "amount": "370.000 PYG",
        "overdue_amount": "150.000 PYG",
        "due_on": "21 de noviembre",
        "cutoff_on": "26 de noviembre",
        "invoices": "F-2026-000150",
        "reconnection_hours": "24",
    }


def test_overdue_on_the_cutoff_day_is_still_before_it() -> None:
    owed = balance("150000", "150000", ("F-2026-000150",), cutoff_on=TODAY)

    assert [reply.response for reply in balance_replies(owed, TERMS)] == [
        "utter_billing_overdue_before_cutoff"
    ]


def test_overdue_past_the_cutoff_and_not_yet_cut() -> None:
    owed = balance("150000", "150000", ("F-2026-000150", "F-2026-000200"), cutoff_on=date(2026, 11, 24))
    [reply] = balance_replies(owed, TERMS)

    assert reply.response == "utter_billing_overdue"
    assert reply.values["invoices"] == "F-2026-000150, F-2026-000200"


def test_suspended_says_when_the_service_comes_back() -> None:
    owed = balance(
        "150000", "150000", ("F-2026-000150",), cutoff_on=date(2026, 11, 24), status=ServiceStatus.SUSPENDED
    )
    [reply] = balance_replies(owed, replace(TERMS, reconnection_hours=48))

    assert reply.response == "utter_billing_suspended_overdue"
    assert (reply.values["overdue_amount"], reply.values["reconnection_hours"]) == ("150.000 PYG", "48")


# --- an invoice line by line ----------------------------------------------------------------


def test_a_plan_and_promotion_invoice_line_by_line() -> None:
    bill = invoice(PLAN_LINE, line(LineKind.PROMOTION, "-30000", "Promo Verano"))

    assert invoice_replies(bill, contract()) == [
        Reply(
            "utter_invoice_heading",
            {"invoice": "F-2026-000200", "period_start": "1 de noviembre", "period_end": "30 de noviembre"},
        ),
        Reply(
            "utter_invoice_line_plan",
            {
                "description": "Plan Fibra 100, noviembre",
                "amount": "150.000 PYG",
                "plan": "Fibra 100",
                "mbps": "100",
                "price": "150.000 PYG",
            },
        ),
        Reply(
            "utter_invoice_line_promotion_plan",
            {
                "description": "Promo Verano",
                "amount": "30.000 PYG",  # the response writes the minus sign
                "promotion": "Promo Verano",
                "discount_pct": "20",
                "ends_on": "31 de enero",
            },
        ),
        Reply("utter_invoice_total_unpaid", {"total": "120.000 PYG", "due_on": "21 de noviembre"}),
    ]


def test_a_plan_billed_above_its_contracted_price() -> None:
    replies = invoice_replies(invoice(line(LineKind.PLAN, "165000")), contract(promotion=None))

    assert replies[1].response == "utter_invoice_line_plan_above"
    assert (replies[1].values["amount"], replies[1].values["price"]) == ("165.000 PYG", "150.000 PYG")


def test_a_promotion_without_end_and_a_fractional_percent() -> None:
    forever = replace(PROMO, discount_pct=D("12.50"), ends_on=None, applies_to=PromotionScope.ALL)
    replies = invoice_replies(invoice(PLAN_LINE, line(LineKind.PROMOTION, "-18750")), contract(forever))

    assert replies[2].response == "utter_invoice_line_promotion_all_no_end"
    assert (replies[2].values["discount_pct"], replies[2].values["ends_on"]) == ("12,5", "")


@pytest.mark.parametrize(
    ("fee", "response"),
    [
        (D("200000"), "utter_invoice_line_installation"),
        (D("250000"), "utter_invoice_line_installation"),  # less than disclosed is no surprise
        (D("150000"), "utter_invoice_line_installation_not_disclosed"),  # more than disclosed
        (None, "utter_invoice_line_installation_not_disclosed"),
    ],
)
def test_an_installation_disclosed_or_not(fee: Decimal | None, response: str) -> None:
    bill = invoice(PLAN_LINE, line(LineKind.INSTALLATION, "200000", "Instalación de fibra"))
    [_, _, installation, _] = invoice_replies(bill, contract(promotion=None, installation_fee=fee))

    assert installation == Reply(response, {"description": "Instalación de fibra", "amount": "200.000 PYG"})


def test_an_extra_contracted_says_since_when() -> None:
    bill = invoice(PLAN_LINE, line(LineKind.EXTRA, "35000", "IP fija (noviembre)"))
    [_, _, extra, total] = invoice_replies(bill, contract(promotion=None, extras=(FIXED_IP,)))

    assert extra.response == "utter_invoice_line_extra"
    assert (extra.values["name"], extra.values["amount"], extra.values["starts_on"]) == (
        "IP fija",
        "35.000 PYG",
        "10 de marzo",
    )
    assert total.values["total"] == "185.000 PYG"


def test_an_extra_not_contracted_is_named_as_billed() -> None:
    bill = invoice(PLAN_LINE, line(LineKind.EXTRA, "25000", "Punto Wi-Fi adicional"))
    [_, _, extra, _] = invoice_replies(bill, contract(promotion=None, extras=(FIXED_IP,)))

    assert extra == Reply(
        "utter_invoice_line_extra_not_contracted",
        {"description": "Punto Wi-Fi adicional", "amount": "25.000 PYG"},
    )


def test_a_paid_invoice_says_so() -> None:
    replies = invoice_replies(invoice(PLAN_LINE, status=InvoiceStatus.PAID), contract(promotion=None))

    assert replies[-1] == Reply(
        "utter_invoice_total_paid", {"total": "150.000 PYG", "due_on": "21 de noviembre"}
    )


# --- promotion, claims, plans ----------------------------------------------------------------


def test_the_promotion_the_customer_has() -> None:
    assert promotion_replies(contract(), TODAY) == [
        Reply(
            "utter_billing_promotion_ends",
            {
                "promotion": "Promo Verano",
                "discount_pct": "20",
                "ends_on": "31 de enero",
                "price_after": "150.000 PYG",
            },
        )
    ]
    assert [reply.response for reply in promotion_replies(contract(replace(PROMO, ends_on=None)), TODAY)] == [
        "utter_billing_promotion_no_end"
    ]
    assert promotion_replies(contract(promotion=None), TODAY) == []
    assert promotion_replies(contract(), date(2027, 2, 1)) == []  # ended


def test_undue_replies_say_each_charge_then_the_recalculation() -> None:
    charges = [
        UndueCharge(UndueKind.DUPLICATE, D("150000"), "F-2026-000200", (1,), D("150000"), D("0")),
        UndueCharge(
            UndueKind.PROMOTION_MISSING,
            D("30000"),
            "F-2026-000200",
            (2,),
            D("0"),
            D("30000"),
            {"promotion": "Promo Verano", "discount_pct": D("20"), "promotion_ends_on": date(2027, 1, 31)},
        ),
    ]
    duplicate, promotion, recalculation = undue_replies(charges, "PYG", "FAC-000123", date(2026, 12, 2))

    assert duplicate == Reply(
        "utter_undue_duplicate",
        {"invoice": "F-2026-000200", "amount": "150.000 PYG", "billed": "150.000 PYG", "expected": "0 PYG"},
    )
    # Not applied at all: said so, never "se le descontó 0 PYG"; a short discount keeps the figures.
    assert promotion.response == "utter_undue_promotion_missing_none"
    assert (promotion.values["promotion"], promotion.values["discount_pct"], promotion.values["ends_on"]) == (
        "Promo Verano",
        "20",
        "31 de enero",
    )
    assert (promotion.values["expected"], promotion.values["billed"]) == ("30.000 PYG", "0 PYG")
    short = dataclasses.replace(charges[1], billed=D("10000"), amount=D("20000"))
    [said_short, _] = undue_replies([short], "PYG", "TK-10010", date(2026, 12, 2))
    assert said_short.response == "utter_undue_promotion_missing"
    assert recalculation == Reply(
        "utter_recalculation_requested",
        {
            "amount": "180.000 PYG",
            "invoice": "F-2026-000200",
            "ticket_number": "FAC-000123",
            "resolve_by": "2 de diciembre",
        },
    )


def test_the_upgrade_is_the_next_faster_plan_and_its_difference() -> None:
    assert upgrade_replies(FIBRA_100, CATALOGUE, "PYG") == [
        Reply(
            "utter_sales_upgrade_offer",
            {
                "plan": "Fibra 100",
                "mbps": "100",
                "price": "150.000 PYG",
                "next_plan": "Fibra 300",
                "next_mbps": "300",
                "next_price": "220.000 PYG",
                "difference": "70.000 PYG",
            },
        )
    ]
    # The catalogue's order does not matter; an old contracted price does.
    [reply] = upgrade_replies(replace(HOGAR_50, monthly_price=D("99000")), CATALOGUE[::-1], "PYG")
    assert (reply.values["next_plan"], reply.values["difference"]) == ("Fibra 100", "51.000 PYG")


def test_the_fastest_plan_has_no_upgrade() -> None:
    assert upgrade_replies(FIBRA_600, CATALOGUE, "PYG") == [
        Reply("utter_sales_fastest_plan", {"plan": "Fibra 600", "mbps": "600", "price": "300.000 PYG"})
    ]


def test_the_catalogue_lists_each_plan() -> None:
    heading, *plans = catalogue_replies(CATALOGUE, "PYG")

    assert heading == Reply("utter_sales_catalogue_heading")
    assert plans[0] == Reply(
        "utter_sales_catalogue_plan",
        {"plan": "Hogar 50", "mbps": "50", "price": "110.000 PYG", "upload_mbps": "25"},
    )
    assert len(plans) == 4


# --- every response exists, with the values it uses ---------------------------------------------


def every_reply() -> list[Reply]:
    """A reply of every kind each function can return."""
    replies: list[Reply] = []
    replies += balance_replies(balance(), TERMS)
    replies += balance_replies(balance(last_payment=PAYMENT), TERMS)
    replies += balance_replies(balance("150000", cutoff_on=date(2026, 11, 26)), TERMS)
    for cutoff, status in [
        (date(2026, 11, 26), ServiceStatus.ACTIVE),
        (date(2026, 11, 24), ServiceStatus.ACTIVE),
        (date(2026, 11, 24), ServiceStatus.SUSPENDED),
    ]:
        overdue = balance("150000", "150000", ("F-2026-000150",), cutoff_on=cutoff, status=status)
        replies += balance_replies(overdue, TERMS)

    # Every kind of line, every promotion scope with and without an end, both totals.
    every_kind = [line(kind, "-5000" if kind is LineKind.PROMOTION else "5000") for kind in LineKind]
    for scope in PromotionScope:
        for ends_on in (date(2027, 1, 31), None):
            promotion = replace(PROMO, applies_to=scope, ends_on=ends_on)
            for status in (InvoiceStatus.PENDING, InvoiceStatus.PAID):
                replies += invoice_replies(invoice(*every_kind, status=status), contract(promotion))
            replies += promotion_replies(contract(promotion), TODAY)
    # A promotion line with no promotion in the contract, above-price plan, disclosed fee, contracted extra.
    replies += invoice_replies(invoice(*every_kind), contract(promotion=None))
    extra_line = line(LineKind.EXTRA, "35000", "IP fija")
    for fee in (None, D("5000")):
        replies += invoice_replies(
            invoice(line(LineKind.PLAN, "999999"), PLAN_LINE, extra_line, *every_kind),
            contract(extras=(FIXED_IP,), installation_fee=fee),
        )

    charges = [
        UndueCharge(kind, D("1000"), "F-2026-000200", (0,), D("2000"), D("1000"), {"extra": "IP fija"})
        for kind in UndueKind
    ]
    replies += undue_replies(charges, "PYG", "FAC-000001", TODAY)
    replies += upgrade_replies(FIBRA_100, CATALOGUE, "PYG")
    replies += upgrade_replies(FIBRA_600, CATALOGUE, "PYG")
    replies += catalogue_replies(CATALOGUE, "PYG")
    return replies


def test_every_kind_is_covered_by_the_enumeration() -> None:
    names = {reply.response for reply in every_reply()}

    assert {f"utter_undue_{kind.value}" for kind in UndueKind} <= names
    assert {f"utter_invoice_line_promotion_{scope.value}" for scope in PromotionScope} <= names
    assert {f"utter_invoice_line_promotion_{scope.value}_no_end" for scope in PromotionScope} <= names
    for kind in LineKind:
        assert any(name.startswith(f"utter_invoice_line_{kind.value}") for name in names), kind
    assert {
        "utter_billing_nothing_owed",
        "utter_billing_nothing_owed_last_payment",
        "utter_billing_owed",
        "utter_billing_overdue_before_cutoff",
        "utter_billing_overdue",
        "utter_billing_suspended_overdue",
        "utter_invoice_line_plan",
        "utter_invoice_line_plan_above",
        "utter_invoice_line_extra",
        "utter_invoice_line_extra_not_contracted",
        "utter_invoice_line_installation",
        "utter_invoice_line_installation_not_disclosed",
        "utter_invoice_total_paid",
        "utter_invoice_total_unpaid",
        "utter_billing_promotion_ends",
        "utter_billing_promotion_no_end",
        "utter_recalculation_requested",
        "utter_sales_upgrade_offer",
        "utter_sales_fastest_plan",
        "utter_sales_catalogue_heading",
        "utter_sales_catalogue_plan",
    } <= names


def test_every_response_a_reply_names_is_in_the_domain_with_its_values() -> None:
    replies = every_reply()

    assert sorted({reply.response for reply in replies} - RESPONSES.keys()) == []
    for reply in replies:
        for variant in RESPONSES[reply.response]:
            used = set(re.findall(r"\{(\w+)\}", variant.get("text", "")))
            assert used <= reply.values.keys(), (reply.response, used - reply.values.keys())


# --- a follow-up about one part of the bill ---------------------------------------------------


def _whole_answer(bill: Invoice, terms_contract: Contract) -> list[Reply]:
    """What the balance answer says, in its order: balance, invoice, promotion."""
    return [
        *balance_replies(balance(owed="120000"), TERMS),
        *invoice_replies(bill, terms_contract),
        *promotion_replies(terms_contract, TODAY),
    ]


def test_a_follow_up_gets_the_part_asked_not_the_whole_bill() -> None:
    bill = invoice(PLAN_LINE, line(LineKind.PROMOTION, "-30000", "Promo Verano"))
    replies = _whole_answer(bill, contract())

    assert [r.response for r in part_replies("due_date", replies)] == ["utter_billing_owed"]
    assert [r.response for r in part_replies("promotion", replies)] == [
        "utter_invoice_line_promotion_plan",
        "utter_invoice_total_unpaid",
        "utter_billing_promotion_ends",
    ]


def test_the_installation_asked_is_its_line() -> None:
    fee = line(LineKind.INSTALLATION, "250000", "Instalación")
    replies = _whole_answer(invoice(PLAN_LINE, fee), contract(promotion=None, installation_fee=D("250000")))
    [installation] = part_replies("installation", replies)
    assert installation.response == "utter_invoice_line_installation"
    assert installation.values["amount"] == "250.000 PYG"
    # On an older invoice than the latest, the line says which invoice it is on.
    heading, line_again = part_replies("installation", replies, older_invoice=True)
    assert (heading.response, line_again) == ("utter_invoice_heading", installation)


@pytest.mark.parametrize("part", ["promotion", "installation", "extra", "reconnection"])
def test_a_part_the_bill_does_not_have_is_said_so(part: str) -> None:
    replies = _whole_answer(invoice(PLAN_LINE), contract(promotion=None))
    [missing] = part_replies(part, replies)
    assert missing == Reply(f"utter_bill_part_missing_{part}")
    assert missing.response in RESPONSES
