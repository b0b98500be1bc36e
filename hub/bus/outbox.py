"""Writing events and their delivery rows, in the caller's transaction or in our own.

Event ids are UUIDv7 and strictly increasing within a process, so ordering by
id is publish order: the dispatcher relies on it for ordering keys.

Each statement costs a round trip to the database (on SQLite through a
worker thread), so rows are written in groups: events published in a caller's
transaction are inserted together when it commits, and events published
without one share a commit with whatever else is being published at the time.
Events with an idempotency key are written at once, because publish must
answer with the stored event when the key is taken.
"""

import asyncio
import threading
import time
from collections.abc import Callable, Sequence
from datetime import datetime
from random import getrandbits
from typing import Any

from pydantic import BaseModel
from sqlalchemy import event as sa_event
from sqlalchemy import insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session, SessionTransaction

from hub.bus.envelope import Event
from hub.bus.models import PENDING, DeliveryRow, EventRow
from hub.bus.subscriptions import Subscription
from hub.db.engine import Database

_MS_MASK = (1 << 48) - 1
_BUFFER = "hub_bus_outbox"
MAX_GROUP = 500
EVENTS = EventRow.__table__
DELIVERIES = DeliveryRow.__table__


class MonotonicIds:
    """UUIDv7 ids (the layout of `hub.ids.new_id`) that never go backwards in this process.

    A new millisecond starts from fresh random bits; within the same
    millisecond (or after the clock stepped back) the previous id plus one is
    used, so ids sort in publish order.
    """

    def __init__(self) -> None:
        self._ms = 0
        self._last = 0
        self._lock = threading.Lock()

    def __call__(self) -> str:
        ms = time.time_ns() // 1_000_000
        with self._lock:
            if ms > self._ms:
                self._ms = ms
                value = (
                    (ms & _MS_MASK) << 80
                    | 0x7 << 76
                    | getrandbits(12) << 64
                    | 0b10 << 62
                    | getrandbits(62)
                )
                if value <= self._last:
                    value = self._last + 1
            else:
                value = self._last + 1
            self._last = value
        h = f"{value:032x}"
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


next_id = MonotonicIds()


def event_values(event: Event) -> dict[str, Any]:
    return {
        "id": event.id,
        "type": event.type,
        "tenant_id": event.tenant_id,
        "config_id": event.config_id,
        "source": event.source,
        "occurred_at": event.occurred_at,
        "received_at": event.received_at,
        "payload": event.payload,
        "ordering_key": event.ordering_key,
        "idempotency_key": event.idempotency_key,
        "created_at": event.received_at,
    }


def delivery_values(
    event: Event, subscriptions: Sequence[Subscription], now: datetime
) -> list[dict[str, Any]]:
    return [
        {
            "id": next_id(),
            "event_id": event.id,
            "subscriber": sub.name,
            "priority": sub.priority,
            "ordering_key": event.ordering_key,
            "status": PENDING,
            "attempts": 0,
            "last_error": None,
            "next_attempt_at": now,
            "locked_until": None,
            "updated_at": now,
        }
        for sub in subscriptions
    ]


def row_to_event(row: Any, payload_model: type[BaseModel] | None = None) -> Event:
    """An envelope from a `hub_events` row (ORM object or result row)."""
    return Event.trusted(
        {
            "id": row.id,
            "type": row.type,
            "tenant_id": row.tenant_id,
            "config_id": row.config_id,
            "source": row.source,
            "occurred_at": row.occurred_at,
            "received_at": row.received_at,
            "payload": row.payload,
            "ordering_key": row.ordering_key,
            "idempotency_key": row.idempotency_key,
        },
        payload_model,
    )


async def write(
    session: AsyncSession, event: Event, subscriptions: Sequence[Subscription]
) -> Event | None:
    """Add the event and its deliveries to `session`'s transaction.

    Returns None when stored, or the event already stored under the same
    idempotency key (then nothing is written).
    """
    values = event_values(event)
    if event.idempotency_key is not None:
        existing = await _insert_once(session, values)
        if existing is not None:
            return existing
    else:
        await session.execute(insert(EVENTS), [values])
    if subscriptions:
        rows = delivery_values(event, subscriptions, event.received_at)
        await session.execute(insert(DELIVERIES), rows)
    return None


async def _insert_once(session: AsyncSession, values: dict[str, Any]) -> Event | None:
    dialect = session.bind.dialect.name
    key = values["idempotency_key"]
    if dialect in ("sqlite", "postgresql"):
        dialect_insert = sqlite.insert if dialect == "sqlite" else postgresql.insert
        statement = dialect_insert(EVENTS).on_conflict_do_nothing(
            index_elements=["idempotency_key"]
        )
        result = await session.execute(statement.values(values).returning(EVENTS.c.id))
        if result.first() is not None:
            return None
    else:
        if await find_by_key(session, key) is None:
            await session.execute(insert(EVENTS), [values])
            return None
    existing = await find_by_key(session, key)
    if existing is None:
        # The conflicting row was deleted between the insert and this read.
        raise RuntimeError(f"event with idempotency key {key!r} vanished while publishing")
    return existing


async def find_by_key(session: AsyncSession, key: str) -> Event | None:
    row = (await session.execute(select(EVENTS).where(EVENTS.c.idempotency_key == key))).first()
    return None if row is None else row_to_event(row)


class _Buffered:
    """Rows published in one session's transaction, inserted just before it commits."""

    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []
        self.deliveries: list[dict[str, Any]] = []


class _Queued:
    def __init__(self, event: dict[str, Any], deliveries: list[dict[str, Any]]) -> None:
        self.event = event
        self.deliveries = deliveries
        self.done: asyncio.Future[None] = asyncio.get_running_loop().create_future()


class Outbox:
    def __init__(self, db: Database, committed: Callable[[], None]) -> None:
        self.db = db
        self.committed = committed  # wakes the dispatcher
        self._queue: list[_Queued] = []
        self._writer: asyncio.Task[None] | None = None

    async def add(
        self, session: AsyncSession, event: Event, subscriptions: Sequence[Subscription]
    ) -> Event | None:
        """Publish in the caller's transaction: stored if and when it commits."""
        sync_session = session.sync_session
        buffered = self._watch(sync_session)
        if (
            event.idempotency_key is not None
            or not session.in_transaction()
            or session.in_nested_transaction()
        ):
            # Written now, so a savepoint rolled back takes the event with it.
            return await write(session, event, subscriptions)
        buffered.events.append(event_values(event))
        buffered.deliveries.extend(delivery_values(event, subscriptions, event.received_at))
        return None

    def _watch(self, sync_session: Session) -> _Buffered:
        buffered: _Buffered | None = sync_session.info.get(_BUFFER)
        if buffered is not None:
            return buffered
        buffered = sync_session.info[_BUFFER] = _Buffered()

        def before_commit(session: Session) -> None:
            if buffered.events:
                events, deliveries = buffered.events, buffered.deliveries
                buffered.events, buffered.deliveries = [], []
                session.execute(insert(EVENTS), events)
                if deliveries:
                    session.execute(insert(DELIVERIES), deliveries)

        def after_transaction_end(session: Session, transaction: SessionTransaction) -> None:
            if transaction.parent is None:  # rolled back or closed: nothing was written
                buffered.events, buffered.deliveries = [], []

        def after_commit(session: Session) -> None:
            self.committed()

        sa_event.listen(sync_session, "before_commit", before_commit)
        sa_event.listen(sync_session, "after_transaction_end", after_transaction_end)
        sa_event.listen(sync_session, "after_commit", after_commit)
        return buffered

    async def store(self, event: Event, subscriptions: Sequence[Subscription]) -> Event | None:
        """Publish in a transaction of our own, shared with concurrent publishers."""
        if event.idempotency_key is not None:
            async with self.db.transaction() as session:
                existing = await write(session, event, subscriptions)
            self.committed()
            return existing
        queued = _Queued(
            event_values(event), delivery_values(event, subscriptions, event.received_at)
        )
        self._queue.append(queued)
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write_queued(), name="hub-bus-outbox")
        # If the publisher is cancelled now, the event is still written: it was published.
        await asyncio.shield(queued.done)
        return None

    async def _write_queued(self) -> None:
        group: list[_Queued] = []
        try:
            while self._queue:
                group, self._queue = self._queue[:MAX_GROUP], self._queue[MAX_GROUP:]
                try:
                    await self._insert(group)
                except Exception as exc:
                    if len(group) == 1:
                        group[0].done.set_exception(exc)
                    else:
                        # One bad row must not fail its neighbours: write them one by one.
                        for item in group:
                            try:
                                await self._insert([item])
                            except Exception as single:
                                item.done.set_exception(single)
                            else:
                                item.done.set_result(None)
                        self.committed()
                    continue
                for item in group:
                    item.done.set_result(None)
                self.committed()
        except BaseException as exc:  # cancelled at shutdown: no publisher may wait forever
            for item in [*group, *self._queue]:
                if not item.done.done():
                    item.done.set_exception(exc)
            self._queue = []
            raise

    async def _insert(self, group: list[_Queued]) -> None:
        async with self.db.transaction() as session:
            await session.execute(insert(EVENTS), [item.event for item in group])
            deliveries = [row for item in group for row in item.deliveries]
            if deliveries:
                await session.execute(insert(DELIVERIES), deliveries)
