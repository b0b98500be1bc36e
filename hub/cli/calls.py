"""`hub calls ...`: the outbound API call log."""

import click

from hub.cli.common import collect, emit_records, with_hub
from hub.context import HubContext
from hub.http.calllog import CallRecord

COLUMNS = ("at", "provider", "config_id", "method", "url", "attempt", "status", "outcome",
           "error_code", "duration_ms")


@click.group("calls")
def calls() -> None:
    """Outbound API calls made to providers (one row per attempt)."""


@calls.command("list")
@click.option("--config", "config_id", help="Only calls of this config id.")
@click.option("--provider", help="Only this provider.")
@click.option("--failed", is_flag=True, help="Only failed attempts.")
@click.option("--limit", type=click.IntRange(1, 10_000), default=100, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def list_(
    config_id: str | None, provider: str | None, failed: bool, limit: int, as_json: bool
) -> None:
    """Newest first; URLs show tokens, keys and signatures as ***."""

    async def run(ctx: HubContext) -> list[CallRecord]:
        return await collect(
            lambda n, cursor: ctx.http.calls.list(
                config_id=config_id,
                provider=provider,
                ok=False if failed else None,
                limit=n,
                cursor=cursor,
            ),
            limit,
        )

    emit_records(with_hub(run), COLUMNS, as_json)


@calls.command("prune")
@click.option(
    "--older-than-days",
    type=click.FloatRange(min=0, min_open=True),
    help="Default: HUB_CALL_LOG_RETENTION_DAYS.",
)
def prune(older_than_days: float | None) -> None:
    """Delete old rows now (the running hub also does this every hour)."""

    async def run(ctx: HubContext) -> int:
        return await ctx.http.calls.prune(older_than_days or ctx.settings.call_log_retention_days)

    click.echo(f"deleted {with_hub(run)} call log rows")
