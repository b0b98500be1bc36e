"""The plugin in a running hub: hooks, provider kinds, migrations, "test connection", CLI group."""

import click
from aiohttp.test_utils import TestClient
from click.testing import CliRunner
from hub.context import HubContext
from hub.plugins import Plugins

import hub_wecom.plugin as plugin
from hub_wecom.client import check_app, check_robot
from hub_wecom.config import AppConfig, RobotConfig
from hub_wecom.webhooks import WEBHOOK_HANDLER

from .conftest import app_values, post_config, robot_values
from .fake_wecom import FakeWeCom


def test_registered_hooks(plugins: Plugins) -> None:
    record = plugins.records["wecom"]
    assert record.status == "loaded"
    assert {
        "hub_providers", "hub_migrations", "hub_subscribers", "hub_routes", "hub_commands",
        "hub_config_changed",
    } <= set(record.hooks)  # fmt: skip


def test_provider_kinds() -> None:
    provider = plugin.hub_providers()
    assert provider.name == "wecom"
    app, robot = provider.kinds
    assert (app.name, app.model, app.test, app.webhook) == (
        "app", AppConfig, check_app, WEBHOOK_HANDLER
    )  # fmt: skip
    assert sorted(app.secret_fields) == ["corp_secret", "encoding_aes_key", "token"]
    assert (robot.name, robot.model, robot.test, robot.webhook) == (
        "robot", RobotConfig, check_robot, None
    )  # fmt: skip
    assert robot.secret_fields == ["webhook_key"]


async def test_migrations_apply(ctx: HubContext) -> None:
    assert await ctx.pending_migrations() == set()


async def test_connection_tests(
    client: TestClient, admin_headers: dict[str, str], fake: FakeWeCom
) -> None:
    app_id = await post_config(client, admin_headers, app_values(fake))
    ok = await client.post(f"/api/admin/configs/{app_id}/test", headers=admin_headers)
    body = await ok.json()
    assert ok.status == 200 and body["state"] == "ok", body
    assert len(fake.hits("/cgi-bin/gettoken")) == 1

    wrong = await post_config(
        client, admin_headers, app_values(fake, corp_secret="wrong-secret"), name="wrong"
    )
    refused = await (
        await client.post(f"/api/admin/configs/{wrong}/test", headers=admin_headers)
    ).json()
    assert refused["state"] == "needs_reauth"
    assert "wrong-secret" not in str(refused)

    robot_id = await post_config(
        client, admin_headers, robot_values(fake), kind="robot", name="bot"
    )
    robot = await (
        await client.post(f"/api/admin/configs/{robot_id}/test", headers=admin_headers)
    ).json()
    assert robot["state"] == "ok", robot
    assert fake.robot_messages == []  # nothing was posted into the group
    assert len(fake.hits("/cgi-bin/webhook/send")) == 1


def test_cli_group() -> None:
    cli = click.Group("hub")
    plugin.hub_commands(cli)
    result = CliRunner().invoke(cli, ["wecom", "--help"])
    assert result.exit_code == 0
    for command in ("config", "callback"):
        assert command in result.output
    result = CliRunner().invoke(cli, ["wecom", "callback", "test", "--help"])
    assert result.exit_code == 0 and "--url-check" in result.output
