"""`hub wecom callback test` against a running hub, and its check of the hub's answer."""

import asyncio
import json
from collections.abc import Callable
from typing import Any

from aiohttp.test_utils import TestClient
from click.testing import CliRunner, Result
from hub.app import create_app
from hub.cli import make_cli
from hub.cli.common import CliState
from hub.context import CTX_KEY
from hub.plugins import Plugins
from hub.settings import Settings
from hub.webhooks.store import WebhookStore

import hub_wecom.plugin
from hub_wecom import replies
from hub_wecom.cli.callback import check_reply
from hub_wecom.crypto import WeComCrypto
from hub_wecom.replies import TextReply

from . import wecom_sender as ws
from .conftest import callback_values, post_config, robot_values

Invoke = Callable[..., Result]


def make_invoke(settings: Settings, plugins: Plugins) -> Invoke:
    cli = make_cli()
    hub_wecom.plugin.hub_commands(cli)
    cli_state = CliState(settings, plugins)

    def invoke(*args: str, ok: bool = True) -> Result:
        result = CliRunner().invoke(cli, list(args), obj=cli_state)
        if ok:
            assert result.exit_code == 0, (result.output, result.exception)
        return result

    return invoke


async def test_sends_encrypted_samples_to_a_running_hub(
    aiohttp_client: Any, settings: Settings, plugins: Plugins, admin_headers: dict[str, str]
) -> None:
    client: TestClient = await aiohttp_client(create_app(settings, plugins=plugins))
    config_id = await post_config(client, admin_headers, callback_values())
    other_id = await post_config(
        client, admin_headers, callback_values(token="AnotherToken"), name="other"
    )
    silent_id = await post_config(
        client, admin_headers, callback_values(token=None, encoding_aes_key=None), name="silent"
    )
    robot_id = await post_config(client, admin_headers, robot_values(), kind="robot", name="bot")
    # The command's default URL is 127.0.0.1 on HUB_PORT: the test server's port here.
    hub = make_invoke(settings.model_copy(update={"port": client.port}), plugins)

    async def run(*args: str, ok: bool = True) -> Result:
        return await asyncio.to_thread(hub, "wecom", "callback", "test", *args, ok=ok)

    outcome = json.loads((await run("--config", config_id, "--json")).stdout)
    assert outcome["ok"] is True and outcome["problem"] is None
    assert (outcome["method"], outcome["status"], outcome["callback"], outcome["reply"]) == (
        "POST", 200, "text", ""
    )  # fmt: skip
    assert outcome["url"] == f"http://127.0.0.1:{client.port}/webhooks/wecom/{config_id}"
    [stored] = (await WebhookStore(client.app[CTX_KEY]).list(config=config_id)).items
    assert stored.dedup_key is not None and stored.dedup_key.startswith("msg:")

    for sample in ("click", "enter_agent", "template_card_event"):
        text = (await run("--tenant", "acme", "--callback", sample)).stdout  # the default config
        assert f"{sample} callback" in text and text.strip().endswith("ok")
    check = json.loads((await run("--config", config_id, "--url-check", "--json")).stdout)
    assert check["ok"] and check["method"] == "GET" and check["reply"].isdigit()
    text = (await run("--config", config_id, "--url-check")).stdout
    assert "URL verification" in text and ws.TOKEN not in text and ws.AES_KEY not in text

    # The right keys sent to another config's URL: the hub refuses, so WeCom would too.
    wrong_url = f"http://127.0.0.1:{client.port}/webhooks/wecom/{other_id}"
    refused = await run("--config", config_id, "--url", wrong_url, ok=False)
    assert refused.exit_code == 1
    assert "HTTP 401" in refused.stdout and "NOT OK: WeCom needs HTTP 200" in refused.stdout

    # Something other than the hub's webhook answering 200: not the echo WeCom needs.
    health = f"http://127.0.0.1:{client.port}/healthz"
    not_echo = await run("--config", config_id, "--url", health, "--url-check", ok=False)
    assert not_echo.exit_code == 1 and "needs exactly the decrypted echostr" in not_echo.stdout

    no_keys = await run("--config", silent_id, ok=False)
    assert no_keys.exit_code == 1 and "no token and encoding_aes_key" in no_keys.stderr
    robot = await run("--config", robot_id, ok=False)
    assert robot.exit_code == 1 and "not a WeCom app config" in robot.stderr
    down = await run("--config", config_id, "--url", "http://127.0.0.1:9/webhooks/x", ok=False)
    assert down.exit_code == 1 and "could not reach the hub" in down.stderr
    usage = await run(ok=False)
    assert usage.exit_code == 2 and "--config ID or --tenant" in usage.output


def test_check_reply_judges_like_wecom() -> None:
    crypto = WeComCrypto(ws.TOKEN, ws.AES_KEY, ws.CORP_ID)
    assert check_reply(crypto, b"", "zhangsan") == (None, None)
    good = replies.envelope(
        crypto, replies.inner_xml(TextReply(content="hi"), "zhangsan", ws.CORP_ID, 1)
    )
    decrypted, problem = check_reply(crypto, good.encode(), "zhangsan")
    assert problem is None and decrypted is not None and "<Content><![CDATA[hi]]>" in decrypted
    assert check_reply(crypto, good.encode(), "lisi")[1] == (
        "the reply is not addressed to the member who wrote"
    )
    foreign = replies.envelope(
        crypto, replies.inner_xml(TextReply(content="hi"), "zhangsan", "ww-other", 1)
    )
    assert check_reply(crypto, foreign.encode(), "zhangsan")[1] == (
        "the reply's FromUserName is not the CorpID"
    )
    untyped = replies.envelope(crypto, "<xml><ToUserName>zhangsan</ToUserName>"
                               f"<FromUserName>{ws.CORP_ID}</FromUserName></xml>")  # fmt: skip
    assert check_reply(crypto, untyped.encode(), "zhangsan")[1] == "the reply has no MsgType"
    forged = good.replace("<MsgSignature><![CDATA[", "<MsgSignature><![CDATA[0")
    assert "does not verify" in str(check_reply(crypto, forged.encode(), "zhangsan")[1])
    assert "not an encrypted reply" in str(check_reply(crypto, b"success", "zhangsan")[1])
