"""Provider `test_hmac`: signed JSON webhooks, one message each, stored by a subscriber.

The subscriber's row (table `test_hmac_messages`, unique per message id) is the
visible effect of a webhook having gone all the way through the hub.
"""

import hmac
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, SecretStr
from sqlalchemy import text

from hub import hookimpl
from hub.providers import ConfigKind, Provider
from hub.webhooks import (
    EventDraft,
    InboundRequest,
    IpAllowlist,
    Reply,
    StoredWebhook,
    Verified,
    WebhookRejected,
)
from hub_test_hmac.signing import MAX_SKEW_SECONDS, SIGNATURE, TIMESTAMP, signature

MIGRATIONS = Path(__file__).parent / "migrations"
EVENT_TYPE = "test_hmac.message.received"
SUBSCRIBER = "test_hmac.store_message"
OK = Reply.json({"ok": True})


class TestHmacConfig(BaseModel):
    secret: SecretStr
    ip_allowlist: IpAllowlist = []
    fail_events: bool = False
    """While set, turning stored webhooks into events fails (exercises retries and replay)."""


class MessageReceived(BaseModel):
    message_id: str
    text: str


class HmacWebhook:
    """Verifies the HMAC header, dedups by `message_id`, answers `{"ok": true}`."""

    max_body_bytes = 64 * 1024

    async def verify(self, request: InboundRequest, config: BaseModel) -> Verified:
        assert isinstance(config, TestHmacConfig)
        secret = config.secret.get_secret_value()
        timestamp = request.headers.get(TIMESTAMP, "")
        given = request.headers.get(SIGNATURE, "")
        if not timestamp.isdigit() or abs(time.time() - int(timestamp)) > MAX_SKEW_SECONDS:
            raise WebhookRejected("missing or stale timestamp", code="invalid_timestamp")
        if request.method == "GET":
            challenge = request.query.get("challenge", "")
            expected = signature(secret, timestamp, challenge.encode("utf-8"))
            if not challenge or not hmac.compare_digest(given, expected):
                raise WebhookRejected("signature does not match", code="invalid_signature")
            return Verified(reply=Reply.text(challenge), handshake=True)
        if not hmac.compare_digest(given, signature(secret, timestamp, request.body)):
            raise WebhookRejected("signature does not match", code="invalid_signature")
        data = request.json()
        if not isinstance(data, dict) or not isinstance(data.get("message_id"), str):
            raise WebhookRejected("message_id is missing", code="invalid_body")
        return Verified(reply=OK, dedup_key=data["message_id"], messages=[data])

    async def events(self, webhook: StoredWebhook, config: BaseModel) -> list[EventDraft]:
        assert isinstance(config, TestHmacConfig)
        if config.fail_events:
            raise RuntimeError("event parsing is switched off for this config")
        drafts = []
        for data in webhook.messages:
            if data.get("fail"):
                raise ValueError(f"message {data['message_id']} cannot be parsed")
            drafts.append(
                EventDraft(
                    EVENT_TYPE,
                    MessageReceived(message_id=data["message_id"], text=str(data.get("text", ""))),
                    ordering_key=data.get("conversation"),
                )
            )
        return drafts


WEBHOOK = HmacWebhook()


@hookimpl
def hub_providers() -> Provider:
    return Provider(
        "test_hmac", "Test HMAC service", (ConfigKind(TestHmacConfig, webhook=WEBHOOK),)
    )


@hookimpl
def hub_migrations() -> str:
    return str(MIGRATIONS)


@hookimpl
def hub_subscribers(bus: Any, ctx: Any) -> None:
    bus.register_type(EVENT_TYPE, MessageReceived)

    async def store_message(event: Any) -> None:
        message = event.model()
        async with ctx.db.transaction() as s:
            await s.execute(
                text(
                    "INSERT INTO test_hmac_messages (message_id, config_id, text, event_id, "
                    "stored_at) VALUES (:message_id, :config_id, :text, :event_id, :stored_at) "
                    "ON CONFLICT (message_id) DO NOTHING"
                ),
                {
                    "message_id": message.message_id,
                    "config_id": event.config_id,
                    "text": message.text,
                    "event_id": event.id,
                    "stored_at": datetime.now(UTC),
                },
            )

    bus.subscribe(EVENT_TYPE, store_message, name=SUBSCRIBER)
