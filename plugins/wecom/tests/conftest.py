"""Fixtures of the plugin's tests: the plugin registered, the fake WeCom API, configs.

The hub's own fixtures (`settings` over SQLite and PostgreSQL, `ctx`, `client`,
`admin_headers`) come from `hub.testing` through the repository's root
conftest.
"""

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from hub.context import HubContext
from hub.errors import NotFound
from hub.plugins import Plugins
from hub.settings import Settings
from hub.tenants.records import ConfigRecord
from hub.tenants.schemas import ConfigCreate, TenantCreate

import hub_wecom.plugin

from . import wecom_sender
from .fake_wecom import AGENT_ID, CORP_ID, CORP_SECRET, ROBOT_KEY, FakeWeCom


@pytest.fixture
def plugins() -> Plugins:
    plugins = Plugins()
    plugins.register(hub_wecom.plugin, "wecom", "0.1.0")
    return plugins


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"http_max_attempts": 3, "http_timeout_seconds": 5.0})


@pytest.fixture
async def fake(aiohttp_server: Callable[..., Awaitable[TestServer]]) -> FakeWeCom:
    fake = FakeWeCom()
    server = await aiohttp_server(fake.app())  # listens on 127.0.0.1
    fake.base_url = str(server.make_url("/")).rstrip("/")
    return fake


def app_values(fake: FakeWeCom | None = None, **overrides: Any) -> dict[str, Any]:
    """An `app` config: the fake's corp and app, with the reference's callback keys (§3.7)."""
    values: dict[str, Any] = {
        "corp_id": CORP_ID,
        "agent_id": AGENT_ID,
        "corp_secret": CORP_SECRET,
        "token": wecom_sender.TOKEN,
        "encoding_aes_key": wecom_sender.AES_KEY,
    }
    if fake is not None:
        values["base_url"] = fake.base_url
    return {**values, **overrides}


def callback_values(**overrides: Any) -> dict[str, Any]:
    """An `app` config whose corp id, agent id and keys are the reference's vectors (§3.7)."""
    return app_values(corp_id=wecom_sender.CORP_ID, agent_id=wecom_sender.AGENT_ID, **overrides)


def robot_values(fake: FakeWeCom | None = None, **overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {"webhook_key": ROBOT_KEY, "name": "Ops group"}
    if fake is not None:
        values["base_url"] = fake.base_url
    return {**values, **overrides}


async def make_config(
    ctx: HubContext,
    values: dict[str, Any],
    *,
    kind: str = "app",
    name: str = "default",
    tenant: str = "acme",
) -> ConfigRecord:
    """A config of `tenant` (created when missing), through the config store."""
    try:
        await ctx.tenants.get(tenant)
    except NotFound:
        await ctx.tenants.create(TenantCreate(slug=tenant, name=tenant.title()))
    return await ctx.configs.create(
        ConfigCreate(tenant=tenant, provider="wecom", kind=kind, name=name, config=values)
    )


async def post_config(
    client: TestClient,
    headers: dict[str, str],
    values: dict[str, Any],
    *,
    kind: str = "app",
    name: str = "default",
) -> str:
    """A config of tenant `acme` through the admin API; its id."""
    await client.post("/api/admin/tenants", json={"slug": "acme", "name": "Acme"}, headers=headers)
    response = await client.post(
        "/api/admin/configs",
        headers=headers,
        json={"tenant": "acme", "provider": "wecom", "kind": kind, "name": name, "config": values},
    )
    assert response.status == 201, await response.text()
    return str((await response.json())["id"])
