"""The billing port: what a customer owes, what they were billed for, and what they contracted.

Billing conversations explain an invoice line by line and check it against the
contract (DESIGN §2.6, seeds 000 and 001): the plan and its contracted price,
the promotion (its %, start, end and what it applies to), the extras, the
installation fee disclosed at sale, and the payments made. The records mirror
Wisphub's client billing fields (`saldo`, `fecha_corte`, `estado_facturas`,
`precio_plan`, `plan_internet`) and its invoices with their items, so a Wisphub
adapter can implement the same Protocol; vocabularies are English enums an
adapter translates to and from the ISP system's codes. Amounts are Decimal,
exact, in the company's currency (COMPANY_CURRENCY).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import Enum
from typing import Protocol

from bot.billing.money import ZERO
from bot.ports.customers import ServiceStatus


class InvoiceStatus(str, Enum):
    PAID = "paid"
    PENDING = "pending"  # issued, not paid, not yet past its due date when it was last marked
    OVERDUE = "overdue"


class LineKind(str, Enum):
    """What an invoice line charges (or credits) for."""

    PLAN = "plan"  # the monthly fee of the contracted plan
    PROMOTION = "promotion"  # a discount, negative
    INSTALLATION = "installation"  # one-off, on the first invoice
    EXTRA = "extra"  # a contracted add-on billed monthly (fixed IP, extra Wi-Fi point, ...)
    RECONNECTION = "reconnection"  # one-off, after a suspension
    TAX = "tax"
    ADJUSTMENT = "adjustment"  # a correction or credit note ("abono"), usually negative
    OTHER = "other"  # a line the ISP system did not classify


ONE_OFF_KINDS = frozenset({LineKind.INSTALLATION, LineKind.RECONNECTION})


class PromotionScope(str, Enum):
    """What a promotion's discount applies to (seed 001: "¿sobre qué aplica?")."""

    PLAN = "plan"
    EXTRAS = "extras"
    INSTALLATION = "installation"
    ALL = "all"  # plan, extras and installation

    def covers(self, kind: LineKind) -> bool:
        return kind in _SCOPE_KINDS[self]


_SCOPE_KINDS = {
    PromotionScope.PLAN: frozenset({LineKind.PLAN}),
    PromotionScope.EXTRAS: frozenset({LineKind.EXTRA}),
    PromotionScope.INSTALLATION: frozenset({LineKind.INSTALLATION}),
    PromotionScope.ALL: frozenset({LineKind.PLAN, LineKind.EXTRA, LineKind.INSTALLATION}),
}


class PaymentMethod(str, Enum):
    CASH = "cash"  # at the provider's office
    TRANSFER = "transfer"
    CARD = "card"
    PAYMENT_NETWORK = "payment_network"  # collection networks (Aquí Pago, Pago Express, ...)
    DIRECT_DEBIT = "direct_debit"
    OTHER = "other"


class InvoicesStanding(str, Enum):
    """Wisphub's `estado_facturas`: how the customer stands with their invoices."""

    UP_TO_DATE = "up_to_date"
    PENDING = "pending"  # something is owed, nothing past its due date
    OVERDUE = "overdue"


def days_between(start: date, end: date) -> int:
    """Days from `start` to `end`, both included; 0 when `end` is before `start`."""
    return max((end - start).days + 1, 0)


@dataclass(frozen=True)
class Plan:
    """An internet plan: from the catalogue, or as contracted (with the price agreed then)."""

    name: str
    download_mbps: int
    upload_mbps: int
    monthly_price: Decimal


@dataclass(frozen=True)
class Promotion:
    """A discount the customer was sold: `discount_pct` of what it applies to, from start to end."""

    name: str
    discount_pct: Decimal
    starts_on: date
    ends_on: date | None  # the last day it applies; None: no end
    applies_to: PromotionScope = PromotionScope.PLAN

    def active_on(self, day: date) -> bool:
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)

    def days_within(self, start: date, end: date) -> int:
        """How many days of the period `start`..`end` (both included) the promotion applies on."""
        last = end if self.ends_on is None else min(end, self.ends_on)
        return days_between(max(start, self.starts_on), last)


@dataclass(frozen=True)
class ContractedExtra:
    """An add-on the customer contracted, billed monthly under `name` (Spanish, as on the invoice)."""

    name: str
    monthly_price: Decimal
    starts_on: date
    ends_on: date | None = None  # the last day it is contracted; None: still contracted

    def active_during(self, start: date, end: date) -> bool:
        return self.starts_on <= end and (self.ends_on is None or self.ends_on >= start)


@dataclass(frozen=True)
class Contract:
    """What the customer agreed to for one service: the yardstick an invoice is checked against."""

    service_number: int
    customer_id: int
    status: ServiceStatus
    plan: Plan  # monthly_price is the contracted price (Wisphub's `precio_plan`)
    installed_on: date
    promotion: Promotion | None
    extras: tuple[ContractedExtra, ...]
    installation_fee: Decimal | None  # disclosed at sale; None: no fee was disclosed
    cutoff_grace_days: int  # days after an unpaid invoice's due date until the service is cut
    currency: str

    @property
    def monthly_price(self) -> Decimal:
        return self.plan.monthly_price


@dataclass(frozen=True)
class InvoiceLine:
    """One charge (positive) or discount (negative); `description` is the biller's Spanish text."""

    kind: LineKind
    description: str
    quantity: int
    unit_price: Decimal
    amount: Decimal


@dataclass(frozen=True)
class Invoice:
    """A bill for one service and period. `customer_id` lets callers check whose it is."""

    number: str
    customer_id: int
    service_number: int
    period_start: date
    period_end: date  # included
    issued_on: date
    due_on: date
    status: InvoiceStatus
    total: Decimal
    currency: str
    lines: tuple[InvoiceLine, ...]

    @property
    def period_days(self) -> int:
        return days_between(self.period_start, self.period_end)

    @property
    def is_paid(self) -> bool:
        return self.status is InvoiceStatus.PAID

    def is_overdue_on(self, today: date) -> bool:
        return not self.is_paid and self.due_on < today


@dataclass(frozen=True)
class Payment:
    service_number: int
    amount: Decimal
    paid_on: date
    method: PaymentMethod
    reference: str | None  # the bank's or collection network's receipt
    invoice_number: str | None  # None: a payment on account, not tied to one invoice


@dataclass(frozen=True)
class Balance:
    """What one service owes on `as_of` (Wisphub's `saldo`, `fecha_corte`, `estado_facturas`).

    `amount_owed` is the unpaid invoices' totals less what was paid towards them.
    `due_on` is the oldest unpaid invoice's due date and `cutoff_on` the day the
    service is cut if it stays unpaid (in the past for a service already cut);
    both are None when nothing is owed.
    """

    service_number: int
    as_of: date
    service_status: ServiceStatus
    amount_owed: Decimal
    due_on: date | None
    cutoff_on: date | None
    unpaid_invoices: tuple[str, ...]  # numbers, oldest first
    overdue_invoices: tuple[str, ...]  # those past their due date on `as_of`, oldest first
    overdue_amount: Decimal
    last_payment: Payment | None
    currency: str

    @property
    def standing(self) -> InvoicesStanding:
        if self.overdue_invoices:
            return InvoicesStanding.OVERDUE
        if self.amount_owed > ZERO:
            return InvoicesStanding.PENDING
        return InvoicesStanding.UP_TO_DATE

    @property
    def days_to_cutoff(self) -> int | None:
        """Days left before the cut (0 on the day, negative once past), None when nothing is owed."""
        return None if self.cutoff_on is None else (self.cutoff_on - self.as_of).days


def cutoff_date(due_on: date, grace_days: int) -> date:
    """The day an invoice due on `due_on` gets the service cut if it is still unpaid."""
    return due_on + timedelta(days=grace_days)


class BillingLedger(Protocol):
    """Where billing lives. Unknown services give None or empty lists, never an error.

    Lookups by invoice number answer for any customer: the caller checks that the
    invoice's `customer_id` is the identified customer's before showing it.
    """

    async def contract(self, service_number: int) -> Contract | None: ...

    async def balance(self, service_number: int, today: date) -> Balance | None:
        """The service's balance on `today` (the company's date), which decides what is overdue."""

    async def invoices(self, service_number: int, limit: int = 6) -> list[Invoice]:
        """The service's latest invoices, newest first."""

    async def invoice(self, number: str) -> Invoice | None:
        """One invoice by its number ("F-2026-000123"; case and spaces around it do not matter)."""

    async def payments(self, service_number: int, limit: int = 6) -> list[Payment]:
        """The service's latest payments, newest first."""

    async def catalogue(self) -> list[Plan]:
        """The plans on sale, in the catalogue's order, at their list price."""
