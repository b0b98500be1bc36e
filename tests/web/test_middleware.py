from aiohttp.test_utils import TestClient

from hub.app import create_app
from hub.ids import is_id
from hub.plugins import Plugins
from hub.settings import Settings
from tests.helpers.logcapture import captured_logs


async def test_request_id_is_echoed_and_bound_to_log_lines(
    aiohttp_client,
    settings: Settings,
    plugins: Plugins,
    admin_headers: dict,  # type: ignore[no-untyped-def]
) -> None:
    with captured_logs("info") as logs:
        client: TestClient = await aiohttp_client(create_app(settings, plugins=plugins))
        headers = {**admin_headers, "X-Request-ID": "req-42.abc_DEF"}
        resp = await client.post(
            "/api/admin/tenants", json={"slug": "acme", "name": "Acme"}, headers=headers
        )
        assert resp.status == 201
        resp = await client.post(
            "/api/admin/configs",
            json={
                "tenant": "acme",
                "provider": "example",
                "name": "a",
                "config": {"api_key": "good-key-123456"},
            },
            headers=headers,
        )
        assert resp.status == 201
        assert resp.headers["X-Request-ID"] == "req-42.abc_DEF"

        resp = await client.post(
            "/api/admin/configs",
            json={
                "tenant": "acme",
                "provider": "example",
                "name": "b",
                "config": {"api_key": "good-key-123456"},
            },
            headers=admin_headers,
        )
        generated = resp.headers["X-Request-ID"]
        assert is_id(generated)

    created = logs.events("config created")
    assert [line["request_id"] for line in created] == ["req-42.abc_DEF", generated]
    # Outside a request nothing is bound.
    migrated = logs.events("database migrated")
    assert migrated and all("request_id" not in line for line in migrated)


async def test_unsafe_request_id_is_replaced(client: TestClient) -> None:
    for unsafe in ("has space", "x" * 65, "semi;colon", ""):
        resp = await client.get("/healthz", headers={"X-Request-ID": unsafe})
        assert resp.status == 200
        assert resp.headers["X-Request-ID"] != unsafe
        assert is_id(resp.headers["X-Request-ID"])


async def test_error_responses_carry_the_request_id(client: TestClient) -> None:
    resp = await client.get("/api/admin/tenants", headers={"X-Request-ID": "abc-1"})
    assert resp.status == 401
    assert resp.headers["X-Request-ID"] == "abc-1"
    resp = await client.get("/no-such-route", headers={"X-Request-ID": "abc-2"})
    assert resp.status == 404
    assert resp.headers["X-Request-ID"] == "abc-2"
