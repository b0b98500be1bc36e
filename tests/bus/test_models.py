"""The bus's ORM models and its migration describe the same tables."""

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import Connection

from hub.bus.models import DeliveryRow, EventRow
from hub.context import HubContext
from hub.db.base import Base

TABLES = {EventRow.__tablename__, DeliveryRow.__tablename__}


def _differences(conn: Connection) -> list[Any]:
    def ours(obj: Any, name: str | None, kind: str, reflected: bool, compare_to: Any) -> bool:
        table = obj if kind == "table" else getattr(obj, "table", None)
        return getattr(table, "name", name) in TABLES

    context = MigrationContext.configure(conn, opts={"include_object": ours, "compare_type": True})
    return compare_metadata(context, Base.metadata)


async def test_migration_matches_the_models(ctx: HubContext) -> None:
    async with ctx.db.engine.connect() as conn:
        assert await conn.run_sync(_differences) == []
