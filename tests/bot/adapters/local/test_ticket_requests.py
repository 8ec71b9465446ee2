"""Tickets that say what is requested (kind, exact amount, invoice, promised date) and prospects' leads.

Like the other ticket desk tests, each runs on SQLite and on PostgreSQL.
"""
from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from bot.db.models import Ticket
from bot.db.session import session_scope
from bot.ports.tickets import TicketKind
from tests.bot.adapters.local.ticket_desks import customer_id
from tests.support.ports import Blocking

MARIA = "4123567"  # holds service 1001
PROSPECT = {"name": " Carlos Benítez ", "phone": "+595981555123", "zone": "Lambaré", "interest": "Fibra 300"}




def stored_amount(factory: sessionmaker, number: str) -> Any:
    with session_scope(factory) as session:
        return session.scalar(select(Ticket.amount).where(Ticket.number == number))


def test_a_recalculation_ticket_keeps_its_exact_amount_invoice_date_and_kind(
    desk: Blocking, seeded_session_factory: sessionmaker
) -> None:
    maria = customer_id(seeded_session_factory, MARIA)

    ticket = desk.open_ticket(
        maria,
        1001,
        "billing",
        "Recálculo y nota de crédito",
        "Cobro de días sin servicio",
        kind="recalculation_and_credit",
        amount=Decimal("89000"),
        invoice_number="  001-001-0004567 ",
        resolve_by=date(2026, 12, 20),
        diagnostics={"days_without_service": 9},
    )

    assert ticket.kind is TicketKind.RECALCULATION_AND_CREDIT
    assert isinstance(ticket.amount, Decimal) and ticket.amount == Decimal("89000")
    assert ticket.invoice_number == "001-001-0004567"
    assert ticket.resolve_by == date(2026, 12, 20)
    assert ticket.diagnostics == {"days_without_service": 9}
    assert (ticket.customer_id, ticket.service_number, ticket.lead) == (maria, 1001, None)
    read_back = desk.get(ticket.number)
    assert read_back == ticket
    assert read_back.amount == Decimal("89000") and str(read_back.amount) == "89000.00"
    assert stored_amount(seeded_session_factory, ticket.number) == Decimal("89000")


@pytest.mark.parametrize("amount", ["0", "0.01", "89000.50", "1234567.89", "9999999999.99"])
def test_amounts_come_back_exact(desk: Blocking, seeded_session_factory: sessionmaker, amount: str) -> None:
    maria = customer_id(seeded_session_factory, MARIA)

    ticket = desk.open_ticket(
        maria, 1001, "billing", "Pago", "Informa un pago",
        kind=TicketKind.PAYMENT_REPORT, amount=Decimal(amount),
    )

    assert desk.get(ticket.number).amount == Decimal(amount)


def test_a_ticket_without_a_request_reads_back_none(shared_desk: Blocking) -> None:
    ticket = shared_desk.get("TK-10001")

    assert (ticket.kind, ticket.amount, ticket.invoice_number, ticket.resolve_by, ticket.lead) == (
        None, None, None, None, None,
    )


def test_update_moves_the_promised_date(desk: Blocking, seeded_session_factory: sessionmaker) -> None:
    maria = customer_id(seeded_session_factory, MARIA)
    ticket = desk.open_ticket(
        maria, 1001, "sales", "Cambio de plan", "Pasar a Fibra 600", kind="plan_change",
        resolve_by=date(2026, 12, 10),
    )

    moved = desk.update(ticket.number, resolve_by=date(2026, 12, 12))
    cleared = desk.update(ticket.number, resolve_by=None)

    assert moved.resolve_by == date(2026, 12, 12)
    assert cleared.resolve_by is None and desk.get(ticket.number) == cleared
    with pytest.raises(ValueError, match="resolve_by"):
        desk.update(ticket.number, resolve_by=datetime(2026, 12, 12, tzinfo=timezone.utc))
    with pytest.raises(ValueError, match="resolve_by"):
        desk.update(ticket.number, resolve_by="2026-12-12")


def test_a_prospects_lead_has_no_customer_and_no_service(
    desk: Blocking, seeded_session_factory: sessionmaker
) -> None:
    maria = customer_id(seeded_session_factory, MARIA)

    ticket = desk.open_ticket(
        None, None, "sales", "Nuevo cliente", "Quiere contratar", channel="whatsapp",
        kind="sales_lead", lead={**PROSPECT, "email": " "},
    )

    assert (ticket.customer_id, ticket.service_number, ticket.kind) == (None, None, TicketKind.SALES_LEAD)
    assert ticket.lead == {
        "name": "Carlos Benítez", "phone": "+595981555123", "zone": "Lambaré", "interest": "Fibra 300"
    }
    assert desk.get(ticket.number) == ticket
    with_answer = desk.add_answer(ticket.number, "agent", "Llamar el lunes")
    assert [answer.body for answer in with_answer.answers] == ["Llamar el lunes"]
    # Leads never show up among a customer's tickets.
    assert ticket.number not in {t.number for t in desk.open_tickets_for(maria)}
    assert desk.find_open_ticket(maria, None, "sales") is None


def test_a_lead_with_an_email_only_and_a_customers_own_sales_lead(
    desk: Blocking, seeded_session_factory: sessionmaker
) -> None:
    maria = customer_id(seeded_session_factory, MARIA)

    by_mail = desk.open_ticket(
        None, None, "sales", "Nuevo cliente", "Consulta", kind="sales_lead",
        lead={"name": "Lucía", "email": "lucia@example.com"},
    )
    own = desk.open_ticket(maria, None, "sales", "Segunda conexión", "Para su local", kind="sales_lead")

    assert by_mail.lead == {"name": "Lucía", "email": "lucia@example.com"}
    assert (own.customer_id, own.lead) == (maria, None)


@pytest.mark.parametrize(
    ("customer", "service", "fields", "message"),
    [
        (True, 1001, {"kind": "recalculation_and_credit", "amount": 89000.0}, "Decimal"),
        (True, 1001, {"kind": "recalculation_and_credit", "amount": 89000}, "Decimal"),
        (True, 1001, {"kind": "recalculation_and_credit", "amount": Decimal("-1")}, "amount"),
        (True, 1001, {"kind": "recalculation_and_credit", "amount": Decimal("10.005")}, "two decimals"),
        (True, 1001, {"kind": "recalculation_and_credit", "amount": Decimal("NaN")}, "amount"),
        (True, 1001, {"kind": "recalculation_and_credit", "amount": Decimal("1E10")}, "amount"),
        (True, 1001, {"kind": "refund"}, "kind"),
        (True, 1001, {"kind": "plan_change", "resolve_by": datetime(2026, 12, 1, tzinfo=timezone.utc)},
         "resolve_by"),
        (True, 1001, {"kind": "payment_report", "invoice_number": "F" * 31}, "invoice_number"),
        (True, 1001, {"kind": "plan_change", "lead": PROSPECT}, "sales_lead"),
        (False, None, {"kind": "sales_lead", "lead": {"name": "Carlos", "zone": "Centro"}},
         "phone or an e-mail"),
        (False, None, {"kind": "sales_lead", "lead": {"name": " ", "phone": "+595981555123"}}, "name"),
        (False, None, {"kind": "sales_lead", "lead": {**PROSPECT, "document": "123"}}, "document"),
        (False, None, {"kind": "sales_lead", "lead": {**PROSPECT, "phone": 595981555123}}, "strings"),
        (False, None, {"kind": "sales_lead"}, "name"),
        (False, None, {"kind": "plan_change", "lead": PROSPECT}, "sales_lead"),
        (False, None, {}, "sales_lead"),
        (False, 1001, {"kind": "sales_lead", "lead": PROSPECT}, "no service"),
    ],
)
def test_open_ticket_refuses_a_bad_request_and_stores_nothing(
    shared_desk: Blocking,
    shared_seeded_session_factory: sessionmaker,
    customer: bool,
    service: int | None,
    fields: dict,
    message: str,
) -> None:
    owner = customer_id(shared_seeded_session_factory, MARIA) if customer else None

    with pytest.raises(ValueError, match=message):
        shared_desk.open_ticket(owner, service, "sales", "Pedido", "Pedido", **fields)

    assert shared_desk.get("TK-10003") is None
