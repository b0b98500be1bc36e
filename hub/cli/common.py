"""Pieces shared by the `hub` commands: settings/plugin state, async runner, output."""

import asyncio
import json
import re
import sys
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import click
from pydantic import BaseModel, ValidationError

from hub.context import HubContext, open_context
from hub.errors import ValidationFailed, validation_details
from hub.plugins import Plugins
from hub.settings import Settings
from hub.tenants.records import Page

T = TypeVar("T")
_AGE = re.compile(r"^(\d+)\s*([smhdw])$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
M = TypeVar("M", bound=BaseModel)


@dataclass
class CliState:
    settings: Settings
    plugins: Plugins


def state() -> CliState:
    return click.get_current_context().find_object(CliState)  # type: ignore[return-value]


def with_hub(body: Callable[[HubContext], Awaitable[T]], *, migrate: bool = True) -> T:
    """Open the hub's services, run `body`, close them again."""
    current = state()

    async def main() -> T:
        ctx = open_context(current.settings, current.plugins)
        try:
            if migrate and current.settings.auto_migrate:
                await ctx.migrate()
            return await body(ctx)
        finally:
            await ctx.close()

    return asyncio.run(main())


def build(model: type[M], **values: Any) -> M:
    """Validate CLI input with the same model the API uses; None means "not given"."""
    try:
        return model(**{k: v for k, v in values.items() if v is not None})
    except ValidationError as exc:
        raise ValidationFailed("invalid input", details=validation_details(exc.errors())) from None


async def collect(fetch: Callable[[int, str | None], Awaitable[Page[T]]], limit: int) -> list[T]:
    """Walk a paginated listing until `limit` items or the last page."""
    items: list[T] = []
    cursor = None
    while len(items) < limit:
        page = await fetch(min(500, limit - len(items)), cursor)
        items.extend(page.items)
        cursor = page.next_cursor
        if cursor is None:
            break
    return items


def _plain(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def emit_json(value: Any) -> None:
    click.echo(json.dumps(value, default=_plain, ensure_ascii=False, indent=2))


def emit_table(rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> None:
    if not rows:
        click.echo("(none)")
        return
    cells = [[_cell(row.get(c)) for c in columns] for row in rows]
    widths = [max(len(c), *(len(r[i]) for r in cells)) for i, c in enumerate(columns)]
    click.echo("  ".join(c.upper().ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip())
    for r in cells:
        click.echo("  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)).rstrip())


def emit_fields(values: dict[str, Any]) -> None:
    width = max((len(k) for k in values), default=0)
    for key, value in values.items():
        if isinstance(value, dict):
            click.echo(f"{key}:")
            for sub_key, sub_value in value.items():
                click.echo(f"  {sub_key}: {_cell(sub_value)}")
        else:
            click.echo(f"{key.ljust(width)}  {_cell(value)}")


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def emit_models(items: Sequence[BaseModel], columns: Sequence[str], as_json: bool) -> None:
    """Pydantic models, as a JSON list or a table of `columns`."""
    if as_json:
        emit_json(items)
    else:
        emit_table([i.model_dump() for i in items], columns)


def emit_records(records: Sequence[Any], columns: Sequence[str], as_json: bool) -> None:
    """Records with an `out()` model, as a JSON list or a table."""
    if as_json:
        emit_json([r.out() for r in records])
    else:
        emit_table([r.out().model_dump() for r in records], columns)


def emit_record(record: Any, as_json: bool) -> None:
    if as_json:
        emit_json(record.out())
    else:
        emit_fields(record.out().model_dump())


def parse_before(value: str, option: str = "--before") -> datetime:
    """An ISO date or time (UTC unless it says otherwise) or an age like `7d`, `12h`, `30m`."""
    text = value.strip()
    age = _AGE.match(text)
    if age:
        return datetime.now(UTC) - timedelta(**{_UNITS[age.group(2)]: int(age.group(1))})
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        raise ValidationFailed(
            f"{option} expects an ISO date/time or an age like 7d, 12h, 30m; got {value!r}"
        ) from None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def split_assignments(items: Iterable[str], option: str) -> list[tuple[str, str | None]]:
    """`NAME=VALUE` pairs; a bare `NAME` yields (NAME, None)."""
    pairs = []
    for item in items:
        name, sep, value = item.partition("=")
        if not name.strip():
            raise ValidationFailed(f"{option} expects NAME=VALUE, got {item.split('=')[0]!r}=...")
        pairs.append((name.strip(), value if sep else None))
    return pairs


def read_stdin_lines(count: int) -> list[str]:
    if count == 0:
        return []
    if count == 1:
        return [sys.stdin.read().rstrip("\r\n")]
    lines = [sys.stdin.readline().rstrip("\r\n") for _ in range(count)]
    if any(line == "" for line in lines):
        raise ValidationFailed(f"expected {count} non-empty lines on standard input")
    return lines


def confirm_or_abort(question: str, yes: bool) -> None:
    if yes:
        return
    if not sys.stdin.isatty():
        raise ValidationFailed("refusing to delete without confirmation; pass --yes")
    click.confirm(question, abort=True)
