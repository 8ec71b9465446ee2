"""Billing records built in tests: a contract, invoice lines, an invoice, a promotion."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from bot.billing.port import (
    Contract,
    ContractedExtra,
    Invoice,
    InvoiceLine,
    InvoiceStatus,
    LineKind,
    Plan,
    Promotion,
    PromotionScope,
)
from bot.ports.customers import ServiceStatus

D = Decimal
NOVEMBER = (date(2026, 11, 1), date(2026, 11, 30))  # 30 days
OCTOBER = (date(2026, 10, 1), date(2026, 10, 31))
FIBRA_100 = Plan("Fibra 100", 100, 50, D("150000"))
HOGAR_50 = Plan("Hogar 50", 50, 25, D("110000"))
FIXED_IP = ContractedExtra("IP fija", D("35000"), starts_on=date(2025, 1, 1))


def contract(
    plan: Plan = FIBRA_100,
    promotion: Promotion | None = None,
    extras: tuple[ContractedExtra, ...] = (),
    installation_fee: Decimal | None = None,
    currency: str = "PYG",
) -> Contract:
    return Contract(
        service_number=1001,
        customer_id=1,
        status=ServiceStatus.ACTIVE,
        plan=plan,
        installed_on=date(2025, 1, 1),
        promotion=promotion,
        extras=extras,
        installation_fee=installation_fee,
        cutoff_grace_days=5,
        currency=currency,
    )


def promotion(
    pct: str,
    starts_on: date = date(2025, 1, 1),
    ends_on: date | None = date(2027, 1, 1),
    applies_to: PromotionScope = PromotionScope.PLAN,
) -> Promotion:
    return Promotion("Promo", D(pct), starts_on, ends_on, applies_to)


def line(kind: LineKind, amount: str, description: str = "") -> InvoiceLine:
    return InvoiceLine(kind, description or kind.value, 1, D(amount), D(amount))


def plan_line(amount: str = "150000") -> InvoiceLine:
    return line(LineKind.PLAN, amount, "Plan Fibra 100, período de noviembre")


def invoice(
    *lines: InvoiceLine,
    number: str = "F-2026-000200",
    period: tuple[date, date] = NOVEMBER,
    currency: str = "PYG",
    status: InvoiceStatus = InvoiceStatus.PENDING,
) -> Invoice:
    return Invoice(
        number=number,
        customer_id=1,
        service_number=1001,
        period_start=period[0],
        period_end=period[1],
        issued_on=period[0],
        due_on=date(period[0].year, period[0].month, 21),
        status=status,
        total=sum((item.amount for item in lines), D(0)),
        currency=currency,
        lines=lines,
    )
