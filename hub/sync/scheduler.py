"""The scheduler: every `HUB_SYNC_TICK_SECONDS`, run what is due, one run at a time.

A tick (1) closes runs whose process died (their lock expired), (2) runs every
job whose interval has passed since its last run, for every enabled config of
its provider, highest priority first, (3) retries failed items whose backoff
has passed, and (4) once an hour prunes old history. Runs are sequential, so
the jobs of a tick never compete with each other for the provider's rate limit
or SQLite's single writer. Several hub processes may tick on the same
database: the run lock, and a due check made while holding it, keep them from
running the same pair twice.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import sqlalchemy as sa
import structlog

from hub.errors import HubError
from hub.sync import failures, locks, queries
from hub.sync.errors import NotDue, SyncRunning
from hub.sync.jobs import SyncJob
from hub.sync.models import SyncFailureRow, SyncLockRow, SyncRunRow
from hub.sync.run import describe_error
from hub.sync.runner import mark_abandoned
from hub.sync.schemas import RunOut
from hub.tenants.models import ProviderConfig

if TYPE_CHECKING:
    from hub.sync.service import SyncService

log = structlog.get_logger("hub.sync")

RETRY_KEYS_PER_RUN = 500
RETRY_SCAN_LIMIT = 5000
HISTORY_DAYS = 30
PRUNE_EVERY = timedelta(hours=1)


class Scheduler:
    def __init__(self, service: SyncService) -> None:
        self.service = service
        self.stopping = False
        self._pruned_at: datetime | None = None

    async def _enabled_configs(self, providers: list[str]) -> dict[str, list[str]]:
        async with self.service.ctx.db.session() as s:
            rows = await s.execute(
                sa.select(ProviderConfig.id, ProviderConfig.provider)
                .where(ProviderConfig.enabled.is_(True), ProviderConfig.provider.in_(providers))
                .order_by(ProviderConfig.id)
            )
            out: dict[str, list[str]] = defaultdict(list)
            for config_id, provider in rows:
                out[provider].append(config_id)
            return out

    async def due(self) -> list[tuple[SyncJob, str]]:
        """(job, config id) pairs whose interval has passed, highest priority first."""
        svc = self.service
        jobs = [j for j in svc.jobs.all() if j.interval is not None]
        if not jobs:
            return []
        now = svc.clock()
        configs = await self._enabled_configs(sorted({j.provider for j in jobs}))
        longest = max(j.interval for j in jobs if j.interval is not None)
        async with svc.ctx.db.session() as s:
            recent = await queries.started_since(s, now - longest)
        plans = []
        for job in jobs:  # already in priority order
            assert job.interval is not None
            for config_id in configs.get(job.provider, []):
                last = recent.get((config_id, job.entity))
                if last is None or last + job.interval <= now:
                    plans.append((job, config_id))
        return plans

    async def attempt(
        self,
        job: SyncJob,
        config_id: str,
        mode: str,
        *,
        keys: tuple[str, ...] = (),
        due_interval: timedelta | None = None,
    ) -> RunOut | None:
        """Run unless someone else is running it or it stopped being due; never raises."""
        runner = self.service.runner
        try:
            run = await runner.begin(job, config_id, mode, keys=keys, due_interval=due_interval)
        except (SyncRunning, NotDue):
            return None
        except HubError as exc:  # disabled or deleted since the listing
            log.info("sync job skipped", job=job.name, config_id=config_id, reason=exc.message)
            return None
        except sa.exc.SQLAlchemyError as exc:
            log.error("sync run could not start", job=job.name, error=describe_error(exc))
            return None
        try:
            return await runner.drive(run)
        except sa.exc.SQLAlchemyError as exc:
            log.error("sync run could not be recorded", run_id=run.id, error=describe_error(exc))
            return None

    async def tick(self) -> list[RunOut]:
        """One round; returns the runs it made."""
        svc = self.service
        if not len(svc.jobs):
            return []
        await self.sweep()
        done: list[RunOut] = []
        for job, config_id in await self.due():
            if self.stopping:
                return done
            record = await self.attempt(job, config_id, "auto", due_interval=job.interval)
            if record is not None:
                done.append(record)
        done.extend(await self.retry_due())
        await self.prune()
        return done

    async def retry_due(self) -> list[RunOut]:
        """Retry runs for failed items whose next attempt has come, per (config, entity)."""
        svc = self.service
        retrying = {(j.provider, j.entity): j for j in svc.jobs.all() if j.retry is not None}
        if not retrying:
            return []
        async with svc.ctx.db.session() as s:
            rows = await failures.due(s, svc.clock(), svc.retry_policy, RETRY_SCAN_LIMIT)
        if not rows:
            return []
        keys: dict[tuple[str, str], list[str]] = defaultdict(list)
        for config_id, entity, key in rows:
            if len(keys[(config_id, entity)]) < RETRY_KEYS_PER_RUN:
                keys[(config_id, entity)].append(key)
        configs = await self._enabled_configs(sorted({p for p, _ in retrying}))
        provider_of = {cid: provider for provider, ids in configs.items() for cid in ids}
        plans = []
        for (config_id, entity), item_keys in keys.items():
            job = retrying.get((provider_of.get(config_id, ""), entity))
            if job is not None:
                plans.append((job, config_id, tuple(item_keys)))
        plans.sort(key=lambda p: (-p[0].priority, p[0].name, p[1]))
        done = []
        for job, config_id, item_keys in plans:
            if self.stopping:
                break
            record = await self.attempt(job, config_id, "retry", keys=item_keys)
            if record is not None:
                done.append(record)
        return done

    async def sweep(self) -> None:
        """Close the runs of processes that died: expired locks, and running rows left behind."""
        svc = self.service
        now = svc.clock()
        async with svc.ctx.db.transaction() as s:
            for holder in await locks.expired(s, now):
                if holder.run_id in svc.active:
                    continue
                await mark_abandoned(
                    s, holder.run_id, now, f"abandoned: {holder.owner} stopped heartbeating"
                )
                await s.execute(
                    sa.delete(SyncLockRow).where(
                        SyncLockRow.run_id == holder.run_id, SyncLockRow.expires_at <= now
                    )
                )
            stale = await s.execute(
                sa.select(SyncRunRow.id, SyncRunRow.owner).where(
                    SyncRunRow.status == "running",
                    SyncRunRow.heartbeat_at < now - svc.lock_ttl,
                    SyncRunRow.id.not_in(sa.select(SyncLockRow.run_id)),
                )
            )
            for run_id, owner in stale.all():
                if run_id not in svc.active:
                    await mark_abandoned(s, run_id, now, f"abandoned: {owner} stopped")

    async def prune(self) -> None:
        """Drop finished runs and resolved failures older than HISTORY_DAYS (hourly).

        The newest run of every pair is kept, so status never loses its last run.
        """
        svc = self.service
        now = svc.clock()
        if self._pruned_at is not None and now - self._pruned_at < PRUNE_EVERY:
            return
        self._pruned_at = now
        cutoff = now - timedelta(days=HISTORY_DAYS)
        newest = sa.select(sa.func.max(SyncRunRow.id)).group_by(
            SyncRunRow.config_id, SyncRunRow.entity
        )
        async with svc.ctx.db.transaction() as s:
            await s.execute(
                sa.delete(SyncRunRow).where(
                    SyncRunRow.status != "running",
                    SyncRunRow.started_at < cutoff,
                    SyncRunRow.id.not_in(newest),
                )
            )
            await s.execute(
                sa.delete(SyncFailureRow).where(
                    SyncFailureRow.resolved.is_(True), SyncFailureRow.resolved_at < cutoff
                )
            )

    async def run_forever(self, tick_seconds: float) -> None:
        """The background loop of the server; cancelled at shutdown."""
        failing: str | None = None
        while not self.stopping:
            try:
                await self.tick()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                error = describe_error(exc)
                if error != failing:  # e.g. an unmigrated database: say it once, not every tick
                    log.error("sync tick failed", error=error)
                failing = error
            else:
                if failing is not None:
                    log.info("sync ticks work again")
                failing = None
            await asyncio.sleep(tick_seconds)
