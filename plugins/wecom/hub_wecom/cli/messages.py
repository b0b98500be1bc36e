"""`hub wecom messages list|show|recall`: the messages the hub sent, from its own records."""

import click
from hub.cli.common import collect, emit_fields, emit_json, emit_table, parse_before, with_hub
from hub.context import HubContext

from hub_wecom.messages.schemas import MessageDetail, MessageOut
from hub_wecom.messages.service import MessageService
from hub_wecom.messages.store import MessageStore

COLUMNS = ("id", "channel", "msg_type", "status", "preview", "created_at")
DETAIL = ("id", "config_id", "channel", "batch_id", "msg_type", "recipients", "preview", "msgid",
          "task_id", "status", "error_code", "error_message", "sent_at", "created_at",
          "updated_at")  # fmt: skip


@click.group("messages")
def messages() -> None:
    """Messages sent through WeCom: list, show with history, recall."""


@messages.command("list")
@click.option("--config-id", help="Only this config.")
@click.option("--channel", type=click.Choice(["robot", "app"]))
@click.option("--status", type=click.Choice(["queued", "sent", "failed", "recalled", "interacted"]))
@click.option("--type", "msg_type", help="Only this message type (text, markdown, ...).")
@click.option("--since", help="Created since: ISO date/time or an age like 7d, 12h, 30m.")
@click.option("--limit", type=click.IntRange(1, 10_000), default=50, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def list_(
    config_id: str | None, channel: str | None, status: str | None, msg_type: str | None,
    since: str | None, limit: int, as_json: bool,
) -> None:  # fmt: skip
    """List messages, newest first."""
    after = parse_before(since, "--since") if since else None

    async def run(ctx: HubContext) -> list[MessageOut]:
        store = MessageStore(ctx)
        return await collect(
            lambda n, cursor: store.list(
                config=config_id,
                channel=channel,
                status=status,
                msg_type=msg_type,
                since=after,
                limit=n,
                cursor=cursor,
            ),
            limit,
        )

    items = with_hub(run)
    if as_json:
        emit_json(items)
    else:
        emit_table([i.model_dump() for i in items], COLUMNS)


def _detail(detail: MessageDetail, as_json: bool) -> None:
    if as_json:
        emit_json(detail)
        return
    emit_fields({k: getattr(detail, k) for k in DETAIL})
    if detail.results:
        click.echo("\nrecipients:")
        emit_table([r.model_dump() for r in detail.results], ("kind", "id", "status"))
    click.echo("\nhistory:")
    emit_table([h.model_dump() for h in detail.history], ("at", "from_status", "to_status",
                                                          "reason"))  # fmt: skip


@messages.command("show")
@click.argument("message_id")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def show(message_id: str, as_json: bool) -> None:
    """Show a message with its per-recipient results and status history."""
    _detail(with_hub(lambda ctx: MessageStore(ctx).detail(message_id)), as_json)


@messages.command("recall")
@click.argument("message_id")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def recall(message_id: str, as_json: bool) -> None:
    """Recall an application message (within 24 hours of sending)."""
    _detail(with_hub(lambda ctx: MessageService(ctx).recall(message_id)), as_json)
