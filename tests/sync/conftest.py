"""Fixtures for the sync tests: the fake catalog, the test plugin, its tables, a config."""

from collections.abc import AsyncIterator, Iterator

import pytest

from hub.context import HubContext
from hub.plugins import Plugins
from hub.settings import Settings
from hub.sync import SyncJob
from hub.tenants.records import ConfigRecord
from hub.tenants.schemas import ConfigCreate, TenantCreate
from tests.helpers.example_plugin import ExamplePlugin
from tests.helpers.sync_plugin import SyncTestPlugin, create_tables
from tests.helpers.sync_remote import TOKEN, CatalogRemote, running_remote


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """No scheduler tick during a test unless the test asks for one."""
    return settings.model_copy(update={"sync_tick_seconds": 3600.0})


@pytest.fixture
def remote() -> Iterator[CatalogRemote]:
    with running_remote(items=45) as catalog:
        yield catalog


@pytest.fixture
def sync_plugin() -> SyncTestPlugin:
    return SyncTestPlugin()


@pytest.fixture
def plugins(example_plugin: ExamplePlugin, sync_plugin: SyncTestPlugin) -> Plugins:
    plugins = Plugins()
    plugins.register(example_plugin, "example", "1.0.0")
    plugins.register(sync_plugin, "catalog", "1.0.0")
    return plugins


@pytest.fixture
async def ctx(ctx: HubContext) -> AsyncIterator[HubContext]:
    await create_tables(ctx.db.engine)
    yield ctx


async def add_config(
    ctx: HubContext,
    remote: CatalogRemote,
    name: str = "default",
    tenant: str = "acme",
    token: str = TOKEN,
    enabled: bool = True,
) -> ConfigRecord:
    if not any(t.slug == tenant for t in (await ctx.tenants.list(limit=500)).items):
        await ctx.tenants.create(TenantCreate(slug=tenant, name=tenant.title()))
    body = ConfigCreate(
        tenant=tenant,
        provider="catalog",
        name=name,
        enabled=enabled,
        config={"base_url": remote.url, "token": token, "page_size": 20},
    )
    return await ctx.configs.create(body)


@pytest.fixture
async def config(ctx: HubContext, remote: CatalogRemote) -> ConfigRecord:
    return await add_config(ctx, remote)


def job(ctx: HubContext, entity: str = "items") -> SyncJob:
    return ctx.sync.jobs.get("catalog", entity)
