"""Tencent Meeting's callbacks to the hub's `/webhooks/tencent_meeting/<config id>`.

Tencent first checks the URL with a GET whose `check_str` must be echoed in
plain text, then POSTs `{"data": "<base64>"}` for every event. Both carry the
headers `timestamp`, `nonce` and `signature` (see `webhook_crypto`). The core
intake stores each verified POST once per `trace_id` and answers Tencent's
fixed reply; `events()` later turns the stored callback into bus events
(`hub_tencent_meeting.events`).
"""

import hmac
import time
from urllib.parse import unquote

from hub.webhooks import (
    EventDraft,
    InboundRequest,
    Reply,
    StoredWebhook,
    Verified,
    WebhookRejected,
)
from pydantic import BaseModel, SecretStr

from hub_tencent_meeting import events, webhook_crypto
from hub_tencent_meeting.config import TencentMeetingConfig

ACK = "successfully received callback"
"""The body Tencent expects for an accepted event; anything else makes it retry."""

MAX_TIMESTAMP_SKEW_SECONDS = 600
"""How far a callback's `timestamp` may be from the hub's clock, either way.

This is the hub's replay protection, not behaviour Tencent documents: Tencent
sends the time of the callback (in milliseconds in its own example, so both
seconds and milliseconds are read) and does not say how old a delivery may be.
Ten minutes leaves room for clock drift and slow retries, while a captured
request cannot be replayed later; within the window the `trace_id`
de-duplication makes a replay harmless.
"""

_MILLISECONDS_FROM = 10**11


def timestamp_seconds(value: str) -> float | None:
    """The header's time in seconds; 13-digit values are milliseconds."""
    value = value.strip()
    if not value.isdigit() or len(value) > 16:
        return None
    number = int(value)
    return number / 1000 if number >= _MILLISECONDS_FROM else float(number)


def query_value(raw_query: str, name: str) -> str | None:
    """A query parameter percent-decoded, "+" kept: `check_str` is base64, not a form value."""
    for part in raw_query.split("&"):
        key, _, value = part.partition("=")
        if unquote(key) == name:
            return unquote(value)
    return None


def _secret(value: SecretStr | None) -> str | None:
    return value.get_secret_value() if value is not None else None


class TencentMeetingWebhooks:
    """Tencent Meeting's protocol on the hub's webhook intake; holds no per-config state."""

    max_timestamp_skew_seconds = MAX_TIMESTAMP_SKEW_SECONDS

    async def verify(self, request: InboundRequest, config: BaseModel) -> Verified:
        assert isinstance(config, TencentMeetingConfig)
        token = _secret(config.webhook_token)
        if not token:
            raise WebhookRejected(
                "this config has no webhook token, so it receives no events",
                code="no_webhook_token",
            )
        timestamp = request.headers.get("timestamp", "")
        nonce = request.headers.get("nonce", "")
        self._check_time(timestamp)
        if request.method == "GET":
            return self._url_check(request, config, token, timestamp, nonce)
        body = request.json()  # WebhookRejected("invalid_body") when it is not JSON
        data = body.get("data") if isinstance(body, dict) else None
        if not isinstance(data, str) or not data:
            raise WebhookRejected('the body has no "data"', code="invalid_body", status=400)
        self._check_signature(request, token, timestamp, nonce, data)
        message = self._decode_event(data, config)
        return Verified(
            reply=Reply.text(ACK), dedup_key=events.trace_id(message), messages=[message]
        )

    async def events(self, webhook: StoredWebhook, config: BaseModel) -> list[EventDraft]:
        drafts: list[EventDraft] = []
        for message in webhook.messages:
            drafts.extend(events.drafts(message, webhook.config_id))
        return drafts

    def _check_time(self, timestamp: str) -> None:
        seconds = timestamp_seconds(timestamp)
        if seconds is None:
            raise WebhookRejected("the timestamp header is missing", code="invalid_timestamp")
        if abs(time.time() - seconds) > self.max_timestamp_skew_seconds:
            raise WebhookRejected(
                f"the timestamp is more than {self.max_timestamp_skew_seconds} s from the "
                "hub's clock",
                code="invalid_timestamp",
            )

    @staticmethod
    def _check_signature(
        request: InboundRequest, token: str, timestamp: str, nonce: str, data: str
    ) -> None:
        given = request.headers.get("signature", "").strip().lower()
        expected = webhook_crypto.signature(token, timestamp, nonce, data)
        if not given or not hmac.compare_digest(given, expected):
            raise WebhookRejected("the signature does not match", code="invalid_signature")

    def _url_check(
        self,
        request: InboundRequest,
        config: TencentMeetingConfig,
        token: str,
        timestamp: str,
        nonce: str,
    ) -> Verified:
        check_str = query_value(request.raw_query, "check_str")
        if not check_str:
            raise WebhookRejected("check_str is missing", code="invalid_check_str", status=400)
        self._check_signature(request, token, timestamp, nonce, check_str)
        try:
            plain = webhook_crypto.decode(check_str, _secret(config.encoding_aes_key))
            text = webhook_crypto.check_text(plain)
        except webhook_crypto.InvalidAesKey as exc:
            raise WebhookRejected(str(exc), code="invalid_aes_key", status=400) from None
        except webhook_crypto.UndecodableData as exc:
            raise WebhookRejected(str(exc), code="undecryptable", status=400) from None
        return Verified(reply=Reply.text(text), handshake=True)

    @staticmethod
    def _decode_event(data: str, config: TencentMeetingConfig) -> dict[str, object]:
        try:
            plain = webhook_crypto.decode(data, _secret(config.encoding_aes_key))
            message = webhook_crypto.first_json_object(plain)
        except webhook_crypto.InvalidAesKey as exc:
            raise WebhookRejected(str(exc), code="invalid_aes_key", status=400) from None
        except webhook_crypto.UndecodableData as exc:
            raise WebhookRejected(str(exc), code="undecryptable", status=400) from None
        if not isinstance(message.get("event"), str) or not message["event"]:
            raise WebhookRejected("the event has no name", code="invalid_event", status=400)
        return message


WEBHOOK_HANDLER = TencentMeetingWebhooks()
"""The handler plugin.py sets as `webhook=` on the config kind."""
