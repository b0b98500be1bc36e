from collections.abc import AsyncIterator

import pytest
from aiohttp.test_utils import TestClient

from hub.app import WATCHER_KEY, create_app
from hub.context import CTX_KEY, HubContext, open_context
from hub.plugins import Plugins
from hub.settings import Settings
from hub.tenants.records import ConfigRecord
from hub.tenants.schemas import ConfigUpdate
from hub.tenants.watcher import ConfigWatcher
from tests.helpers.example_plugin import ExamplePlugin
from tests.tenants.conftest import make_config, make_tenant


@pytest.fixture
def quiet_settings(settings: Settings) -> Settings:
    """The app's own polling parked, so the test decides when a poll happens."""
    return settings.model_copy(update={"config_poll_seconds": 3600.0})


@pytest.fixture
async def app_client(aiohttp_client, quiet_settings: Settings, plugins: Plugins) -> TestClient:  # type: ignore[no-untyped-def]
    return await aiohttp_client(create_app(quiet_settings, plugins=plugins))


@pytest.fixture
async def other_process(quiet_settings: Settings) -> AsyncIterator[HubContext]:
    """A second, separate context on the same database, as the CLI would open."""
    plugins = Plugins()
    plugins.register(ExamplePlugin(), "example", "1.0.0")
    other = open_context(quiet_settings, plugins)
    yield other
    await other.close()


def watcher_of(client: TestClient) -> ConfigWatcher:
    return client.app[WATCHER_KEY]


async def test_changes_from_another_process_are_announced(
    app_client: TestClient, other_process: HubContext, example_plugin: ExamplePlugin
) -> None:
    watcher = watcher_of(app_client)
    assert await watcher.poll_once() == 0

    await make_tenant(other_process)
    created = await make_config(other_process)
    assert example_plugin.changes == []
    assert await watcher.poll_once() == 1
    assert example_plugin.changes == [(created.id, "created")]

    await other_process.configs.update(created.id, ConfigUpdate(config={"retries": 7}))
    assert await watcher.poll_once() == 1
    await other_process.configs.set_enabled(created.id, False)
    assert await watcher.poll_once() == 1
    await other_process.configs.set_enabled(created.id, True)
    assert await watcher.poll_once() == 1
    await other_process.configs.delete(created.id)
    assert await watcher.poll_once() == 1
    assert await watcher.poll_once() == 0

    assert example_plugin.changes == [
        (created.id, "created"),
        (created.id, "updated"),
        (created.id, "disabled"),
        (created.id, "enabled"),
        (created.id, "deleted"),
    ]


async def test_announced_record_carries_new_values(
    app_client: TestClient, other_process: HubContext, example_plugin: ExamplePlugin
) -> None:
    watcher = watcher_of(app_client)
    await make_tenant(other_process)
    created = await make_config(other_process)
    await watcher.poll_once()
    await other_process.configs.update(created.id, ConfigUpdate(config={"region": "intl"}))
    await watcher.poll_once()
    record = watcher.known[created.id]
    assert record.version == 2
    assert record.settings["region"] == "intl"
    assert example_plugin.changes[-1] == (created.id, "updated")


async def test_in_process_changes_are_not_announced_twice(
    app_client: TestClient, example_plugin: ExamplePlugin
) -> None:
    ctx = app_client.app[CTX_KEY]
    watcher = watcher_of(app_client)
    await make_tenant(ctx)
    created = await make_config(ctx)
    await ctx.configs.update(created.id, ConfigUpdate(config={"retries": 1}))
    await ctx.configs.set_enabled(created.id, False)
    assert await watcher.poll_once() == 0
    await ctx.configs.delete(created.id)
    assert await watcher.poll_once() == 0
    assert example_plugin.changes == [
        (created.id, "created"),
        (created.id, "updated"),
        (created.id, "disabled"),
        (created.id, "deleted"),
    ]


async def test_poll_racing_an_in_process_change_announces_it_once(
    app_client: TestClient, example_plugin: ExamplePlugin
) -> None:
    """The background poll may run after a change commits but before the store
    tells its listeners; the plugin must still hear about the change once."""
    ctx = app_client.app[CTX_KEY]
    watcher = watcher_of(app_client)

    async def poll_first(record: ConfigRecord, change: str) -> None:
        await watcher.poll_once()

    ctx.configs.listeners.insert(0, poll_first)
    await make_tenant(ctx)
    created = await make_config(ctx)
    await ctx.configs.update(created.id, ConfigUpdate(config={"retries": 1}))
    await ctx.configs.set_enabled(created.id, False)
    await ctx.configs.delete(created.id)
    assert example_plugin.changes == [
        (created.id, "created"),
        (created.id, "updated"),
        (created.id, "disabled"),
        (created.id, "deleted"),
    ]


async def test_prime_knows_existing_configs(ctx: HubContext, example_plugin: ExamplePlugin) -> None:
    await make_tenant(ctx)
    created = [await make_config(ctx, name=f"c{i}") for i in range(3)]
    watcher = ConfigWatcher(ctx)
    await watcher.prime()
    assert set(watcher.known) == {c.id for c in created}
    assert await watcher.poll_once() == 0
    assert example_plugin.changes == []
