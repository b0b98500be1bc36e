"""`hub tencent-meeting webhook ...`: the core's `hub webhooks` for Tencent Meeting, plus `test`.

`list`, `show`, `replay`, `stats` and `clear` work on the webhooks the core
stored for provider `tencent_meeting` only. `show` adds the decrypted event
(the stored body is Tencent's encrypted `data`). `test` sends a sample event,
signed and encrypted with the config's token and EncodingAESKey exactly as
Tencent does, to a running hub and prints its answer: the quickest way to see
that the URL, the token and the key entered in Tencent's console will work.
"""

import json
import secrets
import time
import uuid
from typing import Any
from urllib.parse import quote

import aiohttp
import click
from hub.cli.common import (
    collect,
    confirm_or_abort,
    emit_fields,
    emit_json,
    emit_table,
    parse_before,
    state,
    with_hub,
)
from hub.cli.webhooks import COLUMNS, STATS_COLUMNS, STATUSES
from hub.context import HubContext
from hub.errors import HubError, NotFound, ValidationFailed
from hub.tenants.records import ConfigRecord
from hub.webhooks.schemas import ClearOut, ReplayOut, WebhookDetail
from hub.webhooks.store import WebhookStore
from pydantic import BaseModel

from hub_tencent_meeting import events, webhook_crypto
from hub_tencent_meeting.config import TencentMeetingConfig
from hub_tencent_meeting.webhooks import ACK

PROVIDER = "tencent_meeting"
EVENT_COLUMNS = ("type", "events", "pending", "done", "dead")


@click.group("webhook")
def webhook() -> None:
    """Tencent Meeting callbacks the hub received: list, inspect, replay, test, clear."""


async def _tencent_webhook(ctx: HubContext, webhook_id: str) -> WebhookDetail:
    stored = await WebhookStore(ctx).get(webhook_id)
    if stored.provider != PROVIDER:
        raise NotFound(f"webhook {webhook_id!r} is not a {PROVIDER} webhook", code="not_found")
    return WebhookDetail.of(stored)


async def _tencent_config(ctx: HubContext, config_id: str) -> ConfigRecord:
    record = await ctx.configs.get(config_id)
    if record.provider != PROVIDER:
        raise NotFound(f"config {config_id!r} is not a {PROVIDER} config", code="not_found")
    return record


@webhook.command("list")
@click.option("--config", "config_id", help="Only this config id.")
@click.option("--status", type=STATUSES, help="Only webhooks in this status.")
@click.option("--limit", type=click.IntRange(1, 10_000), default=100, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def list_(config_id: str | None, status: str | None, limit: int, as_json: bool) -> None:
    """List stored Tencent Meeting callbacks, newest first (DEDUP_KEY is the trace id)."""

    async def run(ctx: HubContext) -> list[Any]:
        store = WebhookStore(ctx)
        return await collect(
            lambda n, cursor: store.list(
                config=config_id, provider=PROVIDER, status=status, limit=n, cursor=cursor
            ),
            limit,
        )

    items = with_hub(run)
    if as_json:
        emit_json(items)
    else:
        emit_table([i.model_dump() for i in items], COLUMNS)


@webhook.command("show")
@click.argument("webhook_id")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def show(webhook_id: str, as_json: bool) -> None:
    """Show a stored callback: request, headers, raw body and the decrypted event."""
    detail = with_hub(lambda ctx: _tencent_webhook(ctx, webhook_id))
    if as_json:
        emit_json(detail)
        return
    emit_fields(detail.model_dump(exclude={"body", "messages"}))
    click.echo(f"\nbody ({detail.body_encoding}, {detail.body_bytes} bytes):")
    click.echo(detail.body)
    for message in detail.messages:
        click.echo("\nevent (decrypted):")
        click.echo(json.dumps(message, ensure_ascii=False, indent=2))


@webhook.command("replay")
@click.argument("webhook_id")
@click.option("--force", is_flag=True, help="Publish every event again, as new events.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def replay(webhook_id: str, force: bool, as_json: bool) -> None:
    """Turn a stored callback into bus events again (only new ones unless --force)."""

    async def run(ctx: HubContext) -> ReplayOut:
        await _tencent_webhook(ctx, webhook_id)
        return await WebhookStore(ctx).replay(webhook_id, force=force)

    result = with_hub(run)
    if as_json:
        emit_json(result)
    elif result.published:
        click.echo(f"published {result.published} event(s): {', '.join(result.event_ids)}")
    else:
        click.echo(
            f"nothing new to publish: the webhook's {result.event_count} event(s) were "
            "published before (use --force to publish them again)"
        )


@webhook.command("stats")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def stats(as_json: bool) -> None:
    """Callbacks per config (received, duplicates, rejected, by status) and events per type."""

    async def run(ctx: HubContext) -> dict[str, Any]:
        rows = (await WebhookStore(ctx).stats()).items
        bus = await ctx.bus.store.stats()
        return {
            "webhooks": [r.model_dump() for r in rows if r.provider == PROVIDER],
            "events": [
                {
                    "type": t["type"],
                    "events": t["events"],
                    **{s: t["deliveries"].get(s, 0) for s in ("pending", "done", "dead")},
                }
                for t in bus["by_type"]
                if t["type"].startswith(events.PREFIX)
            ],
        }

    result = with_hub(run)
    if as_json:
        emit_json(result)
        return
    emit_table(result["webhooks"], STATS_COLUMNS)
    click.echo("")
    emit_table(result["events"], EVENT_COLUMNS)


@webhook.command("clear")
@click.option("--before", help="ISO date/time or age (7d, 12h, 30m); default: now.")
@click.option("--config", "config_id", help="Only this config id.")
@click.option("--include-pending", is_flag=True, help="Also delete callbacks not processed yet.")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def clear(before: str | None, config_id: str | None, include_pending: bool, yes: bool) -> None:
    """Delete stored Tencent Meeting callbacks and their rejection audit rows."""
    when = parse_before(before) if before else None
    moment = f"received before {when:%Y-%m-%d %H:%M:%S}" if when else "received so far"
    confirm_or_abort(f"Delete stored Tencent Meeting callbacks {moment}?", yes)

    async def run(ctx: HubContext) -> ClearOut:
        if config_id:
            ids = [(await _tencent_config(ctx, config_id)).id]
        else:
            configs = await collect(
                lambda n, cursor: ctx.configs.list(provider=PROVIDER, limit=n, cursor=cursor),
                100_000,
            )
            ids = [c.id for c in configs]
        total = ClearOut(webhooks=0, rejections=0)
        store = WebhookStore(ctx)
        for one in ids:
            done = await store.clear(before=when, config=one, include_pending=include_pending)
            total.webhooks += done.webhooks
            total.rejections += done.rejections
        return total

    result = with_hub(run)
    click.echo(f"deleted {result.webhooks} webhook(s) and {result.rejections} rejection(s)")


def sample_event(name: str, operator_id: str | None) -> dict[str, Any]:
    """A plausible callback of event `name`, marked as a hub test in its subject."""
    now = time.time()
    item: dict[str, Any] = {
        "operate_time": int(now * 1000),
        "operator": {"userid": operator_id or "hub-test", "user_name": "Integration Hub test"},
        "meeting_info": {
            "meeting_id": str(secrets.randbelow(9 * 10**18) + 10**18),
            "meeting_code": str(secrets.randbelow(9 * 10**8) + 10**8),
            "subject": "Integration Hub webhook test",
            "meeting_type": 0,
            "start_time": int(now),
            "end_time": int(now) + 3600,
        },
    }
    if name.startswith("recording."):
        item["recording_files"] = [{"record_file_id": f"hub-test-{secrets.token_hex(6)}"}]
    return {"event": name, "trace_id": str(uuid.uuid4()), "payload": [item]}


def signed_headers(token: str, data: str) -> dict[str, str]:
    """Tencent's three headers for `data`, with a millisecond timestamp as in its example."""
    timestamp = str(int(time.time() * 1000))
    nonce = str(secrets.randbelow(10**9) + 1)
    return {
        "timestamp": timestamp,
        "nonce": nonce,
        "signature": webhook_crypto.signature(token, timestamp, nonce, data),
    }


class SendOutcome(BaseModel):
    url: str
    method: str
    event: str | None
    trace_id: str | None
    status: int
    reply: str
    expected: str
    ok: bool


async def _send(
    ctx: HubContext, record: ConfigRecord, config: TencentMeetingConfig, url: str,
    event_name: str, url_check: bool,
) -> SendOutcome:  # fmt: skip
    if config.webhook_token is None:
        raise ValidationFailed(
            f"config {record.name!r} has no webhook_token: set the Token from Tencent's "
            "console first"
        )
    token = config.webhook_token.get_secret_value()
    key = config.encoding_aes_key.get_secret_value() if config.encoding_aes_key else None
    if url_check:
        expected = f"hub-check-{secrets.token_hex(8)}"
        check_str = webhook_crypto.encode(expected.encode("utf-8"), key)
        method, target, body = "GET", f"{url}?check_str={quote(check_str, safe='')}", None
        headers = signed_headers(token, check_str)
        event: dict[str, Any] = {}
    else:
        expected = ACK
        event = sample_event(event_name, config.operator_id)
        data = webhook_crypto.encode(json.dumps(event, ensure_ascii=False).encode("utf-8"), key)
        method, target, body = "POST", url, json.dumps({"data": data})
        headers = {**signed_headers(token, data), "Content-Type": "application/json"}
    # The process's one outbound session (timeouts, no proxy from the environment).
    try:
        async with ctx.http.session.request(method, target, data=body, headers=headers) as answer:
            status, reply = answer.status, await answer.text()
    except (aiohttp.ClientError, TimeoutError) as exc:
        raise HubError(
            f"could not reach the hub at {url}: {type(exc).__name__} {exc}".strip(),
            code="hub_unreachable",
        ) from None
    return SendOutcome(
        url=url,
        method=method,
        event=event.get("event"),
        trace_id=event.get("trace_id"),
        status=status,
        reply=reply,
        expected=expected,
        ok=status == 200 and reply == expected,
    )


@webhook.command("test")
@click.option("--config", "config_id", help="Config id (or --tenant, with --name).")
@click.option("--tenant", help="Tenant slug or id: use its default Tencent Meeting config.")
@click.option("--name", help="Config name within the tenant (default: the default one).")
@click.option(
    "--url",
    help="Webhook URL of the running hub "
    "(default: http://127.0.0.1:<HUB_PORT>/webhooks/tencent_meeting/<config id>).",
)
@click.option(
    "--event",
    "event_name",
    type=click.Choice(sorted(events.MODELS)),
    default="meeting.started",
    show_default=True,
    help="Which sample event to send.",
)
@click.option(
    "--url-check", is_flag=True, help="Send Tencent's URL verification GET instead of an event."
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def test(
    config_id: str | None, tenant: str | None, name: str | None, url: str | None,
    event_name: str, url_check: bool, as_json: bool,
) -> None:  # fmt: skip
    """Send a signed (and, with an EncodingAESKey, encrypted) sample callback to a running hub.

    Prints the hub's answer; exits 1 unless it is the one Tencent expects
    (`successfully received callback`, or the echoed check string).
    """
    if not config_id and not tenant:
        raise click.UsageError("give --config ID or --tenant SLUG")
    port = state().settings.port

    async def run(ctx: HubContext) -> SendOutcome:
        if config_id:
            await _tencent_config(ctx, config_id)
        record, config = await ctx.configs.select(
            config_id, tenant=tenant, provider=PROVIDER, name=name
        )
        assert isinstance(config, TencentMeetingConfig)
        target = url or f"http://127.0.0.1:{port}/webhooks/{PROVIDER}/{record.id}"
        return await _send(ctx, record, config, target, event_name, url_check)

    outcome = with_hub(run)
    if as_json:
        emit_json(outcome)
    else:
        what = "URL check" if url_check else f"{outcome.event} (trace_id {outcome.trace_id})"
        click.echo(f"{outcome.method} {outcome.url}: {what}")
        click.echo(f"answer: HTTP {outcome.status}: {outcome.reply}")
        click.echo("ok" if outcome.ok else f"NOT OK: expected HTTP 200 with {outcome.expected!r}")
    if not outcome.ok:
        raise SystemExit(1)
