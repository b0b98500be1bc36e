"""Every kind of contribution a plugin can make, each as small as possible."""

from pathlib import Path
from typing import Any

import click
from aiohttp import web
from pydantic import BaseModel, SecretStr

from hub import hookimpl
from hub.providers import Provider
from hub.web import endpoint

MIGRATIONS = Path(__file__).parent / "migrations"


class TestExampleConfig(BaseModel):
    base_url: str = "https://test-example.invalid"
    token: SecretStr


class Hello(BaseModel):
    message: str
    plugin: str = "test_example"


@endpoint("Say hello from the test example plugin", response=Hello, tags=["test-example"])
async def hello(request: web.Request) -> Hello:
    return Hello(message="hello from test_example")


@click.group("test-example")
def test_example_cli() -> None:
    """Commands of the test example plugin."""


@test_example_cli.command("hello")
def hello_command() -> None:
    """Print a greeting."""
    click.echo("hello from test_example")


@hookimpl
def hub_providers() -> Provider:
    return Provider.single("test_example", "Test example service", TestExampleConfig)


@hookimpl
def hub_routes(app: web.Application) -> None:
    app.router.add_get("/api/test-example/hello", hello)


@hookimpl
def hub_commands(cli: click.Group) -> None:
    cli.add_command(test_example_cli)


@hookimpl
def hub_migrations() -> str:
    return str(MIGRATIONS)


@hookimpl
def hub_health(ctx: Any) -> dict[str, str]:
    return {"status": "ok"}
