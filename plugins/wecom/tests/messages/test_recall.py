"""Recall (applications, 24 hours) and template card updates after sending."""

from datetime import timedelta
from typing import Any

import pytest
from hub.context import HubContext
from hub.errors import Conflict, ValidationFailed
from hub.http import ProviderError
from sqlalchemy import update

from hub_wecom.messages.models import WeComMessage
from hub_wecom.messages.schemas import CardUpdate, MessageDetail, SendRequest
from hub_wecom.messages.service import MessageService

from ..fake_wecom import FakeWeCom, Fault
from ..support import FAST, app_config, robot_config

TEXT = {"msgtype": "text", "text": {"content": "oops"}}
CARD = {"msgtype": "template_card", "template_card": {
    "card_type": "button_interaction", "main_title": {"title": "Approve?"},
    "button_list": [{"text": "Yes", "key": "yes"}]}}  # fmt: skip


async def send(ctx: HubContext, config_id: str, **fields: Any) -> MessageDetail:
    request = SendRequest.model_validate({"config_id": config_id, **fields})
    return await MessageService(ctx, backoff=FAST).send(request)


async def test_recall_moves_to_recalled(ctx: HubContext, fake: FakeWeCom) -> None:
    record = await app_config(ctx, fake)
    sent = await send(ctx, record.id, touser=["zhangsan"], message=TEXT)
    recalled = await MessageService(ctx).recall(sent.id)
    assert recalled.status == "recalled"
    assert [h.to_status for h in recalled.history] == ["queued", "sent", "recalled"]
    assert recalled.history[-1].reason == "recalled through the hub"
    assert sent.msgid is not None and fake.messages[sent.msgid].recalled
    with pytest.raises(Conflict) as again:
        await MessageService(ctx).recall(sent.id)
    assert again.value.code == "not_recallable"


async def test_robot_messages_cannot_be_recalled(ctx: HubContext, fake: FakeWeCom) -> None:
    record = await robot_config(ctx, fake)
    sent = await send(ctx, record.id, message=TEXT)
    with pytest.raises(Conflict) as refused:
        await MessageService(ctx).recall(sent.id)
    assert refused.value.code == "not_recallable"
    assert refused.value.message.startswith("robot messages cannot be recalled")
    assert not fake.hits("/cgi-bin/message/recall")


async def test_recall_window(ctx: HubContext, fake: FakeWeCom) -> None:
    record = await app_config(ctx, fake)
    sent = await send(ctx, record.id, touser=["zhangsan"], message=TEXT)
    assert sent.sent_at is not None
    async with ctx.db.transaction() as session:
        await session.execute(
            update(WeComMessage)
            .where(WeComMessage.id == sent.id)
            .values(sent_at=sent.sent_at - timedelta(hours=25))
        )
    with pytest.raises(Conflict) as late:
        await MessageService(ctx).recall(sent.id)
    assert late.value.code == "recall_window_passed"
    assert not fake.hits("/cgi-bin/message/recall")


async def test_wecom_refusing_a_recall_changes_nothing(ctx: HubContext, fake: FakeWeCom) -> None:
    record = await app_config(ctx, fake)
    sent = await send(ctx, record.id, touser=["zhangsan"], message=TEXT)
    fake.fail_next("/cgi-bin/message/recall", Fault(40058))
    with pytest.raises(ProviderError):
        await MessageService(ctx).recall(sent.id)
    assert (await MessageService(ctx).store.get(sent.id)).status == "sent"


async def test_failed_messages_cannot_be_recalled(ctx: HubContext, fake: FakeWeCom) -> None:
    record = await app_config(ctx, fake)
    with pytest.raises(ProviderError) as failed:
        await send(ctx, record.id, touser=["ghost"], message=TEXT)
    with pytest.raises(Conflict, match="is failed"):
        await MessageService(ctx).recall(failed.value.details["message_id"])


async def test_update_card_once(ctx: HubContext, fake: FakeWeCom) -> None:
    record = await app_config(ctx, fake)
    sent = await send(ctx, record.id, touser=["zhangsan"], message=CARD)
    service = MessageService(ctx)
    done = await service.update_card(sent.id, CardUpdate(userids=["zhangsan"], replace_name="OK"))
    assert done.invalid_users == []
    assert fake.card_updates[0]["button"] == {"replace_name": "OK"}
    with pytest.raises(Conflict) as used:
        await service.update_card(sent.id, CardUpdate(replace_name="again"))
    assert used.value.code == "not_updatable"


async def test_update_card_checks(ctx: HubContext, fake: FakeWeCom) -> None:
    record = await app_config(ctx, fake)
    sent = await send(ctx, record.id, touser=["zhangsan"], message=CARD)
    service = MessageService(ctx)
    with pytest.raises(ValidationFailed):
        await service.update_card(sent.id, CardUpdate())
    card = {"card_type": "text_notice", "main_title": {"title": "Done"}}
    await service.update_card(sent.id, CardUpdate(template_card=card))
    assert fake.card_updates[0]["template_card"] == card
    text = await send(ctx, record.id, touser=["zhangsan"], message=TEXT)
    with pytest.raises(Conflict):
        await service.update_card(text.id, CardUpdate(replace_name="x"))
