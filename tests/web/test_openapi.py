from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from openapi_spec_validator import validate

ADMIN_PATHS = {
    "/api/admin/tenants": {"get", "post"},
    "/api/admin/tenants/{tenant}": {"get", "patch", "delete"},
    "/api/admin/configs": {"get", "post"},
    "/api/admin/configs/{config_id}": {"get", "patch", "delete"},
    "/api/admin/configs/{config_id}/enable": {"post"},
    "/api/admin/configs/{config_id}/disable": {"post"},
    "/api/admin/configs/{config_id}/test": {"post"},
    "/api/admin/plugins": {"get"},
    "/api/admin/providers": {"get"},
}


@pytest.fixture
async def spec(client: TestClient) -> dict[str, Any]:
    resp = await client.get("/api/openapi.json")
    assert resp.status == 200
    return await resp.json()


def resolve(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    ref = schema["$ref"]
    assert ref.startswith("#/components/schemas/")
    return spec["components"]["schemas"][ref.rsplit("/", 1)[1]]


def request_schema(spec: dict[str, Any], path: str, method: str) -> dict[str, Any]:
    body = spec["paths"][path][method]["requestBody"]
    assert body["required"] is True
    return resolve(spec, body["content"]["application/json"]["schema"])


async def test_document_is_valid_openapi_3_1(spec: dict[str, Any]) -> None:
    assert spec["openapi"].startswith("3.1")
    validate(spec)


async def test_admin_paths_are_listed(spec: dict[str, Any]) -> None:
    for path, methods in ADMIN_PATHS.items():
        assert path in spec["paths"], path
        assert methods <= set(spec["paths"][path]), path


async def test_request_bodies_come_from_the_models(spec: dict[str, Any]) -> None:
    tenant = request_schema(spec, "/api/admin/tenants", "post")
    assert set(tenant["properties"]) == {"slug", "name"}
    assert set(tenant["required"]) == {"slug", "name"}
    assert tenant["properties"]["slug"]["pattern"]
    assert tenant["additionalProperties"] is False

    config = request_schema(spec, "/api/admin/configs", "post")
    assert set(config["properties"]) == {"tenant", "provider", "kind", "name", "enabled", "config"}
    assert set(config["required"]) == {"tenant", "provider", "name"}
    assert config["properties"]["config"]["type"] == "object"

    update = request_schema(spec, "/api/admin/configs/{config_id}", "patch")
    assert set(update["properties"]) == {"name", "enabled", "config"}
    assert "required" not in update

    assert "requestBody" not in spec["paths"]["/api/admin/configs"]["get"]


async def test_responses_and_query_parameters(spec: dict[str, Any]) -> None:
    create = spec["paths"]["/api/admin/configs"]["post"]
    assert {"201", "400", "401", "404", "409", "413", "422"} <= set(create["responses"])
    out = resolve(spec, create["responses"]["201"]["content"]["application/json"]["schema"])
    assert {"id", "tenant", "provider", "config", "version", "state"} <= set(out["properties"])
    error = resolve(spec, create["responses"]["409"]["content"]["application/json"]["schema"])
    assert {"code", "message"} <= set(error["properties"])

    listing = spec["paths"]["/api/admin/configs"]["get"]
    params = {p["name"]: p for p in listing["parameters"]}
    assert set(params) == {"limit", "cursor", "tenant", "provider"}
    assert all(p["in"] == "query" for p in params.values())
    assert params["limit"]["schema"]["minimum"] == 1

    delete = spec["paths"]["/api/admin/tenants/{tenant}"]["delete"]
    assert "204" in delete["responses"]
    names = {(p["name"], p["in"]) for p in delete["parameters"]}
    assert names == {("tenant", "path"), ("cascade", "query")}


async def test_admin_operations_require_bearer(spec: dict[str, Any]) -> None:
    schemes = spec["components"]["securitySchemes"]
    ((name, scheme),) = schemes.items()
    assert scheme == {"type": "http", "scheme": "bearer"}
    for path, operations in spec["paths"].items():
        for method, op in operations.items():
            if path.startswith("/api/admin"):
                assert op["security"] == [{name: []}], (path, method)
                assert "401" in op["responses"], (path, method)
            else:
                assert "security" not in op, (path, method)


async def test_plugin_route_is_included(spec: dict[str, Any]) -> None:
    ping = spec["paths"]["/api/example/ping"]["get"]
    assert ping["summary"] == "Example ping"
    assert ping["tags"] == ["example"]
    pong = resolve(spec, ping["responses"]["200"]["content"]["application/json"]["schema"])
    assert "pong" in pong["properties"]


async def test_operation_ids_are_unique(spec: dict[str, Any]) -> None:
    ids = [op["operationId"] for ops in spec["paths"].values() for op in ops.values()]
    assert len(ids) == len(set(ids))
