"""One run per (config, entity) at a time, in this process and across processes."""

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from hub.context import HubContext, open_context
from hub.db.base import utcnow
from hub.plugins import Plugins
from hub.settings import Settings
from hub.sync import SyncRun, SyncRunning
from hub.tenants.records import ConfigRecord
from tests.helpers.sync_remote import CatalogRemote, Hold
from tests.sync.conftest import job


@pytest.fixture
async def other(settings: Settings, plugins: Plugins) -> AsyncIterator[HubContext]:
    """A second hub process on the same database (its own engine, owner and clock)."""
    context = open_context(settings, plugins)
    yield context
    await context.close()


async def hold_a_run(ctx: HubContext, remote: CatalogRemote, config: ConfigRecord) -> str:
    remote.hold = Hold("/v1/items", after=0)
    started = await ctx.sync.start(job(ctx), config.id, "full")
    assert await asyncio.to_thread(remote.hold.arrived.wait, 10)
    return started.id


async def test_a_second_run_of_the_same_pair_is_refused(
    ctx: HubContext, remote: CatalogRemote, config: ConfigRecord
) -> None:
    run_id = await hold_a_run(ctx, remote, config)
    with pytest.raises(SyncRunning) as refused:
        await ctx.sync.run(job(ctx), config.id)
    assert refused.value.status == 409 and refused.value.details == {"run_id": run_id}
    other_entity = await ctx.sync.run(job(ctx, "labels"), config.id)
    assert other_entity.status == "succeeded"
    remote.hold.release.set()
    for _ in range(200):
        if (await ctx.sync.get_run(run_id)).status != "running":
            break
        await asyncio.sleep(0.05)
    assert (await ctx.sync.get_run(run_id)).status == "succeeded"
    assert (await ctx.sync.run(job(ctx), config.id)).status == "succeeded"


async def test_another_process_is_refused_too(
    ctx: HubContext, other: HubContext, remote: CatalogRemote, config: ConfigRecord
) -> None:
    run_id = await hold_a_run(ctx, remote, config)
    with pytest.raises(SyncRunning):
        await other.sync.run(job(other), config.id)
    [running] = (await other.sync.list_runs(status="running")).items
    assert running.id == run_id and running.owner == ctx.sync.owner != other.sync.owner
    remote.hold.release.set()
    await asyncio.sleep(0)
    for _ in range(200):
        try:
            result = await other.sync.run(job(other), config.id)
            break
        except SyncRunning:
            await asyncio.sleep(0.05)
    assert result.status == "succeeded"


async def test_simultaneous_starts_let_exactly_one_through(
    ctx: HubContext, other: HubContext, remote: CatalogRemote, config: ConfigRecord
) -> None:
    outcomes = await asyncio.gather(
        ctx.sync.runner.begin(job(ctx), config.id, "full"),
        other.sync.runner.begin(job(other), config.id, "full"),
        return_exceptions=True,
    )
    names = sorted(type(o).__name__ for o in outcomes)
    assert names == ["SyncRun", "SyncRunning"], outcomes
    [winner] = [o for o in outcomes if isinstance(o, SyncRun)]
    owner = ctx if winner.ctx is ctx else other
    assert (await owner.sync.runner.drive(winner)).status == "succeeded"


async def test_a_dead_processs_lock_is_taken_over_after_it_expires(
    ctx: HubContext, other: HubContext, remote: CatalogRemote, config: ConfigRecord
) -> None:
    # The first process takes the lock and records its run, then "dies": it never
    # heartbeats, finishes or releases anything.
    dead = await ctx.sync.runner.begin(job(ctx), config.id, "full")
    with pytest.raises(SyncRunning):
        await other.sync.run(job(other), config.id)
    other.sync.clock = lambda: utcnow() + other.sync.lock_ttl + timedelta(seconds=1)
    taken = await other.sync.run(job(other), config.id)
    assert taken.status == "succeeded"
    abandoned = await other.sync.get_run(dead.id or "")
    assert abandoned.status == "failed"
    assert "stopped heartbeating" in (abandoned.error or "")


async def test_a_run_that_lost_its_lock_stops(
    ctx: HubContext, other: HubContext, remote: CatalogRemote, config: ConfigRecord
) -> None:
    ctx.sync.heartbeat_seconds = 0.05
    remote.hold = Hold("/v1/items", after=1)
    slow = asyncio.create_task(ctx.sync.run(job(ctx), config.id, "full"))
    assert await asyncio.to_thread(remote.hold.arrived.wait, 10)
    # The other process believes the first one dead (its clock is far ahead).
    other.sync.clock = lambda: utcnow() + timedelta(hours=1)
    remote.hold = None
    assert (await other.sync.run(job(other), config.id)).status == "succeeded"
    lost = await asyncio.wait_for(slow, 10)
    assert lost.status == "failed" and "lost its lock" in (lost.error or "")


async def test_the_sweep_closes_runs_of_dead_processes(
    ctx: HubContext, other: HubContext, remote: CatalogRemote, config: ConfigRecord
) -> None:
    dead = await ctx.sync.runner.begin(job(ctx), config.id, "full")
    await other.sync.scheduler.sweep()
    assert (await other.sync.get_run(dead.id or "")).status == "running"  # not expired yet
    other.sync.clock = lambda: utcnow() + timedelta(hours=1)
    await other.sync.scheduler.sweep()
    closed = await other.sync.get_run(dead.id or "")
    assert closed.status == "failed" and "stopped heartbeating" in (closed.error or "")
    status = {s.entity: s for s in await other.sync.status(config.id)}
    assert status["items"].running is False


async def test_cancelling_a_dead_processs_run_closes_it(
    ctx: HubContext, other: HubContext, remote: CatalogRemote, config: ConfigRecord
) -> None:
    dead = await ctx.sync.runner.begin(job(ctx), config.id, "full")
    other.sync.clock = lambda: utcnow() + timedelta(hours=1)
    closed = await other.sync.cancel(dead.id or "")
    assert closed.status == "cancelled"
    other.sync.clock = utcnow
    assert (await other.sync.run(job(other), config.id)).status == "succeeded"
