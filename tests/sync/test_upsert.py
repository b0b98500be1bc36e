"""The bulk upsert helper reports inserted vs updated exactly, on SQLite and PostgreSQL."""

import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from hub.context import HubContext
from hub.db.base import UTCDateTime
from hub.sync import UpsertResult, delete_keys, upsert

metadata = sa.MetaData()
STAMP = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
LATER = STAMP + timedelta(hours=1)

things = sa.Table(
    "upsert_things",
    metadata,
    sa.Column("tenant", sa.String(20), primary_key=True),
    sa.Column("code", sa.String(40), primary_key=True),
    sa.Column("name", sa.String(100), nullable=False),
    sa.Column("size", sa.Integer, nullable=True),
    sa.Column("meta", sa.JSON, nullable=True),
    sa.Column("flag", sa.Boolean, nullable=False, default=False),
    sa.Column("seen_at", UTCDateTime, nullable=True),
    sa.Column("created_at", UTCDateTime, nullable=False, default=lambda: STAMP),
    sa.Column("touched_at", UTCDateTime, nullable=True, onupdate=lambda: LATER),
)


class Base(DeclarativeBase):
    metadata = metadata


class Tag(Base):
    __tablename__ = "upsert_tags"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    label: Mapped[str] = mapped_column(sa.String(50))


@pytest.fixture
async def db(ctx: HubContext) -> AsyncIterator[HubContext]:
    async with ctx.db.engine.begin() as conn:
        await conn.run_sync(metadata.create_all)
    yield ctx


def rows(start: int, stop: int, name: str = "n", tenant: str = "t1") -> list[dict]:
    return [
        {
            "tenant": tenant,
            "code": f"c{i:06d}",
            "name": f"{name}{i}",
            "size": i,
            "meta": {"i": i, "tags": ["a", "b"]},
            "flag": i % 2 == 0,
            "seen_at": STAMP + timedelta(seconds=i),
        }
        for i in range(start, stop)
    ]


async def write(ctx: HubContext, *args: object, **kwargs: object) -> UpsertResult:
    async with ctx.db.transaction() as s:
        return await upsert(s, *args, **kwargs)  # type: ignore[arg-type]


async def table_rows(ctx: HubContext, table: sa.Table = things) -> dict[tuple, dict]:
    async with ctx.db.session() as s:
        result = await s.execute(sa.select(table))
        return {(r.tenant, r.code): dict(r._mapping) for r in result}


async def test_counts_inserts_then_updates_across_many_batches(db: HubContext) -> None:
    first = await write(db, things, rows(0, 1300), ["tenant", "code"])
    assert first == UpsertResult(inserted=1300, updated=0)
    mixed = await write(db, things, rows(700, 2100, name="m"), ["tenant", "code"])
    assert mixed == UpsertResult(inserted=800, updated=600)
    stored = await table_rows(db)
    assert len(stored) == 2100
    assert stored[("t1", "c000699")]["name"] == "n699"
    assert stored[("t1", "c000700")]["name"] == "m700"
    assert stored[("t1", "c002099")]["name"] == "m2099"


async def test_small_batches_count_the_same(db: HubContext) -> None:
    await write(db, things, rows(0, 250), ["tenant", "code"], batch_size=7)
    result = await write(db, things, rows(200, 333), ["tenant", "code"], batch_size=7)
    assert result == UpsertResult(inserted=83, updated=50)
    assert len(await table_rows(db)) == 333


async def test_values_of_every_type_round_trip(db: HubContext) -> None:
    await write(db, things, rows(5, 6), ["tenant", "code"])
    row = (await table_rows(db))[("t1", "c000005")]
    assert row["meta"] == {"i": 5, "tags": ["a", "b"]}
    assert row["flag"] is False and row["size"] == 5
    assert row["seen_at"] == STAMP + timedelta(seconds=5)


async def test_missing_columns_get_defaults_and_onupdate(db: HubContext) -> None:
    given = [{"tenant": "t1", "code": "x", "name": "first"}]
    await write(db, things, given, ["tenant", "code"])
    row = (await table_rows(db))[("t1", "x")]
    assert (row["created_at"], row["flag"], row["touched_at"]) == (STAMP, False, None)
    await write(db, things, [{**given[0], "name": "second"}], ["tenant", "code"])
    row = (await table_rows(db))[("t1", "x")]
    assert (row["name"], row["created_at"], row["touched_at"]) == ("second", STAMP, LATER)


async def test_update_columns_limit_what_changes(db: HubContext) -> None:
    await write(db, things, rows(0, 3), ["tenant", "code"])
    changed = rows(0, 3, name="new")
    for r in changed:
        r["size"] = 999
    result = await write(db, things, changed, ["tenant", "code"], update_columns=["name"])
    assert result == UpsertResult(inserted=0, updated=3)
    stored = await table_rows(db)
    assert stored[("t1", "c000001")]["name"] == "new1"
    assert stored[("t1", "c000001")]["size"] == 1


async def test_repeated_keys_count_once_and_the_last_wins(db: HubContext) -> None:
    batch = [*rows(0, 3), {**rows(1, 2)[0], "name": "again"}]
    assert await write(db, things, batch, ["tenant", "code"]) == UpsertResult(3, 0)
    assert (await table_rows(db))[("t1", "c000001")]["name"] == "again"


async def test_same_code_under_another_tenant_is_a_new_row(db: HubContext) -> None:
    await write(db, things, rows(0, 10), ["tenant", "code"])
    result = await write(db, things, rows(0, 10, tenant="t2"), ["tenant", "code"])
    assert result == UpsertResult(inserted=10, updated=0)


async def test_no_update_columns_inserts_missing_and_keeps_existing(db: HubContext) -> None:
    await write(db, Tag, [{"id": 1, "label": "one"}], ["id"])
    batch = [{"id": 1, "label": "changed"}, {"id": 2, "label": "two"}]
    result = await write(db, Tag, batch, ["id"], update_columns=[])
    assert result == UpsertResult(inserted=1, updated=1)
    async with db.db.session() as s:
        assert (await s.execute(sa.select(Tag.id, Tag.label).order_by(Tag.id))).all() == [
            (1, "one"),
            (2, "two"),
        ]


async def test_declarative_class_and_single_key(db: HubContext) -> None:
    tags = [{"id": i, "label": f"l{i}"} for i in range(600)]
    assert await write(db, Tag, tags, ["id"]) == UpsertResult(600, 0)
    again = [{"id": i, "label": f"x{i}"} for i in range(550, 1150)]
    assert await write(db, Tag, again, ["id"]) == UpsertResult(550, 50)
    async with db.db.session() as s:
        assert await s.scalar(sa.select(Tag.label).where(Tag.id == 560)) == "x560"


async def test_nothing_is_written_when_the_transaction_rolls_back(db: HubContext) -> None:
    with pytest.raises(RuntimeError):
        async with db.db.transaction() as s:
            assert await upsert(s, things, rows(0, 600), ["tenant", "code"]) == UpsertResult(600)
            raise RuntimeError("abort")
    assert await table_rows(db) == {}


BAD_INPUT = [
    ([{"tenant": "t", "code": "c", "name": "n", "colour": "red"}], ["tenant", "code"],
     "no column(s) colour"),
    ([{"tenant": "t", "name": "n"}], ["tenant", "code"], "lack key column(s) code"),
    ([{"tenant": "t", "code": "a", "name": "n"}, {"tenant": "t", "code": "b"}],
     ["tenant", "code"], "same columns"),
    ([{"tenant": "t", "code": "a", "name": "n"}, {"tenant": "t", "name": "n", "size": 1}],
     ["tenant", "code"], "lacks column 'code'"),
    ([{"tenant": "t", "code": None, "name": "n"}], ["tenant", "code"], "is None"),
    ([{"tenant": "t", "code": "c", "name": "n"}], [], "at least one"),
    ([{"tenant": "t", "code": "c", "name": "n"}], ["tenant", "code"], "update column(s) size"),
]  # fmt: skip


async def test_bad_rows_are_refused_before_writing(db: HubContext) -> None:
    for batch, keys, message in BAD_INPUT:
        update = ["size"] if "update column" in message else None
        with pytest.raises(ValueError, match=re.escape(message)):
            await write(db, things, batch, keys, update_columns=update)
    assert await table_rows(db) == {}


async def test_delete_keys_counts_only_rows_that_existed(db: HubContext) -> None:
    await write(db, things, rows(0, 700), ["tenant", "code"])
    keys = [{"tenant": "t1", "code": f"c{i:06d}"} for i in range(650, 720)]
    async with db.db.transaction() as s:
        assert await delete_keys(s, things, keys, ["tenant", "code"]) == 50
    assert len(await table_rows(db)) == 650


async def test_array_columns_on_postgresql(ctx: HubContext) -> None:
    if ctx.db.dialect != "postgresql":
        pytest.skip("array columns exist on PostgreSQL only")
    lists = sa.Table(
        "upsert_lists",
        sa.MetaData(),
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("values", sa.ARRAY(sa.Integer), nullable=False),
    )
    async with ctx.db.engine.begin() as conn:
        await conn.run_sync(lists.metadata.create_all)
    first = [{"id": i, "values": [i, i + 1]} for i in range(600)]
    assert await write(ctx, lists, first, ["id"]) == UpsertResult(600, 0)
    second = [{"id": i, "values": [0]} for i in range(500, 700)]
    assert await write(ctx, lists, second, ["id"]) == UpsertResult(100, 100)
    async with ctx.db.session() as s:
        assert await s.scalar(sa.select(lists.c["values"]).where(lists.c.id == 550)) == [0]


async def test_keys_json_cannot_carry_are_counted_too(ctx: HubContext) -> None:
    blobs = sa.Table(
        "upsert_blobs",
        sa.MetaData(),
        sa.Column("digest", sa.LargeBinary(32), primary_key=True),
        sa.Column("part", sa.Integer, primary_key=True),
        sa.Column("size", sa.Integer, nullable=False),
    )
    async with ctx.db.engine.begin() as conn:
        await conn.run_sync(blobs.metadata.create_all)
    first = [{"digest": bytes([i % 256, i // 256]), "part": 1, "size": i} for i in range(700)]
    assert await write(ctx, blobs, first, ["digest", "part"]) == UpsertResult(700, 0)
    again = [*({**r, "size": 0} for r in first[600:]), {"digest": b"\xff", "part": 2, "size": 1}]
    assert await write(ctx, blobs, again, ["digest", "part"]) == UpsertResult(1, 100)
    keys = [{"digest": r["digest"], "part": 1} for r in first[:10]]
    async with ctx.db.transaction() as s:
        assert await delete_keys(s, blobs, keys, ["digest", "part"]) == 10
