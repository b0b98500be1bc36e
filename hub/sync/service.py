"""`ctx.sync`: the sync framework as the app, the CLI and plugins use it."""

from __future__ import annotations

import asyncio
import contextlib
import os
import secrets
import socket
from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import structlog

from hub.db.base import utcnow
from hub.errors import ConfigDisabled, HubError, NotFound
from hub.sync import failures, locks, queries
from hub.sync.errors import RunNotRunning, SyncRunning
from hub.sync.failures import RetryPolicy
from hub.sync.jobs import ConsistencyReport, JobRegistry, SyncJob, by_priority
from hub.sync.models import SyncRunRow
from hub.sync.run import MAX_ERROR_LENGTH, SyncRun, describe_error
from hub.sync.runner import CANCELLED, INTERRUPTED, ActiveRun, Progress, Runner
from hub.sync.scheduler import Scheduler
from hub.sync.schemas import (
    CheckOut,
    FailureOut,
    FailurePage,
    JobOut,
    RunOut,
    RunPage,
    StatusOut,
)
from hub.tenants.records import ConfigRecord

if TYPE_CHECKING:
    from hub.context import HubContext

log = structlog.get_logger("hub.sync")

LOCK_TTL = timedelta(minutes=2)
HEARTBEAT_SECONDS = 20.0
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

Target = tuple[SyncJob, ConfigRecord]


class SyncService:
    """Jobs, runs, locks, failures, checks and the scheduler of one hub process.

    `clock`, `lock_ttl`, `heartbeat_seconds` and `retry_policy` are plain
    attributes so an embedding application (or a test) can tune them.
    """

    def __init__(self, ctx: HubContext, jobs: JobRegistry) -> None:
        self.ctx = ctx
        self.jobs = jobs
        self.clock: Callable[[], datetime] = utcnow
        self.lock_ttl = LOCK_TTL
        self.heartbeat_seconds = HEARTBEAT_SECONDS
        self.retry_policy = RetryPolicy()
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"
        self.active: dict[str, ActiveRun] = {}
        self.runner = Runner(self)
        self.scheduler = Scheduler(self)
        self._background: set[asyncio.Task[RunOut | None]] = set()

    # ---- jobs and targets ----------------------------------------------------

    def job_list(self) -> list[JobOut]:
        return [
            JobOut(
                name=job.name,
                provider=job.provider,
                entity=job.entity,
                title=job.title,
                plugin=self.jobs.plugin_of(job),
                priority=job.priority,
                interval_seconds=job.interval.total_seconds() if job.interval else None,
                incremental=job.incremental is not None,
                retry=job.retry is not None,
                check=job.check is not None,
            )
            for job in self.jobs.all()
        ]

    def select_jobs(self, entity: str | None) -> list[SyncJob]:
        if entity is None:
            return self.jobs.all()
        found = self.jobs.find(entity)
        if not found:
            raise NotFound(f"no sync job for entity {entity!r}", code="sync_job_not_found")
        return found

    async def _configs_of(self, provider: str) -> list[ConfigRecord]:
        records: list[ConfigRecord] = []
        cursor = None
        for _ in range(10_000):  # pages of 500: far more configs than any hub has
            page = await self.ctx.configs.list(provider=provider, limit=500, cursor=cursor)
            records.extend(page.items)
            cursor = page.next_cursor
            if cursor is None:
                break
        return records

    async def targets(
        self,
        config_id: str | None = None,
        entity: str | None = None,
        *,
        enabled_only: bool = True,
    ) -> list[Target]:
        """(job, config) pairs to act on, highest priority first.

        With `config_id`, that config must exist (404), have a matching job
        (404) and, with `enabled_only`, be enabled (409).
        """
        jobs = self.select_jobs(entity)
        if config_id is not None:
            record = await self.ctx.configs.get(config_id)
            mine = [j for j in jobs if j.provider == record.provider]
            if not mine:
                what = f"no sync job for entity {entity!r}" if entity else "no sync jobs"
                raise NotFound(
                    f"{record.provider} config {record.name!r} has {what}",
                    code="sync_job_not_found",
                )
            if enabled_only and not record.enabled:
                raise ConfigDisabled(f"{record.provider} config {record.name!r} is disabled")
            return [(job, record) for job in mine]
        configs: dict[str, list[ConfigRecord]] = {}
        out = []
        for job in jobs:
            if job.provider not in configs:
                configs[job.provider] = await self._configs_of(job.provider)
            out.extend(
                (job, record)
                for record in configs[job.provider]
                if record.enabled or not enabled_only
            )
        return out

    # ---- runs ----------------------------------------------------------------

    async def run(
        self,
        job: SyncJob,
        config_id: str,
        mode: str = "auto",
        *,
        keys: tuple[str, ...] = (),
        progress: Progress | None = None,
    ) -> RunOut:
        """Run `job` for one config here and now; raises `SyncRunning` if it is locked.

        `mode`: auto (incremental when the job has one and a cursor exists, else
        full), full, incremental, repair (a full run started by a check) or
        retry (with the failed item `keys`).
        """
        started = await self.runner.begin(job, config_id, mode, keys=keys)
        return await self.runner.drive(started, progress)

    async def start(
        self, job: SyncJob, config_id: str, mode: str = "auto", *, keys: tuple[str, ...] = ()
    ) -> RunOut:
        """Like `run`, but return as soon as the run holds its lock; it goes on in a task."""
        started = await self.runner.begin(job, config_id, mode, keys=keys)
        assert started.id is not None
        task = asyncio.create_task(self._drive_quietly(started))
        self._background.add(task)
        task.add_done_callback(self._background.discard)
        return await self.get_run(started.id)

    async def _drive_quietly(self, started: SyncRun) -> RunOut | None:
        try:
            return await self.runner.drive(started)
        except HubError as exc:
            log.error("sync run could not be recorded", run_id=started.id, error=exc.message)
        except Exception as exc:
            error = describe_error(exc)
            log.error("sync run could not be recorded", run_id=started.id, error=error)
        return None

    async def get_run(self, run_id: str) -> RunOut:
        async with self.ctx.db.session() as s:
            row = await s.get(SyncRunRow, run_id)
            if row is None:
                raise NotFound(f"sync run {run_id!r} not found", code="sync_run_not_found")
            return RunOut.from_row(row)

    async def list_runs(
        self,
        *,
        config_id: str | None = None,
        entity: str | None = None,
        status: str | None = None,
        limit: int = 50,
        cursor: str | None = None,
    ) -> RunPage:
        async with self.ctx.db.session() as s:
            page = await queries.list_runs(
                s, config_id=config_id, entity=entity, status=status, limit=limit, cursor=cursor
            )
            return RunPage(
                items=[RunOut.from_row(r) for r in page.items], next_cursor=page.next_cursor
            )

    async def cancel(self, run_id: str, *, wait_seconds: float = 5.0) -> RunOut:
        """Ask a run to stop; stops it at once when this process runs it.

        A run in another process sees the flag at its next batch or heartbeat.
        A run whose process is gone (lock expired) is closed here directly.
        """
        now = self.clock()
        async with self.ctx.db.transaction() as s:
            row = await s.get(SyncRunRow, run_id)
            if row is None:
                raise NotFound(f"sync run {run_id!r} not found", code="sync_run_not_found")
            if row.status != "running":
                raise RunNotRunning(f"sync run {run_id} has already {row.status}")
            row.cancel_requested = True
            holder = await locks.holder(s, run_id)
            if run_id not in self.active and (holder is None or holder.expires_at <= now):
                row.status = "cancelled"
                row.finished_at = now
                row.error = "cancelled; the process running it had stopped"
                await locks.release(s, run_id)
        active = self.active.get(run_id)
        if active is not None:
            active.run.stop_reason = CANCELLED
            active.task.cancel()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(active.recorded.wait(), wait_seconds)
        log.info("sync run cancel requested", run_id=run_id)
        return await self.get_run(run_id)

    def observe(self, run: SyncRun, record: RunOut, seconds: float) -> None:
        metrics = self.ctx.metrics
        labels = {"provider": record.provider, "entity": record.entity}
        metrics.sync_runs.labels(**labels, mode=record.mode, status=record.status).inc()
        metrics.sync_run_seconds.labels(**labels).observe(seconds)
        for outcome in ("inserted", "updated", "deleted", "failed"):
            value = getattr(record, outcome)
            if value:
                metrics.sync_items.labels(**labels, outcome=outcome).inc(value)

    # ---- status --------------------------------------------------------------

    async def status(
        self, config_id: str | None = None, entity: str | None = None
    ) -> list[StatusOut]:
        targets = await self.targets(config_id, entity, enabled_only=False)
        now = self.clock()
        async with self.ctx.db.session() as s:
            latest = await queries.latest_runs(s)
            starts = await queries.started_since(s, _EPOCH)
            cursors = await queries.cursors(s)
            running = await queries.live_locks(s, now)
            successes = await queries.last_successes(s)
            open_failures = await queries.open_failure_counts(s)
        out = []
        for job, record in targets:
            pair = (record.id, job.entity)
            last = latest.get(pair)
            cursor = cursors.get(pair)
            next_due = None
            if job.interval is not None and record.enabled:
                started = starts.get(pair)
                next_due = started + job.interval if started else now
            out.append(
                StatusOut(
                    config_id=record.id,
                    config_name=record.name,
                    tenant=record.tenant_slug,
                    enabled=record.enabled,
                    provider=job.provider,
                    entity=job.entity,
                    job=job.name,
                    priority=job.priority,
                    cursor=cursor.cursor if cursor else None,
                    cursor_updated_at=cursor.updated_at if cursor else None,
                    running=pair in running,
                    last_run=RunOut.from_row(last) if last else None,
                    last_success_at=successes.get(pair),
                    next_due_at=next_due,
                    failures_open=open_failures.get(pair, 0),
                )
            )
        return out

    # ---- failures ------------------------------------------------------------

    def _entity_names(self, entity: str | None) -> list[str] | None:
        if entity is None:
            return None
        return sorted({job.entity for job in self.select_jobs(entity)})

    async def list_failures(
        self,
        *,
        config_id: str | None = None,
        entity: str | None = None,
        include_resolved: bool = False,
        limit: int = 50,
        cursor: str | None = None,
    ) -> FailurePage:
        names = self._entity_names(entity)
        async with self.ctx.db.session() as s:
            page = await queries.list_failures(
                s, config_id=config_id, entities=names, include_resolved=include_resolved,
                limit=limit, cursor=cursor,
            )  # fmt: skip
            attempts = self.retry_policy.max_attempts
            return FailurePage(
                items=[FailureOut.from_row(r, attempts) for r in page.items],
                next_cursor=page.next_cursor,
            )

    async def retry_failures(
        self, config_id: str | None = None, entity: str | None = None, *, background: bool = False
    ) -> tuple[list[RunOut], list[str]]:
        """Retry every open failure now, given-up ones included.

        Jobs with a `retry` function get one retry run per (config, entity) with
        all the keys; jobs without one get a full run. Returns the runs and
        why any pair was skipped.
        """
        names = self._entity_names(entity)
        async with self.ctx.db.session() as s:
            rows = await failures.open_keys(s, config_id, names)
        grouped: dict[tuple[str, str], list[str]] = defaultdict(list)
        for cid, name, key in rows:
            grouped[(cid, name)].append(key)
        plans: list[tuple[SyncJob, str, tuple[str, ...]]] = []
        skipped: list[str] = []
        for (cid, name), keys in grouped.items():
            try:
                record = await self.ctx.configs.get(cid)
                job = self.jobs.get(record.provider, name)
            except HubError as exc:
                skipped.append(f"{name} of config {cid}: {exc.message}")
                continue
            plans.append((job, cid, tuple(keys)))
        plans.sort(key=lambda p: (*by_priority(p[0]), p[1]))
        runs = []
        for job, cid, keys in plans:
            mode, item_keys = ("retry", keys) if job.retry is not None else ("full", ())
            try:
                if background:
                    runs.append(await self.start(job, cid, mode, keys=item_keys))
                else:
                    runs.append(await self.run(job, cid, mode, keys=item_keys))
            except HubError as exc:
                skipped.append(f"{job.name} of config {cid}: {exc.message}")
        return runs, skipped

    # ---- consistency -----------------------------------------------------------

    async def check(
        self, config_id: str | None = None, entity: str | None = None
    ) -> list[CheckOut]:
        """Run each matching job's `check`; a job without one is reported as such."""
        out = []
        for job, record in await self.targets(config_id, entity):
            result = CheckOut(
                config_id=record.id, provider=job.provider, entity=job.entity, job=job.name,
                consistent=None,
            )  # fmt: skip
            if job.check is None:
                result.error = "this job has no consistency check"
                out.append(result)
                continue
            values = None
            try:
                _record, values = await self.ctx.configs.load(record.id)
                context = SyncRun(
                    ctx=self.ctx, job=job, config=record, values=values, mode="check",
                    run_id=None, cursor=None, started_at=self.clock(),
                )  # fmt: skip
                report = await job.check(context)
                if not isinstance(report, ConsistencyReport):
                    raise TypeError(
                        f"check of {job.name} returned {type(report).__name__}, "
                        "not ConsistencyReport"
                    )
            except Exception as exc:
                message = describe_error(exc) if not isinstance(exc, HubError) else exc.message
                if values is not None:
                    message = context.scrub(message)
                result.error = message[:MAX_ERROR_LENGTH]
                out.append(result)
                continue
            result.consistent = report.consistent
            result.remote_count = report.remote_count
            result.local_count = report.local_count
            result.remote_checksum = report.remote_checksum
            result.local_checksum = report.local_checksum
            result.differences = report.differences
            result.detail = report.detail
            out.append(result)
        return out

    async def repair(self, checks: list[CheckOut], *, background: bool = False) -> list[CheckOut]:
        """Full re-sync (mode `repair`) of every pair a check found inconsistent."""
        for result in checks:
            if result.consistent is not False:
                continue
            job = self.jobs.get(result.provider, result.entity)
            try:
                if background:
                    result.repair_run = await self.start(job, result.config_id, "repair")
                else:
                    result.repair_run = await self.run(job, result.config_id, "repair")
            except SyncRunning as exc:
                result.error = exc.message
        return checks

    # ---- lifetime --------------------------------------------------------------

    async def close(self) -> None:
        """Stop the scheduler's work and the runs this process drives, recording them."""
        self.scheduler.stopping = True
        tasks = list(self._background)
        for task in tasks:
            task.cancel()
        for active in list(self.active.values()):
            active.run.stop_reason = INTERRUPTED
            active.task.cancel()
        if tasks:
            await asyncio.wait(tasks, timeout=15)
        pending = [a.recorded.wait() for a in self.active.values()]
        if pending:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(asyncio.gather(*pending), 15)
