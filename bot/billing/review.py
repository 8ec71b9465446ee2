"""Which invoice a billing claim is about, and what is wrong with it (if anything).

A customer rarely names the invoice. The review checks the latest invoices,
newest first, and stops at the first with undue charges; with none, the
invoice to explain is the one the customer named by number, else the newest
that has the kind of charge they mentioned ("me cobraron la instalación": the
first invoice), else the latest.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.billing.disputes import UndueCharge, find_undue_charges
from bot.billing.port import BillingLedger, Contract, Invoice, LineKind

# How many of the latest invoices a claim looks at: a quarter back, as a billing clerk would.
INVOICES_REVIEWED = 3
# Earlier invoices that reveal a period billed twice or an installation charged again.
_HISTORY = 12


@dataclass(frozen=True)
class Review:
    contract: Contract
    invoice: Invoice | None  # None: the service has no invoice yet
    charges: tuple[UndueCharge, ...]  # undue charges on `invoice`; empty when it is right
    latest: Invoice | None = None  # the newest invoice of the service, whichever `invoice` is


async def review_claim(
    ledger: BillingLedger,
    service_number: int,
    invoice_number: str | None = None,
    charges_named: Sequence[str] = (),
) -> Review | None:
    """The invoice the claim is about and its undue charges; None for an unknown service."""
    contract = await ledger.contract(service_number)
    if contract is None:
        return None
    invoices = await ledger.invoices(service_number, limit=_HISTORY)
    if not invoices:
        return Review(contract, None, (), None)
    named = next((invoice for invoice in invoices if invoice.number == invoice_number), None)
    candidates = [named] if named is not None else invoices[:INVOICES_REVIEWED]
    for invoice in candidates:
        earlier = [other for other in invoices if other.issued_on <= invoice.issued_on]
        charges = find_undue_charges(invoice, contract, earlier)
        if charges:
            return Review(contract, invoice, tuple(charges), invoices[0])
    return Review(contract, named or _with_charge_named(invoices, charges_named), (), invoices[0])


def _with_charge_named(invoices: Sequence[Invoice], kinds: Sequence[str]) -> Invoice:
    """The newest invoice with a line of the first kind named that any invoice has; else the newest."""
    for kind in kinds:
        for invoice in invoices:
            if any(line.kind is LineKind(kind) and line.amount != 0 for line in invoice.lines):
                return invoice
    return invoices[0]
