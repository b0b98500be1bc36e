import pytest

from hub.context import HubContext
from hub.errors import ConfigDisabled, Conflict, NotFound, ValidationFailed
from hub.tenants.schemas import ConfigUpdate
from tests.tenants.conftest import make_config, make_tenant


async def test_select_by_id(ctx: HubContext) -> None:
    await make_tenant(ctx)
    created = await make_config(ctx, api_key="good-key-by-id-0001")
    record, values = await ctx.configs.select(created.id)
    assert record.id == created.id
    assert values.api_key.get_secret_value() == "good-key-by-id-0001"


async def test_select_by_tenant_provider_and_name(ctx: HubContext) -> None:
    tenant = await make_tenant(ctx)
    await make_config(ctx, name="one", api_key="good-key-one-00001")
    two = await make_config(ctx, name="two", api_key="good-key-two-00002")
    for ref in ("acme", tenant.id):
        record, values = await ctx.configs.select(tenant=ref, provider="example", name="two")
        assert record.id == two.id
        assert values.api_key.get_secret_value() == "good-key-two-00002"
    with pytest.raises(NotFound):
        await ctx.configs.select(tenant="acme", provider="example", name="three")


async def test_select_default_by_name(ctx: HubContext) -> None:
    await make_tenant(ctx)
    await make_config(ctx, name="backup")
    default = await make_config(ctx, name="default")
    record, _ = await ctx.configs.select(tenant="acme", provider="example")
    assert record.id == default.id


async def test_select_default_is_the_only_config(ctx: HubContext) -> None:
    await make_tenant(ctx)
    only = await make_config(ctx, name="primary")
    record, _ = await ctx.configs.select(tenant="acme", provider="example")
    assert record.id == only.id


async def test_select_default_ambiguous_is_conflict(ctx: HubContext) -> None:
    await make_tenant(ctx)
    await make_config(ctx, name="one")
    await make_config(ctx, name="two")
    with pytest.raises(Conflict) as info:
        await ctx.configs.select(tenant="acme", provider="example")
    assert info.value.code == "config_ambiguous"


async def test_select_is_scoped_to_tenant_and_provider(ctx: HubContext) -> None:
    await make_tenant(ctx)
    await make_tenant(ctx, "globex")
    mine = await make_config(ctx, tenant="acme", name="main")
    await make_config(ctx, tenant="globex", name="main")
    await make_config(
        ctx, provider="multi", kind="robot", name="bot", config={"webhook_key": "robot-123456"}
    )
    record, _ = await ctx.configs.select(tenant="acme", provider="example")
    assert record.id == mine.id
    with pytest.raises(NotFound):
        await ctx.configs.select(tenant="initech", provider="example")
    with pytest.raises(NotFound):
        await ctx.configs.select(tenant="acme", provider="other")


async def test_select_needs_id_or_tenant_and_provider(ctx: HubContext) -> None:
    with pytest.raises(ValidationFailed):
        await ctx.configs.select(tenant="acme")


async def test_disabled_config_is_not_usable(ctx: HubContext) -> None:
    await make_tenant(ctx)
    created = await make_config(ctx)
    await ctx.configs.set_enabled(created.id, False)
    with pytest.raises(ConfigDisabled):
        await ctx.configs.load(created.id)
    with pytest.raises(ConfigDisabled):
        await ctx.configs.values(created.id)
    with pytest.raises(ConfigDisabled):
        await ctx.configs.select(tenant="acme", provider="example")
    with pytest.raises(ConfigDisabled):
        await ctx.configs.test(created.id)
    _, values = await ctx.configs.select(created.id, require_enabled=False)
    assert values.api_key.get_secret_value() == "good-key-1234567890"


async def test_set_state_on_disabled_config_keeps_disabled(ctx: HubContext) -> None:
    await make_tenant(ctx)
    created = await make_config(ctx)
    await ctx.configs.set_enabled(created.id, False)
    record = await ctx.configs.set_state(created.id, "needs_reauth", "expired")
    assert record.state == "disabled"
    assert record.last_error == "expired"


async def test_set_state_scrubs_secrets_from_error(ctx: HubContext) -> None:
    await make_tenant(ctx)
    created = await make_config(ctx, api_key="good-key-Wm4nQ7zL2")
    record = await ctx.configs.set_state(
        created.id, "error", "auth failed for good-key-Wm4nQ7zL2 at host"
    )
    assert record.last_error == "auth failed for *** at host"


async def test_update_secret_sent_as_mask_is_kept(ctx: HubContext) -> None:
    await make_tenant(ctx)
    created = await make_config(ctx, api_key="good-key-keep-0001")
    await ctx.configs.update(created.id, ConfigUpdate(config={"api_key": "***", "retries": 0}))
    values = await ctx.configs.values(created.id)
    assert values.api_key.get_secret_value() == "good-key-keep-0001"
    assert values.retries == 0


async def test_update_can_clear_optional_secret(ctx: HubContext) -> None:
    await make_tenant(ctx)
    created = await make_config(
        ctx, config={"api_key": "good-key-1234567890", "webhook_secret": "hook-12345678"}
    )
    assert created.masked()["webhook_secret"] == "***"
    record = await ctx.configs.update(created.id, ConfigUpdate(config={"webhook_secret": None}))
    assert record.masked()["webhook_secret"] is None
    assert record.secret_names == ["api_key"]
    values = await ctx.configs.values(created.id)
    assert values.webhook_secret is None


async def test_stored_config_that_no_longer_validates_is_a_clear_conflict(
    ctx: HubContext,
) -> None:
    from sqlalchemy import update

    from hub.tenants.models import ProviderConfig

    await make_tenant(ctx)
    created = await make_config(ctx, api_key="good-key-outdated-01")
    async with ctx.db.transaction() as s:
        await s.execute(
            update(ProviderConfig)
            .where(ProviderConfig.id == created.id)
            .values(settings={**created.settings, "retries": 99})
        )
    with pytest.raises(Conflict) as caught:
        await ctx.configs.load(created.id)
    assert caught.value.code == "config_outdated"
    assert caught.value.details[0]["field"] == "config.retries"
    assert "good-key-outdated-01" not in str(caught.value.to_dict())
