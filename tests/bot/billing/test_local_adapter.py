"""The embedded billing ledger reads each demo case back, exactly, on SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import delete, select, text, update
from sqlalchemy.orm import sessionmaker

from bot.billing.disputes import UndueKind, explain, find_undue_charges
from bot.billing.local_adapter import LocalBillingLedger
from bot.billing.port import (
    BillingLedger,
    InvoicesStanding,
    InvoiceStatus,
    LineKind,
    PaymentMethod,
    Plan,
    PromotionScope,
)
from bot.db import models
from bot.db.migrate import upgrade
from bot.db.session import create_db_engine, make_session_factory, session_scope
from bot.ports.customers import ServiceStatus
from bot.settings import get_settings, load_settings
from bot.wiring import build_services
from demo.seed import seed
from tests.support.ports import Blocking

D = Decimal
TZ = get_settings().company.tzinfo


def today() -> date:
    """The company's date, as the seed used it."""
    return datetime.now(TZ).date()


@pytest.fixture
def ledger(shared_seeded_session_factory: sessionmaker) -> Blocking:
    """For reading: the demo database is shared by the module's tests."""
    return Blocking(LocalBillingLedger(shared_seeded_session_factory, currency="PYG"))


def undue(ledger: Blocking, service_number: int) -> list:
    """The undue charges on the service's latest invoice, checked against its earlier ones."""
    latest, *earlier = ledger.invoices(service_number)
    return find_undue_charges(latest, ledger.contract(service_number), earlier)


def test_local_ledger_satisfies_the_port(ledger: Blocking) -> None:
    port: BillingLedger = ledger
    assert port.contract(1001) is not None


def test_the_catalogue_lists_the_plans_on_sale_in_order(ledger: Blocking) -> None:
    assert ledger.catalogue() == [
        Plan("Hogar 50", 50, 25, D("110000")),
        Plan("Fibra 100", 100, 50, D("150000")),
        Plan("Fibra 300", 300, 150, D("220000")),
        Plan("Fibra 600", 600, 300, D("300000")),
    ]


def test_lucia_was_billed_her_plan_twice(ledger: Blocking) -> None:
    latest = ledger.invoices(1007)[0]
    [charge] = undue(ledger, 1007)

    assert (charge.kind, charge.amount, charge.invoice_number) == (
        UndueKind.DUPLICATE,
        D("150000"),
        latest.number,
    )
    assert latest.total == D("300000") and latest.status is InvoiceStatus.PENDING


def test_diegos_promotion_is_missing_from_his_latest_invoice(ledger: Blocking) -> None:
    contract = ledger.contract(1008)
    [charge] = undue(ledger, 1008)

    assert contract.promotion is not None
    assert (contract.promotion.discount_pct, contract.promotion.applies_to) == (D("25"), PromotionScope.PLAN)
    assert contract.promotion.starts_on == contract.installed_on
    assert (charge.kind, charge.amount, charge.expected) == (
        UndueKind.PROMOTION_MISSING,
        D("55000"),
        D("55000"),
    )
    assert charge.details["promotion"] == "Promo Verano Fibra 300"
    # It was applied on the invoices before: those are right.
    _, *earlier = ledger.invoices(1008)
    assert earlier and all(find_undue_charges(invoice, contract) == [] for invoice in earlier)


def test_gabrielas_first_invoice_with_the_installation_fee_is_right(ledger: Blocking) -> None:
    contract = ledger.contract(1009)
    latest, first = ledger.invoices(1009)

    assert contract.installation_fee == D("200000")
    assert [(line.kind, line.amount) for line in first.lines] == [
        (LineKind.PLAN, D("300000")),
        (LineKind.PROMOTION, D("-60000")),
        (LineKind.INSTALLATION, D("200000")),
    ]
    assert first.total == D("440000")
    assert find_undue_charges(first, contract) == []
    assert find_undue_charges(latest, contract, [first]) == []
    assert [line.contracted for line in explain(first, contract)] == [True, True, True]


def test_pedro_owes_an_overdue_invoice_and_his_cutoff_has_passed(ledger: Blocking) -> None:
    balance = ledger.balance(1004, today())
    [overdue] = [invoice for invoice in ledger.invoices(1004) if not invoice.is_paid]

    assert balance.service_status is ServiceStatus.SUSPENDED
    assert balance.standing is InvoicesStanding.OVERDUE
    assert (balance.amount_owed, balance.overdue_amount) == (D("150000"), D("150000"))
    assert balance.unpaid_invoices == balance.overdue_invoices == (overdue.number,)
    assert overdue.status is InvoiceStatus.OVERDUE and overdue.is_overdue_on(today())
    assert balance.due_on == overdue.due_on < today()
    assert balance.cutoff_on == overdue.due_on + timedelta(days=5)
    assert balance.days_to_cutoff is not None and balance.days_to_cutoff < 0
    assert balance.last_payment is not None and balance.last_payment.invoice_number != overdue.number


def test_maria_has_a_pending_invoice_and_paid_at_a_collection_network(ledger: Blocking) -> None:
    balance = ledger.balance(1001, today())
    payments = ledger.payments(1001)

    assert balance.standing is InvoicesStanding.PENDING
    assert balance.amount_owed == D("220000") and balance.overdue_invoices == ()
    assert balance.due_on is not None and balance.due_on >= today()
    assert balance.cutoff_on is not None and balance.cutoff_on > balance.due_on
    assert [(p.amount, p.method, p.reference) for p in payments] == [
        (D("220000"), PaymentMethod.PAYMENT_NETWORK, "AP-0043318"),
        (D("220000"), PaymentMethod.PAYMENT_NETWORK, "AP-0041729"),
    ]
    assert payments[0].paid_on > payments[1].paid_on
    assert balance.last_payment == payments[0]
    assert ledger.payments(1001, limit=1) == payments[:1]


def test_sofias_fixed_ip_is_contracted_so_not_undue(ledger: Blocking) -> None:
    contract = ledger.contract(1011)
    latest, *earlier = ledger.invoices(1011)

    [extra] = contract.extras
    assert (extra.name, extra.monthly_price, extra.ends_on) == ("IP fija", D("35000"), None)
    assert find_undue_charges(latest, contract, earlier) == []
    explained = explain(latest, contract)[-1]
    assert (explained.kind, explained.contracted, explained.extra) == (LineKind.EXTRA, True, extra)


def test_ramons_service_is_cancelled_and_everything_is_paid(ledger: Blocking) -> None:
    contract = ledger.contract(1012)
    balance = ledger.balance(1012, today())

    assert contract.status is ServiceStatus.CANCELLED
    assert balance.standing is InvoicesStanding.UP_TO_DATE
    assert (balance.amount_owed, balance.due_on, balance.cutoff_on) == (D("0"), None, None)
    assert all(invoice.is_paid for invoice in ledger.invoices(1012))
    assert {payment.method for payment in ledger.payments(1012)} == {PaymentMethod.CASH}


def test_only_lucia_and_diego_have_undue_charges(ledger: Blocking) -> None:
    found = {}
    for number in range(1001, 1013):
        invoices = ledger.invoices(number, limit=12)
        contract = ledger.contract(number)
        for position, invoice in enumerate(invoices):
            for charge in find_undue_charges(invoice, contract, invoices[position + 1 :]):
                found[(number, invoice.number)] = charge.kind
    assert sorted(found.values()) == [UndueKind.DUPLICATE, UndueKind.PROMOTION_MISSING]
    assert sorted(number for number, _ in found) == [1007, 1008]


def test_amounts_are_exact_decimals_and_invoices_add_up(ledger: Blocking) -> None:
    for number in range(1001, 1013):
        for invoice in ledger.invoices(number):
            assert invoice.currency == "PYG"
            assert isinstance(invoice.total, Decimal)
            assert all(isinstance(line.amount, Decimal) for line in invoice.lines)
            assert invoice.total == sum((line.amount for line in invoice.lines), D(0))
        for payment in ledger.payments(number):
            assert isinstance(payment.amount, Decimal)
        assert isinstance(ledger.balance(number, today()).amount_owed, Decimal)


def test_invoices_are_newest_first_and_found_by_number(ledger: Blocking) -> None:
    invoices = ledger.invoices(1001)
    assert [invoice.issued_on for invoice in invoices] == sorted(
        (invoice.issued_on for invoice in invoices), reverse=True
    )
    assert ledger.invoices(1001, limit=1) == invoices[:1]
    latest = invoices[0]
    assert ledger.invoice(f"  {latest.number.lower()} ") == latest
    assert latest.service_number == 1001 and latest.customer_id == ledger.contract(1001).customer_id


def test_an_unknown_service_or_invoice_gives_nothing(ledger: Blocking) -> None:
    assert ledger.contract(9999) is None
    assert ledger.balance(9999, today()) is None
    assert ledger.invoices(9999) == []
    assert ledger.payments(9999) == []
    assert ledger.invoice("F-1999-000001") is None


def test_a_partial_payment_lowers_what_is_owed(seeded_session_factory: sessionmaker) -> None:
    ledger = Blocking(LocalBillingLedger(seeded_session_factory))
    pending = ledger.invoices(1001)[0]
    with session_scope(seeded_session_factory) as session:
        invoice = session.scalars(select(models.Invoice).where(models.Invoice.number == pending.number)).one()
        session.add(
            models.Payment(
                service_id=invoice.service_id,
                invoice_id=invoice.id,
                amount=D("70000.50"),
                paid_on=today(),
                method="transfer",
                reference="TRF-1",
            )
        )

    balance = ledger.balance(1001, today())

    assert balance.amount_owed == D("149999.50")
    assert balance.unpaid_invoices == (pending.number,)
    assert balance.last_payment.reference == "TRF-1"


def test_inactive_plans_leave_the_catalogue(seeded_session_factory: sessionmaker) -> None:
    with session_scope(seeded_session_factory) as session:
        session.execute(
            update(models.CataloguePlan).where(models.CataloguePlan.name == "Hogar 50").values(active=False)
        )
    names = [plan.name for plan in Blocking(LocalBillingLedger(seeded_session_factory)).catalogue()]
    assert names == ["Fibra 100", "Fibra 300", "Fibra 600"]


def test_a_demo_database_seeded_before_billing_gets_its_billing_data(
    seeded_session_factory: sessionmaker,
) -> None:
    ledger = Blocking(LocalBillingLedger(seeded_session_factory))
    before = {
        number: (ledger.contract(number), ledger.payments(number, limit=12)) for number in range(1001, 1013)
    }
    with session_scope(seeded_session_factory) as session:
        session.execute(delete(models.Payment))
        session.execute(delete(models.ServiceExtra))
        session.execute(delete(models.CataloguePlan))
        session.execute(update(models.Service).values(installation_fee=None))

    assert seed(seeded_session_factory, TZ) == 0

    after = {
        number: (ledger.contract(number), ledger.payments(number, limit=12)) for number in range(1001, 1013)
    }
    assert after == before
    assert len(ledger.catalogue()) == 4


def test_the_migration_dates_promotions_already_on_file_from_the_installation(database_url: str) -> None:
    upgrade(database_url, revision="0005")
    engine = create_db_engine(database_url)
    try:
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO customers"
                    " (id, first_name, last_name, document_id, phone, created_at, updated_at)"
                    " VALUES (1, 'Ana', 'Pérez', '123', '+595981000000', :now, :now)"
                ),
                {"now": datetime.now(TZ)},
            )
            connection.execute(
                text(
                    "INSERT INTO services (id, service_number, customer_id, plan_name, download_mbps,"
                    " upload_mbps, monthly_price, status, address, zone, installed_on, promotion_name,"
                    " promotion_discount_pct, promotion_ends_on, created_at, updated_at)"
                    " VALUES (1, 2001, 1, 'Fibra 100', 100, 50, 150000, 'active', 'Calle 1', 'Centro',"
                    " :installed, 'Promo', 10, :ends, :now, :now)"
                ),
                {"installed": date(2026, 1, 5), "ends": date(2027, 1, 5), "now": datetime.now(TZ)},
            )
    finally:
        engine.dispose()

    upgrade(database_url)

    factory = make_session_factory(database_url)
    try:
        contract = Blocking(LocalBillingLedger(factory)).contract(2001)
    finally:
        factory.kw["bind"].dispose()
    assert contract.promotion is not None
    assert (contract.promotion.starts_on, contract.promotion.applies_to) == (
        date(2026, 1, 5),
        PromotionScope.PLAN,
    )
    assert (contract.cutoff_grace_days, contract.installation_fee, contract.extras) == (5, None, ())


def test_the_services_wire_the_local_ledger_in_the_companys_currency(
    shared_seeded_session_factory: sessionmaker,
) -> None:
    settings = dataclasses.replace(load_settings(), database_url="sqlite://")
    services = build_services(settings, shared_seeded_session_factory)

    assert isinstance(services.billing, LocalBillingLedger)
    assert Blocking(services.billing).invoices(1001)[0].currency == settings.company.currency


def test_the_invoice_statuses_of_the_schema_are_the_ports() -> None:
    assert set(models.INVOICE_STATUSES) == {status.value for status in InvoiceStatus}
