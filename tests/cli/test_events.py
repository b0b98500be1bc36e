"""`hub events ...` against a real database, with the recording test plugin loaded."""

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from hub.context import HubContext, open_context
from hub.plugins import Plugins
from hub.settings import Settings
from tests.cli.conftest import Invoke, as_json
from tests.helpers.bus_plugin import ITEM_CREATED, ITEM_DELETED, Recorder, demo_plugins, item

Seed = Callable[[Callable[[HubContext], Awaitable[Any]]], Any]


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(
        update={"bus_max_attempts": 2, "bus_retry_base_seconds": 0.001,
                "bus_retry_max_seconds": 0.002}
    )  # fmt: skip


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def plugins(recorder: Recorder) -> Plugins:
    return demo_plugins(recorder)


@pytest.fixture
def seed(settings: Settings, plugins: Plugins) -> Seed:
    """Run `body(ctx)` in a context of its own, as another process would."""

    def run(body: Callable[[HubContext], Awaitable[Any]]) -> Any:
        async def main() -> Any:
            ctx = open_context(settings, plugins)
            try:
                await ctx.migrate()
                return await body(ctx)
            finally:
                await ctx.close()

        return asyncio.run(main())

    return run


def publish(seed: Seed, *events: tuple[str, dict[str, Any]], drain: bool = False) -> list[str]:
    async def body(ctx: HubContext) -> list[str]:
        ids = [(await ctx.bus.publish(t, p, source="cli-test")).id for t, p in events]
        if drain:
            await ctx.bus.drain(wait=5)
        return ids

    return seed(body)  # type: ignore[no-any-return]


def test_list_show_and_stats(invoke: Invoke, seed: Seed) -> None:
    created, deleted = publish(seed, (ITEM_CREATED, item()), (ITEM_DELETED, {"id": "x"}),
                               drain=True)  # fmt: skip
    (pending,) = publish(seed, (ITEM_CREATED, item("later")))

    listed = as_json(invoke("events", "list", "--json"))
    assert [e["id"] for e in listed] == [pending, deleted, created]
    assert [e["status"] for e in listed] == ["pending", "done", "done"]
    assert listed[0]["delivery_counts"] == {"pending": 2}
    assert "payload" not in listed[0]
    by_type = as_json(invoke("events", "list", "--type", "demo.item.c*", "--json"))
    assert [e["id"] for e in by_type] == [pending, created]
    exact = as_json(invoke("events", "list", "--type", ITEM_DELETED, "--json"))
    assert [e["id"] for e in exact] == [deleted]
    waiting = as_json(invoke("events", "list", "--status", "pending", "--json"))
    assert [e["id"] for e in waiting] == [pending]
    limited = as_json(invoke("events", "list", "--limit", "1", "--json"))
    assert [e["id"] for e in limited] == [pending]

    table = invoke("events", "list").stdout.splitlines()
    assert table[0].split() == ["ID", "TYPE", "STATUS", "SOURCE", "TENANT_ID", "RECEIVED_AT"]
    assert pending in table[1]

    shown = as_json(invoke("events", "show", created, "--json"))
    assert shown["payload"] == item()
    assert [(d["subscriber"], d["status"], d["attempts"]) for d in shown["deliveries"]] == [
        ("demo.audit", "done", 1),
        ("demo.index", "done", 1),
    ]
    text = invoke("events", "show", created).stdout
    assert "demo.audit" in text and "payload" in text

    stats = as_json(invoke("events", "stats", "--json"))
    assert stats["events"] == 3
    assert stats["deliveries"] == {"pending": 2, "running": 0, "done": 4, "skipped": 0, "dead": 0}
    assert {t["type"]: t["events"] for t in stats["by_type"]} == {
        ITEM_CREATED: 2,
        ITEM_DELETED: 1,
    }
    assert stats["oldest_pending_at"] is not None
    assert "events: 3" in invoke("events", "stats").stdout


def test_unknown_event_and_bad_options_are_one_line_errors(invoke: Invoke, seed: Seed) -> None:
    publish(seed)
    missing = invoke("events", "show", "0190d0d0-0000-7000-8000-000000000000", ok=False)
    assert missing.exit_code == 1
    assert missing.stderr.strip() == (
        "error: event '0190d0d0-0000-7000-8000-000000000000' not found"
    )
    not_an_id = invoke("events", "replay", "nope", ok=False)
    assert not_an_id.stderr.strip() == "error: event 'nope' not found"
    bad_status = invoke("events", "list", "--status", "bogus", ok=False)
    assert bad_status.exit_code == 2
    bad_before = invoke("events", "clear", "--before", "last tuesday", "--yes", ok=False)
    assert bad_before.exit_code == 1
    assert "--before expects" in bad_before.stderr
    assert "Traceback" not in bad_before.stderr


def test_replay_runs_completed_handlers_again(
    invoke: Invoke, seed: Seed, recorder: Recorder
) -> None:
    (event,) = publish(seed, (ITEM_CREATED, item()), drain=True)
    assert recorder.order(event) == ["demo.audit", "demo.index"]

    replayed = as_json(invoke("events", "replay", event, "--json"))
    assert {d["subscriber"]: d["status"] for d in replayed["deliveries"]} == {
        "demo.audit": "pending",
        "demo.index": "pending",
    }
    assert "ran 2 delivery(ies)" in invoke("events", "dispatch").stdout
    assert recorder.order(event) == ["demo.audit", "demo.index"] * 2

    one = as_json(invoke("events", "replay", event, "--subscriber", "demo.index", "--json"))
    assert {d["subscriber"]: d["status"] for d in one["deliveries"]} == {
        "demo.audit": "done",
        "demo.index": "pending",
    }
    invoke("events", "dispatch")
    assert recorder.order(event)[-1] == "demo.index"
    assert len(recorder.order(event)) == 5

    unknown = invoke("events", "replay", event, "--subscriber", "demo.nobody", ok=False)
    assert unknown.stderr.strip() == (
        f"error: event '{event}' has no delivery to subscriber 'demo.nobody'"
    )


def test_replay_adds_a_delivery_for_a_subscriber_registered_later(
    invoke: Invoke, seed: Seed, recorder: Recorder
) -> None:
    async def without_late(ctx: HubContext) -> str:
        return (await ctx.bus.publish("demo.thing.made", {}, source="t")).id

    event = seed(without_late)  # nobody subscribes to demo.thing.* yet
    # A registered subscriber whose pattern does not match the type gets no delivery.
    missing = invoke("events", "replay", event, "--subscriber", "demo.index", ok=False)
    assert "has no delivery" in missing.stderr

    async def replay_late(ctx: HubContext) -> list[str]:
        ctx.bus.subscribe("demo.thing.*", recorder.handler("late"), name="late")
        detail = await ctx.bus.store.replay(event, "late")
        await ctx.bus.drain()
        return [d.subscriber for d in detail.deliveries]

    assert seed(replay_late) == ["late"]
    assert recorder.order(event) == ["late"]


def test_dead_letters_list_and_retry(invoke: Invoke, seed: Seed, recorder: Recorder) -> None:
    recorder.fail("demo.index")
    (event,) = publish(seed, (ITEM_CREATED, item()), drain=True)
    dead = as_json(invoke("events", "dead-letters", "--json"))
    assert [(d["event_id"], d["subscriber"], d["attempts"]) for d in dead] == [
        (event, "demo.index", 2)
    ]
    assert dead[0]["last_error"] == "RuntimeError: demo.index could not handle the event"
    assert dead[0]["event_type"] == ITEM_CREATED
    assert as_json(invoke("events", "dead-letters", "--subscriber", "demo.audit", "--json")) == []
    assert "demo.index" in invoke("events", "dead-letters").stdout

    recorder.failures.clear()
    assert invoke("events", "dead-letters", "--retry").stdout.strip() == "retrying 1 dead letter(s)"
    assert as_json(invoke("events", "dead-letters", "--json")) == []
    invoke("events", "dispatch")
    assert recorder.done("demo.index") == [event]
    assert as_json(invoke("events", "dead-letters", "--retry", "--json")) == {"count": 0}


def test_clear_deletes_only_finished_events(invoke: Invoke, seed: Seed, recorder: Recorder) -> None:
    recorder.fail("demo.cleanup")
    done, dead = publish(seed, (ITEM_CREATED, item()), (ITEM_DELETED, {"id": "x"}), drain=True)
    (pending,) = publish(seed, (ITEM_CREATED, item("p")))

    refused = invoke("events", "clear", ok=False, input="")
    assert refused.exit_code == 1
    assert "pass --yes" in refused.stderr

    old = invoke("events", "clear", "--before", "2000-01-01", "--yes")
    assert old.stdout.strip() == "deleted 0 event(s)"
    assert invoke("events", "clear", "--yes").stdout.strip() == "deleted 1 event(s)"
    left = [e["id"] for e in as_json(invoke("events", "list", "--json"))]
    assert left == [pending, dead]
    assert invoke("events", "clear", "--dead", "--yes").stdout.strip() == "deleted 1 event(s)"
    assert [e["id"] for e in as_json(invoke("events", "list", "--json"))] == [pending]
    assert done not in left


def test_dispatch_reports_subscribers_missing_here(
    invoke: Invoke, seed: Seed, settings: Settings, recorder: Recorder
) -> None:
    async def body(ctx: HubContext) -> None:
        ctx.bus.subscribe("demo.item.*", recorder.handler("gone"), name="demo.gone", priority=99)
        await ctx.bus.publish(ITEM_CREATED, item(), source="t")

    seed(body)
    out = invoke("events", "dispatch").stdout
    assert "ran 2 delivery(ies)" in out
    assert "warning: 1 delivery(ies) wait for unregistered subscriber demo.gone" in out
    stats = as_json(invoke("events", "stats", "--json"))
    assert stats["unregistered"] == {"demo.gone": 1}
