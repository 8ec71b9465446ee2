"""The demo data holds every case testers rely on, once, however often it is seeded."""
from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import delete, select
from sqlalchemy.orm import Session, sessionmaker

from bot.db.migrate import upgrade
from bot.db.models import Base, Customer, Invoice, NetworkState, Service, Ticket
from bot.db.session import make_session_factory, session_scope
from bot.language.es.names import name_matches
from bot.language.phones import normalize_phone
from demo.records import load
from demo.seed import seed as seed_in

NOW = datetime(2026, 3, 20, 15, 0, tzinfo=timezone.utc)
COMPANY_TZ = ZoneInfo("America/Asuncion")
DEMO_CUSTOMERS, PLANS = load().customers, load().plans


def seed(factory: sessionmaker, now: datetime) -> int:
    return seed_in(factory, COMPANY_TZ, now=now)


@pytest.fixture
def session(shared_seeded_session_factory: sessionmaker) -> Iterator[Session]:
    with session_scope(shared_seeded_session_factory) as session:
        yield session


def snapshot(factory: sessionmaker) -> dict[str, list[tuple]]:
    with session_scope(factory) as session:
        return {
            name: sorted(map(tuple, session.execute(table.select()).all()), key=repr)
            for name, table in Base.metadata.tables.items()
        }


def latest_invoice(service: Service) -> Invoice:
    return max(service.invoices, key=lambda invoice: invoice.issued_on)


def customer_named(session: Session, first_name: str) -> Customer:
    return session.scalars(select(Customer).where(Customer.first_name == first_name)).one()


def test_seeding_twice_changes_nothing(database_url: str) -> None:
    upgrade(database_url)
    factory = make_session_factory(database_url)

    assert seed(factory, now=NOW) == len(DEMO_CUSTOMERS)
    first = snapshot(factory)
    assert seed(factory, now=NOW + timedelta(days=40)) == 0
    second = snapshot(factory)

    factory.kw["bind"].dispose()
    assert second == first
    assert len(first["customers"]) == len(DEMO_CUSTOMERS) >= 10


def test_seeded_on_a_friday_the_demo_visit_is_on_monday(database_url: str) -> None:
    """Technicians work on business days: the demo visit never falls on a weekend."""
    assert NOW.astimezone(COMPANY_TZ).strftime("%A") == "Friday"
    upgrade(database_url)
    factory = make_session_factory(database_url)
    seed(factory, now=NOW)
    with session_scope(factory) as session:
        visit = session.scalars(select(Ticket).where(Ticket.number == "TK-10001")).one().visit_start
    factory.kw["bind"].dispose()
    assert visit.astimezone(COMPANY_TZ).date().isoformat() == "2026-03-23"  # the Monday
    assert visit.astimezone(COMPANY_TZ).hour == 8


def test_reseeding_a_database_seeded_before_network_states_adds_only_them(
    database_url: str,
) -> None:
    upgrade(database_url)
    factory = make_session_factory(database_url)
    seed(factory, now=NOW)
    before = snapshot(factory)
    with session_scope(factory) as session:
        session.execute(delete(NetworkState))

    assert seed(factory, now=NOW) == 0
    after = snapshot(factory)

    factory.kw["bind"].dispose()
    without_ids = {
        name: rows if name != "network_states" else sorted(row[1:] for row in rows)
        for name, rows in before.items()
    }
    assert {**after, "network_states": sorted(row[1:] for row in after["network_states"])} == (
        without_ids
    )


def test_every_demo_service_has_its_network_state(session: Session) -> None:
    expected = {
        service.service_number: service.network
        for demo in DEMO_CUSTOMERS
        for service in demo.services
    }
    states = {
        service.service_number: service.network_state
        for service in session.scalars(select(Service))
    }
    assert set(states) == set(expected)
    for number, state in states.items():
        demo = expected[number]
        assert (
            state.onu_status,
            state.rx_power_dbm,
            state.ping_sent,
            state.ping_received,
            state.ping_avg_ms,
            state.traffic_down_mbps,
            state.connected_devices,
            state.probe_available,
        ) == (
            demo.onu_status,
            demo.rx_power_dbm,
            4,
            demo.ping_received,
            demo.ping_avg_ms,
            demo.traffic_down_mbps,
            demo.connected_devices,
            demo.probe_available,
        ), number


def test_network_states_show_every_case(session: Session) -> None:
    states = {
        service.service_number: service.network_state
        for service in session.scalars(select(Service))
    }
    assert {number for number, state in states.items() if not state.probe_available} == {1011}
    assert {state.onu_status for state in states.values()} == {
        "online",
        "offline",
        "los",
        "dying_gasp",
    }
    assert states[1002].onu_status == "los"
    assert states[1003].rx_power_dbm < -27 < states[1008].rx_power_dbm < -25
    assert states[1005].connected_devices >= 15


def test_service_numbers_run_from_1001(session: Session) -> None:
    numbers = session.scalars(select(Service.service_number).order_by(Service.service_number))
    numbers = list(numbers)
    assert numbers == list(range(1001, 1001 + len(numbers)))


def test_two_customers_share_first_and_last_name(session: Session) -> None:
    customers = session.scalars(select(Customer)).all()
    namesakes = [c for c in customers if name_matches("juan duarte", c.first_name, c.last_name)]
    assert len(namesakes) == 2


def test_a_customer_is_suspended_for_non_payment_with_an_overdue_invoice(session: Session) -> None:
    suspended = session.scalars(select(Service).where(Service.status == "suspended")).one()
    assert suspended.suspension_reason == "non_payment"
    assert latest_invoice(suspended).status == "overdue"
    assert latest_invoice(suspended).due_on < datetime.now(timezone.utc).date()


def test_a_customer_has_two_services_at_different_addresses(session: Session) -> None:
    ana = customer_named(session, "Ana")
    assert [service.service_number for service in ana.services] == [1005, 1006]
    assert len({service.address for service in ana.services}) == 2


def test_a_latest_invoice_charges_the_plan_twice(session: Session) -> None:
    invoice = latest_invoice(customer_named(session, "Lucía").services[0])
    plan_lines = [line for line in invoice.lines if line.kind == "plan"]
    assert len(plan_lines) == 2
    assert plan_lines[0].description == plan_lines[1].description
    assert invoice.total == 2 * PLANS["Fibra 100"].monthly_price


def test_a_valid_promotion_is_missing_from_the_latest_invoice(session: Session) -> None:
    service = customer_named(session, "Diego").services[0]
    invoice = latest_invoice(service)
    assert service.promotion_discount_pct == 25
    assert service.promotion_ends_on > invoice.period_end
    assert [line.kind for line in invoice.lines] == ["plan"]
    earlier = [i for i in service.invoices if i is not invoice]
    assert all("promotion" in [line.kind for line in i.lines] for i in earlier)


def test_every_invoice_total_is_the_sum_of_its_lines(session: Session) -> None:
    invoices = session.scalars(select(Invoice)).all()
    assert invoices
    for invoice in invoices:
        assert invoice.total == sum(line.amount for line in invoice.lines), invoice.number
        assert invoice.period_start <= invoice.issued_on < invoice.due_on


def test_demo_tickets_one_open_with_a_visit_and_one_closed(session: Session) -> None:
    tickets = {ticket.number: ticket for ticket in session.scalars(select(Ticket))}
    assert set(tickets) == {"TK-10001", "TK-10002"}

    open_ticket = tickets["TK-10001"]
    assert (open_ticket.category, open_ticket.status) == ("technical", "in_progress")
    assert open_ticket.customer.first_name == "Juan Carlos"
    assert open_ticket.visit_start < open_ticket.visit_end
    assert open_ticket.visit_start > datetime.now(timezone.utc)

    closed = tickets["TK-10002"]
    assert closed.status == "closed"
    assert closed.closed_at is not None
    assert [answer.author for answer in closed.answers] == ["agent", "customer"]


def test_contact_data_is_canonical(session: Session) -> None:
    for customer in session.scalars(select(Customer)):
        assert normalize_phone(customer.phone, "PY") == customer.phone
        if customer.phone_alt:
            assert normalize_phone(customer.phone_alt, "PY") == customer.phone_alt
        assert customer.document_id.isdigit()
        assert re.fullmatch(r"[a-z.]+@example\.(com|net|org)", customer.email)
