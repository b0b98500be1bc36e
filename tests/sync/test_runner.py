"""Running jobs: what gets stored, when the cursor moves, how failures end a run."""

import asyncio
from dataclasses import replace

import pytest
import sqlalchemy as sa

from hub.context import HubContext, open_context
from hub.errors import ConfigDisabled, NotFound
from hub.plugins import Plugins
from hub.settings import Settings
from hub.sync.errors import RunNotRunning
from hub.sync.models import SyncCursorRow
from hub.tenants.records import ConfigRecord
from tests.helpers.sync_plugin import items_table, labels_table
from tests.helpers.sync_remote import CatalogRemote, Hold
from tests.sync.conftest import add_config, job


async def stored_items(ctx: HubContext, config_id: str) -> dict[str, dict]:
    async with ctx.db.session() as s:
        rows = await s.execute(sa.select(items_table).where(items_table.c.config_id == config_id))
        return {r.id: dict(r._mapping) for r in rows}


async def stored_cursor(ctx: HubContext, config_id: str, entity: str = "items") -> str | None:
    async with ctx.db.session() as s:
        row = await s.get(SyncCursorRow, (config_id, entity))
        return None if row is None else row.cursor


async def test_full_run_stores_every_item_and_the_cursor(
    ctx: HubContext, remote: CatalogRemote, config: ConfigRecord
) -> None:
    run = await ctx.sync.run(job(ctx), config.id)
    assert (run.mode, run.status, run.error) == ("full", "succeeded", None)
    assert (run.items, run.total, run.inserted, run.updated, run.failed) == (45, 45, 45, 0, 0)
    assert run.cursor_before is None and run.cursor_after == "45"
    items = await stored_items(ctx, config.id)
    assert len(items) == 45
    assert items["item-00007"]["name"] == "Item 7" and items["item-00007"]["price"] == 7
    assert items["item-00007"]["synced_at"] is not None
    assert await stored_cursor(ctx, config.id) == "45"
    again = await ctx.sync.run(job(ctx), config.id, "full")
    assert (again.inserted, again.updated) == (0, 45)
    sample = ctx.metrics.registry.get_sample_value
    labels = {"provider": "catalog", "entity": "items"}
    assert sample("hub_sync_runs_total", {**labels, "mode": "full", "status": "succeeded"}) == 2
    assert sample("hub_sync_items_total", {**labels, "outcome": "inserted"}) == 45
    assert sample("hub_sync_items_total", {**labels, "outcome": "updated"}) == 45


async def test_auto_mode_is_incremental_once_a_cursor_exists(
    ctx: HubContext, remote: CatalogRemote, config: ConfigRecord
) -> None:
    await ctx.sync.run(job(ctx), config.id)
    remote.put("item-00003", name="Renamed", price=300)
    remote.put("item-new", name="New", price=1, tags=["x"])
    remote.remove("item-00004")
    run = await ctx.sync.run(job(ctx), config.id)
    assert run.mode == "incremental"
    assert (run.cursor_before, run.cursor_after) == ("45", "48")
    assert (run.inserted, run.updated, run.deleted) == (1, 1, 1)
    items = await stored_items(ctx, config.id)
    assert items["item-00003"]["name"] == "Renamed" and items["item-00003"]["version"] == 2
    assert items["item-new"]["tags"] == ["x"]
    assert "item-00004" not in items
    assert await stored_cursor(ctx, config.id) == "48"


async def test_job_with_its_own_store(
    ctx: HubContext, remote: CatalogRemote, config: ConfigRecord
) -> None:
    run = await ctx.sync.run(job(ctx, "labels"), config.id)
    assert (run.status, run.inserted, run.updated) == ("succeeded", 2, 0)
    async with ctx.db.session() as s:
        rows = (await s.execute(sa.select(labels_table.c.code, labels_table.c.title))).all()
    assert sorted(rows) == [("blue", "Blue"), ("red", "Red")]


async def test_each_config_has_its_own_rows_and_cursor(
    ctx: HubContext, remote: CatalogRemote, config: ConfigRecord
) -> None:
    other = await add_config(ctx, remote, name="second")
    await ctx.sync.run(job(ctx), config.id)
    remote.put("only-later")
    await ctx.sync.run(job(ctx), other.id)
    assert len(await stored_items(ctx, config.id)) == 45
    assert len(await stored_items(ctx, other.id)) == 46
    assert await stored_cursor(ctx, config.id) == "45"
    assert await stored_cursor(ctx, other.id) == "46"


async def test_a_failing_run_leaves_the_cursor(
    ctx: HubContext, remote: CatalogRemote, config: ConfigRecord
) -> None:
    await ctx.sync.run(job(ctx), config.id)
    for i in range(30):
        remote.put(f"item-{i:05d}", price=1000 + i)
    remote.faults["/v1/changes"] = [0, 500]  # first page fine, second page fails
    failed = await ctx.sync.run(job(ctx), config.id)
    assert (failed.mode, failed.status) == ("incremental", "failed")
    assert "catalog answered 500" in (failed.error or "")
    assert (failed.cursor_before, failed.cursor_after) == ("45", "65")  # got as far as page 1
    assert failed.updated == 20
    assert await stored_cursor(ctx, config.id) == "45"
    items = await stored_items(ctx, config.id)
    assert items["item-00000"]["price"] == 1000  # the committed batch stays
    assert items["item-00025"]["price"] == 25  # the failed one never came
    retried = await ctx.sync.run(job(ctx), config.id)
    assert (retried.status, retried.cursor_before, retried.cursor_after) == (
        "succeeded", "45", "75",
    )  # fmt: skip
    assert await stored_cursor(ctx, config.id) == "75"
    assert (await stored_items(ctx, config.id))["item-00025"]["price"] == 1025


async def test_a_failed_first_run_stores_no_cursor(
    ctx: HubContext, remote: CatalogRemote, config: ConfigRecord
) -> None:
    remote.faults["/v1/items"] = [0, 503]
    run = await ctx.sync.run(job(ctx), config.id)
    assert (run.status, run.items) == ("failed", 20)
    assert await stored_cursor(ctx, config.id) is None
    assert (await ctx.sync.run(job(ctx), config.id)).mode == "full"


async def test_errors_never_show_the_configs_secrets(
    ctx: HubContext, remote: CatalogRemote
) -> None:
    wrong = "wrong-token-91b2c3d4e5"
    config = await add_config(ctx, remote, name="bad", token=wrong)
    run = await ctx.sync.run(job(ctx), config.id)
    assert run.status == "failed"
    assert "catalog answered 401: invalid token ***" in (run.error or "")
    assert wrong not in (await ctx.sync.get_run(run.id)).model_dump_json()


async def test_a_disabled_config_is_refused(ctx: HubContext, remote: CatalogRemote) -> None:
    config = await add_config(ctx, remote, enabled=False)
    with pytest.raises(ConfigDisabled):
        await ctx.sync.run(job(ctx), config.id)
    assert (await ctx.sync.list_runs()).items == []


async def test_a_job_that_is_not_a_generator_fails_clearly(
    ctx: HubContext, remote: CatalogRemote, config: ConfigRecord
) -> None:
    async def not_a_generator(run: object) -> list:
        return []

    broken = replace(job(ctx, "labels"), full=not_a_generator)
    run = await ctx.sync.run(broken, config.id)
    assert run.status == "failed"
    assert "must be an async generator" in (run.error or "")
    again = await ctx.sync.run(job(ctx, "labels"), config.id)  # and the lock was released
    assert again.status == "succeeded"


async def test_cancel_stops_a_run_of_this_process(
    ctx: HubContext, remote: CatalogRemote, config: ConfigRecord
) -> None:
    remote.hold = Hold("/v1/items", after=1)
    started = await ctx.sync.start(job(ctx), config.id, "full")
    assert started.status == "running"
    assert await asyncio.to_thread(remote.hold.arrived.wait, 10)
    cancelled = await ctx.sync.cancel(started.id)
    assert (cancelled.status, cancelled.error) == ("cancelled", "cancelled on request")
    assert cancelled.items == 20 and cancelled.cancel_requested
    assert await stored_cursor(ctx, config.id) is None
    remote.hold.release.set()
    assert (await ctx.sync.run(job(ctx), config.id)).status == "succeeded"
    with pytest.raises(RunNotRunning):
        await ctx.sync.cancel(started.id)
    with pytest.raises(NotFound):
        await ctx.sync.cancel("no-such-run")


async def test_cancel_from_another_process_stops_at_the_next_batch(
    ctx: HubContext, remote: CatalogRemote, config: ConfigRecord, settings: Settings,
    plugins: Plugins,
) -> None:  # fmt: skip
    remote.hold = Hold("/v1/items", after=1)
    running = asyncio.create_task(ctx.sync.run(job(ctx), config.id, "full"))
    assert await asyncio.to_thread(remote.hold.arrived.wait, 10)
    other = open_context(settings, plugins)
    try:
        [active] = (await other.sync.list_runs(status="running")).items
        asked = await other.sync.cancel(active.id, wait_seconds=0)
        assert (asked.status, asked.cancel_requested) == ("running", True)
    finally:
        await other.close()
    remote.hold.release.set()
    finished = await asyncio.wait_for(running, 10)
    assert (finished.status, finished.items) == ("cancelled", 40)
    assert await stored_cursor(ctx, config.id) is None


async def test_cancel_reaches_a_run_waiting_on_its_source_through_the_heartbeat(
    ctx: HubContext, remote: CatalogRemote, config: ConfigRecord, settings: Settings,
    plugins: Plugins,
) -> None:  # fmt: skip
    ctx.sync.heartbeat_seconds = 0.05
    remote.hold = Hold("/v1/items", after=1)
    running = asyncio.create_task(ctx.sync.run(job(ctx), config.id, "full"))
    assert await asyncio.to_thread(remote.hold.arrived.wait, 10)
    other = open_context(settings, plugins)
    try:
        [active] = (await other.sync.list_runs(status="running")).items
        await other.sync.cancel(active.id, wait_seconds=0)
    finally:
        await other.close()
    finished = await asyncio.wait_for(running, 10)  # the source is still holding the request
    assert (finished.status, finished.items) == ("cancelled", 20)


async def test_stopping_the_process_records_the_run_as_interrupted(
    ctx: HubContext, remote: CatalogRemote, config: ConfigRecord
) -> None:
    remote.hold = Hold("/v1/items", after=0)
    running = asyncio.create_task(ctx.sync.run(job(ctx), config.id))
    assert await asyncio.to_thread(remote.hold.arrived.wait, 10)
    running.cancel()
    with pytest.raises(asyncio.CancelledError):
        await running
    [run] = (await ctx.sync.list_runs()).items
    assert run.status == "cancelled" and "interrupted" in (run.error or "")
    remote.hold.release.set()
    assert (await ctx.sync.run(job(ctx), config.id)).status == "succeeded"
