"""The `app` and `robot` config kinds: what is accepted, what is refused, what stays secret."""

from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from pydantic import ValidationError

from hub_wecom.config import AppConfig, RobotConfig, aes_key_bytes

from . import wecom_sender as ws
from .conftest import app_values, post_config, robot_values


def app(**overrides: Any) -> AppConfig:
    return AppConfig.model_validate(app_values(**overrides))


def test_app_defaults_and_normalisation() -> None:
    config = app(agent_id="1000002", corp_id="  ww0f1e2d3c4b5a6978 ")
    assert (config.agent_id, config.corp_id) == (1000002, "ww0f1e2d3c4b5a6978")
    assert config.base_url == "https://qyapi.weixin.qq.com"
    assert config.ip_allowlist == [] and config.receives_callbacks
    sending_only = app(token=None, encoding_aes_key=None, base_url="http://127.0.0.1:9/")
    assert not sending_only.receives_callbacks
    assert sending_only.base_url == "http://127.0.0.1:9"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("corp_id", ""),
        ("corp_id", "ww 12"),
        ("agent_id", "abc"),
        ("agent_id", 0),
        ("agent_id", -5),
        ("agent_id", True),
        ("agent_id", 1.5),
        ("agent_id", 2**31),
        ("token", "ab"),
        ("token", "a" * 33),
        ("token", "has-dash"),
        ("encoding_aes_key", ws.AES_KEY[:-1]),
        ("encoding_aes_key", ws.AES_KEY + "A"),
        ("encoding_aes_key", ws.AES_KEY[:-1] + "-"),
        ("encoding_aes_key", ws.AES_KEY[:-1] + "="),
        ("base_url", "ftp://x"),
        ("ip_allowlist", ["not-an-address"]),
    ],
)
def test_app_refusals(field: str, value: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        app(**{field: value})
    assert caught.value.errors()[0]["loc"][0] == field


def test_token_and_key_come_together() -> None:
    for missing in ("token", "encoding_aes_key"):
        with pytest.raises(ValidationError, match="set together"):
            app(**{missing: None})


def test_token_and_key_bounds() -> None:
    assert app(token="abc").token is not None
    assert app(token="A1" * 16).token is not None
    assert len(aes_key_bytes(ws.AES_KEY)) == 32
    assert aes_key_bytes(ws.AES_KEY).hex() == ws.AES_KEY_HEX


def test_robot_key() -> None:
    key = "693a91f6-7aaa-4bc4-97a0-0ec2sifa5aaa"
    assert RobotConfig(webhook_key=key).webhook_key.get_secret_value() == key  # type: ignore[arg-type]
    pasted = RobotConfig.model_validate(
        {"webhook_key": f"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key={key}"}
    )
    assert pasted.webhook_key.get_secret_value() == key
    for bad in ("", "not-a-key", key[:-1], "https://qyapi.weixin.qq.com/cgi-bin/webhook/send"):
        with pytest.raises(ValidationError, match="robot's key"):
            RobotConfig.model_validate({"webhook_key": bad})
    with pytest.raises(ValidationError):
        RobotConfig.model_validate({"webhook_key": 123})
    assert RobotConfig.model_validate(robot_values()).name == "Ops group"


async def test_configs_through_the_admin_api(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    app_id = await post_config(client, admin_headers, app_values())
    robot_id = await post_config(client, admin_headers, robot_values(), kind="robot", name="bot")
    shown = await (await client.get(f"/api/admin/configs/{app_id}", headers=admin_headers)).json()
    assert shown["kind"] == "app"
    assert shown["config"]["corp_secret"] == shown["config"]["token"] == "***"
    assert shown["config"]["encoding_aes_key"] == "***"
    assert shown["config"]["agent_id"] == 1000002
    robot = await (await client.get(f"/api/admin/configs/{robot_id}", headers=admin_headers)).json()
    assert robot["kind"] == "robot" and robot["config"]["webhook_key"] == "***"
    text = str(shown) + str(robot)
    assert ws.AES_KEY not in text and ws.TOKEN not in text

    bad = await client.post(
        "/api/admin/configs",
        headers=admin_headers,
        json={
            "tenant": "acme", "provider": "wecom", "kind": "app", "name": "bad",
            "config": app_values(encoding_aes_key="tooShort", token="x"),
        },
    )  # fmt: skip
    assert bad.status == 422
    body = await bad.json()
    assert body["code"] == "validation_failed"
    assert "tooShort" not in str(body)
    fields = {d["field"] for d in body["details"]}
    assert any("encoding_aes_key" in f for f in fields) and any("token" in f for f in fields)
    no_kind = await client.post(
        "/api/admin/configs",
        headers=admin_headers,
        json={"tenant": "acme", "provider": "wecom", "name": "x", "config": robot_values()},
    )
    assert no_kind.status == 422
