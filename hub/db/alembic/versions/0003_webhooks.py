"""Core: stored webhook deliveries and rejected-attempt audit rows.

Revision ID: hub_0003
Revises: hub_0001
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = "hub_0003"
down_revision = "hub_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "hub_webhooks",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("config_id", sa.String(36), nullable=False),
        sa.Column("tenant_id", sa.String(36), nullable=False),
        sa.Column("provider", sa.String(63), nullable=False),
        sa.Column("dedup_key", sa.String(255), nullable=True),
        sa.Column("method", sa.String(16), nullable=False),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("query", sa.Text(), nullable=False),
        sa.Column("headers", sa.JSON(), nullable=False),
        sa.Column("body", sa.LargeBinary(), nullable=False),
        sa.Column("remote_ip", sa.String(64), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("messages", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("processed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("event_count", sa.Integer(), nullable=False),
        sa.Column("duplicates", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_hub_webhooks"),
        sa.ForeignKeyConstraint(
            ["config_id"],
            ["hub_provider_configs.id"],
            name="fk_hub_webhooks_config_id_hub_provider_configs",
            ondelete="CASCADE",
        ),
        sa.UniqueConstraint("config_id", "dedup_key", name="uq_hub_webhooks_config_id_dedup_key"),
        sa.CheckConstraint(
            "status IN ('pending', 'processed', 'failed')", name="ck_hub_webhooks_status"
        ),
    )
    op.create_index(
        "ix_hub_webhooks_status_next_attempt_at", "hub_webhooks", ["status", "next_attempt_at"]
    )
    op.create_table(
        "hub_webhook_rejections",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("config_id", sa.String(36), nullable=False),
        sa.Column("provider", sa.String(63), nullable=False),
        sa.Column("remote_ip", sa.String(64), nullable=False),
        sa.Column("code", sa.String(63), nullable=False),
        sa.Column("reason", sa.String(500), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_hub_webhook_rejections"),
        sa.ForeignKeyConstraint(
            ["config_id"],
            ["hub_provider_configs.id"],
            name="fk_hub_webhook_rejections_config_id_hub_provider_configs",
            ondelete="CASCADE",
        ),
    )
    op.create_index(
        "ix_hub_webhook_rejections_config_id_id", "hub_webhook_rejections", ["config_id", "id"]
    )


def downgrade() -> None:
    op.drop_table("hub_webhook_rejections")
    op.drop_table("hub_webhooks")
