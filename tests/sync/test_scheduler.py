"""The scheduler runs due jobs for every enabled config, highest priority first."""

import asyncio
from dataclasses import replace
from datetime import timedelta

import pytest
from aiohttp.test_utils import TestClient

from hub.app import create_app
from hub.context import CTX_KEY, HubContext, open_context
from hub.plugins import Plugins
from hub.settings import Settings
from hub.sync.jobs import JobRegistry
from hub.tenants.records import ConfigRecord
from tests.helpers.sync_plugin import SyncTestPlugin, create_tables
from tests.helpers.sync_remote import CatalogRemote
from tests.sync.conftest import add_config, job
from tests.sync.test_failures import Clock


@pytest.fixture
async def configs(ctx: HubContext, remote: CatalogRemote) -> list[ConfigRecord]:
    first = await add_config(ctx, remote, name="first")
    second = await add_config(ctx, remote, name="second", tenant="globex")
    await add_config(ctx, remote, name="off", enabled=False)
    return sorted([first, second], key=lambda c: c.id)


async def test_due_jobs_run_in_priority_order_for_every_enabled_config(
    ctx: HubContext, configs: list[ConfigRecord], sync_plugin: SyncTestPlugin
) -> None:
    runs = await ctx.sync.scheduler.tick()
    ids = [c.id for c in configs]
    expected = [("labels", "full", i) for i in ids] + [("items", "full", i) for i in ids]
    assert sync_plugin.calls == expected
    assert [(r.entity, r.config_id, r.status) for r in runs] == [
        (entity, config_id, "succeeded") for entity, _mode, config_id in expected
    ]


async def test_a_job_runs_again_once_its_interval_has_passed(
    ctx: HubContext, configs: list[ConfigRecord], sync_plugin: SyncTestPlugin
) -> None:
    clock = ctx.sync.clock = Clock()
    await ctx.sync.scheduler.tick()
    sync_plugin.calls.clear()
    assert await ctx.sync.scheduler.tick() == []
    clock.advance(minutes=6)  # items every 5 minutes, labels every 10
    await ctx.sync.scheduler.tick()
    assert sync_plugin.calls == [("items", "incremental", c.id) for c in configs]
    sync_plugin.calls.clear()
    clock.advance(minutes=5)
    await ctx.sync.scheduler.tick()
    assert [(e, m) for e, m, _ in sync_plugin.calls] == [
        ("labels", "full"), ("labels", "full"), ("items", "incremental"), ("items", "incremental"),
    ]  # fmt: skip
    statuses = {(s.config_id, s.entity): s for s in await ctx.sync.status()}
    first = statuses[(configs[0].id, "items")]
    assert first.next_due_at == clock.now + timedelta(minutes=5)
    assert first.last_run is not None and first.last_run.mode == "incremental"


async def test_a_job_without_interval_runs_only_on_demand(
    ctx: HubContext, configs: list[ConfigRecord], sync_plugin: SyncTestPlugin
) -> None:
    registry = JobRegistry()
    registry.add("catalog", job(ctx, "items"))
    registry.add("catalog", replace(job(ctx, "labels"), interval=None))
    ctx.sync.jobs = registry
    await ctx.sync.scheduler.tick()
    assert {entity for entity, _, _ in sync_plugin.calls} == {"items"}
    statuses = {(s.config_id, s.entity): s for s in await ctx.sync.status()}
    assert statuses[(configs[0].id, "labels")].next_due_at is None


async def test_two_processes_ticking_together_run_each_pair_once(
    ctx: HubContext,
    configs: list[ConfigRecord],
    settings: Settings,
    plugins: Plugins,
) -> None:
    other = open_context(settings, plugins)
    try:
        mine, theirs = await asyncio.gather(ctx.sync.scheduler.tick(), other.sync.scheduler.tick())
    finally:
        await other.close()
    pairs = [(r.config_id, r.entity) for r in [*mine, *theirs]]
    assert sorted(pairs) == sorted({(c.id, e) for c in configs for e in ("items", "labels")})
    assert len((await ctx.sync.list_runs()).items) == 4


async def test_history_older_than_thirty_days_is_pruned_but_the_last_run_kept(
    ctx: HubContext, configs: list[ConfigRecord]
) -> None:
    labels = job(ctx, "labels")
    for _ in range(3):
        await ctx.sync.run(labels, configs[0].id)
    clock = ctx.sync.clock = Clock()
    clock.advance(days=31)
    await ctx.sync.scheduler.prune()
    [kept] = (await ctx.sync.list_runs()).items
    assert kept.entity == "labels"


async def test_the_server_runs_the_scheduler(
    aiohttp_client, settings: Settings, plugins: Plugins, remote: CatalogRemote
) -> None:  # type: ignore[no-untyped-def]
    fast = settings.model_copy(update={"sync_tick_seconds": 0.05})
    client: TestClient = await aiohttp_client(create_app(fast, plugins=plugins))
    ctx = client.app[CTX_KEY]
    await create_tables(ctx.db.engine)
    config = await add_config(ctx, remote)
    for _ in range(200):
        runs = (await ctx.sync.list_runs(status="succeeded")).items
        if {r.entity for r in runs} == {"items", "labels"}:
            break
        await asyncio.sleep(0.05)
    assert {(r.entity, r.config_id) for r in runs} == {
        ("items", config.id), ("labels", config.id)
    }  # fmt: skip
