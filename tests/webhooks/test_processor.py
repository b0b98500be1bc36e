"""After the reply: stored webhooks become events, failures retry, pending rows survive restarts."""

from datetime import UTC, datetime
from typing import Any

from hub.context import HubContext
from hub.ids import new_id
from hub.tenants.records import ConfigRecord
from hub.tenants.schemas import ConfigCreate, ConfigUpdate, TenantCreate
from hub.webhooks.writer import GroupWriter
from tests.webhooks.conftest import SECRET, Hook, MakeHook, wait_for


async def status_of(hook: Hook, webhook_id: str) -> str:
    return str(await hook.scalar("SELECT status FROM hub_webhooks WHERE id = :i", i=webhook_id))


async def test_events_carry_the_config_and_the_messages(hook: Hook) -> None:
    config = await hook.config()
    resp = await hook.send(config.id, "m-7", text="hi", conversation="room-1")
    assert resp.status == 200
    await hook.until_processed(1)
    [webhook] = await hook.webhooks()
    assert webhook.status == "processed"
    assert webhook.event_count == 1
    assert webhook.processed_at is not None
    page = await hook.ctx.bus.store.list(type="test_hmac.message.received")
    [event] = page.items
    assert event.source == "webhook"
    assert event.config_id == config.id
    assert event.tenant_id == config.tenant_id
    assert event.ordering_key == "room-1"
    assert event.occurred_at == webhook.received_at
    detail = await hook.ctx.bus.store.get(event.id)
    assert detail.payload == {"message_id": "m-7", "text": "hi"}
    assert await hook.scalar("SELECT event_id FROM test_hmac_messages") == event.id


async def test_failing_parse_is_retried_then_failed(hook: Hook) -> None:
    config = await hook.config(fail_events=True)
    assert (await hook.send(config.id, "doomed")).status == 200
    [webhook] = await hook.webhooks()

    async def failed() -> bool:
        return await status_of(hook, webhook.id) == "failed"

    await wait_for(failed)
    [webhook] = await hook.webhooks()
    assert webhook.attempts == hook.ctx.settings.webhook_max_attempts == 3
    assert "switched off" in (webhook.error or "")
    assert webhook.event_count == 0
    assert await hook.scalar("SELECT count(*) FROM hub_events") == 0
    registry = hook.ctx.metrics.registry
    labels = {"provider": "test_hmac"}
    assert registry.get_sample_value(
        "hub_webhooks_processed_total", {**labels, "outcome": "retry"}
    ) == 2
    assert registry.get_sample_value(
        "hub_webhooks_processed_total", {**labels, "outcome": "failed"}
    ) == 1
    # A failed webhook is still a known delivery: a resend is a duplicate, not new work.
    assert (await hook.send(config.id, "doomed")).status == 200
    assert await hook.stored() == 1


async def test_one_failing_webhook_does_not_hold_back_the_others(hook: Hook) -> None:
    good, bad = await hook.config("good"), await hook.config("bad", fail_events=True)
    for n in range(5):
        assert (await hook.send(good.id, f"g{n}")).status == 200
        assert (await hook.send(bad.id, f"b{n}")).status == 200
    await wait_for(lambda: _count(hook, "failed", 5))
    assert await hook.effects() == 5
    assert await _count(hook, "processed", 5)


async def _count(hook: Hook, status: str, expected: int) -> bool:
    sql = "SELECT count(*) FROM hub_webhooks WHERE status = :s"
    return await hook.scalar(sql, s=status) == expected


async def _store_pending(ctx: HubContext, config: ConfigRecord, count: int) -> None:
    """Rows as the intake stores them, written while no processor runs (a dead process)."""
    writer = GroupWriter(ctx.db, rejections_kept=10)
    writer.start()
    for n in range(count):
        body = f'{{"message_id": "early-{n}", "text": "t"}}'.encode()
        await writer.store(_row(config, f"early-{n}", body))
    await writer.stop()


def _row(config: ConfigRecord, key: str, body: bytes) -> dict[str, Any]:
    import json

    return {
        "id": new_id(), "config_id": config.id, "tenant_id": config.tenant_id,
        "provider": config.provider, "dedup_key": key, "method": "POST", "path": "/x",
        "query": "", "headers": {}, "body": body, "remote_ip": "127.0.0.1",
        "received_at": datetime.now(UTC), "messages": [json.loads(body)], "status": "pending",
        "attempts": 0, "next_attempt_at": None, "error": None, "processed_at": None,
        "event_count": 0, "duplicates": 0,
    }  # fmt: skip


async def test_pending_rows_from_a_dead_process_are_processed_on_start(
    ctx: HubContext, make_hook: MakeHook
) -> None:
    await ctx.tenants.create(TenantCreate(slug="acme", name="Acme"))
    body = ConfigCreate(tenant="acme", provider="test_hmac", name="default",
                        config={"secret": SECRET})
    config = await ctx.configs.create(body)
    await _store_pending(ctx, config, 30)
    # Accepted while enabled: processed even though the config is disabled now.
    await ctx.configs.update(config.id, ConfigUpdate(enabled=False))
    hook = await make_hook()
    await hook.until_processed(30)
    assert await hook.effects() == 30
