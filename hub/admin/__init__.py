"""The admin REST API under `/api/admin`, behind the admin bearer token."""

from aiohttp import web

from hub.admin import calls, configs, events, plugins, sync, tenants, webhooks


def add_routes(app: web.Application) -> None:
    tenants.add_routes(app)
    configs.add_routes(app)
    plugins.add_routes(app)
    events.add_routes(app)
    calls.add_routes(app)
    sync.add_routes(app)
    webhooks.add_routes(app)
