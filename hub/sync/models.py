"""Tables of the sync framework: runs, cursors, per-item failures and run locks.

Everything is keyed by (config_id, entity): a config belongs to one provider,
so the pair names one job for one config.
"""

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from hub.db.base import Base, UTCDateTime, utcnow
from hub.ids import new_id

RUN_MODES = ("full", "incremental", "repair", "retry")
RUN_STATUSES = ("running", "succeeded", "failed", "cancelled")


class SyncRunRow(Base):
    """One execution of a job for one config; kept as history and shown by `hub sync`."""

    __tablename__ = "hub_sync_runs"
    __table_args__ = (
        Index("ix_hub_sync_runs_config_id_entity_id", "config_id", "entity", "id"),
        Index("ix_hub_sync_runs_status", "status"),
        Index("ix_hub_sync_runs_started_at", "started_at"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    config_id: Mapped[str] = mapped_column(
        ForeignKey("hub_provider_configs.id", ondelete="CASCADE")
    )
    provider: Mapped[str] = mapped_column(String(63))
    entity: Mapped[str] = mapped_column(String(63))
    mode: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default="running")
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    heartbeat_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    owner: Mapped[str] = mapped_column(String(200))
    items: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int | None] = mapped_column(Integer, nullable=True)
    inserted: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    deleted: Mapped[int] = mapped_column(Integer, default=0)
    failed: Mapped[int] = mapped_column(Integer, default=0)
    cursor_before: Mapped[str | None] = mapped_column(Text, nullable=True)
    cursor_after: Mapped[str | None] = mapped_column(Text, nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    cancel_requested: Mapped[bool] = mapped_column(Boolean, default=False)


class SyncCursorRow(Base):
    """Where the next incremental run starts; written only by a run that succeeded."""

    __tablename__ = "hub_sync_cursors"

    config_id: Mapped[str] = mapped_column(
        ForeignKey("hub_provider_configs.id", ondelete="CASCADE"), primary_key=True
    )
    entity: Mapped[str] = mapped_column(String(63), primary_key=True)
    cursor: Mapped[str | None] = mapped_column(Text, nullable=True)
    run_id: Mapped[str] = mapped_column(String(36))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SyncFailureRow(Base):
    """An item a run could not sync, retried with backoff until it succeeds or gives up."""

    __tablename__ = "hub_sync_failures"
    __table_args__ = (
        UniqueConstraint("config_id", "entity", "item_key"),
        Index("ix_hub_sync_failures_resolved_next_attempt_at", "resolved", "next_attempt_at"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    config_id: Mapped[str] = mapped_column(
        ForeignKey("hub_provider_configs.id", ondelete="CASCADE")
    )
    entity: Mapped[str] = mapped_column(String(63))
    item_key: Mapped[str] = mapped_column(String(255))
    error: Mapped[str] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=1)
    first_failed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_failed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    resolved: Mapped[bool] = mapped_column(Boolean, default=False)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    run_id: Mapped[str] = mapped_column(String(36))


class SyncLockRow(Base):
    """The one running run of a (config, entity), across every process on the database.

    The row is inserted when a run starts (the primary key refuses a second
    one), kept alive by the run's heartbeat and deleted when the run ends. A row
    whose `expires_at` has passed belongs to a process that died; the next run
    takes it over.
    """

    __tablename__ = "hub_sync_locks"

    config_id: Mapped[str] = mapped_column(
        ForeignKey("hub_provider_configs.id", ondelete="CASCADE"), primary_key=True
    )
    entity: Mapped[str] = mapped_column(String(63), primary_key=True)
    run_id: Mapped[str] = mapped_column(String(36))
    owner: Mapped[str] = mapped_column(String(200))
    acquired_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    heartbeat_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
