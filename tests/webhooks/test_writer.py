"""Group commit: batches, duplicates decided by the database, one bad row fails alone."""

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import text

from hub.bus.outbox import MonotonicIds
from hub.context import HubContext
from hub.ids import new_id
from hub.tenants.records import ConfigRecord
from hub.tenants.schemas import ConfigCreate, TenantCreate
from hub.webhooks.writer import GroupWriter, StoreFailed
from tests.webhooks.conftest import SECRET


@pytest.fixture
async def config(ctx: HubContext) -> ConfigRecord:
    await ctx.tenants.create(TenantCreate(slug="acme", name="Acme"))
    body = ConfigCreate(tenant="acme", provider="test_hmac", name="default",
                        config={"secret": SECRET})
    return await ctx.configs.create(body)


@pytest.fixture
async def writer(ctx: HubContext) -> AsyncIterator[GroupWriter]:
    writer = GroupWriter(ctx.db, rejections_kept=2)
    writer.start()
    yield writer
    await writer.stop()


def row(config: ConfigRecord, key: str | None, **changes: Any) -> dict[str, Any]:
    values = {
        "id": new_id(), "config_id": config.id, "tenant_id": config.tenant_id,
        "provider": "test_hmac", "dedup_key": key, "method": "POST", "path": "/p", "query": "",
        "headers": {"X-A": "1"}, "body": b"\x00\x01binary", "remote_ip": "127.0.0.1",
        "received_at": datetime.now(UTC), "messages": [{"k": key}], "status": "pending",
        "attempts": 0, "next_attempt_at": None, "error": None, "processed_at": None,
        "event_count": 0, "duplicates": 0,
    }  # fmt: skip
    return values | changes


async def count(ctx: HubContext, sql: str = "SELECT count(*) FROM hub_webhooks") -> int:
    async with ctx.db.session() as s:
        return int((await s.execute(text(sql))).scalar_one())


async def test_concurrent_rows_share_commits(
    ctx: HubContext, writer: GroupWriter, config: ConfigRecord
) -> None:
    rows = [row(config, f"k{n}") for n in range(300)]
    results = await asyncio.gather(*(writer.store(r) for r in rows))
    assert [r.id for r in results] == [r["id"] for r in rows]
    assert not any(r.duplicate for r in results)
    assert await count(ctx) == 300
    assert writer.batches < 300


async def test_duplicates_within_and_across_batches(
    ctx: HubContext, writer: GroupWriter, config: ConfigRecord
) -> None:
    first = await writer.store(row(config, "same"))
    assert not first.duplicate
    same_batch = await asyncio.gather(*(writer.store(row(config, "same")) for _ in range(4)))
    assert all(r.duplicate and r.id == first.id for r in same_batch)
    new = await asyncio.gather(*(writer.store(row(config, "fresh")) for _ in range(3)))
    assert sum(not r.duplicate for r in new) == 1
    assert len({r.id for r in new}) == 1
    assert await count(ctx) == 2
    assert await count(ctx, "SELECT sum(duplicates) FROM hub_webhooks") == 4 + 2


async def test_rows_without_dedup_key_are_always_stored(
    ctx: HubContext, writer: GroupWriter, config: ConfigRecord
) -> None:
    results = await asyncio.gather(*(writer.store(row(config, None)) for _ in range(5)))
    assert not any(r.duplicate for r in results)
    assert await count(ctx) == 5


async def test_a_bad_row_fails_alone(
    ctx: HubContext, writer: GroupWriter, config: ConfigRecord
) -> None:
    good = [row(config, f"ok{n}") for n in range(5)]
    bad = row(config, "bad", messages=[{"not json": {1, 2}}])
    results = await asyncio.gather(
        *(writer.store(r) for r in [*good[:2], bad, *good[2:]]), return_exceptions=True
    )
    assert isinstance(results[2], StoreFailed)
    assert all(not isinstance(r, Exception) for i, r in enumerate(results) if i != 2)
    assert await count(ctx) == 5


async def test_rejections_are_written_and_pruned(
    ctx: HubContext, writer: GroupWriter, config: ConfigRecord
) -> None:
    ids = MonotonicIds()
    for n in range(5):
        writer.reject({
            "id": ids(), "config_id": config.id, "provider": "test_hmac",
            "remote_ip": "127.0.0.1", "code": "invalid_signature", "reason": f"try {n}",
            "at": datetime.now(UTC),
        })  # fmt: skip
    await writer.store(row(config, "flush"))
    async with ctx.db.session() as s:
        reasons = (await s.execute(text(
            "SELECT reason FROM hub_webhook_rejections ORDER BY id"
        ))).scalars().all()  # fmt: skip
    assert reasons == ["try 3", "try 4"]


async def test_stop_writes_what_is_queued_then_refuses(
    ctx: HubContext, config: ConfigRecord
) -> None:
    writer = GroupWriter(ctx.db, rejections_kept=1)
    writer.start()
    tasks = [asyncio.create_task(writer.store(row(config, f"s{n}"))) for n in range(20)]
    await asyncio.sleep(0)  # every task has queued its row
    await writer.stop()
    assert len(await asyncio.gather(*tasks)) == 20
    assert await count(ctx) == 20
    with pytest.raises(StoreFailed):
        await writer.store(row(config, "late"))
