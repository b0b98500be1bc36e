"""What a plugin declares in `hub_sync_jobs()`: one `SyncJob` per entity it copies.

A job's functions are async generators that yield `Batch`es; the framework
stores each batch in its own transaction, keeps the run's counts and cursor,
and decides when the job runs. The functions never commit, lock or schedule
anything themselves.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import structlog

from hub.errors import NotFound
from hub.plugins import Plugins, flatten
from hub.providers import ProviderRegistry

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from hub.sync.run import SyncRun

ENTITY_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,62}$")

log = structlog.get_logger("hub.sync")

Record = Mapping[str, Any]
FullFn = Callable[["SyncRun"], AsyncIterator["Batch"]]
IncrementalFn = Callable[["SyncRun", str | None], AsyncIterator["Batch"]]
RetryFn = Callable[["SyncRun", list[str]], AsyncIterator["Batch"]]
StoreFn = Callable[["SyncRun", "AsyncSession", "Batch"], Awaitable[None]]
CheckFn = Callable[["SyncRun"], Awaitable["ConsistencyReport"]]


@dataclass(frozen=True)
class Batch:
    """Records fetched together, and the cursor a later run may resume from after them.

    `records` are rows for the job's table (column -> value); `deleted` holds
    the key columns of rows removed remotely; `total`, when the source knows
    it, is how many items the whole run will go through (for progress and ETA).
    """

    records: Sequence[Record] = ()
    cursor: str | None = None
    deleted: Sequence[Record] = ()
    total: int | None = None

    @property
    def size(self) -> int:
        return len(self.records) + len(self.deleted)


@dataclass(frozen=True)
class ConsistencyReport:
    """Remote versus local view of one entity for one config, from a job's `check`."""

    remote_count: int
    local_count: int
    remote_checksum: str | None = None
    local_checksum: str | None = None
    detail: str | None = None

    @property
    def differences(self) -> list[str]:
        out = []
        if self.remote_count != self.local_count:
            out.append(f"remote has {self.remote_count} items, local {self.local_count}")
        if (
            self.remote_checksum is not None
            and self.local_checksum is not None
            and self.remote_checksum != self.local_checksum
        ):
            out.append("checksums differ")
        return out

    @property
    def consistent(self) -> bool:
        return not self.differences


@dataclass(frozen=True)
class SyncJob:
    """One entity a plugin copies from its provider into a local table.

    `full(run)` walks everything; `incremental(run, cursor)` walks what changed
    since `cursor` (when missing, scheduled runs are full runs). Records go
    into `table` by `key_columns` with the bulk upsert unless `store(run,
    session, batch)` writes them itself. `retry(run, keys)` refetches items
    that failed; `check(run)` compares remote and local counts. `interval` is
    how often the scheduler runs the job (None: only on demand); when several
    jobs are due, higher `priority` runs first.
    """

    provider: str
    entity: str
    full: FullFn
    incremental: IncrementalFn | None = None
    priority: int = 0
    interval: timedelta | None = timedelta(minutes=15)
    table: Any = None
    key_columns: Sequence[str] = ()
    update_columns: Sequence[str] | None = None
    store: StoreFn | None = None
    check: CheckFn | None = None
    retry: RetryFn | None = None
    title: str = ""

    def __post_init__(self) -> None:
        for name in ("provider", "entity"):
            value = getattr(self, name)
            if not isinstance(value, str) or not ENTITY_PATTERN.match(value):
                raise TypeError(
                    f"SyncJob.{name} must be 1-63 lower-case letters, digits or underscores, "
                    f"starting with a letter; got {value!r}"
                )
        for name in ("full", "incremental", "store", "check", "retry"):
            value = getattr(self, name)
            if value is not None and not callable(value):
                raise TypeError(f"SyncJob.{name} of {self.name} must be callable")
        if self.full is None:
            raise TypeError(f"SyncJob {self.name} needs a full function")
        if self.store is None and (self.table is None or not self.key_columns):
            raise TypeError(f"SyncJob {self.name} needs a table and key_columns, or a store")
        if self.interval is not None and (
            not isinstance(self.interval, timedelta) or self.interval <= timedelta(0)
        ):
            raise TypeError(f"SyncJob.interval of {self.name} must be a positive timedelta")
        if isinstance(self.key_columns, str):
            raise TypeError(f"SyncJob.key_columns of {self.name} must be a list of names")
        object.__setattr__(self, "key_columns", tuple(self.key_columns))

    @property
    def name(self) -> str:
        return f"{self.provider}.{self.entity}"


def by_priority(job: SyncJob) -> tuple[int, str]:
    return (-job.priority, job.name)


class JobRegistry:
    """The jobs declared by every loaded plugin, by (provider, entity)."""

    def __init__(self) -> None:
        self._jobs: dict[tuple[str, str], tuple[str, SyncJob]] = {}

    def add(self, plugin: str, job: SyncJob, providers: ProviderRegistry | None = None) -> None:
        if not isinstance(job, SyncJob):
            raise TypeError(f"hub_sync_jobs returned {type(job).__name__}, not SyncJob")
        if providers is not None:
            if job.provider not in providers.names():
                raise TypeError(f"sync job {job.name} is for unknown provider {job.provider!r}")
            owner = providers.plugin_of(job.provider)
            if owner != plugin:
                raise TypeError(
                    f"sync job {job.name} is for provider {job.provider!r}, "
                    f"which plugin {owner!r} serves"
                )
        key = (job.provider, job.entity)
        if key in self._jobs:
            owner = self._jobs[key][0]
            log.error("sync job already declared", job=job.name, plugin=plugin, owner=owner)
            return
        self._jobs[key] = (plugin, job)

    def get(self, provider: str, entity: str) -> SyncJob:
        try:
            return self._jobs[(provider, entity)][1]
        except KeyError:
            raise NotFound(
                f"provider {provider!r} has no sync job for entity {entity!r}",
                code="sync_job_not_found",
            ) from None

    def plugin_of(self, job: SyncJob) -> str:
        return self._jobs[(job.provider, job.entity)][0]

    def find(self, name: str) -> list[SyncJob]:
        """Jobs named `entity` (any provider) or `provider.entity`."""
        provider, dot, entity = name.partition(".")
        if dot:
            return [j for j in self.all() if (j.provider, j.entity) == (provider, entity)]
        return [j for j in self.all() if j.entity == name]

    def for_provider(self, provider: str) -> list[SyncJob]:
        return [j for j in self.all() if j.provider == provider]

    def providers(self) -> list[str]:
        return sorted({provider for provider, _ in self._jobs})

    def all(self) -> list[SyncJob]:
        return sorted((job for _, job in self._jobs.values()), key=by_priority)

    def __len__(self) -> int:
        return len(self._jobs)


def collect_jobs(plugins: Plugins, providers: ProviderRegistry | None = None) -> JobRegistry:
    """Jobs from `hub_sync_jobs`; a malformed one is a hook error of its plugin."""
    registry = JobRegistry()
    for plugin, job in flatten(plugins.call("hub_sync_jobs")):
        try:
            registry.add(plugin, job, providers)
        except TypeError as exc:
            plugins.record_error(plugin, "hub_sync_jobs", exc)
    return registry
