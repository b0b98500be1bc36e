"""Read-side queries over the sync tables: history, status, failures."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from hub.sync.models import SyncCursorRow, SyncFailureRow, SyncLockRow, SyncRunRow
from hub.tenants.records import Page

Pair = tuple[str, str]  # (config_id, entity)

# Retry runs re-fetch single items; they neither count as the job having run nor delay it.
_SCHEDULING_MODES = ("full", "incremental", "repair")


def _entity_filter(query: sa.Select, entity: str | None) -> sa.Select:  # type: ignore[type-arg]
    if entity is None:
        return query
    provider, dot, name = entity.partition(".")
    if dot:
        return query.where(SyncRunRow.provider == provider, SyncRunRow.entity == name)
    return query.where(SyncRunRow.entity == entity)


async def last_started(session: AsyncSession, config_id: str, entity: str) -> datetime | None:
    query = sa.select(sa.func.max(SyncRunRow.started_at)).where(
        SyncRunRow.config_id == config_id,
        SyncRunRow.entity == entity,
        SyncRunRow.mode.in_(_SCHEDULING_MODES),
    )
    return (await session.execute(query)).scalar_one_or_none()


async def started_since(session: AsyncSession, since: datetime) -> dict[Pair, datetime]:
    """Latest start per pair among runs started after `since` (uses the started_at index)."""
    query = (
        sa.select(SyncRunRow.config_id, SyncRunRow.entity, sa.func.max(SyncRunRow.started_at))
        .where(SyncRunRow.started_at > since, SyncRunRow.mode.in_(_SCHEDULING_MODES))
        .group_by(SyncRunRow.config_id, SyncRunRow.entity)
    )
    return {(r[0], r[1]): r[2] for r in await session.execute(query)}


async def latest_runs(session: AsyncSession) -> dict[Pair, SyncRunRow]:
    """The newest run of each pair (run ids are time-ordered UUIDv7)."""
    newest = (
        sa.select(sa.func.max(SyncRunRow.id))
        .group_by(SyncRunRow.config_id, SyncRunRow.entity)
        .scalar_subquery()
    )
    rows = await session.execute(sa.select(SyncRunRow).where(SyncRunRow.id.in_(newest)))
    return {(r.config_id, r.entity): r for r in rows.scalars()}


async def last_successes(session: AsyncSession) -> dict[Pair, datetime]:
    query = (
        sa.select(SyncRunRow.config_id, SyncRunRow.entity, sa.func.max(SyncRunRow.finished_at))
        .where(SyncRunRow.status == "succeeded", SyncRunRow.mode.in_(_SCHEDULING_MODES))
        .group_by(SyncRunRow.config_id, SyncRunRow.entity)
    )
    return {(r[0], r[1]): r[2] for r in await session.execute(query)}


async def cursors(session: AsyncSession) -> dict[Pair, SyncCursorRow]:
    rows = await session.execute(sa.select(SyncCursorRow))
    return {(r.config_id, r.entity): r for r in rows.scalars()}


async def live_locks(session: AsyncSession, now: datetime) -> set[Pair]:
    query = sa.select(SyncLockRow.config_id, SyncLockRow.entity).where(
        SyncLockRow.expires_at > now
    )
    return {(r[0], r[1]) for r in await session.execute(query)}


async def open_failure_counts(session: AsyncSession) -> dict[Pair, int]:
    query = (
        sa.select(SyncFailureRow.config_id, SyncFailureRow.entity, sa.func.count())
        .where(SyncFailureRow.resolved.is_(False))
        .group_by(SyncFailureRow.config_id, SyncFailureRow.entity)
    )
    return {(r[0], r[1]): int(r[2]) for r in await session.execute(query)}


async def list_runs(
    session: AsyncSession,
    *,
    config_id: str | None = None,
    entity: str | None = None,
    status: str | None = None,
    limit: int = 50,
    cursor: str | None = None,
) -> Page[SyncRunRow]:
    """Newest first; `cursor` is the id of the last run of the previous page."""
    query = sa.select(SyncRunRow).order_by(SyncRunRow.id.desc()).limit(limit + 1)
    if config_id is not None:
        query = query.where(SyncRunRow.config_id == config_id)
    if status is not None:
        query = query.where(SyncRunRow.status == status)
    if cursor is not None:
        query = query.where(SyncRunRow.id < cursor)
    rows = list((await session.execute(_entity_filter(query, entity))).scalars())
    items = rows[:limit]
    return Page(items, items[-1].id if len(rows) > limit else None)


async def list_failures(
    session: AsyncSession,
    *,
    config_id: str | None = None,
    entities: list[str] | None = None,
    include_resolved: bool = False,
    limit: int = 50,
    cursor: str | None = None,
) -> Page[SyncFailureRow]:
    query = sa.select(SyncFailureRow).order_by(SyncFailureRow.id).limit(limit + 1)
    if config_id is not None:
        query = query.where(SyncFailureRow.config_id == config_id)
    if entities is not None:
        query = query.where(SyncFailureRow.entity.in_(entities))
    if not include_resolved:
        query = query.where(SyncFailureRow.resolved.is_(False))
    if cursor is not None:
        query = query.where(SyncFailureRow.id > cursor)
    rows = list((await session.execute(query)).scalars())
    items = rows[:limit]
    return Page(items, items[-1].id if len(rows) > limit else None)
