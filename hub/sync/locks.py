"""The run lock: one row per running (config, entity) in `hub_sync_locks`.

Because it is a database row, it holds across processes and hub instances,
not only within one event loop. The row expires unless its run keeps
heartbeating, so a process killed mid-run blocks the pair only until
`expires_at`; the next run then takes the lock over and marks the dead run
failed.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from hub.sync.errors import SyncRunning
from hub.sync.models import SyncLockRow, SyncRunRow

_LOCKS = SyncLockRow.__table__


@dataclass(frozen=True)
class Holder:
    run_id: str
    owner: str
    expires_at: datetime


def _insert(session: AsyncSession) -> sa.Insert:
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return insert(_LOCKS).on_conflict_do_nothing(index_elements=["config_id", "entity"])


async def acquire(
    session: AsyncSession,
    config_id: str,
    entity: str,
    run_id: str,
    owner: str,
    now: datetime,
    ttl: timedelta,
) -> Holder | None:
    """Take the lock in the caller's transaction; returns the expired holder taken over.

    Raises `SyncRunning` when a live run holds it.
    """
    values = {
        "config_id": config_id,
        "entity": entity,
        "run_id": run_id,
        "owner": owner,
        "acquired_at": now,
        "heartbeat_at": now,
        "expires_at": now + ttl,
    }
    inserted = await session.execute(_insert(session).values(**values))
    if inserted.rowcount == 1:
        return None
    query = sa.select(SyncLockRow).where(
        SyncLockRow.config_id == config_id, SyncLockRow.entity == entity
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update()
    row = (await session.execute(query)).scalar_one_or_none()
    if row is None:
        # Released between our insert and our read: the insert can win now.
        again = await session.execute(_insert(session).values(**values))
        if again.rowcount == 1:
            return None
        raise SyncRunning(f"a {entity} sync for config {config_id} is starting elsewhere")
    if row.expires_at > now:
        raise SyncRunning(
            f"a {entity} sync for config {config_id} is already running (run {row.run_id})",
            details={"run_id": row.run_id},
        )
    previous = Holder(row.run_id, row.owner, row.expires_at)
    taken = await session.execute(
        sa.update(_LOCKS)
        .where(
            _LOCKS.c.config_id == config_id,
            _LOCKS.c.entity == entity,
            _LOCKS.c.run_id == previous.run_id,
        )
        .values(**{k: v for k, v in values.items() if k not in ("config_id", "entity")})
    )
    if taken.rowcount != 1:
        raise SyncRunning(f"a {entity} sync for config {config_id} was just started elsewhere")
    return previous


async def heartbeat(
    session: AsyncSession, run_id: str, now: datetime, ttl: timedelta
) -> tuple[bool, bool]:
    """Extend the lock of `run_id`; returns (still held, cancel requested)."""
    held = await session.execute(
        sa.update(_LOCKS)
        .where(_LOCKS.c.run_id == run_id)
        .values(heartbeat_at=now, expires_at=now + ttl)
    )
    runs = SyncRunRow.__table__
    await session.execute(sa.update(runs).where(runs.c.id == run_id).values(heartbeat_at=now))
    cancel = await session.execute(sa.select(runs.c.cancel_requested).where(runs.c.id == run_id))
    return held.rowcount == 1, bool(cancel.scalar_one_or_none())


async def release(session: AsyncSession, run_id: str) -> None:
    await session.execute(sa.delete(_LOCKS).where(_LOCKS.c.run_id == run_id))


async def holder(session: AsyncSession, run_id: str) -> Holder | None:
    row = (
        await session.execute(sa.select(SyncLockRow).where(SyncLockRow.run_id == run_id))
    ).scalar_one_or_none()
    return None if row is None else Holder(row.run_id, row.owner, row.expires_at)


async def expired(session: AsyncSession, now: datetime) -> list[Holder]:
    rows = await session.execute(sa.select(SyncLockRow).where(SyncLockRow.expires_at <= now))
    return [Holder(r.run_id, r.owner, r.expires_at) for r in rows.scalars()]
