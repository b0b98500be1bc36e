"""Test HMAC plugin: the messages its subscriber stored.

Revision ID: test_hmac_0001
Revises:
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = "test_hmac_0001"
down_revision = None
branch_labels = ("test_hmac",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "test_hmac_messages",
        sa.Column("message_id", sa.String(200), nullable=False),
        sa.Column("config_id", sa.String(36), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("event_id", sa.String(36), nullable=False),
        sa.Column("stored_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("message_id", name="pk_test_hmac_messages"),
    )


def downgrade() -> None:
    op.drop_table("test_hmac_messages")
