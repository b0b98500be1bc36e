"""Stored webhook deliveries and the bounded audit trail of rejected ones."""

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from hub.db.base import Base, UTCDateTime

PENDING = "pending"
PROCESSED = "processed"
FAILED = "failed"
STATUSES = (PENDING, PROCESSED, FAILED)

DEDUP_KEY_MAX = 255
REASON_MAX = 500


class WebhookRow(Base):
    """One accepted delivery: the raw request plus what `verify` made of it.

    `(config_id, dedup_key)` is unique, so a redelivery is recognised by the
    database itself; `duplicates` counts how often that happened.
    """

    __tablename__ = "hub_webhooks"
    __table_args__ = (
        UniqueConstraint("config_id", "dedup_key"),
        CheckConstraint("status IN ('pending', 'processed', 'failed')", name="status"),
        Index("ix_hub_webhooks_status_next_attempt_at", "status", "next_attempt_at"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    config_id: Mapped[str] = mapped_column(
        ForeignKey("hub_provider_configs.id", ondelete="CASCADE")
    )
    tenant_id: Mapped[str] = mapped_column(String(36))
    provider: Mapped[str] = mapped_column(String(63))
    dedup_key: Mapped[str | None] = mapped_column(String(DEDUP_KEY_MAX), nullable=True)
    method: Mapped[str] = mapped_column(String(16))
    path: Mapped[str] = mapped_column(Text)
    query: Mapped[str] = mapped_column(Text)
    headers: Mapped[dict[str, str]] = mapped_column(JSON)
    body: Mapped[bytes] = mapped_column(LargeBinary)
    remote_ip: Mapped[str] = mapped_column(String(64))
    # No index: ids sort by arrival time, so time ranges are id ranges (see store.clear).
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    messages: Mapped[list[Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(10), default=PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    processed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    event_count: Mapped[int] = mapped_column(Integer, default=0)
    duplicates: Mapped[int] = mapped_column(Integer, default=0)


class WebhookRejectionRow(Base):
    """A refused delivery (bad signature, decrypt error): who, when, why; never the body."""

    __tablename__ = "hub_webhook_rejections"
    __table_args__ = (Index("ix_hub_webhook_rejections_config_id_id", "config_id", "id"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    config_id: Mapped[str] = mapped_column(
        ForeignKey("hub_provider_configs.id", ondelete="CASCADE")
    )
    provider: Mapped[str] = mapped_column(String(63))
    remote_ip: Mapped[str] = mapped_column(String(64))
    code: Mapped[str] = mapped_column(String(63))
    reason: Mapped[str] = mapped_column(String(REASON_MAX))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
