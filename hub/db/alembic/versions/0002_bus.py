"""Core: event bus outbox (events and their deliveries).

Revision ID: hub_0002
Revises: hub_0001
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

revision = "hub_0002"
down_revision = "hub_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "hub_events",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("type", sa.String(200), nullable=False),
        sa.Column("tenant_id", sa.String(36), nullable=True),
        sa.Column("config_id", sa.String(36), nullable=True),
        sa.Column("source", sa.String(100), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("ordering_key", sa.String(200), nullable=True),
        sa.Column("idempotency_key", sa.String(200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_hub_events"),
        sa.UniqueConstraint("idempotency_key", name="uq_hub_events_idempotency_key"),
    )
    op.create_index("ix_hub_events_type", "hub_events", ["type"])
    op.create_index("ix_hub_events_received_at", "hub_events", ["received_at"])
    op.create_table(
        "hub_deliveries",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("event_id", sa.String(36), nullable=False),
        sa.Column("subscriber", sa.String(200), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("ordering_key", sa.String(200), nullable=True),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_hub_deliveries"),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["hub_events.id"],
            name="fk_hub_deliveries_event_id_hub_events",
            ondelete="CASCADE",
        ),
        sa.UniqueConstraint("event_id", "subscriber", name="uq_hub_deliveries_event_id_subscriber"),
        sa.CheckConstraint(
            "status IN ('pending', 'running', 'done', 'skipped', 'dead')",
            name="ck_hub_deliveries_status",
        ),
    )
    pending_only = sa.text("status = 'pending'")
    op.create_index(
        "ix_hub_deliveries_pending",
        "hub_deliveries",
        ["event_id", "priority"],
        sqlite_where=pending_only,
        postgresql_where=pending_only,
    )
    running_only = sa.text("status = 'running'")
    op.create_index(
        "ix_hub_deliveries_running",
        "hub_deliveries",
        ["locked_until"],
        sqlite_where=running_only,
        postgresql_where=running_only,
    )
    dead_only = sa.text("status = 'dead'")
    op.create_index(
        "ix_hub_deliveries_dead",
        "hub_deliveries",
        ["id"],
        sqlite_where=dead_only,
        postgresql_where=dead_only,
    )
    unfinished_ordering = sa.text("status IN ('pending', 'running') AND ordering_key IS NOT NULL")
    op.create_index(
        "ix_hub_deliveries_unfinished_ordering",
        "hub_deliveries",
        ["subscriber", "ordering_key", "event_id"],
        sqlite_where=unfinished_ordering,
        postgresql_where=unfinished_ordering,
    )


def downgrade() -> None:
    op.drop_table("hub_deliveries")
    op.drop_table("hub_events")
