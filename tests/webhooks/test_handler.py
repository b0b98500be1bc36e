"""The plugin-facing types: replies, rejections, parsing helpers."""

import json
from datetime import UTC, datetime

import pytest

from hub.webhooks import InboundRequest, Reply, WebhookRejected


def request(body: bytes) -> InboundRequest:
    return InboundRequest(
        method="POST", path="/webhooks/p/c", query={}, raw_query="", headers={}, body=body,
        remote_ip="127.0.0.1", received_at=datetime.now(UTC),
    )  # fmt: skip


def test_replies_carry_exact_bytes_and_types() -> None:
    assert Reply.text("1616140317555161061") == Reply(200, b"1616140317555161061", "text/plain")
    assert Reply.json({"ok": True, "名": 1}).body == '{"ok":true,"名":1}'.encode()
    assert Reply.json({}).content_type == "application/json"
    assert Reply.xml("<xml/>").content_type == "application/xml"
    assert Reply.empty(204) == Reply(204, b"", "text/plain")


def test_json_body_or_rejection() -> None:
    assert request(b'{"a": [1]}').json() == {"a": [1]}
    with pytest.raises(WebhookRejected) as rejected:
        request(b"<xml/>").json()
    assert (rejected.value.code, rejected.value.status) == ("invalid_body", 401)
    deep = b"[" * 100_000 + b"]" * 100_000
    with pytest.raises(WebhookRejected):
        request(deep).json()
    assert json.loads(b"{}") == {}


def test_rejections_are_4xx() -> None:
    assert WebhookRejected("bad").status == 401
    assert WebhookRejected("gone", status=410).status == 410
    with pytest.raises(ValueError):
        WebhookRejected("oops", status=500)
