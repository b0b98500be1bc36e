"""Shared fixtures. Database-touching tests run on SQLite and, when
HUB_TEST_POSTGRES_URL is set (always in CI), on PostgreSQL too."""

import asyncio
import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from hub.app import create_app
from hub.context import HubContext, open_context
from hub.logging import configure_logging
from hub.plugins import Plugins
from hub.settings import Settings
from tests.helpers.example_plugin import ExamplePlugin

POSTGRES_URL = os.environ.get("HUB_TEST_POSTGRES_URL")
ADMIN_TOKEN = "test-admin-token-0123456789abcdef"

pytest_plugins = ["tests.conftest_plugins"]


async def _reset_postgres(url: str) -> None:
    import asyncpg

    dsn = url.replace("postgresql+asyncpg://", "postgresql://")
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute("DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public;")
    finally:
        await conn.close()


def postgres_url_or_skip() -> str:
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
def example_plugin() -> ExamplePlugin:
    return ExamplePlugin()


@pytest.fixture
def plugins(example_plugin: ExamplePlugin) -> Plugins:
    plugins = Plugins()
    plugins.register(example_plugin, "example", "1.0.0")
    return plugins


@pytest.fixture
async def ctx(settings: Settings, plugins: Plugins) -> AsyncIterator[HubContext]:
    context = open_context(settings, plugins)
    await context.migrate()
    yield context
    await context.close()


@pytest.fixture
async def client(aiohttp_client, settings: Settings, plugins: Plugins):  # type: ignore[no-untyped-def]
    return await aiohttp_client(create_app(settings, plugins=plugins))


@pytest.fixture
def admin_headers() -> dict[str, str]:
    return {"Authorization": f"Bearer {ADMIN_TOKEN}"}
