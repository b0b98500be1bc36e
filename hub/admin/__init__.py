"""The admin REST API under `/api/admin`, behind the admin bearer token."""

from aiohttp import web

from hub.admin import configs, plugins, tenants


def add_routes(app: web.Application) -> None:
    tenants.add_routes(app)
    configs.add_routes(app)
    plugins.add_routes(app)
