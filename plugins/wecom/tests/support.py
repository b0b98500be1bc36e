"""What the sending tests share: millisecond backoff, the reference's image, configs, clients."""

import base64
from typing import Any

from hub.context import HubContext
from hub.http import Backoff
from hub.tenants.records import ConfigRecord

from hub_wecom.client import AppClient, RobotClient
from hub_wecom.config import AppConfig, RobotConfig

from .conftest import app_values, make_config, robot_values
from .fake_wecom import FakeWeCom

FAST = Backoff(base=0.001, cap=0.004, floor_cap=0.01)
"""Retries wait milliseconds, also after WeCom's "wait a minute" (45009)."""

IMAGE = bytes.fromhex("89504e470d0a1a0a") + b"-hub-test-image"
"""The reference's image vector (§4.1): PNG signature + ASCII, 23 bytes."""
IMAGE_BASE64 = "iVBORw0KGgotaHViLXRlc3QtaW1hZ2U="
IMAGE_MD5 = "bc217a55a6b22db6a0090595341ea305"
PDF = b"%PDF-1.4 hub test file\n"
AMR = b"#!AMR\n" + bytes(64)
MP4 = b"\x00\x00\x00\x18ftypmp42" + bytes(64)


def b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


async def app_config(
    ctx: HubContext, fake: FakeWeCom, config: str = "app", **overrides: Any
) -> ConfigRecord:
    """An `app` config of tenant `acme` named `config`, for the fake."""
    return await make_config(ctx, app_values(fake, **overrides), kind="app", name=config)


async def robot_config(
    ctx: HubContext, fake: FakeWeCom, config: str = "robot", **overrides: Any
) -> ConfigRecord:
    """A `robot` config of tenant `acme` named `config`, for the fake's robot."""
    return await make_config(ctx, robot_values(fake, **overrides), kind="robot", name=config)


async def app_client(ctx: HubContext, record: ConfigRecord) -> AppClient:
    config = await ctx.configs.values(record.id)
    assert isinstance(config, AppConfig)
    return AppClient(ctx.http, record.id, config, backoff=FAST)


async def robot_client(ctx: HubContext, record: ConfigRecord) -> RobotClient:
    config = await ctx.configs.values(record.id)
    assert isinstance(config, RobotConfig)
    return RobotClient(ctx.http, record.id, config, backoff=FAST)


async def call_rows(ctx: HubContext, config_id: str) -> list[Any]:
    """The call log of a config, oldest first."""
    await ctx.http.calls.flush()
    return list(reversed((await ctx.http.calls.list(config_id=config_id, limit=500)).items))
