"""Bulk insert-or-update that says how many rows were new and how many existed.

Sync jobs write thousands of rows per batch, so this bypasses the ORM and
SQLAlchemy's per-row parameter handling and talks to the driver directly, with
one dialect-specific statement per chunk of rows:

- SQLite: the transaction first takes the write lock (a no-op UPDATE), then,
  per chunk, counts the keys that already exist (one query joining
  `json_each` of the chunk's keys with the table's unique index) and runs
  `INSERT ... ON CONFLICT DO UPDATE` through the driver's `executemany`. With
  the write lock held nobody can add or remove keys between the count and the
  write, so the counts are exact.
- PostgreSQL: `INSERT ... SELECT * FROM unnest($1::type[], ...) ON CONFLICT DO
  UPDATE ... RETURNING (xmax = 0)`: one round trip per chunk, and `xmax = 0`
  is true exactly for the rows the statement inserted. Tables with array
  columns (which `unnest` would flatten) go through SQLAlchemy's multi-row
  VALUES instead, with the same RETURNING.

"Updated" means "the key already existed": such a row is written again even
when no value changed.
"""

import json
import operator
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

BATCH_SIZE = 1000
# asyncpg accepts at most 32767 parameters per statement.
_PG_MAX_PARAMS = 32_000

Row = Mapping[str, Any]


@dataclass(frozen=True)
class UpsertResult:
    inserted: int = 0
    updated: int = 0

    @property
    def total(self) -> int:
        return self.inserted + self.updated

    def __add__(self, other: "UpsertResult") -> "UpsertResult":
        return UpsertResult(self.inserted + other.inserted, self.updated + other.updated)


def as_table(table: Any) -> sa.Table:
    """A Core table from a `Table` or a declarative class."""
    if isinstance(table, sa.Table):
        return table
    found = getattr(table, "__table__", None)
    if isinstance(found, sa.Table):
        return found
    raise TypeError(f"expected a Table or a mapped class, got {type(table).__name__}")


def _python_default(column: sa.Column[Any], which: str) -> Callable[[], Any] | None:
    """A zero-argument function giving the column's Python-side default or onupdate value."""
    spec = getattr(column, which)
    if spec is None:
        return None
    if getattr(spec, "is_scalar", False):
        value = spec.arg
        return lambda: value
    if getattr(spec, "is_callable", False):
        fn = spec.arg
        return lambda: fn(None)
    raise ValueError(
        f"column {column.name!r} has a SQL-expression {which}; give its value in the rows"
    )


@dataclass(frozen=True)
class _Plan:
    """Which columns are written, which decide a conflict and which an update changes."""

    table: sa.Table
    columns: tuple[str, ...]  # inserted, in order: the rows' columns, then filled defaults
    given: tuple[str, ...]  # the columns present in the rows
    keys: tuple[str, ...]
    update: tuple[str, ...]  # set from the new row on conflict
    defaults: tuple[tuple[str, Callable[[], Any]], ...]  # filled per row, insert only
    onupdate: tuple[tuple[str, Any], ...]  # set on conflict to a value fixed per call

    @classmethod
    def build(
        cls,
        table: sa.Table,
        first: Row,
        keys: Sequence[str],
        update_columns: Sequence[str] | None,
    ) -> "_Plan":
        given = tuple(first)
        unknown = sorted(set(given) - set(table.c.keys()))
        if unknown:
            raise ValueError(f"{table.name} has no column(s) {', '.join(unknown)}")
        if not keys:
            raise ValueError("key_columns must name at least one column")
        missing_keys = [k for k in keys if k not in given]
        if missing_keys:
            raise ValueError(f"rows lack key column(s) {', '.join(missing_keys)}")
        if update_columns is None:
            update = tuple(c for c in given if c not in keys)
        else:
            absent = [c for c in update_columns if c not in given]
            if absent:
                raise ValueError(f"update column(s) {', '.join(absent)} are not in the rows")
            update = tuple(c for c in update_columns if c not in keys)
        defaults = []
        onupdate = []
        for column in table.columns:
            if column.name in given:
                continue
            if (fill := _python_default(column, "default")) is not None:
                defaults.append((column.name, fill))
            if (fn := _python_default(column, "onupdate")) is not None:
                onupdate.append((column.name, fn()))
        columns = given + tuple(name for name, _ in defaults)
        return cls(table, columns, given, tuple(keys), update, tuple(defaults), tuple(onupdate))

    def key_of(self) -> Callable[[Row], Any]:
        return operator.itemgetter(*self.keys)

    def tuples(self, rows: Sequence[Row], dialect: Dialect) -> list[tuple[Any, ...]]:
        """Rows as driver-ready tuples in `columns` order, defaults and bind processing done.

        Built column by column with C-level `map`/`zip`: per-row Python loops
        would cost more than the database's own work.
        """
        processors = {
            i: proc
            for i, name in enumerate(self.columns)
            if (proc := _bind_processor(self.table.c[name], dialect)) is not None
        }
        if not processors and not self.defaults:
            try:
                values = list(map(operator.itemgetter(*self.given), rows))
            except KeyError as exc:
                raise ValueError(f"a row lacks column {exc.args[0]!r}") from None
            return [(v,) for v in values] if len(self.given) == 1 else values
        try:
            columns = [list(map(operator.itemgetter(name), rows)) for name in self.given]
        except KeyError as exc:
            raise ValueError(f"a row lacks column {exc.args[0]!r}") from None
        for _name, fill in self.defaults:
            columns.append([fill() for _ in rows])
        for i, proc in processors.items():
            columns[i] = list(map(proc, columns[i]))
        return list(zip(*columns, strict=True))

    def onupdate_values(self, dialect: Dialect) -> tuple[Any, ...]:
        out = []
        for name, value in self.onupdate:
            proc = _bind_processor(self.table.c[name], dialect)
            out.append(proc(value) if proc else value)
        return tuple(out)


def _bind_processor(column: sa.Column[Any], dialect: Dialect) -> Callable[[Any], Any] | None:
    processor: Callable[[Any], Any] | None = column.type.dialect_impl(dialect).bind_processor(
        dialect
    )
    return processor


def _dedupe(rows: Sequence[Row], plan: _Plan) -> Sequence[Row]:
    """One row per key (the last one given): a statement may not touch a row twice."""
    if set(map(len, rows)) != {len(plan.given)}:
        raise ValueError(f"every row must have the same columns: {', '.join(plan.given)}")
    try:
        keys = list(map(plan.key_of(), rows))
    except KeyError as exc:
        raise ValueError(f"a row lacks column {exc.args[0]!r}") from None
    by_key = dict(zip(keys, rows, strict=True))
    if len(plan.keys) == 1:
        if None in by_key:
            raise ValueError(f"key column {plan.keys[0]!r} is None in a row")
    elif any(None in key for key in by_key):
        raise ValueError(f"a key column ({', '.join(plan.keys)}) is None in a row")
    return rows if len(by_key) == len(rows) else list(by_key.values())


async def upsert(
    session: AsyncSession | AsyncConnection,
    table: Any,
    rows: Sequence[Row],
    key_columns: Sequence[str],
    update_columns: Sequence[str] | None = None,
    *,
    batch_size: int = BATCH_SIZE,
) -> UpsertResult:
    """Insert `rows` into `table`, updating the rows whose `key_columns` already exist.

    Every row must have the same columns. `key_columns` must be covered by a
    unique constraint or the primary key. `update_columns` (default: every
    given column except the keys) are the ones overwritten on conflict;
    columns left out of the rows get their Python-side `default` when inserted
    and their `onupdate` when updated. Rows repeating a key count once, with
    the last one's values. Runs inside the caller's transaction and commits
    nothing.
    """
    if not rows:
        return UpsertResult()
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    plan = _Plan.build(as_table(table), rows[0], key_columns, update_columns)
    unique_rows = _dedupe(rows, plan)
    conn = await session.connection() if isinstance(session, AsyncSession) else session
    dialect = conn.dialect
    if dialect.name == "sqlite":
        return await _sqlite(conn, plan, unique_rows, batch_size)
    if dialect.name == "postgresql":
        return await _postgresql(conn, plan, unique_rows, batch_size)
    raise ValueError(f"upsert supports SQLite and PostgreSQL, not {dialect.name}")


# ---- SQLite --------------------------------------------------------------------


def _sqlite_statements(plan: _Plan, dialect: Dialect) -> tuple[str, str, str]:
    q = dialect.identifier_preparer.quote
    table = dialect.identifier_preparer.format_table(plan.table)
    columns = ", ".join(q(c) for c in plan.columns)
    marks = ", ".join("?" for _ in plan.columns)
    sets = [f"{q(c)} = excluded.{q(c)}" for c in plan.update]
    sets += [f"{q(name)} = ?" for name, _ in plan.onupdate]
    action = f"DO UPDATE SET {', '.join(sets)}" if sets else "DO NOTHING"
    write = (
        f"INSERT INTO {table} ({columns}) VALUES ({marks}) "
        f"ON CONFLICT ({', '.join(q(k) for k in plan.keys)}) {action}"
    )
    if len(plan.keys) == 1:
        match = f"t.{q(plan.keys[0])} = j.value"
    else:
        match = " AND ".join(
            f"t.{q(k)} = json_extract(j.value, '$[{i}]')" for i, k in enumerate(plan.keys)
        )
    # CROSS JOIN keeps json_each as the outer loop, so each key is one index probe.
    count = f"SELECT count(*) FROM json_each(?) AS j CROSS JOIN {table} AS t ON {match}"
    lock = f"UPDATE {table} SET {q(plan.keys[0])} = {q(plan.keys[0])} WHERE 0"
    return write, count, lock


async def _sqlite(
    conn: AsyncConnection, plan: _Plan, rows: Sequence[Row], batch_size: int
) -> UpsertResult:
    dialect = conn.dialect
    write, count, lock = _sqlite_statements(plan, dialect)
    # Take the write lock before counting, so the count cannot go stale.
    await conn.exec_driver_sql(lock)
    values = plan.tuples(rows, dialect)
    extra = plan.onupdate_values(dialect)
    key_of = operator.itemgetter(*(plan.columns.index(k) for k in plan.keys))
    result = UpsertResult()
    for start in range(0, len(values), batch_size):
        chunk = values[start : start + batch_size]
        keys: list[Any] = list(map(key_of, chunk))
        existing = await _sqlite_existing(conn, plan, count, keys)
        if extra:
            chunk = [v + extra for v in chunk]
        await conn.exec_driver_sql(write, chunk)
        result += UpsertResult(len(chunk) - existing, existing)
    return result


async def _sqlite_existing(conn: AsyncConnection, plan: _Plan, count: str, keys: list[Any]) -> int:
    try:
        document = json.dumps(keys)
    except (TypeError, ValueError):
        document = None
    if document is not None:
        found = await conn.exec_driver_sql(count, (document,))
        return int(found.scalar_one())
    # Keys JSON cannot carry (bytes, decimals): the same join over a VALUES list.
    dialect = conn.dialect
    q = dialect.identifier_preparer.quote
    names = [f"k{i}" for i in range(len(plan.keys))]
    row = "(" + ", ".join("?" for _ in names) + ")"
    match = " AND ".join(f"t.{q(k)} = v.{n}" for k, n in zip(plan.keys, names, strict=True))
    statement = (
        f"WITH v({', '.join(names)}) AS (VALUES {', '.join(row for _ in keys)}) "
        f"SELECT count(*) FROM v CROSS JOIN {dialect.identifier_preparer.format_table(plan.table)}"
        f" AS t ON {match}"
    )
    params = tuple(keys) if len(names) == 1 else tuple(c for key in keys for c in key)
    return int((await conn.exec_driver_sql(statement, params)).scalar_one())


# ---- PostgreSQL ----------------------------------------------------------------


def _pg_array_types(plan: _Plan, dialect: Dialect) -> list[str] | None:
    """SQL type names to cast each column's array to, or None when unnest cannot be used."""
    names = []
    for name in plan.columns:
        column_type = plan.table.c[name].type
        if isinstance(column_type, sa.ARRAY):
            return None
        try:
            names.append(column_type.compile(dialect=dialect))
        except Exception:  # a type PostgreSQL cannot name in a cast
            return None
    return names


async def _postgresql(
    conn: AsyncConnection, plan: _Plan, rows: Sequence[Row], batch_size: int
) -> UpsertResult:
    dialect = conn.dialect
    types = _pg_array_types(plan, dialect)
    if types is None:
        return await _postgresql_values(conn, plan, rows, batch_size)
    q = dialect.identifier_preparer.quote
    table = dialect.identifier_preparer.format_table(plan.table)
    arrays = ", ".join(f"${i + 1}::{t}[]" for i, t in enumerate(types))
    sets = [f"{q(c)} = excluded.{q(c)}" for c in plan.update]
    n = len(plan.columns)
    for offset, (name, _) in enumerate(plan.onupdate):
        cast = plan.table.c[name].type.compile(dialect=dialect)
        sets.append(f"{q(name)} = ${n + offset + 1}::{cast}")
    action = f"DO UPDATE SET {', '.join(sets)}" if sets else "DO NOTHING"
    statement = (
        f"INSERT INTO {table} ({', '.join(q(c) for c in plan.columns)}) "
        f"SELECT * FROM unnest({arrays}) "
        f"ON CONFLICT ({', '.join(q(k) for k in plan.keys)}) {action} "
        "RETURNING (xmax = 0)"
    )
    values = plan.tuples(rows, dialect)
    extra = plan.onupdate_values(dialect)
    result = UpsertResult()
    for start in range(0, len(values), batch_size):
        chunk = values[start : start + batch_size]
        columns = tuple(list(col) for col in zip(*chunk, strict=True))
        returned = await conn.exec_driver_sql(statement, columns + extra)
        inserted = sum(1 for (fresh,) in returned if fresh)
        result += UpsertResult(inserted, len(chunk) - inserted)
    return result


async def _postgresql_values(
    conn: AsyncConnection, plan: _Plan, rows: Sequence[Row], batch_size: int
) -> UpsertResult:
    """Multi-row VALUES through SQLAlchemy, for tables `unnest` cannot feed."""
    table = plan.table
    stmt = postgresql.insert(table)
    set_: dict[str, Any] = {c: stmt.excluded[c] for c in plan.update}
    set_.update(dict(plan.onupdate))
    if set_:
        stmt = stmt.on_conflict_do_update(index_elements=list(plan.keys), set_=set_)
    else:
        stmt = stmt.on_conflict_do_nothing(index_elements=list(plan.keys))
    stmt = stmt.returning(sa.literal_column("(xmax = 0)"))
    chunk_size = max(1, min(batch_size, _PG_MAX_PARAMS // max(1, len(plan.columns))))
    complete = [
        {**row, **{name: fill() for name, fill in plan.defaults}} if plan.defaults else row
        for row in rows
    ]
    result = UpsertResult()
    for start in range(0, len(complete), chunk_size):
        chunk = complete[start : start + chunk_size]
        returned = await conn.execute(stmt, [dict(r) for r in chunk])
        inserted = sum(1 for (fresh,) in returned if fresh)
        result += UpsertResult(inserted, len(chunk) - inserted)
    return result


# ---- deletes -------------------------------------------------------------------


async def delete_keys(
    session: AsyncSession | AsyncConnection,
    table: Any,
    keys: Sequence[Row],
    key_columns: Sequence[str],
    *,
    batch_size: int = BATCH_SIZE,
) -> int:
    """Delete the rows whose `key_columns` equal one of `keys`; returns how many existed."""
    if not keys:
        return 0
    tbl = as_table(table)
    unknown = sorted(set(key_columns) - set(tbl.c.keys()))
    if unknown or not key_columns:
        raise ValueError(f"{tbl.name} has no key column(s) {', '.join(unknown)}")
    names = tuple(key_columns)
    plan = _Plan(tbl, names, names, names, (), (), ())
    try:
        getter = operator.itemgetter(*key_columns)
        values = list(dict.fromkeys(map(getter, keys)))
    except KeyError as exc:
        raise ValueError(f"a deleted key lacks column {exc.args[0]!r}") from None
    conn = await session.connection() if isinstance(session, AsyncSession) else session
    dialect = conn.dialect
    single = len(key_columns) == 1
    processors = [_bind_processor(tbl.c[k], dialect) for k in key_columns]

    def processed(value: Any) -> list[Any]:
        cells = [value] if single else list(value)
        return [p(c) if p else c for p, c in zip(processors, cells, strict=True)]

    rows = [processed(v) for v in values]
    deleted = 0
    if dialect.name == "sqlite":
        _write, count, lock = _sqlite_statements(plan, dialect)
        q = dialect.identifier_preparer.quote
        where = " AND ".join(f"{q(k)} = ?" for k in key_columns)
        statement = f"DELETE FROM {dialect.identifier_preparer.format_table(tbl)} WHERE {where}"
        await conn.exec_driver_sql(lock)
        for start in range(0, len(rows), batch_size):
            chunk = rows[start : start + batch_size]
            deleted += await _sqlite_existing(
                conn, plan, count, [r[0] for r in chunk] if single else chunk
            )
            await conn.exec_driver_sql(statement, [tuple(r) for r in chunk])
        return deleted
    columns = [tbl.c[k] for k in key_columns]
    target = columns[0] if single else sa.tuple_(*columns)
    for start in range(0, len(values), batch_size):
        chunk = values[start : start + batch_size]
        result = await conn.execute(sa.delete(tbl).where(target.in_(chunk)))
        deleted += max(result.rowcount, 0)
    return deleted
