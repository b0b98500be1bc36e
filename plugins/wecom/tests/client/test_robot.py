"""`RobotClient` against the fake WeCom: send, the 20-a-minute limit, 45009, 93000, uploads."""

import pytest
from hub.context import HubContext
from hub.http import AuthFailed, InvalidResponse, ProviderError

from hub_wecom.client import RobotClient

from ..fake_wecom import ROBOT_KEY, FakeWeCom, Fault
from ..support import PDF, call_rows, robot_client, robot_config

SEND = "/cgi-bin/webhook/send"
TEXT = {"msgtype": "text", "text": {"content": "hello"}}
OTHER_KEY = "0e1d2c3b-4a59-4687-9aab-bccddeeff001"


async def test_send(ctx: HubContext, fake: FakeWeCom) -> None:
    record = await robot_config(ctx, fake)
    client = await robot_client(ctx, record)
    await client.send(TEXT)
    assert fake.robot_messages == [(ROBOT_KEY, TEXT)]


async def test_key_is_masked_everywhere(ctx: HubContext, fake: FakeWeCom) -> None:
    record = await robot_config(ctx, fake)
    client = await robot_client(ctx, record)
    await client.send(TEXT)
    fake.fail_next(SEND, Fault(40058))
    with pytest.raises(ProviderError) as failed:
        await client.send(TEXT)
    assert ROBOT_KEY not in failed.value.message and "key=***" in failed.value.message
    rows = await call_rows(ctx, record.id)
    assert len(rows) == 2
    for row in rows:
        assert ROBOT_KEY not in row.url
        assert "key=***" in row.url
    assert RobotClient.sensitive_params == frozenset({"key"})


async def test_rate_limited_backs_off_then_sends(ctx: HubContext, fake: FakeWeCom) -> None:
    record = await robot_config(ctx, fake)
    client = await robot_client(ctx, record)
    fake.fail_next(SEND, Fault(45009))
    await client.send(TEXT)
    assert [r.outcome for r in await call_rows(ctx, record.id)] == ["rate_limited", "ok"]
    assert len(fake.robot_messages) == 1
    assert RobotClient.rate_limit_codes == {45009: 60.0}


async def test_every_message_counts_in_the_robots_window(ctx: HubContext, fake: FakeWeCom) -> None:
    """WeCom's 20 a minute is declared on the core's limiter, per robot config."""
    record = await robot_config(ctx, fake)
    other = await robot_config(ctx, fake, "other", webhook_key=OTHER_KEY)
    fake.robot_keys.add(OTHER_KEY)
    client = await robot_client(ctx, record)
    for _ in range(3):
        await client.send(TEXT)
    await (await robot_client(ctx, other)).send(TEXT)
    limit = RobotClient.message_limit()
    assert (limit.limit, limit.per) == (20, 60)
    assert ctx.http.limiter.window("wecom", record.id, limit).in_window == 3
    assert ctx.http.limiter.window("wecom", other.id, limit).in_window == 1


async def test_unknown_key_fails_at_once(ctx: HubContext, fake: FakeWeCom) -> None:
    record = await robot_config(ctx, fake)
    fake.robot_keys.clear()  # the robot was removed from its group
    client = await robot_client(ctx, record)
    with pytest.raises(AuthFailed) as failed:
        await client.send(TEXT)
    assert failed.value.provider_code == "93000"
    assert len(fake.hits(SEND)) == 1


async def test_busy_is_retried(ctx: HubContext, fake: FakeWeCom) -> None:
    record = await robot_config(ctx, fake)
    client = await robot_client(ctx, record)
    fake.fail_next(SEND, Fault(-1))
    await client.send(TEXT)
    assert len(fake.hits(SEND)) == 2


async def test_upload_then_send_file(ctx: HubContext, fake: FakeWeCom) -> None:
    record = await robot_config(ctx, fake)
    client = await robot_client(ctx, record)
    media = await client.upload_media("file", "report.pdf", PDF)
    assert fake.media[media.media_id].owner == ROBOT_KEY
    assert fake.media[media.media_id].filename == "report.pdf"
    await client.send({"msgtype": "file", "file": {"media_id": media.media_id}})
    rows = await call_rows(ctx, record.id)
    assert all(ROBOT_KEY not in r.url for r in rows)
    with pytest.raises(ProviderError) as failed:  # a media id of another robot
        await client.send({"msgtype": "voice", "voice": {"media_id": media.media_id}})
    assert failed.value.provider_code == "40007"
    with pytest.raises(ValueError, match="media type"):
        await client.upload_media("image", "x.png", PDF)


async def test_probe(ctx: HubContext, fake: FakeWeCom) -> None:
    record = await robot_config(ctx, fake)
    client = await robot_client(ctx, record)
    await client.probe()
    assert fake.robot_messages == []  # nothing reached the group
    fake.robot_keys.clear()
    with pytest.raises(AuthFailed):
        await client.probe()
    fake.robot_keys.add(ROBOT_KEY)
    fake.fail_next(SEND, Fault(40058))
    with pytest.raises(ProviderError):
        await client.probe()


async def test_upload_answer_without_media_id(ctx: HubContext, fake: FakeWeCom) -> None:
    record = await robot_config(ctx, fake)
    client = await robot_client(ctx, record)
    fake.fail_next("/cgi-bin/webhook/upload_media", Fault(0))
    with pytest.raises(InvalidResponse, match="no media_id"):
        await client.upload_media("file", "report.pdf", PDF)
