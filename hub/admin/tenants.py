"""`/api/admin/tenants`."""

from aiohttp import web

from hub.context import CTX_KEY
from hub.tenants.schemas import (
    DeleteQuery,
    ListQuery,
    TenantCreate,
    TenantOut,
    TenantPage,
    TenantUpdate,
)
from hub.web.endpoint import endpoint

TAGS = ["tenants"]


@endpoint("Create a tenant", body=TenantCreate, response=TenantOut, status=201, tags=TAGS,
          errors=[409])
async def create_tenant(request: web.Request, body: TenantCreate) -> TenantOut:
    return (await request.app[CTX_KEY].tenants.create(body)).out()


@endpoint("List tenants", query=ListQuery, response=TenantPage, tags=TAGS)
async def list_tenants(request: web.Request, query: ListQuery) -> TenantPage:
    page = await request.app[CTX_KEY].tenants.list(limit=query.limit, cursor=query.cursor)
    return TenantPage(items=[t.out() for t in page.items], next_cursor=page.next_cursor)


@endpoint("Show a tenant (by id or slug)", response=TenantOut, tags=TAGS, errors=[404])
async def get_tenant(request: web.Request) -> TenantOut:
    return (await request.app[CTX_KEY].tenants.get(request.match_info["tenant"])).out()


@endpoint("Change a tenant's slug or name", body=TenantUpdate, response=TenantOut, tags=TAGS,
          errors=[404, 409])
async def update_tenant(request: web.Request, body: TenantUpdate) -> TenantOut:
    ctx = request.app[CTX_KEY]
    return (await ctx.tenants.update(request.match_info["tenant"], body)).out()


@endpoint(
    "Delete a tenant",
    query=DeleteQuery,
    status=204,
    tags=TAGS,
    errors=[404, 409],
    description="Refused with 409 while the tenant has configs, unless `cascade=true`.",
)
async def delete_tenant(request: web.Request, query: DeleteQuery) -> None:
    ctx = request.app[CTX_KEY]
    ref = request.match_info["tenant"]
    await ctx.tenants.get(ref)
    if query.cascade:
        await ctx.configs.delete_for_tenant(ref)
    await ctx.tenants.delete(ref)


def add_routes(app: web.Application) -> None:
    app.router.add_post("/api/admin/tenants", create_tenant)
    app.router.add_get("/api/admin/tenants", list_tenants)
    app.router.add_get("/api/admin/tenants/{tenant}", get_tenant)
    app.router.add_patch("/api/admin/tenants/{tenant}", update_tenant)
    app.router.add_delete("/api/admin/tenants/{tenant}", delete_tenant)
