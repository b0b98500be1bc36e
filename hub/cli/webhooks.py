"""`hub webhooks ...`: inspect stored webhooks, replay them, clear old ones."""

from typing import Any

import click

from hub.cli.common import (
    build,
    collect,
    confirm_or_abort,
    emit_fields,
    emit_json,
    emit_models,
    emit_table,
    parse_before,
    with_hub,
)
from hub.context import HubContext
from hub.webhooks.schemas import (
    ClearOut,
    ClearQuery,
    RejectionOut,
    RejectionQuery,
    ReplayOut,
    StatsOut,
    WebhookDetail,
    WebhookListQuery,
    WebhookOut,
)
from hub.webhooks.store import WebhookStore

COLUMNS = ("id", "provider", "config_id", "dedup_key", "status", "attempts", "duplicates",
           "event_count", "received_at")  # fmt: skip
STATS_COLUMNS = ("provider", "config_id", "received", "duplicates", "rejected", "pending",
                 "processed", "failed")  # fmt: skip
REJECTION_COLUMNS = ("at", "provider", "config_id", "remote_ip", "code", "reason")
STATUSES = click.Choice(["pending", "processed", "failed"])


@click.group("webhooks")
def webhooks() -> None:
    """Inspect stored webhooks, replay them and clear old ones."""


@webhooks.command("list")
@click.option("--config", "config_id", help="Only this config id.")
@click.option("--provider", help="Only this provider.")
@click.option("--status", type=STATUSES, help="Only webhooks in this status.")
@click.option("--limit", type=click.IntRange(1, 10_000), default=100, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def list_(
    config_id: str | None, provider: str | None, status: str | None, limit: int, as_json: bool
) -> None:
    """List stored webhooks, newest first."""
    query = build(WebhookListQuery, config=config_id, provider=provider, status=status)

    async def run(ctx: HubContext) -> list[WebhookOut]:
        store = WebhookStore(ctx)
        return await collect(
            lambda n, cursor: store.list(
                config=query.config, provider=query.provider, status=query.status, limit=n,
                cursor=cursor,
            ),
            limit,
        )  # fmt: skip

    items = with_hub(run)
    emit_models(items, COLUMNS, as_json)


@webhooks.command("show")
@click.argument("webhook_id")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def show(webhook_id: str, as_json: bool) -> None:
    """Show a stored webhook: request, headers, body and the verified messages."""

    async def run(ctx: HubContext) -> WebhookDetail:
        return WebhookDetail.of(await WebhookStore(ctx).get(webhook_id))

    detail = with_hub(run)
    if as_json:
        emit_json(detail)
        return
    fields: dict[str, Any] = detail.model_dump(exclude={"body", "messages"})
    emit_fields(fields)
    click.echo(f"\nbody ({detail.body_encoding}, {detail.body_bytes} bytes):")
    click.echo(detail.body)


@webhooks.command("replay")
@click.argument("webhook_id")
@click.option("--force", is_flag=True, help="Publish every event again, as new events.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def replay(webhook_id: str, force: bool, as_json: bool) -> None:
    """Turn a stored webhook into events again.

    Only events not published before are published (none, for a processed
    webhook whose handler yields the same events); --force publishes them all
    again. The running hub delivers them to subscribers.
    """

    async def run(ctx: HubContext) -> ReplayOut:
        return await WebhookStore(ctx).replay(webhook_id, force=force)

    result = with_hub(run)
    if as_json:
        emit_json(result)
        return
    if result.published:
        click.echo(f"published {result.published} event(s): {', '.join(result.event_ids)}")
    else:
        click.echo(
            f"nothing new to publish: the webhook's {result.event_count} event(s) were "
            "published before (use --force to publish them again)"
        )


@webhooks.command("stats")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def stats(as_json: bool) -> None:
    """Count webhooks per provider and config: received, duplicates, rejected, by status."""

    async def run(ctx: HubContext) -> StatsOut:
        return await WebhookStore(ctx).stats()

    result = with_hub(run)
    if as_json:
        emit_json(result)
    else:
        emit_table([r.model_dump() for r in result.items], STATS_COLUMNS)


@webhooks.command("rejections")
@click.option("--config", "config_id", help="Only this config id.")
@click.option("--limit", type=click.IntRange(1, 10_000), default=100, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def rejections(config_id: str | None, limit: int, as_json: bool) -> None:
    """List refused deliveries (bad signature, decrypt errors), newest first."""
    query = build(RejectionQuery, config=config_id)

    async def run(ctx: HubContext) -> list[RejectionOut]:
        store = WebhookStore(ctx)
        return await collect(
            lambda n, cursor: store.rejections(config=query.config, limit=n, cursor=cursor),
            limit,
        )

    items = with_hub(run)
    emit_models(items, REJECTION_COLUMNS, as_json)


@webhooks.command("clear")
@click.option("--before", help="ISO date/time or age (7d, 12h, 30m); default: now.")
@click.option("--config", "config_id", help="Only this config id.")
@click.option("--include-pending", is_flag=True, help="Also delete webhooks not processed yet.")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def clear(before: str | None, config_id: str | None, include_pending: bool, yes: bool) -> None:
    """Delete stored webhooks and rejection audit rows; unprocessed ones are kept by default."""
    when = parse_before(before) if before else None
    query = build(ClearQuery, before=when, config=config_id, include_pending=include_pending)
    moment = f"received before {when:%Y-%m-%d %H:%M:%S}" if when else "received so far"
    confirm_or_abort(f"Delete stored webhooks {moment}?", yes)

    async def run(ctx: HubContext) -> ClearOut:
        return await WebhookStore(ctx).clear(
            before=query.before, config=query.config, include_pending=query.include_pending
        )

    result = with_hub(run)
    click.echo(f"deleted {result.webhooks} webhook(s) and {result.rejections} rejection(s)")
