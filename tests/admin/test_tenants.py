from hub.context import CTX_KEY
from tests.admin.conftest import TENANTS, Admin
from tests.helpers.example_plugin import ExamplePlugin


async def test_create_returns_201_with_id(admin: Admin) -> None:
    body = await admin.tenant("acme", "Acme Corp")
    assert body["id"]
    assert body["slug"] == "acme"
    assert body["name"] == "Acme Corp"
    assert body["created_at"] and body["updated_at"]


async def test_get_by_id_and_by_slug(admin: Admin) -> None:
    created = await admin.tenant("acme")
    by_id = await admin.call("GET", f"{TENANTS}/{created['id']}", 200)
    by_slug = await admin.call("GET", f"{TENANTS}/acme", 200)
    assert by_id == by_slug == created


async def test_list_paginates_with_limit_and_cursor(admin: Admin) -> None:
    created = {(await admin.tenant(f"t{i}", f"Tenant {i}"))["id"] for i in range(5)}
    seen: list[str] = []
    pages = 0
    cursor: str | None = None
    while True:
        params = {"limit": "2", **({"cursor": cursor} if cursor else {})}
        page = await admin.call("GET", TENANTS, 200, params=params)
        pages += 1
        assert len(page["items"]) <= 2
        seen.extend(t["id"] for t in page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            break
        assert cursor == page["items"][-1]["id"]
    assert pages == 3
    assert len(seen) == len(set(seen)) == 5
    assert set(seen) == created
    assert seen == sorted(seen)


async def test_list_without_limit_returns_everything(admin: Admin) -> None:
    for i in range(3):
        await admin.tenant(f"t{i}")
    page = await admin.call("GET", TENANTS, 200)
    assert len(page["items"]) == 3
    assert page["next_cursor"] is None


async def test_patch_changes_slug_and_name(admin: Admin) -> None:
    created = await admin.tenant("acme", "Acme")
    body = await admin.call(
        "PATCH", f"{TENANTS}/acme", 200, json={"slug": "acme-eu", "name": "Acme Europe"}
    )
    assert body["id"] == created["id"]
    assert (body["slug"], body["name"]) == ("acme-eu", "Acme Europe")
    await admin.call("GET", f"{TENANTS}/acme", 404)
    assert (await admin.call("GET", f"{TENANTS}/acme-eu", 200))["name"] == "Acme Europe"


async def test_patch_to_a_taken_slug_is_409(admin: Admin) -> None:
    await admin.tenant("acme")
    await admin.tenant("globex")
    body = await admin.call("PATCH", f"{TENANTS}/globex", 409, json={"slug": "acme"})
    assert body["code"] == "tenant_exists"


async def test_duplicate_slug_is_409(admin: Admin) -> None:
    await admin.tenant("acme")
    body = await admin.call("POST", TENANTS, 409, json={"slug": "acme", "name": "Other"})
    assert body["code"] == "tenant_exists"


async def test_invalid_slug_is_422_with_field(admin: Admin) -> None:
    body = await admin.call("POST", TENANTS, 422, json={"slug": "Not A Slug!", "name": "x"})
    assert body["code"] == "validation_failed"
    assert [d["field"] for d in body["details"]] == ["slug"]


async def test_delete_returns_204(admin: Admin) -> None:
    created = await admin.tenant("acme")
    assert await admin.call("DELETE", f"{TENANTS}/{created['id']}", 204) is None
    await admin.call("GET", f"{TENANTS}/{created['id']}", 404)


async def test_delete_unknown_is_404(admin: Admin) -> None:
    body = await admin.call("DELETE", f"{TENANTS}/nobody", 404)
    assert body["code"] == "tenant_not_found"


async def test_delete_refused_while_configs_exist_then_cascades(
    admin: Admin, example_plugin: ExamplePlugin
) -> None:
    await admin.tenant("acme")
    first = await admin.config("acme", "one")
    second = await admin.config("acme", "two")
    body = await admin.call("DELETE", f"{TENANTS}/acme", 409)
    assert body["code"] == "tenant_has_configs"
    await admin.call("GET", f"{TENANTS}/acme", 200)

    await admin.call("DELETE", f"{TENANTS}/acme", 204, params={"cascade": "true"})
    await admin.call("GET", f"{TENANTS}/acme", 404)
    for cfg in (first, second):
        await admin.call("GET", f"/api/admin/configs/{cfg['id']}", 404)
    ctx = admin.client.app[CTX_KEY]
    assert await ctx.configs.versions() == {}
    deleted = {cid for cid, change in example_plugin.changes if change == "deleted"}
    assert deleted == {first["id"], second["id"]}


async def test_slug_that_looks_like_another_tenants_id_is_not_ambiguous(admin: Admin) -> None:
    first = await admin.tenant("acme")
    shadow = await admin.tenant(first["id"], "Shadow")
    assert (await admin.call("GET", f"{TENANTS}/{first['id']}", 200))["slug"] == "acme"
    assert (await admin.call("GET", f"{TENANTS}/{shadow['id']}", 200))["name"] == "Shadow"
    body = await admin.config(tenant=first["id"])
    assert body["tenant"] == "acme"
