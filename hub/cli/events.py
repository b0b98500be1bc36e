"""`hub events ...`: inspect the event outbox, replay events, retry dead letters."""

from typing import Any

import click

from hub.bus.schemas import (
    ClearQuery,
    DeadLetterOut,
    DeadLetterQuery,
    EventDetail,
    EventListQuery,
    EventOut,
)
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

COLUMNS = ("id", "type", "status", "source", "tenant_id", "received_at")
DELIVERY_COLUMNS = ("subscriber", "priority", "status", "attempts", "next_attempt_at", "last_error")
DEAD_COLUMNS = ("id", "event_id", "event_type", "subscriber", "attempts", "last_error")
STATUSES = click.Choice(["pending", "running", "done", "skipped", "dead"])


@click.group("events")
def events() -> None:
    """Inspect and repair the event bus outbox."""


@events.command("list")
@click.option("--type", "type_", help="Event type; * and ? are wildcards.")
@click.option("--status", type=STATUSES, help="Only events with a delivery in this status.")
@click.option("--limit", type=click.IntRange(1, 10_000), default=100, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def list_(type_: str | None, status: str | None, limit: int, as_json: bool) -> None:
    """List events, newest first."""
    query = build(EventListQuery, type=type_, status=status)

    async def run(ctx: HubContext) -> list[EventOut]:
        return await collect(
            lambda n, cursor: ctx.bus.store.list(
                type=query.type, status=query.status, limit=n, cursor=cursor
            ),
            limit,
        )

    items = with_hub(run)
    emit_models(items, COLUMNS, as_json)


@events.command("show")
@click.argument("event_id")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def show(event_id: str, as_json: bool) -> None:
    """Show an event, its payload and its deliveries."""

    async def run(ctx: HubContext) -> EventDetail:
        return await ctx.bus.store.get(event_id)

    emit_detail(with_hub(run), as_json)


def emit_detail(detail: EventDetail, as_json: bool) -> None:
    if as_json:
        emit_json(detail)
        return
    fields: dict[str, Any] = detail.model_dump(exclude={"deliveries", "delivery_counts"})
    emit_fields(fields)
    click.echo("")
    emit_table([d.model_dump() for d in detail.deliveries], DELIVERY_COLUMNS)


@events.command("replay")
@click.argument("event_id")
@click.option("--subscriber", help="Only this subscriber (default: every delivery of the event).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def replay(event_id: str, subscriber: str | None, as_json: bool) -> None:
    """Run an event's handlers again, including ones that already completed.

    The running hub picks the deliveries up within a second; `hub events
    dispatch` runs them in this process instead.
    """

    async def run(ctx: HubContext) -> EventDetail:
        return await ctx.bus.store.replay(event_id, subscriber)

    emit_detail(with_hub(run), as_json)


@events.command("stats")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def stats(as_json: bool) -> None:
    """Count events by type and deliveries by status."""

    async def run(ctx: HubContext) -> dict[str, Any]:
        return await ctx.bus.store.stats()

    result = with_hub(run)
    if as_json:
        emit_json(result)
        return
    click.echo(f"events: {result['events']}")
    totals = result["deliveries"]
    click.echo("deliveries: " + ", ".join(f"{k} {v}" for k, v in totals.items()))
    if result["oldest_pending_at"] is not None:
        oldest = result["oldest_pending_at"]
        click.echo(f"oldest unfinished event received at {oldest:%Y-%m-%d %H:%M:%S}")
    rows = [
        {"type": t["type"], "events": t["events"], **t["deliveries"]} for t in result["by_type"]
    ]
    click.echo("")
    emit_table(rows, ("type", "events", *totals))
    for name, count in result["unregistered"].items():
        click.echo(f"warning: {count} delivery(ies) wait for unregistered subscriber {name}")


@events.command("clear")
@click.option("--before", help="ISO date/time or age (7d, 12h, 30m); default: now.")
@click.option("--dead", is_flag=True, help="Also delete events that have dead letters.")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def clear(before: str | None, dead: bool, yes: bool) -> None:
    """Delete finished events; events with pending or running deliveries are always kept."""
    when = parse_before(before) if before else None
    query = build(ClearQuery, before=when, dead=dead)
    moment = f"received before {when:%Y-%m-%d %H:%M:%S}" if when else "received so far"
    confirm_or_abort(f"Delete finished events {moment}?", yes)

    async def run(ctx: HubContext) -> int:
        return await ctx.bus.store.clear(before=query.before, dead=query.dead)

    click.echo(f"deleted {with_hub(run)} event(s)")


@events.command("dead-letters")
@click.option("--subscriber", help="Only this subscriber's dead letters.")
@click.option("--retry", is_flag=True, help="Send them back to pending with fresh attempts.")
@click.option("--limit", type=click.IntRange(1, 10_000), default=100, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def dead_letters(subscriber: str | None, retry: bool, limit: int, as_json: bool) -> None:
    """List deliveries that failed every attempt, or retry them with --retry."""
    query = build(DeadLetterQuery, subscriber=subscriber)
    if retry:

        async def run_retry(ctx: HubContext) -> int:
            return await ctx.bus.store.retry_dead(subscriber=query.subscriber)

        count = with_hub(run_retry)
        if as_json:
            emit_json({"count": count})
        else:
            click.echo(f"retrying {count} dead letter(s)")
        return

    async def run(ctx: HubContext) -> list[DeadLetterOut]:
        return await collect(
            lambda n, cursor: ctx.bus.store.dead_letters(
                subscriber=query.subscriber, limit=n, cursor=cursor
            ),
            limit,
        )

    items = with_hub(run)
    emit_models(items, DEAD_COLUMNS, as_json)


@events.command("dispatch")
@click.option(
    "--wait",
    type=click.FloatRange(0, 3600),
    default=0.0,
    show_default=True,
    help="Also wait this many seconds for retries to come due.",
)
def dispatch(wait: float) -> None:
    """Deliver pending events in this process once, then exit."""

    async def run(ctx: HubContext) -> tuple[int, dict[str, int]]:
        count = await ctx.bus.drain(wait=wait)
        return count, await ctx.bus.store.unregistered()

    count, waiting = with_hub(run)
    click.echo(f"ran {count} delivery(ies)")
    for name, pending in waiting.items():
        click.echo(f"warning: {pending} delivery(ies) wait for unregistered subscriber {name}")
