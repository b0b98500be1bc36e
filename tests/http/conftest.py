"""A fake provider on loopback, a config pointing at it and a client built on the outbound layer."""

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from aiohttp.test_utils import TestServer

from hub.context import HubContext
from hub.errors import NotFound
from hub.http import Backoff
from hub.settings import Settings
from hub.tenants.records import ConfigRecord
from hub.tenants.schemas import ConfigCreate, TenantCreate
from tests.http.fake_provider import FakeProvider, FakeProviderClient

CORP_SECRET = "corp-secret-5f2a9c1e7b3d"
FAST = Backoff(base=0.001, cap=0.004, floor_cap=5.0)


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"http_max_attempts": 3, "http_timeout_seconds": 5.0})


@pytest.fixture
async def fake(aiohttp_server: Callable[..., Awaitable[TestServer]]) -> FakeProvider:
    fake = FakeProvider("corp-1", CORP_SECRET)
    server = await aiohttp_server(fake.app())
    fake.base_url = str(server.make_url("/"))
    return fake


async def make_config(ctx: HubContext, fake: FakeProvider, name: str = "default") -> ConfigRecord:
    try:
        await ctx.tenants.get("acme")
    except NotFound:
        await ctx.tenants.create(TenantCreate(slug="acme", name="Acme"))
    return await ctx.configs.create(
        ConfigCreate(
            tenant="acme",
            provider="example",
            name=name,
            config={"endpoint": fake.base_url, "api_key": CORP_SECRET},
        )
    )


async def make_client(ctx: HubContext, config: ConfigRecord, **kwargs: Any) -> FakeProviderClient:
    values = await ctx.configs.values(config.id)
    kwargs.setdefault("backoff", FAST)
    kwargs.setdefault("base_url", values.endpoint)  # type: ignore[attr-defined]
    return FakeProviderClient(ctx.http, config.id, values, **kwargs)


@pytest.fixture
async def config(ctx: HubContext, fake: FakeProvider) -> ConfigRecord:
    return await make_config(ctx, fake)


@pytest.fixture
async def api(ctx: HubContext, config: ConfigRecord) -> FakeProviderClient:
    return await make_client(ctx, config)
