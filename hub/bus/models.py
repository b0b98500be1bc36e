"""The outbox: stored events and one delivery row per (event, subscriber)."""

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ColumnElement,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    literal_column,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from hub.db.base import Base, UTCDateTime, utcnow

PENDING = "pending"
RUNNING = "running"
DONE = "done"
SKIPPED = "skipped"
DEAD = "dead"
STATUSES = (PENDING, RUNNING, DONE, SKIPPED, DEAD)
UNFINISHED = (PENDING, RUNNING)
PENDING_ONLY = "status = 'pending'"
RUNNING_ONLY = "status = 'running'"
DEAD_ONLY = "status = 'dead'"
UNFINISHED_ORDERING = "status IN ('pending', 'running') AND ordering_key IS NOT NULL"


def status_is(column: ColumnElement[str], status: str) -> ColumnElement[bool]:
    """`column = 'status'` with the value written out, so the partial indexes below apply
    (a bound parameter would hide from the planner which rows the query wants)."""
    return column == literal_column(f"'{status}'")


class EventRow(Base):
    __tablename__ = "hub_events"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    type: Mapped[str] = mapped_column(String(200), index=True)
    tenant_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    config_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    source: Mapped[str] = mapped_column(String(100))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    ordering_key: Mapped[str | None] = mapped_column(String(200), nullable=True)
    # NULLs never collide in a unique constraint, on SQLite and PostgreSQL alike.
    idempotency_key: Mapped[str | None] = mapped_column(String(200), nullable=True, unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class DeliveryRow(Base):
    __tablename__ = "hub_deliveries"
    __table_args__ = (
        UniqueConstraint("event_id", "subscriber"),
        CheckConstraint(
            "status IN ('pending', 'running', 'done', 'skipped', 'dead')", name="status"
        ),
        # Pending deliveries in publish order: claiming walks this and stops at its
        # limit, however long the backlog.
        Index(
            "ix_hub_deliveries_pending",
            "event_id",
            "priority",
            sqlite_where=text(PENDING_ONLY),
            postgresql_where=text(PENDING_ONLY),
        ),
        Index(
            "ix_hub_deliveries_running",
            "locked_until",
            sqlite_where=text(RUNNING_ONLY),
            postgresql_where=text(RUNNING_ONLY),
        ),
        Index(
            "ix_hub_deliveries_dead",
            "id",
            sqlite_where=text(DEAD_ONLY),
            postgresql_where=text(DEAD_ONLY),
        ),
        # Only unfinished keyed deliveries: the ordering check stays fast however
        # long a key's history grows.
        Index(
            "ix_hub_deliveries_unfinished_ordering",
            "subscriber",
            "ordering_key",
            "event_id",
            sqlite_where=text(UNFINISHED_ORDERING),
            postgresql_where=text(UNFINISHED_ORDERING),
        ),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    # Indexed by the unique (event_id, subscriber) constraint.
    event_id: Mapped[str] = mapped_column(ForeignKey("hub_events.id", ondelete="CASCADE"))
    subscriber: Mapped[str] = mapped_column(String(200))
    priority: Mapped[int] = mapped_column(Integer, default=0)
    # Copied from the event so the ordering check reads one table.
    ordering_key: Mapped[str | None] = mapped_column(String(200), nullable=True)
    status: Mapped[str] = mapped_column(String(10), default=PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # While `running`: the claiming dispatcher's lease; a row whose lease ran out
    # belongs to a process that stopped and is taken over.
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
