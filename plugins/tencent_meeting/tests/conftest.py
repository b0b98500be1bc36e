"""Fixtures of the plugin's tests: the plugin registered, the fake Tencent Meeting, configs.

The hub's own fixtures (`settings` over SQLite and PostgreSQL, `ctx`, `client`,
`admin_headers`) come from `hub.testing` through the repository's root
conftest.
"""

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from aiohttp.test_utils import TestServer
from hub.context import HubContext
from hub.errors import NotFound
from hub.http import Backoff
from hub.plugins import Plugins
from hub.settings import Settings
from hub.tenants.records import ConfigRecord
from hub.tenants.schemas import ConfigCreate, TenantCreate

import hub_tencent_meeting.plugin
from hub_tencent_meeting.client.base import TencentMeetingClient, client_for

from .fake_server import FakeTencentMeeting

FAST = Backoff(base=0.001, cap=0.004, floor_cap=0.01)
"""Retries in tests wait milliseconds, also after a rate-limit answer asking for a second."""


@pytest.fixture
def plugins() -> Plugins:
    plugins = Plugins()
    plugins.register(hub_tencent_meeting.plugin, "tencent_meeting", "0.1.0")
    return plugins


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"http_max_attempts": 3, "http_timeout_seconds": 5.0})


@pytest.fixture
async def fake(aiohttp_server: Callable[..., Awaitable[TestServer]]) -> FakeTencentMeeting:
    fake = FakeTencentMeeting()
    server = await aiohttp_server(fake.app())  # listens on 127.0.0.1
    fake.base_url = str(server.make_url("/")).rstrip("/")
    return fake


def signature_values(fake: FakeTencentMeeting, **overrides: Any) -> dict[str, Any]:
    """Config values of a signature-mode app pointing at the fake."""
    return {
        "auth_mode": "signature",
        "app_id": fake.app_id,
        "sdk_id": fake.sdk_id,
        "secret_id": fake.secret_id,
        "secret_key": fake.secret_key,
        "operator_id": "admin01",
        "base_url": fake.base_url,
        **overrides,
    }


def oauth_values(fake: FakeTencentMeeting, **overrides: Any) -> dict[str, Any]:
    """Config values of a third-party OAuth2 app pointing at the fake."""
    return {
        "auth_mode": "oauth",
        "app_id": fake.app_id,
        "sdk_id": fake.oauth_sdk_id,
        "secret_key": fake.oauth_secret,
        "base_url": fake.base_url,
        "oauth_base_url": fake.oauth_base_url,
        **overrides,
    }


async def make_config(
    ctx: HubContext, values: dict[str, Any], name: str = "default", tenant: str = "acme"
) -> ConfigRecord:
    try:
        await ctx.tenants.get(tenant)
    except NotFound:
        await ctx.tenants.create(TenantCreate(slug=tenant, name=tenant.title()))
    return await ctx.configs.create(
        ConfigCreate(tenant=tenant, provider="tencent_meeting", name=name, config=values)
    )


async def fast_client(ctx: HubContext, config_id: str) -> TencentMeetingClient:
    """`client_for` with millisecond backoff."""
    client = await client_for(ctx, config_id)
    client.backoff = FAST
    return client


@pytest.fixture
async def config(ctx: HubContext, fake: FakeTencentMeeting) -> ConfigRecord:
    """A signature-mode config of tenant `acme` for the fake."""
    return await make_config(ctx, signature_values(fake))


@pytest.fixture
async def tm(ctx: HubContext, config: ConfigRecord) -> TencentMeetingClient:
    """The client of `config`."""
    return await fast_client(ctx, config.id)


@pytest.fixture
async def oauth_config(ctx: HubContext, fake: FakeTencentMeeting) -> ConfigRecord:
    """An oauth-mode config of tenant `acme` for the fake, not yet authorized."""
    return await make_config(ctx, oauth_values(fake), name="oauth")


@pytest.fixture
async def oauth_tm(
    ctx: HubContext, fake: FakeTencentMeeting, oauth_config: ConfigRecord
) -> TencentMeetingClient:
    """The client of `oauth_config`, authorized by the fake's default user."""
    client = await fast_client(ctx, oauth_config.id)
    await client.exchange_code(fake.issue_code())
    return client
