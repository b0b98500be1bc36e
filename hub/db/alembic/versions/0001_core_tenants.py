"""Core: tenants and provider configs.

Revision ID: hub_0001
Revises:
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = "hub_0001"
down_revision = None
branch_labels = ("hub",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "hub_tenants",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("slug", sa.String(63), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_hub_tenants"),
        sa.UniqueConstraint("slug", name="uq_hub_tenants_slug"),
    )
    op.create_table(
        "hub_provider_configs",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("tenant_id", sa.String(36), nullable=False),
        sa.Column("provider", sa.String(63), nullable=False),
        sa.Column("kind", sa.String(63), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("settings", sa.JSON(), nullable=False),
        sa.Column("secret_names", sa.JSON(), nullable=False),
        sa.Column("secrets_ciphertext", sa.Text(), nullable=True),
        sa.Column("secrets_key_id", sa.String(32), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_hub_provider_configs"),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["hub_tenants.id"],
            name="fk_hub_provider_configs_tenant_id_hub_tenants",
            ondelete="RESTRICT",
        ),
        sa.UniqueConstraint(
            "tenant_id", "provider", "name", name="uq_hub_provider_configs_tenant_id_provider_name"
        ),
    )
    op.create_index("ix_hub_provider_configs_tenant_id", "hub_provider_configs", ["tenant_id"])
    op.create_index("ix_hub_provider_configs_provider", "hub_provider_configs", ["provider"])
    op.create_index(
        "ix_hub_provider_configs_secrets_key_id", "hub_provider_configs", ["secrets_key_id"]
    )


def downgrade() -> None:
    op.drop_table("hub_provider_configs")
    op.drop_table("hub_tenants")
