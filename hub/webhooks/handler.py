"""What a plugin implements to receive a provider's callbacks, and what it gets back.

The core owns the route, the config lookup, the IP allowlist, the body limit,
storage, de-duplication and the retry of processing; a `WebhookHandler` only
knows the provider's protocol: how a request is signed or encrypted, which id
identifies a delivery, what the provider expects as the answer, and how a
stored delivery becomes bus events. Nothing in here knows any provider.
"""

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol, runtime_checkable

from pydantic import BaseModel


@dataclass(frozen=True)
class InboundRequest:
    """One received HTTP request, body read in full (within the body limit)."""

    method: str
    path: str
    query: Mapping[str, str]
    """Decoded query parameters (first value of each name); `raw_query` is the original."""
    raw_query: str
    headers: Mapping[str, str]
    """Case-insensitive request headers."""
    body: bytes
    remote_ip: str
    received_at: datetime

    def json(self) -> Any:
        """The body parsed as JSON; raises `WebhookRejected` when it is not JSON."""
        try:
            return json.loads(self.body)
        except (ValueError, RecursionError):
            raise WebhookRejected("body is not valid JSON", code="invalid_body") from None


@dataclass(frozen=True)
class Reply:
    """The exact HTTP answer the provider expects (plaintext echo, XML, JSON, empty)."""

    status: int = 200
    body: bytes = b""
    content_type: str = "text/plain"
    headers: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def text(cls, text: str, status: int = 200) -> "Reply":
        return cls(status, text.encode("utf-8"), "text/plain")

    @classmethod
    def json(cls, value: Any, status: int = 200) -> "Reply":
        body = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        return cls(status, body, "application/json")

    @classmethod
    def xml(cls, text: str, status: int = 200) -> "Reply":
        return cls(status, text.encode("utf-8"), "application/xml")

    @classmethod
    def empty(cls, status: int = 200) -> "Reply":
        return cls(status)


@dataclass(frozen=True)
class Verified:
    """The outcome of a successful `verify`.

    `dedup_key` is the provider's own id for the delivery (trace id, MsgId,
    messageId...). A second delivery with the same key for the same config is
    answered with `reply` again and not processed again. `None` means the
    request carries no such id: every delivery is stored.

    `messages` are the verified (decrypted, parsed) messages, stored with the
    raw request and handed back to `events()`; they must be JSON-serializable.

    `handshake=True` marks a request that is only answered, never stored: a
    URL-verification GET, a ping.
    """

    reply: Reply = field(default_factory=Reply)
    dedup_key: str | None = None
    messages: Sequence[Any] = ()
    handshake: bool = False


class WebhookRejected(Exception):
    """Raised by `verify` on a bad signature, a decrypt error or a malformed request.

    The hub answers `status` (401 unless told otherwise) with
    `{"code": code, "message": reason}`, stores nothing but an audit row
    without the body, and counts the attempt.
    """

    def __init__(self, reason: str, *, code: str = "webhook_rejected", status: int = 401) -> None:
        if not 400 <= status < 500:
            raise ValueError("a rejected webhook is answered with a 4xx status")
        super().__init__(reason)
        self.reason = reason
        self.code = code
        self.status = status


@dataclass(frozen=True)
class StoredWebhook:
    """A stored delivery, as `events()` and the CLI see it."""

    id: str
    config_id: str
    tenant_id: str
    provider: str
    method: str
    path: str
    query: str
    headers: Mapping[str, str]
    body: bytes
    remote_ip: str
    received_at: datetime
    dedup_key: str | None
    messages: Sequence[Any]
    status: str
    attempts: int
    duplicates: int
    event_count: int
    error: str | None
    processed_at: datetime | None


@dataclass(frozen=True)
class EventDraft:
    """One bus event `events()` wants published for a stored webhook.

    Without an `idempotency_key` the hub derives one from the webhook id and
    the draft's position, so processing a webhook twice never publishes twice.
    A key given here is scoped to the config by the hub; use the provider's
    own id of the message when a webhook carries several messages that may
    also arrive in other webhooks.
    """

    type: str
    payload: BaseModel | Mapping[str, Any]
    occurred_at: datetime | None = None
    ordering_key: str | None = None
    idempotency_key: str | None = None


@runtime_checkable
class WebhookHandler(Protocol):
    """Implemented by a plugin per config kind: `ConfigKind(model, webhook=MyHandler())`.

    `max_body_bytes` (optional attribute) overrides `HUB_WEBHOOK_MAX_BODY_BYTES`
    for this kind.
    """

    async def verify(self, request: InboundRequest, config: BaseModel) -> Verified:
        """Check signature/decrypt, find the dedup key and build the reply.

        Runs before anything is stored and before the provider gets its answer,
        so keep it fast: no outbound calls. Raise `WebhookRejected` to refuse.
        """
        ...

    async def events(self, webhook: StoredWebhook, config: BaseModel) -> list[EventDraft]:
        """Turn a stored webhook into bus events; runs after the reply, may be retried."""
        ...


def max_body_bytes(handler: WebhookHandler, default: int) -> int:
    value = getattr(handler, "max_body_bytes", None)
    return value if isinstance(value, int) and value > 0 else default
