"""Billing: the plan catalogue, payments, contracted extras and the services' billing terms.

Services get their promotion's start and scope, the installation fee disclosed
at sale and the grace days before a cut for non-payment. A promotion already
on file ran from the installation and applied to the plan, which is what the
data migration records. New tables need no batch mode; the new columns of
`services` do, for SQLite.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-08 12:00:00.000000+00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_WHEN = sa.DateTime(timezone=True)
_MONEY = sa.Numeric(precision=12, scale=2)
_PAYMENT_METHODS = ("cash", "transfer", "card", "payment_network", "direct_debit", "other")
_PROMOTION_SCOPES = ("plan", "extras", "installation", "all")


def _quoted(values: Sequence[str]) -> str:
    return ", ".join(f"'{value}'" for value in values)


def upgrade() -> None:
    op.create_table(
        "plans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("download_mbps", sa.Integer(), nullable=False),
        sa.Column("upload_mbps", sa.Integer(), nullable=False),
        sa.Column("monthly_price", _MONEY, nullable=False),
        sa.Column("active", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("sort_order", sa.Integer(), server_default="0", nullable=False),
        sa.Column("created_at", _WHEN, nullable=False),
        sa.Column("updated_at", _WHEN, nullable=False),
        sa.CheckConstraint("monthly_price >= 0", name=op.f("ck_plans_monthly_price")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plans")),
        sa.UniqueConstraint("name", name=op.f("uq_plans_name")),
    )
    op.create_table(
        "service_extras",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("monthly_price", _MONEY, nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("created_at", _WHEN, nullable=False),
        sa.CheckConstraint("monthly_price >= 0", name=op.f("ck_service_extras_monthly_price")),
        sa.ForeignKeyConstraint(
            ["service_id"], ["services.id"], name=op.f("fk_service_extras_service_id_services")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_extras")),
    )
    op.create_index(op.f("ix_service_extras_service_id"), "service_extras", ["service_id"])
    op.create_table(
        "payments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("invoice_id", sa.Integer(), nullable=True),
        sa.Column("amount", _MONEY, nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=False),
        sa.Column("method", sa.String(length=20), nullable=False),
        sa.Column("reference", sa.String(length=60), nullable=True),
        sa.Column("created_at", _WHEN, nullable=False),
        sa.CheckConstraint(f"method IN ({_quoted(_PAYMENT_METHODS)})", name=op.f("ck_payments_method")),
        sa.CheckConstraint("amount > 0", name=op.f("ck_payments_amount")),
        sa.ForeignKeyConstraint(
            ["service_id"], ["services.id"], name=op.f("fk_payments_service_id_services")
        ),
        sa.ForeignKeyConstraint(
            ["invoice_id"], ["invoices.id"], name=op.f("fk_payments_invoice_id_invoices")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payments")),
    )
    op.create_index(op.f("ix_payments_service_id"), "payments", ["service_id"])
    op.create_index(op.f("ix_payments_invoice_id"), "payments", ["invoice_id"])

    with op.batch_alter_table("services") as batch:
        batch.add_column(sa.Column("promotion_starts_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("promotion_applies_to", sa.String(length=16), nullable=True))
        batch.add_column(sa.Column("installation_fee", _MONEY, nullable=True))
        batch.add_column(
            sa.Column("cutoff_grace_days", sa.Integer(), server_default="5", nullable=False)
        )
        batch.create_check_constraint(
            "promotion_applies_to",
            f"promotion_applies_to IS NULL OR promotion_applies_to IN ({_quoted(_PROMOTION_SCOPES)})",
        )
        batch.create_check_constraint("cutoff_grace_days", "cutoff_grace_days >= 0")
    op.execute(
        "UPDATE services SET promotion_starts_on = installed_on, promotion_applies_to = 'plan'"
        " WHERE promotion_name IS NOT NULL"
    )


def downgrade() -> None:
    with op.batch_alter_table("services") as batch:
        batch.drop_constraint(op.f("ck_services_cutoff_grace_days"), type_="check")
        batch.drop_constraint(op.f("ck_services_promotion_applies_to"), type_="check")
        batch.drop_column("cutoff_grace_days")
        batch.drop_column("installation_fee")
        batch.drop_column("promotion_applies_to")
        batch.drop_column("promotion_starts_on")
    op.drop_table("payments")
    op.drop_table("service_extras")
    op.drop_table("plans")
