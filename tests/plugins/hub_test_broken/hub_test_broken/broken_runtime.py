"""A plugin that loads and registers fine but raises whenever the hub calls it."""

from typing import Any

from aiohttp import web

from hub import hookimpl


@hookimpl
def hub_routes(app: web.Application) -> None:
    raise RuntimeError("broken_runtime cannot build its routes")


@hookimpl
async def hub_startup(ctx: Any) -> None:
    raise RuntimeError("broken_runtime cannot start")


@hookimpl
def hub_health(ctx: Any) -> dict[str, str]:
    raise RuntimeError("broken_runtime health probe crashed")
