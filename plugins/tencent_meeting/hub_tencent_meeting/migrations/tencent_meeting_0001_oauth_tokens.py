"""Tencent Meeting: the OAuth2 grant (access and refresh token, encrypted) of each oauth config.

Revision ID: tencent_meeting_0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "tencent_meeting_0001"
down_revision = None
branch_labels = ("tencent_meeting",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "tencent_meeting_oauth_tokens",
        sa.Column("config_id", sa.String(36), nullable=False),
        sa.Column("open_id", sa.String(128), nullable=False),
        sa.Column("key_id", sa.String(32), nullable=False),
        sa.Column("ciphertext", sa.Text(), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("scopes", sa.JSON(), nullable=False),
        sa.Column("generation", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("config_id", name="pk_tencent_meeting_oauth_tokens"),
        sa.ForeignKeyConstraint(
            ["config_id"],
            ["hub_provider_configs.id"],
            name="fk_tencent_meeting_oauth_tokens_config_id_hub_provider_configs",
            ondelete="CASCADE",
        ),
    )


def downgrade() -> None:
    op.drop_table("tencent_meeting_oauth_tokens")
