"""`hub webhooks ...` against webhooks a running app received."""

import asyncio
import json
from types import ModuleType

import pytest
from aiohttp.test_utils import TestClient, TestServer
from click.testing import CliRunner, Result

from hub.app import create_app
from hub.cli import make_cli
from hub.cli.common import CliState
from hub.plugins import Plugins
from hub.settings import Settings
from tests.webhooks.conftest import SECRET, Hook, wait_for


class Received:
    def __init__(self, config_id: str, ids: list[str]) -> None:
        self.config_id = config_id
        self.ids = ids


@pytest.fixture
def received(settings: Settings, plugins: Plugins, signing: ModuleType) -> Received:
    """Three processed webhooks and one rejected attempt, through a real app."""

    async def run() -> Received:
        client = TestClient(TestServer(create_app(settings, plugins=plugins)))
        await client.start_server()
        try:
            hook = Hook(client, signing)
            config = await hook.config()
            for n in range(3):
                assert (await hook.send(config.id, f"cli-{n}", text=f"t{n}")).status == 200
            assert (await hook.send(config.id, "x", secret="forged")).status == 401
            await hook.until_processed(3)

            async def audited() -> bool:
                return await hook.scalar("SELECT count(*) FROM hub_webhook_rejections") == 1

            await wait_for(audited)
            return Received(config.id, [w.id for w in await hook.webhooks()])
        finally:
            await client.close()

    return asyncio.run(run())


@pytest.fixture
def hub(settings: Settings, plugins: Plugins):  # type: ignore[no-untyped-def]
    cli = make_cli()
    state = CliState(settings, plugins)

    def invoke(*args: str, ok: bool = True) -> Result:
        result = CliRunner().invoke(cli, list(args), obj=state)
        if ok:
            assert result.exit_code == 0, (result.output, result.exception)
        return result

    return invoke


def test_list_and_show(received: Received, hub) -> None:  # type: ignore[no-untyped-def]
    items = json.loads(hub("webhooks", "list", "--json").stdout)
    assert [i["dedup_key"] for i in items] == ["cli-2", "cli-1", "cli-0"]
    assert {i["status"] for i in items} == {"processed"}
    assert json.loads(hub("webhooks", "list", "--status", "pending", "--json").stdout) == []
    other = "01a00000-0000-7000-8000-000000000000"
    assert json.loads(hub("webhooks", "list", "--config", other, "--json").stdout) == []
    table = hub("webhooks", "list").stdout
    assert table.splitlines()[0].split()[:3] == ["ID", "PROVIDER", "CONFIG_ID"]
    assert "cli-1" in table

    detail = json.loads(hub("webhooks", "show", received.ids[0], "--json").stdout)
    assert detail["dedup_key"] == "cli-0"
    assert json.loads(detail["body"]) == {"message_id": "cli-0", "text": "t0"}
    assert detail["body_encoding"] == "utf-8"
    assert detail["messages"] == [{"message_id": "cli-0", "text": "t0"}]
    assert "X-Test-Signature" in detail["headers"]
    text = hub("webhooks", "show", received.ids[0]).stdout
    assert '"message_id": "cli-0"' in text and "status" in text
    assert SECRET not in text


def test_unknown_webhook_is_one_line_error(received: Received, hub) -> None:  # type: ignore[no-untyped-def]
    result = hub("webhooks", "show", "nope", ok=False)
    assert result.exit_code == 1
    assert result.stderr.strip() == "error: webhook 'nope' not found"
    assert hub("webhooks", "replay", "nope", ok=False).exit_code == 1


def test_stats_and_rejections(received: Received, hub) -> None:  # type: ignore[no-untyped-def]
    [row] = json.loads(hub("webhooks", "stats", "--json").stdout)["items"]
    assert row == {
        "provider": "test_hmac", "config_id": received.config_id, "received": 3,
        "duplicates": 0, "rejected": 1, "pending": 0, "processed": 3, "failed": 0,
    }  # fmt: skip
    assert "REJECTED" in hub("webhooks", "stats").stdout
    [rejection] = json.loads(hub("webhooks", "rejections", "--json").stdout)
    assert rejection["code"] == "invalid_signature"
    assert rejection["remote_ip"] == "127.0.0.1"


def test_replay_and_force(received: Received, hub) -> None:  # type: ignore[no-untyped-def]
    out = hub("webhooks", "replay", received.ids[1]).stdout
    assert out.startswith("nothing new to publish")
    forced = json.loads(hub("webhooks", "replay", received.ids[1], "--force", "--json").stdout)
    assert forced["published"] == 1 and forced["event_count"] == 2
    assert hub("webhooks", "replay", received.ids[1], "--force").stdout.startswith(
        "published 1 event(s): "
    )


def test_clear(received: Received, hub) -> None:  # type: ignore[no-untyped-def]
    refused = hub("webhooks", "clear", ok=False)
    assert refused.exit_code == 1 and "--yes" in refused.stderr
    assert hub("webhooks", "clear", "--before", "1d", "--yes").stdout.strip() == (
        "deleted 0 webhook(s) and 0 rejection(s)"
    )
    bad = hub("webhooks", "clear", "--before", "someday", "--yes", ok=False)
    assert bad.exit_code == 1 and "--before" in bad.stderr
    assert hub("webhooks", "clear", "--yes").stdout.strip() == (
        "deleted 3 webhook(s) and 1 rejection(s)"
    )
    assert json.loads(hub("webhooks", "list", "--json").stdout) == []
