"""Views of stored webhooks for the admin API and the CLI (one set of models for both)."""

import base64
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from hub.webhooks.handler import StoredWebhook

Status = Literal["pending", "processed", "failed"]


class _Input(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class WebhookListQuery(_Input):
    config: str | None = Field(default=None, max_length=64, description="Only this config id.")
    provider: str | None = Field(default=None, max_length=63)
    status: Status | None = None
    limit: int = Field(default=50, ge=1, le=500)
    cursor: str | None = Field(default=None, max_length=64)


class ClearQuery(_Input):
    before: datetime | None = Field(
        default=None, description="Only webhooks received before this time (default: now)."
    )
    config: str | None = Field(default=None, max_length=64, description="Only this config id.")
    include_pending: bool = Field(
        default=False,
        description="Also delete webhooks not processed yet (they are never processed then).",
    )


class ReplayBody(_Input):
    force: bool = Field(
        default=False,
        description="Publish every event again, even those published before.",
    )


class WebhookOut(BaseModel):
    id: str
    provider: str
    config_id: str
    tenant_id: str
    dedup_key: str | None
    method: str
    status: Status
    attempts: int
    duplicates: int = Field(description="Redeliveries answered without processing again.")
    event_count: int
    received_at: datetime
    processed_at: datetime | None
    error: str | None

    @classmethod
    def of(cls, webhook: StoredWebhook) -> "WebhookOut":
        return cls(**{name: getattr(webhook, name) for name in cls.model_fields})


class WebhookDetail(WebhookOut):
    path: str
    query: str
    remote_ip: str
    headers: dict[str, str]
    body: str
    body_encoding: Literal["utf-8", "base64"]
    body_bytes: int
    messages: list[Any]

    @classmethod
    def of(cls, webhook: StoredWebhook) -> "WebhookDetail":
        try:
            body, encoding = webhook.body.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            body, encoding = base64.b64encode(webhook.body).decode("ascii"), "base64"
        summary = WebhookOut.of(webhook).model_dump()
        return cls(
            **summary,
            path=webhook.path,
            query=webhook.query,
            remote_ip=webhook.remote_ip,
            headers=dict(webhook.headers),
            body=body,
            body_encoding=encoding,  # type: ignore[arg-type]
            body_bytes=len(webhook.body),
            messages=list(webhook.messages),
        )


class WebhookPage(BaseModel):
    items: list[WebhookOut]
    next_cursor: str | None = None


class StatsRow(BaseModel):
    provider: str
    config_id: str
    received: int = Field(description="Stored webhooks (first deliveries).")
    duplicates: int = Field(description="Redeliveries of stored webhooks.")
    rejected: int = Field(description="Rejected attempts still in the audit trail.")
    pending: int
    processed: int
    failed: int


class StatsOut(BaseModel):
    items: list[StatsRow]


class RejectionOut(BaseModel):
    id: str
    config_id: str
    provider: str
    remote_ip: str
    code: str
    reason: str
    at: datetime


class RejectionPage(BaseModel):
    items: list[RejectionOut]
    next_cursor: str | None = None


class RejectionQuery(_Input):
    config: str | None = Field(default=None, max_length=64)
    limit: int = Field(default=50, ge=1, le=500)
    cursor: str | None = Field(default=None, max_length=64)


class ReplayOut(BaseModel):
    webhook_id: str
    forced: bool
    published: int = Field(description="Events published by this replay.")
    event_ids: list[str]
    event_count: int = Field(description="Events published for the webhook in total.")


class ClearOut(BaseModel):
    webhooks: int
    rejections: int
