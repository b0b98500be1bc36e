"""How stored webhooks are shown: text bodies as text, anything else as base64."""

import base64
from datetime import UTC, datetime

from hub.webhooks.handler import StoredWebhook
from hub.webhooks.schemas import WebhookDetail, WebhookOut


def stored(body: bytes) -> StoredWebhook:
    return StoredWebhook(
        id="w", config_id="c", tenant_id="t", provider="p", method="POST", path="/webhooks/p/c",
        query="a=1", headers={"Content-Type": "application/xml"}, body=body, remote_ip="::1",
        received_at=datetime.now(UTC), dedup_key=None, messages=[{"k": 1}], status="pending",
        attempts=0, duplicates=0, event_count=0, error=None, processed_at=None,
    )  # fmt: skip


def test_text_and_binary_bodies() -> None:
    text = WebhookDetail.of(stored("<xml>名</xml>".encode()))
    assert (text.body, text.body_encoding, text.body_bytes) == ("<xml>名</xml>", "utf-8", 14)
    raw = b"\x00\xff\x10encrypted"
    binary = WebhookDetail.of(stored(raw))
    assert binary.body_encoding == "base64"
    assert base64.b64decode(binary.body) == raw
    assert binary.messages == [{"k": 1}]


def test_summary_has_no_body() -> None:
    summary = WebhookOut.of(stored(b"secret-looking body")).model_dump()
    assert "body" not in summary and "headers" not in summary
    assert summary["status"] == "pending"
