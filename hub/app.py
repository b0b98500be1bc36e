"""The aiohttp application factory."""

import asyncio
import contextlib
from collections.abc import AsyncIterator

import structlog
from aiohttp import web
from sqlalchemy.exc import SQLAlchemyError

from hub import admin
from hub.context import CTX_KEY, HubContext, open_context
from hub.plugins import Plugins
from hub.settings import Settings
from hub.tenants.watcher import ConfigWatcher
from hub.web import health
from hub.web.middleware import admin_auth, json_errors, request_context
from hub.webhooks import service as webhooks

WATCHER_KEY = web.AppKey("hub_config_watcher", ConfigWatcher)

log = structlog.get_logger("hub.app")


async def _database(app: web.Application) -> AsyncIterator[None]:
    ctx = app[CTX_KEY]
    if ctx.settings.auto_migrate:
        await ctx.migrate()
    elif pending := await ctx.pending_migrations():
        log.error("database not migrated; run `hub db upgrade`", pending=sorted(pending))
    watcher = app[WATCHER_KEY]
    try:
        await watcher.prime()
    except SQLAlchemyError as exc:
        log.warning("configs not readable yet", error=f"{type(exc).__name__}")
    ctx.configs.listeners.append(watcher.announce)
    yield
    ctx.configs.listeners.remove(watcher.announce)
    await ctx.close()


async def _outbound(app: web.Application) -> AsyncIterator[None]:
    """The shared HTTP client session and call-log pruning; closed before the database."""
    ctx = app[CTX_KEY]
    await ctx.http.start()
    yield
    await ctx.http.close()


async def _plugin_lifecycle(app: web.Application) -> AsyncIterator[None]:
    ctx = app[CTX_KEY]
    await ctx.plugins.acall("hub_startup", ctx=ctx)
    yield
    await ctx.plugins.acall("hub_shutdown", ctx=ctx)


async def _bus_dispatcher(app: web.Application) -> AsyncIterator[None]:
    """Deliver stored events while the server runs; started after plugins, stopped before."""
    bus = app[CTX_KEY].bus
    bus.start()
    yield
    await bus.stop()


async def _sync_scheduler(app: web.Application) -> AsyncIterator[None]:
    """Run due sync jobs every HUB_SYNC_TICK_SECONDS; stop them before plugins shut down."""
    ctx = app[CTX_KEY]
    task = asyncio.create_task(ctx.sync.scheduler.run_forever(ctx.settings.sync_tick_seconds))
    yield
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    await ctx.sync.close()


async def _config_polling(app: web.Application) -> AsyncIterator[None]:
    ctx = app[CTX_KEY]
    task = asyncio.create_task(app[WATCHER_KEY].run(ctx.settings.config_poll_seconds))
    yield
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


def create_app(
    settings: Settings | None = None,
    *,
    plugins: Plugins | None = None,
    ctx: HubContext | None = None,
) -> web.Application:
    """Build the hub: core routes, then plugin routes; resources live in cleanup contexts."""
    settings = settings or Settings()
    ctx = ctx or open_context(settings, plugins)
    app = web.Application(
        middlewares=[request_context, json_errors, admin_auth],
        client_max_size=settings.max_body_bytes,
    )
    app[CTX_KEY] = ctx
    app[WATCHER_KEY] = ConfigWatcher(ctx)
    health.add_routes(app)
    admin.add_routes(app)
    ctx.plugins.call("hub_routes", app=app, ctx=ctx)
    app.cleanup_ctx.append(_database)
    app.cleanup_ctx.append(_outbound)
    app.cleanup_ctx.append(_plugin_lifecycle)
    app.cleanup_ctx.append(_bus_dispatcher)
    app.cleanup_ctx.append(_config_polling)
    app.cleanup_ctx.append(_sync_scheduler)
    webhooks.setup(app)
    return app
