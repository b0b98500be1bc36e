import pytest

from hub.context import CTX_KEY
from hub.errors import ConfigDisabled
from tests.admin.conftest import CONFIGS, Admin
from tests.helpers.example_plugin import ExamplePlugin

SECRET = "good-Zq8vT3xLp0aWn5"


@pytest.fixture
async def acme(admin: Admin) -> dict[str, str]:
    return await admin.tenant("acme")


# ---- create ------------------------------------------------------------------


async def test_create_returns_201_with_id_and_masked_secrets(admin: Admin, acme: dict) -> None:
    body = await admin.config(api_key=SECRET, webhook_secret="hook-secret-value-1")
    assert body["id"]
    assert body["tenant"] == "acme"
    assert body["tenant_id"] == acme["id"]
    assert (body["provider"], body["kind"], body["name"]) == ("example", "default", "default")
    assert body["enabled"] is True
    assert body["state"] == "unknown"
    assert body["version"] == 1
    assert body["config"] == {
        "endpoint": "https://example.invalid",
        "api_key": "***",
        "region": "cn",
        "retries": 3,
        "webhook_secret": "***",
    }


async def test_unset_optional_secret_reads_null(admin: Admin, acme: dict) -> None:
    body = await admin.config(api_key=SECRET)
    assert body["config"]["api_key"] == "***"
    assert body["config"]["webhook_secret"] is None


async def test_tenant_may_be_given_by_id(admin: Admin, acme: dict) -> None:
    body = await admin.config(tenant=acme["id"])
    assert body["tenant"] == "acme"


async def test_created_disabled_config_is_in_disabled_state(admin: Admin, acme: dict) -> None:
    body = await admin.call(
        "POST",
        CONFIGS,
        201,
        json={
            "tenant": "acme",
            "provider": "example",
            "name": "off",
            "enabled": False,
            "config": {"api_key": SECRET},
        },
    )
    assert body["enabled"] is False
    assert body["state"] == "disabled"


async def test_multi_kind_provider_requires_kind(admin: Admin, acme: dict) -> None:
    base = {"tenant": "acme", "provider": "multi", "name": "bot"}
    body = await admin.call(
        "POST", CONFIGS, 422, json={**base, "config": {"webhook_key": "robot-key-123456"}}
    )
    assert body["code"] == "validation_failed"
    assert [d["field"] for d in body["details"]] == ["kind"]

    body = await admin.call(
        "POST", CONFIGS, 404, json={**base, "kind": "nope", "config": {"webhook_key": "x" * 8}}
    )
    assert body["code"] == "unknown_config_kind"

    body = await admin.call(
        "POST",
        CONFIGS,
        201,
        json={**base, "kind": "robot", "config": {"webhook_key": "robot-key-123456"}},
    )
    assert body["kind"] == "robot"
    assert body["config"] == {"webhook_key": "***"}

    body = await admin.call(
        "POST",
        CONFIGS,
        201,
        json={
            **base,
            "name": "app",
            "kind": "app",
            "config": {"app_id": "cli_123", "app_secret": "app-secret-123456"},
        },
    )
    assert body["config"] == {"app_id": "cli_123", "app_secret": "***"}


async def test_unknown_provider_is_404(admin: Admin, acme: dict) -> None:
    body = await admin.config(provider="nope", expect=404)
    assert body["code"] == "unknown_provider"


async def test_unknown_tenant_is_404(admin: Admin, acme: dict) -> None:
    body = await admin.config(tenant="nobody", expect=404)
    assert body["code"] == "tenant_not_found"


async def test_invalid_fields_are_422_per_field_without_values(admin: Admin, acme: dict) -> None:
    resp = await admin.client.post(
        CONFIGS,
        headers=admin.headers,
        json={
            "tenant": "acme",
            "provider": "example",
            "name": "bad",
            "config": {"region": "mars-zone-x", "retries": 777, "endpoint": SECRET},
        },
    )
    text = await resp.text()
    assert resp.status == 422, text
    body = await resp.json()
    assert body["code"] == "validation_failed"
    assert set(body) <= {"code", "message", "details"}
    fields = {d["field"] for d in body["details"]}
    assert fields == {"config.api_key", "config.region", "config.retries"}
    for submitted in ("mars-zone-x", "777", SECRET):
        assert submitted not in text


async def test_invalid_secret_value_is_not_echoed(admin: Admin, acme: dict) -> None:
    resp = await admin.client.post(
        CONFIGS,
        headers=admin.headers,
        json={
            "tenant": "acme",
            "provider": "example",
            "name": "bad",
            "config": {"api_key": ["list-not-a-string", SECRET]},
        },
    )
    text = await resp.text()
    assert resp.status == 422, text
    assert [d["field"] for d in (await resp.json())["details"]] == ["config.api_key"]
    assert SECRET not in text
    assert "list-not-a-string" not in text


async def test_unknown_config_fields_are_422(admin: Admin, acme: dict) -> None:
    body = await admin.config(bogus="x", other="y", expect=422)
    assert body["code"] == "validation_failed"
    assert sorted(d["field"] for d in body["details"]) == ["config.bogus", "config.other"]


async def test_unknown_top_level_field_is_422(admin: Admin, acme: dict) -> None:
    body = await admin.call(
        "POST",
        CONFIGS,
        422,
        json={"tenant": "acme", "provider": "example", "name": "x", "colour": "red"},
    )
    assert [d["field"] for d in body["details"]] == ["colour"]


async def test_duplicate_name_is_409(admin: Admin, acme: dict) -> None:
    await admin.config(name="main")
    body = await admin.config(name="main", expect=409)
    assert body["code"] == "config_exists"
    await admin.tenant("globex")
    await admin.config(tenant="globex", name="main")


# ---- read --------------------------------------------------------------------


async def test_get_one_and_unknown_is_404(admin: Admin, acme: dict) -> None:
    created = await admin.config()
    assert await admin.call("GET", f"{CONFIGS}/{created['id']}", 200) == created
    body = await admin.call("GET", f"{CONFIGS}/no-such-config", 404)
    assert body["code"] == "config_not_found"


async def test_list_filters_by_tenant_and_provider_with_pagination(
    admin: Admin, acme: dict
) -> None:
    await admin.tenant("globex")
    wanted = {(await admin.config("acme", f"c{i}"))["id"] for i in range(5)}
    await admin.config("globex", "other")
    await admin.call(
        "POST",
        CONFIGS,
        201,
        json={
            "tenant": "acme",
            "provider": "multi",
            "kind": "robot",
            "name": "bot",
            "config": {"webhook_key": "robot-key-123456"},
        },
    )

    seen: list[str] = []
    cursor: str | None = None
    pages = 0
    while True:
        params = {"tenant": "acme", "provider": "example", "limit": "2"}
        if cursor:
            params["cursor"] = cursor
        page = await admin.call("GET", CONFIGS, 200, params=params)
        pages += 1
        for item in page["items"]:
            assert (item["tenant"], item["provider"]) == ("acme", "example")
            assert item["config"]["api_key"] == "***"
        seen.extend(item["id"] for item in page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert pages == 3
    assert seen == sorted(wanted)

    everything = await admin.call("GET", CONFIGS, 200)
    assert len(everything["items"]) == 7
    by_tenant = await admin.call("GET", CONFIGS, 200, params={"tenant": "acme"})
    assert len(by_tenant["items"]) == 6
    by_provider = await admin.call("GET", CONFIGS, 200, params={"provider": "multi"})
    assert [i["name"] for i in by_provider["items"]] == ["bot"]


async def test_list_for_unknown_tenant_is_404(admin: Admin, acme: dict) -> None:
    await admin.call("GET", CONFIGS, 404, params={"tenant": "nobody"})


# ---- update ------------------------------------------------------------------


async def test_patch_merges_and_keeps_omitted_secret(admin: Admin, acme: dict) -> None:
    created = await admin.config(api_key=SECRET, webhook_secret="hook-secret-value-1")
    body = await admin.call(
        "PATCH", f"{CONFIGS}/{created['id']}", 200, json={"config": {"region": "intl"}}
    )
    assert body["version"] == 2
    assert body["config"]["region"] == "intl"
    assert body["config"]["retries"] == 3
    assert body["config"]["api_key"] == "***"

    ctx = admin.client.app[CTX_KEY]
    _record, values = await ctx.configs.load(created["id"])
    assert values.api_key.get_secret_value() == SECRET
    assert values.webhook_secret.get_secret_value() == "hook-secret-value-1"
    assert values.region == "intl"


async def test_patch_with_masked_secret_keeps_it(admin: Admin, acme: dict) -> None:
    created = await admin.config(api_key=SECRET)
    # What a client reads back and sends unchanged must not overwrite the secret.
    config = dict(created["config"])
    config["retries"] = 5
    body = await admin.call("PATCH", f"{CONFIGS}/{created['id']}", 200, json={"config": config})
    assert body["config"]["retries"] == 5
    assert body["version"] == 2

    ctx = admin.client.app[CTX_KEY]
    values = await ctx.configs.values(created["id"])
    assert values.api_key.get_secret_value() == SECRET
    assert values.retries == 5


async def test_patch_replaces_secret_and_renames(admin: Admin, acme: dict) -> None:
    created = await admin.config(api_key=SECRET)
    body = await admin.call(
        "PATCH",
        f"{CONFIGS}/{created['id']}",
        200,
        json={"name": "renamed", "config": {"api_key": "good-new-key-987654"}},
    )
    assert body["name"] == "renamed"
    assert body["config"]["api_key"] == "***"
    ctx = admin.client.app[CTX_KEY]
    values = await ctx.configs.values(created["id"])
    assert values.api_key.get_secret_value() == "good-new-key-987654"


async def test_patch_version_increments_each_change(admin: Admin, acme: dict) -> None:
    created = await admin.config()
    path = f"{CONFIGS}/{created['id']}"
    versions = [created["version"]]
    for retries in (4, 5, 6):
        body = await admin.call("PATCH", path, 200, json={"config": {"retries": retries}})
        versions.append(body["version"])
    assert versions == [1, 2, 3, 4]
    # A PATCH that changes nothing keeps the version.
    assert (await admin.call("PATCH", path, 200, json={}))["version"] == 4


async def test_patch_invalid_value_is_422_and_keeps_config(admin: Admin, acme: dict) -> None:
    created = await admin.config(api_key=SECRET)
    path = f"{CONFIGS}/{created['id']}"
    body = await admin.call("PATCH", path, 422, json={"config": {"retries": 99}})
    assert [d["field"] for d in body["details"]] == ["config.retries"]
    body = await admin.call("PATCH", path, 422, json={"config": {"nope": 1}})
    assert [d["field"] for d in body["details"]] == ["config.nope"]
    assert (await admin.call("GET", path, 200))["version"] == 1


async def test_patch_to_duplicate_name_is_409(admin: Admin, acme: dict) -> None:
    await admin.config(name="one")
    two = await admin.config(name="two")
    body = await admin.call("PATCH", f"{CONFIGS}/{two['id']}", 409, json={"name": "one"})
    assert body["code"] == "config_exists"


async def test_patch_unknown_is_404(admin: Admin, acme: dict) -> None:
    await admin.call("PATCH", f"{CONFIGS}/nope", 404, json={"name": "x"})


# ---- enable / disable / delete ---------------------------------------------------


async def test_disable_and_enable(admin: Admin, acme: dict) -> None:
    created = await admin.config()
    ctx = admin.client.app[CTX_KEY]
    body = await admin.call("POST", f"{CONFIGS}/{created['id']}/disable", 200)
    assert body["enabled"] is False
    assert body["state"] == "disabled"
    assert body["version"] == 2
    with pytest.raises(ConfigDisabled):
        await ctx.configs.load(created["id"])
    with pytest.raises(ConfigDisabled):
        await ctx.configs.select(created["id"])
    with pytest.raises(ConfigDisabled):
        await ctx.configs.select(tenant="acme", provider="example")
    record, _ = await ctx.configs.load(created["id"], require_enabled=False)
    assert record.state == "disabled"

    body = await admin.call("POST", f"{CONFIGS}/{created['id']}/enable", 200)
    assert body["enabled"] is True
    assert body["state"] == "unknown"
    assert body["version"] == 3
    record, _ = await ctx.configs.select(created["id"])
    assert record.enabled


async def test_delete_returns_204(admin: Admin, acme: dict) -> None:
    created = await admin.config()
    assert await admin.call("DELETE", f"{CONFIGS}/{created['id']}", 204) is None
    await admin.call("GET", f"{CONFIGS}/{created['id']}", 404)
    await admin.call("DELETE", f"{CONFIGS}/{created['id']}", 404)


# ---- test connection -----------------------------------------------------------


async def test_connection_ok(admin: Admin, acme: dict) -> None:
    created = await admin.config(api_key=SECRET)
    body = await admin.call("POST", f"{CONFIGS}/{created['id']}/test", 200)
    assert body["ok"] is True
    assert body["state"] == "ok"
    stored = await admin.call("GET", f"{CONFIGS}/{created['id']}", 200)
    assert stored["state"] == "ok"
    assert stored["last_error"] is None


async def test_connection_failure_is_recorded_and_scrubbed(admin: Admin, acme: dict) -> None:
    secret = "bad-key-Hq2mV9rT4wYx"
    created = await admin.config(api_key=secret)
    resp = await admin.client.post(f"{CONFIGS}/{created['id']}/test", headers=admin.headers)
    text = await resp.text()
    assert resp.status == 200, text
    assert secret not in text
    body = await resp.json()
    assert body["ok"] is False
    assert body["state"] == "error"
    assert "invalid credentials" in body["message"]
    assert "***" in body["message"]

    stored = await admin.call("GET", f"{CONFIGS}/{created['id']}", 200)
    assert stored["state"] == "error"
    assert "invalid credentials" in stored["last_error"]
    assert secret not in stored["last_error"]


async def test_connection_crash_is_an_error_outcome(admin: Admin, acme: dict) -> None:
    secret = "crash-key-Jd8sKq1pZ3"
    created = await admin.config(api_key=secret)
    resp = await admin.client.post(f"{CONFIGS}/{created['id']}/test", headers=admin.headers)
    text = await resp.text()
    assert resp.status == 200, text
    assert secret not in text
    body = await resp.json()
    assert body["ok"] is False
    assert body["state"] == "error"
    assert body["message"].startswith("RuntimeError: unexpected failure")


async def test_connection_expired_needs_reauth(admin: Admin, acme: dict) -> None:
    created = await admin.config(api_key="expired-key-123456")
    body = await admin.call("POST", f"{CONFIGS}/{created['id']}/test", 200)
    assert body == {"ok": False, "state": "needs_reauth", "message": "token expired"}
    stored = await admin.call("GET", f"{CONFIGS}/{created['id']}", 200)
    assert stored["state"] == "needs_reauth"
    assert stored["last_error"] == "token expired"
    # A later successful test clears the error.
    await admin.call(
        "PATCH", f"{CONFIGS}/{created['id']}", 200, json={"config": {"api_key": SECRET}}
    )
    assert (await admin.call("POST", f"{CONFIGS}/{created['id']}/test", 200))["ok"] is True
    stored = await admin.call("GET", f"{CONFIGS}/{created['id']}", 200)
    assert (stored["state"], stored["last_error"]) == ("ok", None)


async def test_connection_of_disabled_config_is_409(admin: Admin, acme: dict) -> None:
    created = await admin.config()
    await admin.call("POST", f"{CONFIGS}/{created['id']}/disable", 200)
    body = await admin.call("POST", f"{CONFIGS}/{created['id']}/test", 409)
    assert body["code"] == "config_disabled"


async def test_connection_of_unknown_config_is_404(admin: Admin, acme: dict) -> None:
    await admin.call("POST", f"{CONFIGS}/nope/test", 404)


# ---- plugin notifications ------------------------------------------------------


async def test_every_change_is_announced_once(
    admin: Admin, acme: dict, example_plugin: ExamplePlugin
) -> None:
    created = await admin.config()
    cid = created["id"]
    await admin.call("PATCH", f"{CONFIGS}/{cid}", 200, json={"config": {"retries": 1}})
    await admin.call("POST", f"{CONFIGS}/{cid}/disable", 200)
    await admin.call("POST", f"{CONFIGS}/{cid}/enable", 200)
    await admin.call("POST", f"{CONFIGS}/{cid}/test", 200)
    await admin.call("DELETE", f"{CONFIGS}/{cid}", 204)
    assert example_plugin.changes == [
        (cid, "created"),
        (cid, "updated"),
        (cid, "disabled"),
        (cid, "enabled"),
        (cid, "deleted"),
    ]


async def test_failed_changes_are_not_announced(
    admin: Admin, acme: dict, example_plugin: ExamplePlugin
) -> None:
    created = await admin.config(name="one")
    await admin.config(name="one", expect=409)
    await admin.config(bogus=1, expect=422)
    await admin.call("PATCH", f"{CONFIGS}/{created['id']}", 422, json={"config": {"retries": -1}})
    assert example_plugin.changes == [(created["id"], "created")]


async def test_connection_without_provider_check_is_ok(admin: Admin, acme: dict) -> None:
    created = await admin.call(
        "POST",
        CONFIGS,
        201,
        json={
            "tenant": "acme",
            "provider": "multi",
            "kind": "robot",
            "name": "bot",
            "config": {"webhook_key": "robot-key-123456"},
        },
    )
    body = await admin.call("POST", f"{CONFIGS}/{created['id']}/test", 200)
    assert body == {"ok": True, "state": "ok", "message": None}
