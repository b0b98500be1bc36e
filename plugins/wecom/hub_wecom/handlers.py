"""`GET /api/wecom/handlers`: who reacts to WeCom's callbacks in this hub.

"Custom handlers" are ordinary bus subscribers: any plugin adds one in its
`hub_subscribers` hook (`bus.subscribe("wecom.event.click", handler, name=...)`).
This route lists the subscribers of the running process whose pattern matches
a `wecom.*` event type, read from the bus's registry; the plugin that
registered each one is found from the module of its handler function.
"""

from types import ModuleType

from aiohttp import web
from hub.bus.subscriptions import Subscription
from hub.context import CTX_KEY, HubContext
from hub.web import endpoint
from hub.web.middleware import require_admin
from pydantic import BaseModel, Field

from hub_wecom import events
from hub_wecom.replies import REPLYABLE

PATH = "/api/wecom/handlers"


class HandlersQuery(BaseModel):
    type: str | None = Field(
        default=None,
        max_length=200,
        description="Only subscribers of this event type (e.g. wecom.event.click), in the "
        "order they run.",
    )


class HandlerOut(BaseModel):
    name: str = Field(description="The subscriber's name; deliveries are stored under it.")
    pattern: str = Field(description="Event type or glob it subscribed with.")
    priority: int = Field(description="Higher runs first; ties run in registration order.")
    plugin: str | None = Field(
        description="The plugin whose code handles the events; null when not a plugin's "
        "(the hub itself, or code registered at run time)."
    )
    types: list[str] = Field(description="The wecom.* event types the pattern matches.")
    can_reply: bool = Field(
        description="Whether some of those types wait for its return value as a passive reply."
    )


class HandlersOut(BaseModel):
    items: list[HandlerOut]


def _package(name: str) -> str:
    return name.split(".", 1)[0]


def plugin_packages(ctx: HubContext) -> dict[str, str]:
    """Top-level package of each registered plugin object → the plugin's name."""
    out: dict[str, str] = {}
    for name, obj in ctx.plugins.pm.list_name_plugin():
        module = obj.__name__ if isinstance(obj, ModuleType) else type(obj).__module__
        out.setdefault(_package(module), name)
    return out


def _plugin_of(subscription: Subscription, packages: dict[str, str]) -> str | None:
    module = getattr(subscription.handler, "__module__", None)
    return packages.get(_package(module)) if isinstance(module, str) else None


def wecom_handlers(ctx: HubContext, event_type: str | None = None) -> list[HandlerOut]:
    """The subscribers matching a wecom.* type (or `event_type`), in the order they run."""
    known = sorted(t for t in {*events.MODELS, *ctx.bus.types} if t.startswith("wecom."))
    if event_type is not None:
        known = [event_type]
    packages = plugin_packages(ctx)
    out = []
    for subscription in ctx.bus.subscriptions.all():
        matched = [t for t in known if subscription.matches(t)]
        if not matched and not (event_type is None and subscription.pattern.startswith("wecom.")):
            continue
        out.append(
            HandlerOut(
                name=subscription.name,
                pattern=subscription.pattern,
                priority=subscription.priority,
                plugin=_plugin_of(subscription, packages),
                types=matched,
                can_reply=any(t in REPLYABLE for t in matched),
            )
        )
    return out


@endpoint(
    "List the bus subscribers that handle WeCom callbacks",
    query=HandlersQuery,
    response=HandlersOut,
    tags=["wecom"],
    errors=[401],
    description="Every subscriber whose pattern matches a wecom.* event type, highest "
    "priority first. Requires the admin bearer token.",
)
async def list_handlers(request: web.Request, query: HandlersQuery) -> HandlersOut:
    require_admin(request)
    return HandlersOut(items=wecom_handlers(request.app[CTX_KEY], query.type))


def add_routes(app: web.Application) -> None:
    app.router.add_get(PATH, list_handlers)
