"""Warm handoff: agents, handoffs with their context and timers, transcripts and transitions.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03 09:00:00.000000+00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_WHEN = sa.DateTime(timezone=True)


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(value) for value in values)})"


def upgrade() -> None:
    op.create_table(
        "agents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=40), nullable=False),
        sa.Column("display_name", sa.String(length=80), nullable=False),
        sa.Column("presence", sa.String(length=10), nullable=False),
        sa.Column("queues", sa.JSON(), nullable=False),
        sa.Column("max_chats", sa.Integer(), nullable=False),
        sa.Column("created_at", _WHEN, nullable=False),
        sa.Column("updated_at", _WHEN, nullable=False),
        sa.CheckConstraint(_in("presence", ("online", "away", "offline")), name=op.f("ck_agents_presence")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agents")),
        sa.UniqueConstraint("username", name=op.f("uq_agents_username")),
    )
    op.create_table(
        "handoffs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sender_id", sa.String(length=255), nullable=False),
        sa.Column("channel", sa.String(length=40), nullable=False),
        sa.Column("queue", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("outcome", sa.String(length=12), nullable=True),
        sa.Column("reason_category", sa.String(length=20), nullable=False),
        sa.Column("reason_intent", sa.String(length=60), nullable=True),
        sa.Column("reason_text", sa.Text(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=True),
        sa.Column("customer_name", sa.String(length=160), nullable=True),
        sa.Column("verified", sa.Boolean(), nullable=False),
        sa.Column("service_number", sa.Integer(), nullable=True),
        sa.Column("plan_name", sa.String(length=60), nullable=True),
        sa.Column("recap", sa.Text(), nullable=False),
        sa.Column("context", sa.JSON(), nullable=False),
        sa.Column("ticket_number", sa.String(length=20), nullable=True),
        sa.Column("assigned_agent_id", sa.Integer(), nullable=True),
        sa.Column("agent_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("resolution_note", sa.Text(), nullable=True),
        sa.Column("created_at", _WHEN, nullable=False),
        sa.Column("waiting_since", _WHEN, nullable=False),
        sa.Column("accepted_at", _WHEN, nullable=True),
        sa.Column("first_response_at", _WHEN, nullable=True),
        sa.Column("ended_at", _WHEN, nullable=True),
        sa.Column("next_news_at", _WHEN, nullable=True),
        sa.Column("wait_deadline_at", _WHEN, nullable=True),
        sa.Column("last_customer_at", _WHEN, nullable=True),
        sa.Column("last_agent_at", _WHEN, nullable=True),
        sa.Column("callback_after", _WHEN, nullable=True),
        sa.Column("pending_action", sa.String(length=60), nullable=True),
        sa.Column("pending_claimed_until", _WHEN, nullable=True),
        sa.Column("updated_at", _WHEN, nullable=False),
        sa.CheckConstraint(_in("status", ("waiting", "active", "closed")), name=op.f("ck_handoffs_status")),
        sa.CheckConstraint(
            "outcome IS NULL OR "
            + _in("outcome", ("resolved", "released", "callback", "silent", "abandoned")),
            name=op.f("ck_handoffs_outcome"),
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_handoffs_customer_id_customers")
        ),
        sa.ForeignKeyConstraint(
            ["assigned_agent_id"], ["agents.id"], name=op.f("fk_handoffs_assigned_agent_id_agents")
        ),
        sa.ForeignKeyConstraint(["agent_id"], ["agents.id"], name=op.f("fk_handoffs_agent_id_agents")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_handoffs")),
    )
    op.create_index(op.f("ix_handoffs_sender_id"), "handoffs", ["sender_id"])
    op.create_index(op.f("ix_handoffs_customer_id"), "handoffs", ["customer_id"])
    op.create_index(op.f("ix_handoffs_agent_id"), "handoffs", ["agent_id"])
    op.create_index("ix_handoffs_status_queue", "handoffs", ["status", "queue"])
    op.create_table(
        "handoff_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("handoff_id", sa.Integer(), nullable=False),
        sa.Column("author", sa.String(length=10), nullable=False),
        sa.Column("agent_name", sa.String(length=80), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("at", _WHEN, nullable=False),
        sa.Column("event_ts", sa.Float(), nullable=False),
        sa.CheckConstraint(
            _in("author", ("customer", "bot", "agent")), name=op.f("ck_handoff_messages_author")
        ),
        sa.ForeignKeyConstraint(
            ["handoff_id"],
            ["handoffs.id"],
            name=op.f("fk_handoff_messages_handoff_id_handoffs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_handoff_messages")),
        sa.UniqueConstraint("handoff_id", "author", "event_ts", name="uq_handoff_messages_event"),
    )
    op.create_index(op.f("ix_handoff_messages_handoff_id"), "handoff_messages", ["handoff_id"])
    op.create_table(
        "handoff_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("handoff_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("at", _WHEN, nullable=False),
        sa.Column("agent", sa.String(length=40), nullable=True),
        sa.Column("queue", sa.String(length=20), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["handoff_id"],
            ["handoffs.id"],
            name=op.f("fk_handoff_events_handoff_id_handoffs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_handoff_events")),
    )
    op.create_index(op.f("ix_handoff_events_handoff_id"), "handoff_events", ["handoff_id"])


def downgrade() -> None:
    op.drop_table("handoff_events")
    op.drop_table("handoff_messages")
    op.drop_table("handoffs")
    op.drop_table("agents")
