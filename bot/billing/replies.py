"""What the assistant says about a bill: the responses to utter and their values, from the records.

Pure functions over `bot.billing.port` records and `bot.billing.disputes`
results; the Spanish is in the domain's responses (domain/billing.yml), amounts
and dates are formatted here the way a customer reads them ("220.000 PYG",
"13 de diciembre"). Actions utter the list as it comes.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from bot.billing.disputes import ExplainedLine, UndueCharge, UndueKind, explain, total_undue
from bot.billing.money import ZERO
from bot.billing.port import Balance, Contract, Invoice, LineKind, Payment, Plan, Promotion
from bot.billing.terms import BillingTerms
from bot.language.es.billing import PAYMENT_METHOD_NAMES, PROMOTION_END
from bot.language.es.formatting import day_and_month, money
from bot.ports.customers import ServiceStatus


@dataclass(frozen=True)
class Reply:
    response: str
    values: dict[str, str] = field(default_factory=dict)


def balance_replies(balance: Balance, terms: BillingTerms) -> list[Reply]:
    """What is owed and by when; for an overdue or cut service, what is overdue and how it comes back."""
    currency = balance.currency
    if balance.amount_owed <= ZERO:
        # A cancelled service is said to be so: "está al día" alone would read as active.
        cancelled = "_cancelled" if balance.service_status is ServiceStatus.CANCELLED else ""
        last = balance.last_payment
        if last is None:
            return [Reply(f"utter_billing_nothing_owed{cancelled}")]
        return [
            Reply(
                f"utter_billing_nothing_owed{cancelled}_last_payment",
                {"amount": money(last.amount, currency), "paid_on": day_and_month(last.paid_on)},
            )
        ]
    values = {
        "amount": money(balance.amount_owed, currency),
        "overdue_amount": money(balance.overdue_amount, currency),
        "due_on": day_and_month(balance.due_on) if balance.due_on else "",
        "cutoff_on": day_and_month(balance.cutoff_on) if balance.cutoff_on else "",
        "invoices": ", ".join(balance.overdue_invoices or balance.unpaid_invoices),
        "reconnection_hours": str(terms.reconnection_hours),
    }
    if balance.service_status is ServiceStatus.SUSPENDED and balance.overdue_invoices:
        return [Reply("utter_billing_suspended_overdue", values)]
    if balance.overdue_invoices:
        days = balance.days_to_cutoff
        if days is not None and days >= 0:
            return [Reply("utter_billing_overdue_before_cutoff", values)]
        return [Reply("utter_billing_overdue", values)]
    return [Reply("utter_billing_owed", values)]


def invoice_replies(invoice: Invoice, contract: Contract) -> list[Reply]:
    """The invoice line by line with what the contract says of each line, then its total."""
    currency = invoice.currency
    replies = [
        Reply(
            "utter_invoice_heading",
            {
                "invoice": invoice.number,
                "period_start": day_and_month(invoice.period_start),
                "period_end": day_and_month(invoice.period_end),
            },
        )
    ]
    replies += [_line_reply(line, currency) for line in explain(invoice, contract)]
    status = "paid" if invoice.is_paid else "unpaid"
    replies.append(
        Reply(
            f"utter_invoice_total_{status}",
            {"total": money(invoice.total, currency), "due_on": day_and_month(invoice.due_on)},
        )
    )
    return replies


def _line_reply(line: ExplainedLine, currency: str) -> Reply:
    values = {"description": line.description, "amount": money(line.amount, currency)}
    if line.kind is LineKind.PLAN and line.plan is not None:
        values.update(_plan_values(line.plan, currency))
        matches = line.contracted_amount is not None and line.amount <= line.contracted_amount
        return Reply(f"utter_invoice_line_plan{'' if matches else '_above'}", values)
    if line.kind is LineKind.PROMOTION and line.promotion is not None:
        values.update(promotion_values(line.promotion))
        values["amount"] = money(-line.amount, currency)
        # One response per scope: what the discount applies to is said in the domain's words.
        ending = "" if line.promotion.ends_on else "_no_end"
        return Reply(f"utter_invoice_line_promotion_{line.promotion.applies_to.value}{ending}", values)
    if line.kind is LineKind.EXTRA:
        if line.extra is None:
            return Reply("utter_invoice_line_extra_not_contracted", values)
        values.update(name=line.extra.name, starts_on=day_and_month(line.extra.starts_on))
        return Reply("utter_invoice_line_extra", values)
    if line.kind is LineKind.INSTALLATION:
        disclosed = bool(line.contracted) and (line.contracted_amount or ZERO) >= line.amount
        return Reply(f"utter_invoice_line_installation{'' if disclosed else '_not_disclosed'}", values)
    kind = line.kind.value if line.kind in _OTHER_LINE_RESPONSES else LineKind.OTHER.value
    return Reply(f"utter_invoice_line_{kind}", values)


_OTHER_LINE_RESPONSES = frozenset({LineKind.RECONNECTION, LineKind.TAX, LineKind.ADJUSTMENT, LineKind.OTHER})


def _plan_values(plan: Plan, currency: str) -> dict[str, str]:
    return {"plan": plan.name, "mbps": str(plan.download_mbps), "price": money(plan.monthly_price, currency)}


def promotion_values(promotion: Promotion) -> dict[str, str]:
    """The values every promotion response uses: name, % and until when."""
    return {
        "promotion": promotion.name,
        "discount_pct": _percent(promotion.discount_pct),
        "ends_on": day_and_month(promotion.ends_on) if promotion.ends_on else "",
    }


def promotion_replies(contract: Contract, today: date) -> list[Reply]:
    """The promotion the customer has and when it ends (seed 001: for how long? on what? what %?)."""
    promotion = contract.promotion
    if promotion is None or (promotion.ends_on is not None and promotion.ends_on < today):
        return []
    ending = "ends" if promotion.ends_on else "no_end"
    values = {**promotion_values(promotion), "price_after": money(contract.monthly_price, contract.currency)}
    return [Reply(f"utter_billing_promotion_{ending}", values)]


def undue_replies(
    charges: Sequence[UndueCharge], currency: str, ticket_number: str, resolve_by: date
) -> list[Reply]:
    """Each undue charge found, then the recálculo y abono requested: amount, ticket, date."""
    replies = [
        Reply(
            f"utter_undue_{charge.kind.value}{_none_given(charge)}",
            {
                "invoice": charge.invoice_number,
                "amount": money(charge.amount, currency),
                "billed": money(charge.billed, currency),
                "expected": money(charge.expected, currency),
                **_details(charge),
            },
        )
        for charge in charges
    ]
    replies.append(
        Reply(
            "utter_recalculation_requested",
            {
                "amount": money(total_undue(charges), currency),
                "invoice": charges[0].invoice_number,
                "ticket_number": ticket_number,
                "resolve_by": day_and_month(resolve_by),
            },
        )
    )
    return replies


def _none_given(charge: UndueCharge) -> str:
    """A promotion not applied at all is said so, not as "se le descontó 0 PYG"."""
    missing = charge.kind is UndueKind.PROMOTION_MISSING and charge.billed == ZERO
    return "_none" if missing else ""


def _details(charge: UndueCharge) -> dict[str, str]:
    details = charge.details
    values: dict[str, str] = {}
    if charge.kind in (UndueKind.PROMOTION_MISSING, UndueKind.PROMOTION_WRONGLY_EXPIRED):
        values["promotion"] = str(details.get("promotion") or "")
        values["discount_pct"] = _percent(Decimal(str(details.get("discount_pct") or 0)))
        ends_on = details.get("promotion_ends_on")
        values["ends_on"] = day_and_month(ends_on) if isinstance(ends_on, date) else ""
    if charge.kind is UndueKind.PRICE_ABOVE_CONTRACT:
        values["extra"] = str(details.get("extra") or "")
    return values


def _percent(value: Decimal) -> str:
    """25 -> "25", 12.50 -> "12,5"."""
    text = format(value.normalize(), "f")
    return text.replace(".", ",")


# The replies of a whole billing answer (balance, invoice, promotion) that answer a follow-up
# about one part of it (bot.language.es.billing.bill_part_asked): the part's own lines first,
# then what completes them ("¿cuánto es con el descuento?": the total and the price after it).
_PART_LINES = {
    "due_date": ("utter_billing_owed", "utter_billing_overdue", "utter_billing_suspended_overdue",
                 "utter_billing_nothing_owed"),
    "promotion": ("utter_invoice_line_promotion_",),
    "installation": ("utter_invoice_line_installation",),
    "extra": ("utter_invoice_line_extra",),
    "reconnection": ("utter_invoice_line_reconnection",),
}
_PART_COMPANIONS = {"promotion": ("utter_invoice_total_", "utter_billing_promotion_")}
# "¿Hasta cuándo dura la promo?": the promotion's end and the price after it, from the
# promotion answer; a promotion already over has only its invoice line ("vale hasta el …").
_PROMOTION_END_LINES = (("utter_billing_promotion_",), ("utter_invoice_line_promotion_",))


def part_replies(part: str, replies: Sequence[Reply], older_invoice: bool = False) -> list[Reply]:
    """Of a whole billing answer, what answers the question about `part`, in the answer's order.

    A part the bill does not have is said so (`utter_bill_part_missing_<part>`), never
    answered with the whole bill again. A line of an invoice older than the latest
    ("la instalación": the first one) comes with that invoice's heading, so it is not
    taken for this month's.
    """
    if part == PROMOTION_END:
        for end_lines in _PROMOTION_END_LINES:
            found = [reply for reply in replies if reply.response.startswith(end_lines)]
            if found:
                return found
        return [Reply("utter_bill_part_missing_promotion")]
    lines = _PART_LINES[part]
    if not any(reply.response.startswith(lines) for reply in replies):
        return [Reply(f"utter_bill_part_missing_{part}")]
    wanted = lines + _PART_COMPANIONS.get(part, ()) + (("utter_invoice_heading",) if older_invoice else ())
    return [reply for reply in replies if reply.response.startswith(wanted)]


def payments_replies(payments: Sequence[Payment], currency: str) -> list[Reply]:
    """The payments on record, newest first: when, how much, how, and which invoice they paid."""
    if not payments:
        return [Reply("utter_payments_made_none")]
    replies = [Reply("utter_payments_made_heading")]
    for payment in payments:
        values = {
            "paid_on": day_and_month(payment.paid_on),
            "amount": money(payment.amount, currency),
            # The way it was paid, in words (bot/language/es/billing_words.yml).
            "description": PAYMENT_METHOD_NAMES.get(payment.method.value, PAYMENT_METHOD_NAMES["other"]),
            "invoice": payment.invoice_number or "",
        }
        paid_for = "utter_payments_made_item"
        if not payment.invoice_number:
            paid_for = "utter_payments_made_item_on_account"
        replies.append(Reply(paid_for, values))
    return replies


def plan_change_target(
    current: Plan, catalogue: Sequence[Plan], wanted_mbps: int | None = None
) -> Plan | None:
    """The plan a change would be to: the one the customer named ("el plan de 300"), else the
    next faster plan on sale; None when there is none. The plan they already have, named, is
    no change: the next faster one is offered."""
    named = [plan for plan in catalogue if plan.download_mbps == wanted_mbps != current.download_mbps]
    if named:
        return named[0]
    faster = sorted(
        (plan for plan in catalogue if plan.download_mbps > current.download_mbps),
        key=lambda plan: (plan.download_mbps, plan.monthly_price),
    )
    return faster[0] if faster else None


def upgrade_replies(
    current: Plan, catalogue: Sequence[Plan], currency: str, wanted_mbps: int | None = None
) -> list[Reply]:
    """The customer's plan, and the plan they named or the next faster plan on sale, with the
    price difference per month."""
    values = {
        "plan": current.name,
        "mbps": str(current.download_mbps),
        "price": money(current.monthly_price, currency),
    }
    target = plan_change_target(current, catalogue, wanted_mbps)
    if target is None:
        return [Reply("utter_sales_fastest_plan", values)]
    difference = target.monthly_price - current.monthly_price
    values.update(
        next_plan=target.name,
        next_mbps=str(target.download_mbps),
        next_price=money(target.monthly_price, currency),
        difference=money(abs(difference), currency),
    )
    slower = target.download_mbps < current.download_mbps
    return [Reply("utter_sales_downgrade_offer" if slower else "utter_sales_upgrade_offer", values)]


def catalogue_replies(catalogue: Sequence[Plan], currency: str) -> list[Reply]:
    """The plans on sale, each with its speeds and monthly price."""
    return [Reply("utter_sales_catalogue_heading")] + [
        Reply(
            "utter_sales_catalogue_plan",
            {**_plan_values(plan, currency), "upload_mbps": str(plan.upload_mbps)},
        )
        for plan in catalogue
    ]
