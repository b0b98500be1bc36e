from sqlalchemy import inspect

from hub.context import HubContext
from hub.db import migrate
from hub.db.engine import Database


def _tables(conn) -> set[str]:  # type: ignore[no-untyped-def]
    return set(inspect(conn).get_table_names())


async def test_migrations_create_tables_and_leave_nothing_pending(ctx: HubContext) -> None:
    async with ctx.db.engine.connect() as conn:
        tables = await conn.run_sync(_tables)
    assert {"hub_tenants", "hub_provider_configs", "alembic_version"} <= tables
    assert await migrate.current(ctx.db) == {"hub_0006"}
    assert await migrate.pending(ctx.db) == set()
    assert await ctx.pending_migrations() == set()


async def test_fresh_database_has_core_migration_pending(database_url: str) -> None:
    db = Database(database_url)
    try:
        assert await migrate.pending(db) == {"hub_0006"}
        await migrate.upgrade(db)
        assert await migrate.pending(db) == set()
        await migrate.upgrade(db)  # running again is a no-op
        assert await migrate.current(db) == {"hub_0006"}
    finally:
        await db.dispose()
