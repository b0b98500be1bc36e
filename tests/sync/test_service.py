"""`ctx.sync`: choosing what to run, status, consistency checks and repair."""

import pytest
import sqlalchemy as sa

from hub.context import HubContext
from hub.errors import ConfigDisabled, NotFound, ValidationFailed
from hub.tenants.records import ConfigRecord
from hub.tenants.schemas import ConfigCreate
from tests.helpers.sync_plugin import items_table
from tests.helpers.sync_remote import CatalogRemote
from tests.sync.conftest import add_config, job


async def test_jobs_are_listed_highest_priority_first(ctx: HubContext) -> None:
    listed = [(j.name, j.plugin, j.priority, j.interval_seconds) for j in ctx.sync.job_list()]
    assert listed == [
        ("catalog.labels", "catalog", 50, 600.0),
        ("catalog.items", "catalog", 10, 300.0),
    ]
    [items] = [j for j in ctx.sync.job_list() if j.entity == "items"]
    assert (items.incremental, items.retry, items.check) == (True, True, True)


async def test_targets_select_by_config_and_entity(
    ctx: HubContext, remote: CatalogRemote, config: ConfigRecord
) -> None:
    off = await add_config(ctx, remote, name="off", enabled=False)
    pairs = [(j.entity, c.id) for j, c in await ctx.sync.targets()]
    assert pairs == [("labels", config.id), ("items", config.id)]
    assert [j.name for j, _ in await ctx.sync.targets(config.id, "catalog.items")] == [
        "catalog.items"
    ]
    with pytest.raises(NotFound, match="no sync job for entity 'nope'"):
        await ctx.sync.targets(entity="nope")
    with pytest.raises(NotFound):
        await ctx.sync.targets("no-such-config")
    with pytest.raises(ConfigDisabled):
        await ctx.sync.targets(off.id)
    example = await ctx.configs.create(
        ConfigCreate(tenant="acme", provider="example", name="ex", config={"api_key": "k" * 12})
    )
    with pytest.raises(NotFound, match="has no sync jobs"):
        await ctx.sync.targets(example.id)
    with pytest.raises(ValidationFailed, match="syncs catalog configs"):
        await ctx.sync.run(job(ctx), example.id)


async def test_status_shows_every_pair_with_its_last_run_and_cursor(
    ctx: HubContext, remote: CatalogRemote, config: ConfigRecord
) -> None:
    before = {s.entity: s for s in await ctx.sync.status()}
    assert before["items"].last_run is None and before["items"].next_due_at is not None
    remote.broken = {"item-00001"}
    run = await ctx.sync.run(job(ctx), config.id)
    status = {s.entity: s for s in await ctx.sync.status(config.id)}
    items = status["items"]
    assert (items.cursor, items.failures_open, items.running) == ("45", 1, False)
    assert items.last_run is not None and items.last_run.id == run.id
    assert items.last_success_at == run.finished_at
    assert (items.tenant, items.config_name, items.enabled) == ("acme", "default", True)
    assert status["labels"].last_run is None


async def test_check_reports_differences_and_repair_fixes_them(
    ctx: HubContext, remote: CatalogRemote, config: ConfigRecord
) -> None:
    await ctx.sync.run(job(ctx), config.id)
    [clean] = [c for c in await ctx.sync.check(config.id) if c.entity == "items"]
    assert (clean.consistent, clean.remote_count, clean.local_count) == (True, 45, 45)
    assert clean.remote_checksum == clean.local_checksum
    # Drift the change feed cannot show: a row lost locally, a change made silently.
    async with ctx.db.transaction() as s:
        await s.execute(sa.delete(items_table).where(items_table.c.id == "item-00009"))
    remote.items["item-00010"]["version"] = 7
    results = {c.entity: c for c in await ctx.sync.check(config.id)}
    items = results["items"]
    assert items.consistent is False
    assert items.differences == ["remote has 45 items, local 44", "checksums differ"]
    assert (results["labels"].consistent, results["labels"].error) == (
        None, "this job has no consistency check",
    )  # fmt: skip
    repaired = {c.entity: c for c in await ctx.sync.repair(list(results.values()))}
    run = repaired["items"].repair_run
    assert run is not None and (run.mode, run.status, run.inserted) == ("repair", "succeeded", 1)
    assert repaired["labels"].repair_run is None
    [after] = await ctx.sync.check(config.id, "items")
    assert after.consistent is True


async def test_a_check_that_fails_is_reported_without_secrets(
    ctx: HubContext, remote: CatalogRemote
) -> None:
    wrong = "wrong-token-77aa88bb99"
    config = await add_config(ctx, remote, name="bad", token=wrong)
    [result] = await ctx.sync.check(config.id, "items")
    assert result.consistent is None
    assert result.error == "CatalogError: catalog answered 401: invalid token ***"
