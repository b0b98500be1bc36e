"""The wecom_0001 migration creates exactly the tables the models describe; status rules."""

from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from hub.bus import Bus
from hub.context import HubContext
from hub.db.base import Base
from hub.errors import Conflict
from sqlalchemy import inspect

from hub_wecom.messages.models import WeComMessage, WeComMessageRecipient, WeComMessageStatus
from hub_wecom.messages.status import ROBOT_STATUSES, TRANSITIONS, can_move, move
from hub_wecom.messages.store import reachable

TABLES = {
    WeComMessage.__tablename__,
    WeComMessageStatus.__tablename__,
    WeComMessageRecipient.__tablename__,
}


def _diff(conn: Any) -> list[Any]:
    context = MigrationContext.configure(
        conn, opts={"include_name": lambda name, kind, parent: kind != "table" or name in TABLES}
    )
    return [d for d in compare_metadata(context, Base.metadata) if TABLES & set(_tables(d))]


def _tables(diff: Any) -> list[str]:
    names = []
    for part in diff if isinstance(diff, tuple | list) else (diff,):
        for item in part if isinstance(part, tuple) else (part,):
            table = getattr(item, "table", None)
            if table is not None:
                names.append(table.name)
            elif isinstance(getattr(item, "name", None), str):
                names.append(item.name)
            elif isinstance(item, str):
                names.append(item)
    return names


async def test_migration_matches_models(ctx: HubContext) -> None:
    assert await ctx.pending_migrations() == set()
    async with ctx.db.engine.connect() as conn:
        diff = await conn.run_sync(_diff)
        version, tables = await conn.run_sync(
            lambda sync: (
                sync.exec_driver_sql("SELECT version_num FROM alembic_version_wecom").scalar(),
                set(inspect(sync).get_table_names()),
            )
        )
    assert diff == []
    assert version == "wecom_0001"
    assert tables >= TABLES


def test_transitions() -> None:
    assert can_move(None, "queued") and can_move("queued", "sent")
    assert not can_move("sent", "queued") and not can_move("failed", "recalled")
    assert {s for targets in TRANSITIONS.values() for s in targets} == {
        "queued", "sent", "failed", "recalled", "interacted"
    }  # fmt: skip
    assert not any("delivered" in t or "read" in t for t in TRANSITIONS.values())
    app = WeComMessage(status="queued", channel="app")
    robot = WeComMessage(status="queued", channel="robot")
    assert reachable(app) == ["failed", "sent", "interacted", "recalled"]
    assert reachable(robot) == ["failed", "sent"]
    assert set(reachable(robot)) < set(ROBOT_STATUSES)


async def test_impossible_change_is_refused(ctx: HubContext) -> None:
    bus: Bus = ctx.bus
    row = WeComMessage(id="m-1", status="failed", channel="app", config_id="c", msg_type="text")
    async with ctx.db.session() as session:
        with pytest.raises(Conflict) as refused:
            await move(bus, session, row, "recalled")
        assert refused.value.code == "invalid_status_change"
        assert not session.new
