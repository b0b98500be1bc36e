"""Rows/s of `hub.sync.upsert` against raw `executemany` of the same rows, in the same run.

    .venv/bin/python bench/sync_upsert.py [--rows 100000] [--repeat 5]

Two cases on SQLite (a WAL file in a temporary directory, as the hub runs it)
and, when HUB_BENCH_POSTGRES_URL is set (e.g.
postgresql+asyncpg://hub:hub@127.0.0.1:5432/hub_bench), on PostgreSQL:

- insert: every row is new (an empty table). Raw: the driver's executemany
  of a plain INSERT with the row dicts as they are.
- update: every row exists. Raw: the driver's executemany of INSERT ... ON
  CONFLICT DO UPDATE (which cannot say what it inserted or updated).

Both sides write in chunks of 1000 rows inside one transaction and commit at
the end. The helper's figure includes everything it does on top: checking
the rows, counting existing keys (SQLite) or RETURNING (xmax = 0)
(PostgreSQL). Each figure is the best of --repeat runs. Targets: >= 20,000
rows/s on SQLite and >= 0.7 x raw.
"""

import argparse
import asyncio
import os
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from typing import Any

import sqlalchemy as sa

from hub.db.engine import Database
from hub.sync import UpsertResult, upsert

CHUNK = 1000
metadata = sa.MetaData()
table = sa.Table(
    "bench_items",
    metadata,
    sa.Column("config_id", sa.String(36), primary_key=True),
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("owner", sa.String(64), nullable=False),
    sa.Column("status", sa.Integer, nullable=False),
    sa.Column("score", sa.Float, nullable=False),
    sa.Column("active", sa.Boolean, nullable=False),
    sa.Column("updated", sa.String(40), nullable=False),
)
COLUMNS = [c.name for c in table.columns]
KEYS = ["config_id", "id"]


def make_rows(count: int, version: int) -> list[dict[str, Any]]:
    return [
        {
            "config_id": "0193a0c4-7b1e-7cc0-9a51-3f1d2a4b5c6d",
            "id": f"meeting-{i:09d}",
            "name": f"Weekly sync {i} v{version}",
            "owner": f"user-{i % 977}",
            "status": (i + version) % 5,
            "score": i * 0.25 + version,
            "active": (i + version) % 3 != 0,
            "updated": f"2026-11-{1 + i % 28:02d}T10:{i % 60:02d}:00+08:00",
        }
        for i in range(count)
    ]


def raw_statements(dialect: str) -> tuple[str, str]:
    names = ", ".join(COLUMNS)
    if dialect == "sqlite":
        values = ", ".join(f":{c}" for c in COLUMNS)
    else:
        values = ", ".join(f"${i + 1}" for i in range(len(COLUMNS)))
    insert = f"INSERT INTO bench_items ({names}) VALUES ({values})"
    sets = ", ".join(f"{c} = excluded.{c}" for c in COLUMNS if c not in KEYS)
    return insert, f"{insert} ON CONFLICT (config_id, id) DO UPDATE SET {sets}"


async def reset(db: Database) -> None:
    async with db.engine.begin() as conn:
        await conn.run_sync(metadata.drop_all)
        await conn.run_sync(metadata.create_all)


async def raw(db: Database, statement: str, rows: list[dict[str, Any]]) -> None:
    async with db.engine.begin() as conn:
        if db.dialect == "sqlite":
            for start in range(0, len(rows), CHUNK):
                await conn.exec_driver_sql(statement, rows[start : start + CHUNK])
        else:
            # asyncpg takes positional records; building them is part of the raw cost.
            driver = (await conn.get_raw_connection()).driver_connection
            for start in range(0, len(rows), CHUNK):
                chunk = [tuple(r[c] for c in COLUMNS) for r in rows[start : start + CHUNK]]
                await driver.executemany(statement, chunk)  # type: ignore[union-attr]


async def helper(db: Database, rows: list[dict[str, Any]]) -> UpsertResult:
    async with db.transaction() as session:
        return await upsert(session, table, rows, KEYS, batch_size=CHUNK)


async def timed(fn: Callable[[], Awaitable[Any]]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = await fn()
    return time.perf_counter() - start, result


async def measure(db: Database, count: int, repeat: int) -> dict[str, dict[str, float]]:
    fresh = make_rows(count, 1)
    changed = make_rows(count, 2)
    plain_insert, raw_upsert = raw_statements(db.dialect)
    seconds: dict[str, list[float]] = {k: [] for k in ("raw insert", "helper insert",
                                                         "raw update", "helper update")}
    for _ in range(repeat):
        await reset(db)
        elapsed, _ = await timed(lambda: raw(db, plain_insert, fresh))
        seconds["raw insert"].append(elapsed)
        await reset(db)
        elapsed, result = await timed(lambda: helper(db, fresh))
        assert result == UpsertResult(count, 0), result
        seconds["helper insert"].append(elapsed)
        elapsed, _ = await timed(lambda: raw(db, raw_upsert, changed))
        seconds["raw update"].append(elapsed)
        elapsed, result = await timed(lambda: helper(db, fresh))
        assert result == UpsertResult(0, count), result
        seconds["helper update"].append(elapsed)
    return {
        name: {"best": count / min(values), "median": count / statistics.median(values)}
        for name, values in seconds.items()
    }


def report(label: str, figures: dict[str, dict[str, float]], count: int) -> None:
    print(f"\n{label}: {count:,} rows, chunks of {CHUNK}, best (median) rows/s")
    for case in ("insert", "update"):
        raw_rate = figures[f"raw {case}"]
        mine = figures[f"helper {case}"]
        ratio = mine["best"] / raw_rate["best"]
        print(
            f"  {case:<6}  raw executemany {raw_rate['best']:>9,.0f} ({raw_rate['median']:>9,.0f})"
            f"   upsert helper {mine['best']:>9,.0f} ({mine['median']:>9,.0f})"
            f"   helper/raw {ratio:.2f}"
        )


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(f"sqlite+aiosqlite:///{tmp}/bench.db")
        try:
            report("SQLite (WAL, synchronous=NORMAL)", await measure(db, args.rows, args.repeat),
                   args.rows)
        finally:
            await db.dispose()
    url = os.environ.get("HUB_BENCH_POSTGRES_URL")
    if url:
        db = Database(url)
        try:
            report("PostgreSQL (asyncpg)", await measure(db, args.rows, args.repeat), args.rows)
            await reset(db)
            async with db.engine.begin() as conn:
                await conn.run_sync(metadata.drop_all)
        finally:
            await db.dispose()
    else:
        print("\nPostgreSQL: skipped (set HUB_BENCH_POSTGRES_URL)")


if __name__ == "__main__":
    asyncio.run(main())
