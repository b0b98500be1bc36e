from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from hub.context import HubContext
from hub.db.engine import Database


async def test_sqlite_uses_wal_and_foreign_keys(tmp_path: Path) -> None:
    db = Database(f"sqlite+aiosqlite:///{tmp_path}/nested/dir/hub.db")
    try:
        async with db.engine.connect() as conn:
            journal = (await conn.exec_driver_sql("PRAGMA journal_mode")).scalar()
            foreign_keys = (await conn.exec_driver_sql("PRAGMA foreign_keys")).scalar()
            busy = (await conn.exec_driver_sql("PRAGMA busy_timeout")).scalar()
        assert journal == "wal"
        assert foreign_keys == 1
        assert busy and busy > 0
        assert db.dialect == "sqlite"
        assert (tmp_path / "nested" / "dir" / "hub.db").exists()
        await db.ping()
    finally:
        await db.dispose()


async def test_foreign_keys_are_enforced(ctx: HubContext) -> None:
    with pytest.raises(IntegrityError):
        async with ctx.db.engine.begin() as conn:
            await conn.execute(
                text(
                    "INSERT INTO hub_provider_configs (id, tenant_id, provider, kind, name, "
                    "enabled, state, settings, secret_names, version, created_at, updated_at) "
                    "VALUES ('c1', 'no-such-tenant', 'p', 'k', 'n', true, 'unknown', '{}', "
                    "'[]', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
                )
            )
