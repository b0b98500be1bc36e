"""Request and response models for tenants and configs, shared by the admin API and CLI.

The OpenAPI document is generated from these same models.
"""

import re
from datetime import datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

SLUG_PATTERN = r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$"
CONFIG_NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$"
MASK = "***"


def _matches(pattern: str, rule: str) -> AfterValidator:
    compiled = re.compile(pattern)

    def check(value: str) -> str:
        if not compiled.match(value):
            raise ValueError(rule)
        return value

    return AfterValidator(check)


Slug = Annotated[
    str,
    Field(json_schema_extra={"pattern": SLUG_PATTERN}),
    _matches(SLUG_PATTERN, "use 1-63 lower-case letters, digits and dashes, "
             "starting and ending with a letter or digit"),
]
ConfigName = Annotated[
    str,
    Field(json_schema_extra={"pattern": CONFIG_NAME_PATTERN}),
    _matches(CONFIG_NAME_PATTERN, "use 1-100 letters, digits, dots, dashes and underscores, "
             "starting with a letter or digit"),
]


class _Input(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class TenantCreate(_Input):
    slug: Slug = Field(description="Lower-case letters, digits and dashes.")
    name: str = Field(min_length=1, max_length=200)


class TenantUpdate(_Input):
    slug: Slug | None = None
    name: str | None = Field(default=None, min_length=1, max_length=200)


class TenantOut(BaseModel):
    id: str
    slug: str
    name: str
    created_at: datetime
    updated_at: datetime


class TenantPage(BaseModel):
    items: list[TenantOut]
    next_cursor: str | None = None


class ConfigCreate(_Input):
    tenant: str = Field(min_length=1, description="Tenant slug or id.")
    provider: str = Field(min_length=1)
    kind: str | None = Field(default=None, description="Optional when the provider has one kind.")
    name: ConfigName
    enabled: bool = True
    config: dict[str, Any] = Field(
        default_factory=dict, description="Fields of the provider's config model, secrets included."
    )


class ConfigUpdate(_Input):
    name: ConfigName | None = None
    enabled: bool | None = None
    config: dict[str, Any] | None = Field(
        default=None,
        description="Fields to change; omitted fields (and secrets sent as '***') are kept.",
    )


class ConfigOut(BaseModel):
    id: str
    tenant_id: str
    tenant: str = Field(description="Tenant slug.")
    provider: str
    kind: str
    name: str
    enabled: bool
    state: str
    last_error: str | None
    version: int
    created_at: datetime
    updated_at: datetime
    config: dict[str, Any] = Field(description="Settings; every secret that is set reads '***'.")


class ConfigPage(BaseModel):
    items: list[ConfigOut]
    next_cursor: str | None = None


class TestOutcome(BaseModel):
    ok: bool
    state: str
    message: str | None = None


class ListQuery(_Input):
    limit: int = Field(default=50, ge=1, le=500)
    cursor: str | None = Field(default=None, description="`next_cursor` of the previous page.")


class ConfigListQuery(ListQuery):
    tenant: str | None = Field(default=None, description="Tenant slug or id.")
    provider: str | None = None


class DeleteQuery(_Input):
    cascade: bool = Field(default=False, description="Also delete the tenant's configs.")
