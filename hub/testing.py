"""Pytest fixtures for testing the hub and its plugins.

A plugin's test suite loads them with `pytest_plugins = ["hub.testing"]` in its
root `conftest.py` and overrides `plugins` to register the plugin under test.
Database-touching tests run on SQLite and, when `HUB_TEST_POSTGRES_URL` is set
(always in CI), on PostgreSQL too; the PostgreSQL database is emptied before
each test that uses it.
"""

import asyncio
import json
import os
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from cryptography.fernet import Fernet

from hub.app import create_app
from hub.cli import make_cli
from hub.cli.common import CliState
from hub.context import HubContext, open_context
from hub.logging import configure_logging
from hub.plugins import Plugins
from hub.settings import Settings

POSTGRES_URL = os.environ.get("HUB_TEST_POSTGRES_URL")
ADMIN_TOKEN = "test-admin-token-0123456789abcdef"

Invoke = Callable[..., Result]


async def _reset_postgres(url: str) -> None:
    import asyncpg

    dsn = url.replace("postgresql+asyncpg://", "postgresql://")
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute("DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public;")
    finally:
        await conn.close()


def postgres_url_or_skip() -> str:
    """The test PostgreSQL URL after emptying its database; skips (fails in CI) if unset."""
    if not POSTGRES_URL:
        if os.environ.get("CI"):
            pytest.fail("HUB_TEST_POSTGRES_URL must be set in CI")
        pytest.skip("PostgreSQL not configured (set HUB_TEST_POSTGRES_URL)")
    asyncio.run(_reset_postgres(POSTGRES_URL))
    return POSTGRES_URL


@pytest.fixture(autouse=True, scope="session")
def _logging() -> None:
    """Logs go to stderr as JSON, as in production (structlog's default is stdout)."""
    configure_logging("json", "info")


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path}/hub.db"
    return postgres_url_or_skip()


@pytest.fixture
def secret_key() -> str:
    return Fernet.generate_key().decode()


@pytest.fixture
def settings(tmp_path: Path, database_url: str, secret_key: str) -> Settings:
    return Settings(
        _env_file=None,
        data_dir=tmp_path / "var",
        database_url=database_url,
        admin_token=ADMIN_TOKEN,
        secret_keys=secret_key,
        log_format="json",
        config_poll_seconds=0.1,
    )


@pytest.fixture
def plugins() -> Plugins:
    """No plugins; override to register the plugin under test with `Plugins.register`."""
    return Plugins()


@pytest.fixture
async def ctx(settings: Settings, plugins: Plugins) -> AsyncIterator[HubContext]:
    """A migrated hub context (database, configs, bus, webhooks, outbound HTTP, sync)."""
    context = open_context(settings, plugins)
    await context.migrate()
    yield context
    await context.close()


@pytest.fixture
async def client(aiohttp_client, settings: Settings, plugins: Plugins):  # type: ignore[no-untyped-def]
    """A test client for the whole hub app (admin API, webhooks, plugin routes)."""
    return await aiohttp_client(create_app(settings, plugins=plugins))


@pytest.fixture
def admin_headers() -> dict[str, str]:
    return {"Authorization": f"Bearer {ADMIN_TOKEN}"}


@pytest.fixture
def invoke(settings: Settings, plugins: Plugins) -> Invoke:
    """Run `hub ARGS...` in-process against the test database; `ok=True` asserts exit code 0."""
    cli = make_cli()
    plugins.call("hub_commands", cli=cli)
    state = CliState(settings, plugins)

    def run(*args: str, input: str | None = None, ok: bool = True) -> Result:
        result = CliRunner().invoke(cli, list(args), obj=state, input=input)
        if ok:
            assert result.exit_code == 0, (result.output, result.exception)
        return result

    return run


def as_json(result: Result) -> Any:
    """A command's standard output parsed as JSON."""
    return json.loads(result.stdout)
