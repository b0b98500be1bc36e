"""`/api/admin/calls`, `/api/admin/calls/health` and the outbound section of `/readyz`."""

from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from hub.context import CTX_KEY, HubContext
from hub.http import ServerError
from tests.http.conftest import make_client, make_config
from tests.http.fake_provider import FakeProvider, Reply

CALLS = "/api/admin/calls"


async def get(client: TestClient, path: str, headers: dict[str, str], expect: int = 200,
              **params: str) -> Any:
    resp = await client.get(path, params=params, headers=headers)
    body = await resp.json()
    assert resp.status == expect, body
    return body


async def degrade(ctx: HubContext, fake: FakeProvider) -> str:
    config = await make_config(ctx, fake)
    api = await make_client(ctx, config)
    ctx.http.health.degrade_after = 2
    await api.items()
    for _ in range(2):
        fake.script("/v1/items", *[Reply(500)] * api.max_attempts)
        with pytest.raises(ServerError):
            await api.items()
    await ctx.http.calls.flush()
    return config.id


async def test_calls_are_listed_with_filters_and_pages(
    client: TestClient, admin_headers: dict[str, str], fake: FakeProvider
) -> None:
    ctx = client.app[CTX_KEY]
    config_id = await degrade(ctx, fake)

    body = await get(client, CALLS, admin_headers, config=config_id)
    assert len(body["items"]) == 7  # one success, then two calls of three attempts
    assert {item["config_id"] for item in body["items"]} == {config_id}
    failed = await get(client, CALLS, admin_headers, ok="false")
    assert len(failed["items"]) == 6
    assert all(not i["ok"] and i["status"] == 500 for i in failed["items"])
    page = await get(client, CALLS, admin_headers, limit="4", provider="example")
    rest = await get(client, CALLS, admin_headers, limit="4", cursor=page["next_cursor"])
    assert len(page["items"]) == 4 and len(rest["items"]) == 3
    assert rest["next_cursor"] is None


async def test_bad_query_parameters_are_a_422(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    body = await get(client, CALLS, admin_headers, expect=422, ok="perhaps", limit="0")
    assert body["code"] == "validation_failed"
    assert {d["field"] for d in body["details"]} == {"query.ok", "query.limit"}


async def test_the_call_log_needs_the_admin_token(client: TestClient) -> None:
    resp = await client.get(CALLS)
    assert resp.status == 401
    assert (await resp.json())["code"] == "missing_token"


async def test_health_and_readiness_show_a_degraded_config_without_failing(
    client: TestClient, admin_headers: dict[str, str], fake: FakeProvider
) -> None:
    ctx = client.app[CTX_KEY]
    config_id = await degrade(ctx, fake)

    health = await get(client, CALLS + "/health", admin_headers)
    assert health["degrade_after"] == 2
    [entry] = health["configs"]
    assert entry["config_id"] == config_id
    assert entry["degraded"] is True
    assert entry["consecutive_failures"] == 2
    assert (entry["calls_last_hour"], entry["failed_last_hour"]) == (7, 6)

    ready = await get(client, "/readyz", {})
    assert ready["status"] == "degraded"
    assert ready["outbound"][config_id]["status"] == "degraded"
    assert "2 consecutive calls failed" in ready["outbound"][config_id]["detail"]

    api = await make_client(ctx, await ctx.configs.get(config_id))
    await api.items()
    ready = await get(client, "/readyz", {})
    assert ready["status"] == "ok" and ready["outbound"] == {}


async def test_the_endpoints_are_in_the_openapi_document(client: TestClient) -> None:
    doc = await get(client, "/api/openapi.json", {})
    assert "get" in doc["paths"][CALLS]
    assert "get" in doc["paths"][CALLS + "/health"]
