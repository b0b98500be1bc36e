"""Writing, reading and pruning the API call log.

A call must not wait for its log row: `record` only queues the row, and one
writer task inserts everything queued with a single statement and commit
(group commit), which keeps SQLite's single writer from becoming the caller's
bottleneck. If the database cannot take the rows they are dropped with a
warning: the log is for diagnosis and must never fail a provider call.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import structlog
from sqlalchemy import case, delete, func, insert, select

from hub.db.base import utcnow
from hub.db.engine import Database
from hub.http.models import ApiCall
from hub.http.schemas import CallOut
from hub.tenants.records import Page

log = structlog.get_logger("hub.http.calls")

WARN_EVERY_SECONDS = 60.0


@dataclass(frozen=True)
class CallRecord:
    id: str
    call_id: str
    config_id: str | None
    provider: str
    method: str
    url: str
    status: int | None
    outcome: str
    error_code: str | None
    error: str | None
    duration_ms: float
    attempt: int
    ok: bool
    at: datetime

    @classmethod
    def from_row(cls, row: ApiCall) -> CallRecord:
        return cls(**{name: getattr(row, name) for name in cls.__dataclass_fields__})

    def out(self) -> CallOut:
        return CallOut(**self.__dict__)


@dataclass(frozen=True)
class CallStats:
    config_id: str
    provider: str
    calls: int
    failed: int


class CallLog:
    def __init__(
        self,
        db: Database,
        *,
        linger_seconds: float = 0.05,
        batch_size: int = 1000,
        max_pending: int = 50_000,
    ) -> None:
        self.db = db
        self.linger_seconds = linger_seconds
        self.batch_size = batch_size
        self.max_pending = max_pending
        self.dropped = 0
        self._pending: list[dict[str, Any]] = []
        self._wake: asyncio.Event | None = None
        self._writer: asyncio.Task[None] | None = None
        self._lock: asyncio.Lock | None = None
        self._stopping = False
        self._last_warning = 0.0

    # ---- writing ---------------------------------------------------------------

    def record(self, **row: Any) -> None:
        """Queue one row (fields of `ApiCall`); returns at once."""
        if len(self._pending) >= self.max_pending:
            del self._pending[0]
            self.dropped += 1
            self._warn("call log queue full; oldest rows dropped", dropped=self.dropped)
        self._pending.append(row)
        if self._writer is None or self._writer.done():
            self._wake = asyncio.Event()
            self._writer = asyncio.get_running_loop().create_task(self._run(self._wake))
        assert self._wake is not None
        self._wake.set()

    async def _run(self, wake: asyncio.Event) -> None:
        while True:
            await wake.wait()
            wake.clear()
            if not self._stopping and len(self._pending) < self.batch_size:
                await asyncio.sleep(self.linger_seconds)  # let more rows join this commit
            await self.flush()
            if self._stopping:
                return

    def _guard(self) -> asyncio.Lock:
        if self._lock is None:
            self._lock = asyncio.Lock()
        return self._lock

    async def flush(self) -> int:
        """Write everything queued so far; returns how many rows were written."""
        written = 0
        async with self._guard():
            while self._pending:
                rows, self._pending = (
                    self._pending[: self.batch_size],
                    self._pending[self.batch_size :],
                )
                try:
                    async with self.db.transaction() as s:
                        await s.execute(insert(ApiCall), rows)
                except asyncio.CancelledError:
                    self._pending[:0] = rows
                    raise
                except Exception as exc:
                    self.dropped += len(rows)
                    self._warn(
                        "call log rows not written",
                        error=f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}",
                        dropped=self.dropped,
                    )
                else:
                    written += len(rows)
        return written

    def _warn(self, event: str, **fields: Any) -> None:
        now = time.monotonic()
        if now - self._last_warning >= WARN_EVERY_SECONDS:
            self._last_warning = now
            log.warning(event, **fields)

    async def close(self) -> None:
        """Let the writer finish its batch, then write what is left."""
        writer, self._writer = self._writer, None
        if writer is not None and not writer.done():
            self._stopping = True
            assert self._wake is not None
            self._wake.set()
            with contextlib.suppress(asyncio.CancelledError):
                await writer
        self._stopping = False
        if self._pending:
            await self.flush()

    # ---- retention -------------------------------------------------------------

    async def prune(self, retention_days: float) -> int:
        """Delete rows older than the retention; returns how many."""
        cutoff = utcnow() - timedelta(days=retention_days)
        async with self.db.transaction() as s:
            result = await s.execute(delete(ApiCall).where(ApiCall.at < cutoff))
        count = int(getattr(result, "rowcount", 0) or 0)
        if count:
            log.info("call log pruned", rows=count, retention_days=retention_days)
        return count

    async def prune_forever(self, retention_days: float, interval_seconds: float) -> None:
        while True:
            try:
                await self.prune(retention_days)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("call log pruning failed", error=f"{type(exc).__name__}: {exc}"[:300])
            await asyncio.sleep(interval_seconds)

    # ---- reading ---------------------------------------------------------------

    async def list(
        self,
        *,
        config_id: str | None = None,
        provider: str | None = None,
        ok: bool | None = None,
        limit: int = 50,
        cursor: str | None = None,
    ) -> Page[CallRecord]:
        """Newest first; `cursor` is the `next_cursor` of the previous page."""
        query = select(ApiCall).order_by(ApiCall.id.desc()).limit(limit + 1)
        if config_id is not None:
            query = query.where(ApiCall.config_id == config_id)
        if provider is not None:
            query = query.where(ApiCall.provider == provider)
        if ok is not None:
            query = query.where(ApiCall.ok.is_(ok))
        if cursor:
            query = query.where(ApiCall.id < cursor)
        async with self.db.session() as s:
            rows = list((await s.execute(query)).scalars())
        items = [CallRecord.from_row(r) for r in rows[:limit]]
        return Page(items, items[-1].id if len(rows) > limit else None)

    async def attempts(self, call_id: str) -> list[CallRecord]:
        """Every attempt of one call, in order."""
        query = select(ApiCall).where(ApiCall.call_id == call_id).order_by(ApiCall.attempt)
        async with self.db.session() as s:
            return [CallRecord.from_row(r) for r in (await s.execute(query)).scalars()]

    async def stats(self, since: datetime) -> list[CallStats]:
        """Attempts and failed attempts per config since `since`."""
        failed = func.sum(case((ApiCall.ok.is_(False), 1), else_=0))
        query = (
            select(ApiCall.config_id, ApiCall.provider, func.count(), failed)
            .where(ApiCall.at >= since, ApiCall.config_id.is_not(None))
            .group_by(ApiCall.config_id, ApiCall.provider)
        )
        async with self.db.session() as s:
            rows = (await s.execute(query)).all()
        return [CallStats(r[0], r[1], int(r[2]), int(r[3] or 0)) for r in rows]
