"""The hub's own record of the messages it sent through WeCom.

WeCom keeps no message log the hub could read back, so every message is a
row here from the moment it is accepted, with every status change in
`wecom_message_status` and, for application messages, what WeCom said about
each recipient in `wecom_message_recipients`. Contents are kept only as a
short preview: never file contents, never keys or tokens.
"""

from datetime import datetime
from typing import Any

from hub.db.base import Base, UTCDateTime, utcnow
from hub.ids import new_id
from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

QUEUED, SENT, FAILED, RECALLED, INTERACTED = "queued", "sent", "failed", "recalled", "interacted"
STATUSES = (QUEUED, SENT, FAILED, RECALLED, INTERACTED)
RECIPIENT_KINDS = ("user", "party", "tag")
RECIPIENT_OK, RECIPIENT_INVALID, RECIPIENT_UNLICENSED = "ok", "invalid", "unlicensed"
RECIPIENT_STATUSES = (RECIPIENT_OK, RECIPIENT_INVALID, RECIPIENT_UNLICENSED)


def _in(values: tuple[str, ...]) -> str:
    return ", ".join(f"'{v}'" for v in values)


class WeComMessage(Base):
    __tablename__ = "wecom_messages"
    __table_args__ = (
        CheckConstraint("channel IN ('robot', 'app')", name="channel"),
        CheckConstraint(f"status IN ({_in(STATUSES)})", name="status"),
        Index("ix_wecom_messages_config_id_id", "config_id", "id"),
        Index("ix_wecom_messages_config_id_task_id", "config_id", "task_id"),
        Index("ix_wecom_messages_status_id", "status", "id"),
        Index("ix_wecom_messages_batch_id", "batch_id"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    config_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("hub_provider_configs.id", ondelete="CASCADE")
    )
    tenant_id: Mapped[str] = mapped_column(String(36))
    channel: Mapped[str] = mapped_column(String(8))
    batch_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    recipients: Mapped[dict[str, Any]] = mapped_column(JSON)
    msg_type: Mapped[str] = mapped_column(String(32))
    preview: Mapped[str] = mapped_column(Text)
    msgid: Mapped[str | None] = mapped_column(String(255), nullable=True)
    task_id: Mapped[str | None] = mapped_column(String(128), nullable=True)
    response_code: Mapped[str | None] = mapped_column(Text, nullable=True)
    status: Mapped[str] = mapped_column(String(16), default=QUEUED)
    error_code: Mapped[str | None] = mapped_column(String(100), nullable=True)
    error_message: Mapped[str | None] = mapped_column(Text, nullable=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class WeComMessageStatus(Base):
    """One status change of a message; the first row (from nothing to queued) is its creation."""

    __tablename__ = "wecom_message_status"
    __table_args__ = (Index("ix_wecom_message_status_message_id_id", "message_id", "id"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    message_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("wecom_messages.id", ondelete="CASCADE")
    )
    from_status: Mapped[str | None] = mapped_column(String(16), nullable=True)
    to_status: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class WeComMessageRecipient(Base):
    """What WeCom's send result said about one user, party or tag of an application message."""

    __tablename__ = "wecom_message_recipients"
    __table_args__ = (
        CheckConstraint(f"kind IN ({_in(RECIPIENT_KINDS)})", name="kind"),
        CheckConstraint(f"status IN ({_in(RECIPIENT_STATUSES)})", name="status"),
    )

    message_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("wecom_messages.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(8), primary_key=True)
    recipient_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    status: Mapped[str] = mapped_column(String(16))
