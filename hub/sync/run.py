"""`SyncRun`: what a job's functions receive while they run.

It carries the config (record and decrypted values), the cursor the run
started from, and the ways to report back: `upsert`/`delete` (which count what
they wrote), `count` for writes made some other way, `fail` for an item that
could not be synced, and `total` for progress. Reports are buffered here and
written by the runner together with the next batch.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from pydantic import BaseModel, SecretBytes, SecretStr
from sqlalchemy.ext.asyncio import AsyncSession

from hub.sync.checksum import checksum
from hub.sync.jobs import SyncJob
from hub.sync.upsert import UpsertResult, as_table, delete_keys, upsert
from hub.tenants.config_store import scrub
from hub.tenants.records import ConfigRecord

if TYPE_CHECKING:
    from hub.context import HubContext

MAX_KEY_LENGTH = 255
MAX_ERROR_LENGTH = 2000


@dataclass
class Counts:
    inserted: int = 0
    updated: int = 0
    deleted: int = 0

    def add(self, other: Counts) -> None:
        self.inserted += other.inserted
        self.updated += other.updated
        self.deleted += other.deleted


def describe_error(error: str | BaseException) -> str:
    """One line: the exception's type and its message's lines joined with "; "."""
    text = str(error)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    text = "; ".join(lines)
    if isinstance(error, BaseException):
        return f"{type(error).__name__}: {text}" if text else type(error).__name__
    return text


def secret_values(values: BaseModel | None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if values is None:
        return out
    for name in type(values).model_fields:
        value = getattr(values, name, None)
        if isinstance(value, SecretStr):
            out[name] = value.get_secret_value()
        elif isinstance(value, SecretBytes):
            out[name] = value.get_secret_value().decode("utf-8", "replace")
    return out


class SyncRun:
    """One run of `job` for one config. `mode` is full, incremental, repair, retry or check."""

    def __init__(
        self,
        *,
        ctx: HubContext,
        job: SyncJob,
        config: ConfigRecord,
        values: BaseModel,
        mode: str,
        run_id: str | None,
        cursor: str | None,
        started_at: datetime,
        keys: Sequence[str] = (),
    ) -> None:
        self.ctx = ctx
        self.job = job
        self.config = config
        self.values = values
        self.mode = mode
        self.id = run_id
        self.cursor = cursor
        self.keys = list(keys)
        self.started_at = started_at
        self.total: int | None = None
        # Progress, maintained by the runner.
        self.items = 0
        self.counts = Counts()
        self.cursor_after: str | None = None
        self.stop_reason: str | None = None
        self.failed_keys: set[str] = set()
        self.failed_counted = 0  # failed items already included in `items`
        # Buffered until the runner writes them.
        self.pending_failures: dict[str, str] = {}
        self._pending = Counts()
        self._secrets = secret_values(values)

    @property
    def config_id(self) -> str:
        return self.config.id

    # ---- for job functions ---------------------------------------------------

    def fail(self, key: object, error: str | BaseException) -> None:
        """Record that item `key` could not be synced; it is retried on later ticks."""
        item = str(key)[:MAX_KEY_LENGTH]
        self.pending_failures[item] = self.scrub(describe_error(error))[:MAX_ERROR_LENGTH]
        self.failed_keys.add(item)

    def count(self, *, inserted: int = 0, updated: int = 0, deleted: int = 0) -> None:
        """Add writes the job made without `upsert`/`delete` to the run's counts."""
        self._pending.add(Counts(inserted, updated, deleted))

    async def upsert(
        self,
        session: AsyncSession,
        table: Any,
        rows: Sequence[Mapping[str, Any]],
        key_columns: Sequence[str],
        update_columns: Sequence[str] | None = None,
    ) -> UpsertResult:
        """`hub.sync.upsert`, counted toward this run."""
        result = await upsert(session, table, rows, key_columns, update_columns)
        self._pending.add(Counts(result.inserted, result.updated))
        return result

    async def delete(
        self,
        session: AsyncSession,
        table: Any,
        keys: Sequence[Mapping[str, Any]],
        key_columns: Sequence[str] | None = None,
    ) -> int:
        """Delete the rows with these key values; counted toward this run."""
        if not keys:
            return 0
        columns = tuple(key_columns or keys[0].keys())
        deleted = await delete_keys(session, table, keys, columns)
        self._pending.add(Counts(deleted=deleted))
        return deleted

    async def local_count(self, table: Any, **equals: Any) -> int:
        """Rows of `table` whose columns equal the given values (e.g. `config_id=...`)."""
        tbl = as_table(table)
        query = sa.select(sa.func.count()).select_from(tbl)
        for name, value in equals.items():
            query = query.where(tbl.c[name] == value)
        async with self.ctx.db.session() as session:
            return int((await session.execute(query)).scalar_one())

    async def local_checksum(self, table: Any, columns: Sequence[str], **equals: Any) -> str:
        """`hub.sync.checksum` over `columns` of the matching rows of `table`."""
        tbl = as_table(table)
        query = sa.select(*(tbl.c[c] for c in columns))
        for name, value in equals.items():
            query = query.where(tbl.c[name] == value)
        async with self.ctx.db.session() as session:
            result = await session.stream(query.execution_options(yield_per=1000))
            rows = [tuple(row) async for row in result]
        return checksum(rows)

    # ---- for the runner ------------------------------------------------------

    def scrub(self, text: str) -> str:
        """Remove the config's secret values from a message."""
        return scrub(text, self._secrets)

    def take_pending(self) -> Counts:
        pending, self._pending = self._pending, Counts()
        return pending

    @property
    def failed(self) -> int:
        return len(self.failed_keys)
