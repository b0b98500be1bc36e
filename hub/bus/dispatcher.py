"""Delivers stored events to their subscribers, with retries, leases and ordering.

One round: take over deliveries whose lease ran out (their process stopped),
claim a batch of events that have deliveries which may run now (see
`hub.bus.claims`; on PostgreSQL the event rows are locked with
`FOR UPDATE SKIP LOCKED` so several processes can dispatch side by side), mark
those deliveries `running` under a lease, run the handlers, record outcomes.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import structlog
from sqlalchemy import case, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from hub.bus import claims, outbox
from hub.bus.envelope import STOP, Event
from hub.bus.models import (
    DEAD,
    DONE,
    PENDING,
    RUNNING,
    SKIPPED,
    DeliveryRow,
    EventRow,
    status_is,
)

if TYPE_CHECKING:
    from hub.bus.bus import Bus

log = structlog.get_logger("hub.bus.dispatcher")

DELIVERIES = DeliveryRow.__table__
EVENTS = EventRow.__table__
RELEASE = "release"  # claimed but not run: a higher-priority handler of the event must retry


@dataclass
class Claimed:
    id: str
    event_id: str
    subscriber: str
    priority: int
    attempts: int


@dataclass
class Outcome:
    delivery: Claimed
    status: str  # done, retry, dead, skipped or release
    error: str | None = None
    next_attempt_at: datetime | None = None
    stop: bool = False


def backoff(attempt: int, base: float, cap: float) -> float:
    """Full jitter: anywhere between zero and the capped exponential delay."""
    return random.uniform(0.0, min(cap, base * 2.0 ** (attempt - 1)))


class Dispatcher:
    def __init__(
        self,
        bus: Bus,
        *,
        batch_size: int = 200,
        poll_seconds: float = 0.5,
        lease_seconds: float = 60.0,
        concurrency: int = 16,
        handler_timeout: float = 600.0,
    ) -> None:
        self.bus = bus
        self.batch_size = batch_size
        self.poll_seconds = poll_seconds
        self.lease_seconds = lease_seconds
        self.concurrency = concurrency
        self.handler_timeout = handler_timeout
        self._task: asyncio.Task[None] | None = None
        self._round = asyncio.Lock()
        self._last_reclaim = -float("inf")

    # -- lifetime ---------------------------------------------------------------------------

    def start(self) -> None:
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._loop(), name="hub-bus-dispatcher")

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    async def _loop(self) -> None:
        signal = self.bus.wake_signal()
        failures = 0
        with contextlib.suppress(Exception):
            await self.report_unregistered()
        while True:
            signal.clear()
            try:
                ran = await self.run_once()
                failures = 0
            except Exception as exc:
                failures += 1
                delay = min(30.0, self.poll_seconds * 2.0 ** min(failures, 8))
                log.warning(
                    "event dispatch round failed; trying again",
                    error=describe_error(exc),
                    retry_in=round(delay, 2),
                )
                await asyncio.sleep(delay)
                continue
            if ran:
                continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(signal.wait(), self.poll_seconds)

    async def drain(self, *, wait: float = 0.0, max_rounds: int = 100_000) -> int:
        """Run rounds until nothing is due; with `wait`, also wait for retries due that soon.

        Returns how many deliveries ran. Used by the CLI and by tests.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + wait
        total = 0
        for _ in range(max_rounds):
            ran = await self.run_once()
            total += ran
            if ran:
                continue
            due = await self._next_due()
            if due is None:
                break
            delay = (due - datetime.now(UTC)).total_seconds()
            if delay <= 0:
                # Due but held back (by an earlier event or a delivery running elsewhere).
                delay = min(self.poll_seconds, 0.05)
            if loop.time() + delay > deadline:
                break
            await asyncio.sleep(delay)
        return total

    # -- one round --------------------------------------------------------------------------

    async def run_once(self) -> int:
        """Claim one batch and run it; returns how many handlers ran."""
        async with self._round:
            loop = asyncio.get_running_loop()
            if loop.time() - self._last_reclaim >= min(self.lease_seconds / 2, 5.0):
                await self.reclaim()
                self._last_reclaim = loop.time()
            events, deliveries = await self.claim()
            if not deliveries:
                return 0
            return await self._run_batch(events, deliveries)

    async def reclaim(self) -> int:
        """Deliveries left `running` past their lease count one attempt and run again."""
        now = datetime.now(UTC)
        max_attempts = self.bus.settings.bus_max_attempts
        stmt = (
            update(DELIVERIES)
            .where(status_is(DELIVERIES.c.status, RUNNING), DELIVERIES.c.locked_until < now)
            .values(
                status=case((DELIVERIES.c.attempts + 1 >= max_attempts, DEAD), else_=PENDING),
                attempts=DELIVERIES.c.attempts + 1,
                last_error="interrupted: the process running the handler stopped",
                locked_until=None,
                next_attempt_at=now,
                updated_at=now,
            )
            .returning(DELIVERIES.c.subscriber, DELIVERIES.c.status, DELIVERIES.c.event_id)
        )
        async with self.bus.db.transaction() as session:
            rows = list(await session.execute(stmt))
        for row in rows:
            log.warning(
                "delivery taken over from a stopped process",
                subscriber=row.subscriber,
                event_id=row.event_id,
                status=row.status,
            )
            if row.status == DEAD:
                self.bus.count(row.subscriber, "dead")
        return len(rows)

    async def claim(self) -> tuple[dict[str, Event], list[Claimed]]:
        names = self.bus.subscriptions.names
        if not names:
            return {}, []
        now = datetime.now(UTC)
        async with self.bus.db.transaction() as session:
            if session.bind.dialect.name == "postgresql":
                # Lock the events first, so no two processes claim deliveries of the
                # same event (priority order and STOP hold across processes).
                ids = list(
                    (
                        await session.execute(claims.candidate_events(names, now, self.batch_size))
                    ).scalars()
                )
                if not ids:
                    return {}, []
                locked = select(EVENTS.c.id).where(EVENTS.c.id.in_(ids)).order_by(EVENTS.c.id)
                ids = list(
                    (await session.execute(locked.with_for_update(skip_locked=True))).scalars()
                )
                if not ids:
                    return {}, []
                query = claims.claimable_deliveries(names, now, event_ids=ids)
            else:
                # SQLite has one writer at a time: claiming in one statement is safe.
                query = claims.claimable_deliveries(names, now, limit=self.batch_size * 3)
            claimable = query.subquery()
            rows = await session.execute(
                update(DELIVERIES)
                .where(
                    DELIVERIES.c.id.in_(select(claimable.c.id)),
                    status_is(DELIVERIES.c.status, PENDING),
                )
                .values(
                    status=RUNNING,
                    locked_until=now + timedelta(seconds=self.lease_seconds),
                    updated_at=now,
                )
                .returning(
                    DELIVERIES.c.id,
                    DELIVERIES.c.event_id,
                    DELIVERIES.c.subscriber,
                    DELIVERIES.c.priority,
                    DELIVERIES.c.attempts,
                )
            )
            deliveries = sorted(
                (Claimed(*row) for row in rows), key=lambda d: (d.event_id, -d.priority)
            )
            if not deliveries:
                return {}, []
            event_ids = sorted({d.event_id for d in deliveries})
            rows = await session.execute(select(EVENTS).where(EVENTS.c.id.in_(event_ids)))
            types = self.bus.types
            events = {row.id: outbox.row_to_event(row, types.get(row.type)) for row in rows}
        return events, deliveries

    async def _run_batch(self, events: dict[str, Event], deliveries: list[Claimed]) -> int:
        by_event: dict[str, list[Claimed]] = defaultdict(list)
        for d in deliveries:
            by_event[d.event_id].append(d)
        outcomes: list[Outcome] = []
        gate = asyncio.Semaphore(self.concurrency)
        heartbeat = asyncio.create_task(self._heartbeat([d.id for d in deliveries]))

        async def one(event_id: str, claimed: list[Claimed]) -> None:
            async with gate:
                await self._run_event(events[event_id], claimed, outcomes)

        try:
            if len(by_event) == 1:
                ((event_id, claimed),) = by_event.items()
                await one(event_id, claimed)
            else:
                async with asyncio.TaskGroup() as group:
                    for event_id, claimed in by_event.items():
                        group.create_task(one(event_id, claimed))
        finally:
            heartbeat.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await heartbeat
            # Also on cancellation (shutdown): keep what finished, hand back the rest.
            finished = {o.delivery.id for o in outcomes}
            leftovers = [Outcome(d, RELEASE) for d in deliveries if d.id not in finished]
            await asyncio.shield(self._record_persistently([*outcomes, *leftovers]))
        return sum(1 for o in outcomes if o.status not in (SKIPPED, RELEASE))

    async def _run_event(
        self, event: Event, claimed: list[Claimed], outcomes: list[Outcome]
    ) -> None:
        subscriptions = self.bus.subscriptions
        ordered = sorted(
            claimed,
            key=lambda d: (-d.priority, getattr(subscriptions.get(d.subscriber), "order", 0)),
        )
        stop_below: int | None = None
        hold_below: int | None = None
        for d in ordered:
            if stop_below is not None and d.priority < stop_below:
                outcomes.append(Outcome(d, SKIPPED))
                self.bus.count(d.subscriber, "skipped")
                continue
            if hold_below is not None and d.priority < hold_below:
                outcomes.append(Outcome(d, RELEASE))
                continue
            sub = subscriptions.get(d.subscriber)
            if sub is None:  # unsubscribed since the claim: leave it for whoever has it
                outcomes.append(Outcome(d, RELEASE))
                continue
            attempt = d.attempts + 1
            timer = asyncio.timeout(self.handler_timeout)
            try:
                async with timer:
                    result = sub.handler(event)
                    if inspect.isawaitable(result):
                        result = await result
            except Exception as exc:
                if isinstance(exc, TimeoutError) and timer.expired():
                    error = f"TimeoutError: handler ran longer than {self.handler_timeout:g} s"
                else:
                    error = describe_error(exc)
                outcome = self._failed(event, d, attempt, error)
                outcomes.append(outcome)
                if outcome.status != DEAD:
                    hold_below = d.priority  # lower priorities wait for the retry
                continue
            stop = result is STOP
            outcomes.append(Outcome(d, DONE, stop=stop))
            self.bus.count(d.subscriber, "done")
            if stop:
                stop_below = d.priority

    def _failed(self, event: Event, d: Claimed, attempt: int, error: str) -> Outcome:
        settings = self.bus.settings
        if attempt >= settings.bus_max_attempts:
            self.bus.count(d.subscriber, "dead")
            log.error(
                "event handler failed; delivery dead-lettered",
                subscriber=d.subscriber,
                event_type=event.type,
                event_id=event.id,
                attempt=attempt,
                error=error,
            )
            return Outcome(d, DEAD, error)
        delay = backoff(attempt, settings.bus_retry_base_seconds, settings.bus_retry_max_seconds)
        self.bus.count(d.subscriber, "retry")
        log.warning(
            "event handler failed; will retry",
            subscriber=d.subscriber,
            event_type=event.type,
            event_id=event.id,
            attempt=attempt,
            retry_in=round(delay, 3),
            error=error,
        )
        return Outcome(d, "retry", error, datetime.now(UTC) + timedelta(seconds=delay))

    async def _record_persistently(self, outcomes: Sequence[Outcome], tries: int = 4) -> None:
        """Outcomes must not be lost to a passing lock timeout: completed handlers would rerun."""
        for attempt in range(1, tries + 1):
            try:
                await self._record(outcomes)
                return
            except Exception as exc:
                if attempt == tries:
                    raise
                log.warning(
                    "could not record delivery outcomes; trying again",
                    error=describe_error(exc),
                    attempt=attempt,
                )
                await asyncio.sleep(0.2 * 2**attempt)

    async def _record(self, outcomes: Sequence[Outcome]) -> None:
        if not outcomes:
            return
        now = datetime.now(UTC)
        done = [o.delivery.id for o in outcomes if o.status == DONE]
        skipped = [o.delivery.id for o in outcomes if o.status == SKIPPED]
        released = [o.delivery.id for o in outcomes if o.status == RELEASE]
        ours = DELIVERIES.c.status == RUNNING
        async with self.bus.db.transaction() as session:
            if done:
                await session.execute(
                    update(DELIVERIES)
                    .where(DELIVERIES.c.id.in_(done), ours)
                    .values(
                        status=DONE,
                        attempts=DELIVERIES.c.attempts + 1,
                        locked_until=None,
                        updated_at=now,
                    )
                )
            if skipped:
                await _set(
                    session, skipped, ours, status=SKIPPED, locked_until=None, updated_at=now
                )
            if released:
                await _set(
                    session, released, ours, status=PENDING, locked_until=None, updated_at=now
                )
            for o in outcomes:
                if o.status == "retry":
                    await _set(
                        session, [o.delivery.id], ours,
                        status=PENDING, attempts=o.delivery.attempts + 1, last_error=o.error,
                        next_attempt_at=o.next_attempt_at, locked_until=None, updated_at=now,
                    )  # fmt: skip
                elif o.status == DEAD:
                    await _set(
                        session, [o.delivery.id], ours,
                        status=DEAD, attempts=o.delivery.attempts + 1, last_error=o.error,
                        locked_until=None, updated_at=now,
                    )  # fmt: skip
                elif o.stop:
                    # Lower-priority deliveries not claimed in this batch (e.g. for
                    # subscribers this process does not have) are skipped as well.
                    await session.execute(
                        update(DELIVERIES)
                        .where(
                            DELIVERIES.c.event_id == o.delivery.event_id,
                            DELIVERIES.c.priority < o.delivery.priority,
                            DELIVERIES.c.status == PENDING,
                        )
                        .values(status=SKIPPED, updated_at=now)
                    )

    async def _heartbeat(self, ids: list[str]) -> None:
        """Extend the lease of a long-running batch so no other process takes it over."""
        while True:
            await asyncio.sleep(self.lease_seconds / 3)
            until = datetime.now(UTC) + timedelta(seconds=self.lease_seconds)
            try:
                async with self.bus.db.transaction() as session:
                    await _set(session, ids, DELIVERIES.c.status == RUNNING, locked_until=until)
            except Exception as exc:  # try again next time; the lease is not over yet
                log.warning("could not extend delivery leases", error=describe_error(exc))

    async def _next_due(self) -> datetime | None:
        names = self.bus.subscriptions.names
        if not names:
            return None
        async with self.bus.db.session() as session:
            due: datetime | None = (
                await session.execute(
                    select(func.min(DELIVERIES.c.next_attempt_at)).where(
                        status_is(DELIVERIES.c.status, PENDING),
                        DELIVERIES.c.subscriber.in_(names),
                    )
                )
            ).scalar()
        if due is not None and due.tzinfo is None:
            due = due.replace(tzinfo=UTC)
        return due

    async def report_unregistered(self) -> dict[str, int]:
        """Log (and return) pending deliveries for subscribers this process does not have."""
        waiting = await self.bus.store.unregistered()
        if waiting:
            log.warning(
                "deliveries are waiting for subscribers that are not registered "
                "(plugin disabled or uninstalled?)",
                subscribers=waiting,
            )
        return waiting


async def _set(session: AsyncSession, ids: list[str], *where: Any, **values: Any) -> None:
    await session.execute(update(DELIVERIES).where(DELIVERIES.c.id.in_(ids), *where).values(values))


def describe_error(exc: BaseException) -> str:
    """Exception type and first line of its message, short enough for a log line or a row."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    text = f"{type(exc).__name__}: {lines[0]}" if lines else type(exc).__name__
    return text[:500]
