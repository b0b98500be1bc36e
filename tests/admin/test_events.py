"""`/api/admin/events...` through the real app (its dispatcher stopped where a test steps it)."""

import asyncio
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from hub.context import CTX_KEY, HubContext
from hub.plugins import Plugins
from hub.settings import Settings
from tests.admin.conftest import Admin
from tests.helpers.bus_plugin import ITEM_CREATED, ITEM_DELETED, Recorder, demo_plugins, item

EVENTS = "/api/admin/events"


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
async def hub(client: TestClient) -> HubContext:
    """The app's context with its background dispatcher stopped: tests drain by hand."""
    ctx = client.app[CTX_KEY]
    await ctx.bus.stop()
    return ctx


async def test_the_running_app_delivers_published_events(
    client: TestClient, recorder: Recorder
) -> None:
    ctx = client.app[CTX_KEY]
    assert ctx.bus.dispatcher.running
    handled = asyncio.Event()
    recorder.listeners.append(lambda name, event: handled.set() if name == "demo.index" else None)
    event = await ctx.bus.publish(ITEM_CREATED, item(), source="api")
    await asyncio.wait_for(handled.wait(), timeout=10)
    assert recorder.order(event.id) == ["demo.audit", "demo.index"]


async def test_list_paginates_newest_first_with_filters(admin: Admin, hub: HubContext) -> None:
    ids = [(await hub.bus.publish(ITEM_CREATED, item(str(n)), source="api")).id for n in range(5)]
    deleted = (await hub.bus.publish(ITEM_DELETED, {"id": "d"}, source="api")).id
    first = await admin.call("GET", EVENTS, 200, params={"limit": "4"})
    assert [e["id"] for e in first["items"]] == [deleted, *ids[::-1][:3]]
    second = await admin.call(
        "GET", EVENTS, 200, params={"limit": "4", "cursor": first["next_cursor"]}
    )
    assert [e["id"] for e in second["items"]] == ids[1::-1]
    assert second["next_cursor"] is None
    typed = await admin.call("GET", EVENTS, 200, params={"type": "demo.*.deleted"})
    assert [e["id"] for e in typed["items"]] == [deleted]
    await hub.bus.drain()
    done = await admin.call("GET", EVENTS, 200, params={"status": "done", "limit": "2"})
    assert [e["status"] for e in done["items"]] == ["done", "done"]
    assert (await admin.call("GET", EVENTS, 200, params={"status": "pending"}))["items"] == []


@pytest.mark.parametrize(
    "params",
    [{"limit": "0"}, {"limit": "501"}, {"status": "finished"}, {"limit": "ten"}, {"extra": "1"}],
)
async def test_bad_list_queries_are_422(admin: Admin, params: dict[str, str]) -> None:
    body = await admin.call("GET", EVENTS, 422, params=params)
    assert body["code"] == "validation_failed"


async def test_show_replay_and_not_found(admin: Admin, hub: HubContext, recorder: Recorder) -> None:
    event = await hub.bus.publish(ITEM_CREATED, item(), source="api", tenant_id="t-1")
    await hub.bus.drain()
    shown = await admin.call("GET", f"{EVENTS}/{event.id}", 200)
    assert shown["payload"] == item()
    assert shown["tenant_id"] == "t-1"
    assert [(d["subscriber"], d["status"], d["registered"]) for d in shown["deliveries"]] == [
        ("demo.audit", "done", True),
        ("demo.index", "done", True),
    ]
    replayed = await admin.call(
        "POST", f"{EVENTS}/{event.id}/replay", 200, json={"subscriber": "demo.index"}
    )
    assert {d["subscriber"]: d["status"] for d in replayed["deliveries"]} == {
        "demo.audit": "done",
        "demo.index": "pending",
    }
    await hub.bus.drain()
    assert recorder.order(event.id) == ["demo.audit", "demo.index", "demo.index"]
    all_again = await admin.call("POST", f"{EVENTS}/{event.id}/replay", 200)
    assert all_again["status"] == "pending"

    missing = await admin.call("GET", f"{EVENTS}/not-an-event", 404)
    assert missing["code"] == "event_not_found"
    await admin.call("POST", f"{EVENTS}/not-an-event/replay", 404)
    nobody = await admin.call(
        "POST", f"{EVENTS}/{event.id}/replay", 404, json={"subscriber": "demo.nobody"}
    )
    assert nobody["code"] == "delivery_not_found"
    bad = await admin.call("POST", f"{EVENTS}/{event.id}/replay", 422, json={"who": "x"})
    assert bad["code"] == "validation_failed"


async def test_replay_of_a_running_delivery_is_409(admin: Admin, hub: HubContext) -> None:
    event = await hub.bus.publish(ITEM_CREATED, item(), source="api")
    await hub.bus.dispatcher.claim()
    body = await admin.call(
        "POST", f"{EVENTS}/{event.id}/replay", 409, json={"subscriber": "demo.index"}
    )
    assert body["code"] == "delivery_running"


async def test_dead_letters_and_retry(admin: Admin, hub: HubContext, recorder: Recorder) -> None:
    recorder.fail("demo.audit")
    event = await hub.bus.publish(ITEM_DELETED, {"id": "x"}, source="api")
    other = await hub.bus.publish(ITEM_CREATED, item(), source="api")
    await hub.bus.drain(wait=5)
    dead = await admin.call("GET", f"{EVENTS}/dead-letters", 200)
    assert {(d["event_id"], d["subscriber"]) for d in dead["items"]} == {
        (event.id, "demo.audit"),
        (other.id, "demo.audit"),
    }
    page = await admin.call("GET", f"{EVENTS}/dead-letters", 200, params={"limit": "1"})
    assert len(page["items"]) == 1 and page["next_cursor"] is not None

    recorder.failures.clear()
    retried = await admin.call(
        "POST", f"{EVENTS}/dead-letters/retry", 200, json={"event_id": event.id}
    )
    assert retried == {"count": 1}
    await hub.bus.drain()
    assert event.id in recorder.done("demo.audit")
    left = await admin.call("GET", f"{EVENTS}/dead-letters", 200)
    assert [d["event_id"] for d in left["items"]] == [other.id]
    everything = await admin.call("POST", f"{EVENTS}/dead-letters/retry", 200, json={})
    assert everything == {"count": 1}


async def test_stats_and_clear(admin: Admin, hub: HubContext) -> None:
    finished = await hub.bus.publish(ITEM_CREATED, item(), source="api")
    await hub.bus.drain()
    waiting = await hub.bus.publish(ITEM_DELETED, {"id": "x"}, source="api")
    stats: dict[str, Any] = await admin.call("GET", f"{EVENTS}/stats", 200)
    assert stats["events"] == 2
    assert stats["deliveries"]["done"] == 2 and stats["deliveries"]["pending"] == 2
    assert stats["unregistered"] == {}

    none = await admin.call("DELETE", EVENTS, 200, params={"before": "2000-01-01T00:00:00Z"})
    assert none == {"count": 0}
    assert await admin.call("DELETE", EVENTS, 200) == {"count": 1}
    listed = await admin.call("GET", EVENTS, 200)
    assert [e["id"] for e in listed["items"]] == [waiting.id]
    await admin.call("GET", f"{EVENTS}/{finished.id}", 404)
    bad = await admin.call("DELETE", EVENTS, 422, params={"before": "yesterday"})
    assert bad["code"] == "validation_failed"


async def test_events_api_needs_the_admin_token(client: TestClient) -> None:
    resp = await client.get(EVENTS)
    assert resp.status == 401


async def test_openapi_documents_the_events_api(client: TestClient) -> None:
    doc = await (await client.get("/api/openapi.json")).json()
    paths = doc["paths"]
    for path in (
        EVENTS,
        f"{EVENTS}/stats",
        f"{EVENTS}/dead-letters",
        f"{EVENTS}/dead-letters/retry",
        f"{EVENTS}/{{event_id}}",
        f"{EVENTS}/{{event_id}}/replay",
    ):
        assert path in paths, path
    assert set(paths[EVENTS]) >= {"get", "delete"}
