"""The state of every WeCom config at a glance: `GET /api/wecom/status` and the CLI.

Access tokens and rate windows live in the memory of the process that uses
them, so this reports what the answering hub process holds: whether it has a
token for an app and for how long (never the token), and how many messages a
robot sent in the last minute. Callback times come from the core's webhook
store, message counts from the plugin's own table.
"""

from datetime import datetime

from hub.cli.common import collect
from hub.context import HubContext
from hub.webhooks.store import WebhookStore
from pydantic import BaseModel, Field

from hub_wecom import PROVIDER
from hub_wecom.client import RobotClient, token_state
from hub_wecom.messages.store import MessageStore


class TokenOut(BaseModel):
    cached: bool = Field(description="Whether this hub process holds an access token.")
    expires_in: float | None = Field(description="Seconds the cached token stays valid.")


class ConfigStatus(BaseModel):
    id: str
    tenant: str
    name: str
    kind: str = Field(description="app or robot")
    enabled: bool
    state: str
    last_error: str | None
    token: TokenOut | None = Field(description="Applications only; never the token itself.")
    last_callback_at: datetime | None = Field(
        description="Applications: when the last callback arrived (stored by the hub)."
    )
    sent_last_minute: int | None = Field(
        description="Robots: messages sent in the last 60 s (WeCom allows 20)."
    )
    messages: dict[str, int] = Field(description="Messages of this config by status.")


class StatusOverview(BaseModel):
    configs: list[ConfigStatus]
    messages: dict[str, int] = Field(description="All WeCom messages by status.")


async def overview(ctx: HubContext) -> StatusOverview:
    records = await collect(
        lambda n, cursor: ctx.configs.list(provider=PROVIDER, limit=n, cursor=cursor), 10_000
    )
    counts = await MessageStore(ctx).counts()
    webhooks = WebhookStore(ctx)
    configs, totals = [], {}
    for record in records:
        token = last_callback = sent = None
        if record.kind == "app":
            state = token_state(ctx.http, record.id)
            token = TokenOut(cached=state.cached, expires_in=state.expires_in)
            latest = await webhooks.list(config=record.id, provider=PROVIDER, limit=1)
            last_callback = latest.items[0].received_at if latest.items else None
        else:
            window = ctx.http.limiter.window(PROVIDER, record.id, RobotClient.message_limit())
            sent = window.in_window
        mine = counts.get(record.id, {})
        for status, count in mine.items():
            totals[status] = totals.get(status, 0) + count
        configs.append(
            ConfigStatus(
                id=record.id,
                tenant=record.tenant_slug,
                name=record.name,
                kind=record.kind,
                enabled=record.enabled,
                state=record.state,
                last_error=record.last_error,
                token=token,
                last_callback_at=last_callback,
                sent_last_minute=sent,
                messages=mine,
            )
        )
    return StatusOverview(configs=configs, messages=totals)
