"""Group commit: one task writes every accepted webhook.

SQLite takes one writer at a time and a commit per request caps intake at a
couple of thousand requests a second. Requests therefore hand their row to this
writer and await a future; the writer inserts everything that arrived while
its previous commit ran with one statement and one commit, then resolves the
futures. At low load a batch is a single row (no added latency); under load
batches grow by themselves.

On SQLite the batch runs on a dedicated sqlite3 connection (see
`_SqliteBackend`): SQLite's write lock is held only while the inserts and the
commit execute, not for the event-loop turns an async driver waits between
statements. PostgreSQL takes the same batch through the async engine, as one
multi-row statement.

Duplicates are decided by the database: `INSERT ... ON CONFLICT (config_id,
dedup_key) DO UPDATE SET duplicates = duplicates + 1 RETURNING id` answers the
new row's id for a first delivery and the stored row's id for a redelivery.
"""

import asyncio
import contextlib
import sqlite3
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import structlog
from sqlalchemy import Connection, delete, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url

from hub.db.engine import Database, _sqlite_pragmas
from hub.webhooks.models import WebhookRejectionRow, WebhookRow

log = structlog.get_logger("hub.webhooks.writer")

WEBHOOKS = WebhookRow.__table__
REJECTIONS = WebhookRejectionRow.__table__
MAX_BATCH = 1000
ROWS_PER_STATEMENT = 50  # 20 columns each: well below SQLite's 32766 parameters

Rows = Sequence[dict[str, Any]]
StoredKeys = dict[tuple[str, str], str]


class StoreFailed(Exception):
    """The database did not take the row; the request is answered 503 so the provider retries."""


@dataclass(frozen=True)
class Stored:
    id: str
    duplicate: bool


class _Pending:
    __slots__ = ("copies", "future", "row")

    def __init__(self, row: dict[str, Any], future: "asyncio.Future[Stored]") -> None:
        self.row = row
        self.future = future
        self.copies: list[asyncio.Future[Stored]] = []


def _upsert(dialect: str) -> Any:
    make = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = make(WEBHOOKS)
    return stmt.on_conflict_do_update(
        index_elements=["config_id", "dedup_key"],
        set_={"duplicates": WEBHOOKS.c.duplicates + stmt.excluded.duplicates + 1},
    ).returning(WEBHOOKS.c.id, WEBHOOKS.c.config_id, WEBHOOKS.c.dedup_key)


def _write_batch(
    conn: Connection, statement: Any, rows: Rows, rejections: Rows, kept: int
) -> StoredKeys:
    """Insert webhooks and audit rows, prune the audit trail; the caller commits."""
    stored: StoredKeys = {}
    if rows:
        result = conn.execute(statement, list(rows))
        stored = {(r.config_id, r.dedup_key or r.id): r.id for r in result}
    if rejections:
        conn.execute(insert(REJECTIONS), list(rejections))
        for config_id in {r["config_id"] for r in rejections}:
            # Keep the newest `kept` rows of the config (ids sort by time).
            oldest_kept = (
                select(REJECTIONS.c.id)
                .where(REJECTIONS.c.config_id == config_id)
                .order_by(REJECTIONS.c.id.desc())
                .offset(kept - 1)
                .limit(1)
                .scalar_subquery()
            )
            conn.execute(
                delete(REJECTIONS).where(
                    REJECTIONS.c.config_id == config_id, REJECTIONS.c.id < oldest_kept
                )
            )
    return stored


class _Backend(Protocol):
    async def write(self, rows: Rows, rejections: Rows) -> StoredKeys: ...

    async def close(self) -> None: ...


class _SqliteBackend:
    """One dedicated sqlite3 connection, used on the event loop's own thread.

    A batch (one upsert per row, prepared once, and a COMMIT, no fsync with WAL
    and synchronous=NORMAL) takes a fraction of a millisecond. Handing it to a
    thread would cost more: under load the thread waits for the GIL at every
    call into SQLite. Values are converted by the columns' own SQLAlchemy bind
    processors, so the rows read back through the ORM exactly as if it had
    written them. The connection never waits for SQLite's lock inside a call
    (busy_timeout=0): when another connection holds it, the writer yields to
    the event loop and tries again, so the holder can finish. It never
    checkpoints inline either (that would fsync on the loop); a background
    thread does, every second while webhooks are written.
    """

    RETRY_SECONDS = 0.001
    GIVE_UP_SECONDS = 10.0
    CHECKPOINT_SECONDS = 1.0

    def __init__(self, db: Database, kept: int) -> None:
        self.kept = kept
        self.path = make_url(db.url).database or ""
        dialect = db.engine.dialect
        self.columns = [c.name for c in WEBHOOKS.c]
        self.converters = [
            (c.name, c.type.bind_processor(dialect)) for c in WEBHOOKS.c
        ]
        self.rejection_columns = [c.name for c in REJECTIONS.c]
        self.rejection_converters = [
            (c.name, c.type.bind_processor(dialect)) for c in REJECTIONS.c
        ]
        self._upserts: dict[int, str] = {}
        self.audit = (
            f"INSERT INTO hub_webhook_rejections ({', '.join(self.rejection_columns)}) "
            f"VALUES ({', '.join('?' for _ in self.rejection_columns)})"
        )
        self.prune = (
            "DELETE FROM hub_webhook_rejections WHERE config_id = ?1 AND id < ("
            "SELECT id FROM hub_webhook_rejections WHERE config_id = ?1 "
            "ORDER BY id DESC LIMIT 1 OFFSET ?2)"
        )
        self.conn: sqlite3.Connection | None = None
        self._checkpoint: asyncio.Future[None] | None = None
        self._last_checkpoint = time.monotonic()

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, isolation_level=None, timeout=0)
        _sqlite_pragmas(conn, None)
        conn.execute("PRAGMA busy_timeout=0")
        conn.execute("PRAGMA wal_autocheckpoint=0")
        return conn

    @staticmethod
    def _values(row: dict[str, Any], converters: list[tuple[str, Any]]) -> list[Any]:
        return [
            row[name] if convert is None or row[name] is None else convert(row[name])
            for name, convert in converters
        ]

    def _upsert(self, count: int) -> str:
        """One statement for `count` rows (prepared once per count)."""
        sql = self._upserts.get(count)
        if sql is None:
            one = "(" + ", ".join("?" for _ in self.columns) + ")"
            sql = (
                f"INSERT INTO hub_webhooks ({', '.join(self.columns)}) VALUES "
                + ", ".join([one] * count)
                + " ON CONFLICT (config_id, dedup_key) DO UPDATE SET "
                "duplicates = hub_webhooks.duplicates + excluded.duplicates + 1 "
                "RETURNING id, config_id, dedup_key"
            )
            if len(self._upserts) < 64:
                self._upserts[count] = sql
        return sql

    def _run(self, rows: Rows, rejections: Rows) -> StoredKeys:
        if self.conn is None:
            self.conn = self._connect()
        conn = self.conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            stored: StoredKeys = {}
            for start in range(0, len(rows), ROWS_PER_STATEMENT):
                chunk = rows[start : start + ROWS_PER_STATEMENT]
                values = [v for row in chunk for v in self._values(row, self.converters)]
                for stored_id, config_id, key in conn.execute(self._upsert(len(chunk)), values):
                    stored[(config_id, key or stored_id)] = stored_id
            if rejections:
                conn.executemany(
                    self.audit, [self._values(r, self.rejection_converters) for r in rejections]
                )
                for config_id in {r["config_id"] for r in rejections}:
                    conn.execute(self.prune, (config_id, self.kept - 1))
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        return stored

    async def write(self, rows: Rows, rejections: Rows) -> StoredKeys:
        deadline = time.monotonic() + self.GIVE_UP_SECONDS
        delay = self.RETRY_SECONDS
        while True:
            try:
                stored = self._run(rows, rejections)
                break
            except sqlite3.OperationalError as exc:
                if not _locked(exc) or time.monotonic() > deadline:
                    raise
            await asyncio.sleep(delay)
            delay = min(delay * 2, 0.02)
        self._maybe_checkpoint()
        return stored

    def _maybe_checkpoint(self) -> None:
        now = time.monotonic()
        if self._checkpoint is not None or now - self._last_checkpoint < self.CHECKPOINT_SECONDS:
            return
        self._last_checkpoint = now
        future = asyncio.get_running_loop().run_in_executor(None, _checkpoint, self.path)
        self._checkpoint = future
        future.add_done_callback(self._checkpointed)

    def _checkpointed(self, future: "asyncio.Future[None]") -> None:
        self._checkpoint = None
        error = None if future.cancelled() else future.exception()
        if error is not None:
            log.warning("WAL checkpoint failed", error=_describe(error))

    async def close(self) -> None:
        if self._checkpoint is not None:
            with contextlib.suppress(Exception):
                await self._checkpoint
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def _locked(exc: sqlite3.OperationalError) -> bool:
    code = getattr(exc, "sqlite_errorcode", None)
    return code in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED) or "locked" in str(exc)


def _checkpoint(path: str) -> None:
    """Copy the WAL into the database file without blocking writers (own connection, thread)."""
    conn = sqlite3.connect(path, timeout=10)
    try:
        conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
    finally:
        conn.close()


class _AsyncBackend:
    """The hub's async engine (PostgreSQL, or an in-memory SQLite database)."""

    def __init__(self, db: Database, kept: int) -> None:
        self.db = db
        self.kept = kept
        self.statement = _upsert(db.dialect)

    async def write(self, rows: Rows, rejections: Rows) -> StoredKeys:
        async with self.db.engine.begin() as conn:
            return await conn.run_sync(_write_batch, self.statement, rows, rejections, self.kept)

    async def close(self) -> None:
        return None


def _backend(db: Database, kept: int) -> _Backend:
    url = make_url(db.url)
    database = url.database or ""
    in_memory = not database or ":memory:" in database or "mode=memory" in str(url)
    if db.dialect == "sqlite" and not in_memory:
        return _SqliteBackend(db, kept)
    return _AsyncBackend(db, kept)


class GroupWriter:
    def __init__(
        self,
        db: Database,
        *,
        rejections_kept: int,
        on_commit: Callable[[], None] | None = None,
    ) -> None:
        self.db = db
        self.rejections_kept = rejections_kept
        self.on_commit = on_commit
        self._rows: list[tuple[dict[str, Any], asyncio.Future[Stored]]] = []
        self._rejections: list[dict[str, Any]] = []
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._backend: _Backend | None = None
        self._closing = False
        self.batches = 0
        """Commits so far (several rows share one under load)."""

    # ---- callers ---------------------------------------------------------------

    async def store(self, row: dict[str, Any]) -> Stored:
        """Durably store one webhook row; resolves after its commit."""
        if self._task is None or self._closing:
            raise StoreFailed("webhook store is not running")
        future: asyncio.Future[Stored] = asyncio.get_running_loop().create_future()
        self._rows.append((row, future))
        self._wake.set()
        # Not shielded: a cancelled request leaves a cancelled future, which the
        # writer skips, or finds done when its row was already written.
        return await future

    def reject(self, row: dict[str, Any]) -> None:
        """Queue an audit row for a refused delivery; written with the next batch."""
        if self.rejections_kept <= 0 or self._task is None or self._closing:
            return
        self._rejections.append(row)
        self._wake.set()

    # ---- lifecycle -------------------------------------------------------------

    def start(self) -> None:
        self._backend = _backend(self.db, self.rejections_kept)
        self._closing = False
        self._task = asyncio.create_task(self._run(), name="hub-webhook-writer")

    async def stop(self) -> None:
        """Write what is queued, then end the task and close the connection."""
        self._closing = True
        self._wake.set()
        task, self._task = self._task, None
        if task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if self._backend is not None:
            await self._backend.close()
            self._backend = None

    # ---- the writer task -------------------------------------------------------

    async def _run(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            while self._rows or self._rejections:
                rows, self._rows = self._rows[:MAX_BATCH], self._rows[MAX_BATCH:]
                rejections, self._rejections = self._rejections, []
                pending = self._collapse(rows)
                try:
                    await self._write(pending, rejections)
                except Exception as exc:  # a bug here must not leave requests waiting
                    self._fail(pending, exc)
            if self._closing:
                return

    async def _write(self, pending: list[_Pending], rejections: list[dict[str, Any]]) -> None:
        assert self._backend is not None
        try:
            stored = await self._backend.write([p.row for p in pending], rejections)
        except Exception as exc:
            if len(pending) <= 1 and not rejections:
                self._fail(pending, exc)
                return
            # One bad row must not fail the others: write them one by one.
            log.warning("webhook batch failed; retrying row by row", error=_describe(exc))
            if rejections:
                with contextlib.suppress(Exception):
                    await self._backend.write([], rejections)
            for item in pending:
                try:
                    self._resolve([item], await self._backend.write([item.row], []))
                except Exception as row_exc:
                    self._fail([item], row_exc)
            return
        self.batches += 1
        self._resolve(pending, stored)

    @staticmethod
    def _collapse(rows: list[tuple[dict[str, Any], "asyncio.Future[Stored]"]]) -> list[_Pending]:
        """Copies of one delivery within a batch become one row plus waiting futures.

        PostgreSQL refuses an upsert that touches the same row twice in one
        statement, and the copies are duplicates anyway.
        """
        out: list[_Pending] = []
        by_key: dict[tuple[str, str], _Pending] = {}
        for row, future in rows:
            if future.done():
                continue
            key = row["dedup_key"]
            if key is None:
                out.append(_Pending(row, future))
                continue
            first = by_key.get((row["config_id"], key))
            if first is None:
                first = by_key[(row["config_id"], key)] = _Pending(row, future)
                out.append(first)
            else:
                first.copies.append(future)
        for item in out:
            item.row["duplicates"] = len(item.copies)
        return out

    def _resolve(self, pending: list[_Pending], stored: StoredKeys) -> None:
        inserted = False
        for item in pending:
            row = item.row
            stored_id = stored.get((row["config_id"], row["dedup_key"] or row["id"]), row["id"])
            first = stored_id == row["id"]
            inserted |= first
            if not item.future.done():
                item.future.set_result(Stored(stored_id, duplicate=not first))
            for copy in item.copies:
                if not copy.done():
                    copy.set_result(Stored(stored_id, duplicate=True))
        if inserted and self.on_commit is not None:
            self.on_commit()

    @staticmethod
    def _fail(pending: list[_Pending], exc: Exception) -> None:
        log.error("webhook not stored", error=_describe(exc))
        for item in pending:
            for future in (item.future, *item.copies):
                if not future.done():
                    future.set_exception(StoreFailed(_describe(exc)))


def _describe(exc: BaseException) -> str:
    first = str(exc).splitlines()[0] if str(exc) else ""
    return f"{type(exc).__name__}: {first}" if first else type(exc).__name__
