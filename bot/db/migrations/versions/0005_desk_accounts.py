"""The agents' desk: accounts (role, password hash), server-side sessions, login attempts, daily traffic.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03 13:00:00.000000+00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("agents") as batch:
        batch.add_column(sa.Column("role", sa.String(length=12), nullable=False, server_default="agent"))
        batch.add_column(sa.Column("password_hash", sa.String(length=255), nullable=True))
        batch.add_column(sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true()))
        batch.create_check_constraint("role", "role IN ('agent', 'supervisor')")
    op.create_table(
        "desk_sessions",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("agent_id", sa.Integer(), nullable=False),
        sa.Column("csrf_token", sa.String(length=64), nullable=False),
        sa.Column("created_at", _WHEN, nullable=False),
        sa.Column("last_seen_at", _WHEN, nullable=False),
        sa.Column("expires_at", _WHEN, nullable=False),
        sa.ForeignKeyConstraint(
            ["agent_id"], ["agents.id"], name=op.f("fk_desk_sessions_agent_id_agents"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_desk_sessions")),
    )
    op.create_index(op.f("ix_desk_sessions_agent_id"), "desk_sessions", ["agent_id"])
    op.create_table(
        "desk_login_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=80), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.Column("at", _WHEN, nullable=False),
        sa.Column("succeeded", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_desk_login_attempts")),
    )
    op.create_index("ix_desk_login_attempts_username_at", "desk_login_attempts", ["username", "at"])
    op.create_index("ix_desk_login_attempts_address_at", "desk_login_attempts", ["address", "at"])
    op.create_table(
        "conversation_days",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sender_id", sa.String(length=255), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("channel", sa.String(length=40), nullable=False),
        sa.Column("first_at", _WHEN, nullable=False),
        sa.Column("messages", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conversation_days")),
        sa.UniqueConstraint("sender_id", "day", name="uq_conversation_days_sender_day"),
    )
    op.create_index(op.f("ix_conversation_days_day"), "conversation_days", ["day"])


def downgrade() -> None:
    op.drop_table("conversation_days")
    op.drop_table("desk_login_attempts")
    op.drop_table("desk_sessions")
    with op.batch_alter_table("agents") as batch:
        batch.drop_constraint(op.f("ck_agents_role"), type_="check")
        batch.drop_column("active")
        batch.drop_column("password_hash")
        batch.drop_column("role")
