"""The call log: written in batches off the caller's path, listed, pruned."""

import asyncio
from datetime import timedelta
from typing import Any

from hub.context import HubContext
from hub.db.base import utcnow
from hub.db.engine import Database
from hub.http.calllog import CallLog
from hub.ids import new_id


def row(**overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "id": new_id(),
        "call_id": new_id(),
        "config_id": "cfg-1",
        "provider": "example",
        "method": "GET",
        "url": "https://h.invalid/v1/items",
        "status": 200,
        "outcome": "ok",
        "error_code": None,
        "error": None,
        "duration_ms": 1.5,
        "attempt": 1,
        "ok": True,
        "at": utcnow(),
    }
    values.update(overrides)
    return values


async def test_recorded_rows_are_written_by_the_background_writer(ctx: HubContext) -> None:
    calls = ctx.http.calls
    for _ in range(30):
        calls.record(**row())

    for _ in range(200):  # the writer commits them without anyone flushing
        if len((await calls.list(limit=100)).items) == 30:
            break
        await asyncio.sleep(0.02)
    assert len((await calls.list(limit=100)).items) == 30


async def test_list_filters_and_pages_newest_first(ctx: HubContext) -> None:
    calls = ctx.http.calls
    for i in range(5):
        calls.record(**row(config_id="cfg-a", ok=i % 2 == 0, outcome="ok" if i % 2 == 0
                           else "server_error"))
    calls.record(**row(config_id="cfg-b", provider="other"))
    await calls.flush()

    assert len((await calls.list(config_id="cfg-a")).items) == 5
    assert len((await calls.list(config_id="cfg-a", ok=False)).items) == 2
    assert [r.config_id for r in (await calls.list(provider="other")).items] == ["cfg-b"]

    first = await calls.list(limit=4)
    second = await calls.list(limit=4, cursor=first.next_cursor)
    ids = [r.id for r in first.items + second.items]
    assert ids == sorted(ids, reverse=True)
    assert len(set(ids)) == 6
    assert second.next_cursor is None


async def test_rows_past_the_retention_are_pruned(ctx: HubContext) -> None:
    calls = ctx.http.calls
    calls.record(**row(at=utcnow() - timedelta(days=15)))
    calls.record(**row(at=utcnow() - timedelta(days=13)))
    await calls.flush()

    assert await calls.prune(ctx.settings.call_log_retention_days) == 1
    assert len((await calls.list()).items) == 1


async def test_stats_count_attempts_and_failures_per_config(ctx: HubContext) -> None:
    calls = ctx.http.calls
    calls.record(**row(config_id="cfg-a"))
    calls.record(**row(config_id="cfg-a", ok=False, outcome="timeout"))
    calls.record(**row(config_id="cfg-a", at=utcnow() - timedelta(hours=2)))
    await calls.flush()

    stats = await calls.stats(utcnow() - timedelta(hours=1))

    assert [(s.config_id, s.calls, s.failed) for s in stats] == [("cfg-a", 2, 1)]


async def test_a_database_that_cannot_take_rows_drops_them_without_failing(
    database_url: str,
) -> None:
    db = Database(database_url)  # never migrated: no hub_api_calls table
    log = CallLog(db)
    try:
        log.record(**row())
        log.record(**row())
        assert await log.flush() == 0
        assert log.dropped == 2
        await log.close()
    finally:
        await db.dispose()


async def test_close_writes_what_is_still_queued(ctx: HubContext) -> None:
    calls = ctx.http.calls
    for _ in range(10):
        calls.record(**row())

    await calls.close()

    assert len((await calls.list(limit=100)).items) == 10
