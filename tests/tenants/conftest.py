"""Store-level helpers: tenants and configs created through the real stores."""

from typing import Any

from hub.context import HubContext
from hub.tenants.records import ConfigRecord, TenantRecord
from hub.tenants.schemas import ConfigCreate, TenantCreate


async def make_tenant(ctx: HubContext, slug: str = "acme") -> TenantRecord:
    return await ctx.tenants.create(TenantCreate(slug=slug, name=slug.title()))


async def make_config(
    ctx: HubContext,
    tenant: str = "acme",
    name: str = "default",
    api_key: str = "good-key-1234567890",
    provider: str = "example",
    kind: str | None = None,
    config: dict[str, Any] | None = None,
    enabled: bool = True,
) -> ConfigRecord:
    body = ConfigCreate(
        tenant=tenant,
        provider=provider,
        kind=kind,
        name=name,
        enabled=enabled,
        config=config if config is not None else {"api_key": api_key},
    )
    return await ctx.configs.create(body)
