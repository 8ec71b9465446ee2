"""An invoice checked against the contract: the classic billing disputes, and each line explained.

Seed 001 lists why customers dispute a bill: services they never contracted,
lines billed twice, an installation fee nobody told them about, a price above
the one they were sold, and a promotion that is not applied or ends too soon.
`find_undue_charges` finds each of them with the amount to credit in a
"recálculo y abono"; `explain` describes every line with the contract's facts
so the bot can walk the customer through the bill. Both are pure: they read
records of `bot.billing.port` and return kinds and numbers, never text (the
Spanish lives in the domain's responses and bot/locale/es.yml).

Amounts are Decimal throughout. Expected amounts are computed exactly (one
division at most) and only each charge's final amount is rounded, half up, to
the currency's minor unit. A shortfall smaller than one minor unit is the
biller's rounding, not an undue charge. Invoices are monthly: a promotion
that starts or ends within the period is prorated by days, both ends included.
"""
from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import Enum
from typing import Any

from bot.billing.money import ZERO, minor_unit, round_money
from bot.billing.port import (
    ONE_OFF_KINDS,
    Contract,
    ContractedExtra,
    Invoice,
    InvoiceLine,
    LineKind,
    Plan,
    Promotion,
)

RECALCULATION_AND_CREDIT = "recalculation_and_credit"  # the request a billing ticket holds
HUNDRED = Decimal(100)

Detail = str | int | Decimal | date | None


class UndueKind(str, Enum):
    DUPLICATE = "duplicate"  # a line billed twice, on this invoice or an earlier one
    PROMOTION_MISSING = "promotion_missing"  # discount absent or short while the promotion runs
    PROMOTION_WRONGLY_EXPIRED = "promotion_wrongly_expired"  # dropped before its last day
    NOT_CONTRACTED = "not_contracted"  # an extra the customer never contracted
    INSTALLATION_NOT_DISCLOSED = "installation_not_disclosed"  # a fee above what was disclosed
    PRICE_ABOVE_CONTRACT = "price_above_contract"  # plan or extra billed above its contracted price


@dataclass(frozen=True)
class UndueCharge:
    """Money billed that the contract does not support, and why.

    `amount` is what to credit, rounded half up to the currency's minor unit.
    `billed` and `expected` are the figures compared (for a promotion: the
    discount given and the discount due), `lines` the indexes of the invoice
    lines concerned, and `details` the rest of the reasoning as kinds and
    numbers (e.g. `duplicate_of`, `discount_pct`, `days_covered`, `period_days`,
    `offset_by_discount`).
    """

    kind: UndueKind
    amount: Decimal
    invoice_number: str
    lines: tuple[int, ...]
    billed: Decimal
    expected: Decimal
    details: dict[str, Detail] = field(default_factory=dict)


@dataclass(frozen=True)
class ExplainedLine:
    """One invoice line with what the contract says about it; kinds and numbers only.

    `period_start`/`period_end` are the period a recurring line pays for (None
    for one-off charges such as the installation). `contracted_amount` is the
    contract's figure for the line: the plan's or extra's monthly price, the
    installation fee disclosed (0 when none was), or for a promotion line the
    discount due for the period (negative, rounded). `contracted` says whether
    the contract covers a charge at all (None for kinds the contract does not
    decide, such as taxes). `promotion_days` is how many of the period's days
    the contract's promotion covers, for plan, extra and promotion lines.
    """

    index: int
    kind: LineKind
    description: str
    quantity: int
    unit_price: Decimal
    amount: Decimal
    one_off: bool
    period_start: date | None
    period_end: date | None
    period_days: int
    contracted: bool | None
    contracted_amount: Decimal | None
    plan: Plan | None = None
    extra: ContractedExtra | None = None
    promotion: Promotion | None = None
    promotion_days: int | None = None


@dataclass
class _Finding:
    """An undue charge while it is worked out: its amount exact, not yet rounded."""

    kind: UndueKind
    amount: Decimal
    lines: tuple[int, ...]
    billed: Decimal
    expected: Decimal
    details: dict[str, Detail] = field(default_factory=dict)


def find_undue_charges(
    invoice: Invoice, contract: Contract, earlier_invoices: Iterable[Invoice] = ()
) -> list[UndueCharge]:
    """The undue charges on `invoice` under `contract`, in the order of the lines; [] if it is right.

    `earlier_invoices` are the service's previous invoices (any order; the
    invoice itself among them is ignored): they reveal a period billed twice
    and an installation fee charged again.
    """
    if invoice.service_number != contract.service_number:
        raise ValueError(
            f"invoice {invoice.number} is for service {invoice.service_number},"
            f" not {contract.service_number}"
        )
    earlier = [
        other
        for other in earlier_invoices
        if other.number != invoice.number and other.service_number == invoice.service_number
    ]
    check = _Check(invoice, contract, earlier)
    excess_discount = check.promotion()
    findings = _offset(check.findings, excess_discount)
    charges = [
        UndueCharge(
            kind=finding.kind,
            amount=round_money(finding.amount, invoice.currency),
            invoice_number=invoice.number,
            lines=finding.lines,
            billed=round_money(finding.billed, invoice.currency),
            expected=round_money(finding.expected, invoice.currency),
            details=finding.details,
        )
        for finding in findings
    ]
    last = len(invoice.lines)
    return sorted(
        (charge for charge in charges if charge.amount > ZERO),
        key=lambda charge: charge.lines[0] if charge.lines else last,
    )


def total_undue(charges: Sequence[UndueCharge]) -> Decimal:
    """What the customer is owed for all `charges` together."""
    return sum((charge.amount for charge in charges), ZERO)


def ticket_facts(charges: Sequence[UndueCharge], currency: str) -> dict[str, Any]:
    """The billing ticket's diagnostics for a recálculo y abono: JSON-safe, amounts as exact strings.

    Raises ValueError when `charges` is empty or spans several invoices (one
    request per invoice, as the billing team resolves them).
    """
    numbers = {charge.invoice_number for charge in charges}
    if len(numbers) != 1:
        raise ValueError(f"one invoice's charges are needed, got {sorted(numbers) or 'none'}")
    return {
        "request": RECALCULATION_AND_CREDIT,
        "invoice_number": numbers.pop(),
        "amount": str(total_undue(charges)),
        "currency": currency,
        "charges": [
            {
                "kind": charge.kind.value,
                "amount": str(charge.amount),
                "billed": str(charge.billed),
                "expected": str(charge.expected),
                "lines": list(charge.lines),
                **{name: _json_safe(value) for name, value in charge.details.items()},
            }
            for charge in charges
        ],
    }


def explain(invoice: Invoice, contract: Contract) -> list[ExplainedLine]:
    """Every line of `invoice` with the contract's facts about it, in the invoice's order."""
    promotion = contract.promotion
    promotion_days = (
        promotion.days_within(invoice.period_start, invoice.period_end) if promotion else None
    )
    due_discount = _Check(invoice, contract, []).due_discount()
    explained = []
    for index, line in enumerate(invoice.lines):
        one_off = line.kind in ONE_OFF_KINDS
        contracted: bool | None = None
        contracted_amount: Decimal | None = None
        plan = extra = line_promotion = None
        days = None
        if line.kind is LineKind.PLAN:
            plan, contracted, contracted_amount = contract.plan, True, contract.monthly_price
            days = promotion_days
        elif line.kind is LineKind.EXTRA:
            extra = _contracted_extra(line, contract, invoice)
            contracted = extra is not None
            contracted_amount = extra.monthly_price if extra else None
            days = promotion_days
        elif line.kind is LineKind.INSTALLATION:
            contracted = contract.installation_fee is not None
            contracted_amount = contract.installation_fee or ZERO
        elif line.kind is LineKind.PROMOTION:
            line_promotion, days = promotion, promotion_days
            contracted = promotion is not None and bool(promotion_days)
            contracted_amount = -round_money(due_discount, invoice.currency)
        explained.append(
            ExplainedLine(
                index=index,
                kind=line.kind,
                description=line.description,
                quantity=line.quantity,
                unit_price=line.unit_price,
                amount=line.amount,
                one_off=one_off,
                period_start=None if one_off else invoice.period_start,
                period_end=None if one_off else invoice.period_end,
                period_days=invoice.period_days,
                contracted=contracted,
                contracted_amount=contracted_amount,
                plan=plan,
                extra=extra,
                promotion=line_promotion,
                promotion_days=days,
            )
        )
    return explained


class _Check:
    """One invoice against its contract; each step adds findings and the promotion's base."""

    def __init__(self, invoice: Invoice, contract: Contract, earlier: list[Invoice]) -> None:
        self.invoice = invoice
        self.contract = contract
        self.earlier = earlier
        self.findings: list[_Finding] = []
        # What the promotion's discount is due on, per kind of line: the part of each
        # charge the contract supports (never a duplicate nor an overcharge).
        self.base: dict[LineKind, Decimal] = {}
        self.plan()
        self.installation()
        self.extras()

    def plan(self) -> None:
        billed_before = self._same_period_billed(LineKind.PLAN)
        price = self.contract.monthly_price
        kept: int | None = None
        for index in self._indexes(LineKind.PLAN):
            line = self.invoice.lines[index]
            if line.amount <= ZERO:
                continue
            if billed_before is not None or kept is not None:
                self._duplicate(index, line, billed_before, kept)
                continue
            kept = index
            self._add_base(LineKind.PLAN, min(line.amount, price))
            if line.amount > price:
                self._add(UndueKind.PRICE_ABOVE_CONTRACT, line.amount - price, (index,), line.amount, price)

    def installation(self) -> None:
        charged_before = next(
            (
                other
                for other in self.earlier
                if any(line.kind is LineKind.INSTALLATION and line.amount > ZERO for line in other.lines)
            ),
            None,
        )
        disclosed = self.contract.installation_fee or ZERO
        kept: int | None = None
        for index in self._indexes(LineKind.INSTALLATION):
            line = self.invoice.lines[index]
            if line.amount <= ZERO:
                continue
            if charged_before is not None or kept is not None:
                self._duplicate(index, line, charged_before, kept)
                continue
            kept = index
            self._add_base(LineKind.INSTALLATION, min(line.amount, disclosed))
            if line.amount > disclosed:
                self._add(
                    UndueKind.INSTALLATION_NOT_DISCLOSED,
                    line.amount - disclosed,
                    (index,),
                    line.amount,
                    disclosed,
                    disclosed_fee=self.contract.installation_fee,
                )

    def extras(self) -> None:
        kept: dict[str, int] = {}
        for index in self._indexes(LineKind.EXTRA):
            line = self.invoice.lines[index]
            if line.amount <= ZERO:
                continue
            extra = _contracted_extra(line, self.contract, self.invoice)
            if extra is None:
                self._add(UndueKind.NOT_CONTRACTED, line.amount, (index,), line.amount, ZERO)
                continue
            billed_before = self._same_period_billed(LineKind.EXTRA, extra)
            key = _key(extra.name)
            if billed_before is not None or key in kept:
                self._duplicate(index, line, billed_before, kept.get(key))
                continue
            kept[key] = index
            self._add_base(LineKind.EXTRA, min(line.amount, extra.monthly_price))
            if line.amount > extra.monthly_price:
                self._add(
                    UndueKind.PRICE_ABOVE_CONTRACT,
                    line.amount - extra.monthly_price,
                    (index,),
                    line.amount,
                    extra.monthly_price,
                    extra=extra.name,
                )

    def promotion(self) -> Decimal:
        """Add a finding if the discount falls short; return how much more was given than due."""
        promotion = self.contract.promotion
        lines = self._indexes(LineKind.PROMOTION)
        given = -sum((self.invoice.lines[index].amount for index in lines), ZERO)
        due = self.due_discount()
        shortfall = due - given
        if promotion is None:
            return ZERO  # a discount the contract does not know of is not this promotion's
        if shortfall < minor_unit(self.invoice.currency):
            return max(given - due, ZERO)
        period = self.invoice
        days = promotion.days_within(period.period_start, period.period_end)
        ended_within = promotion.ends_on is not None and promotion.ends_on < period.period_end
        self._add(
            UndueKind.PROMOTION_WRONGLY_EXPIRED if ended_within else UndueKind.PROMOTION_MISSING,
            shortfall,
            tuple(lines),
            given,
            due,
            promotion=promotion.name,
            discount_pct=promotion.discount_pct,
            applies_to=promotion.applies_to.value,
            promotion_ends_on=promotion.ends_on,
            days_covered=days,
            period_days=period.period_days,
        )
        return ZERO

    def due_discount(self) -> Decimal:
        """The promotion's discount due on this invoice, exact: recurring charges prorated by days."""
        promotion = self.contract.promotion
        if promotion is None:
            return ZERO
        invoice = self.invoice
        days = promotion.days_within(invoice.period_start, invoice.period_end)
        if days == 0:
            return ZERO
        due = ZERO
        for kind, base in self.base.items():
            if not promotion.applies_to.covers(kind):
                continue
            if kind in ONE_OFF_KINDS:
                due += promotion.discount_pct * base / HUNDRED
            else:
                due += promotion.discount_pct * base * days / (HUNDRED * invoice.period_days)
        return due

    def _indexes(self, kind: LineKind) -> list[int]:
        return [index for index, line in enumerate(self.invoice.lines) if line.kind is kind]

    def _same_period_billed(self, kind: LineKind, extra: ContractedExtra | None = None) -> Invoice | None:
        """An earlier invoice for exactly this period with a charge of `kind` (this `extra`), if any."""
        for other in self.earlier:
            if (other.period_start, other.period_end) != (self.invoice.period_start, self.invoice.period_end):
                continue
            for line in other.lines:
                if line.kind is kind and line.amount > ZERO:
                    if extra is None or f" {_key(extra.name)} " in _words_key(line.description):
                        return other
        return None

    def _duplicate(
        self, index: int, line: InvoiceLine, earlier: Invoice | None, first_here: int | None
    ) -> None:
        if earlier is not None:
            details: dict[str, Detail] = {"duplicate_of": earlier.number}
        else:
            details = {"duplicate_of": self.invoice.number, "duplicate_of_line": first_here}
        self._add(UndueKind.DUPLICATE, line.amount, (index,), line.amount, ZERO, **details)

    def _add_base(self, kind: LineKind, amount: Decimal) -> None:
        self.base[kind] = self.base.get(kind, ZERO) + amount

    def _add(
        self,
        kind: UndueKind,
        amount: Decimal,
        lines: tuple[int, ...],
        billed: Decimal,
        expected: Decimal,
        **details: Detail,
    ) -> None:
        self.findings.append(_Finding(kind, amount, lines, billed, expected, dict(details)))


def _offset(findings: list[_Finding], excess_discount: Decimal) -> list[_Finding]:
    """Charges less a discount given beyond what was due.

    A biller that discounts a duplicate or overpriced line also gave back part
    of it: what the customer is owed is the net overcharge, so the excess is
    taken off the charges in order.
    """
    left = excess_discount
    for finding in findings:
        if left <= ZERO:
            break
        if finding.kind in (UndueKind.PROMOTION_MISSING, UndueKind.PROMOTION_WRONGLY_EXPIRED):
            continue
        taken = min(left, finding.amount)
        finding.amount -= taken
        finding.details["offset_by_discount"] = taken
        left -= taken
    return findings


def _contracted_extra(line: InvoiceLine, contract: Contract, invoice: Invoice) -> ContractedExtra | None:
    """The contracted extra an extra line bills, by name (accents and case aside), if any.

    ISP systems do not tag invoice items with the add-on they bill, so the line's
    description is matched against the extras' names, the longest name first.
    """
    words = _words_key(line.description)
    candidates = [
        extra
        for extra in contract.extras
        if extra.active_during(invoice.period_start, invoice.period_end) and f" {_key(extra.name)} " in words
    ]
    return max(candidates, key=lambda extra: len(extra.name), default=None)


def _key(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text)
    plain = "".join(char for char in plain if not unicodedata.combining(char))
    return " ".join("".join(char if char.isalnum() else " " for char in plain.casefold()).split())


def _words_key(text: str) -> str:
    """`_key(text)` padded with spaces, so a name is found only as whole words."""
    return f" {_key(text)} "


def _json_safe(value: Detail) -> str | int | None:
    if value is None or isinstance(value, (str, int)):
        return value
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
