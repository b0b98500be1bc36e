"""How publishing writes the outbox: grouped commits, savepoints, one bad row among many."""

import asyncio

import pytest
from sqlalchemy import text

from hub.bus.outbox import MonotonicIds
from hub.context import HubContext
from hub.errors import ValidationFailed
from hub.ids import is_id
from tests.bus.helpers import event_count, statuses
from tests.helpers.bus_plugin import ITEM_CREATED, ITEM_DELETED, Recorder, item

POISON_SQLITE = """
CREATE TRIGGER poison BEFORE INSERT ON hub_events
WHEN NEW.payload LIKE '%poison%'
BEGIN SELECT RAISE(ABORT, 'poisoned row'); END
"""
POISON_POSTGRES = [
    """
    CREATE FUNCTION poison() RETURNS trigger AS $$
    BEGIN
      IF NEW.payload::text LIKE '%poison%' THEN RAISE EXCEPTION 'poisoned row'; END IF;
      RETURN NEW;
    END $$ LANGUAGE plpgsql
    """,
    "CREATE TRIGGER poison BEFORE INSERT ON hub_events FOR EACH ROW EXECUTE FUNCTION poison()",
]


def test_ids_are_uuid7_and_strictly_increasing() -> None:
    ids = MonotonicIds()
    made = [ids() for _ in range(5000)]
    assert made == sorted(made)
    assert len(set(made)) == len(made)
    assert all(is_id(i) and i[14] == "7" and i[19] in "89ab" for i in made)


async def test_concurrent_publishers_are_all_stored(ctx: HubContext, recorder: Recorder) -> None:
    events = await asyncio.gather(
        *(ctx.bus.publish(ITEM_CREATED, item(str(n)), source="t") for n in range(120))
    )
    assert len({e.id for e in events}) == 120
    assert await event_count(ctx) == 120
    assert await ctx.bus.drain() == 240
    assert sorted(recorder.done("demo.index")) == sorted(e.id for e in events)


async def test_one_row_the_database_refuses_fails_only_its_own_publish(
    ctx: HubContext, database_url: str
) -> None:
    async with ctx.db.transaction() as session:
        if database_url.startswith("sqlite"):
            await session.execute(text(POISON_SQLITE))
        else:
            for statement in POISON_POSTGRES:
                await session.execute(text(statement))
    payloads = [{"id": str(n)} for n in range(20)]
    payloads[7] = {"id": "poison"}
    results = await asyncio.gather(
        *(ctx.bus.publish(ITEM_DELETED, p, source="t") for p in payloads),
        return_exceptions=True,
    )
    failed = [r for r in results if isinstance(r, Exception)]
    assert len(failed) == 1
    assert results[7] is failed[0]
    assert "poisoned row" in str(failed[0])
    assert await event_count(ctx) == 19
    # The writer keeps working afterwards.
    await ctx.bus.publish(ITEM_DELETED, {"id": "after"}, source="t")
    assert await event_count(ctx) == 20


async def test_a_rolled_back_savepoint_takes_its_events_along(
    ctx: HubContext, recorder: Recorder
) -> None:
    class Undo(Exception):
        pass

    async with ctx.db.transaction() as session:
        kept = await ctx.bus.publish(ITEM_CREATED, item("kept"), source="t", session=session)
        with pytest.raises(Undo):
            async with session.begin_nested():
                await ctx.bus.publish(ITEM_CREATED, item("undone"), source="t", session=session)
                raise Undo
        after = await ctx.bus.publish(ITEM_CREATED, item("after"), source="t", session=session)
    assert await event_count(ctx) == 2
    await ctx.bus.drain()
    assert sorted(recorder.done("demo.index")) == sorted([kept.id, after.id])


async def test_events_published_in_a_session_commit_with_it(ctx: HubContext) -> None:
    async with ctx.db.transaction() as session:
        event = await ctx.bus.publish(ITEM_CREATED, item(), source="t", session=session)
        assert await event_count(ctx) == 0  # not visible to others before the commit
    assert await event_count(ctx) == 1
    assert set(await statuses(ctx, event.id)) == {"demo.audit", "demo.index"}
    # The same session object publishing again after its transaction ended starts clean.
    async with ctx.db.session() as reused:
        await reused.begin()
        await ctx.bus.publish(ITEM_CREATED, item("a"), source="t", session=reused)
        await reused.rollback()
        await reused.begin()
        b = await ctx.bus.publish(ITEM_CREATED, item("b"), source="t", session=reused)
        await reused.commit()
    assert await event_count(ctx) == 2
    assert (await ctx.bus.store.get(b.id)).payload == item("b")


@pytest.mark.parametrize("value", [float("nan"), float("inf")])
async def test_payloads_json_cannot_store_are_refused(ctx: HubContext, value: float) -> None:
    with pytest.raises(ValidationFailed, match="not storable as JSON"):
        await ctx.bus.publish(ITEM_DELETED, {"ratio": value}, source="t")
    assert await event_count(ctx) == 0
