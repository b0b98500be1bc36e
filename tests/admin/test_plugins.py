from tests.admin.conftest import Admin


async def test_plugins_lists_the_example_plugin(admin: Admin) -> None:
    body = await admin.call("GET", "/api/admin/plugins", 200)
    (example,) = [p for p in body["items"] if p["name"] == "example"]
    assert example["status"] == "loaded"
    assert example["version"] == "1.0.0"
    assert example["error"] is None
    assert example["degraded"] is False
    assert {"hub_providers", "hub_routes", "hub_config_changed"} <= set(example["hooks"])


async def test_providers_list_kinds_and_secret_fields(admin: Admin) -> None:
    body = await admin.call("GET", "/api/admin/providers", 200)
    providers = {p["name"]: p for p in body["items"]}
    assert {"example", "multi"} <= set(providers)

    example = providers["example"]
    assert example["plugin"] == "example"
    assert example["title"] == "Example service"
    (kind,) = example["kinds"]
    assert kind["name"] == "default"
    assert kind["secret_fields"] == ["api_key", "webhook_secret"]
    assert {"endpoint", "api_key", "region", "retries"} <= set(kind["config_schema"]["properties"])

    multi = {k["name"]: k for k in providers["multi"]["kinds"]}
    assert set(multi) == {"app", "robot"}
    assert multi["app"]["secret_fields"] == ["app_secret"]
    assert multi["app"]["title"] == "Application"
    assert multi["robot"]["secret_fields"] == ["webhook_key"]


async def test_plugin_listing_needs_the_token(admin: Admin) -> None:
    resp = await admin.client.get("/api/admin/plugins")
    assert resp.status == 401
