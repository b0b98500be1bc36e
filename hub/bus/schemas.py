"""Views of the outbox for the admin API and the CLI (one set of models for both)."""

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

DeliveryStatus = Literal["pending", "running", "done", "skipped", "dead"]


class _Input(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class EventListQuery(_Input):
    type: str | None = Field(
        default=None, max_length=200, description="Event type; `*` and `?` are wildcards."
    )
    status: DeliveryStatus | None = Field(
        default=None, description="Only events with at least one delivery in this status."
    )
    limit: int = Field(default=50, ge=1, le=500)
    cursor: str | None = Field(default=None, max_length=64)


class DeadLetterQuery(_Input):
    subscriber: str | None = Field(default=None, max_length=200)
    limit: int = Field(default=50, ge=1, le=500)
    cursor: str | None = Field(default=None, max_length=64)


class ClearQuery(_Input):
    before: datetime | None = Field(
        default=None, description="Only events received before this time (default: now)."
    )
    dead: bool = Field(default=False, description="Also delete events with dead letters.")


class ReplayBody(_Input):
    subscriber: str | None = Field(
        default=None, max_length=200, description="Only this subscriber (default: all)."
    )


class RetryBody(_Input):
    subscriber: str | None = Field(default=None, max_length=200)
    event_id: str | None = Field(default=None, max_length=64)


class DeliveryOut(BaseModel):
    id: str
    subscriber: str
    priority: int
    status: DeliveryStatus
    attempts: int
    last_error: str | None
    next_attempt_at: datetime
    updated_at: datetime
    registered: bool = Field(description="Whether this process has the subscriber.")


class EventOut(BaseModel):
    id: str
    type: str
    tenant_id: str | None
    config_id: str | None
    source: str
    occurred_at: datetime
    received_at: datetime
    ordering_key: str | None
    idempotency_key: str | None
    status: Literal["pending", "running", "dead", "done"] = Field(
        description="running or pending while any delivery is; dead if any is dead; else done."
    )
    delivery_counts: dict[str, int]


class EventDetail(EventOut):
    payload: dict[str, Any]
    deliveries: list[DeliveryOut]


class EventPage(BaseModel):
    items: list[EventOut]
    next_cursor: str | None


class DeadLetterOut(BaseModel):
    id: str
    event_id: str
    event_type: str
    subscriber: str
    attempts: int
    last_error: str | None
    updated_at: datetime
    registered: bool


class DeadLetterPage(BaseModel):
    items: list[DeadLetterOut]
    next_cursor: str | None


class TypeStats(BaseModel):
    type: str
    events: int
    deliveries: dict[str, int]


class StatsOut(BaseModel):
    events: int
    deliveries: dict[str, int]
    by_type: list[TypeStats]
    oldest_pending_at: datetime | None
    unregistered: dict[str, int] = Field(
        description="Pending deliveries per subscriber this process does not have."
    )


class CountOut(BaseModel):
    count: int
