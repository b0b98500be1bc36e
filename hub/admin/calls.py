"""`/api/admin/calls`: the outbound API call log and per-config outbound health."""

from aiohttp import web

from hub.context import CTX_KEY
from hub.http.schemas import CallHealth, CallListQuery, CallPage
from hub.web.endpoint import endpoint

TAGS = ["calls"]


@endpoint(
    "List outbound API calls",
    query=CallListQuery,
    response=CallPage,
    tags=TAGS,
    description="Newest first, one row per attempt (attempts of one call share `call_id`). "
    "Tokens, keys and signatures in URLs read '***'. Rows older than "
    "HUB_CALL_LOG_RETENTION_DAYS are pruned.",
)
async def list_calls(request: web.Request, query: CallListQuery) -> CallPage:
    page = await request.app[CTX_KEY].http.calls.list(
        config_id=query.config,
        provider=query.provider,
        ok=query.ok,
        limit=query.limit,
        cursor=query.cursor,
    )
    return CallPage(items=[c.out() for c in page.items], next_cursor=page.next_cursor)


@endpoint(
    "Outbound health per config",
    response=CallHealth,
    tags=TAGS,
    description="A config is degraded after `degrade_after` consecutive failed calls "
    "(unreachable, timeouts, 5xx, rate limits that never cleared, refused credentials) and "
    "healthy again after one success. Degraded configs come first.",
)
async def calls_health(request: web.Request) -> CallHealth:
    return await request.app[CTX_KEY].http.health_report()


def add_routes(app: web.Application) -> None:
    app.router.add_get("/api/admin/calls", list_calls)
    app.router.add_get("/api/admin/calls/health", calls_health)
