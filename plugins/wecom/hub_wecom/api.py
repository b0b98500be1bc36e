"""`/api/wecom/...`: send and follow messages, and the state of every WeCom config.

Every route requires the admin bearer token (they are not under
`/api/admin/`, so each handler checks it) and answers errors as the hub's
JSON `{code, message}`. The callbacks themselves arrive at the core's
`/webhooks/wecom/<config id>`, not here.
"""

import functools
from collections.abc import Awaitable, Callable

from aiohttp import web
from hub.context import CTX_KEY
from hub.web.endpoint import endpoint
from hub.web.middleware import require_admin

from hub_wecom.messages.schemas import (
    BatchOut,
    CardUpdate,
    CardUpdateOut,
    HistoryOut,
    MessageDetail,
    MessageListQuery,
    MessagePage,
    SendRequest,
    StatusOut,
)
from hub_wecom.messages.service import MessageService
from hub_wecom.messages.store import MessageStore
from hub_wecom.overview import StatusOverview, overview

TAGS = ["wecom"]
SENDING_ERRORS = [401, 404, 409, 422, 502, 503, 504]
SEND_NOTE = (
    "The message is checked first (types the channel supports, WeCom's byte limits, media "
    "size and format): a request that cannot work gets 422 and nothing is stored. Otherwise "
    "it is stored as `queued`, then `sent` or `failed`. When WeCom refuses it, the answer is "
    "the error with `details.message_id`, and the failed message stays visible."
)


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def admin_only(handler: Handler) -> Handler:
    """Check the admin token before `@endpoint` reads the body: no token, no validation hints.

    `functools.wraps` keeps the endpoint's declaration, so the route stays in
    the OpenAPI document with its models.
    """

    @functools.wraps(handler)
    async def checked(request: web.Request) -> web.StreamResponse:
        require_admin(request)
        return await handler(request)

    return checked


def _store(request: web.Request) -> MessageStore:
    return MessageStore(request.app[CTX_KEY])


def _service(request: web.Request) -> MessageService:
    return MessageService(request.app[CTX_KEY])


@admin_only
@endpoint(
    "Send a WeCom message through a robot or an application",
    body=SendRequest,
    response=MessageDetail,
    status=201,
    tags=TAGS,
    errors=SENDING_ERRORS,
    description=SEND_NOTE,
)
async def send_message(request: web.Request, body: SendRequest) -> MessageDetail:
    return await _service(request).send(body)


@admin_only
@endpoint(
    "Send an application message to any number of recipients",
    body=SendRequest,
    response=BatchOut,
    status=201,
    tags=TAGS,
    errors=SENDING_ERRORS,
    description="Split into calls of at most 1000 users, 100 parties and 100 tags, one "
    "message each; a call that fails does not stop the others. Every recipient's outcome "
    "is in `recipients`. " + SEND_NOTE,
)
async def send_batch(request: web.Request, body: SendRequest) -> BatchOut:
    return await _service(request).send_batch(body)


@admin_only
@endpoint(
    "List WeCom messages the hub sent",
    query=MessageListQuery,
    response=MessagePage,
    tags=TAGS,
    errors=[401, 422],
    description="Newest first; page with `next_cursor`.",
)
async def list_messages(request: web.Request, query: MessageListQuery) -> MessagePage:
    page = await _store(request).list(
        config=query.config,
        channel=query.channel,
        status=query.status,
        msg_type=query.type,
        since=query.since,
        limit=query.limit,
        cursor=query.cursor,
    )
    return MessagePage(items=page.items, next_cursor=page.next_cursor)


@admin_only
@endpoint(
    "A WeCom message with its per-recipient results and history",
    response=MessageDetail,
    tags=TAGS,
    errors=[401, 404],
)
async def get_message(request: web.Request) -> MessageDetail:
    return await _store(request).detail(request.match_info["message_id"])


@admin_only
@endpoint(
    "The status of a WeCom message",
    response=StatusOut,
    tags=TAGS,
    errors=[401, 404],
    description="queued, sent, failed, recalled or interacted. WeCom reports no delivery "
    "and no reading, so there is no delivered or read status.",
)
async def message_status(request: web.Request) -> StatusOut:
    return await _store(request).status(request.match_info["message_id"])


@admin_only
@endpoint(
    "Every status change of a WeCom message, oldest first",
    response=HistoryOut,
    tags=TAGS,
    errors=[401, 404],
)
async def message_history(request: web.Request) -> HistoryOut:
    message_id = request.match_info["message_id"]
    return HistoryOut(message_id=message_id, items=await _store(request).history(message_id))


@admin_only
@endpoint(
    "Recall an application message (within 24 hours)",
    response=MessageDetail,
    tags=TAGS,
    errors=[401, 404, 409, 502, 503, 504],
    description="Robot messages cannot be recalled: WeCom gives them no message id.",
)
async def recall_message(request: web.Request) -> MessageDetail:
    return await _service(request).recall(request.match_info["message_id"])


@admin_only
@endpoint(
    "Update a sent template card (once per interaction)",
    body=CardUpdate,
    response=CardUpdateOut,
    tags=TAGS,
    errors=[401, 404, 409, 422, 502, 503, 504],
    description="Uses the response code of the send result or of the last card callback; "
    "WeCom accepts each code once, within 72 hours.",
)
async def update_card(request: web.Request, body: CardUpdate) -> CardUpdateOut:
    return await _service(request).update_card(request.match_info["message_id"], body)


@admin_only
@endpoint(
    "WeCom configs: kind, state, token state, last callback, message counts",
    response=StatusOverview,
    tags=TAGS,
    errors=[401],
    description="Token and rate-limit figures are those of the answering hub process; the "
    "token itself is never shown.",
)
async def status(request: web.Request) -> StatusOverview:
    return await overview(request.app[CTX_KEY])


def add_routes(app: web.Application) -> None:
    app.router.add_post("/api/wecom/messages", send_message)
    app.router.add_get("/api/wecom/messages", list_messages)
    app.router.add_post("/api/wecom/messages/batch", send_batch)
    app.router.add_get("/api/wecom/messages/{message_id}", get_message)
    app.router.add_get("/api/wecom/messages/{message_id}/status", message_status)
    app.router.add_get("/api/wecom/messages/{message_id}/history", message_history)
    app.router.add_post("/api/wecom/messages/{message_id}/recall", recall_message)
    app.router.add_post("/api/wecom/messages/{message_id}/card", update_card)
    app.router.add_get("/api/wecom/status", status)
