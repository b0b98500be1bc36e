"""Batch sending: split at WeCom's per-call limits, one message per call, results per recipient."""

from typing import Any

import pytest
from hub.context import HubContext
from hub.errors import ValidationFailed
from hub.http import ServerError

from hub_wecom.messages.schemas import BatchOut, SendRequest
from hub_wecom.messages.service import MessageService, chunks

from ..fake_wecom import FakeWeCom, Fault
from ..support import FAST, PDF, app_config, b64, robot_config

TEXT = {"msgtype": "text", "text": {"content": "all hands"}}


def batch_request(config_id: str, **fields: Any) -> SendRequest:
    return SendRequest.model_validate({"config_id": config_id, "message": TEXT, **fields})


async def batch(ctx: HubContext, config_id: str, **fields: Any) -> BatchOut:
    return await MessageService(ctx, backoff=FAST).send_batch(batch_request(config_id, **fields))


def test_split_at_wecoms_limits() -> None:
    users = [f"u{n}" for n in range(2500)]
    parties = [str(n) for n in range(150)]
    parts = chunks(batch_request("c", touser=users, toparty=parties, totag=["1"]))
    assert [(len(p.users), len(p.parties), len(p.tags)) for p in parts] == [
        (1000, 100, 1), (1000, 50, 0), (500, 0, 0)
    ]  # fmt: skip
    assert [u for p in parts for u in p.users] == users
    assert len(chunks(batch_request("c", totag=[str(n) for n in range(201)]))) == 3
    assert len(chunks(batch_request("c", touser=["a"]))) == 1


async def test_batch_with_per_recipient_results(ctx: HubContext, fake: FakeWeCom) -> None:
    users = [f"user{n:04d}" for n in range(1500)]
    fake.users.update(users[:1499])  # the last one is unknown to WeCom
    record = await app_config(ctx, fake)
    result = await batch(ctx, record.id, touser=users, toparty=["1", "404"])
    assert len(result.messages) == 2 and len(fake.sent()) == 2
    assert [len(m["touser"].split("|")) for m in fake.sent()] == [1000, 500]
    assert {m.batch_id for m in result.messages} == {result.batch_id}
    assert all(m.status == "sent" for m in result.messages)
    by_id = {(r.kind, r.id): r for r in result.recipients}
    assert len(by_id) == 1502
    assert by_id[("user", users[-1])].status == "invalid"
    assert by_id[("party", "404")].status == "invalid"
    assert by_id[("user", users[0])].status == "ok"
    assert by_id[("user", users[0])].message_id == result.messages[0].id
    assert by_id[("user", users[-1])].message_id == result.messages[1].id
    listed = await MessageService(ctx).store.list(batch=result.batch_id)
    assert {m.id for m in listed.items} == {m.id for m in result.messages}


async def test_a_failed_call_does_not_stop_the_others(ctx: HubContext, fake: FakeWeCom) -> None:
    users = [f"user{n:04d}" for n in range(1200)]
    fake.users.update(users)
    record = await app_config(ctx, fake)
    fake.fail_next("/cgi-bin/message/send", Fault(status=502))
    result = await batch(ctx, record.id, touser=users)
    assert [m.status for m in result.messages] == ["failed", "sent"]
    assert result.messages[0].error_code == "outbound_server_error"
    statuses = {r.status for r in result.recipients if r.message_id == result.messages[0].id}
    assert statuses == {"failed"}


async def test_template_cards_get_a_task_id_per_call(ctx: HubContext, fake: FakeWeCom) -> None:
    users = [f"user{n:04d}" for n in range(1001)]
    fake.users.update(users)
    record = await app_config(ctx, fake)
    card = {"card_type": "vote_interaction", "task_id": "vote-7", "main_title": {"title": "?"}}
    request = SendRequest.model_validate({"config_id": record.id, "touser": users,
        "message": {"msgtype": "template_card", "template_card": card}})  # fmt: skip
    result = await MessageService(ctx, backoff=FAST).send_batch(request)
    assert [m.task_id for m in result.messages] == ["vote-7-1", "vote-7-2"]
    assert [m["template_card"]["task_id"] for m in fake.sent()] == ["vote-7-1", "vote-7-2"]


async def test_media_is_uploaded_once(ctx: HubContext, fake: FakeWeCom) -> None:
    users = [f"user{n:04d}" for n in range(1001)]
    fake.users.update(users)
    record = await app_config(ctx, fake)
    message = {"msgtype": "file", "file": {"base64": b64(PDF), "filename": "plan.pdf"}}
    request = SendRequest.model_validate({"config_id": record.id, "touser": users,
                                          "message": message})  # fmt: skip
    result = await MessageService(ctx, backoff=FAST).send_batch(request)
    assert len(fake.media) == 1 and len(result.messages) == 2
    assert {m["file"]["media_id"] for m in fake.sent()} == set(fake.media)

    fake.fail_next("/cgi-bin/media/upload", *[Fault(status=502)] * 3)
    with pytest.raises(ServerError):
        await MessageService(ctx, backoff=FAST).send_batch(request)
    failed = await MessageService(ctx).store.list(status="failed")
    assert len(failed.items) == 2


async def test_batch_is_for_applications(ctx: HubContext, fake: FakeWeCom) -> None:
    robot = await robot_config(ctx, fake)
    with pytest.raises(ValidationFailed) as refused:
        await batch(ctx, robot.id)
    assert refused.value.code == "batch_needs_app"
    app = await app_config(ctx, fake)
    with pytest.raises(ValidationFailed):
        await batch(ctx, app.id)  # nobody to send to
