"""Every failure answers JSON `{"code", "message"}` with the right status, never a 500."""

from typing import Any

from aiohttp import ClientResponse
from aiohttp.test_utils import TestClient

from hub.settings import Settings

TENANTS = "/api/admin/tenants"


async def error_body(resp: ClientResponse, status: int) -> dict[str, Any]:
    text = await resp.text()
    assert resp.status == status, text
    assert resp.content_type == "application/json", text
    assert "Traceback" not in text
    body = await resp.json()
    assert isinstance(body["code"], str) and body["code"]
    assert isinstance(body["message"], str) and body["message"]
    assert set(body) <= {"code", "message", "details"}
    return body


async def test_malformed_json_is_400(client: TestClient, admin_headers: dict) -> None:
    resp = await client.post(TENANTS, data=b'{"slug": "acme",', headers=admin_headers)
    assert (await error_body(resp, 400))["code"] == "invalid_json"


async def test_invalid_utf8_is_400(client: TestClient, admin_headers: dict) -> None:
    resp = await client.post(TENANTS, data=b'{"slug": "\xff\xfe"}', headers=admin_headers)
    assert (await error_body(resp, 400))["code"] == "invalid_json"


async def test_deeply_nested_json_is_400(client: TestClient, admin_headers: dict) -> None:
    resp = await client.post(TENANTS, data=b"[" * 200_000, headers=admin_headers)
    assert (await error_body(resp, 400))["code"] == "invalid_json"


async def test_non_object_json_is_400(client: TestClient, admin_headers: dict) -> None:
    for payload in (b"[1, 2]", b'"acme"', b"42", b"null"):
        resp = await client.post(TENANTS, data=payload, headers=admin_headers)
        assert (await error_body(resp, 400))["code"] == "invalid_json", payload


async def test_missing_token_is_401(client: TestClient) -> None:
    resp = await client.get(TENANTS)
    body = await error_body(resp, 401)
    assert body["code"] == "missing_token"
    assert resp.headers["WWW-Authenticate"] == "Bearer"


async def test_wrong_token_is_401(client: TestClient) -> None:
    for header in ("Bearer wrong-token", "Basic dXNlcjpwYXNz", "Bearer "):
        resp = await client.get(TENANTS, headers={"Authorization": header})
        body = await error_body(resp, 401)
        assert body["code"] in ("invalid_token", "missing_token")
        assert resp.headers["WWW-Authenticate"] == "Bearer"
    resp = await client.get(TENANTS, headers={"Authorization": "Bearer wrong-token"})
    assert (await error_body(resp, 401))["code"] == "invalid_token"


async def test_token_is_checked_before_the_route(client: TestClient) -> None:
    resp = await client.get("/api/admin/no-such-thing")
    await error_body(resp, 401)
    resp = await client.post(TENANTS, data=b"{not json")
    await error_body(resp, 401)


async def test_public_routes_need_no_token(client: TestClient) -> None:
    assert (await client.get("/healthz")).status == 200
    assert (await client.get("/api/openapi.json")).status == 200
    assert (await client.get("/api/example/ping")).status == 200


async def test_unknown_id_is_404(client: TestClient, admin_headers: dict) -> None:
    resp = await client.get(
        f"{TENANTS}/01900000-0000-7000-8000-000000000000", headers=admin_headers
    )
    assert (await error_body(resp, 404))["code"] == "tenant_not_found"
    resp = await client.get("/api/admin/configs/nope", headers=admin_headers)
    assert (await error_body(resp, 404))["code"] == "config_not_found"


async def test_unknown_route_is_404_json(client: TestClient, admin_headers: dict) -> None:
    assert (await error_body(await client.get("/nope"), 404))["code"] == "not_found"
    resp = await client.get("/api/admin/nope", headers=admin_headers)
    assert (await error_body(resp, 404))["code"] == "not_found"


async def test_wrong_method_is_405_json(client: TestClient, admin_headers: dict) -> None:
    resp = await client.put(TENANTS, json={}, headers=admin_headers)
    body = await error_body(resp, 405)
    assert body["code"] == "method_not_allowed"
    assert {"GET", "POST"} <= {m.strip() for m in resp.headers["Allow"].split(",")}
    resp = await client.post("/healthz")
    await error_body(resp, 405)


async def test_conflict_is_409(client: TestClient, admin_headers: dict) -> None:
    body = {"slug": "acme", "name": "Acme"}
    assert (await client.post(TENANTS, json=body, headers=admin_headers)).status == 201
    resp = await client.post(TENANTS, json=body, headers=admin_headers)
    assert (await error_body(resp, 409))["code"] == "tenant_exists"


def test_body_limit_defaults_to_one_mebibyte() -> None:
    assert Settings(_env_file=None).max_body_bytes == 1024 * 1024


async def test_body_over_limit_is_413_json(
    client: TestClient, admin_headers: dict, settings: Settings
) -> None:
    assert settings.max_body_bytes == 1024 * 1024
    payload = b'{"slug": "acme", "name": "' + b"x" * (1024 * 1024) + b'"}'
    resp = await client.post(TENANTS, data=payload, headers=admin_headers)
    body = await error_body(resp, 413)
    assert body["code"] == "payload_too_large"
    assert str(1024 * 1024) in body["message"]


async def test_body_just_under_limit_is_read(client: TestClient, admin_headers: dict) -> None:
    payload = b'{"slug": "acme", "name": "x"}'
    payload += b" " * (1024 * 1024 - len(payload))
    resp = await client.post(TENANTS, data=payload, headers=admin_headers)
    assert resp.status == 201, await resp.text()


async def test_validation_is_422_with_details(client: TestClient, admin_headers: dict) -> None:
    resp = await client.post(TENANTS, json={"slug": "acme"}, headers=admin_headers)
    body = await error_body(resp, 422)
    assert body["code"] == "validation_failed"
    assert [d["field"] for d in body["details"]] == ["name"]


async def test_bad_query_is_422(client: TestClient, admin_headers: dict) -> None:
    for params in ({"limit": "0"}, {"limit": "abc"}, {"limit": "501"}, {"colour": "red"}):
        resp = await client.get(TENANTS, params=params, headers=admin_headers)
        body = await error_body(resp, 422)
        assert body["code"] == "validation_failed", params
        (field,) = {d["field"] for d in body["details"]}
        assert field == f"query.{next(iter(params))}"
    resp = await client.get("/api/admin/configs", params={"limit": "abc"}, headers=admin_headers)
    await error_body(resp, 422)
    resp = await client.delete(
        f"{TENANTS}/acme", params={"cascade": "perhaps"}, headers=admin_headers
    )
    await error_body(resp, 422)


async def test_unexpected_failure_is_500_json_without_details(
    client: TestClient, admin_headers: dict
) -> None:
    from hub.context import CTX_KEY

    ctx = client.app[CTX_KEY]
    async with ctx.db.engine.begin() as conn:
        await conn.exec_driver_sql("ALTER TABLE hub_provider_configs RENAME TO hub_gone")
    resp = await client.get("/api/admin/configs", headers=admin_headers)
    text = await resp.text()
    assert resp.status == 500
    assert "Traceback" not in text
    assert "hub_provider_configs" not in text
    body = await resp.json()
    assert body["code"] == "internal_error"
    assert body["request_id"] == resp.headers["X-Request-ID"]


async def test_declared_oversized_body_is_413_even_where_no_body_is_read(
    client: TestClient, admin_headers: dict
) -> None:
    payload = b"x" * (1024 * 1024 + 1)
    resp = await client.post("/api/admin/configs/unknown/enable", data=payload,
                             headers=admin_headers)
    assert (await error_body(resp, 413))["code"] == "payload_too_large"
