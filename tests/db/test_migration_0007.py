"""Migration 0007 (ticket requests) keeps the tickets on file and undoes itself, on both backends."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from alembic import command
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from bot.db.migrate import alembic_config, upgrade
from bot.db.session import create_db_engine

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=timezone.utc)
REQUEST_COLUMNS = {"kind", "amount", "invoice_number", "resolve_by", "lead"}


def execute(url: str, sql: str, **params: object) -> list:
    engine = create_db_engine(url)
    try:
        with engine.begin() as connection:
            result = connection.execute(text(sql), params)
            return [tuple(row) for row in result] if result.returns_rows else []
    finally:
        engine.dispose()


def ticket_columns(url: str) -> dict[str, bool]:
    engine = create_db_engine(url)
    try:
        return {column["name"]: column["nullable"] for column in inspect(engine).get_columns("tickets")}
    finally:
        engine.dispose()


def add_ticket(url: str, number: str, customer_id: int | None, **request: object) -> None:
    columns = ", ".join(request)
    values = ", ".join(f":{name}" for name in request)
    execute(
        url,
        "INSERT INTO tickets (number, customer_id, category, subject, description, status, priority,"
        " diagnostics, extra_cost_may_apply, created_at, updated_at"
        f"{', ' + columns if request else ''})"
        " VALUES (:number, :customer_id, 'billing', 'Factura', 'Duda', 'new', 'normal', '{}', :false,"
        f" :now, :now{', ' + values if request else ''})",
        number=number,
        customer_id=customer_id,
        false=False,
        now=NOW,
        **request,
    )


def test_0007_upgrade_keeps_tickets_and_downgrade_removes_the_leads(database_url: str) -> None:
    upgrade(database_url, revision="0006")
    [(customer,)] = execute(
        database_url,
        "INSERT INTO customers (first_name, last_name, document_id, phone, created_at, updated_at)"
        " VALUES ('Prueba', 'Cliente', '7654321', '+595981000111', :now, :now) RETURNING id",
        now=NOW,
    )
    add_ticket(database_url, "TK-10001", customer)

    upgrade(database_url, revision="0007")

    columns = ticket_columns(database_url)
    assert REQUEST_COLUMNS <= set(columns) and columns["customer_id"] is True
    assert execute(
        database_url, "SELECT customer_id, kind, amount, invoice_number, resolve_by, lead FROM tickets"
    ) == [(customer, None, None, None, None, None)]
    add_ticket(database_url, "TK-10002", None, kind="sales_lead", lead='{"name": "Carlos"}')
    [(lead_id,)] = execute(database_url, "SELECT id FROM tickets WHERE number = 'TK-10002'")
    execute(
        database_url,
        "INSERT INTO ticket_answers (ticket_id, author, body, created_at)"
        " VALUES (:ticket, 'agent', 'Llamar', :now)",
        ticket=lead_id,
        now=NOW,
    )
    with pytest.raises(IntegrityError):
        add_ticket(database_url, "TK-10003", customer, kind="refund")

    command.downgrade(alembic_config(database_url), "0006")

    columns = ticket_columns(database_url)
    assert not REQUEST_COLUMNS & set(columns) and columns["customer_id"] is False
    assert execute(database_url, "SELECT number, customer_id FROM tickets") == [("TK-10001", customer)]
    assert execute(database_url, "SELECT COUNT(*) FROM ticket_answers") == [(0,)]

    upgrade(database_url)
    assert REQUEST_COLUMNS <= set(ticket_columns(database_url))
