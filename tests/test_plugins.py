"""hub.plugins against real, pip-installed plugin distributions (tests/plugins).

`hub-test-example` is a well-behaved plugin; `hub-test-broken` ships four entry
points that fail to import, fail pluggy's signature check, implement a hook the
hub does not have, and raise at run time.
"""

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import click
import pytest
import sqlalchemy as sa
from aiohttp import web
from click.testing import CliRunner
from prometheus_client import CollectorRegistry

from hub import hookimpl
from hub.app import create_app
from hub.context import CTX_KEY, collect_migrations, collect_providers, load_plugins, open_context
from hub.db import migrate
from hub.plugins import Plugins
from hub.settings import Settings

BROKEN_AT_LOAD = ("broken_import", "broken_spec", "broken_unknown_hook")
TEST_EXAMPLE_HOOKS = ["hub_commands", "hub_health", "hub_migrations", "hub_providers", "hub_routes"]


@pytest.fixture
def hook_errors() -> list[tuple[str, str]]:
    return []


@pytest.fixture
def entry_point_plugins(plugin_site: Path, hook_errors: list[tuple[str, str]]) -> Plugins:
    plugins = Plugins(on_hook_error=lambda plugin, hook: hook_errors.append((plugin, hook)))
    plugins.load_entry_points()
    return plugins


def hook_error_count(registry: CollectorRegistry, plugin: str, hook: str) -> float:
    value = registry.get_sample_value(
        "hub_plugin_hook_errors_total", {"plugin": plugin, "hook": hook}
    )
    return 0.0 if value is None else value


# Loading


def test_installed_plugin_is_loaded_with_its_version_and_hooks(
    entry_point_plugins: Plugins,
) -> None:
    record = entry_point_plugins.records["test_example"]
    assert record.status == "loaded"
    assert record.version == "0.3.1"
    assert record.hooks == TEST_EXAMPLE_HOOKS
    assert record.error is None
    assert not record.degraded
    assert entry_point_plugins.pm.get_plugin("test_example") is not None


def test_plugin_that_cannot_be_imported_is_failed(entry_point_plugins: Plugins) -> None:
    record = entry_point_plugins.records["broken_import"]
    assert record.status == "failed"
    assert record.version == "0.2.0"
    assert record.hooks == []
    assert record.error == (
        "import failed: ImportError: hub_test_broken needs the 'frobnicator-sdk' package, "
        "which is not installed"
    )


def test_plugin_with_mismatched_hook_arguments_is_failed(entry_point_plugins: Plugins) -> None:
    record = entry_point_plugins.records["broken_spec"]
    assert record.status == "failed"
    assert record.hooks == []
    assert record.error is not None
    assert record.error.startswith("registration failed: PluginValidationError: ")
    # The error names the hook and the argument that does not match its spec.
    assert "'hub_routes'" in record.error
    assert "self_app_typo" in record.error


def test_plugin_with_unknown_hook_is_failed(entry_point_plugins: Plugins) -> None:
    record = entry_point_plugins.records["broken_unknown_hook"]
    assert record.status == "failed"
    assert record.hooks == []
    assert record.error == "unknown hook(s): hub_not_a_hook"


def test_failed_plugins_leave_no_hook_behind(entry_point_plugins: Plugins) -> None:
    # broken_spec and broken_unknown_hook both have a valid hub_health besides
    # the bad hook; a plugin that failed to register must not be half-registered.
    for name in BROKEN_AT_LOAD:
        assert entry_point_plugins.pm.get_plugin(name) is None, name
    answered = {plugin for plugin, _ in entry_point_plugins.call("hub_health", ctx=None)}
    assert "test_example" in answered
    assert answered.isdisjoint(BROKEN_AT_LOAD)


def test_registering_a_taken_name_leaves_the_registered_plugin_alone(
    entry_point_plugins: Plugins,
) -> None:
    class Impostor:
        @hookimpl
        def hub_health(self, ctx: Any) -> dict[str, str]:
            return {"status": "error", "detail": "impostor"}

    impostor = Impostor()
    record = entry_point_plugins.register(impostor, "test_example", "9.9.9")
    assert record.status == "failed"
    assert record.error is not None
    assert record.error.startswith(
        "registration failed: ValueError: Plugin name already registered"
    )
    assert entry_point_plugins.records["test_example"].status == "loaded"
    assert entry_point_plugins.records["test_example"].version == "0.3.1"
    assert entry_point_plugins.pm.get_plugin("test_example") is not impostor
    answers = dict(entry_point_plugins.call("hub_health", ctx=None))
    assert answers["test_example"] == {"status": "ok"}


def test_runtime_broken_plugin_loads(entry_point_plugins: Plugins) -> None:
    record = entry_point_plugins.records["broken_runtime"]
    assert record.status == "loaded"
    assert record.hooks == ["hub_health", "hub_routes", "hub_startup"]


def test_records_are_listed_by_name_as_plain_dicts(entry_point_plugins: Plugins) -> None:
    names = [r.name for r in entry_point_plugins.all()]
    assert names == sorted(names)
    ours = {d["name"]: d for d in (r.to_dict() for r in entry_point_plugins.all())}
    assert ours["test_example"]["status"] == "loaded"
    assert {ours[name]["status"] for name in BROKEN_AT_LOAD} == {"failed"}
    json.dumps(list(ours.values()))


def test_disabled_plugin_is_recorded_but_not_registered(plugin_site: Path) -> None:
    plugins = Plugins(disabled=["test_example"])
    plugins.load_entry_points()
    record = plugins.records["test_example"]
    assert record.status == "disabled"
    assert record.version == "0.3.1"
    assert record.hooks == []
    assert plugins.pm.get_plugin("test_example") is None
    assert "test_example" not in collect_providers(plugins).names()
    assert "test_example" not in [b.name for b in collect_migrations(plugins)]


def test_disable_plugins_setting_from_environment(
    plugin_site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HUB_DISABLE_PLUGINS", "test_example, broken_import")
    plugins = load_plugins(Settings(_env_file=None))
    assert plugins.records["test_example"].status == "disabled"
    assert plugins.records["broken_import"].status == "disabled"
    assert plugins.records["broken_import"].error is None
    assert plugins.records["broken_spec"].status == "failed"


# Contributions of the well-behaved plugin


def test_installed_plugin_provides_its_provider(entry_point_plugins: Plugins) -> None:
    registry = collect_providers(entry_point_plugins)
    provider = registry.get("test_example")
    assert registry.plugin_of("test_example") == "test_example"
    assert provider.kind(None).secret_fields == ["token"]


def test_installed_plugin_adds_its_commands(entry_point_plugins: Plugins) -> None:
    @click.group()
    def cli() -> None:
        pass

    entry_point_plugins.call("hub_commands", cli=cli)
    result = CliRunner().invoke(cli, ["test-example", "hello"])
    assert result.exit_code == 0, result.output
    assert result.output == "hello from test_example\n"


def test_installed_plugin_migrations_point_into_the_install(
    entry_point_plugins: Plugins, installed_test_plugins: Path
) -> None:
    branches = {b.name: b for b in collect_migrations(entry_point_plugins)}
    expected = installed_test_plugins / "hub_test_example" / "migrations"
    assert branches["test_example"].locations == (str(expected),)
    assert branches["test_example"].version_table == "alembic_version_test_example"
    assert (expected / "0001_test_example_items.py").is_file()


# Run-time isolation


def test_sync_hook_error_is_isolated_counted_and_degrades(
    entry_point_plugins: Plugins, hook_errors: list[tuple[str, str]]
) -> None:
    app = web.Application()
    entry_point_plugins.call("hub_routes", app=app, ctx=None)
    paths = {r.resource.canonical for r in app.router.routes() if r.resource is not None}
    assert "/api/test-example/hello" in paths
    assert hook_errors == [("broken_runtime", "hub_routes")]
    record = entry_point_plugins.records["broken_runtime"]
    assert record.degraded
    assert record.runtime_errors == 1
    assert record.last_runtime_error == (
        "hub_routes: RuntimeError: broken_runtime cannot build its routes"
    )
    assert not entry_point_plugins.records["test_example"].degraded


async def test_async_hook_errors_are_isolated_and_others_still_answer(
    entry_point_plugins: Plugins, hook_errors: list[tuple[str, str]]
) -> None:
    results = dict(await entry_point_plugins.acall("hub_health", ctx=None))
    assert results["test_example"] == {"status": "ok"}
    assert "broken_runtime" not in results
    assert await entry_point_plugins.acall("hub_startup", ctx=None) == []
    assert hook_errors == [("broken_runtime", "hub_health"), ("broken_runtime", "hub_startup")]
    record = entry_point_plugins.records["broken_runtime"]
    assert record.runtime_errors == 2
    assert record.last_runtime_error == "hub_startup: RuntimeError: broken_runtime cannot start"


# The whole hub with the installed plugins


async def test_app_serves_core_and_plugin_routes_despite_broken_plugins(
    aiohttp_client,  # type: ignore[no-untyped-def]
    settings: Settings,
    entry_point_plugins: Plugins,
) -> None:
    client = await aiohttp_client(create_app(settings, plugins=entry_point_plugins))
    registry = client.app[CTX_KEY].metrics.registry

    resp = await client.get("/healthz")
    assert resp.status == 200
    assert (await resp.json())["status"] == "ok"

    resp = await client.get("/api/test-example/hello")
    assert resp.status == 200
    assert await resp.json() == {"message": "hello from test_example", "plugin": "test_example"}

    assert hook_error_count(registry, "broken_runtime", "hub_routes") == 1
    assert hook_error_count(registry, "broken_runtime", "hub_startup") == 1
    assert hook_error_count(registry, "test_example", "hub_routes") == 0

    resp = await client.get("/readyz")
    body = await resp.json()
    assert resp.status == 200, body
    assert body["status"] == "degraded"
    assert body["checks"]["migrations"]["status"] == "ok"
    assert body["plugins"]["test_example"] == {"status": "ok", "detail": None}
    assert body["plugins"]["broken_runtime"]["status"] == "degraded"
    for name in BROKEN_AT_LOAD:
        assert body["plugins"][name]["status"] == "error", name
    assert hook_error_count(registry, "broken_runtime", "hub_health") == 1

    resp = await client.get("/metrics")
    text = await resp.text()
    assert (
        'hub_plugin_hook_errors_total{hook="hub_routes",plugin="broken_runtime"} 1.0' in text
        or 'hub_plugin_hook_errors_total{plugin="broken_runtime",hook="hub_routes"} 1.0' in text
    )
    assert 'hub_plugin_status{plugin="broken_runtime",status="degraded"} 1.0' in text
    assert 'hub_plugin_status{plugin="broken_spec",status="failed"} 1.0' in text

    resp = await client.get("/api/openapi.json")
    assert resp.status == 200
    assert "/api/test-example/hello" in (await resp.json())["paths"]


async def test_disabled_plugin_serves_no_routes(
    aiohttp_client,  # type: ignore[no-untyped-def]
    settings: Settings,
    plugin_site: Path,
) -> None:
    plugins = Plugins(disabled=["test_example"])
    plugins.load_entry_points()
    client = await aiohttp_client(create_app(settings, plugins=plugins))
    assert (await client.get("/healthz")).status == 200
    assert (await client.get("/api/test-example/hello")).status == 404


async def test_plugin_migration_branch_is_applied(
    settings: Settings, entry_point_plugins: Plugins
) -> None:
    ctx = open_context(settings, entry_point_plugins)
    try:
        await ctx.migrate()
        async with ctx.db.engine.connect() as conn:
            tables = await conn.run_sync(lambda c: sa.inspect(c).get_table_names())
            columns = await conn.run_sync(
                lambda c: [col["name"] for col in sa.inspect(c).get_columns("test_example_items")]
            )
        assert "test_example_items" in tables
        assert "alembic_version_test_example" in tables
        assert "hub_tenants" in tables
        assert columns == ["id", "tenant_id", "title", "created_at"]
        applied = await migrate.current_by_branch(ctx.db, ctx.migration_branches)
        assert applied["test_example"] == {"test_example_0001"}
        assert await ctx.pending_migrations() == set()
    finally:
        await ctx.close()


# The `hub` command in a separate process, as an operator runs it


def run_hub(args: list[str], site: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    hub = Path(sys.executable).parent / "hub"
    env = {k: v for k, v in os.environ.items() if not k.startswith("HUB_")}
    env["PYTHONPATH"] = str(site)
    env["HUB_DATA_DIR"] = str(cwd / "var")
    return subprocess.run(
        [str(hub), *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        timeout=120,
        check=False,
    )


def test_hub_plugins_json_lists_installed_plugins(
    installed_test_plugins: Path, tmp_path: Path
) -> None:
    result = run_hub(["plugins", "--json"], installed_test_plugins, tmp_path)
    assert result.returncode == 0, result.stderr
    listed = json.loads(result.stdout)
    assert isinstance(listed, list)
    by_name = {item["name"]: item for item in listed}
    for item in listed:
        assert {"name", "version", "status", "hooks", "error"} <= item.keys()
        assert item["status"] in ("loaded", "failed", "disabled")
    example = by_name["test_example"]
    assert example["status"] == "loaded"
    assert example["version"] == "0.3.1"
    assert example["hooks"] == TEST_EXAMPLE_HOOKS
    assert example["error"] is None
    for name in BROKEN_AT_LOAD:
        assert by_name[name]["status"] == "failed", name
        assert by_name[name]["error"], name
    assert by_name["broken_runtime"]["status"] == "loaded"


def test_hub_runs_an_installed_plugins_command(
    installed_test_plugins: Path, tmp_path: Path
) -> None:
    result = run_hub(["test-example", "hello"], installed_test_plugins, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "hello from test_example\n"
