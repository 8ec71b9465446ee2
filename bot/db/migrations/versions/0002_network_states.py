"""Network states: what the embedded network probe reports for each service.

One row per service (ONU status, optical power, ping, traffic, whether the
probe can be reached), so the demo shows every case of the line checks. A new
table needs no batch mode; the boolean server default is portable.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 12:00:00.000000+00:00
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "network_states",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("onu_status", sa.String(length=16), nullable=False),
        sa.Column("rx_power_dbm", sa.Float(), nullable=False),
        sa.Column("ping_sent", sa.Integer(), nullable=False),
        sa.Column("ping_received", sa.Integer(), nullable=False),
        sa.Column("ping_avg_ms", sa.Float(), nullable=True),
        sa.Column("traffic_down_mbps", sa.Float(), nullable=False),
        sa.Column("traffic_up_mbps", sa.Float(), nullable=False),
        sa.Column("connected_devices", sa.Integer(), nullable=True),
        sa.Column("probe_available", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "onu_status IN ('online', 'offline', 'los', 'dying_gasp')",
            name=op.f("ck_network_states_onu_status"),
        ),
        sa.CheckConstraint(
            "ping_sent > 0 AND ping_received >= 0 AND ping_received <= ping_sent",
            name=op.f("ck_network_states_ping"),
        ),
        sa.ForeignKeyConstraint(
            ["service_id"], ["services.id"], name=op.f("fk_network_states_service_id_services")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_network_states")),
        sa.UniqueConstraint("service_id", name=op.f("uq_network_states_service_id")),
    )


def downgrade() -> None:
    op.drop_table("network_states")
