"""Test example plugin: its one table.

Revision ID: test_example_0001
Revises:
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = "test_example_0001"
down_revision = None
branch_labels = ("test_example",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "test_example_items",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("tenant_id", sa.String(36), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_test_example_items"),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["hub_tenants.id"],
            name="fk_test_example_items_tenant_id_hub_tenants",
            ondelete="CASCADE",
        ),
    )


def downgrade() -> None:
    op.drop_table("test_example_items")
