"""Plain views of stored rows, safe to hand to plugins and serializers."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Generic, TypeVar

from hub.tenants.models import ProviderConfig, Tenant
from hub.tenants.schemas import MASK, ConfigOut, TenantOut


@dataclass(frozen=True)
class TenantRecord:
    id: str
    slug: str
    name: str
    created_at: datetime
    updated_at: datetime

    @classmethod
    def from_row(cls, row: Tenant) -> "TenantRecord":
        return cls(row.id, row.slug, row.name, row.created_at, row.updated_at)

    def out(self) -> TenantOut:
        return TenantOut(**self.__dict__)


@dataclass(frozen=True)
class ConfigRecord:
    """A provider config without its secrets; `masked()` is what users may see."""

    id: str
    tenant_id: str
    tenant_slug: str
    provider: str
    kind: str
    name: str
    enabled: bool
    state: str
    settings: dict[str, Any]
    secret_names: list[str]
    last_error: str | None
    version: int
    created_at: datetime
    updated_at: datetime
    secret_fields: list[str] = field(default_factory=list)

    @classmethod
    def from_row(cls, row: ProviderConfig, secret_fields: list[str]) -> "ConfigRecord":
        return cls(
            id=row.id,
            tenant_id=row.tenant_id,
            tenant_slug=row.tenant.slug,
            provider=row.provider,
            kind=row.kind,
            name=row.name,
            enabled=row.enabled,
            state=row.state,
            settings=dict(row.settings or {}),
            secret_names=list(row.secret_names or []),
            last_error=row.last_error,
            version=row.version,
            created_at=row.created_at,
            updated_at=row.updated_at,
            secret_fields=secret_fields,
        )

    def masked(self) -> dict[str, Any]:
        values = dict(self.settings)
        for name in self.secret_fields or self.secret_names:
            values[name] = MASK if name in self.secret_names else None
        return values

    def out(self) -> ConfigOut:
        return ConfigOut(
            id=self.id,
            tenant_id=self.tenant_id,
            tenant=self.tenant_slug,
            provider=self.provider,
            kind=self.kind,
            name=self.name,
            enabled=self.enabled,
            state=self.state,
            last_error=self.last_error,
            version=self.version,
            created_at=self.created_at,
            updated_at=self.updated_at,
            config=self.masked(),
        )


T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    next_cursor: str | None
