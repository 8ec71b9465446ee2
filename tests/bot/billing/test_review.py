"""A billing claim on the demo data: which invoice it is about and what is wrong with it."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from decimal import Decimal

import pytest
from sqlalchemy.orm import sessionmaker

from bot.billing.disputes import UndueKind
from bot.billing.local_adapter import LocalBillingLedger
from bot.billing.port import Contract, LineKind
from bot.billing.review import Review, review_claim
from bot.language.es.billing import charges_named, invoice_number_in
from tests.support.ports import Blocking

D = Decimal


@pytest.fixture
def ledger(shared_seeded_session_factory: sessionmaker) -> LocalBillingLedger:
    """For reading: the demo database is shared by the module's tests."""
    return LocalBillingLedger(shared_seeded_session_factory, currency="PYG")


def review(
    ledger: LocalBillingLedger,
    service_number: int,
    invoice_number: str | None = None,
    charges: Sequence[str] = (),
) -> Review | None:
    return asyncio.run(review_claim(ledger, service_number, invoice_number, charges))


def test_lucia_gets_the_duplicate_on_her_latest_invoice(ledger: LocalBillingLedger) -> None:
    latest = Blocking(ledger).invoices(1007)[0]
    found = review(ledger, 1007)

    assert found is not None and found.invoice == latest
    assert found.contract.service_number == 1007
    assert [(charge.kind, charge.amount) for charge in found.charges] == [(UndueKind.DUPLICATE, D("150000"))]


def test_diego_gets_his_missing_promotion(ledger: LocalBillingLedger) -> None:
    latest = Blocking(ledger).invoices(1008)[0]
    # What he names does not hide the undue charge on the latest invoice.
    found = review(ledger, 1008, charges=charges_named("me cobraron de más, ¿y mi descuento?"))

    assert found is not None and found.invoice == latest
    assert [(charge.kind, charge.amount) for charge in found.charges] == [
        (UndueKind.PROMOTION_MISSING, D("55000"))
    ]


def test_gabriela_has_no_undue_charge_and_the_installation_shows_her_first_invoice(
    ledger: LocalBillingLedger,
) -> None:
    latest, first = Blocking(ledger).invoices(1009)

    named = review(ledger, 1009, charges=charges_named("¿por qué me cobraron la instalación?"))
    assert named is not None and named.charges == ()
    assert named.invoice == first
    assert named.latest == latest  # the bill shown is still the newest one
    assert any(line.kind is LineKind.INSTALLATION for line in first.lines)

    unnamed = review(ledger, 1009)
    assert unnamed is not None and unnamed.charges == () and unnamed.invoice == latest


def test_maria_has_no_undue_charge_and_gets_her_latest_invoice(ledger: LocalBillingLedger) -> None:
    latest = Blocking(ledger).invoices(1001)[0]
    found = review(ledger, 1001)

    assert found is not None
    assert (found.invoice, found.charges) == (latest, ())
    # A kind of charge none of her invoices has falls back to the latest as well.
    assert review(ledger, 1001, charges=["installation"]) == found


def test_an_invoice_named_by_number_is_the_one_reviewed(ledger: LocalBillingLedger) -> None:
    invoices = Blocking(ledger).invoices(1001)
    older = invoices[-1]
    assert older != invoices[0]
    number = invoice_number_in(f"es sobre la factura {older.number}")

    found = review(ledger, 1001, number)

    assert found is not None and (found.invoice, found.charges) == (older, ())


def test_lucias_older_invoice_named_is_reviewed_alone(ledger: LocalBillingLedger) -> None:
    """Naming a right invoice does not pull in the duplicate on another one."""
    latest, *earlier = Blocking(ledger).invoices(1007)
    assert earlier

    found = review(ledger, 1007, earlier[0].number)

    assert found is not None and (found.invoice, found.charges) == (earlier[0], ())
    assert found.latest == latest


def test_an_unknown_invoice_number_reviews_the_latest(ledger: LocalBillingLedger) -> None:
    found = review(ledger, 1007, "F-1999-000001")

    assert found is not None and found.invoice == Blocking(ledger).invoices(1007)[0]
    assert [charge.kind for charge in found.charges] == [UndueKind.DUPLICATE]


def test_an_unknown_service_gives_none(ledger: LocalBillingLedger) -> None:
    assert review(ledger, 999999) is None


class NoInvoicesYet:
    """A ledger whose only service was just installed: a contract, no invoice."""

    def __init__(self, contract: Contract) -> None:
        self._contract = contract

    async def contract(self, service_number: int) -> Contract | None:
        return self._contract if service_number == self._contract.service_number else None

    async def invoices(self, service_number: int, limit: int = 6) -> list:
        return []


def test_a_service_without_invoices_has_nothing_to_review(ledger: LocalBillingLedger) -> None:
    contract = Blocking(ledger).contract(1001)

    found = asyncio.run(review_claim(NoInvoicesYet(contract), 1001, charges_named=["installation"]))

    assert found == Review(contract, None, ())
