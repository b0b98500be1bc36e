"""Interaction callbacks that move a sent message to `interacted`.

WeCom ties exactly two callbacks to one message: `template_card_event` (a
button pressed, a vote or a selection submitted) and
`template_card_menu_event` (the card's menu used), both carrying the
`TaskId` the card was sent with. Those move the application message with
that task id, from the same config, from `sent` to `interacted`, and keep
the new `ResponseCode` for updating the card. Menu clicks, opening the app
(`enter_agent`), links and text replies name no message, so they change no
status: the hub does not guess which message they answer.

Deliveries are at least once; a repeated callback finds the message already
`interacted` and changes nothing but the response code.
"""

from typing import Any

import structlog
from hub.bus import Bus, Event
from hub.db.base import utcnow
from sqlalchemy import select

from hub_wecom.messages.models import INTERACTED, SENT, WeComMessage
from hub_wecom.messages.status import move, register_types

log = structlog.get_logger("hub_wecom.messages")

CARD_EVENTS = ("wecom.event.template_card_event", "wecom.event.template_card_menu_event")
SUBSCRIBER = "wecom.message_status"


def describe(event: Event) -> str:
    data = event.payload
    who = data.get("from_user_name") or "a user"
    what = "used the menu of" if event.type.endswith("menu_event") else "interacted with"
    key = f" ({data['event_key']})" if data.get("event_key") else ""
    return f"{who} {what} the card{key}"


class CardInteractions:
    """The bus subscriber; `bus` is the hub's, to publish the status change it records."""

    def __init__(self, bus: Bus, db: Any) -> None:
        self.bus = bus
        self.db = db

    async def __call__(self, event: Event) -> None:
        task_id = event.payload.get("task_id")
        if not task_id or not event.config_id:
            return
        async with self.db.transaction() as session:
            row = await session.scalar(
                select(WeComMessage)
                .where(
                    WeComMessage.config_id == event.config_id,
                    WeComMessage.task_id == str(task_id),
                    WeComMessage.channel == "app",
                )
                .order_by(WeComMessage.id.desc())
                .limit(1)
                .with_for_update()
            )
            if row is None:
                log.info("card callback for no known message", task_id=task_id,
                         config_id=event.config_id)  # fmt: skip
                return
            code = event.payload.get("response_code")
            if code:
                row.response_code = str(code)
                row.updated_at = utcnow()
            if row.status == SENT:
                await move(self.bus, session, row, INTERACTED, describe(event)[:1000])


def subscribe(bus: Bus, ctx: Any) -> None:
    """Register the status event's payload model and the card subscriber (`hub_subscribers`)."""
    register_types(bus)
    handler = CardInteractions(bus, ctx.db)
    for pattern in CARD_EVENTS:
        bus.subscribe(pattern, handler, name=f"{SUBSCRIBER}.{pattern.rsplit('.', 1)[-1]}")
