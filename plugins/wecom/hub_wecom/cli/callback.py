"""`hub wecom callback test`: play WeCom against a running hub, with a config's real keys.

It encrypts and signs a sample callback with the config's token, EncodingAESKey
and CorpID exactly as WeCom does, sends it to the hub's webhook URL and checks
the answer the way WeCom would: an empty 200 or a correctly encrypted and
signed passive reply for a POST, the plaintext echo for the URL verification
GET (`--url-check`). It is the quickest way to see that the URL, token and key
entered in WeCom's console will work. The sample is a real callback for the
hub (from the member `--from-user`), so subscribers see it like any other.
"""

import secrets
import time
from typing import Any
from urllib.parse import quote, urlencode

import aiohttp
import click
from hub.cli.common import emit_json, state, with_hub
from hub.context import HubContext
from hub.errors import HubError, NotFound, ValidationFailed
from pydantic import BaseModel

from hub_wecom import PROVIDER, callback_xml
from hub_wecom.config import AppConfig
from hub_wecom.crypto import CryptoError, WeComCrypto

SAMPLES = ("text", "enter_agent", "click", "template_card_event")


@click.group("callback")
def callback() -> None:
    """WeCom's callbacks to the hub: send a correctly encrypted sample to check the set-up."""


def sample_callback(sample: str, config: AppConfig, member: str, now: int) -> str:
    """A plausible decrypted callback of kind `sample`, as WeCom writes it."""
    fields: dict[str, Any] = {
        "ToUserName": config.corp_id,
        "FromUserName": member,
        "CreateTime": now,
    }
    if sample == "text":
        fields |= {
            "MsgType": "text",
            "Content": "Integration Hub callback test",
            "MsgId": secrets.randbelow(9 * 10**18) + 10**18,
        }
    elif sample == "template_card_event":
        fields |= {
            "MsgType": "event",
            "Event": "template_card_event",
            "EventKey": "hub-test",
            "TaskId": f"hub-test-{secrets.token_hex(6)}",
            "CardType": "button_interaction",
            "ResponseCode": secrets.token_hex(16),
        }
    else:
        key = "hub-test" if sample == "click" else ""
        fields |= {"MsgType": "event", "Event": sample, "EventKey": key}
    fields["AgentID"] = config.agent_id
    return callback_xml.document(fields)


class Outcome(BaseModel):
    url: str
    method: str
    callback: str | None
    status: int
    reply: str
    decrypted_reply: str | None = None
    ok: bool
    problem: str | None = None


def check_reply(crypto: WeComCrypto, body: bytes, member: str) -> tuple[str | None, str | None]:
    """(decrypted reply, problem): what WeCom would make of a POST's 200 answer."""
    if not body.strip():
        return None, None
    try:
        envelope = callback_xml.parse(body, limit=256 * 1024)
        values = {
            tag: callback_xml.text_of(envelope, tag) or ""
            for tag in ("Encrypt", "MsgSignature", "TimeStamp", "Nonce")
        }
        plain = crypto.open(
            values["MsgSignature"], values["TimeStamp"], values["Nonce"], values["Encrypt"]
        )
        reply = callback_xml.parse(plain, limit=256 * 1024)
    except callback_xml.XmlRefused as exc:
        return None, f"the answer is not an encrypted reply: {exc}"
    except CryptoError as exc:
        return None, f"the reply does not verify: {exc}"
    text = plain.decode("utf-8", errors="replace")
    if callback_xml.text_of(reply, "ToUserName") != member:
        return text, "the reply is not addressed to the member who wrote"
    if callback_xml.text_of(reply, "FromUserName") != crypto.receive_id:
        return text, "the reply's FromUserName is not the CorpID"
    if not callback_xml.text_of(reply, "MsgType"):
        return text, "the reply has no MsgType"
    return text, None


async def _send(
    ctx: HubContext, config: AppConfig, url: str, sample: str, member: str, url_check: bool
) -> Outcome:
    if config.token is None or config.encoding_aes_key is None:
        raise ValidationFailed(
            "this config has no token and encoding_aes_key: copy them from the app's "
            "Receive Messages settings in WeCom's console first",
            code="no_callback_keys",
        )
    crypto = WeComCrypto(
        config.token.get_secret_value(), config.encoding_aes_key.get_secret_value(), config.corp_id
    )
    timestamp, nonce = str(int(time.time())), str(secrets.randbelow(9 * 10**9) + 10**9)
    if url_check:
        expected = str(secrets.randbelow(9 * 10**18) + 10**18)
        echostr, msg_signature = crypto.seal(expected.encode(), timestamp, nonce)
        query = urlencode({"msg_signature": msg_signature, "timestamp": timestamp, "nonce": nonce})
        method, target, body = "GET", f"{url}?{query}&echostr={quote(echostr, safe='')}", None
    else:
        plaintext = sample_callback(sample, config, member, int(timestamp))
        encrypted, msg_signature = crypto.seal(plaintext.encode("utf-8"), timestamp, nonce)
        body = callback_xml.document(
            {"ToUserName": config.corp_id, "Encrypt": encrypted, "AgentID": str(config.agent_id)}
        ).encode("utf-8")
        query = urlencode({"msg_signature": msg_signature, "timestamp": timestamp, "nonce": nonce})
        method, target = "POST", f"{url}?{query}"
    try:
        async with ctx.http.session.request(method, target, data=body) as answer:
            status, raw = answer.status, await answer.read()
    except (aiohttp.ClientError, TimeoutError) as exc:
        raise HubError(
            f"could not reach the hub at {url}: {type(exc).__name__} {exc}".strip(),
            code="hub_unreachable",
        ) from None
    text = raw.decode("utf-8", errors="replace")
    outcome = Outcome(
        url=url,
        method=method,
        callback=None if url_check else sample,
        status=status,
        reply=text,
        ok=False,
    )
    if status != 200:
        outcome.problem = f"WeCom needs HTTP 200, the hub answered {status}"
    elif url_check:
        outcome.ok = raw == expected.encode()
        if not outcome.ok:
            outcome.problem = f"WeCom needs exactly the decrypted echostr {expected!r} as the body"
    else:
        outcome.decrypted_reply, outcome.problem = check_reply(crypto, raw, member)
        outcome.ok = outcome.problem is None
    return outcome


@callback.command("test")
@click.option("--config", "config_id", help="Config id (or --tenant, with --name).")
@click.option("--tenant", help="Tenant slug or id: use its default WeCom config.")
@click.option("--name", help="Config name within the tenant (default: the default one).")
@click.option(
    "--url",
    help="Webhook URL of the running hub "
    "(default: http://127.0.0.1:<HUB_PORT>/webhooks/wecom/<config id>).",
)
@click.option(
    "--callback",
    "sample",
    type=click.Choice(SAMPLES),
    default="text",
    show_default=True,
    help="Which sample callback to send.",
)
@click.option("--from-user", "member", default="hub-test", show_default=True,
              help="The UserID the sample comes from.")  # fmt: skip
@click.option("--url-check", is_flag=True, help="Send WeCom's URL verification GET instead.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def test(
    config_id: str | None, tenant: str | None, name: str | None, url: str | None,
    sample: str, member: str, url_check: bool, as_json: bool,
) -> None:  # fmt: skip
    """Send an encrypted, signed sample callback (or --url-check) to a running hub.

    Prints the hub's answer; exits 1 unless WeCom would accept it: HTTP 200
    with an empty body or a valid encrypted reply, or exactly the echoed
    plaintext for --url-check.
    """
    if not config_id and not tenant:
        raise click.UsageError("give --config ID or --tenant SLUG")
    port = state().settings.port

    async def run(ctx: HubContext) -> Outcome:
        record, config = await ctx.configs.select(
            config_id, tenant=tenant, provider=PROVIDER, name=name
        )
        if record.provider != PROVIDER or not isinstance(config, AppConfig):
            raise NotFound(
                f"config {record.id!r} is not a WeCom app config (only apps receive callbacks)",
                code="config_not_found",
            )
        target = url or f"http://127.0.0.1:{port}/webhooks/{PROVIDER}/{record.id}"
        return await _send(ctx, config, target, sample, member, url_check)

    outcome = with_hub(run)
    if as_json:
        emit_json(outcome)
    else:
        what = "URL verification" if url_check else f"{outcome.callback} callback"
        click.echo(f"{outcome.method} {outcome.url}: {what}")
        click.echo(f"answer: HTTP {outcome.status}: {outcome.reply or '(empty)'}")
        if outcome.decrypted_reply:
            click.echo(f"passive reply (decrypted): {outcome.decrypted_reply}")
        click.echo("ok" if outcome.ok else f"NOT OK: {outcome.problem}")
    if not outcome.ok:
        raise SystemExit(1)
