"""Models of the call log and outbound health, shared by the admin API and the CLI."""

from datetime import datetime

from pydantic import BaseModel, Field

from hub.tenants.schemas import ListQuery


class CallListQuery(ListQuery):
    config: str | None = Field(default=None, description="Only calls of this config id.")
    provider: str | None = None
    ok: bool | None = Field(default=None, description="true: successful only; false: failed only.")


class CallOut(BaseModel):
    id: str
    call_id: str = Field(description="Shared by every attempt of one call.")
    config_id: str | None
    provider: str
    method: str
    url: str = Field(description="Tokens, keys and signatures in the query read '***'.")
    status: int | None = Field(description="HTTP status; null when no answer arrived.")
    outcome: str
    error_code: str | None = Field(description="The provider's error code, if it gave one.")
    error: str | None
    duration_ms: float
    attempt: int
    ok: bool
    at: datetime


class CallPage(BaseModel):
    items: list[CallOut]
    next_cursor: str | None = None


class ConfigHealthOut(BaseModel):
    config_id: str
    provider: str
    degraded: bool
    consecutive_failures: int
    degraded_since: datetime | None = None
    last_error: str | None = None
    last_failure_at: datetime | None = None
    last_success_at: datetime | None = None
    calls_last_hour: int = Field(default=0, description="Attempts logged in the last hour.")
    failed_last_hour: int = 0


class CallHealth(BaseModel):
    degrade_after: int = Field(description="Consecutive failed calls that mark a config degraded.")
    configs: list[ConfigHealthOut]
