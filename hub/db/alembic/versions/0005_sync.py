"""Core: sync runs, cursors, item failures and run locks.

Revision ID: hub_0005
Revises: hub_0001
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

revision = "hub_0005"
down_revision = "hub_0001"
branch_labels = None
depends_on = None


def _config_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["config_id"],
        ["hub_provider_configs.id"],
        name=f"fk_{table}_config_id_hub_provider_configs",
        ondelete="CASCADE",
    )


def upgrade() -> None:
    op.create_table(
        "hub_sync_runs",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("config_id", sa.String(36), nullable=False),
        sa.Column("provider", sa.String(63), nullable=False),
        sa.Column("entity", sa.String(63), nullable=False),
        sa.Column("mode", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("owner", sa.String(200), nullable=False),
        sa.Column("items", sa.Integer(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=True),
        sa.Column("inserted", sa.Integer(), nullable=False),
        sa.Column("updated", sa.Integer(), nullable=False),
        sa.Column("deleted", sa.Integer(), nullable=False),
        sa.Column("failed", sa.Integer(), nullable=False),
        sa.Column("cursor_before", sa.Text(), nullable=True),
        sa.Column("cursor_after", sa.Text(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("cancel_requested", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_hub_sync_runs"),
        _config_fk("hub_sync_runs"),
    )
    op.create_index(
        "ix_hub_sync_runs_config_id_entity_id", "hub_sync_runs", ["config_id", "entity", "id"]
    )
    op.create_index("ix_hub_sync_runs_status", "hub_sync_runs", ["status"])
    op.create_index("ix_hub_sync_runs_started_at", "hub_sync_runs", ["started_at"])

    op.create_table(
        "hub_sync_cursors",
        sa.Column("config_id", sa.String(36), nullable=False),
        sa.Column("entity", sa.String(63), nullable=False),
        sa.Column("cursor", sa.Text(), nullable=True),
        sa.Column("run_id", sa.String(36), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("config_id", "entity", name="pk_hub_sync_cursors"),
        _config_fk("hub_sync_cursors"),
    )

    op.create_table(
        "hub_sync_failures",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("config_id", sa.String(36), nullable=False),
        sa.Column("entity", sa.String(63), nullable=False),
        sa.Column("item_key", sa.String(255), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("first_failed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_failed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolved", sa.Boolean(), nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("run_id", sa.String(36), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_hub_sync_failures"),
        _config_fk("hub_sync_failures"),
        sa.UniqueConstraint(
            "config_id",
            "entity",
            "item_key",
            name="uq_hub_sync_failures_config_id_entity_item_key",
        ),
    )
    op.create_index(
        "ix_hub_sync_failures_resolved_next_attempt_at",
        "hub_sync_failures",
        ["resolved", "next_attempt_at"],
    )

    op.create_table(
        "hub_sync_locks",
        sa.Column("config_id", sa.String(36), nullable=False),
        sa.Column("entity", sa.String(63), nullable=False),
        sa.Column("run_id", sa.String(36), nullable=False),
        sa.Column("owner", sa.String(200), nullable=False),
        sa.Column("acquired_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("config_id", "entity", name="pk_hub_sync_locks"),
        _config_fk("hub_sync_locks"),
    )


def downgrade() -> None:
    op.drop_table("hub_sync_locks")
    op.drop_table("hub_sync_failures")
    op.drop_table("hub_sync_cursors")
    op.drop_table("hub_sync_runs")
