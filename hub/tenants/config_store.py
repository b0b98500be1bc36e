"""Provider configs: validation against the provider's model, encryption of its
secrets, CRUD, selection and "test connection".

Listeners registered in `listeners` are awaited after every committed change;
the app uses that to call the `hub_config_changed` hook.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, Literal

import structlog
from pydantic import BaseModel, SecretBytes, SecretStr
from pydantic import ValidationError as PydanticValidationError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from hub.db.engine import Database
from hub.errors import (
    ConfigDisabled,
    Conflict,
    HubError,
    NotFound,
    ValidationFailed,
    validation_details,
)
from hub.providers import ConfigKind, ConnectionTestFailed, ProviderRegistry, run_test
from hub.tenants.crypto import KeyRing
from hub.tenants.models import ProviderConfig
from hub.tenants.records import ConfigRecord, Page
from hub.tenants.schemas import MASK, ConfigCreate, ConfigUpdate, TestOutcome
from hub.tenants.tenant_store import find_tenant

Change = Literal["created", "updated", "enabled", "disabled", "deleted"]
Listener = Callable[[ConfigRecord, Change], Awaitable[None]]

TEST_TIMEOUT_SECONDS = 30.0

log = structlog.get_logger("hub.configs")


def _secret_value(value: Any) -> str | None:
    if isinstance(value, SecretStr):
        return value.get_secret_value()
    if isinstance(value, SecretBytes):
        return value.get_secret_value().decode("utf-8", "replace")
    return None if value is None else str(value)


def scrub(text: str, secrets: dict[str, Any]) -> str:
    """Replace any secret value that leaked into `text` (e.g. a provider error)."""
    for value in secrets.values():
        if isinstance(value, str) and len(value) >= 4:
            text = text.replace(value, MASK)
    return text


class ConfigStore:
    def __init__(self, db: Database, keyring: KeyRing, providers: ProviderRegistry) -> None:
        self.db = db
        self.keyring = keyring
        self.providers = providers
        self.listeners: list[Listener] = []
        self.context: Any = None

    # ---- helpers -------------------------------------------------------------

    def _kind_of(self, provider: str, kind: str) -> ConfigKind | None:
        try:
            return self.providers.get(provider).kind(kind)
        except HubError:
            return None

    def _record(self, row: ProviderConfig) -> ConfigRecord:
        kind = self._kind_of(row.provider, row.kind)
        return ConfigRecord.from_row(row, kind.secret_fields if kind else [])

    def _validate(self, kind: ConfigKind, values: dict[str, Any]) -> BaseModel:
        model = kind.model
        if model.model_config.get("extra") != "allow":
            known = set(model.model_fields)
            known |= {f.alias for f in model.model_fields.values() if f.alias}
            unknown = sorted(set(values) - known)
            if unknown:
                raise ValidationFailed(
                    f"unknown config field(s): {', '.join(unknown)}",
                    details=[
                        {"field": f"config.{n}", "message": "unknown field", "type": "extra"}
                        for n in unknown
                    ],
                )
        try:
            return model.model_validate(values)
        except PydanticValidationError as exc:
            raise ValidationFailed(
                "config is invalid", details=validation_details(exc.errors(), prefix="config")
            ) from None

    def _split(self, kind: ConfigKind, values: BaseModel) -> tuple[dict[str, Any], dict[str, str]]:
        secret_names = kind.secret_fields
        settings = values.model_dump(mode="json", exclude=set(secret_names))
        secrets = {}
        for name in secret_names:
            value = _secret_value(getattr(values, name))
            if value is not None:
                secrets[name] = value
        return settings, secrets

    def _store_values(self, row: ProviderConfig, kind: ConfigKind, values: BaseModel) -> None:
        settings, secrets = self._split(kind, values)
        row.settings = settings
        row.secret_names = sorted(secrets)
        if secrets:
            row.secrets_key_id, row.secrets_ciphertext = self.keyring.encrypt(secrets)
        else:
            row.secrets_key_id, row.secrets_ciphertext = None, None

    def _secrets(self, row_id: str, ciphertext: str | None) -> dict[str, Any]:
        if not ciphertext:
            return {}
        return self.keyring.decrypt(ciphertext, what=f"secrets of config {row_id}")

    async def _row(self, s: AsyncSession, config_id: str, *, lock: bool = False) -> ProviderConfig:
        query = select(ProviderConfig).where(ProviderConfig.id == config_id)
        if lock:
            # Lock only the config row: PostgreSQL refuses FOR UPDATE on the
            # outer-joined tenant.
            query = query.with_for_update(of=ProviderConfig)
        row = (await s.execute(query)).unique().scalar_one_or_none()
        if row is None:
            raise NotFound(f"config {config_id!r} not found", code="config_not_found")
        return row

    async def _name_taken(self, s: AsyncSession, row: ProviderConfig, name: str) -> bool:
        query = select(ProviderConfig.id).where(
            ProviderConfig.tenant_id == row.tenant_id,
            ProviderConfig.provider == row.provider,
            ProviderConfig.name == name,
            ProviderConfig.id != row.id,
        )
        return (await s.execute(query)).first() is not None

    async def _notify(self, record: ConfigRecord, change: Change) -> None:
        for listener in list(self.listeners):
            await listener(record, change)

    # ---- CRUD ----------------------------------------------------------------

    async def create(self, body: ConfigCreate) -> ConfigRecord:
        kind = self.providers.get(body.provider).kind(body.kind)
        values = self._validate(kind, body.config)
        duplicate = Conflict(
            f"a {body.provider} config named {body.name!r} already exists for this tenant",
            code="config_exists",
        )
        try:
            async with self.db.transaction() as s:
                tenant = await find_tenant(s, body.tenant)
                taken = select(ProviderConfig.id).where(
                    ProviderConfig.tenant_id == tenant.id,
                    ProviderConfig.provider == body.provider,
                    ProviderConfig.name == body.name,
                )
                if (await s.execute(taken)).first() is not None:
                    raise duplicate
                row = ProviderConfig(
                    tenant=tenant,
                    provider=body.provider,
                    kind=kind.name,
                    name=body.name,
                    enabled=body.enabled,
                    state="unknown" if body.enabled else "disabled",
                    version=1,
                )
                self._store_values(row, kind, values)
                s.add(row)
                await s.flush()
                record = self._record(row)
        except IntegrityError:
            raise duplicate from None
        log.info("config created", config_id=record.id, provider=record.provider)
        await self._notify(record, "created")
        return record

    async def get(self, config_id: str) -> ConfigRecord:
        async with self.db.session() as s:
            return self._record(await self._row(s, config_id))

    async def list(
        self,
        *,
        tenant: str | None = None,
        provider: str | None = None,
        limit: int = 50,
        cursor: str | None = None,
    ) -> Page[ConfigRecord]:
        async with self.db.session() as s:
            query = select(ProviderConfig).order_by(ProviderConfig.id).limit(limit + 1)
            if tenant:
                query = query.where(ProviderConfig.tenant_id == (await find_tenant(s, tenant)).id)
            if provider:
                query = query.where(ProviderConfig.provider == provider)
            if cursor:
                query = query.where(ProviderConfig.id > cursor)
            rows = list((await s.execute(query)).unique().scalars())
        items = [self._record(r) for r in rows[:limit]]
        return Page(items, items[-1].id if len(rows) > limit else None)

    async def update(self, config_id: str, body: ConfigUpdate) -> ConfigRecord:
        changed_values = False
        toggled: bool | None = None
        try:
            async with self.db.transaction() as s:
                row = await self._row(s, config_id, lock=True)
                if body.config is not None:
                    kind = self.providers.get(row.provider).kind(row.kind)
                    current = {**row.settings, **self._secrets(row.id, row.secrets_ciphertext)}
                    for key, value in body.config.items():
                        if key in kind.secret_fields and value == MASK:
                            continue
                        current[key] = value
                    self._store_values(row, kind, self._validate(kind, current))
                    changed_values = True
                if body.name is not None and body.name != row.name:
                    if await self._name_taken(s, row, body.name):
                        raise Conflict(
                            f"a {row.provider} config named {body.name!r} already exists "
                            "for this tenant",
                            code="config_exists",
                        )
                    row.name = body.name
                    changed_values = True
                if body.enabled is not None and body.enabled != row.enabled:
                    toggled = body.enabled
                    row.enabled = body.enabled
                    row.state = "unknown" if body.enabled else "disabled"
                if changed_values or toggled is not None:
                    row.version += 1
                await s.flush()
                record = self._record(row)
        except IntegrityError:
            raise Conflict("a config with that name already exists", code="config_exists") from None
        if changed_values:
            await self._notify(record, "updated")
        elif toggled is not None:
            await self._notify(record, "enabled" if toggled else "disabled")
        return record

    async def set_enabled(self, config_id: str, enabled: bool) -> ConfigRecord:
        return await self.update(config_id, ConfigUpdate(enabled=enabled))

    async def delete(self, config_id: str) -> ConfigRecord:
        async with self.db.transaction() as s:
            row = await self._row(s, config_id, lock=True)
            record = self._record(row)
            await s.delete(row)
        log.info("config deleted", config_id=record.id, provider=record.provider)
        await self._notify(record, "deleted")
        return record

    async def set_state(self, config_id: str, state: str, error: str | None = None) -> ConfigRecord:
        """Record a config's health (e.g. `needs_reauth`); not a change of its values."""
        async with self.db.transaction() as s:
            row = await self._row(s, config_id, lock=True)
            if row.enabled:
                row.state = state
            if error is not None:
                error = scrub(error, self._secrets(row.id, row.secrets_ciphertext))
            row.last_error = error
            await s.flush()
            return self._record(row)

    # ---- using a config ------------------------------------------------------

    async def values(self, config_id: str, *, require_enabled: bool = True) -> BaseModel:
        """The validated config model, secrets included, for a plugin to use."""
        _record, values = await self.load(config_id, require_enabled=require_enabled)
        return values

    async def load(
        self, config_id: str, *, require_enabled: bool = True
    ) -> tuple[ConfigRecord, BaseModel]:
        async with self.db.session() as s:
            row = await self._row(s, config_id)
            record = self._record(row)
            secrets = self._secrets(row.id, row.secrets_ciphertext)
        if require_enabled and not record.enabled:
            raise ConfigDisabled(
                f"{record.provider} config {record.name!r} of tenant {record.tenant_slug!r} "
                "is disabled"
            )
        kind = self.providers.get(record.provider).kind(record.kind)
        try:
            return record, kind.model.model_validate({**record.settings, **secrets})
        except PydanticValidationError as exc:
            raise Conflict(
                f"stored {record.provider} config {record.name!r} no longer matches the "
                "provider's fields; update it",
                code="config_outdated",
                details=validation_details(exc.errors(), prefix="config"),
            ) from None

    async def select(
        self,
        config_id: str | None = None,
        *,
        tenant: str | None = None,
        provider: str | None = None,
        name: str | None = None,
        require_enabled: bool = True,
    ) -> tuple[ConfigRecord, BaseModel]:
        """By id; by (tenant, provider, name); or the tenant's default for a provider.

        The default is the config named `default`, else the provider's only config
        for that tenant.
        """
        if config_id is None:
            if not (tenant and provider):
                raise ValidationFailed("select a config by id, or by tenant and provider")
            config_id = await self._resolve(tenant, provider, name)
        return await self.load(config_id, require_enabled=require_enabled)

    async def _resolve(self, tenant: str, provider: str, name: str | None) -> str:
        async with self.db.session() as s:
            tenant_row = await find_tenant(s, tenant)
            query = select(ProviderConfig.id, ProviderConfig.name).where(
                ProviderConfig.tenant_id == tenant_row.id, ProviderConfig.provider == provider
            )
            rows = list((await s.execute(query)).all())
        if name is not None:
            matches = [r.id for r in rows if r.name == name]
        else:
            named_default = [r.id for r in rows if r.name == "default"]
            matches = named_default or [r.id for r in rows]
            if len(matches) > 1:
                raise Conflict(
                    f"tenant {tenant!r} has {len(matches)} {provider} configs and none is "
                    "named 'default'; name the one to use",
                    code="config_ambiguous",
                )
        if not matches:
            what = f"named {name!r} " if name else ""
            raise NotFound(
                f"tenant {tenant!r} has no {provider} config {what}".strip(),
                code="config_not_found",
            )
        return matches[0]

    async def test(self, config_id: str) -> TestOutcome:
        record, values = await self.load(config_id)
        kind = self.providers.get(record.provider).kind(record.kind)
        secrets = {n: _secret_value(getattr(values, n)) for n in kind.secret_fields}
        state, message, ok = "ok", None, True
        try:
            message = await asyncio.wait_for(
                run_test(kind, values, self.context, config_id), TEST_TIMEOUT_SECONDS
            )
        except ConnectionTestFailed as exc:
            ok, state, message = False, exc.state, str(exc)
        except TimeoutError:
            ok, state = False, "error"
            message = f"connection test timed out after {TEST_TIMEOUT_SECONDS:.0f} s"
        except Exception as exc:
            ok, state, message = False, "error", f"{type(exc).__name__}: {exc}"
        if message:
            message = scrub(message, secrets)
        await self.set_state(config_id, state, None if ok else message)
        log.info("config tested", config_id=config_id, ok=ok, state=state)
        return TestOutcome(ok=ok, state=state, message=message)

    async def versions(self) -> dict[str, int]:
        """id -> version of every config; cheap enough to poll."""
        async with self.db.session() as s:
            rows = await s.execute(select(ProviderConfig.id, ProviderConfig.version))
            return {r.id: r.version for r in rows}

    async def delete_for_tenant(self, tenant: str) -> list[ConfigRecord]:
        page = await self.list(tenant=tenant, limit=500)
        deleted = []
        while page.items:
            for record in page.items:
                deleted.append(await self.delete(record.id))
            page = await self.list(tenant=tenant, limit=500)
        return deleted
