"""Webhook tests: the installed HMAC test plugin next to the in-process example plugin.

`Hook` drives a running app: it creates a tenant and configs through the
stores and sends signed webhooks the way the test provider does.
"""

import asyncio
import time
from collections.abc import Awaitable, Callable
from types import ModuleType
from typing import Any

import pytest
from aiohttp import ClientResponse
from aiohttp.test_utils import TestClient
from sqlalchemy import select, text

from hub.app import create_app
from hub.context import CTX_KEY, HubContext
from hub.plugins import Plugins
from hub.settings import Settings
from hub.tenants.records import ConfigRecord
from hub.tenants.schemas import ConfigCreate, TenantCreate
from hub.webhooks.handler import StoredWebhook
from hub.webhooks.models import WebhookRow
from hub.webhooks.processor import to_stored
from tests.helpers.example_plugin import ExamplePlugin

SECRET = "test-hmac-secret-4d1f"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(
        update={
            "webhook_retry_base_seconds": 0.01,
            "webhook_max_attempts": 3,
            "bus_retry_base_seconds": 0.01,
            "bus_retry_max_seconds": 0.05,
        }
    )


@pytest.fixture
def hmac_plugin(plugin_site: Any) -> ModuleType:
    import hub_test_hmac.plugin

    return hub_test_hmac.plugin


@pytest.fixture
def signing(plugin_site: Any) -> ModuleType:
    import hub_test_hmac.signing

    return hub_test_hmac.signing


@pytest.fixture
def plugins(example_plugin: ExamplePlugin, hmac_plugin: ModuleType) -> Plugins:
    plugins = Plugins()
    plugins.register(example_plugin, "example", "1.0.0")
    plugins.register(hmac_plugin, "test_hmac", "0.1.0")
    return plugins


async def wait_for(check: Callable[[], Awaitable[bool]], within: float = 20.0) -> None:
    """Poll `check` until true; fail after `within` seconds (a bound, not a timing)."""
    deadline = time.monotonic() + within
    while not await check():
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {within} s")
        await asyncio.sleep(0.02)


class Hook:
    def __init__(self, client: TestClient, signing: ModuleType) -> None:
        self.client = client
        self.signing = signing

    @property
    def ctx(self) -> HubContext:
        return self.client.app[CTX_KEY]

    async def config(
        self, name: str = "default", *, provider: str = "test_hmac", **values: Any
    ) -> ConfigRecord:
        if not (await self.ctx.tenants.list()).items:
            await self.ctx.tenants.create(TenantCreate(slug="acme", name="Acme"))
        if provider == "test_hmac":
            values.setdefault("secret", SECRET)
        body = ConfigCreate(tenant="acme", provider=provider, name=name, config=values)
        return await self.ctx.configs.create(body)

    def url(self, config_id: str, provider: str = "test_hmac") -> str:
        return f"/webhooks/{provider}/{config_id}"

    async def send(
        self,
        config_id: str,
        message_id: str = "m-1",
        *,
        secret: str = SECRET,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
        provider: str = "test_hmac",
        **fields: Any,
    ) -> ClientResponse:
        if body is None:
            body = self.signing.message(message_id, **fields)
        signed = {**self.signing.sign(secret, body), "Content-Type": "application/json"}
        return await self.client.post(
            self.url(config_id, provider), data=body, headers={**signed, **(headers or {})}
        )

    async def scalar(self, sql: str, **params: Any) -> Any:
        async with self.ctx.db.session() as s:
            return (await s.execute(text(sql), params)).scalar()

    async def webhooks(self) -> list[StoredWebhook]:
        """Every stored webhook, oldest first."""
        async with self.ctx.db.session() as s:
            rows = (await s.execute(select(WebhookRow).order_by(WebhookRow.id))).scalars()
            return [to_stored(r) for r in rows]

    async def stored(self, config_id: str | None = None) -> int:
        if config_id is None:
            return int(await self.scalar("SELECT count(*) FROM hub_webhooks"))
        sql = "SELECT count(*) FROM hub_webhooks WHERE config_id = :c"
        return int(await self.scalar(sql, c=config_id))

    async def effects(self, message_id: str | None = None) -> int:
        if message_id is None:
            return int(await self.scalar("SELECT count(*) FROM test_hmac_messages"))
        sql = "SELECT count(*) FROM test_hmac_messages WHERE message_id = :m"
        return int(await self.scalar(sql, m=message_id))

    async def until_processed(self, count: int, within: float = 20.0) -> None:
        """Wait until `count` subscriber rows exist and no webhook is pending."""

        async def done() -> bool:
            pending = await self.scalar(
                "SELECT count(*) FROM hub_webhooks WHERE status = 'pending'"
            )
            return pending == 0 and await self.effects() >= count

        await wait_for(done, within)

    def received(self, outcome: str, provider: str = "test_hmac") -> float:
        value = self.ctx.metrics.registry.get_sample_value(
            "hub_webhooks_received_total", {"provider": provider, "outcome": outcome}
        )
        return value or 0.0


@pytest.fixture
def hook(client: TestClient, signing: ModuleType) -> Hook:
    return Hook(client, signing)


MakeHook = Callable[..., Awaitable[Hook]]


@pytest.fixture
def make_hook(
    aiohttp_client: Any, settings: Settings, plugins: Plugins, signing: ModuleType
) -> MakeHook:
    """A running app with some settings changed (use instead of `hook`)."""

    async def make(**changes: Any) -> Hook:
        app = create_app(settings.model_copy(update=changes), plugins=plugins)
        return Hook(await aiohttp_client(app), signing)

    return make
