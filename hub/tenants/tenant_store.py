"""Tenant CRUD."""

from __future__ import annotations

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from hub.db.engine import Database
from hub.errors import Conflict, NotFound
from hub.ids import is_id
from hub.tenants.models import ProviderConfig, Tenant
from hub.tenants.records import Page, TenantRecord
from hub.tenants.schemas import TenantCreate, TenantUpdate


async def find_tenant(session: AsyncSession, ref: str) -> Tenant:
    """A tenant by id or slug, or NotFound."""
    clause = or_(Tenant.id == ref, Tenant.slug == ref) if is_id(ref) else Tenant.slug == ref
    found = list((await session.execute(select(Tenant).where(clause))).scalars())
    # A slug may look like an id (even another tenant's); the id wins.
    tenant = next((t for t in found if t.id == ref), found[0] if found else None)
    if tenant is None:
        raise NotFound(f"tenant {ref!r} not found", code="tenant_not_found")
    return tenant


class TenantStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def create(self, body: TenantCreate) -> TenantRecord:
        try:
            async with self.db.transaction() as s:
                if (await s.execute(select(Tenant.id).where(Tenant.slug == body.slug))).first():
                    raise Conflict(f"tenant slug {body.slug!r} is taken", code="tenant_exists")
                tenant = Tenant(slug=body.slug, name=body.name)
                s.add(tenant)
                await s.flush()
                return TenantRecord.from_row(tenant)
        except IntegrityError:
            raise Conflict(f"tenant slug {body.slug!r} is taken", code="tenant_exists") from None

    async def get(self, ref: str) -> TenantRecord:
        async with self.db.session() as s:
            return TenantRecord.from_row(await find_tenant(s, ref))

    async def list(self, limit: int = 50, cursor: str | None = None) -> Page[TenantRecord]:
        async with self.db.session() as s:
            query = select(Tenant).order_by(Tenant.id).limit(limit + 1)
            if cursor:
                query = query.where(Tenant.id > cursor)
            rows = list((await s.execute(query)).scalars())
        items = [TenantRecord.from_row(r) for r in rows[:limit]]
        return Page(items, items[-1].id if len(rows) > limit else None)

    async def update(self, ref: str, body: TenantUpdate) -> TenantRecord:
        try:
            async with self.db.transaction() as s:
                tenant = await find_tenant(s, ref)
                if body.slug is not None and body.slug != tenant.slug:
                    taken = await s.execute(select(Tenant.id).where(Tenant.slug == body.slug))
                    if taken.first():
                        raise Conflict(f"tenant slug {body.slug!r} is taken", code="tenant_exists")
                    tenant.slug = body.slug
                if body.name is not None:
                    tenant.name = body.name
                await s.flush()
                return TenantRecord.from_row(tenant)
        except IntegrityError:
            raise Conflict(f"tenant slug {body.slug!r} is taken", code="tenant_exists") from None

    async def config_count(self, ref: str) -> int:
        async with self.db.session() as s:
            tenant = await find_tenant(s, ref)
            query = select(func.count()).where(ProviderConfig.tenant_id == tenant.id)
            return int((await s.execute(query)).scalar_one())

    async def delete(self, ref: str) -> TenantRecord:
        """Delete a tenant that has no configs (delete those first, or cascade via ConfigStore)."""
        async with self.db.transaction() as s:
            tenant = await find_tenant(s, ref)
            count_query = select(func.count()).where(ProviderConfig.tenant_id == tenant.id)
            count = int((await s.execute(count_query)).scalar_one())
            if count:
                raise Conflict(
                    f"tenant {tenant.slug!r} still has {count} config(s); "
                    "delete them first or ask for a cascading delete",
                    code="tenant_has_configs",
                )
            record = TenantRecord.from_row(tenant)
            await s.delete(tenant)
            return record
