"""Dispatching stored events: priority, STOP, retries, dead letters, restarts, ordering."""

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update

from hub.bus.models import DeliveryRow
from hub.context import HubContext
from tests.bus.conftest import Reopen
from tests.bus.helpers import deliveries, sample, statuses
from tests.helpers.bus_plugin import ITEM_CREATED, ITEM_DELETED, Recorder, item
from tests.helpers.logcapture import captured_logs

# Three subscribers on one type, priorities 10 > 5 > 0.
THREE = (
    ("demo.item.*", "demo.audit", 10),
    ("demo.*.deleted", "demo.cleanup", 5),
    ("demo.item.deleted", "demo.archive", 0),
)


async def test_deliveries_run_in_priority_order_and_are_marked_done(
    ctx: HubContext, recorder: Recorder
) -> None:
    event = await ctx.bus.publish(ITEM_CREATED, item(), source="test")
    assert await ctx.bus.drain() == 2
    assert recorder.order(event.id) == ["demo.audit", "demo.index"]
    rows = await deliveries(ctx, event.id)
    assert {name: (r.status, r.attempts) for name, r in rows.items()} == {
        "demo.audit": ("done", 1),
        "demo.index": ("done", 1),
    }
    assert sample(ctx, "hub_bus_deliveries_total", subscriber="demo.index", outcome="done") == 1


async def test_priority_order_across_three_subscribers(reopen: Reopen, recorder: Recorder) -> None:
    async with reopen(THREE) as ctx:
        await ctx.migrate()
        event = await ctx.bus.publish(ITEM_DELETED, {"id": "x"}, source="test")
        await ctx.bus.drain()
    assert recorder.order(event.id) == ["demo.audit", "demo.cleanup", "demo.archive"]


async def test_stop_marks_lower_priority_deliveries_skipped(
    reopen: Reopen, recorder: Recorder
) -> None:
    recorder.stops.add("demo.cleanup")
    async with reopen(THREE) as ctx:
        await ctx.migrate()
        event = await ctx.bus.publish(ITEM_DELETED, {"id": "x"}, source="test")
        await ctx.bus.drain()
        assert recorder.order(event.id) == ["demo.audit", "demo.cleanup"]
        assert await statuses(ctx, event.id) == {
            "demo.audit": "done",
            "demo.cleanup": "done",
            "demo.archive": "skipped",
        }
        # Skipped stays skipped: nothing runs it later.
        assert await ctx.bus.drain() == 0


async def test_failing_handler_is_retried_then_dead_lettered(
    ctx: HubContext, recorder: Recorder
) -> None:
    recorder.fail("demo.index")
    with captured_logs() as logs:
        event = await ctx.bus.publish(ITEM_CREATED, item(), source="test")
        await ctx.bus.drain(wait=5)
    rows = await deliveries(ctx, event.id)
    assert rows["demo.audit"].status == "done"
    dead = rows["demo.index"]
    assert (dead.status, dead.attempts) == ("dead", 3)
    assert dead.last_error == "RuntimeError: demo.index could not handle the event"
    assert [r for s, e, r in recorder.calls if s == "demo.index"] == ["failed"] * 3
    assert sample(ctx, "hub_bus_deliveries_total", subscriber="demo.index", outcome="retry") == 2
    assert sample(ctx, "hub_bus_deliveries_total", subscriber="demo.index", outcome="dead") == 1
    assert sample(ctx, "hub_bus_dead_letters_total", subscriber="demo.index") == 1
    retries = logs.events("event handler failed; will retry")
    assert [r["attempt"] for r in retries] == [1, 2]
    assert all(r["subscriber"] == "demo.index" for r in retries)
    [final] = logs.events("event handler failed; delivery dead-lettered")
    assert (final["subscriber"], final["attempt"]) == ("demo.index", 3)
    # A dead letter is not retried on its own.
    assert await ctx.bus.drain(wait=0.05) == 0


async def test_a_handler_that_recovers_is_done_after_a_retry(
    ctx: HubContext, recorder: Recorder
) -> None:
    recorder.fail("demo.index", times=2)
    event = await ctx.bus.publish(ITEM_CREATED, item(), source="test")
    await ctx.bus.drain(wait=5)
    row = (await deliveries(ctx, event.id))["demo.index"]
    assert (row.status, row.attempts) == ("done", 3)
    assert recorder.done("demo.index") == [event.id]


async def test_lower_priority_waits_while_a_higher_one_is_retried(
    reopen: Reopen, recorder: Recorder
) -> None:
    recorder.fail("demo.audit", times=1)
    recorder.stops.add("demo.audit")
    # A slow retry, so the first round certainly ends with the retry still pending.
    async with reopen(THREE, bus_retry_base_seconds=0.05, bus_retry_max_seconds=0.05) as ctx:
        await ctx.migrate()
        event = await ctx.bus.publish(ITEM_DELETED, {"id": "x"}, source="test")
        await ctx.bus.dispatcher.run_once()
        assert await statuses(ctx, event.id) == {
            "demo.audit": "pending",
            "demo.cleanup": "pending",
            "demo.archive": "pending",
        }
        assert recorder.calls == [("demo.audit", event.id, "failed")]
        await ctx.bus.drain(wait=5)
        # The retry succeeded with STOP, so the lower ones never ran.
        assert recorder.order(event.id) == ["demo.audit"]
        assert await statuses(ctx, event.id) == {
            "demo.audit": "done",
            "demo.cleanup": "skipped",
            "demo.archive": "skipped",
        }


async def test_lower_priority_proceeds_once_the_higher_one_is_dead(
    reopen: Reopen, recorder: Recorder
) -> None:
    recorder.fail("demo.audit")
    async with reopen(THREE) as ctx:
        await ctx.migrate()
        event = await ctx.bus.publish(ITEM_DELETED, {"id": "x"}, source="test")
        await ctx.bus.drain(wait=5)
        assert await statuses(ctx, event.id) == {
            "demo.audit": "dead",
            "demo.cleanup": "done",
            "demo.archive": "done",
        }
    assert recorder.order(event.id) == ["demo.cleanup", "demo.archive"]


async def test_completed_deliveries_never_run_again(ctx: HubContext, recorder: Recorder) -> None:
    recorder.fail("demo.index", times=1)
    event = await ctx.bus.publish(ITEM_CREATED, item(), source="test")
    await ctx.bus.drain(wait=5)
    await ctx.bus.drain(wait=0.05)
    assert recorder.order(event.id) == ["demo.audit", "demo.index"]


async def test_deliveries_resume_after_a_restart(
    ctx: HubContext, reopen: Reopen, recorder: Recorder
) -> None:
    first = await ctx.bus.publish(ITEM_CREATED, item("a"), source="test")
    second = await ctx.bus.publish(ITEM_DELETED, {"id": "b"}, source="test")
    await ctx.close()  # stopped before dispatching anything
    assert recorder.calls == []
    async with reopen() as restarted:
        assert await restarted.bus.drain() == 4
        assert await statuses(restarted, first.id) == {"demo.audit": "done", "demo.index": "done"}
        assert await statuses(restarted, second.id) == {
            "demo.audit": "done",
            "demo.cleanup": "done",
        }
    assert recorder.order(first.id) == ["demo.audit", "demo.index"]


async def test_running_rows_of_a_crashed_process_are_taken_over(
    ctx: HubContext, reopen: Reopen, recorder: Recorder
) -> None:
    event = await ctx.bus.publish(ITEM_CREATED, item(), source="test")
    # The first process claims the work under a short lease, then dies without finishing.
    ctx.bus.dispatcher.lease_seconds = 0.01
    _, claimed = await ctx.bus.dispatcher.claim()
    assert {c.subscriber for c in claimed} == {"demo.audit", "demo.index"}
    await ctx.close()
    assert await statuses(ctx, event.id) == {"demo.audit": "running", "demo.index": "running"}
    await asyncio.sleep(0.05)  # the lease runs out

    with captured_logs() as logs:
        async with reopen() as restarted:
            assert await restarted.bus.drain() == 2
            rows = await deliveries(restarted, event.id)
    assert {n: (r.status, r.attempts) for n, r in rows.items()} == {
        "demo.audit": ("done", 2),
        "demo.index": ("done", 2),
    }
    assert recorder.order(event.id) == ["demo.audit", "demo.index"]
    taken = logs.events("delivery taken over from a stopped process")
    assert {t["subscriber"] for t in taken} == {"demo.audit", "demo.index"}


async def test_running_rows_under_a_live_lease_are_left_alone(
    ctx: HubContext, reopen: Reopen, recorder: Recorder
) -> None:
    event = await ctx.bus.publish(ITEM_CREATED, item(), source="test")
    _, claimed = await ctx.bus.dispatcher.claim()  # another process is working on it
    assert len(claimed) == 2
    async with reopen() as other:
        assert await other.bus.drain() == 0
        assert await statuses(other, event.id) == {"demo.audit": "running", "demo.index": "running"}
    assert recorder.calls == []


async def test_interrupted_last_attempt_is_dead_lettered(
    ctx: HubContext, reopen: Reopen, recorder: Recorder
) -> None:
    event = await ctx.bus.publish(ITEM_CREATED, item(), source="test")
    async with ctx.db.transaction() as s:
        await s.execute(
            update(DeliveryRow)
            .where(DeliveryRow.event_id == event.id, DeliveryRow.subscriber == "demo.index")
            .values(
                status="running",
                attempts=2,
                locked_until=datetime.now(UTC) - timedelta(seconds=1),
            )
        )
    async with reopen() as restarted:
        await restarted.bus.drain()
        rows = await deliveries(restarted, event.id)
        assert sample(restarted, "hub_bus_dead_letters_total", subscriber="demo.index") == 1
    assert (rows["demo.index"].status, rows["demo.index"].attempts) == ("dead", 3)
    assert rows["demo.index"].last_error.startswith("interrupted")
    assert recorder.done() == [event.id]  # only demo.audit ran


async def test_same_ordering_key_reaches_a_subscriber_in_publish_order_despite_retries(
    reopen: Reopen, recorder: Recorder
) -> None:
    recorder.fail("demo.index", times=1)  # the first event's delivery fails once
    async with reopen(bus_retry_base_seconds=0.05, bus_retry_max_seconds=0.05) as ctx:
        await ctx.migrate()
        keyed = [
            await ctx.bus.publish(ITEM_CREATED, item(f"k{n}"), source="t", ordering_key="room-1")
            for n in range(3)
        ]
        other = await ctx.bus.publish(ITEM_CREATED, item("o"), source="t", ordering_key="room-2")
        await ctx.bus.dispatcher.run_once()
        # room-1 waits behind its failed first event; room-2 does not.
        assert recorder.done("demo.index") == [other.id]
        # One event per key and subscriber at a time: keyed[1] waits for keyed[0].
        assert await statuses(ctx, keyed[1].id) == {
            "demo.audit": "pending",
            "demo.index": "pending",
        }
        await ctx.bus.drain(wait=5)
    index_calls = [(e, r) for s, e, r in recorder.calls if s == "demo.index" and e != other.id]
    assert index_calls == [
        (keyed[0].id, "failed"),
        (keyed[0].id, "ok"),
        (keyed[1].id, "ok"),
        (keyed[2].id, "ok"),
    ]
    audited = recorder.done("demo.audit")
    assert [e for e in audited if e != other.id] == [e.id for e in keyed]
    assert other.id in audited


async def test_ordering_key_moves_on_after_a_dead_letter(
    ctx: HubContext, recorder: Recorder
) -> None:
    recorder.fail("demo.index", times=3)
    first = await ctx.bus.publish(ITEM_CREATED, item("a"), source="t", ordering_key="k")
    second = await ctx.bus.publish(ITEM_CREATED, item("b"), source="t", ordering_key="k")
    await ctx.bus.drain(wait=5)
    assert (await statuses(ctx, first.id))["demo.index"] == "dead"
    assert recorder.done("demo.index") == [second.id]


async def test_subscribers_not_registered_here_stay_pending_and_are_reported(
    ctx: HubContext, reopen: Reopen, recorder: Recorder
) -> None:
    event = await ctx.bus.publish(ITEM_DELETED, {"id": "x"}, source="test")
    await ctx.close()
    # The plugin that registered demo.audit (the highest priority) is gone.
    only_cleanup = (("demo.*.deleted", "demo.cleanup", 5),)
    with captured_logs() as logs:
        async with reopen(only_cleanup) as restarted:
            assert await restarted.bus.drain() == 1
            assert await restarted.bus.dispatcher.report_unregistered() == {"demo.audit": 1}
            stats = await restarted.bus.store.stats()
            detail = await restarted.bus.store.get(event.id)
    assert stats["unregistered"] == {"demo.audit": 1}
    assert {d.subscriber: (d.status, d.registered) for d in detail.deliveries} == {
        "demo.audit": ("pending", False),
        "demo.cleanup": ("done", True),
    }
    [warning] = logs.events(
        "deliveries are waiting for subscribers that are not registered "
        "(plugin disabled or uninstalled?)"
    )
    assert warning["subscribers"] == {"demo.audit": 1}
    # Back in a process that has it, the waiting delivery runs.
    async with reopen() as full:
        assert await full.bus.drain() == 1
    assert recorder.order(event.id) == ["demo.cleanup", "demo.audit"]


async def test_background_dispatcher_is_woken_by_a_commit(
    ctx: HubContext, recorder: Recorder
) -> None:
    ctx.bus.dispatcher.poll_seconds = 3600  # only the wake-up can deliver in time
    handled = asyncio.Event()
    recorder.listeners.append(lambda name, event: handled.set())
    ctx.bus.start()
    await asyncio.sleep(0)
    async with ctx.db.transaction() as session:
        event = await ctx.bus.publish(ITEM_CREATED, item(), source="test", session=session)
        await asyncio.sleep(0.05)
        assert not handled.is_set()  # not committed yet: nothing to deliver
    await asyncio.wait_for(handled.wait(), timeout=10)
    assert recorder.done()[0] == event.id
    await ctx.bus.stop()


async def test_a_broken_handler_never_stops_the_background_dispatcher(
    ctx: HubContext, recorder: Recorder
) -> None:
    recorder.fail("demo.audit")
    done = asyncio.Event()
    recorder.listeners.append(lambda name, event: done.set() if name == "demo.index" else None)
    ctx.bus.start()
    await ctx.bus.publish(ITEM_CREATED, item(), source="test")
    await asyncio.wait_for(done.wait(), timeout=10)
    assert ctx.bus.dispatcher.running
    await ctx.bus.stop()
    assert not ctx.bus.dispatcher.running


async def test_two_dispatchers_deliver_each_delivery_once(
    ctx: HubContext, reopen: Reopen, recorder: Recorder, database_url: str
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("several dispatching processes need PostgreSQL (FOR UPDATE SKIP LOCKED)")
    events = [await ctx.bus.publish(ITEM_CREATED, item(str(n)), source="t") for n in range(60)]
    async with reopen() as other:
        ctx.bus.dispatcher.batch_size = other.bus.dispatcher.batch_size = 5
        counts = await asyncio.gather(ctx.bus.drain(), other.bus.drain())
    assert sum(counts) == 120
    assert sorted(recorder.done("demo.index")) == sorted(e.id for e in events)
    assert sorted(recorder.done("demo.audit")) == sorted(e.id for e in events)


async def test_a_handler_that_hangs_is_timed_out_and_retried(ctx: HubContext) -> None:
    calls: list[str] = []

    async def hangs(event: object) -> None:
        calls.append("hangs")
        await asyncio.Event().wait()

    async def own_timeout(event: object) -> None:
        calls.append("own")
        raise TimeoutError("upstream did not answer")

    ctx.bus.subscribe("demo.slow.thing", hangs, name="demo.hangs", priority=1)
    ctx.bus.subscribe("demo.slow.thing", own_timeout, name="demo.own")
    ctx.bus.dispatcher.handler_timeout = 0.05
    event = await ctx.bus.publish("demo.slow.thing", {}, source="t")
    await ctx.bus.drain(wait=5)
    rows = await deliveries(ctx, event.id)
    assert (rows["demo.hangs"].status, rows["demo.hangs"].attempts) == ("dead", 3)
    assert rows["demo.hangs"].last_error == "TimeoutError: handler ran longer than 0.05 s"
    assert rows["demo.own"].last_error == "TimeoutError: upstream did not answer"
    assert calls == ["hangs"] * 3 + ["own"] * 3


async def test_shutdown_hands_running_deliveries_back(
    ctx: HubContext, reopen: Reopen, recorder: Recorder
) -> None:
    entered = asyncio.Event()

    async def slow(event: object) -> None:
        entered.set()
        await asyncio.Event().wait()  # still running when the hub stops

    ctx.bus.subscribe("demo.slow.thing", slow, name="demo.slow")
    event = await ctx.bus.publish("demo.slow.thing", {}, source="t")
    ctx.bus.start()
    await asyncio.wait_for(entered.wait(), timeout=10)
    assert await statuses(ctx, event.id) == {"demo.slow": "running"}
    await ctx.bus.stop()
    row = (await deliveries(ctx, event.id))["demo.slow"]
    assert (row.status, row.attempts, row.locked_until) == ("pending", 0, None)


async def test_leases_are_extended_while_a_handler_runs(ctx: HubContext, reopen: Reopen) -> None:
    entered, release = asyncio.Event(), asyncio.Event()

    async def long_running(event: object) -> None:
        entered.set()
        await release.wait()

    ctx.bus.subscribe("demo.slow.thing", long_running, name="demo.slow")
    ctx.bus.dispatcher.lease_seconds = 1.0
    event = await ctx.bus.publish("demo.slow.thing", {}, source="t")
    run = asyncio.create_task(ctx.bus.drain())
    await asyncio.wait_for(entered.wait(), timeout=10)
    await asyncio.sleep(2.0)  # twice the lease
    async with reopen() as other:
        assert await other.bus.dispatcher.reclaim() == 0
    release.set()
    assert await asyncio.wait_for(run, timeout=10) == 1
    row = (await deliveries(ctx, event.id))["demo.slow"]
    assert (row.status, row.attempts) == ("done", 1)
