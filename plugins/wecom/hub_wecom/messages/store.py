"""Reading the message records: one message, its history and results, listings, counts."""

from datetime import datetime

from hub.context import HubContext
from hub.errors import NotFound
from hub.tenants.records import Page
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from hub_wecom.messages.models import (
    WeComMessage,
    WeComMessageRecipient,
    WeComMessageStatus,
)
from hub_wecom.messages.schemas import (
    MessageDetail,
    MessageOut,
    RecipientOut,
    StatusEntryOut,
    StatusOut,
)
from hub_wecom.messages.status import ROBOT_STATUSES, TRANSITIONS


def message_out(row: WeComMessage) -> MessageOut:
    return MessageOut.model_validate(row, from_attributes=True)


async def load(session: AsyncSession, message_id: str, *, lock: bool = False) -> WeComMessage:
    query = select(WeComMessage).where(WeComMessage.id == message_id)
    if lock:
        query = query.with_for_update()
    row = await session.scalar(query)
    if row is None:
        raise NotFound(f"no WeCom message {message_id!r}", code="message_not_found")
    return row


def reachable(row: WeComMessage) -> list[str]:
    """Statuses the message can still get, by the transitions its channel has."""
    seen: list[str] = []
    todo = [row.status]
    while todo:
        for status in sorted(TRANSITIONS.get(todo.pop(), frozenset())):
            if status not in seen and (row.channel == "app" or status in ROBOT_STATUSES):
                seen.append(status)
                todo.append(status)
    return seen


class MessageStore:
    def __init__(self, ctx: HubContext) -> None:
        self.ctx = ctx

    async def _results(self, session: AsyncSession, message_id: str) -> list[RecipientOut]:
        rows = await session.scalars(
            select(WeComMessageRecipient)
            .where(WeComMessageRecipient.message_id == message_id)
            .order_by(WeComMessageRecipient.kind, WeComMessageRecipient.recipient_id)
        )
        return [RecipientOut(kind=r.kind, id=r.recipient_id, status=r.status) for r in rows]  # type: ignore[arg-type]

    async def _history(self, session: AsyncSession, message_id: str) -> list[StatusEntryOut]:
        rows = await session.scalars(
            select(WeComMessageStatus)
            .where(WeComMessageStatus.message_id == message_id)
            .order_by(WeComMessageStatus.id)
        )
        return [StatusEntryOut.model_validate(r, from_attributes=True) for r in rows]

    async def get(self, message_id: str) -> MessageOut:
        async with self.ctx.db.session() as s:
            return message_out(await load(s, message_id))

    async def detail(self, message_id: str) -> MessageDetail:
        async with self.ctx.db.session() as s:
            row = await load(s, message_id)
            return MessageDetail(
                **message_out(row).model_dump(),
                results=await self._results(s, message_id),
                history=await self._history(s, message_id),
            )

    async def status(self, message_id: str) -> StatusOut:
        async with self.ctx.db.session() as s:
            row = await load(s, message_id)
            return StatusOut(
                id=row.id,
                channel=row.channel,  # type: ignore[arg-type]
                status=row.status,  # type: ignore[arg-type]
                msgid=row.msgid,
                error_code=row.error_code,
                error_message=row.error_message,
                sent_at=row.sent_at,
                updated_at=row.updated_at,
                results=await self._results(s, message_id),
                possible=reachable(row),  # type: ignore[arg-type]
            )

    async def history(self, message_id: str) -> list[StatusEntryOut]:
        async with self.ctx.db.session() as s:
            await load(s, message_id)
            return await self._history(s, message_id)

    async def list(
        self,
        *,
        config: str | None = None,
        channel: str | None = None,
        status: str | None = None,
        msg_type: str | None = None,
        since: datetime | None = None,
        batch: str | None = None,
        limit: int = 50,
        cursor: str | None = None,
    ) -> Page[MessageOut]:
        """Newest first; `cursor` is the last id of the previous page (ids sort by time)."""
        query = select(WeComMessage).order_by(WeComMessage.id.desc()).limit(limit + 1)
        for column, value in (
            (WeComMessage.config_id, config),
            (WeComMessage.channel, channel),
            (WeComMessage.status, status),
            (WeComMessage.msg_type, msg_type),
            (WeComMessage.batch_id, batch),
        ):
            if value is not None:
                query = query.where(column == value)
        if since is not None:
            query = query.where(WeComMessage.created_at >= since)
        if cursor:
            query = query.where(WeComMessage.id < cursor)
        async with self.ctx.db.session() as s:
            rows = list(await s.scalars(query))
        items = [message_out(r) for r in rows[:limit]]
        return Page(items, items[-1].id if len(rows) > limit else None)

    async def counts(self) -> dict[str, dict[str, int]]:
        """config id -> status -> number of messages."""
        query = select(WeComMessage.config_id, WeComMessage.status, func.count()).group_by(
            WeComMessage.config_id, WeComMessage.status
        )
        out: dict[str, dict[str, int]] = {}
        async with self.ctx.db.session() as s:
            for config_id, status, count in await s.execute(query):
                out.setdefault(config_id, {})[status] = int(count)
        return out
