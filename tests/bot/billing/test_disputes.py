"""Invoices built here checked against their contracts: each classic dispute, exact amounts."""

from __future__ import annotations

import io
import json
import tokenize
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

import bot.billing
from bot.billing.disputes import (
    RECALCULATION_AND_CREDIT,
    UndueKind,
    explain,
    find_undue_charges,
    ticket_facts,
    total_undue,
)
from bot.billing.money import minor_unit, round_money
from bot.billing.port import (
    Balance,
    InvoicesStanding,
    LineKind,
    Plan,
    PromotionScope,
)
from bot.ports.customers import ServiceStatus
from tests.bot.billing.records import (
    FIBRA_100,
    FIXED_IP,
    HOGAR_50,
    NOVEMBER,
    OCTOBER,
    D,
    contract,
    invoice,
    line,
    plan_line,
    promotion,
)

# --- the four cases the issue names -------------------------------------------------------


def test_a_correct_invoice_has_no_undue_charge() -> None:
    first = invoice(
        plan_line(),
        line(LineKind.PROMOTION, "-30000"),
        line(LineKind.INSTALLATION, "200000", "Instalación de fibra óptica"),
        line(LineKind.EXTRA, "35000", "IP FIJA (noviembre)"),  # case, accents and extra words aside
        line(LineKind.TAX, "0"),
    )
    terms = contract(promotion=promotion("20"), extras=(FIXED_IP,), installation_fee=D("200000"))

    assert find_undue_charges(first, terms) == []
    assert find_undue_charges(first, terms, [first]) == []  # the invoice itself is not an earlier one


def test_rounding_is_half_up_to_the_minor_unit_and_once() -> None:
    # 15% of 99,990 PYG is 14,998.5: half up gives 14,999 (half even would give 14,998).
    [charge] = find_undue_charges(
        invoice(plan_line("99990")),
        contract(plan=replace(FIBRA_100, monthly_price=D("99990")), promotion=promotion("15")),
    )
    assert charge.amount == D("14999") and charge.amount.as_tuple().exponent == 0
    assert charge.expected == D("14999")

    # In dollars the minor unit is the cent: 15% of 49.90 is 7.485 -> 7.49.
    usd = contract(
        plan=replace(FIBRA_100, monthly_price=D("49.90")), promotion=promotion("15"), currency="USD"
    )
    [charge] = find_undue_charges(invoice(plan_line("49.90"), currency="USD"), usd)
    assert charge.amount == D("7.49")
    assert (minor_unit("PYG"), minor_unit("usd"), minor_unit("KWD")) == (D("1"), D("0.01"), D("0.001"))
    assert round_money(D("0.125"), "EUR") == D("0.13")


def test_a_biller_rounding_differently_is_no_undue_charge() -> None:
    # 25% of 110,000 for 17 of 30 days is 15,583.33...: the biller's 15,583 or 15,584 are both right.
    ending = contract(plan=HOGAR_50, promotion=promotion("25", ends_on=date(2026, 11, 17)))
    for given in ("-15583", "-15584"):
        assert find_undue_charges(invoice(plan_line("110000"), line(LineKind.PROMOTION, given)), ending) == []
    # One guaraní and a third short is more than rounding: the guaraní is owed.
    [charge] = find_undue_charges(invoice(plan_line("110000"), line(LineKind.PROMOTION, "-15582")), ending)
    assert charge.amount == D("1")


def test_a_promotion_ending_mid_period_is_prorated_by_days() -> None:
    ends_17th = contract(plan=HOGAR_50, promotion=promotion("25", ends_on=date(2026, 11, 17)))

    # Dropped for the whole month though it ran 17 of its 30 days: wrongly expired.
    [charge] = find_undue_charges(invoice(plan_line("110000"), number="F-2026-000201"), ends_17th)

    assert charge.kind is UndueKind.PROMOTION_WRONGLY_EXPIRED
    assert charge.amount == D("15583")  # 110,000 x 25% x 17/30 = 15,583.33
    assert charge.invoice_number == "F-2026-000201"
    assert (charge.billed, charge.expected) == (D("0"), D("15583"))
    assert charge.details["days_covered"] == 17 and charge.details["period_days"] == 30
    assert charge.details["promotion_ends_on"] == date(2026, 11, 17)
    assert charge.details["discount_pct"] == D("25")

    # The whole month's discount given is in the customer's favour: nothing to credit.
    generous = invoice(plan_line("110000"), line(LineKind.PROMOTION, "-27500"))
    assert find_undue_charges(generous, ends_17th) == []
    # A promotion that starts mid-period is prorated too (14 of 30 days), and missing.
    starts_17th = contract(
        plan=HOGAR_50, promotion=promotion("25", starts_on=date(2026, 11, 17), ends_on=None)
    )
    [charge] = find_undue_charges(invoice(plan_line("110000")), starts_17th)
    assert (charge.kind, charge.amount) == (UndueKind.PROMOTION_MISSING, D("12833"))  # 12,833.33
    # A promotion over before the period owes nothing.
    over = contract(promotion=promotion("25", ends_on=date(2026, 10, 31)))
    assert find_undue_charges(invoice(plan_line()), over) == []


def test_two_errors_on_one_invoice_are_both_found_in_line_order() -> None:
    bill = invoice(
        line(LineKind.INSTALLATION, "250000", "Instalación"),
        plan_line(),
        line(LineKind.PROMOTION, "-37500"),
        line(LineKind.EXTRA, "20000", "Punto de acceso Wi-Fi adicional"),
    )
    terms = contract(promotion=promotion("25"), installation_fee=D("200000"), extras=(FIXED_IP,))

    charges = find_undue_charges(bill, terms)

    assert [(c.kind, c.amount, c.lines) for c in charges] == [
        (UndueKind.INSTALLATION_NOT_DISCLOSED, D("50000"), (0,)),
        (UndueKind.NOT_CONTRACTED, D("20000"), (3,)),
    ]
    assert total_undue(charges) == D("70000")
    assert {c.invoice_number for c in charges} == {"F-2026-000200"}


def test_a_discount_given_on_an_overcharge_is_netted_from_it() -> None:
    # Billed 160,000 for a plan sold at 150,000, with the 25% taken on 160,000: the
    # customer paid 120,000 where 112,500 was due, so 7,500 is owed, not 10,000.
    bill = invoice(plan_line("160000"), line(LineKind.PROMOTION, "-40000"))
    [charge] = find_undue_charges(bill, contract(promotion=promotion("25")))
    assert (charge.kind, charge.amount, charge.billed, charge.expected) == (
        UndueKind.PRICE_ABOVE_CONTRACT,
        D("7500"),
        D("160000"),
        D("150000"),
    )
    assert charge.details["offset_by_discount"] == D("2500")

    # The same overcharge with the promotion missing too: two errors, 10,000 + 37,500.
    charges = find_undue_charges(invoice(plan_line("160000")), contract(promotion=promotion("25")))
    assert [(c.kind, c.amount) for c in charges] == [
        (UndueKind.PRICE_ABOVE_CONTRACT, D("10000")),
        (UndueKind.PROMOTION_MISSING, D("37500")),
    ]


# --- each kind ----------------------------------------------------------------------------


def test_a_plan_billed_twice_on_one_invoice_is_a_duplicate() -> None:
    [charge] = find_undue_charges(invoice(plan_line(), plan_line()), contract())
    assert (charge.kind, charge.amount, charge.lines) == (UndueKind.DUPLICATE, D("150000"), (1,))
    assert charge.details == {"duplicate_of": "F-2026-000200", "duplicate_of_line": 0}


def test_a_discounted_plan_billed_twice_owes_the_net_duplicate() -> None:
    # The 25% given on both copies: 2 x 112,500 billed where 112,500 was due.
    bill = invoice(
        plan_line(), plan_line(), line(LineKind.PROMOTION, "-37500"), line(LineKind.PROMOTION, "-37500")
    )
    [charge] = find_undue_charges(bill, contract(promotion=promotion("25")))
    assert (charge.kind, charge.amount) == (UndueKind.DUPLICATE, D("112500"))


def test_a_period_billed_again_on_a_later_invoice_is_a_duplicate() -> None:
    first = invoice(plan_line(), line(LineKind.EXTRA, "35000", "IP fija"), number="F-2026-000150")
    again = invoice(plan_line(), line(LineKind.EXTRA, "35000", "IP fija"), number="F-2026-000151")
    other_month = invoice(plan_line(), number="F-2026-000140", period=OCTOBER)
    terms = contract(extras=(FIXED_IP,))

    charges = find_undue_charges(again, terms, [other_month, first])

    assert [(c.kind, c.amount, c.details["duplicate_of"]) for c in charges] == [
        (UndueKind.DUPLICATE, D("150000"), "F-2026-000150"),
        (UndueKind.DUPLICATE, D("35000"), "F-2026-000150"),
    ]
    assert find_undue_charges(again, terms, [other_month]) == []


def test_an_installation_fee_charged_again_is_a_duplicate() -> None:
    first = invoice(
        line(LineKind.INSTALLATION, "200000"), plan_line(), number="F-2026-000140", period=OCTOBER
    )
    later = invoice(line(LineKind.INSTALLATION, "200000"), plan_line())
    [charge] = find_undue_charges(later, contract(installation_fee=D("200000")), [first])
    assert (charge.kind, charge.amount, charge.details["duplicate_of"]) == (
        UndueKind.DUPLICATE,
        D("200000"),
        "F-2026-000140",
    )


def test_a_promotion_missing_while_it_runs() -> None:
    [charge] = find_undue_charges(
        invoice(plan_line("220000")),
        contract(plan=Plan("Fibra 300", 300, 150, D("220000")), promotion=promotion("25")),
    )
    assert (charge.kind, charge.amount, charge.lines) == (UndueKind.PROMOTION_MISSING, D("55000"), ())
    # Applied short (20% instead of 25%): the difference is owed, pointing at the line.
    [charge] = find_undue_charges(
        invoice(plan_line(), line(LineKind.PROMOTION, "-30000")), contract(promotion=promotion("25"))
    )
    assert (charge.kind, charge.amount, charge.lines) == (UndueKind.PROMOTION_MISSING, D("7500"), (1,))


def test_a_promotion_on_extras_or_installation_covers_them() -> None:
    everything = contract(
        promotion=promotion("10", applies_to=PromotionScope.ALL),
        extras=(FIXED_IP,),
        installation_fee=D("200000"),
    )
    bill = invoice(
        plan_line(),
        line(LineKind.EXTRA, "35000", "IP fija"),
        line(LineKind.INSTALLATION, "200000"),
        line(LineKind.PROMOTION, "-15000"),
    )
    [charge] = find_undue_charges(bill, everything)
    # 10% of 150,000 + 35,000 + 200,000 = 38,500 due, 15,000 given.
    assert (charge.kind, charge.amount) == (UndueKind.PROMOTION_MISSING, D("23500"))
    plan_only = replace(everything, promotion=promotion("10"))
    assert find_undue_charges(bill, plan_only) == []


def test_an_extra_never_contracted_or_no_longer_contracted() -> None:
    bill = invoice(plan_line(), line(LineKind.EXTRA, "35000", "IP fija"))
    [charge] = find_undue_charges(bill, contract())
    assert (charge.kind, charge.amount, charge.lines) == (UndueKind.NOT_CONTRACTED, D("35000"), (1,))
    ended = replace(FIXED_IP, ends_on=date(2026, 10, 31))
    [charge] = find_undue_charges(bill, contract(extras=(ended,)))
    assert charge.kind is UndueKind.NOT_CONTRACTED
    # "IP" alone is not "IP fija": names match as whole words.
    [charge] = find_undue_charges(invoice(line(LineKind.EXTRA, "35000", "IP")), contract(extras=(FIXED_IP,)))
    assert charge.kind is UndueKind.NOT_CONTRACTED


def test_an_installation_fee_nobody_disclosed() -> None:
    bill = invoice(line(LineKind.INSTALLATION, "200000"), plan_line())
    [charge] = find_undue_charges(bill, contract())
    assert (charge.kind, charge.amount, charge.expected) == (
        UndueKind.INSTALLATION_NOT_DISCLOSED,
        D("200000"),
        D("0"),
    )
    assert charge.details["disclosed_fee"] is None
    [charge] = find_undue_charges(bill, contract(installation_fee=D("150000")))
    assert (charge.kind, charge.amount) == (UndueKind.INSTALLATION_NOT_DISCLOSED, D("50000"))


def test_a_price_above_the_contracted_one() -> None:
    [charge] = find_undue_charges(invoice(plan_line("165000")), contract())
    assert (charge.kind, charge.amount, charge.billed, charge.expected) == (
        UndueKind.PRICE_ABOVE_CONTRACT,
        D("15000"),
        D("165000"),
        D("150000"),
    )
    [charge] = find_undue_charges(
        invoice(plan_line(), line(LineKind.EXTRA, "40000", "IP fija")), contract(extras=(FIXED_IP,))
    )
    assert (charge.kind, charge.amount, charge.details["extra"]) == (
        UndueKind.PRICE_ABOVE_CONTRACT,
        D("5000"),
        "IP fija",
    )
    # Billed below the contract (a prorated first month) is no dispute.
    assert find_undue_charges(invoice(plan_line("75000")), contract()) == []


def test_an_invoice_of_another_service_is_refused() -> None:
    with pytest.raises(ValueError, match="service 1002"):
        find_undue_charges(replace(invoice(plan_line()), service_number=1002), contract())


# --- the ticket, the explanation, the records ---------------------------------------------


def test_ticket_facts_hold_the_exact_amount_the_invoice_and_the_reasons() -> None:
    bill = invoice(plan_line(), plan_line(), line(LineKind.EXTRA, "35000", "IP fija"))
    charges = find_undue_charges(bill, contract())

    facts = ticket_facts(charges, "PYG")

    assert json.loads(json.dumps(facts)) == facts
    assert facts["request"] == RECALCULATION_AND_CREDIT
    assert (facts["invoice_number"], facts["amount"], facts["currency"]) == ("F-2026-000200", "185000", "PYG")
    assert [(c["kind"], c["amount"]) for c in facts["charges"]] == [
        ("duplicate", "150000"),
        ("not_contracted", "35000"),
    ]
    with pytest.raises(ValueError):
        ticket_facts([], "PYG")


def test_explain_gives_each_line_the_contracts_facts() -> None:
    terms = contract(
        plan=HOGAR_50, promotion=promotion("25", ends_on=date(2026, 11, 17)), installation_fee=D("200000")
    )
    bill = invoice(
        plan_line("110000"),
        line(LineKind.PROMOTION, "-15583"),
        line(LineKind.INSTALLATION, "200000"),
        line(LineKind.EXTRA, "35000", "IP fija"),
        line(LineKind.TAX, "0"),
    )

    plan, discount, installation, extra, tax = explain(bill, terms)

    assert (plan.kind, plan.plan, plan.contracted, plan.contracted_amount) == (
        LineKind.PLAN,
        HOGAR_50,
        True,
        D("110000"),
    )
    assert (plan.period_start, plan.period_end, plan.period_days, plan.one_off) == (*NOVEMBER, 30, False)
    assert (discount.promotion, discount.promotion_days, discount.contracted_amount) == (
        terms.promotion,
        17,
        D("-15583"),
    )
    assert (installation.one_off, installation.period_start, installation.contracted_amount) == (
        True,
        None,
        D("200000"),
    )
    assert (extra.contracted, extra.extra, extra.contracted_amount) == (False, None, None)
    assert (tax.contracted, tax.index) == (None, 4)
    assert [item.amount for item in explain(bill, terms)] == [item.amount for item in bill.lines]


def test_promotion_days_and_balance_standing() -> None:
    promo = promotion("25", starts_on=date(2026, 11, 10), ends_on=date(2026, 11, 20))
    assert promo.days_within(*NOVEMBER) == 11
    assert promo.days_within(*OCTOBER) == 0
    assert promo.active_on(date(2026, 11, 20)) and not promo.active_on(date(2026, 11, 21))

    owed = Balance(
        1001,
        date(2026, 11, 25),
        ServiceStatus.ACTIVE,
        D("150000"),
        date(2026, 11, 21),
        date(2026, 11, 26),
        ("F-1",),
        ("F-1",),
        D("150000"),
        None,
        "PYG",
    )
    assert owed.standing is InvoicesStanding.OVERDUE and owed.days_to_cutoff == 1
    pending = replace(owed, overdue_invoices=(), overdue_amount=D(0))
    assert pending.standing is InvoicesStanding.PENDING
    clear = replace(pending, amount_owed=D(0), unpaid_invoices=(), due_on=None, cutoff_on=None)
    assert clear.standing is InvoicesStanding.UP_TO_DATE and clear.days_to_cutoff is None


def test_no_float_anywhere_in_billing_code() -> None:
    for source in Path(bot.billing.__file__).parent.glob("*.py"):
        tokens = tokenize.generate_tokens(io.StringIO(source.read_text(encoding="utf-8")).readline)
        names = {token.string for token in tokens if token.type == tokenize.NAME}
        assert "float" not in names, source.name
