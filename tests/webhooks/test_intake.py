"""The ack path: every status, dedup, handshakes, what is stored and what never is."""

import json

from sqlalchemy import text

from tests.webhooks.conftest import SECRET, Hook, MakeHook, wait_for


async def test_signed_webhook_is_stored_answered_and_processed(hook: Hook) -> None:
    config = await hook.config()
    resp = await hook.send(config.id, "m-1", text="hello")
    assert resp.status == 200
    assert resp.headers["Content-Type"] == "application/json"
    assert await resp.json() == {"ok": True}
    assert await hook.stored(config.id) == 1
    await hook.until_processed(1)
    assert await hook.effects("m-1") == 1
    assert await hook.scalar("SELECT text FROM test_hmac_messages") == "hello"
    assert hook.received("stored") == 1


async def test_duplicate_gets_the_same_reply_and_is_processed_once(hook: Hook) -> None:
    config = await hook.config()
    first = await hook.send(config.id, "m-dup")
    assert first.status == 200
    await hook.until_processed(1)
    again = [await hook.send(config.id, "m-dup") for _ in range(3)]
    assert [r.status for r in again] == [200, 200, 200]
    assert [await r.read() for r in again] == [await first.read()] * 3
    assert await hook.stored() == 1
    assert await hook.scalar("SELECT duplicates FROM hub_webhooks") == 3
    assert await hook.effects("m-dup") == 1
    events = await hook.scalar("SELECT count(*) FROM hub_events WHERE source = 'webhook'")
    assert events == 1
    assert hook.received("duplicate") == 3


async def test_dedup_is_per_config(hook: Hook) -> None:
    one, two = await hook.config("one"), await hook.config("two")
    assert (await hook.send(one.id, "same-id")).status == 200
    assert (await hook.send(two.id, "same-id")).status == 200
    assert await hook.stored(one.id) == 1
    assert await hook.stored(two.id) == 1


async def test_unknown_provider_config_and_kind_are_404(hook: Hook) -> None:
    config = await hook.config()
    resp = await hook.send(config.id, provider="nope")
    assert resp.status == 404
    assert (await resp.json())["code"] == "unknown_provider"

    resp = await hook.send("01a00000-0000-7000-8000-000000000000")
    assert resp.status == 404
    assert (await resp.json())["code"] == "config_not_found"

    # A config of another provider under this provider's URL.
    example = await hook.config("ex", provider="example", api_key="key-1234567890")
    resp = await hook.send(example.id)
    assert resp.status == 404
    assert (await resp.json())["code"] == "config_not_found"

    # A provider whose config kind has no webhook handler.
    resp = await hook.send(example.id, provider="example")
    assert resp.status == 404
    body = await resp.json()
    assert body["code"] == "webhooks_not_supported"
    assert set(body) == {"code", "message"}
    assert await hook.stored() == 0
    assert hook.received("not_found", provider="unknown") == 1
    assert hook.received("not_found") == 2


async def test_disabled_config_is_403_and_nothing_stored(hook: Hook) -> None:
    config = await hook.config()
    assert (await hook.send(config.id, "before")).status == 200
    await hook.ctx.configs.set_enabled(config.id, False)
    resp = await hook.send(config.id, "after")
    assert resp.status == 403
    assert (await resp.json())["code"] == "config_disabled"
    await hook.ctx.configs.set_enabled(config.id, True)
    assert (await hook.send(config.id, "again")).status == 200
    assert await hook.stored() == 2
    assert hook.received("forbidden") == 1


async def test_address_outside_the_allowlist_is_403(hook: Hook) -> None:
    closed = await hook.config("closed", ip_allowlist=["10.0.0.0/8", "192.0.2.7"])
    opened = await hook.config("open", ip_allowlist=["127.0.0.0/8"])
    resp = await hook.send(closed.id, "x")
    assert resp.status == 403
    assert (await resp.json())["code"] == "ip_not_allowed"
    assert (await hook.send(opened.id, "x")).status == 200
    assert await hook.stored(closed.id) == 0


async def test_forwarded_for_is_ignored_by_default(hook: Hook) -> None:
    config = await hook.config(ip_allowlist=["203.0.113.0/24"])
    resp = await hook.send(config.id, "f-1", headers={"X-Forwarded-For": "203.0.113.5"})
    assert resp.status == 403


async def test_forwarded_for_is_used_behind_a_trusted_proxy(make_hook: MakeHook) -> None:
    hook = await make_hook(webhook_trust_forwarded_for=True)
    config = await hook.config(ip_allowlist=["203.0.113.0/24"])
    forged = {"X-Forwarded-For": "203.0.113.5"}
    # The last hop is what the proxy saw; earlier ones come from the client.
    assert (await hook.send(config.id, "f-2", headers=forged)).status == 200
    spoofed = {"X-Forwarded-For": "203.0.113.5, 198.51.100.1"}
    assert (await hook.send(config.id, "f-3", headers=spoofed)).status == 403
    assert await hook.scalar("SELECT remote_ip FROM hub_webhooks") == "203.0.113.5"


async def test_oversized_body_is_413_declared_or_streamed(hook: Hook) -> None:
    config = await hook.config()
    limit = hook.ctx.providers.get("test_hmac").kinds[0].webhook.max_body_bytes
    big = hook.signing.message("big", "x" * limit)
    resp = await hook.send(config.id, body=big)
    assert resp.status == 413
    assert (await resp.json())["code"] == "payload_too_large"

    async def chunks():  # type: ignore[no-untyped-def]
        for _ in range(limit // 4096 + 2):
            yield b"x" * 4096

    headers = hook.signing.sign(SECRET, b"")
    resp = await hook.client.post(hook.url(config.id), data=chunks(), headers=headers)
    assert resp.status == 413
    assert (await resp.json())["code"] == "payload_too_large"
    assert await hook.stored() == 0
    assert hook.received("too_large") == 2


async def test_handler_limit_may_exceed_the_general_body_limit(make_hook: MakeHook) -> None:
    hook = await make_hook(max_body_bytes=1024)
    config = await hook.config()
    resp = await hook.send(config.id, "long", text="y" * 4096)
    assert resp.status == 200
    assert await hook.stored() == 1


async def test_forged_signature_is_401_with_audit_row_and_nothing_stored(hook: Hook) -> None:
    config = await hook.config()
    resp = await hook.send(config.id, "forged", secret="not-the-secret")
    assert resp.status == 401
    assert await resp.json() == {"code": "invalid_signature", "message": "signature does not match"}
    assert await hook.stored() == 0

    async def audited() -> bool:
        return await hook.scalar("SELECT count(*) FROM hub_webhook_rejections") == 1

    await wait_for(audited)
    async with hook.ctx.db.session() as s:
        row = (await s.execute(text("SELECT * FROM hub_webhook_rejections"))).mappings().one()
    assert row["config_id"] == config.id
    assert row["provider"] == "test_hmac"
    assert row["remote_ip"] == "127.0.0.1"
    assert row["code"] == "invalid_signature"
    assert "forged" not in json.dumps({k: str(v) for k, v in row.items()})
    assert hook.received("rejected") == 1
    # The same message with a good signature is then accepted.
    assert (await hook.send(config.id, "forged")).status == 200


async def test_stale_timestamp_and_garbage_are_rejected(hook: Hook) -> None:
    config = await hook.config()
    body = hook.signing.message("old")
    stale = hook.signing.sign(SECRET, body, timestamp=1_000_000_000)
    resp = await hook.client.post(hook.url(config.id), data=body, headers=stale)
    assert resp.status == 401
    assert (await resp.json())["code"] == "invalid_timestamp"
    resp = await hook.send(config.id, body=b"\xff\xfe not json")
    assert resp.status == 401
    assert (await resp.json())["code"] == "invalid_body"
    assert await hook.stored() == 0


async def test_audit_rows_are_bounded_per_config(make_hook: MakeHook) -> None:
    hook = await make_hook(webhook_rejections_kept=3)
    one, two = await hook.config("one"), await hook.config("two")
    for n in range(7):
        assert (await hook.send(one.id, f"a{n}", secret="bad")).status == 401
    assert (await hook.send(two.id, "b", secret="bad")).status == 401
    assert (await hook.send(two.id, "ok")).status == 200  # flushes the audit rows

    async def pruned() -> bool:
        sql = "SELECT count(*) FROM hub_webhook_rejections WHERE config_id = :c"
        return (await hook.scalar(sql, c=one.id), await hook.scalar(sql, c=two.id)) == (3, 1)

    await wait_for(pruned)


async def test_get_handshake_is_answered_and_not_stored(hook: Hook) -> None:
    config = await hook.config()
    headers = hook.signing.sign(SECRET, b"abc123")
    resp = await hook.client.get(hook.url(config.id), params={"challenge": "abc123"},
                                 headers=headers)
    assert resp.status == 200
    assert resp.headers["Content-Type"].startswith("text/plain")
    assert await resp.text() == "abc123"
    bad = hook.signing.sign("wrong", b"abc123")
    resp = await hook.client.get(hook.url(config.id), params={"challenge": "abc123"},
                                 headers=bad)
    assert resp.status == 401
    assert await hook.stored() == 0
    assert hook.received("handshake") == 1


async def test_other_methods_are_405(hook: Hook) -> None:
    config = await hook.config()
    resp = await hook.client.put(hook.url(config.id), data=b"{}")
    assert resp.status == 405
    assert (await resp.json())["code"] == "method_not_allowed"


async def test_credentials_are_never_stored(hook: Hook) -> None:
    config = await hook.config()
    headers = {
        "Authorization": "Bearer secret-bearer-value",
        "Cookie": "session=secret-cookie-value",
        "X-Api-Token": "secret-token-value",
        "X-Trace": "kept-value",
    }
    assert (await hook.send(config.id, "h", headers=headers)).status == 200
    stored = dict((await hook.webhooks())[0].headers)
    assert stored["X-Trace"] == "kept-value"
    assert "X-Test-Signature" in stored
    dump = json.dumps(stored)
    for value in ("secret-bearer-value", "secret-cookie-value", "secret-token-value"):
        assert value not in dump


async def test_raw_request_is_stored(hook: Hook) -> None:
    config = await hook.config()
    body = hook.signing.message("raw", "héllo", conversation="c-1")
    resp = await hook.client.post(
        hook.url(config.id) + "?a=1&b=x%2By", data=body,
        headers={**hook.signing.sign(SECRET, body), "Content-Type": "application/json"},
    )
    assert resp.status == 200
    [webhook] = await hook.webhooks()
    assert webhook.body == body
    assert webhook.method == "POST"
    assert webhook.path == hook.url(config.id)
    assert webhook.query == "a=1&b=x%2By"
    assert webhook.dedup_key == "raw"
    assert webhook.tenant_id == config.tenant_id
    assert webhook.remote_ip == "127.0.0.1"
    assert list(webhook.messages) == [json.loads(body)]
