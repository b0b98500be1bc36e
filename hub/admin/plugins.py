"""`/api/admin/plugins` and `/api/admin/providers`."""

from typing import Any, Literal

from aiohttp import web
from pydantic import BaseModel

from hub.context import CTX_KEY
from hub.web.endpoint import endpoint


class PluginOut(BaseModel):
    name: str
    version: str | None
    status: Literal["loaded", "failed", "disabled"]
    hooks: list[str]
    error: str | None
    degraded: bool
    runtime_errors: int
    last_runtime_error: str | None


class PluginList(BaseModel):
    items: list[PluginOut]


class ConfigKindOut(BaseModel):
    name: str
    title: str
    secret_fields: list[str]
    config_schema: dict[str, Any]


class ProviderOut(BaseModel):
    name: str
    title: str
    plugin: str
    capabilities: list[str]
    kinds: list[ConfigKindOut]


class ProviderList(BaseModel):
    items: list[ProviderOut]


@endpoint("List plugins with their load status", response=PluginList, tags=["plugins"])
async def list_plugins(request: web.Request) -> PluginList:
    records = request.app[CTX_KEY].plugins.all()
    return PluginList(items=[PluginOut(**r.to_dict()) for r in records])


@endpoint("List providers and the fields of their config kinds", response=ProviderList,
          tags=["plugins"])
async def list_providers(request: web.Request) -> ProviderList:
    registry = request.app[CTX_KEY].providers
    items = [
        ProviderOut(
            name=p.name,
            title=p.title,
            plugin=registry.plugin_of(p.name),
            capabilities=sorted(p.capabilities),
            kinds=[
                ConfigKindOut(
                    name=k.name,
                    title=k.title,
                    secret_fields=k.secret_fields,
                    config_schema=k.model.model_json_schema(),
                )
                for k in p.kinds
            ],
        )
        for p in registry.all()
    ]
    return ProviderList(items=items)


def add_routes(app: web.Application) -> None:
    app.router.add_get("/api/admin/plugins", list_plugins)
    app.router.add_get("/api/admin/providers", list_providers)
