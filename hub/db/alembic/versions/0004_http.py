"""Core: outbound API call log.

Revision ID: hub_0004
Revises: hub_0001
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

revision = "hub_0004"
down_revision = "hub_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "hub_api_calls",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("call_id", sa.String(36), nullable=False),
        sa.Column("config_id", sa.String(36), nullable=True),
        sa.Column("provider", sa.String(63), nullable=False),
        sa.Column("method", sa.String(10), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("status", sa.Integer(), nullable=True),
        sa.Column("outcome", sa.String(32), nullable=False),
        sa.Column("error_code", sa.String(100), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("duration_ms", sa.Float(), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("ok", sa.Boolean(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_hub_api_calls"),
    )
    op.create_index("ix_hub_api_calls_provider", "hub_api_calls", ["provider"])
    op.create_index("ix_hub_api_calls_at", "hub_api_calls", ["at"])
    op.create_index("ix_hub_api_calls_config_id_id", "hub_api_calls", ["config_id", "id"])


def downgrade() -> None:
    op.drop_table("hub_api_calls")
