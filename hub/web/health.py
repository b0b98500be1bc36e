"""`/healthz`, `/readyz`, `/metrics` and `/api/openapi.json`."""

import asyncio
from typing import Any, Literal

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pydantic import BaseModel, Field
from sqlalchemy import func, select

import hub
from hub.context import CTX_KEY, HubContext
from hub.plugins import Health
from hub.tenants.models import ProviderConfig
from hub.web.endpoint import endpoint
from hub.web.openapi import build_openapi

READY_CHECK_TIMEOUT = 5.0


class Alive(BaseModel):
    status: Literal["ok"] = "ok"
    version: str


class Check(BaseModel):
    status: Literal["ok", "degraded", "error"]
    detail: str | None = None


class Readiness(BaseModel):
    status: Literal["ok", "degraded", "error"]
    checks: dict[str, Check]
    plugins: dict[str, Check]
    outbound: dict[str, Check] = Field(
        default_factory=dict, description="Provider configs whose outbound calls keep failing."
    )


def _health(value: Any) -> Check:
    if isinstance(value, Health):
        return Check(status=value.status, detail=value.detail)
    if isinstance(value, dict):
        return Check.model_validate(value)
    if isinstance(value, str) and value in ("ok", "degraded", "error"):
        return Check(status=value)  # type: ignore[arg-type]
    return Check(status="error", detail=f"unreadable health value {type(value).__name__}")


async def readiness(ctx: HubContext) -> Readiness:
    checks: dict[str, Check] = {}
    try:
        await asyncio.wait_for(ctx.db.ping(), READY_CHECK_TIMEOUT)
        checks["database"] = Check(status="ok")
        pending = await asyncio.wait_for(ctx.pending_migrations(), READY_CHECK_TIMEOUT)
        checks["migrations"] = (
            Check(status="ok")
            if not pending
            else Check(status="error", detail=f"not applied: {', '.join(sorted(pending))}")
        )
    except Exception as exc:
        checks.setdefault(
            "database", Check(status="error", detail=f"{type(exc).__name__}: {exc}"[:300])
        )
        checks.setdefault("migrations", Check(status="error", detail="database unreachable"))
    plugins: dict[str, Check] = {}
    for record in ctx.plugins.all():
        if record.status == "failed":
            plugins[record.name] = Check(status="error", detail=record.error)
        elif record.status == "loaded":
            plugins[record.name] = (
                Check(status="degraded", detail=record.last_runtime_error)
                if record.degraded
                else Check(status="ok")
            )
    for plugin, value in await ctx.plugins.acall("hub_health", ctx=ctx):
        reported = _health(value)
        if plugins.get(plugin, Check(status="ok")).status == "ok" or reported.status == "error":
            plugins[plugin] = reported
    outbound = {
        h.config_id: Check(
            status="degraded",
            detail=f"{h.provider}: {h.consecutive_failures} consecutive calls failed; "
            f"last: {h.last_error}"[:300],
        )
        for h in ctx.http.health.degraded()
    }
    status: Literal["ok", "degraded", "error"] = "ok"
    if any(c.status != "ok" for c in checks.values()):
        status = "error"
    elif any(c.status != "ok" for c in plugins.values()) or outbound:
        status = "degraded"
    return Readiness(status=status, checks=checks, plugins=plugins, outbound=outbound)


@endpoint("Liveness: the process answers", response=Alive, tags=["health"])
async def healthz(request: web.Request) -> Alive:
    return Alive(version=hub.__version__)


@endpoint(
    "Readiness: database reachable, migrations at head, plugin health",
    response=Readiness,
    tags=["health"],
    errors=[503],
    description="503 when the database is unreachable or migrations are pending; "
    "plugin problems and provider configs whose outbound calls keep failing (`outbound`) "
    "report `degraded` with 200 so one plugin or provider cannot take the hub out.",
)
async def readyz(request: web.Request) -> web.Response:
    result = await readiness(request.app[CTX_KEY])
    return web.json_response(
        result.model_dump(mode="json"), status=503 if result.status == "error" else 200
    )


async def refresh_gauges(ctx: HubContext) -> None:
    ctx.metrics.plugin_status.clear()
    for record in ctx.plugins.all():
        ctx.metrics.plugin_status.labels(record.name, record.status).set(1)
        if record.degraded:
            ctx.metrics.plugin_status.labels(record.name, "degraded").set(1)
    ctx.metrics.configs.clear()
    async with ctx.db.session() as s:
        rows = await s.execute(
            select(ProviderConfig.provider, ProviderConfig.state, func.count()).group_by(
                ProviderConfig.provider, ProviderConfig.state
            )
        )
        for provider, state, count in rows:
            ctx.metrics.configs.labels(provider, state).set(count)


@endpoint("Prometheus metrics", tags=["health"], content_type=CONTENT_TYPE_LATEST)
async def metrics(request: web.Request) -> web.Response:
    ctx = request.app[CTX_KEY]
    try:
        await asyncio.wait_for(refresh_gauges(ctx), READY_CHECK_TIMEOUT)
    except Exception:  # the process metrics are still worth serving
        ctx.metrics.configs.clear()
    return web.Response(
        body=generate_latest(ctx.metrics.registry), headers={"Content-Type": CONTENT_TYPE_LATEST}
    )


@endpoint("This OpenAPI 3.1 document", tags=["meta"])
async def openapi(request: web.Request) -> dict[str, Any]:
    return build_openapi(request.app, title="Integration Hub", version=hub.__version__)


def add_routes(app: web.Application) -> None:
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    app.router.add_get("/metrics", metrics)
    app.router.add_get("/api/openapi.json", openapi)
