"""Identification lockouts: failed identification attempts and locks per sender.

One row per sender that ever failed to identify (a SHA-256 digest of the
channel's sender id), so a lock survives a new conversation and a restart. A
new table needs no batch mode.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 12:00:00.000000+00:00
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "identification_lockouts",
        sa.Column("sender_key", sa.String(length=64), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_failure_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("sender_key", name=op.f("pk_identification_lockouts")),
    )


def downgrade() -> None:
    op.drop_table("identification_lockouts")
