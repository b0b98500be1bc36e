"""Items that fail are recorded, retried on later ticks with backoff, and resolved."""

from datetime import datetime, timedelta

import sqlalchemy as sa

from hub.context import HubContext
from hub.db.base import utcnow
from hub.sync.failures import RetryPolicy
from hub.sync.schemas import FailureOut
from hub.tenants.records import ConfigRecord
from tests.helpers.sync_plugin import SyncTestPlugin, items_table
from tests.helpers.sync_remote import CatalogRemote
from tests.sync.conftest import job


class Clock:
    """A settable clock for the sync service, so backoff needs no waiting."""

    def __init__(self) -> None:
        self.now = utcnow()

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


async def open_failures(ctx: HubContext) -> dict[str, FailureOut]:
    page = await ctx.sync.list_failures(include_resolved=True, limit=500)
    return {f.item_key: f for f in page.items}


async def stored_ids(ctx: HubContext) -> set[str]:
    async with ctx.db.session() as s:
        return set((await s.execute(sa.select(items_table.c.id))).scalars())


async def test_failed_items_are_recorded_and_the_run_still_succeeds(
    ctx: HubContext, remote: CatalogRemote, config: ConfigRecord
) -> None:
    clock = ctx.sync.clock = Clock()
    remote.broken = {"item-00002", "item-00030"}
    run = await ctx.sync.run(job(ctx), config.id)
    assert (run.status, run.inserted, run.failed, run.items) == ("succeeded", 43, 2, 45)
    failures = await open_failures(ctx)
    assert set(failures) == {"item-00002", "item-00030"}
    failure = failures["item-00002"]
    assert (failure.state, failure.attempts, failure.run_id) == ("pending", 1, run.id)
    assert failure.error.startswith("ValidationError: 1 validation error for RemoteItem; name;")
    assert "\n" not in failure.error
    policy = ctx.sync.retry_policy
    assert failure.next_attempt_at is not None
    assert clock.now + policy.base / 2 <= failure.next_attempt_at <= clock.now + policy.base


async def test_failures_are_retried_on_later_ticks_until_they_succeed(
    ctx: HubContext, remote: CatalogRemote, config: ConfigRecord, sync_plugin: SyncTestPlugin
) -> None:
    clock = ctx.sync.clock = Clock()
    remote.broken = {"item-00002", "item-00030"}
    await ctx.sync.run(job(ctx), config.id)
    sync_plugin.calls.clear()
    assert await ctx.sync.scheduler.retry_due() == []  # backoff not over yet
    clock.advance(minutes=1)
    [first] = await ctx.sync.scheduler.retry_due()
    assert (first.mode, first.status, first.failed, first.items) == ("retry", "succeeded", 2, 2)
    assert {f.attempts for f in (await open_failures(ctx)).values()} == {2}
    remote.broken = {"item-00030"}
    assert await ctx.sync.scheduler.retry_due() == []  # the second backoff is longer
    clock.advance(minutes=2)
    [second] = await ctx.sync.scheduler.retry_due()
    assert (second.inserted, second.failed) == (1, 1)
    failures = await open_failures(ctx)
    assert failures["item-00002"].state == "resolved"
    assert failures["item-00002"].resolved_at == clock.now
    assert (failures["item-00030"].state, failures["item-00030"].attempts) == ("pending", 3)
    assert "item-00002" in await stored_ids(ctx)
    assert [c[1] for c in sync_plugin.calls] == ["retry", "retry"]


async def test_an_item_deleted_remotely_is_deleted_by_its_retry(
    ctx: HubContext, remote: CatalogRemote, config: ConfigRecord
) -> None:
    clock = ctx.sync.clock = Clock()
    remote.broken = {"item-00002"}
    await ctx.sync.run(job(ctx), config.id)
    remote.remove("item-00002")
    clock.advance(hours=1)
    [retry] = await ctx.sync.scheduler.retry_due()
    assert (retry.deleted, retry.failed) == (0, 0)  # it was never stored
    assert (await open_failures(ctx))["item-00002"].state == "resolved"


async def test_retries_stop_after_max_attempts_until_asked(
    ctx: HubContext, remote: CatalogRemote, config: ConfigRecord
) -> None:
    clock = ctx.sync.clock = Clock()
    ctx.sync.retry_policy = RetryPolicy(max_attempts=2)
    remote.broken = {"item-00002"}
    await ctx.sync.run(job(ctx), config.id)
    clock.advance(hours=1)
    assert len(await ctx.sync.scheduler.retry_due()) == 1
    clock.advance(hours=1)
    assert await ctx.sync.scheduler.retry_due() == []
    failure = (await open_failures(ctx))["item-00002"]
    assert (failure.state, failure.attempts, failure.next_attempt_at) == ("given_up", 2, None)
    remote.broken = set()
    runs, skipped = await ctx.sync.retry_failures()
    assert skipped == [] and [(r.mode, r.inserted) for r in runs] == [("retry", 1)]
    assert (await open_failures(ctx))["item-00002"].state == "resolved"


async def test_a_successful_full_run_resolves_what_it_did_not_report(
    ctx: HubContext, remote: CatalogRemote, config: ConfigRecord
) -> None:
    remote.broken = {"item-00002", "item-00003"}
    await ctx.sync.run(job(ctx), config.id)
    remote.broken = {"item-00003"}
    full = await ctx.sync.run(job(ctx), config.id, "full")
    assert full.failed == 1
    failures = await open_failures(ctx)
    assert failures["item-00002"].state == "resolved"
    assert (failures["item-00003"].state, failures["item-00003"].attempts) == ("pending", 2)
    listed = await ctx.sync.list_failures()
    assert [f.item_key for f in listed.items] == ["item-00003"]


def test_backoff_grows_and_is_capped() -> None:
    policy = RetryPolicy(base=timedelta(seconds=10), max_delay=timedelta(seconds=100))
    for attempts, ceiling in [(1, 10), (2, 20), (3, 40), (4, 80), (5, 100), (40, 100)]:
        for _ in range(20):
            delay = policy.delay(attempts).total_seconds()
            assert ceiling / 2 <= delay <= ceiling
