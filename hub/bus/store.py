"""Reading and repairing the outbox: listings, replay, dead letters, stats, clean-up.

Shared by `hub events ...` and `/api/admin/events...`.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, exists, func, insert, not_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from hub.bus.models import (
    DEAD,
    PENDING,
    RUNNING,
    STATUSES,
    DeliveryRow,
    EventRow,
    status_is,
)
from hub.bus.outbox import delivery_values, row_to_event
from hub.bus.schemas import (
    DeadLetterOut,
    DeliveryOut,
    EventDetail,
    EventOut,
)
from hub.errors import Conflict, NotFound
from hub.tenants.records import Page

if TYPE_CHECKING:
    from hub.bus.bus import Bus

EVENTS = EventRow.__table__
DELIVERIES = DeliveryRow.__table__


def like_pattern(glob: str) -> str:
    """`*`/`?` glob as a LIKE pattern with `\\` as the escape character."""
    escaped = glob.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped.replace("*", "%").replace("?", "_")


def event_status(counts: dict[str, int]) -> str:
    for status in (RUNNING, PENDING, DEAD):
        if counts.get(status):
            return status
    return "done"


class EventStore:
    def __init__(self, bus: Bus) -> None:
        self.bus = bus

    @property
    def db(self) -> Any:
        return self.bus.db

    def _registered(self, subscriber: str) -> bool:
        return self.bus.subscriptions.get(subscriber) is not None

    async def _counts(self, session: AsyncSession, ids: list[str]) -> dict[str, dict[str, int]]:
        counts: dict[str, dict[str, int]] = defaultdict(dict)
        if not ids:
            return counts
        rows = await session.execute(
            select(DELIVERIES.c.event_id, DELIVERIES.c.status, func.count())
            .where(DELIVERIES.c.event_id.in_(ids))
            .group_by(DELIVERIES.c.event_id, DELIVERIES.c.status)
        )
        for event_id, status, count in rows:
            counts[event_id][status] = count
        return counts

    def _out(self, row: Any, counts: dict[str, int]) -> EventOut:
        return EventOut(
            id=row.id,
            type=row.type,
            tenant_id=row.tenant_id,
            config_id=row.config_id,
            source=row.source,
            occurred_at=row.occurred_at,
            received_at=row.received_at,
            ordering_key=row.ordering_key,
            idempotency_key=row.idempotency_key,
            status=event_status(counts),  # type: ignore[arg-type]
            delivery_counts=counts,
        )

    async def list(
        self,
        *,
        type: str | None = None,
        status: str | None = None,
        limit: int = 50,
        cursor: str | None = None,
    ) -> Page[EventOut]:
        """Newest first; `cursor` is the last id of the previous page."""
        query = select(EVENTS).order_by(EVENTS.c.id.desc()).limit(limit + 1)
        if type:
            if "*" in type or "?" in type:
                query = query.where(EVENTS.c.type.like(like_pattern(type), escape="\\"))
            else:
                query = query.where(EVENTS.c.type == type)
        if status:
            query = query.where(
                exists().where(DELIVERIES.c.event_id == EVENTS.c.id, DELIVERIES.c.status == status)
            )
        if cursor:
            query = query.where(EVENTS.c.id < cursor)
        async with self.db.session() as session:
            rows = list(await session.execute(query))
            counts = await self._counts(session, [r.id for r in rows[:limit]])
        items = [self._out(r, counts.get(r.id, {})) for r in rows[:limit]]
        return Page(items, items[-1].id if len(rows) > limit else None)

    async def _event_row(self, session: AsyncSession, event_id: str) -> Any:
        row = (await session.execute(select(EVENTS).where(EVENTS.c.id == event_id))).first()
        if row is None:
            raise NotFound(f"event {event_id!r} not found", code="event_not_found")
        return row

    async def get(self, event_id: str) -> EventDetail:
        async with self.db.session() as session:
            return await self._detail(session, event_id)

    async def _detail(self, session: AsyncSession, event_id: str) -> EventDetail:
        row = await self._event_row(session, event_id)
        deliveries = list(
            await session.execute(
                select(DELIVERIES)
                .where(DELIVERIES.c.event_id == event_id)
                .order_by(DELIVERIES.c.priority.desc(), DELIVERIES.c.subscriber)
            )
        )
        counts: dict[str, int] = defaultdict(int)
        for d in deliveries:
            counts[d.status] += 1
        out = self._out(row, dict(counts))
        return EventDetail(
            **out.model_dump(),
            payload=row.payload,
            deliveries=[
                DeliveryOut(
                    id=d.id,
                    subscriber=d.subscriber,
                    priority=d.priority,
                    status=d.status,
                    attempts=d.attempts,
                    last_error=d.last_error,
                    next_attempt_at=d.next_attempt_at,
                    updated_at=d.updated_at,
                    registered=self._registered(d.subscriber),
                )
                for d in deliveries
            ],
        )

    async def replay(self, event_id: str, subscriber: str | None = None) -> EventDetail:
        """Run an event's deliveries again (all, or one subscriber's), even completed ones.

        A subscriber registered now that had no delivery for the event (installed
        later) gets one. Deliveries running right now are left to finish.
        """
        now = datetime.now(UTC)
        reset = {
            "status": PENDING,
            "attempts": 0,
            "last_error": None,
            "next_attempt_at": now,
            "locked_until": None,
            "updated_at": now,
        }
        async with self.db.transaction() as session:
            row = await self._event_row(session, event_id)
            where = [DELIVERIES.c.event_id == event_id]
            if subscriber is not None:
                where.append(DELIVERIES.c.subscriber == subscriber)
                current = (
                    await session.execute(select(DELIVERIES.c.status).where(*where))
                ).scalar()
                if current == RUNNING:
                    raise Conflict(
                        f"the delivery of event {event_id!r} to {subscriber!r} is running now",
                        code="delivery_running",
                    )
                if current is None:
                    sub = self.bus.subscriptions.get(subscriber)
                    if sub is None or not sub.matches(row.type):
                        raise NotFound(
                            f"event {event_id!r} has no delivery to subscriber {subscriber!r}",
                            code="delivery_not_found",
                        )
                    event = row_to_event(row)
                    await session.execute(insert(DELIVERIES), delivery_values(event, [sub], now))
            await session.execute(
                update(DELIVERIES).where(*where, DELIVERIES.c.status != RUNNING).values(reset)
            )
            detail = await self._detail(session, event_id)
        self.bus.wake()
        return detail

    async def dead_letters(
        self, *, subscriber: str | None = None, limit: int = 50, cursor: str | None = None
    ) -> Page[DeadLetterOut]:
        query = (
            select(DELIVERIES, EVENTS.c.type)
            .join(EVENTS, EVENTS.c.id == DELIVERIES.c.event_id)
            .where(status_is(DELIVERIES.c.status, DEAD))
            .order_by(DELIVERIES.c.id.desc())
            .limit(limit + 1)
        )
        if subscriber:
            query = query.where(DELIVERIES.c.subscriber == subscriber)
        if cursor:
            query = query.where(DELIVERIES.c.id < cursor)
        async with self.db.session() as session:
            rows = list(await session.execute(query))
        items = [
            DeadLetterOut(
                id=r.id,
                event_id=r.event_id,
                event_type=r.type,
                subscriber=r.subscriber,
                attempts=r.attempts,
                last_error=r.last_error,
                updated_at=r.updated_at,
                registered=self._registered(r.subscriber),
            )
            for r in rows[:limit]
        ]
        return Page(items, items[-1].id if len(rows) > limit else None)

    async def retry_dead(
        self, *, subscriber: str | None = None, event_id: str | None = None
    ) -> int:
        """Dead letters back to pending with a fresh set of attempts; returns how many."""
        now = datetime.now(UTC)
        where = [status_is(DELIVERIES.c.status, DEAD)]
        if subscriber:
            where.append(DELIVERIES.c.subscriber == subscriber)
        if event_id:
            where.append(DELIVERIES.c.event_id == event_id)
        async with self.db.transaction() as session:
            result = await session.execute(
                update(DELIVERIES)
                .where(*where)
                .values(status=PENDING, attempts=0, next_attempt_at=now, updated_at=now)
            )
        self.bus.wake()
        return int(result.rowcount or 0)

    async def clear(self, *, before: datetime | None = None, dead: bool = False) -> int:
        """Delete events received before `before` whose deliveries are all finished.

        Never deletes an event with a pending or running delivery; events with a
        dead letter only when `dead` is true.
        """
        before = before or datetime.now(UTC)
        keep = ["pending", "running"] if dead else ["pending", "running", DEAD]
        condition = [
            EVENTS.c.received_at < before,
            not_(
                exists().where(DELIVERIES.c.event_id == EVENTS.c.id, DELIVERIES.c.status.in_(keep))
            ),
        ]
        async with self.db.transaction() as session:
            doomed = select(EVENTS.c.id).where(*condition).scalar_subquery()
            await session.execute(delete(DELIVERIES).where(DELIVERIES.c.event_id.in_(doomed)))
            result = await session.execute(delete(EVENTS).where(*condition))
        return int(result.rowcount or 0)

    async def stats(self) -> dict[str, Any]:
        async with self.db.session() as session:
            events_by_type = dict(
                list(
                    await session.execute(
                        select(EVENTS.c.type, func.count()).group_by(EVENTS.c.type)
                    )
                )  # type: ignore[arg-type]
            )
            rows = await session.execute(
                select(EVENTS.c.type, DELIVERIES.c.status, func.count())
                .join(DELIVERIES, DELIVERIES.c.event_id == EVENTS.c.id)
                .group_by(EVENTS.c.type, DELIVERIES.c.status)
            )
            by_type: dict[str, dict[str, int]] = defaultdict(dict)
            totals: dict[str, int] = dict.fromkeys(STATUSES, 0)
            for event_type, status, count in rows:
                by_type[event_type][status] = count
                totals[status] = totals.get(status, 0) + count
            oldest = (
                await session.execute(
                    select(func.min(EVENTS.c.received_at))
                    .join(DELIVERIES, DELIVERIES.c.event_id == EVENTS.c.id)
                    .where(DELIVERIES.c.status.in_([PENDING, RUNNING]))
                )
            ).scalar()
        if oldest is not None and oldest.tzinfo is None:
            oldest = oldest.replace(tzinfo=UTC)
        return {
            "events": sum(events_by_type.values()),
            "deliveries": totals,
            "by_type": [
                {"type": t, "events": n, "deliveries": by_type.get(t, {})}
                for t, n in sorted(events_by_type.items())
            ],
            "oldest_pending_at": oldest,
            "unregistered": await self.unregistered(),
        }

    async def unregistered(self) -> dict[str, int]:
        """Pending deliveries per subscriber name that this process has not registered."""
        names = self.bus.subscriptions.names
        query = (
            select(DELIVERIES.c.subscriber, func.count())
            .where(status_is(DELIVERIES.c.status, PENDING))
            .group_by(DELIVERIES.c.subscriber)
        )
        if names:
            query = query.where(DELIVERIES.c.subscriber.not_in(names))
        async with self.db.session() as session:
            return {name: count for name, count in await session.execute(query)}
