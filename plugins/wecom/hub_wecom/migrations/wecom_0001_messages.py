"""WeCom: sent messages, their status history and per-recipient results.

Revision ID: wecom_0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "wecom_0001"
down_revision = None
branch_labels = ("wecom",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "wecom_messages",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("config_id", sa.String(36), nullable=False),
        sa.Column("tenant_id", sa.String(36), nullable=False),
        sa.Column("channel", sa.String(8), nullable=False),
        sa.Column("batch_id", sa.String(36), nullable=True),
        sa.Column("recipients", sa.JSON(), nullable=False),
        sa.Column("msg_type", sa.String(32), nullable=False),
        sa.Column("preview", sa.Text(), nullable=False),
        sa.Column("msgid", sa.String(255), nullable=True),
        sa.Column("task_id", sa.String(128), nullable=True),
        sa.Column("response_code", sa.Text(), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("error_code", sa.String(100), nullable=True),
        sa.Column("error_message", sa.Text(), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_wecom_messages"),
        sa.ForeignKeyConstraint(
            ["config_id"],
            ["hub_provider_configs.id"],
            name="fk_wecom_messages_config_id_hub_provider_configs",
            ondelete="CASCADE",
        ),
        sa.CheckConstraint("channel IN ('robot', 'app')", name="ck_wecom_messages_channel"),
        sa.CheckConstraint(
            "status IN ('queued', 'sent', 'failed', 'recalled', 'interacted')",
            name="ck_wecom_messages_status",
        ),
    )
    op.create_index("ix_wecom_messages_config_id_id", "wecom_messages", ["config_id", "id"])
    op.create_index(
        "ix_wecom_messages_config_id_task_id", "wecom_messages", ["config_id", "task_id"]
    )
    op.create_index("ix_wecom_messages_status_id", "wecom_messages", ["status", "id"])
    op.create_index("ix_wecom_messages_batch_id", "wecom_messages", ["batch_id"])

    op.create_table(
        "wecom_message_status",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("message_id", sa.String(36), nullable=False),
        sa.Column("from_status", sa.String(16), nullable=True),
        sa.Column("to_status", sa.String(16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_wecom_message_status"),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["wecom_messages.id"],
            name="fk_wecom_message_status_message_id_wecom_messages",
            ondelete="CASCADE",
        ),
    )
    op.create_index(
        "ix_wecom_message_status_message_id_id", "wecom_message_status", ["message_id", "id"]
    )

    op.create_table(
        "wecom_message_recipients",
        sa.Column("message_id", sa.String(36), nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("recipient_id", sa.String(255), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.PrimaryKeyConstraint(
            "message_id", "kind", "recipient_id", name="pk_wecom_message_recipients"
        ),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["wecom_messages.id"],
            name="fk_wecom_message_recipients_message_id_wecom_messages",
            ondelete="CASCADE",
        ),
        sa.CheckConstraint(
            "kind IN ('user', 'party', 'tag')", name="ck_wecom_message_recipients_kind"
        ),
        sa.CheckConstraint(
            "status IN ('ok', 'invalid', 'unlicensed')", name="ck_wecom_message_recipients_status"
        ),
    )


def downgrade() -> None:
    op.drop_table("wecom_message_recipients")
    op.drop_table("wecom_message_status")
    op.drop_index("ix_wecom_messages_batch_id", table_name="wecom_messages")
    op.drop_index("ix_wecom_messages_status_id", table_name="wecom_messages")
    op.drop_index("ix_wecom_messages_config_id_task_id", table_name="wecom_messages")
    op.drop_index("ix_wecom_messages_config_id_id", table_name="wecom_messages")
    op.drop_table("wecom_messages")
