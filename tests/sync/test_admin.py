"""`/api/admin/sync` through the real app."""

import asyncio
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from hub.context import CTX_KEY, HubContext
from tests.helpers.sync_plugin import create_tables
from tests.helpers.sync_remote import CatalogRemote, Hold
from tests.sync.conftest import add_config

BASE = "/api/admin/sync"


class Api:
    def __init__(self, client: TestClient, headers: dict[str, str]) -> None:
        self.client = client
        self.headers = headers

    async def call(self, method: str, path: str, expect: int, **kwargs: Any) -> Any:
        resp = await self.client.request(method, BASE + path, headers=self.headers, **kwargs)
        body = await resp.json() if resp.status != 204 else None
        assert resp.status == expect, f"{method} {path}: {resp.status} {body}"
        return body

    async def wait_done(self, run_id: str) -> dict[str, Any]:
        for _ in range(200):
            run = await self.call("GET", f"/runs/{run_id}", 200)
            if run["status"] != "running":
                return run
            await asyncio.sleep(0.05)
        raise AssertionError(f"run {run_id} did not finish")


@pytest.fixture
async def hub_ctx(client: TestClient) -> HubContext:
    ctx = client.app[CTX_KEY]
    await create_tables(ctx.db.engine)
    return ctx


@pytest.fixture
def api(client: TestClient, admin_headers: dict[str, str]) -> Api:
    return Api(client, admin_headers)


@pytest.fixture
async def config_id(hub_ctx: HubContext, remote: CatalogRemote) -> str:
    return (await add_config(hub_ctx, remote)).id


async def test_jobs_and_status(api: Api, config_id: str) -> None:
    jobs = await api.call("GET", "/jobs", 200)
    assert [j["name"] for j in jobs["items"]] == ["catalog.labels", "catalog.items"]
    status = await api.call("GET", "/status", 200, params={"config_id": config_id})
    assert {(s["entity"], s["last_run"]) for s in status["items"]} == {
        ("items", None), ("labels", None),
    }  # fmt: skip


async def test_start_a_run_and_follow_it(api: Api, config_id: str) -> None:
    started = await api.call(
        "POST", "/runs", 202, json={"config_id": config_id, "entity": "catalog.items"}
    )
    assert (started["status"], started["mode"], started["job"]) == (
        "running", "full", "catalog.items",
    )  # fmt: skip
    done = await api.wait_done(started["id"])
    assert (done["status"], done["inserted"]) == ("succeeded", 45)
    page = await api.call("GET", "/runs", 200, params={"entity": "items", "limit": "1"})
    assert [r["id"] for r in page["items"]] == [started["id"]]
    assert page["next_cursor"] is None
    status = await api.call("GET", "/status", 200, params={"entity": "items"})
    assert status["items"][0]["cursor"] == "45"


async def test_refusals_are_clear(api: Api, config_id: str, remote: CatalogRemote) -> None:
    remote.hold = Hold("/v1/items", after=0)
    started = await api.call("POST", "/runs", 202, json={"config_id": config_id, "entity": "items"})
    busy = await api.call("POST", "/runs", 409, json={"config_id": config_id, "entity": "items"})
    assert busy["code"] == "sync_running" and busy["details"] == {"run_id": started["id"]}
    missing = await api.call("POST", "/runs", 404, json={"config_id": "nope", "entity": "items"})
    assert missing["code"] == "config_not_found"
    unknown = await api.call("POST", "/runs", 404, json={"config_id": config_id, "entity": "x"})
    assert unknown["code"] == "sync_job_not_found"
    body = {"config_id": config_id, "entity": "labels", "mode": "incremental"}
    partial = await api.call("POST", "/runs", 422, json=body)
    assert "no incremental run" in partial["message"]
    invalid = await api.call("POST", "/runs", 422, json={"config_id": config_id, "mode": "often"})
    assert {d["field"] for d in invalid["details"]} == {"entity", "mode"}
    garbage = await api.call("POST", "/runs", 400, data=b"{not json")
    assert garbage["code"] == "invalid_json"
    assert (await api.call("GET", "/runs/nope", 404))["code"] == "sync_run_not_found"
    assert (await api.call("GET", "/runs", 422, params={"limit": "0"}))["code"] == (
        "validation_failed"
    )
    remote.hold.release.set()
    await api.wait_done(started["id"])


async def test_cancel_a_run(api: Api, config_id: str, remote: CatalogRemote) -> None:
    remote.hold = Hold("/v1/items", after=1)
    started = await api.call("POST", "/runs", 202, json={"config_id": config_id, "entity": "items"})
    assert await asyncio.to_thread(remote.hold.arrived.wait, 10)
    cancelled = await api.call("POST", f"/runs/{started['id']}/cancel", 200)
    assert (cancelled["status"], cancelled["items"]) == ("cancelled", 20)
    again = await api.call("POST", f"/runs/{started['id']}/cancel", 409)
    assert again["code"] == "sync_run_not_running"


async def test_failures_retry_and_check(
    api: Api, config_id: str, remote: CatalogRemote, hub_ctx: HubContext
) -> None:
    remote.broken = {"item-00008"}
    started = await api.call("POST", "/runs", 202, json={"config_id": config_id, "entity": "items"})
    await api.wait_done(started["id"])
    failures = await api.call("GET", "/failures", 200, params={"entity": "catalog.items"})
    assert [(f["item_key"], f["state"]) for f in failures["items"]] == [("item-00008", "pending")]
    checked = await api.call("POST", "/check", 200, json={"config_id": config_id})
    items = next(c for c in checked["items"] if c["entity"] == "items")
    assert items["consistent"] is False and items["repair_run"] is None
    remote.broken = set()
    retried = await api.call("POST", "/failures/retry", 202, json={})
    [retry] = retried["runs"]
    assert (retry["mode"], retried["skipped"]) == ("retry", [])
    await api.wait_done(retry["id"])
    everything = await api.call("GET", "/failures", 200, params={"include_resolved": "true"})
    assert [f["state"] for f in everything["items"]] == ["resolved"]
    remote.items["item-00001"]["version"] = 5
    repaired = await api.call(
        "POST", "/check", 200, json={"config_id": config_id, "entity": "items", "repair": True}
    )
    [result] = repaired["items"]
    assert result["consistent"] is False and result["repair_run"]["mode"] == "repair"
    assert (await api.wait_done(result["repair_run"]["id"]))["status"] == "succeeded"


async def test_the_admin_token_is_required(client: TestClient) -> None:
    resp = await client.get(BASE + "/runs")
    assert resp.status == 401
    assert (await resp.json())["code"] == "missing_token"


async def test_routes_are_in_the_openapi_document(client: TestClient) -> None:
    document = await (await client.get("/api/openapi.json")).json()
    paths = document["paths"]
    assert {"get", "post"} <= set(paths[BASE + "/runs"])
    assert "post" in paths[BASE + "/runs/{run_id}/cancel"]
    assert paths[BASE + "/runs"]["post"]["summary"] == "Start a sync run"
