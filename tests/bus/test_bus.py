"""Publishing: validation, transactions, idempotency keys and the in-memory path."""

from datetime import UTC, datetime, timedelta, timezone

import pytest
from pydantic import BaseModel

from hub.bus import STOP, Event
from hub.context import HubContext
from hub.errors import ValidationFailed
from tests.bus.helpers import deliveries, event_count, sample, statuses
from tests.helpers.bus_plugin import ITEM_CREATED, ITEM_DELETED, ItemCreated, Recorder, item
from tests.helpers.logcapture import captured_logs


async def test_publish_stores_the_envelope_and_one_delivery_per_matching_subscriber(
    ctx: HubContext,
) -> None:
    occurred = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    event = await ctx.bus.publish(
        ITEM_CREATED,
        item(),
        source="test",
        tenant_id="t-1",
        config_id="c-1",
        occurred_at=occurred,
    )
    assert isinstance(event, Event)
    assert event.occurred_at == occurred
    assert event.received_at.tzinfo is not None
    assert await statuses(ctx, event.id) == {"demo.audit": "pending", "demo.index": "pending"}
    stored = await ctx.bus.store.get(event.id)
    assert stored.payload == item()
    assert (stored.tenant_id, stored.config_id, stored.source) == ("t-1", "c-1", "test")
    assert stored.occurred_at == occurred
    deleted = await ctx.bus.publish(ITEM_DELETED, {"item_id": "i-1"}, source="test")
    assert await statuses(ctx, deleted.id) == {"demo.audit": "pending", "demo.cleanup": "pending"}


async def test_event_with_no_subscriber_is_stored_without_deliveries(ctx: HubContext) -> None:
    event = await ctx.bus.publish("other.thing.happened", {}, source="test")
    assert await deliveries(ctx, event.id) == {}
    assert (await ctx.bus.store.get(event.id)).status == "done"


async def test_ids_follow_publish_order(ctx: HubContext) -> None:
    events = [await ctx.bus.publish("demo.tick.happened", {"n": n}, source="t") for n in range(50)]
    ids = [e.id for e in events]
    assert ids == sorted(ids)
    assert len(set(ids)) == 50


async def test_a_registered_model_validates_and_types_the_payload(
    ctx: HubContext, recorder: Recorder
) -> None:
    event = await ctx.bus.publish(
        ITEM_CREATED, ItemCreated(item_id="i-9", title="Desk", quantity=2), source="test"
    )
    assert event.payload == {"item_id": "i-9", "title": "Desk", "quantity": 2}
    assert event.model() == ItemCreated(item_id="i-9", title="Desk", quantity=2)
    # A dict is validated and normalised (defaults filled in).
    other = await ctx.bus.publish(ITEM_CREATED, {"item_id": "i-8", "title": "Lamp"}, source="t")
    assert other.payload == {"item_id": "i-8", "title": "Lamp", "quantity": 1}
    await ctx.bus.drain()
    assert sorted(recorder.models, key=lambda m: m.item_id) == [
        ItemCreated(item_id="i-8", title="Lamp", quantity=1),
        ItemCreated(item_id="i-9", title="Desk", quantity=2),
    ]


async def test_invalid_payload_for_a_registered_type_is_refused_and_nothing_stored(
    ctx: HubContext,
) -> None:
    with pytest.raises(ValidationFailed) as info:
        await ctx.bus.publish(
            ITEM_CREATED, {"item_id": "i-1", "title": "", "quantity": -1}, source="test"
        )
    err = info.value
    assert err.code == "invalid_event_payload"
    assert ITEM_CREATED in err.message
    assert {d["field"] for d in err.details} == {"payload.title", "payload.quantity"}
    assert all("input" not in d for d in err.details)

    class Wrong(BaseModel):
        something: str = "else"

    with pytest.raises(ValidationFailed):
        await ctx.bus.publish(ITEM_CREATED, Wrong(), source="test")
    with pytest.raises(ValidationFailed):
        await ctx.bus.publish(ITEM_CREATED, {"title": "x"}, source="test", durable=False)
    assert await event_count(ctx) == 0


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"type": "NoDots"}, "invalid event type"),
        ({"type": "demo..created"}, "invalid event type"),
        ({"type": "Demo.item.created"}, "invalid event type"),
        ({"source": ""}, "source"),
        ({"payload": ["not", "an", "object"]}, "must be an object"),
        ({"payload": {"when": object()}}, "not JSON-serializable"),
        ({"ordering_key": "k" * 201}, "ordering_key"),
        ({"idempotency_key": ""}, "idempotency_key"),
        ({"tenant_id": "t" * 37}, "tenant_id"),
    ],
)
async def test_bad_envelopes_are_refused(
    ctx: HubContext, kwargs: dict[str, object], message: str
) -> None:
    args: dict[str, object] = {"type": "demo.thing.done", "payload": {}, "source": "test"}
    args.update(kwargs)
    with pytest.raises(ValidationFailed, match=message):
        await ctx.bus.publish(args.pop("type"), args.pop("payload"), **args)  # type: ignore[arg-type]
    assert await event_count(ctx) == 0


async def test_dict_payloads_are_stored_as_json(ctx: HubContext) -> None:
    when = datetime(2026, 5, 1, 8, 0, tzinfo=UTC)
    event = await ctx.bus.publish("demo.thing.done", {"at": when, "n": 1}, source="test")
    assert event.payload == {"at": "2026-05-01T08:00:00Z", "n": 1}
    assert (await ctx.bus.store.get(event.id)).payload == event.payload


async def test_occurred_at_is_kept_in_utc(ctx: HubContext) -> None:
    naive = await ctx.bus.publish(
        "demo.thing.done", {}, source="t", occurred_at=datetime(2026, 1, 1, 12, 0)
    )
    assert naive.occurred_at == datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
    beijing = timezone(timedelta(hours=8))
    local = await ctx.bus.publish(
        "demo.thing.done", {}, source="t", occurred_at=datetime(2026, 1, 1, 20, 0, tzinfo=beijing)
    )
    assert local.occurred_at.utcoffset() == timedelta(0)
    assert local.occurred_at == datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
    assert (await ctx.bus.store.get(local.id)).occurred_at == local.occurred_at


async def test_publish_in_a_rolled_back_transaction_leaves_nothing(ctx: HubContext) -> None:
    class Boom(Exception):
        pass

    with pytest.raises(Boom):
        async with ctx.db.transaction() as session:
            await ctx.bus.publish(ITEM_CREATED, item(), source="test", session=session)
            raise Boom
    assert await event_count(ctx) == 0


async def test_publish_in_a_committed_transaction_stores_event_and_deliveries(
    ctx: HubContext, recorder: Recorder
) -> None:
    async with ctx.db.transaction() as session:
        first = await ctx.bus.publish(ITEM_CREATED, item("a"), source="test", session=session)
        second = await ctx.bus.publish(ITEM_DELETED, {"id": "b"}, source="test", session=session)
    assert await event_count(ctx) == 2
    assert set(await statuses(ctx, first.id)) == {"demo.audit", "demo.index"}
    assert await ctx.bus.drain() == 4
    assert recorder.order(first.id) == ["demo.audit", "demo.index"]
    assert recorder.order(second.id) == ["demo.audit", "demo.cleanup"]


async def test_a_repeated_idempotency_key_returns_the_stored_event(
    ctx: HubContext, recorder: Recorder
) -> None:
    first = await ctx.bus.publish(ITEM_CREATED, item("a"), source="test", idempotency_key="k-1")
    again = await ctx.bus.publish(ITEM_CREATED, item("b"), source="test", idempotency_key="k-1")
    assert again.id == first.id
    assert again.payload == item("a")
    assert again.model() == ItemCreated(**item("a"))
    async with ctx.db.transaction() as session:
        inside = await ctx.bus.publish(
            ITEM_CREATED, item("c"), source="test", idempotency_key="k-1", session=session
        )
        fresh = await ctx.bus.publish(
            ITEM_CREATED, item("d"), source="test", idempotency_key="k-2", session=session
        )
    assert inside.id == first.id
    assert fresh.id != first.id
    assert await event_count(ctx) == 2
    await ctx.bus.drain()
    assert sorted(recorder.done("demo.index")) == [first.id, fresh.id]
    assert sample(ctx, "hub_bus_events_published_total", path="outbox") == 2


async def test_not_durable_runs_handlers_now_in_priority_order_and_stores_nothing(
    ctx: HubContext, recorder: Recorder
) -> None:
    event = await ctx.bus.publish(ITEM_DELETED, {"id": "x"}, source="test", durable=False)
    assert recorder.order(event.id) == ["demo.audit", "demo.cleanup"]
    assert await event_count(ctx) == 0
    assert await ctx.bus.drain() == 0
    assert sample(ctx, "hub_bus_events_published_total", path="memory") == 1


async def test_not_durable_honours_stop_and_isolates_failures(
    ctx: HubContext, recorder: Recorder
) -> None:
    recorder.stops.add("demo.audit")
    stopped = await ctx.bus.publish(ITEM_DELETED, {"id": "x"}, source="test", durable=False)
    assert recorder.order(stopped.id) == ["demo.audit"]
    skipped = sample(ctx, "hub_bus_deliveries_total", subscriber="demo.cleanup", outcome="skipped")
    assert skipped == 1

    recorder.stops.clear()
    recorder.fail("demo.audit")
    with captured_logs() as logs:
        failed = await ctx.bus.publish(
            ITEM_DELETED, {"id": "y", "password": "hunter2-secret"}, source="test", durable=False
        )
    assert recorder.order(failed.id) == ["demo.cleanup"]
    assert sample(ctx, "hub_bus_deliveries_total", subscriber="demo.audit", outcome="failed") == 1
    [line] = logs.events("event handler failed")
    assert line["subscriber"] == "demo.audit"
    assert line["error"] == "RuntimeError: demo.audit could not handle the event"
    assert "hunter2-secret" not in logs.text


async def test_stop_leaves_equal_priority_handlers_running(ctx: HubContext) -> None:
    seen: list[str] = []

    def handler(name: str, result: object = None):  # type: ignore[no-untyped-def]
        async def handle(event: Event) -> object:
            seen.append(name)
            return result

        return handle

    ctx.bus.subscribe("x.y.z", handler("a", STOP), name="a", priority=1)
    ctx.bus.subscribe("x.y.z", handler("b"), name="b", priority=1)
    ctx.bus.subscribe("x.y.z", handler("c"), name="c", priority=0)
    await ctx.bus.publish("x.y.z", {}, source="t", durable=False)
    assert seen == ["a", "b"]
    event = await ctx.bus.publish("x.y.z", {}, source="t")
    await ctx.bus.drain()
    assert seen == ["a", "b", "a", "b"]
    assert await statuses(ctx, event.id) == {"a": "done", "b": "done", "c": "skipped"}


async def test_register_type_refuses_a_second_model(ctx: HubContext) -> None:
    class Other(BaseModel):
        x: int

    ctx.bus.register_type(ITEM_CREATED, ItemCreated)  # the same model again is fine
    with pytest.raises(ValueError, match="already has payload model"):
        ctx.bus.register_type(ITEM_CREATED, Other)
    with pytest.raises(ValueError, match="invalid event type"):
        ctx.bus.register_type("bad type", Other)
    with pytest.raises(TypeError):
        ctx.bus.register_type("demo.other.done", dict)  # type: ignore[arg-type]


async def test_model_without_a_registered_type_says_so(ctx: HubContext) -> None:
    event = await ctx.bus.publish("demo.thing.done", {}, source="t", durable=False)
    with pytest.raises(LookupError, match="no payload model"):
        event.model()


async def test_occurred_at_defaults_to_received_at(ctx: HubContext) -> None:
    before = datetime.now(UTC)
    event = await ctx.bus.publish("demo.thing.done", {}, source="t")
    assert event.occurred_at == event.received_at
    assert before - timedelta(seconds=1) <= event.received_at
