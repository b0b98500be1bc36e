"""`hub tencent-meeting webhook ...` against callbacks a real hub received."""

import asyncio
import json
from collections.abc import Callable
from typing import Any

import click
import pytest
from aiohttp.test_utils import TestClient, TestServer
from click.testing import CliRunner, Result
from hub.app import create_app
from hub.cli import make_cli
from hub.cli.common import CliState
from hub.context import CTX_KEY
from hub.plugins import Plugins
from hub.settings import Settings
from hub.testing import ADMIN_TOKEN
from hub.webhooks.store import WebhookStore

import hub_tencent_meeting.plugin

from .test_webhooks import make_config, wait_for
from .webhook_sender import AES_KEY, TOKEN, TencentSender, event, item

ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
Invoke = Callable[..., Result]


def make_invoke(settings: Settings, plugins: Plugins) -> Invoke:
    cli = make_cli()
    hub_tencent_meeting.plugin.hub_commands(cli)
    cli_state = CliState(settings, plugins)

    def invoke(*args: str, ok: bool = True) -> Result:
        result = CliRunner().invoke(cli, list(args), obj=cli_state)
        if ok:
            assert result.exit_code == 0, (result.output, result.exception)
        return result

    return invoke


@pytest.fixture
def hub(settings: Settings, plugins: Plugins) -> Invoke:
    return make_invoke(settings, plugins)


class Received:
    def __init__(self, config_id: str, ids: list[str]) -> None:
        self.config_id = config_id
        self.ids = ids  # oldest first


@pytest.fixture
def received(settings: Settings, plugins: Plugins) -> Received:
    """Two processed callbacks (one delivered twice, one with two items) and a forged one."""

    async def run() -> Received:
        client = TestClient(TestServer(create_app(settings, plugins=plugins)))
        await client.start_server()
        try:
            config_id = await make_config(client, ADMIN)
            sender = TencentSender(client, config_id)
            started = event("meeting.started", trace_id="t-started")
            joined = event("meeting.participant-joined", item(), item(), trace_id="t-joined")
            for message in (started, started, joined):
                assert (await sender.post(message)).status == 200
            assert (await sender.post(joined, token="forged")).status == 401
            store = WebhookStore(client.app[CTX_KEY])

            async def processed() -> bool:
                page = await store.list(status="processed")
                rejected = await store.rejections()
                return len(page.items) == 2 and len(rejected.items) == 1

            await wait_for(processed)
            page = await store.list()
            return Received(config_id, [w.id for w in reversed(page.items)])
        finally:
            await client.close()

    return asyncio.run(run())


def test_group_is_registered(hub: Invoke) -> None:
    assert "tencent-meeting" in hub("--help").stdout
    out = hub("tencent-meeting", "webhook", "--help").stdout
    for command in ("list", "show", "replay", "test", "stats", "clear"):
        assert command in out
    group = click.Group("hub")
    hub_tencent_meeting.plugin.hub_commands(group)
    assert "tencent-meeting" in group.commands


def test_list_and_show(received: Received, hub: Invoke) -> None:
    items = json.loads(hub("tencent-meeting", "webhook", "list", "--json").stdout)
    assert [i["dedup_key"] for i in items] == ["t-joined", "t-started"]
    assert {i["provider"] for i in items} == {"tencent_meeting"}
    assert [i["duplicates"] for i in items] == [0, 1]
    none = hub("tencent-meeting", "webhook", "list", "--status", "failed", "--json")
    assert json.loads(none.stdout) == []
    other = hub("tencent-meeting", "webhook", "list", "--config", "nope", "--json")
    assert json.loads(other.stdout) == []
    table = hub("tencent-meeting", "webhook", "list").stdout
    assert table.splitlines()[0].split()[:3] == ["ID", "PROVIDER", "CONFIG_ID"]
    assert "t-joined" in table

    detail = json.loads(hub("tencent-meeting", "webhook", "show", received.ids[1], "--json").stdout)
    assert detail["dedup_key"] == "t-joined"
    assert detail["messages"][0]["event"] == "meeting.participant-joined"
    assert set(detail["headers"]) >= {"timestamp", "nonce", "signature"}
    text = hub("tencent-meeting", "webhook", "show", received.ids[1]).stdout
    assert "event (decrypted):" in text
    assert '"event": "meeting.participant-joined"' in text
    assert TOKEN not in text and AES_KEY not in text

    missing = hub("tencent-meeting", "webhook", "show", "nope", ok=False)
    assert missing.exit_code == 1
    assert missing.stderr.strip() == "error: webhook 'nope' not found"


def test_replay(received: Received, hub: Invoke) -> None:
    out = hub("tencent-meeting", "webhook", "replay", received.ids[1]).stdout
    assert out.startswith("nothing new to publish: the webhook's 2 event(s)")
    forced = json.loads(
        hub("tencent-meeting", "webhook", "replay", received.ids[1], "--force", "--json").stdout
    )
    assert forced["published"] == 2 and forced["event_count"] == 4
    again = hub("tencent-meeting", "webhook", "replay", received.ids[0], "--force").stdout
    assert again.startswith("published 1 event(s): ")
    assert hub("tencent-meeting", "webhook", "replay", "nope", ok=False).exit_code == 1


def test_stats(received: Received, hub: Invoke) -> None:
    stats = json.loads(hub("tencent-meeting", "webhook", "stats", "--json").stdout)
    assert stats["webhooks"] == [
        {
            "provider": "tencent_meeting", "config_id": received.config_id, "received": 2,
            "duplicates": 1, "rejected": 1, "pending": 0, "processed": 2, "failed": 0,
        }
    ]  # fmt: skip
    by_type = {row["type"]: row["events"] for row in stats["events"]}
    assert by_type == {
        "tencent_meeting.meeting.started": 1,
        "tencent_meeting.meeting.participant-joined": 2,
    }
    table = hub("tencent-meeting", "webhook", "stats").stdout
    assert "REJECTED" in table and "tencent_meeting.meeting.started" in table


def test_clear(received: Received, hub: Invoke) -> None:
    refused = hub("tencent-meeting", "webhook", "clear", ok=False)
    assert refused.exit_code == 1 and "--yes" in refused.stderr
    kept = hub("tencent-meeting", "webhook", "clear", "--before", "1d", "--yes").stdout
    assert kept.strip() == "deleted 0 webhook(s) and 0 rejection(s)"
    wrong = hub("tencent-meeting", "webhook", "clear", "--config", "nope", "--yes", ok=False)
    assert wrong.exit_code == 1
    out = hub("tencent-meeting", "webhook", "clear", "--config", received.config_id, "--yes").stdout
    assert out.strip() == "deleted 2 webhook(s) and 1 rejection(s)"
    assert json.loads(hub("tencent-meeting", "webhook", "list", "--json").stdout) == []
    assert hub("tencent-meeting", "webhook", "clear", "--yes").stdout.strip() == (
        "deleted 0 webhook(s) and 0 rejection(s)"
    )


async def test_test_sends_a_signed_encrypted_event_to_a_running_hub(
    aiohttp_client: Any, settings: Settings, plugins: Plugins
) -> None:
    client: TestClient = await aiohttp_client(create_app(settings, plugins=plugins))
    config_id = await make_config(client, ADMIN)
    plain_id = await make_config(client, ADMIN, name="plain", encoding_aes_key=None)
    other_id = await make_config(client, ADMIN, name="other", webhook_token="another-token")
    # The command's default URL is 127.0.0.1 on HUB_PORT: the test server's port here.
    hub = make_invoke(settings.model_copy(update={"port": client.port}), plugins)

    async def run(*args: str, ok: bool = True) -> Result:
        return await asyncio.to_thread(hub, "tencent-meeting", "webhook", "test", *args, ok=ok)

    outcome = json.loads((await run("--config", config_id, "--json")).stdout)
    assert outcome["ok"] is True
    assert (outcome["method"], outcome["status"], outcome["event"]) == (
        "POST", 200, "meeting.started"
    )  # fmt: skip
    assert outcome["reply"] == "successfully received callback"
    assert outcome["url"] == f"http://127.0.0.1:{client.port}/webhooks/tencent_meeting/{config_id}"
    store = WebhookStore(client.app[CTX_KEY])
    [stored] = (await store.list(config=config_id)).items
    assert stored.dedup_key == outcome["trace_id"]
    detail = await store.get(stored.id)
    assert AES_KEY not in detail.body.decode() and "meeting.started" not in detail.body.decode()
    assert detail.messages[0]["event"] == "meeting.started"

    text = (await run("--tenant", "acme", "--event", "recording.completed")).stdout
    assert "recording.completed" in text and text.strip().endswith("ok")
    check = json.loads((await run("--config", config_id, "--url-check", "--json")).stdout)
    assert check["ok"] and check["method"] == "GET" and check["reply"].startswith("hub-check-")
    plain = json.loads((await run("--config", plain_id, "--json")).stdout)
    assert plain["ok"]
    [plain_stored] = (await store.list(config=plain_id)).items
    assert plain_stored.dedup_key == plain["trace_id"]

    # The config's token does not match what the hub expects at that URL: refused, exit 1.
    other_url = str(client.make_url(f"/webhooks/tencent_meeting/{other_id}"))
    refused = await run("--config", config_id, "--url", other_url, ok=False)
    assert refused.exit_code == 1
    assert "answer: HTTP 401" in refused.stdout and "NOT OK" in refused.stdout
    assert TOKEN not in refused.stdout and AES_KEY not in refused.stdout

    unreachable = await run("--config", config_id, "--url", "http://127.0.0.1:1/x", ok=False)
    assert unreachable.exit_code == 1
    assert unreachable.stderr.startswith("error: could not reach the hub at http://127.0.0.1:1/x")

    usage = await run(ok=False)
    assert usage.exit_code == 2 and "--config" in usage.output
    no_token = await make_config(client, ADMIN, name="silent", webhook_token=None)
    missing = await run("--config", no_token, ok=False)
    assert missing.exit_code == 1 and "no webhook_token" in missing.stderr

    async def all_processed() -> bool:
        page = await store.list(status="pending")
        return not page.items

    await wait_for(all_processed)
