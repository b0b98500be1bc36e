"""The application's lifetime: migrations, plugin start/stop, hooks isolated."""

from aiohttp.test_utils import TestClient, TestServer

from hub.app import create_app
from hub.context import CTX_KEY
from hub.plugins import Plugins
from hub.settings import Settings
from tests.helpers.example_plugin import ExamplePlugin


class Exploding:
    from hub import hookimpl

    @hookimpl
    async def hub_startup(self, ctx: object) -> None:
        raise RuntimeError("cannot reach upstream")

    @hookimpl
    def hub_routes(self, app: object) -> None:
        raise RuntimeError("route table exploded")


async def test_startup_and_shutdown_hooks_run_around_the_database(
    settings: Settings, plugins: Plugins, example_plugin: ExamplePlugin
) -> None:
    app = create_app(settings, plugins=plugins)
    async with TestClient(TestServer(app)) as client:
        assert example_plugin.started and not example_plugin.stopped
        assert (await client.get("/readyz")).status == 200
    assert example_plugin.stopped


async def test_a_failing_plugin_is_degraded_and_the_hub_serves(
    settings: Settings, plugins: Plugins
) -> None:
    plugins.register(Exploding(), "exploding")
    app = create_app(settings, plugins=plugins)
    async with TestClient(TestServer(app)) as client:
        assert (await client.get("/api/example/ping")).status == 200
        ready = await (await client.get("/readyz")).json()
        assert ready["status"] == "degraded"
        assert ready["plugins"]["exploding"]["status"] == "degraded"
        record = app[CTX_KEY].plugins.records["exploding"]
        assert record.runtime_errors == 2
        metrics = await (await client.get("/metrics")).text()
        assert 'hub_plugin_hook_errors_total{hook="hub_startup",plugin="exploding"} 1.0' in metrics


async def test_auto_migrate_off_leaves_the_database_alone(
    settings: Settings, plugins: Plugins
) -> None:
    app = create_app(settings.model_copy(update={"auto_migrate": False}), plugins=plugins)
    async with TestClient(TestServer(app)) as client:
        ready = await client.get("/readyz")
        assert ready.status == 503
        assert (await ready.json())["checks"]["migrations"]["status"] == "error"
