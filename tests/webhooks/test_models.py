"""The hub_0003 migration creates exactly the tables the ORM models describe."""

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from hub.context import HubContext
from hub.db.base import Base
from hub.webhooks.models import WebhookRejectionRow, WebhookRow

TABLES = {WebhookRow.__tablename__, WebhookRejectionRow.__tablename__}


def _diff(conn: Any) -> list[Any]:
    context = MigrationContext.configure(
        conn, opts={"include_name": lambda name, kind, parent: kind != "table" or name in TABLES}
    )
    return compare_metadata(context, Base.metadata)


async def test_migration_matches_models(ctx: HubContext) -> None:
    async with ctx.db.engine.connect() as conn:
        diff = await conn.run_sync(_diff)
    ours = [d for d in diff if TABLES & set(_tables(d))]
    assert ours == []


def _tables(diff: Any) -> list[str]:
    items = diff if isinstance(diff, list) else [diff]
    names = []
    for item in items:
        for part in item if isinstance(item, tuple) else (item,):
            table = getattr(part, "table", None)
            name = getattr(part, "name", None)
            if table is not None:
                names.append(table.name)
            elif isinstance(name, str):
                names.append(name)
            elif isinstance(part, str):
                names.append(part)
    return names
