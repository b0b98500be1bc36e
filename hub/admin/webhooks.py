"""`/api/admin/webhooks`: stored webhooks, replay, statistics, rejections, clearing."""

from aiohttp import web

from hub.context import CTX_KEY
from hub.web.endpoint import endpoint
from hub.webhooks.schemas import (
    ClearOut,
    ClearQuery,
    RejectionPage,
    RejectionQuery,
    ReplayBody,
    ReplayOut,
    StatsOut,
    WebhookDetail,
    WebhookListQuery,
    WebhookPage,
)
from hub.webhooks.store import WebhookStore

TAGS = ["webhooks"]


def _store(request: web.Request) -> WebhookStore:
    return WebhookStore(request.app[CTX_KEY])


@endpoint(
    "List stored webhooks, newest first",
    query=WebhookListQuery,
    response=WebhookPage,
    tags=TAGS,
    description="Pass `next_cursor` as `cursor` for the next page.",
)
async def list_webhooks(request: web.Request, query: WebhookListQuery) -> WebhookPage:
    page = await _store(request).list(
        config=query.config,
        provider=query.provider,
        status=query.status,
        limit=query.limit,
        cursor=query.cursor,
    )
    return WebhookPage(items=page.items, next_cursor=page.next_cursor)


@endpoint(
    "Count webhooks per provider and config",
    response=StatsOut,
    tags=TAGS,
    description="Received (stored), duplicates (redeliveries), rejected (audit rows kept), "
    "and stored webhooks by processing status.",
)
async def webhook_stats(request: web.Request) -> StatsOut:
    return await _store(request).stats()


@endpoint(
    "List rejected webhook attempts, newest first",
    query=RejectionQuery,
    response=RejectionPage,
    tags=TAGS,
    description="At most `HUB_WEBHOOK_REJECTIONS_KEPT` per config are kept; bodies never are.",
)
async def list_rejections(request: web.Request, query: RejectionQuery) -> RejectionPage:
    page = await _store(request).rejections(
        config=query.config, limit=query.limit, cursor=query.cursor
    )
    return RejectionPage(items=page.items, next_cursor=page.next_cursor)


@endpoint(
    "Show a stored webhook",
    response=WebhookDetail,
    tags=TAGS,
    errors=[404],
    description="The raw request (body as UTF-8 text, or base64 when it is not text), the "
    "stored headers (credentials are never stored) and the verified messages.",
)
async def get_webhook(request: web.Request) -> WebhookDetail:
    return WebhookDetail.of(await _store(request).get(request.match_info["webhook_id"]))


@endpoint(
    "Replay a stored webhook",
    body=ReplayBody,
    response=ReplayOut,
    tags=TAGS,
    errors=[404, 409],
    description="Runs the plugin's parsing again and publishes the events not published "
    "before; `force` publishes all of them again as new events. 409 when the plugin cannot "
    "parse the webhook.",
)
async def replay_webhook(request: web.Request, body: ReplayBody) -> ReplayOut:
    return await _store(request).replay(request.match_info["webhook_id"], force=body.force)


@endpoint(
    "Delete stored webhooks",
    query=ClearQuery,
    response=ClearOut,
    tags=TAGS,
    description="Deletes processed and failed webhooks (and rejection audit rows) received "
    "before `before` (default: now); pending ones only with `include_pending=true`.",
)
async def clear_webhooks(request: web.Request, query: ClearQuery) -> ClearOut:
    return await _store(request).clear(
        before=query.before, config=query.config, include_pending=query.include_pending
    )


def add_routes(app: web.Application) -> None:
    base = "/api/admin/webhooks"
    app.router.add_get(base, list_webhooks)
    app.router.add_delete(base, clear_webhooks)
    app.router.add_get(base + "/stats", webhook_stats)
    app.router.add_get(base + "/rejections", list_rejections)
    app.router.add_get(base + "/{webhook_id}", get_webhook)
    app.router.add_post(base + "/{webhook_id}/replay", replay_webhook)
