"""A message's status: which changes exist, and how one is recorded.

Only what WeCom actually reports moves a status (reference §7):

- `queued` → `sent` or `failed`: the answer of message/send or webhook/send.
- `sent` → `recalled`: message/recall succeeded (applications only: robots get
  no message id, so WeCom offers no way to recall their messages).
- `sent` → `interacted`: a user pressed a button of, voted on or used the menu
  of an application's template card (`template_card_event` /
  `template_card_menu_event`, matched by the card's task id).
- `interacted` → `recalled`.

There is no `delivered` and no `read`: WeCom reports neither for application
or robot messages, and the hub does not make them up.

Each change is one history row and one `wecom.message_status.changed` event,
written in the caller's transaction together with the message row, so the
row, its history and the event never disagree.
"""

from datetime import datetime

from hub.bus import Bus
from hub.db.base import utcnow
from hub.errors import Conflict
from pydantic import BaseModel, Field
from sqlalchemy.ext.asyncio import AsyncSession

from hub_wecom.messages.models import (
    FAILED,
    INTERACTED,
    QUEUED,
    RECALLED,
    SENT,
    WeComMessage,
    WeComMessageStatus,
)

STATUS_CHANGED = "wecom.message_status.changed"
SOURCE = "wecom"

TRANSITIONS: dict[str | None, frozenset[str]] = {
    None: frozenset({QUEUED}),
    QUEUED: frozenset({SENT, FAILED}),
    SENT: frozenset({RECALLED, INTERACTED}),
    INTERACTED: frozenset({RECALLED}),
    FAILED: frozenset(),
    RECALLED: frozenset(),
}
ROBOT_STATUSES = (QUEUED, SENT, FAILED)
"""A robot message never leaves `sent`: no recall, no callbacks."""


class MessageStatusChanged(BaseModel):
    """Payload of `wecom.message_status.changed`."""

    message_id: str
    config_id: str
    channel: str = Field(description="robot or app")
    msg_type: str
    msgid: str | None = Field(description="WeCom's message id (application messages).")
    task_id: str | None = Field(description="The template card's task id, if any.")
    batch_id: str | None = None
    from_status: str | None = Field(description="None when the message was just created.")
    to_status: str
    reason: str | None = None
    error_code: str | None = None
    at: datetime


def register_types(bus: Bus) -> None:
    bus.register_type(STATUS_CHANGED, MessageStatusChanged)


def can_move(current: str | None, to: str) -> bool:
    return to in TRANSITIONS.get(current, frozenset())


async def move(
    bus: Bus, session: AsyncSession, message: WeComMessage, to: str, reason: str | None = None
) -> WeComMessageStatus:
    """Change `message` to `to` in `session`: the row, one history row and the event.

    Raises `Conflict` for a change that does not exist (recalling a failed
    message); nothing is written then.
    """
    current = message.status  # None for a message being created
    if not can_move(current, to):
        raise Conflict(
            f"message {message.id} is {current}; it cannot become {to}",
            code="invalid_status_change",
        )
    now = utcnow()
    message.status = to
    message.updated_at = now
    if to == SENT:
        message.sent_at = now
    entry = WeComMessageStatus(
        message_id=message.id, from_status=current, to_status=to, reason=reason, at=now
    )
    session.add(entry)
    await bus.publish(
        STATUS_CHANGED,
        MessageStatusChanged(
            message_id=message.id,
            config_id=message.config_id,
            channel=message.channel,
            msg_type=message.msg_type,
            msgid=message.msgid,
            task_id=message.task_id,
            batch_id=message.batch_id,
            from_status=current,
            to_status=to,
            reason=reason,
            error_code=message.error_code,
            at=now,
        ),
        source=SOURCE,
        tenant_id=message.tenant_id,
        config_id=message.config_id,
        occurred_at=now,
        ordering_key=f"wecom:message:{message.id}",
        session=session,
    )
    return entry
