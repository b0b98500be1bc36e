"""`hub tenants ...`."""

import click

from hub.cli.common import (
    build,
    collect,
    confirm_or_abort,
    emit_record,
    emit_records,
    with_hub,
)
from hub.context import HubContext
from hub.errors import ValidationFailed
from hub.tenants.records import TenantRecord
from hub.tenants.schemas import TenantCreate, TenantUpdate

COLUMNS = ("id", "slug", "name", "created_at")



@click.group("tenants")
def tenants() -> None:
    """Create and manage tenants."""


@tenants.command("create")
@click.argument("slug")
@click.option("--name", required=True, help="Display name.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def create(slug: str, name: str, as_json: bool) -> None:
    """Create a tenant with a unique SLUG."""
    body = build(TenantCreate, slug=slug, name=name)

    async def run(ctx: HubContext) -> TenantRecord:
        return await ctx.tenants.create(body)

    emit_record(with_hub(run), as_json)


@tenants.command("list")
@click.option("--limit", type=click.IntRange(1, 10_000), default=1000, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def list_(limit: int, as_json: bool) -> None:
    """List tenants."""

    async def run(ctx: HubContext) -> list[TenantRecord]:
        return await collect(lambda n, cursor: ctx.tenants.list(limit=n, cursor=cursor), limit)

    emit_records(with_hub(run), COLUMNS, as_json)


@tenants.command("show")
@click.argument("tenant")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def show(tenant: str, as_json: bool) -> None:
    """Show a TENANT (slug or id)."""

    async def run(ctx: HubContext) -> TenantRecord:
        return await ctx.tenants.get(tenant)

    emit_record(with_hub(run), as_json)


@tenants.command("update")
@click.argument("tenant")
@click.option("--slug", help="New slug.")
@click.option("--name", help="New display name.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def update(tenant: str, slug: str | None, name: str | None, as_json: bool) -> None:
    """Change a TENANT's slug or name."""
    if slug is None and name is None:
        raise ValidationFailed("nothing to change; give --slug and/or --name")
    body = build(TenantUpdate, slug=slug, name=name)

    async def run(ctx: HubContext) -> TenantRecord:
        return await ctx.tenants.update(tenant, body)

    emit_record(with_hub(run), as_json)


@tenants.command("delete")
@click.argument("tenant")
@click.option("--cascade", is_flag=True, help="Also delete the tenant's configs.")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def delete(tenant: str, cascade: bool, yes: bool) -> None:
    """Delete a TENANT (refused while it has configs, unless --cascade)."""
    confirm_or_abort(f"Delete tenant {tenant!r}{' and all its configs' if cascade else ''}?", yes)

    async def run(ctx: HubContext) -> TenantRecord:
        await ctx.tenants.get(tenant)
        if cascade:
            await ctx.configs.delete_for_tenant(tenant)
        return await ctx.tenants.delete(tenant)

    record = with_hub(run)
    click.echo(f"deleted tenant {record.slug} ({record.id})")
