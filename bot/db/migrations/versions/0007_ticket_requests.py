"""Ticket requests: what a billing, sales or cancellation ticket asks for.

Tickets get their kind (bot.ports.tickets.TicketKind), the exact amount, the
invoice, the resolution date promised to the customer and, for a prospect's
sales lead, the lead's contact; such a lead has no customer, so `customer_id`
becomes nullable. The column changes need batch mode on SQLite. Downgrading
deletes the prospects' leads (and their answers), which the older schema
cannot hold.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-15 12:00:00.000000+00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_MONEY = sa.Numeric(precision=12, scale=2)
_TICKET_KINDS = ("recalculation_and_credit", "payment_report", "sales_lead", "plan_change", "retention")


def _quoted(values: Sequence[str]) -> str:
    return ", ".join(f"'{value}'" for value in values)


def upgrade() -> None:
    with op.batch_alter_table("tickets") as batch:
        batch.alter_column("customer_id", existing_type=sa.Integer(), nullable=True)
        batch.add_column(sa.Column("kind", sa.String(length=32), nullable=True))
        batch.add_column(sa.Column("amount", _MONEY, nullable=True))
        batch.add_column(sa.Column("invoice_number", sa.String(length=30), nullable=True))
        batch.add_column(sa.Column("resolve_by", sa.Date(), nullable=True))
        batch.add_column(sa.Column("lead", sa.JSON(), nullable=True))
        batch.create_check_constraint("kind", f"kind IS NULL OR kind IN ({_quoted(_TICKET_KINDS)})")
        batch.create_index(op.f("ix_tickets_kind"), ["kind"])


def downgrade() -> None:
    op.execute(
        "DELETE FROM ticket_answers"
        " WHERE ticket_id IN (SELECT id FROM tickets WHERE customer_id IS NULL)"
    )
    op.execute("DELETE FROM tickets WHERE customer_id IS NULL")
    with op.batch_alter_table("tickets") as batch:
        batch.drop_index(op.f("ix_tickets_kind"))
        batch.drop_constraint(op.f("ck_tickets_kind"), type_="check")
        batch.drop_column("lead")
        batch.drop_column("resolve_by")
        batch.drop_column("invoice_number")
        batch.drop_column("amount")
        batch.drop_column("kind")
        batch.alter_column("customer_id", existing_type=sa.Integer(), nullable=False)
