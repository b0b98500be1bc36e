"""`hub wecom send robot|app TYPE ...`: send a message the way the API does, recorded alike.

The message is built from options (`--content`, `--file`, `--title`, ...)
on top of `--body`, which takes the type's object exactly as WeCom documents
it (JSON, or `@path` to a JSON file) for the richer types: news articles,
template cards, mini-program notices. `--file` reads an image, file, voice
or video and sends it inline (robots) or uploads it first (applications and
robot files). The message is checked before anything is sent; the command
prints the stored message with its status, or the error and the id of the
failed message.
"""

import base64
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
from hub.cli.common import build, emit_fields, emit_json, with_hub
from hub.context import HubContext
from hub.errors import HubError
from hub.http import OutboundError

from hub_wecom.messages import rules
from hub_wecom.messages.content import MEDIA_TYPES
from hub_wecom.messages.schemas import BatchOut, MessageDetail, SendRequest
from hub_wecom.messages.service import MessageService

SHOWN = ("id", "channel", "msg_type", "status", "msgid", "task_id", "preview", "error_code",
         "error_message")  # fmt: skip


@click.group("send")
def send() -> None:
    """Send a message through a group robot or an application (tracked like the API's)."""


def _json_option(value: str) -> Any:
    text = Path(value[1:]).read_text(encoding="utf-8") if value.startswith("@") else value
    try:
        return json.loads(text)
    except ValueError as exc:
        raise click.BadParameter(f"not JSON: {exc}", param_hint="--body") from None


def message_of(msgtype: str, options: dict[str, Any]) -> dict[str, Any]:
    """WeCom's message object from `--body` and the options given on top of it."""
    body: Any = _json_option(options["body"]) if options.get("body") else {}
    if not isinstance(body, dict):
        raise click.BadParameter(
            "must be a JSON object (the message type's body)", param_hint="--body"
        )
    content = options.get("content")
    if content == "-":
        content = sys.stdin.read()
    if content is not None:
        body["content"] = content
    if options.get("mention"):
        body["mentioned_list"] = list(options["mention"])
    if options.get("mention_mobile"):
        body["mentioned_mobile_list"] = list(options["mention_mobile"])
    path = options.get("file")
    if path is not None:
        if msgtype not in MEDIA_TYPES:
            raise click.BadParameter(f"{msgtype} messages take no file", param_hint="--file")
        raw = Path(path).read_bytes()
        body["base64"] = base64.b64encode(raw).decode()
        body.setdefault("filename", Path(path).name)
    if options.get("media_id"):
        body["media_id"] = options["media_id"]
    fields = ("title", "description", "url", "picurl", "btntxt")
    given = {name: options[name] for name in fields if options.get(name) is not None}
    if msgtype == "news" and given:
        body.setdefault("articles", []).append(given)
    else:
        body.update(given)
    return {"msgtype": msgtype, msgtype: body}


def _options(fn: Callable[..., Any]) -> Callable[..., Any]:
    for option in reversed(
        [
            click.option("--tenant", help="Tenant slug or id (with --config, or its default)."),
            click.option("--config", "config_name", help="Config name within the tenant."),
            click.option("--config-id", help="Config id (instead of --tenant/--config)."),
            click.option("--content", help="Text or markdown; '-' reads standard input."),
            click.option(
                "--file",
                type=click.Path(exists=True, dir_okay=False),
                help="Image, file, voice or video to send (inline, or uploaded first).",
            ),
            click.option("--media-id", help="A media id WeCom issued (instead of --file)."),
            click.option("--title", help="Title (textcard, video, a news article)."),
            click.option("--description", help="Description (textcard, video, news)."),
            click.option("--url", help="Link (textcard, a news article)."),
            click.option("--picurl", help="Picture link of a news article."),
            click.option("--btntxt", help="Button text of a textcard."),
            click.option(
                "--body", help="The type's object as WeCom documents it: JSON, or @FILE.json."
            ),
            click.option("--json", "as_json", is_flag=True, help="Print JSON."),
        ]
    ):
        fn = option(fn)
    return fn


def _show(result: MessageDetail | BatchOut, as_json: bool) -> None:
    if as_json:
        emit_json(result)
    elif isinstance(result, BatchOut):
        click.echo(f"batch {result.batch_id}: {len(result.messages)} message(s)")
        for message in result.messages:
            click.echo(f"  {message.id}  {message.status}  {message.msgid or '-'}")
        refused = [r for r in result.recipients if r.status != "ok"]
        for r in refused:
            click.echo(f"  {r.kind} {r.id}: {r.status}")
    else:
        emit_fields({k: getattr(result, k) for k in SHOWN})
        for r in result.results:
            if r.status != "ok":
                click.echo(f"{r.kind} {r.id}: {r.status}")


def _run(request: SendRequest, batch: bool) -> MessageDetail | BatchOut:
    async def run(ctx: HubContext) -> MessageDetail | BatchOut:
        service = MessageService(ctx)
        return await (service.send_batch(request) if batch else service.send(request))

    try:
        return with_hub(run)
    except OutboundError as exc:
        failed = exc.details.get("message_id") if isinstance(exc.details, dict) else None
        if failed is None:
            raise
        message = f"{exc.message} (recorded as failed message {failed})"
        raise HubError(message, code=exc.code) from None


def _request(msgtype: str, options: dict[str, Any], **recipients: Any) -> SendRequest:
    if not options.get("config_id") and not options.get("tenant"):
        raise click.UsageError("give --tenant (optionally with --config NAME) or --config-id")
    message = message_of(msgtype, options)
    return build(
        SendRequest,
        config_id=options.get("config_id"),
        tenant=options.get("tenant"),
        config=options.get("config_name"),
        message=message,
        **recipients,
    )


@send.command("robot")
@click.argument("msgtype", type=click.Choice(sorted(rules.ROBOT_TYPES)))
@click.option("--mention", multiple=True, help="Text: user id to @mention (or @all); repeat.")
@click.option("--mention-mobile", multiple=True, help="Text: mobile number to @mention; repeat.")
@_options
def robot(msgtype: str, as_json: bool, **options: Any) -> None:
    """Post MSGTYPE to a group robot's group."""
    _show(_run(_request(msgtype, options), batch=False), as_json)


@send.command("app")
@click.argument("msgtype", type=click.Choice(sorted(rules.APP_TYPES)))
@click.option("--to-user", multiple=True, help="User id (or @all); repeat, or a|b|c.")
@click.option("--to-party", multiple=True, help="Department id; repeat, or 1|2.")
@click.option("--to-tag", multiple=True, help="Tag id; repeat, or 1|2.")
@click.option("--safe", is_flag=True, help="Confidential: watermarked, no forwarding.")
@click.option("--batch", is_flag=True, help="Any number of recipients: one message per 1000 users.")
@_options
def app(
    msgtype: str, to_user: tuple[str, ...], to_party: tuple[str, ...], to_tag: tuple[str, ...],
    safe: bool, batch: bool, as_json: bool, **options: Any,
) -> None:  # fmt: skip
    """Send MSGTYPE from an application to users, departments and tags."""

    def ids(values: tuple[str, ...]) -> list[str]:
        return [part for value in values for part in value.split("|") if part]

    request = _request(
        msgtype, options, touser=ids(to_user), toparty=ids(to_party), totag=ids(to_tag), safe=safe
    )
    _show(_run(request, batch=batch), as_json)
