"""Replay, statistics, listing and clearing of stored webhooks (the CLI's and API's engine)."""

from datetime import UTC, datetime, timedelta

import pytest

from hub.errors import Conflict, NotFound
from hub.tenants.schemas import ConfigUpdate
from hub.webhooks.store import WebhookStore
from tests.webhooks.conftest import Hook, MakeHook, wait_for


async def events(hook: Hook) -> int:
    return int(await hook.scalar("SELECT count(*) FROM hub_events"))


async def test_replay_does_not_publish_twice_unless_forced(hook: Hook) -> None:
    config = await hook.config()
    assert (await hook.send(config.id, "r-1")).status == 200
    await hook.until_processed(1)
    [webhook] = await hook.webhooks()
    store = WebhookStore(hook.ctx)

    again = await store.replay(webhook.id)
    assert (again.published, again.event_ids, again.event_count) == (0, [], 1)
    assert await events(hook) == 1

    forced = await store.replay(webhook.id, force=True)
    assert forced.forced and forced.published == 1 and forced.event_count == 2
    assert await events(hook) == 2
    detail = await hook.ctx.bus.store.get(forced.event_ids[0])
    assert detail.payload["message_id"] == "r-1"
    # The subscriber sees the forced event too; its row stays unique.
    await wait_for(lambda: _delivered(hook, forced.event_ids[0]))
    assert await hook.effects("r-1") == 1
    # A second forced replay is new again.
    assert (await store.replay(webhook.id, force=True)).published == 1
    assert await events(hook) == 3


async def _delivered(hook: Hook, event_id: str) -> bool:
    detail = await hook.ctx.bus.store.get(event_id)
    return all(d.status == "done" for d in detail.deliveries)


async def test_replay_of_a_failed_webhook_after_fixing_its_config(hook: Hook) -> None:
    config = await hook.config(fail_events=True)
    assert (await hook.send(config.id, "fixed-later")).status == 200
    [webhook] = await hook.webhooks()

    async def failed() -> bool:
        return (await WebhookStore(hook.ctx).get(webhook.id)).status == "failed"

    await wait_for(failed)
    store = WebhookStore(hook.ctx)
    with pytest.raises(Conflict) as refused:
        await store.replay(webhook.id)
    assert refused.value.code == "webhook_replay_failed"
    assert "switched off" in refused.value.message

    await hook.ctx.configs.update(config.id, ConfigUpdate(config={"fail_events": False}))
    result = await store.replay(webhook.id)
    assert result.published == 1 and result.event_count == 1
    replayed = await store.get(webhook.id)
    assert (replayed.status, replayed.error) == ("processed", None)
    await hook.until_processed(1)
    assert await hook.effects("fixed-later") == 1


async def test_replay_of_an_unknown_webhook_is_not_found(hook: Hook) -> None:
    with pytest.raises(NotFound):
        await WebhookStore(hook.ctx).replay("01a00000-0000-7000-8000-000000000000")


async def test_stats_count_received_duplicates_rejections_and_statuses(hook: Hook) -> None:
    good, bad = await hook.config("good"), await hook.config("bad", fail_events=True)
    for n in range(3):
        assert (await hook.send(good.id, f"g{n}")).status == 200
    assert (await hook.send(good.id, "g0")).status == 200
    assert (await hook.send(good.id, "g1")).status == 200
    assert (await hook.send(good.id, "x", secret="forged")).status == 401
    assert (await hook.send(bad.id, "b0")).status == 200
    store = WebhookStore(hook.ctx)

    async def settled() -> bool:
        rows = {r.config_id: r for r in (await store.stats()).items}
        return (
            good.id in rows and rows[good.id].processed == 3 and rows[good.id].rejected == 1
            and bad.id in rows and rows[bad.id].failed == 1
        )  # fmt: skip

    await wait_for(settled)
    rows = {r.config_id: r.model_dump() for r in (await store.stats()).items}
    assert rows[good.id] == {
        "provider": "test_hmac", "config_id": good.id, "received": 3, "duplicates": 2,
        "rejected": 1, "pending": 0, "processed": 3, "failed": 0,
    }  # fmt: skip
    assert rows[bad.id]["failed"] == 1 and rows[bad.id]["received"] == 1


async def test_list_filters_and_pages_newest_first(hook: Hook) -> None:
    one, two = await hook.config("one"), await hook.config("two")
    for n in range(5):
        assert (await hook.send(one.id, f"a{n}")).status == 200
    assert (await hook.send(two.id, "b")).status == 200
    store = WebhookStore(hook.ctx)
    page = await store.list(config=one.id, limit=3)
    assert [w.dedup_key for w in page.items] == ["a4", "a3", "a2"]
    rest = await store.list(config=one.id, limit=3, cursor=page.next_cursor)
    assert [w.dedup_key for w in rest.items] == ["a1", "a0"] and rest.next_cursor is None
    await hook.until_processed(6)
    assert len((await store.list(status="processed")).items) == 6
    assert (await store.list(status="pending")).items == []
    assert len((await store.list(provider="test_hmac")).items) == 6


async def test_clear_keeps_pending_unless_asked(make_hook: MakeHook) -> None:
    # One failed attempt, then an hour until the next: the webhook stays pending.
    hook = await make_hook(webhook_retry_base_seconds=3600.0)
    good, bad = await hook.config("good"), await hook.config("bad", fail_events=True)
    for n in range(3):
        assert (await hook.send(good.id, f"g{n}")).status == 200
    assert (await hook.send(bad.id, "waiting")).status == 200
    assert (await hook.send(good.id, "y", secret="forged")).status == 401
    await wait_for(lambda: _processed(hook, good.id, 3))
    await wait_for(lambda: _rejections(hook, 1))

    async def tried() -> bool:
        sql = "SELECT attempts FROM hub_webhooks WHERE config_id = :c"
        return await hook.scalar(sql, c=bad.id) == 1

    await wait_for(tried)
    store = WebhookStore(hook.ctx)
    past = await store.clear(before=datetime.now(UTC) - timedelta(days=1))
    assert (past.webhooks, past.rejections) == (0, 0)
    cleared = await store.clear()
    assert (cleared.webhooks, cleared.rejections) == (3, 1)
    [left] = await hook.webhooks()
    assert (left.config_id, left.status) == (bad.id, "pending")
    assert (await store.clear(config=good.id, include_pending=True)).webhooks == 0
    assert (await store.clear(include_pending=True)).webhooks == 1
    assert await hook.stored() == 0


async def _processed(hook: Hook, config_id: str, expected: int) -> bool:
    sql = "SELECT count(*) FROM hub_webhooks WHERE config_id = :c AND status = 'processed'"
    return await hook.scalar(sql, c=config_id) == expected


async def _rejections(hook: Hook, expected: int) -> bool:
    return await hook.scalar("SELECT count(*) FROM hub_webhook_rejections") == expected
