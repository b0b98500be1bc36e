"""Per-item failures: recorded by runs, retried with exponential backoff, resolved.

A failure is one row per (config, entity, item key). Reporting the same item
again adds an attempt and pushes its next attempt further out; after
`max_attempts` the scheduler stops retrying it on its own (`hub sync failures
--retry` still does). A failure is resolved by a retry run that does not
report the item again, or by a full or repair run that succeeds without
reporting it.
"""

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from hub.sync.models import SyncFailureRow
from hub.sync.run import SyncRun

_CHUNK = 500


@dataclass(frozen=True)
class RetryPolicy:
    base: timedelta = timedelta(seconds=30)
    max_delay: timedelta = timedelta(hours=6)
    max_attempts: int = 10

    def delay(self, attempts: int) -> timedelta:
        """Exponential in the number of attempts, capped, with "equal jitter" (half fixed)."""
        exponent = min(max(attempts - 1, 0), 30)
        ceiling = min(self.base * (2**exponent), self.max_delay)
        return ceiling / 2 + ceiling / 2 * random.random()


async def record(
    session: AsyncSession,
    run: SyncRun,
    reported: dict[str, str],
    now: datetime,
    policy: RetryPolicy,
) -> None:
    """Write failures `run` reported (item key -> error) in the caller's transaction."""
    if not reported:
        return
    keys = list(reported)
    existing: dict[str, SyncFailureRow] = {}
    for start in range(0, len(keys), _CHUNK):
        query = sa.select(SyncFailureRow).where(
            SyncFailureRow.config_id == run.config_id,
            SyncFailureRow.entity == run.job.entity,
            SyncFailureRow.item_key.in_(keys[start : start + _CHUNK]),
        )
        for row in (await session.execute(query)).scalars():
            existing[row.item_key] = row
    for key, error in reported.items():
        row = existing.get(key)
        if row is None:
            session.add(
                SyncFailureRow(
                    config_id=run.config_id,
                    entity=run.job.entity,
                    item_key=key,
                    error=error,
                    attempts=1,
                    first_failed_at=now,
                    last_failed_at=now,
                    next_attempt_at=now + policy.delay(1),
                    resolved=False,
                    run_id=run.id,
                )
            )
            continue
        attempts = 1 if row.resolved else row.attempts + 1
        if row.resolved:
            row.first_failed_at = now
        row.attempts = attempts
        row.error = error
        row.last_failed_at = now
        row.next_attempt_at = now + policy.delay(attempts)
        row.resolved = False
        row.resolved_at = None
        row.run_id = run.id or row.run_id
    await session.flush()


async def resolve(session: AsyncSession, run: SyncRun, now: datetime) -> int:
    """Mark resolved what a successful run showed to be fine again; returns how many."""
    table = SyncFailureRow.__table__
    base = [
        table.c.config_id == run.config_id,
        table.c.entity == run.job.entity,
        table.c.resolved.is_(False),
        table.c.run_id != run.id,
    ]
    values = {"resolved": True, "resolved_at": now}
    if run.mode in ("full", "repair"):
        result = await session.execute(sa.update(table).where(*base).values(**values))
        return max(result.rowcount, 0)
    if run.mode != "retry":
        return 0
    retried = [k for k in run.keys if k not in run.failed_keys]
    resolved = 0
    for start in range(0, len(retried), _CHUNK):
        chunk = retried[start : start + _CHUNK]
        statement = sa.update(table).where(*base, table.c.item_key.in_(chunk)).values(**values)
        resolved += max((await session.execute(statement)).rowcount, 0)
    return resolved


async def due(
    session: AsyncSession, now: datetime, policy: RetryPolicy, limit: int
) -> list[tuple[str, str, str]]:
    """(config_id, entity, item_key) of failures whose next attempt has come."""
    query = (
        sa.select(SyncFailureRow.config_id, SyncFailureRow.entity, SyncFailureRow.item_key)
        .where(
            SyncFailureRow.resolved.is_(False),
            SyncFailureRow.next_attempt_at <= now,
            SyncFailureRow.attempts < policy.max_attempts,
        )
        .order_by(SyncFailureRow.next_attempt_at)
        .limit(limit)
    )
    return [(r.config_id, r.entity, r.item_key) for r in await session.execute(query)]


async def open_keys(
    session: AsyncSession, config_id: str | None, entities: Sequence[str] | None
) -> list[tuple[str, str, str]]:
    """Every unresolved failure, optionally for one config and some entities."""
    query = sa.select(
        SyncFailureRow.config_id, SyncFailureRow.entity, SyncFailureRow.item_key
    ).where(SyncFailureRow.resolved.is_(False))
    if config_id is not None:
        query = query.where(SyncFailureRow.config_id == config_id)
    if entities is not None:
        query = query.where(SyncFailureRow.entity.in_(list(entities)))
    query = query.order_by(SyncFailureRow.config_id, SyncFailureRow.entity, SyncFailureRow.id)
    return [(r.config_id, r.entity, r.item_key) for r in await session.execute(query)]
