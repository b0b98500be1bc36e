"""`/api/admin/webhooks`: the same operations as the CLI, behind the admin token."""

from typing import Any

from tests.webhooks.conftest import Hook, wait_for

BASE = "/api/admin/webhooks"


async def call(hook: Hook, headers: dict[str, str], method: str, path: str, expect: int,
               **kwargs: Any) -> Any:
    resp = await hook.client.request(method, path, headers=headers, **kwargs)
    body = await resp.json()
    assert resp.status == expect, body
    return body


async def test_list_show_replay_stats_clear(hook: Hook, admin_headers: dict[str, str]) -> None:
    config = await hook.config()
    for n in range(2):
        assert (await hook.send(config.id, f"api-{n}")).status == 200
    assert (await hook.send(config.id, "x", secret="forged")).status == 401
    await hook.until_processed(2)

    page = await call(hook, admin_headers, "GET", BASE, 200, params={"limit": "1"})
    assert [i["dedup_key"] for i in page["items"]] == ["api-1"]
    rest = await call(hook, admin_headers, "GET", BASE, 200,
                      params={"cursor": page["next_cursor"], "config": config.id})
    assert [i["dedup_key"] for i in rest["items"]] == ["api-0"]
    webhook_id = rest["items"][0]["id"]

    detail = await call(hook, admin_headers, "GET", f"{BASE}/{webhook_id}", 200)
    assert detail["messages"] == [{"message_id": "api-0", "text": "hello"}]
    assert detail["status"] == "processed" and detail["event_count"] == 1

    again = await call(hook, admin_headers, "POST", f"{BASE}/{webhook_id}/replay", 200, json={})
    assert again["published"] == 0
    forced = await call(hook, admin_headers, "POST", f"{BASE}/{webhook_id}/replay", 200,
                        json={"force": True})
    assert forced["published"] == 1 and len(forced["event_ids"]) == 1

    async def audited() -> bool:
        stats = await call(hook, admin_headers, "GET", f"{BASE}/stats", 200)
        return stats["items"][0]["rejected"] == 1

    await wait_for(audited)
    stats = await call(hook, admin_headers, "GET", f"{BASE}/stats", 200)
    assert stats["items"][0]["received"] == 2
    rejections = await call(hook, admin_headers, "GET", f"{BASE}/rejections", 200)
    assert [r["code"] for r in rejections["items"]] == ["invalid_signature"]

    cleared = await call(hook, admin_headers, "DELETE", BASE, 200,
                         params={"include_pending": "true"})
    assert cleared["webhooks"] == 2
    assert (await call(hook, admin_headers, "GET", BASE, 200))["items"] == []


async def test_bad_input_and_auth(hook: Hook, admin_headers: dict[str, str]) -> None:
    missing = await call(hook, admin_headers, "GET", f"{BASE}/nope", 404)
    assert missing["code"] == "webhook_not_found"
    await call(hook, admin_headers, "POST", f"{BASE}/nope/replay", 404, json={})
    invalid = await call(hook, admin_headers, "GET", BASE, 422, params={"status": "weird"})
    assert invalid["code"] == "validation_failed"
    body = await call(hook, admin_headers, "POST", f"{BASE}/x/replay", 422,
                      json={"force": "maybe"})
    assert body["code"] == "validation_failed"
    await call(hook, admin_headers, "DELETE", BASE, 422, params={"before": "yesterday"})
    resp = await hook.client.get(BASE)
    assert resp.status == 401


async def test_openapi_lists_the_routes(hook: Hook) -> None:
    doc = await (await hook.client.get("/api/openapi.json")).json()
    paths = doc["paths"]
    assert {"get", "post"} <= set(paths["/webhooks/{provider}/{config_id}"])
    assert "403" in paths["/webhooks/{provider}/{config_id}"]["post"]["responses"]
    for path in (BASE, f"{BASE}/stats", f"{BASE}/rejections", f"{BASE}/{{webhook_id}}",
                 f"{BASE}/{{webhook_id}}/replay"):
        assert path in paths
