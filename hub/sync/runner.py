"""Executes one sync run from lock to final record.

`begin` takes the database lock and writes the run row in one transaction.
`drive` runs the job's generator as a task next to a heartbeat task; each
batch is stored in its own transaction together with the run's progress and
any item failures, and the cancel flag is read there. `finish` writes the
outcome, and only for a successful run moves the stored cursor, resolves the
failures the run proved fine, and releases the lock, all in one transaction.

The cursor therefore advances only when a whole run succeeds. Records of the
batches committed before a failure stay stored; the next run starts from the
old cursor and upserts them again, which changes nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import sqlalchemy as sa
import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from hub.errors import ValidationFailed
from hub.ids import new_id
from hub.sync import failures, locks, queries
from hub.sync.errors import NotDue, RunCancelled
from hub.sync.jobs import Batch, SyncJob
from hub.sync.models import SyncCursorRow, SyncRunRow
from hub.sync.run import MAX_ERROR_LENGTH, SyncRun, describe_error
from hub.sync.schemas import RunOut

if TYPE_CHECKING:
    from datetime import timedelta

    from hub.sync.service import SyncService

log = structlog.get_logger("hub.sync")

Progress = Callable[[SyncRun], None]
CANCELLED = "cancelled on request"
INTERRUPTED = "interrupted: the hub is shutting down"
_RUNS = SyncRunRow.__table__


@dataclass
class ActiveRun:
    """A run driven by this process: its body task, and an event set once it is recorded."""

    run: SyncRun
    task: asyncio.Task[None]
    recorded: asyncio.Event


async def store_batch(run: SyncRun, session: AsyncSession, batch: Batch) -> None:
    """The default store: upsert the records into the job's table, delete `deleted`."""
    job = run.job
    if batch.records:
        await run.upsert(session, job.table, batch.records, job.key_columns, job.update_columns)
    if batch.deleted:
        await run.delete(session, job.table, batch.deleted, job.key_columns)


async def mark_abandoned(session: AsyncSession, run_id: str, now: object, reason: str) -> None:
    await session.execute(
        sa.update(_RUNS)
        .where(_RUNS.c.id == run_id, _RUNS.c.status == "running")
        .values(status="failed", finished_at=now, error=reason)
    )


class Runner:
    def __init__(self, service: SyncService) -> None:
        self.service = service

    # ---- start ---------------------------------------------------------------

    async def begin(
        self,
        job: SyncJob,
        config_id: str,
        mode: str,
        *,
        keys: tuple[str, ...] = (),
        due_interval: timedelta | None = None,
    ) -> SyncRun:
        """Lock (config, entity) and record the run; raises `SyncRunning` if held.

        With `due_interval`, raises `NotDue` (and takes nothing) when a run of the
        pair started less than that long ago: another process got there first.
        """
        svc = self.service
        record, values = await svc.ctx.configs.load(config_id)
        if record.provider != job.provider:
            raise ValidationFailed(
                f"config {config_id} is a {record.provider} config; {job.name} syncs "
                f"{job.provider} configs",
                code="sync_wrong_provider",
            )
        if mode == "incremental" and job.incremental is None:
            raise ValidationFailed(f"{job.name} has no incremental run; run it in full")
        if mode == "retry" and job.retry is None:
            raise ValidationFailed(f"{job.name} cannot retry single items")
        now = svc.clock()
        run_id = new_id()
        async with svc.ctx.db.transaction() as s:
            previous = await locks.acquire(
                s, config_id, job.entity, run_id, svc.owner, now, svc.lock_ttl
            )
            if due_interval is not None:
                last = await queries.last_started(s, config_id, job.entity)
                if last is not None and last + due_interval > now:
                    raise NotDue()
            if previous is not None:
                await mark_abandoned(
                    s,
                    previous.run_id,
                    now,
                    f"abandoned: {previous.owner} stopped heartbeating; taken over by {run_id}",
                )
                log.warning(
                    "sync lock taken over", job=job.name, config_id=config_id,
                    dead_run=previous.run_id, owner=previous.owner,
                )  # fmt: skip
            stored = await s.get(SyncCursorRow, (config_id, job.entity))
            cursor = stored.cursor if stored is not None else None
            if mode == "auto":
                mode = "incremental" if job.incremental is not None and cursor else "full"
            s.add(
                SyncRunRow(
                    id=run_id, config_id=config_id, provider=job.provider, entity=job.entity,
                    mode=mode, status="running", started_at=now, heartbeat_at=now,
                    owner=svc.owner, items=0, inserted=0, updated=0, deleted=0, failed=0,
                    cursor_before=cursor, cancel_requested=False,
                )
            )  # fmt: skip
        log.info("sync run started", job=job.name, config_id=config_id, mode=mode, run_id=run_id)
        return SyncRun(
            ctx=svc.ctx, job=job, config=record, values=values, mode=mode, run_id=run_id,
            cursor=cursor, started_at=now, keys=keys,
        )  # fmt: skip

    # ---- run -----------------------------------------------------------------

    async def drive(self, run: SyncRun, progress: Progress | None = None) -> RunOut:
        """Run the job to its end (or cancellation) and record the outcome."""
        svc = self.service
        assert run.id is not None
        body = asyncio.create_task(self._body(run, progress), name=f"hub-sync-{run.id}")
        active = svc.active[run.id] = ActiveRun(run, body, asyncio.Event())
        beat = asyncio.create_task(self._heartbeat(run, body))
        started = time.perf_counter()
        status, error, interrupted = "succeeded", None, False
        try:
            await body
        except asyncio.CancelledError:
            current = asyncio.current_task()
            if current is not None and current.cancelling():
                # The process is stopping us (shutdown, Ctrl-C): record it, then comply.
                interrupted = True
                status, error = "cancelled", "interrupted: the process running it stopped"
                body.cancel()
                with contextlib.suppress(BaseException):
                    await asyncio.wait({body}, timeout=10)
            elif run.stop_reason in (CANCELLED, INTERRUPTED):
                status, error = "cancelled", run.stop_reason
            else:
                status, error = "failed", run.stop_reason or "stopped"
        except RunCancelled:
            status, error = "cancelled", CANCELLED
        except Exception as exc:
            status, error = "failed", run.scrub(describe_error(exc))[:MAX_ERROR_LENGTH]
            log.warning(
                "sync run failed", job=run.job.name, config_id=run.config_id, run_id=run.id,
                error=error,
            )  # fmt: skip
        finally:
            beat.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await beat
        try:
            record = await asyncio.shield(self.finish(run, status, error))
        finally:
            active.recorded.set()
            svc.active.pop(run.id, None)
        svc.observe(run, record, time.perf_counter() - started)
        if interrupted:
            raise asyncio.CancelledError
        return record

    async def _body(self, run: SyncRun, progress: Progress | None) -> None:
        job = run.job
        if run.mode == "incremental" and job.incremental is not None:
            stream = job.incremental(run, run.cursor)
        elif run.mode == "retry" and job.retry is not None:
            stream = job.retry(run, list(run.keys))
        else:
            stream = job.full(run)
        if not hasattr(stream, "__anext__"):
            if inspect.iscoroutine(stream):
                stream.close()
            raise TypeError(
                f"the {run.mode} function of {job.name} must be an async generator "
                "yielding Batch objects"
            )
        try:
            async for batch in stream:
                if not isinstance(batch, Batch):
                    raise TypeError(
                        f"{job.name} yielded {type(batch).__name__}; yield hub.sync.Batch"
                    )
                await self._commit(run, batch)
                if progress is not None:
                    progress(run)
        finally:
            close = getattr(stream, "aclose", None)
            if close is not None:
                await close()

    async def _commit(self, run: SyncRun, batch: Batch) -> None:
        """Store one batch, its failures and the run's progress in one transaction."""
        svc = self.service
        now = svc.clock()
        earlier = run.take_pending()  # written by the job outside any batch, already committed
        reported = dict(run.pending_failures)
        async with svc.ctx.db.transaction() as s:
            if batch.records or batch.deleted:
                store = run.job.store or store_batch
                await store(run, s, batch)
            reported.update(run.pending_failures)
            await failures.record(s, run, reported, now, svc.retry_policy)
            counts = run.take_pending()
            counts.add(earlier)
            counts.add(run.counts)
            # Items handled: records, deletions, and items the job reported as failed.
            items = run.items + batch.size + run.failed - run.failed_counted
            cursor = batch.cursor if batch.cursor is not None else run.cursor_after
            total = batch.total if batch.total is not None else run.total
            await s.execute(
                sa.update(_RUNS)
                .where(_RUNS.c.id == run.id)
                .values(
                    items=items, total=total, inserted=counts.inserted, updated=counts.updated,
                    deleted=counts.deleted, failed=run.failed, cursor_after=cursor,
                    heartbeat_at=now,
                )
            )  # fmt: skip
            flag = await s.execute(sa.select(_RUNS.c.cancel_requested).where(_RUNS.c.id == run.id))
            cancel = bool(flag.scalar_one_or_none())
        run.counts = counts
        run.items, run.cursor_after, run.total = items, cursor, total
        run.failed_counted = run.failed
        for key, error in reported.items():
            if run.pending_failures.get(key) == error:
                del run.pending_failures[key]
        if cancel:
            run.stop_reason = CANCELLED
            raise RunCancelled()

    async def _heartbeat(self, run: SyncRun, body: asyncio.Task[None]) -> None:
        """Keep the lock alive; stop the body when the lock is lost or a cancel is asked."""
        svc = self.service
        assert run.id is not None
        while not body.done():
            await asyncio.sleep(svc.heartbeat_seconds)
            if body.done():
                return
            try:
                async with svc.ctx.db.transaction() as s:
                    held, cancel = await locks.heartbeat(s, run.id, svc.clock(), svc.lock_ttl)
            except sa.exc.SQLAlchemyError as exc:
                log.warning("sync heartbeat failed", run_id=run.id, error=describe_error(exc))
                continue
            if not held:
                run.stop_reason = "the run lost its lock: another process took it over"
                body.cancel()
                return
            if cancel:
                run.stop_reason = CANCELLED
                body.cancel()
                return

    # ---- end -----------------------------------------------------------------

    async def finish(self, run: SyncRun, status: str, error: str | None) -> RunOut:
        svc = self.service
        now = svc.clock()
        if status == "succeeded":
            run.counts.add(run.take_pending())
            run.items += run.failed - run.failed_counted
            run.failed_counted = run.failed
        reported = dict(run.pending_failures)
        async with svc.ctx.db.transaction() as s:
            row = await s.get(SyncRunRow, run.id)
            if row is None:  # the config was deleted meanwhile, and its runs with it
                await locks.release(s, run.id or "")
                return _detached(run, now, "failed", "the config was deleted during the run")
            await failures.record(s, run, reported, now, svc.retry_policy)
            if status == "succeeded" and await locks.holder(s, row.id) is None:
                # Taken over while we were not looking: the other run owns the cursor now.
                status, error = "failed", "the run lost its lock before it could finish"
            if status == "succeeded":
                await failures.resolve(s, run, now)
                if run.mode != "retry" and run.cursor_after is not None:
                    await _store_cursor(s, run, now)
            row.status = status
            row.finished_at = now
            row.heartbeat_at = now
            row.error = error
            row.items = run.items
            row.total = run.total
            row.inserted = run.counts.inserted
            row.updated = run.counts.updated
            row.deleted = run.counts.deleted
            row.failed = run.failed
            row.cursor_after = run.cursor_after
            await locks.release(s, row.id)
            await s.flush()
            record = RunOut.from_row(row)
        run.pending_failures.clear()
        log.info(
            "sync run finished", job=run.job.name, config_id=run.config_id, run_id=run.id,
            mode=run.mode, status=status, items=run.items, inserted=record.inserted,
            updated=record.updated, deleted=record.deleted, failed=record.failed,
        )  # fmt: skip
        return record


async def _store_cursor(session: AsyncSession, run: SyncRun, now: object) -> None:
    stored = await session.get(SyncCursorRow, (run.config_id, run.job.entity))
    if stored is None:
        session.add(
            SyncCursorRow(
                config_id=run.config_id, entity=run.job.entity, cursor=run.cursor_after,
                run_id=run.id, updated_at=now,
            )
        )  # fmt: skip
    elif stored.cursor != run.cursor_after:
        stored.cursor = run.cursor_after
        stored.run_id = run.id or stored.run_id
        stored.updated_at = now  # type: ignore[assignment]


def _detached(run: SyncRun, now: object, status: str, error: str) -> RunOut:
    return RunOut(
        id=run.id or "", config_id=run.config_id, provider=run.job.provider,
        entity=run.job.entity, job=run.job.name, mode=run.mode,  # type: ignore[arg-type]
        status=status,  # type: ignore[arg-type]
        started_at=run.started_at, finished_at=now, heartbeat_at=now,  # type: ignore[arg-type]
        owner="", items=run.items, total=run.total, inserted=run.counts.inserted,
        updated=run.counts.updated, deleted=run.counts.deleted, failed=run.failed,
        cursor_before=run.cursor, cursor_after=run.cursor_after, error=error,
        cancel_requested=False,
    )  # fmt: skip
