"""Request and response models of `hub sync` and `/api/admin/sync`, shared by both."""

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from hub.sync.models import SyncFailureRow, SyncRunRow

RunMode = Literal["full", "incremental", "repair", "retry"]
RunStatus = Literal["running", "succeeded", "failed", "cancelled"]


class _Input(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class RunOut(BaseModel):
    id: str
    config_id: str
    provider: str
    entity: str
    job: str = Field(description="`provider.entity`.")
    mode: RunMode
    status: RunStatus
    started_at: datetime
    finished_at: datetime | None
    heartbeat_at: datetime
    owner: str = Field(description="host:pid:instance of the process running it.")
    items: int = Field(description="Items handled so far: records, deletions, failed items.")
    total: int | None = Field(description="Items the run expects, when the source says.")
    inserted: int
    updated: int
    deleted: int
    failed: int
    cursor_before: str | None
    cursor_after: str | None = Field(description="Last cursor reached; stored only on success.")
    error: str | None
    cancel_requested: bool

    @classmethod
    def from_row(cls, row: SyncRunRow) -> "RunOut":
        return cls(
            id=row.id,
            config_id=row.config_id,
            provider=row.provider,
            entity=row.entity,
            job=f"{row.provider}.{row.entity}",
            mode=row.mode,  # type: ignore[arg-type]
            status=row.status,  # type: ignore[arg-type]
            started_at=row.started_at,
            finished_at=row.finished_at,
            heartbeat_at=row.heartbeat_at,
            owner=row.owner,
            items=row.items,
            total=row.total,
            inserted=row.inserted,
            updated=row.updated,
            deleted=row.deleted,
            failed=row.failed,
            cursor_before=row.cursor_before,
            cursor_after=row.cursor_after,
            error=row.error,
            cancel_requested=row.cancel_requested,
        )


class RunPage(BaseModel):
    items: list[RunOut]
    next_cursor: str | None = None


class RunList(BaseModel):
    items: list[RunOut]


class FailureOut(BaseModel):
    id: str
    config_id: str
    entity: str
    item_key: str
    error: str
    attempts: int
    state: Literal["pending", "given_up", "resolved"]
    first_failed_at: datetime
    last_failed_at: datetime
    next_attempt_at: datetime | None = Field(description="None once resolved or given up.")
    resolved_at: datetime | None
    run_id: str = Field(description="The last run that reported it.")

    @classmethod
    def from_row(cls, row: SyncFailureRow, max_attempts: int) -> "FailureOut":
        if row.resolved:
            state: Literal["pending", "given_up", "resolved"] = "resolved"
        elif row.attempts >= max_attempts:
            state = "given_up"
        else:
            state = "pending"
        return cls(
            id=row.id,
            config_id=row.config_id,
            entity=row.entity,
            item_key=row.item_key,
            error=row.error,
            attempts=row.attempts,
            state=state,
            first_failed_at=row.first_failed_at,
            last_failed_at=row.last_failed_at,
            next_attempt_at=row.next_attempt_at if state == "pending" else None,
            resolved_at=row.resolved_at,
            run_id=row.run_id,
        )


class FailurePage(BaseModel):
    items: list[FailureOut]
    next_cursor: str | None = None


class JobOut(BaseModel):
    name: str
    provider: str
    entity: str
    title: str
    plugin: str
    priority: int
    interval_seconds: float | None = Field(description="None: runs only on demand.")
    incremental: bool
    retry: bool
    check: bool


class JobList(BaseModel):
    items: list[JobOut]


class StatusOut(BaseModel):
    config_id: str
    config_name: str
    tenant: str
    enabled: bool
    provider: str
    entity: str
    job: str
    priority: int
    cursor: str | None
    cursor_updated_at: datetime | None
    running: bool
    last_run: RunOut | None
    last_success_at: datetime | None
    next_due_at: datetime | None = Field(description="When the scheduler runs it next.")
    failures_open: int


class StatusList(BaseModel):
    items: list[StatusOut]


class CheckOut(BaseModel):
    config_id: str
    provider: str
    entity: str
    job: str
    consistent: bool | None = Field(description="None when the check itself failed.")
    remote_count: int | None = None
    local_count: int | None = None
    remote_checksum: str | None = None
    local_checksum: str | None = None
    differences: list[str] = Field(default_factory=list)
    detail: str | None = None
    error: str | None = None
    repair_run: RunOut | None = None


class CheckList(BaseModel):
    items: list[CheckOut]


class RetryOut(BaseModel):
    runs: list[RunOut] = Field(description="Retry runs (or full runs, for jobs without retry).")
    skipped: list[str] = Field(description="Why any (config, entity) was not retried.")


# ---- requests ------------------------------------------------------------------


class RunRequest(_Input):
    config_id: str = Field(min_length=1)
    entity: str = Field(min_length=1, description="`entity` or `provider.entity`.")
    mode: Literal["auto", "full", "incremental"] = Field(
        default="auto", description="auto: incremental when the job has a cursor, else full."
    )


class RunListQuery(_Input):
    config_id: str | None = None
    entity: str | None = None
    status: RunStatus | None = None
    limit: int = Field(default=50, ge=1, le=500)
    cursor: str | None = Field(default=None, description="`next_cursor` of the previous page.")


class FailureListQuery(_Input):
    config_id: str | None = None
    entity: str | None = None
    include_resolved: bool = False
    limit: int = Field(default=50, ge=1, le=500)
    cursor: str | None = Field(default=None, description="`next_cursor` of the previous page.")


class SelectQuery(_Input):
    config_id: str | None = None
    entity: str | None = Field(default=None, description="`entity` or `provider.entity`.")


class RetryRequest(_Input):
    config_id: str | None = None
    entity: str | None = Field(default=None, description="`entity` or `provider.entity`.")


class CheckRequest(_Input):
    config_id: str | None = None
    entity: str | None = Field(default=None, description="`entity` or `provider.entity`.")
    repair: bool = Field(default=False, description="Start a full re-sync of what differs.")
