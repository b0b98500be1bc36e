"""WeCom's callbacks to the hub's `/webhooks/wecom/<config id>` (app configs only).

WeCom first checks the URL with a GET carrying `msg_signature`, `timestamp`,
`nonce` and an encrypted `echostr`, whose plaintext must come back as the
whole body within 1 s. Then it POSTs every message and event as
`<xml><ToUserName/><Encrypt/><AgentID/></xml>` with the same query
parameters; the signature covers the `<Encrypt>` text. Anything that fails a
check (signature, decryption, receive id, stale timestamp) is refused with 401
and stored only as an audit row. A verified callback is stored once per
`events.dedup_key` (WeCom re-sends up to 3 times when the answer is late) and
answered with an empty 200, or with a passive reply a subscriber returned
(`replies`). `events()` later turns the stored, decrypted XML into one typed
bus event (`events`).
"""

import time
from collections.abc import Sequence
from typing import Any
from urllib.parse import unquote

import structlog
from hub.webhooks import (
    EventDraft,
    InboundRequest,
    Reply,
    StoredWebhook,
    Verified,
    WebhookRejected,
)
from pydantic import BaseModel

from hub_wecom import callback_xml, events, replies
from hub_wecom.config import AppConfig
from hub_wecom.crypto import CryptoError, ErrorCode, WeComCrypto

log = structlog.get_logger("hub_wecom.webhooks")

MAX_TIMESTAMP_AGE_SECONDS = 300
"""How far a POST's `timestamp` may be from the hub's clock, either way.

The hub's replay protection, not a WeCom rule (reference §3.2). WeCom repeats
a callback with its original timestamp at most 3 times within about 15 s, so
five minutes accepts every genuine retry and clock drift, and a captured
request cannot be replayed later; within the window the dedup key makes a
replay harmless. URL-verification GETs are not limited: they are never stored
and only echo the string they carry.
"""

RESPOND_WITHIN_SECONDS = 4.0
"""How long the hub may wait for subscribers' passive replies: below WeCom's 5 s."""

CORE_RESPONDS = "respond_within" in getattr(Verified, "__dataclass_fields__", {})
"""Whether this hub runs subscribers before answering (`Verified.respond_within`)."""

_REJECTED_CODES = {
    ErrorCode.VALIDATE_SIGNATURE: "invalid_signature",
    ErrorCode.VALIDATE_CORPID: "invalid_receive_id",
    ErrorCode.DECRYPT_AES: "undecryptable",
    ErrorCode.ILLEGAL_BUFFER: "undecryptable",
    ErrorCode.DECODE_BASE64: "undecryptable",
}


def query_params(raw_query: str) -> dict[str, str]:
    """Query parameters percent-decoded once, `+` kept: echostr is base64, not a form value.

    The first occurrence of a name wins.
    """
    out: dict[str, str] = {}
    for part in raw_query.split("&"):
        key, _, value = part.partition("=")
        name = unquote(key)
        if name and name not in out:
            out[name] = unquote(value)
    return out


def _rejected(exc: CryptoError) -> WebhookRejected:
    return WebhookRejected(exc.reason, code=_REJECTED_CODES.get(exc.code, "invalid_callback"))


def crypto_for(config: AppConfig) -> WeComCrypto:
    """The config's callback keys; 401 `no_callback_keys` when it has none."""
    if config.token is None or config.encoding_aes_key is None:
        raise WebhookRejected(
            "this config has no callback token and EncodingAESKey, so it receives no callbacks",
            code="no_callback_keys",
        )
    # The config model has validated the key, so this cannot fail with ILLEGAL_AES_KEY.
    return WeComCrypto(
        config.token.get_secret_value(), config.encoding_aes_key.get_secret_value(), config.corp_id
    )


class WeComWebhooks:
    """WeCom's callback protocol on the hub's webhook intake; holds no per-config state."""

    max_body_bytes = 256 * 1024
    """WeCom's callbacks are a few KB; an address-book change with extended attributes is the
    largest."""
    max_timestamp_age_seconds = MAX_TIMESTAMP_AGE_SECONDS
    respond_within_seconds = RESPOND_WITHIN_SECONDS

    async def verify(self, request: InboundRequest, config: BaseModel) -> Verified:
        assert isinstance(config, AppConfig)
        crypto = crypto_for(config)
        params = query_params(request.raw_query)
        msg_signature = params.get("msg_signature", "")
        timestamp = params.get("timestamp", "").strip()
        nonce = params.get("nonce", "")
        if not msg_signature or not timestamp.isdigit() or len(timestamp) > 12:
            raise WebhookRejected(
                "msg_signature and a numeric timestamp are required", code="invalid_signature"
            )
        if request.method == "GET":
            return self._url_check(crypto, params, msg_signature, timestamp, nonce)
        self._check_age(timestamp)
        try:
            outer = callback_xml.parse(request.body, limit=self.max_body_bytes)
        except callback_xml.XmlRefused as exc:
            raise WebhookRejected(str(exc), code="invalid_body", status=400) from None
        encrypted = callback_xml.text_of(outer, "Encrypt")
        if not encrypted:
            raise WebhookRejected("the body has no <Encrypt>", code="invalid_body", status=400)
        try:
            plaintext = crypto.open(msg_signature, timestamp, nonce, encrypted)
        except CryptoError as exc:
            raise _rejected(exc) from None
        try:
            inner = callback_xml.parse(plaintext, limit=events.MAX_XML_BYTES)
            xml_text = plaintext.decode("utf-8")
        except (callback_xml.XmlRefused, UnicodeDecodeError):
            # Signed and encrypted for this corp, yet not XML: nothing to store or publish.
            raise WebhookRejected(
                f"the decrypted callback is not XML ({int(ErrorCode.PARSE_XML)})",
                code="invalid_message",
                status=400,
            ) from None
        fields = callback_xml.fields(inner)
        event_type = events.callback_type(fields)
        message = {"type": event_type, "xml": xml_text}
        options: dict[str, Any] = {}
        if CORE_RESPONDS and event_type in replies.REPLYABLE:
            options["respond_within"] = self.respond_within_seconds
        return Verified(
            reply=Reply.empty(), dedup_key=events.dedup_key(fields), messages=[message], **options
        )

    async def events(self, webhook: StoredWebhook, config: BaseModel) -> list[EventDraft]:
        return [events.draft(message["xml"], webhook.config_id) for message in webhook.messages]

    async def respond(
        self, webhook: StoredWebhook, config: BaseModel, results: Sequence[Any]
    ) -> Reply | None:
        """The encrypted passive reply for the first usable reply among `results`, or None.

        `results` are the subscribers' return values in priority order (see
        `replies`); None keeps the empty 200 `verify` chose.
        """
        assert isinstance(config, AppConfig)
        if not webhook.messages:
            return None
        message = webhook.messages[0]
        reply = replies.choose(results, message["type"])
        if reply is None:
            return None
        root = callback_xml.parse(message["xml"].encode("utf-8"), limit=events.MAX_XML_BYTES)
        member = callback_xml.text_of(root, "FromUserName") or ""
        plaintext = replies.inner_xml(reply, member, config.corp_id, int(time.time()))
        body = replies.envelope(crypto_for(config), plaintext)
        log.info(
            "wecom passive reply", webhook_id=webhook.id, msg_type=reply.msg_type, member=member
        )
        return Reply.xml(body)

    def _check_age(self, timestamp: str) -> None:
        if abs(time.time() - int(timestamp)) > self.max_timestamp_age_seconds:
            raise WebhookRejected(
                f"the timestamp is more than {self.max_timestamp_age_seconds} s from the hub's "
                "clock",
                code="stale_timestamp",
            )

    @staticmethod
    def _url_check(
        crypto: WeComCrypto, params: dict[str, str], msg_signature: str, timestamp: str, nonce: str
    ) -> Verified:
        echostr = params.get("echostr", "")
        if not echostr:
            raise WebhookRejected("echostr is missing", code="invalid_echostr", status=400)
        try:
            plaintext = crypto.open(msg_signature, timestamp, nonce, echostr)
        except CryptoError as exc:
            raise _rejected(exc) from None
        # The plaintext only, byte for byte: no quotes, newline or BOM (reference §3.4).
        return Verified(reply=Reply(body=plaintext, content_type="text/plain"), handshake=True)


WEBHOOK_HANDLER = WeComWebhooks()
"""The handler plugin.py sets as `webhook=` on the `app` kind."""
