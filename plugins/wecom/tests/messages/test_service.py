"""Sending every message type through robots and applications, and what gets recorded."""

from typing import Any

import pytest
from hub.bus.store import EventStore
from hub.context import HubContext
from hub.errors import ValidationFailed
from hub.http import AuthFailed, ProviderError, ServerError
from hub.tenants.records import ConfigRecord
from sqlalchemy import func, select

from hub_wecom.messages.models import WeComMessage
from hub_wecom.messages.schemas import MessageDetail, SendRequest
from hub_wecom.messages.service import MessageService
from hub_wecom.messages.status import STATUS_CHANGED

from ..fake_wecom import ROBOT_KEY, FakeWeCom, Fault
from ..support import (
    AMR,
    FAST,
    IMAGE,
    IMAGE_BASE64,
    IMAGE_MD5,
    MP4,
    PDF,
    app_config,
    b64,
    robot_config,
)

CARD_ACTION = {"type": 1, "url": "https://example.com"}


async def send(ctx: HubContext, record: ConfigRecord, **fields: Any) -> MessageDetail:
    request = SendRequest.model_validate({"config_id": record.id, **fields})
    return await MessageService(ctx, backoff=FAST).send(request)


def statuses(detail: MessageDetail) -> list[tuple[str | None, str]]:
    return [(h.from_status, h.to_status) for h in detail.history]


async def status_events(ctx: HubContext, message_id: str) -> list[dict[str, Any]]:
    store = EventStore(ctx.bus)
    page = await store.list(type=STATUS_CHANGED, limit=500)
    payloads = [(await store.get(e.id)).payload for e in reversed(page.items)]
    return [p for p in payloads if p["message_id"] == message_id]


ROBOT_MESSAGES = [
    (
        {"msgtype": "text", "text": {"content": "deploy done",
                                     "mentioned_list": ["zhangsan", "@all"],
                                     "mentioned_mobile_list": ["13800001111"]}},
        {"msgtype": "text", "text": {"content": "deploy done",
                                     "mentioned_list": ["zhangsan", "@all"],
                                     "mentioned_mobile_list": ["13800001111"]}},
    ),
    (
        {"msgtype": "markdown", "markdown": {"content": "**bold** <@zhangsan>"}},
        {"msgtype": "markdown", "markdown": {"content": "**bold** <@zhangsan>"}},
    ),
    (
        {"msgtype": "markdown_v2", "markdown_v2": {"content": "| a | b |"}},
        {"msgtype": "markdown_v2", "markdown_v2": {"content": "| a | b |"}},
    ),
    (
        {"msgtype": "image", "image": {"base64": IMAGE_BASE64}},
        {"msgtype": "image", "image": {"base64": IMAGE_BASE64, "md5": IMAGE_MD5}},
    ),
    (
        {"msgtype": "news", "news": {"articles": [
            {"title": "Release 1.2", "description": "notes", "url": "https://example.com/r",
             "picurl": "https://example.com/p.png"}]}},
        {"msgtype": "news", "news": {"articles": [
            {"title": "Release 1.2", "description": "notes", "url": "https://example.com/r",
             "picurl": "https://example.com/p.png"}]}},
    ),
    (
        {"msgtype": "template_card", "template_card": {
            "card_type": "text_notice", "main_title": {"title": "Build #7"},
            "card_action": CARD_ACTION}},
        {"msgtype": "template_card", "template_card": {
            "card_type": "text_notice", "main_title": {"title": "Build #7"},
            "card_action": CARD_ACTION}},
    ),
]  # fmt: skip


async def test_robot_sends_every_inline_type(ctx: HubContext, fake: FakeWeCom) -> None:
    record = await robot_config(ctx, fake)
    for message, wire in ROBOT_MESSAGES:
        detail = await send(ctx, record, message=message)
        assert fake.robot_messages[-1] == (ROBOT_KEY, wire)
        assert (detail.status, detail.channel, detail.msgid, detail.results) == (
            "sent", "robot", None, []
        )  # fmt: skip
        assert statuses(detail) == [(None, "queued"), ("queued", "sent")]
        assert detail.sent_at is not None
        assert IMAGE_BASE64 not in detail.preview
    assert len(fake.robot_messages) == len(ROBOT_MESSAGES)


async def test_robot_uploads_then_sends(ctx: HubContext, fake: FakeWeCom) -> None:
    record = await robot_config(ctx, fake)
    for msgtype, raw in (("file", PDF), ("voice", AMR)):
        message = {"msgtype": msgtype, msgtype: {"base64": b64(raw), "filename": "x"}}
        detail = await send(ctx, record, message=message)
        assert detail.status == "sent"
        key, body = fake.robot_messages[-1]
        media = fake.media[body[msgtype]["media_id"]]
        assert (key, media.owner, media.media_type, media.size) == (ROBOT_KEY, ROBOT_KEY,
                                                                    msgtype, len(raw))  # fmt: skip
        assert detail.preview == "x"


async def test_robot_mentions_are_its_recipients(ctx: HubContext, fake: FakeWeCom) -> None:
    record = await robot_config(ctx, fake)
    text = {"content": "hi", "mentioned_list": ["zhangsan"]}
    detail = await send(ctx, record, message={"msgtype": "text", "text": text})
    assert detail.recipients == {"mentioned_list": ["zhangsan"], "mentioned_mobile_list": []}
    detail = await send(ctx, record, message={"msgtype": "markdown", "markdown": {"content": "x"}})
    assert detail.recipients == {}


APP_MESSAGES = [
    {"msgtype": "text", "text": {"content": "hello"}},
    {"msgtype": "markdown", "markdown": {"content": "# hi"}},
    {"msgtype": "image", "image": {"base64": IMAGE_BASE64, "filename": "logo.png"}},
    {"msgtype": "voice", "voice": {"base64": b64(AMR)}},
    {"msgtype": "video", "video": {"base64": b64(MP4), "title": "Demo", "description": "d"}},
    {"msgtype": "file", "file": {"base64": b64(PDF), "filename": "report.pdf"}},
    {"msgtype": "textcard", "textcard": {"title": "Leave", "description": "approved",
                                         "url": "https://example.com", "btntxt": "More"}},
    {"msgtype": "news", "news": {"articles": [{"title": "A", "url": "https://example.com"}]}},
    {"msgtype": "miniprogram_notice", "miniprogram_notice": {
        "appid": "wx123", "page": "pages/index", "title": "Meeting", "description": "4/1",
        "content_item": [{"key": "Room", "value": "301"}]}},
    {"msgtype": "template_card", "template_card": {
        "card_type": "news_notice", "main_title": {"title": "Weekly"},
        "card_action": CARD_ACTION}},
]  # fmt: skip


async def test_app_sends_every_type(ctx: HubContext, fake: FakeWeCom) -> None:
    record = await app_config(ctx, fake)
    for message in APP_MESSAGES:
        detail = await send(ctx, record, touser=["zhangsan", "lisi"], toparty=["1"],
                            message=message)  # fmt: skip
        body = fake.sent()[-1]
        msgtype = message["msgtype"]
        assert body["touser"] == "zhangsan|lisi" and body["toparty"] == "1"
        assert "totag" not in body
        assert (body["msgtype"], body["agentid"], body["safe"]) == (msgtype, 1000002, 0)
        if "base64" in message[msgtype]:
            media = fake.media[body[msgtype]["media_id"]]
            assert (media.owner, media.media_type) == ("app", msgtype)
            assert "base64" not in body[msgtype]
        else:
            assert body[msgtype] == message[msgtype]
        assert detail.status == "sent" and detail.msgid in fake.messages
        assert statuses(detail) == [(None, "queued"), ("queued", "sent")]
        assert [(r.kind, r.id, r.status) for r in detail.results] == [
            ("party", "1", "ok"), ("user", "lisi", "ok"), ("user", "zhangsan", "ok")
        ]  # fmt: skip
        assert detail.recipients == {"touser": ["zhangsan", "lisi"], "toparty": ["1"],
                                     "totag": []}  # fmt: skip
    assert len(fake.sent()) == len(APP_MESSAGES)


async def test_app_mpnews_with_an_uploaded_thumb(ctx: HubContext, fake: FakeWeCom) -> None:
    record = await app_config(ctx, fake)
    service = MessageService(ctx, backoff=FAST)
    thumb = await service.app_client(await service.target(SendRequest.model_validate(
        {"config_id": record.id, "touser": ["x"], "message": {"msgtype": "text", "text": {
            "content": "x"}}}))).upload_media("image", "t.png", IMAGE)  # fmt: skip
    article = {"title": "Policy", "thumb_media_id": thumb.media_id, "content": "<p>text</p>",
               "digest": "short"}  # fmt: skip
    mpnews = {"msgtype": "mpnews", "mpnews": {"articles": [article]}}
    detail = await send(ctx, record, totag=["1"], message=mpnews)
    assert detail.status == "sent"
    assert fake.sent()[0]["mpnews"] == {"articles": [article]}


async def test_interactive_card_gets_a_task_id(ctx: HubContext, fake: FakeWeCom) -> None:
    record = await app_config(ctx, fake)
    card = {"card_type": "button_interaction", "main_title": {"title": "Approve?"},
            "button_list": [{"text": "Yes", "key": "yes"}]}  # fmt: skip
    detail = await send(ctx, record, touser=["zhangsan"],
                        message={"msgtype": "template_card", "template_card": card})  # fmt: skip
    assert detail.task_id and detail.task_id.startswith("hub-")
    assert fake.sent()[0]["template_card"]["task_id"] == detail.task_id
    async with ctx.db.session() as session:
        row = await session.get(WeComMessage, detail.id)
        assert row is not None and row.response_code in fake.response_codes
    given = await send(ctx, record, touser=["zhangsan"], message={
        "msgtype": "template_card", "template_card": {**card, "task_id": "mine-1"}})  # fmt: skip
    assert given.task_id == "mine-1"


async def test_options_reach_wecom(ctx: HubContext, fake: FakeWeCom) -> None:
    record = await app_config(ctx, fake)
    await send(ctx, record, touser=["zhangsan"], safe=True, enable_id_trans=True,
               enable_duplicate_check=True, duplicate_check_interval=600,
               message={"msgtype": "text", "text": {"content": "x"}})  # fmt: skip
    body = fake.sent()[0]
    assert (body["safe"], body["enable_id_trans"], body["enable_duplicate_check"]) == (1, 1, 1)
    assert body["duplicate_check_interval"] == 600


async def test_refused_recipients_are_recorded(ctx: HubContext, fake: FakeWeCom) -> None:
    record = await app_config(ctx, fake)
    fake.unlicensed.add("lisi")
    text = {"msgtype": "text", "text": {"content": "x"}}
    detail = await send(ctx, record, touser=["zhangsan", "lisi", "ghost"], toparty=["9"],
                        totag=["1"], message=text)  # fmt: skip
    assert detail.status == "sent"
    assert {(r.kind, r.id): r.status for r in detail.results} == {
        ("user", "zhangsan"): "ok", ("user", "lisi"): "unlicensed",
        ("user", "ghost"): "invalid", ("party", "9"): "invalid", ("tag", "1"): "ok",
    }  # fmt: skip
    assert detail.history[-1].reason == (
        "WeCom accepted it; refused: user lisi (unlicensed), user ghost (invalid), party 9 "
        "(invalid)"
    )


async def test_all_recipients_invalid_fails(ctx: HubContext, fake: FakeWeCom) -> None:
    record = await app_config(ctx, fake)
    with pytest.raises(ProviderError) as failed:
        await send(ctx, record, touser=["ghost"], toparty=["9"],
                   message={"msgtype": "text", "text": {"content": "x"}})  # fmt: skip
    assert failed.value.provider_code == "81013"
    message_id = failed.value.details["message_id"]
    detail = await MessageService(ctx).store.detail(message_id)
    assert (detail.status, detail.error_code) == ("failed", "81013")
    assert statuses(detail) == [(None, "queued"), ("queued", "failed")]
    assert {r.status for r in detail.results} == {"invalid"} and len(detail.results) == 2
    assert failed.value.to_dict()["details"] == {"message_id": message_id, "status": "failed"}


async def test_rate_limited_backs_off_then_sends(ctx: HubContext, fake: FakeWeCom) -> None:
    robot = await robot_config(ctx, fake)
    fake.fail_next("/cgi-bin/webhook/send", Fault(45009), Fault(45009))
    detail = await send(ctx, robot, message={"msgtype": "text", "text": {"content": "x"}})
    assert detail.status == "sent" and len(fake.robot_messages) == 1
    app = await app_config(ctx, fake)
    fake.fail_next("/cgi-bin/message/send", Fault(45009))
    detail = await send(ctx, app, touser=["zhangsan"],
                        message={"msgtype": "text", "text": {"content": "x"}})  # fmt: skip
    assert detail.status == "sent"


async def test_expired_token_is_refreshed_once(ctx: HubContext, fake: FakeWeCom) -> None:
    record = await app_config(ctx, fake)
    text = {"msgtype": "text", "text": {"content": "x"}}
    await send(ctx, record, touser=["zhangsan"], message=text)
    fake.fail_next("/cgi-bin/message/send", Fault(42001))
    detail = await send(ctx, record, touser=["zhangsan"], message=text)
    assert detail.status == "sent"
    assert fake.token_hits == 2 and len(fake.sent()) == 2


async def test_failures_are_recorded_and_raised(ctx: HubContext, fake: FakeWeCom) -> None:
    robot = await robot_config(ctx, fake)
    fake.robot_keys.clear()
    with pytest.raises(AuthFailed) as failed:
        await send(ctx, robot, message={"msgtype": "text", "text": {"content": "x"}})
    detail = await MessageService(ctx).store.detail(failed.value.details["message_id"])
    assert (detail.status, detail.error_code) == ("failed", "93000")
    assert detail.error_message is not None and ROBOT_KEY not in detail.error_message
    assert ROBOT_KEY not in detail.history[-1].reason  # type: ignore[operator]

    fake.robot_keys.add(ROBOT_KEY)
    fake.fail_next("/cgi-bin/webhook/upload_media", *[Fault(status=502)] * 3)
    with pytest.raises(ServerError) as down:  # an upload is retried (it can be repeated)
        await send(ctx, robot, message={"msgtype": "file", "file": {"base64": b64(PDF)}})
    assert len(fake.hits("/cgi-bin/webhook/upload_media")) == 3
    assert down.value.details["status"] == "failed"
    failed_upload = (await MessageService(ctx).store.list(status="failed")).items[0]
    assert failed_upload.msg_type == "file" and fake.robot_messages == []


async def test_nothing_is_stored_for_a_refused_request(ctx: HubContext, fake: FakeWeCom) -> None:
    record = await app_config(ctx, fake)
    with pytest.raises(ValidationFailed):
        await send(ctx, record, message={"msgtype": "text", "text": {"content": "x"}})
    with pytest.raises(ValidationFailed, match="give config_id, or tenant"):
        await MessageService(ctx).send(SendRequest.model_validate(
            {"message": {"msgtype": "text", "text": {"content": "x"}}}))  # fmt: skip
    async with ctx.db.session() as session:
        assert await session.scalar(select(func.count()).select_from(WeComMessage)) == 0
    assert fake.seen == []


async def test_config_by_tenant_and_name(ctx: HubContext, fake: FakeWeCom) -> None:
    await app_config(ctx, fake)
    robot = await robot_config(ctx, fake)
    request = SendRequest.model_validate(
        {"tenant": "acme", "config": "robot", "message": {"msgtype": "text", "text": {
            "content": "x"}}})  # fmt: skip
    detail = await MessageService(ctx).send(request)
    assert (detail.config_id, detail.channel) == (robot.id, "robot")


async def test_every_change_is_an_event(ctx: HubContext, fake: FakeWeCom) -> None:
    record = await app_config(ctx, fake)
    detail = await send(ctx, record, touser=["zhangsan"],
                        message={"msgtype": "text", "text": {"content": "x"}})  # fmt: skip
    events = await status_events(ctx, detail.id)
    assert [(e["from_status"], e["to_status"]) for e in events] == [
        (None, "queued"), ("queued", "sent")
    ]  # fmt: skip
    assert events[1]["msgid"] == detail.msgid
    assert events[1]["channel"] == "app" and events[1]["config_id"] == record.id
