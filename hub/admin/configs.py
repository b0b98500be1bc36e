"""`/api/admin/configs`."""

from aiohttp import web

from hub.context import CTX_KEY
from hub.tenants.schemas import (
    ConfigCreate,
    ConfigListQuery,
    ConfigOut,
    ConfigPage,
    ConfigUpdate,
    TestOutcome,
)
from hub.web.endpoint import endpoint

TAGS = ["configs"]


@endpoint(
    "Create a provider config",
    body=ConfigCreate,
    response=ConfigOut,
    status=201,
    tags=TAGS,
    errors=[404, 409],
    description="`config` is validated against the provider's model; secrets are encrypted "
    "and read back as `***`. Unknown provider or tenant: 404; duplicate name: 409.",
)
async def create_config(request: web.Request, body: ConfigCreate) -> ConfigOut:
    return (await request.app[CTX_KEY].configs.create(body)).out()


@endpoint("List provider configs", query=ConfigListQuery, response=ConfigPage, tags=TAGS,
          errors=[404])
async def list_configs(request: web.Request, query: ConfigListQuery) -> ConfigPage:
    page = await request.app[CTX_KEY].configs.list(
        tenant=query.tenant, provider=query.provider, limit=query.limit, cursor=query.cursor
    )
    return ConfigPage(items=[c.out() for c in page.items], next_cursor=page.next_cursor)


@endpoint("Show a provider config", response=ConfigOut, tags=TAGS, errors=[404])
async def get_config(request: web.Request) -> ConfigOut:
    return (await request.app[CTX_KEY].configs.get(request.match_info["config_id"])).out()


@endpoint(
    "Change a provider config",
    body=ConfigUpdate,
    response=ConfigOut,
    tags=TAGS,
    errors=[404, 409],
    description="`config` fields are merged into the stored ones; omitted secrets are kept.",
)
async def update_config(request: web.Request, body: ConfigUpdate) -> ConfigOut:
    ctx = request.app[CTX_KEY]
    return (await ctx.configs.update(request.match_info["config_id"], body)).out()


@endpoint("Delete a provider config", status=204, tags=TAGS, errors=[404])
async def delete_config(request: web.Request) -> None:
    await request.app[CTX_KEY].configs.delete(request.match_info["config_id"])


@endpoint("Enable a provider config", response=ConfigOut, tags=TAGS, errors=[404])
async def enable_config(request: web.Request) -> ConfigOut:
    ctx = request.app[CTX_KEY]
    return (await ctx.configs.set_enabled(request.match_info["config_id"], True)).out()


@endpoint("Disable a provider config", response=ConfigOut, tags=TAGS, errors=[404])
async def disable_config(request: web.Request) -> ConfigOut:
    ctx = request.app[CTX_KEY]
    return (await ctx.configs.set_enabled(request.match_info["config_id"], False)).out()


@endpoint(
    "Test a provider config's connection",
    response=TestOutcome,
    tags=TAGS,
    errors=[404, 409],
    description="Runs the provider's own check; a failed check is a 200 with `ok: false` and "
    "the provider's message. A disabled config answers 409.",
)
async def test_config(request: web.Request) -> TestOutcome:
    return await request.app[CTX_KEY].configs.test(request.match_info["config_id"])


def add_routes(app: web.Application) -> None:
    base = "/api/admin/configs"
    app.router.add_post(base, create_config)
    app.router.add_get(base, list_configs)
    app.router.add_get(base + "/{config_id}", get_config)
    app.router.add_patch(base + "/{config_id}", update_config)
    app.router.add_delete(base + "/{config_id}", delete_config)
    app.router.add_post(base + "/{config_id}/enable", enable_config)
    app.router.add_post(base + "/{config_id}/disable", disable_config)
    app.router.add_post(base + "/{config_id}/test", test_config)
