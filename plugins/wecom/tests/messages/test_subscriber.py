"""Template card callbacks on the bus move the matching message to `interacted`."""

import time
from typing import Any

from hub.context import HubContext
from sqlalchemy import select

from hub_wecom.events import TemplateCardEvent, TemplateCardMenuEvent
from hub_wecom.messages.models import WeComMessage
from hub_wecom.messages.schemas import MessageDetail, SendRequest
from hub_wecom.messages.service import MessageService

from ..fake_wecom import CORP_ID, FakeWeCom
from ..support import FAST, app_config, robot_config
from .test_service import status_events

CARD = {"msgtype": "template_card", "template_card": {
    "card_type": "button_interaction", "task_id": "approve-42", "main_title": {"title": "?"},
    "button_list": [{"text": "Yes", "key": "yes"}]}}  # fmt: skip


async def send(ctx: HubContext, config_id: str, **fields: Any) -> MessageDetail:
    request = SendRequest.model_validate({"config_id": config_id, **fields})
    return await MessageService(ctx, backoff=FAST).send(request)


def card_event(task_id: str, response_code: str = "code-2") -> TemplateCardEvent:
    return TemplateCardEvent(
        to_user_name=CORP_ID, from_user_name="zhangsan", create_time=int(time.time()),
        msg_type="event", event="template_card_event", agent_id="1000002", event_key="yes",
        task_id=task_id, card_type="button_interaction", response_code=response_code,
    )  # fmt: skip


async def publish(ctx: HubContext, config_id: str, event_type: str, payload: Any) -> None:
    await ctx.bus.publish(event_type, payload, source="webhook", config_id=config_id,
                          tenant_id=None)  # fmt: skip
    await ctx.bus.drain()


async def stored(ctx: HubContext, message_id: str) -> WeComMessage:
    async with ctx.db.session() as session:
        row = await session.scalar(select(WeComMessage).where(WeComMessage.id == message_id))
        assert row is not None
        return row


async def test_card_event_moves_to_interacted(ctx: HubContext, fake: FakeWeCom) -> None:
    record = await app_config(ctx, fake)
    sent = await send(ctx, record.id, touser=["zhangsan"], message=CARD)
    await publish(ctx, record.id, "wecom.event.template_card_event", card_event("approve-42"))
    detail = await MessageService(ctx).store.detail(sent.id)
    assert detail.status == "interacted"
    assert detail.history[-1].from_status == "sent"
    assert detail.history[-1].reason == "zhangsan interacted with the card (yes)"
    assert (await stored(ctx, sent.id)).response_code == "code-2"
    events = await status_events(ctx, sent.id)
    assert [e["to_status"] for e in events] == ["queued", "sent", "interacted"]

    # WeCom retries and users press again: nothing moves, the newest response code is kept.
    await publish(ctx, record.id, "wecom.event.template_card_event",
                  card_event("approve-42", response_code="code-3"))  # fmt: skip
    detail = await MessageService(ctx).store.detail(sent.id)
    assert [h.to_status for h in detail.history] == ["queued", "sent", "interacted"]
    assert (await stored(ctx, sent.id)).response_code == "code-3"

    recalled = await MessageService(ctx).recall(sent.id)
    assert recalled.status == "recalled"


async def test_menu_event_counts_too(ctx: HubContext, fake: FakeWeCom) -> None:
    record = await app_config(ctx, fake)
    sent = await send(ctx, record.id, touser=["zhangsan"], message=CARD)
    menu = TemplateCardMenuEvent(
        to_user_name=CORP_ID, from_user_name="lisi", create_time=int(time.time()),
        msg_type="event", event="template_card_menu_event", event_key="ignore",
        task_id="approve-42", card_type="button_interaction",
    )  # fmt: skip
    await publish(ctx, record.id, "wecom.event.template_card_menu_event", menu)
    detail = await MessageService(ctx).store.detail(sent.id)
    assert detail.status == "interacted"
    assert detail.history[-1].reason == "lisi used the menu of the card (ignore)"


async def test_no_transition_is_invented(ctx: HubContext, fake: FakeWeCom) -> None:
    record = await app_config(ctx, fake)
    other = await app_config(ctx, fake, "other")
    sent = await send(ctx, record.id, touser=["zhangsan"], message=CARD)
    robot = await robot_config(ctx, fake)
    text = await send(ctx, robot.id, message={"msgtype": "text", "text": {"content": "x"}})
    await publish(ctx, other.id, "wecom.event.template_card_event", card_event("approve-42"))
    await publish(ctx, record.id, "wecom.event.template_card_event", card_event("unknown-task"))
    await publish(ctx, record.id, "wecom.event.template_card_event", card_event(""))
    await publish(ctx, robot.id, "wecom.event.template_card_event", card_event("approve-42"))
    assert (await MessageService(ctx).store.get(sent.id)).status == "sent"
    assert (await MessageService(ctx).store.get(text.id)).status == "sent"

    await MessageService(ctx).recall(sent.id)
    await publish(ctx, record.id, "wecom.event.template_card_event", card_event("approve-42"))
    assert (await MessageService(ctx).store.get(sent.id)).status == "recalled"
