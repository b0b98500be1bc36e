"""`/api/admin/events`: the event outbox, replay and dead letters."""

from aiohttp import web

from hub.bus.schemas import (
    ClearQuery,
    CountOut,
    DeadLetterPage,
    DeadLetterQuery,
    EventDetail,
    EventListQuery,
    EventPage,
    ReplayBody,
    RetryBody,
    StatsOut,
)
from hub.context import CTX_KEY
from hub.web.endpoint import endpoint

TAGS = ["events"]


@endpoint(
    "List events, newest first",
    query=EventListQuery,
    response=EventPage,
    tags=TAGS,
    description="`type` may use `*` and `?` wildcards; `status` keeps events that have at "
    "least one delivery in that status. Pass `next_cursor` as `cursor` for the next page.",
)
async def list_events(request: web.Request, query: EventListQuery) -> EventPage:
    page = await request.app[CTX_KEY].bus.store.list(
        type=query.type, status=query.status, limit=query.limit, cursor=query.cursor
    )
    return EventPage(items=page.items, next_cursor=page.next_cursor)


@endpoint("Count events by type and deliveries by status", response=StatsOut, tags=TAGS)
async def event_stats(request: web.Request) -> StatsOut:
    return StatsOut(**await request.app[CTX_KEY].bus.store.stats())


@endpoint(
    "Show an event with its payload and deliveries", response=EventDetail, tags=TAGS, errors=[404]
)
async def get_event(request: web.Request) -> EventDetail:
    return await request.app[CTX_KEY].bus.store.get(request.match_info["event_id"])


@endpoint(
    "Replay an event",
    body=ReplayBody,
    response=EventDetail,
    tags=TAGS,
    errors=[404, 409],
    description="Resets the event's deliveries (or one subscriber's) to pending, so their "
    "handlers run again even if they completed. 409 while that delivery is running.",
)
async def replay_event(request: web.Request, body: ReplayBody) -> EventDetail:
    ctx = request.app[CTX_KEY]
    return await ctx.bus.store.replay(request.match_info["event_id"], body.subscriber)


@endpoint(
    "Delete finished events",
    query=ClearQuery,
    response=CountOut,
    tags=TAGS,
    description="Deletes events received before `before` whose deliveries are all done or "
    "skipped (with `dead=true`, dead ones too). Pending or running events are never deleted.",
)
async def clear_events(request: web.Request, query: ClearQuery) -> CountOut:
    count = await request.app[CTX_KEY].bus.store.clear(before=query.before, dead=query.dead)
    return CountOut(count=count)


@endpoint("List dead letters", query=DeadLetterQuery, response=DeadLetterPage, tags=TAGS)
async def list_dead_letters(request: web.Request, query: DeadLetterQuery) -> DeadLetterPage:
    page = await request.app[CTX_KEY].bus.store.dead_letters(
        subscriber=query.subscriber, limit=query.limit, cursor=query.cursor
    )
    return DeadLetterPage(items=page.items, next_cursor=page.next_cursor)


@endpoint(
    "Retry dead letters",
    body=RetryBody,
    response=CountOut,
    tags=TAGS,
    description="Sends dead deliveries (all, one subscriber's or one event's) back to "
    "pending with a fresh set of attempts.",
)
async def retry_dead_letters(request: web.Request, body: RetryBody) -> CountOut:
    count = await request.app[CTX_KEY].bus.store.retry_dead(
        subscriber=body.subscriber, event_id=body.event_id
    )
    return CountOut(count=count)


def add_routes(app: web.Application) -> None:
    app.router.add_get("/api/admin/events", list_events)
    app.router.add_delete("/api/admin/events", clear_events)
    app.router.add_get("/api/admin/events/stats", event_stats)
    app.router.add_get("/api/admin/events/dead-letters", list_dead_letters)
    app.router.add_post("/api/admin/events/dead-letters/retry", retry_dead_letters)
    app.router.add_get("/api/admin/events/{event_id}", get_event)
    app.router.add_post("/api/admin/events/{event_id}/replay", replay_event)
