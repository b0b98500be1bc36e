"""Wiring of the intake into the app: the route, the writer and processor tasks, their lifetime."""

from collections.abc import AsyncIterator

from aiohttp import web

from hub.context import CTX_KEY, HubContext
from hub.web.endpoint import endpoint
from hub.webhooks.intake import Intake
from hub.webhooks.processor import Processor
from hub.webhooks.targets import Targets
from hub.webhooks.writer import GroupWriter

ROUTE = "/webhooks/{provider}/{config_id}"
OWN_BODY_LIMIT = "__hub_own_body_limit__"


class Webhooks:
    """The running intake of one app: config cache, group-commit writer, processor."""

    def __init__(self, ctx: HubContext) -> None:
        self.ctx = ctx
        self.targets = Targets(
            ctx.configs, ctx.settings.config_poll_seconds, ctx.settings.webhook_max_body_bytes
        )
        self.processor = Processor(ctx, self.targets)
        self.writer = GroupWriter(
            ctx.db,
            rejections_kept=ctx.settings.webhook_rejections_kept,
            on_commit=self.processor.wake,
        )
        self.intake = Intake(ctx, self.writer, self.targets)
        self.processor.intake_idle = self.intake.idle

    async def start(self) -> None:
        self.ctx.configs.listeners.append(self.targets.forget)
        self.writer.start()
        self.processor.start()

    async def stop(self) -> None:
        await self.writer.stop()
        await self.processor.stop()
        if self.targets.forget in self.ctx.configs.listeners:
            self.ctx.configs.listeners.remove(self.targets.forget)


WEBHOOKS_KEY = web.AppKey("hub_webhooks", Webhooks)


@endpoint(
    "Receive a provider's callback",
    tags=["webhooks"],
    errors=[401, 403, 404, 413, 503],
    content_type="application/octet-stream",
    description="Any content type. The config's plugin verifies the request; the answer is "
    "whatever that provider expects (plain text, XML, JSON). A redelivery gets the same answer "
    "and is not processed twice. See docs/webhooks.md for every status and code.",
)
async def receive_webhook(request: web.Request) -> web.StreamResponse:
    return await request.app[WEBHOOKS_KEY].intake.receive(request)


setattr(receive_webhook, OWN_BODY_LIMIT, True)


async def _lifetime(app: web.Application) -> AsyncIterator[None]:
    webhooks = app[WEBHOOKS_KEY]
    await webhooks.start()
    yield
    await webhooks.stop()


def setup(app: web.Application) -> None:
    """Mount the webhook route and run the intake while the app runs (after migrations)."""
    app[WEBHOOKS_KEY] = Webhooks(app[CTX_KEY])
    app.router.add_route("GET", ROUTE, receive_webhook)
    app.router.add_route("POST", ROUTE, receive_webhook)
    app.cleanup_ctx.append(_lifetime)
