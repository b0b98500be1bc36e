"""`hub tencent-meeting user ...`: the enterprise's users, one by one or by CSV file.

`import` and `export` use the same columns (`user_import.FIELDS`; an export
adds read-only ones an import ignores), so a file exported from one
enterprise can be imported into another.
"""

import csv
import json
import sys
from pathlib import Path
from typing import IO, Any

import click
from hub.cli.common import build, emit_fields, emit_json, emit_table

from hub_tencent_meeting.cli import user_import
from hub_tencent_meeting.cli.common import (
    config_options,
    confirm,
    operator_option,
    parse_time,
    show_time,
    with_api,
)
from hub_tencent_meeting.client import TencentMeeting
from hub_tencent_meeting.client.base import LIMITS
from hub_tencent_meeting.models.users import (
    CreatedUser,
    DepartmentRef,
    User,
    UserCreate,
    UserUpdate,
)

STATUSES = {"normal": 1, "inactive": 3, "disabled": 4}
STATUS_NAMES = {str(v): k for k, v in STATUSES.items()}
LIST_COLUMNS = ("userid", "username", "status", "email", "phone", "departments")
EXPORT_COLUMNS = (
    *(f for f in user_import.FIELDS if f != "auto_invite"),
    *user_import.EXPORT_ONLY,
)
"""Importable columns (without the create-only flag) followed by the read-only ones."""


@click.group("user")
def user() -> None:
    """Enterprise users of Tencent Meeting: create, list, show, update, delete, import, export."""


def _user_options(create: bool) -> Any:
    def wrap(fn: Any) -> Any:
        options = [
            click.option("--userid", required=create, help="The enterprise's own user id."),
            click.option("--username", required=create, help="Display name."),
            click.option("--phone", required=create, help="Mobile number (digits)."),
            click.option("--area", help="Phone area code (default 86)."),
            click.option("--email", help="E-mail address."),
            click.option("--staff-id", help="Staff number."),
            click.option("--job-title", help="Job title."),
            click.option("--entry-time", help="Joining date (ISO date or UNIX seconds)."),
            click.option("--department", "departments", multiple=True, metavar="ID",
                         help="Department id; the first is the main one (repeat for several)."),
            click.option("--user-account-type", type=int, help="Account type (1 paid, ...)."),
        ]  # fmt: skip
        if create:
            options.append(click.option("--auto-invite/--no-auto-invite", default=None,
                                        help="Send the activation invitation."))  # fmt: skip
        else:
            options.remove(options[0])
            options.append(click.option("--enable/--disable", "enabled", default=None,
                                        help="Enable or disable the account."))  # fmt: skip
        for option in reversed(options):
            fn = option(fn)
        return fn

    return wrap


def _user_fields(flags: dict[str, Any]) -> dict[str, Any]:
    entry = flags.get("entry_time")
    return {
        "userid": flags.get("userid"),
        "username": flags.get("username"),
        "phone": flags.get("phone"),
        "area": flags.get("area"),
        "email": flags.get("email"),
        "staff_id": flags.get("staff_id"),
        "job_title": flags.get("job_title"),
        "entry_time": str(parse_time(entry, "--entry-time")) if entry else None,
        "department_list": [DepartmentRef(department_id=d) for d in flags["departments"]]
        or None,
        "user_account_type": flags.get("user_account_type"),
        "auto_invite": flags.get("auto_invite"),
    }


def _row(found: User) -> dict[str, Any]:
    return {
        "userid": found.userid,
        "username": found.username,
        "status": STATUS_NAMES.get(found.status or "", found.status),
        "email": found.email or None,
        "phone": found.phone or None,
        "departments": ", ".join(
            d.department_full_name or d.department_name or d.department_id or ""
            for d in found.department_list
        ) or None,
    }  # fmt: skip


def _detail(found: User) -> dict[str, Any]:
    values = found.model_dump(mode="json", exclude_none=True, exclude={"department_list"})
    values["status"] = STATUS_NAMES.get(found.status or "", found.status)
    for name in ("entry_time", "update_time"):
        if name in values:
            values[name] = show_time(values[name])
    values["departments"] = _row(found)["departments"]
    return {k: v for k, v in values.items() if v not in (None, "")}


@user.command("create")
@config_options
@operator_option
@_user_options(create=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def create(
    tenant: str | None, config_name: str | None, config_id: str | None, operator: str | None,
    as_json: bool, **flags: Any,
) -> None:  # fmt: skip
    """Create a user; Tencent sends the activation invitation."""
    body = build(UserCreate, **_user_fields(flags))

    async def run(api: TencentMeeting) -> CreatedUser:
        return await api.users.create(body, operator_id=operator)

    created = with_api((tenant, config_name, config_id), run)
    if as_json:
        emit_json(created.model_dump(mode="json", exclude_none=True))
    else:
        click.echo(f"created user {created.userid} ({created.username})")


@user.command("list")
@config_options
@click.option("--status", type=click.Choice(list(STATUSES)), help="Only users in this state.")
@click.option("--department-id", help="Only members of this department.")
@click.option("--limit", type=click.IntRange(1, 1_000_000), default=1000, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def list_(
    tenant: str | None, config_name: str | None, config_id: str | None, status: str | None,
    department_id: str | None, limit: int, as_json: bool,
) -> None:  # fmt: skip
    """List the enterprise's users."""

    async def run(api: TencentMeeting) -> list[User]:
        found: list[User] = []
        async for item in api.users.iter_users_advance(
            status=STATUSES[status] if status else None, department_id=department_id
        ):
            found.append(item)
            if len(found) >= limit:
                break
        return found

    found = with_api((tenant, config_name, config_id), run)
    if as_json:
        emit_json([u.model_dump(mode="json", exclude_none=True) for u in found])
    else:
        emit_table([_row(u) for u in found], LIST_COLUMNS)


@user.command("show")
@config_options
@operator_option
@click.argument("userid")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def show(
    tenant: str | None, config_name: str | None, config_id: str | None, operator: str | None,
    userid: str, as_json: bool,
) -> None:  # fmt: skip
    """One user's details."""

    async def run(api: TencentMeeting) -> User:
        return await api.users.get(userid, operator_id=operator)

    found = with_api((tenant, config_name, config_id), run)
    if as_json:
        emit_json(found.model_dump(mode="json", exclude_none=True))
    else:
        emit_fields(_detail(found))


@user.command("update")
@config_options
@operator_option
@click.argument("userid")
@_user_options(create=False)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def update(
    tenant: str | None, config_name: str | None, config_id: str | None, operator: str | None,
    userid: str, enabled: bool | None, as_json: bool, **flags: Any,
) -> None:  # fmt: skip
    """Change a user; only the options given change."""
    fields = {k: v for k, v in _user_fields(flags).items() if k not in ("userid", "auto_invite")}
    if enabled is None and all(v is None for v in fields.values()):
        raise click.UsageError("nothing to change; give at least one option")
    changes = build(UserUpdate, **fields)
    changed = bool(changes.model_dump(exclude_none=True))

    async def run(api: TencentMeeting) -> User:
        if changed:
            await api.users.update(userid, changes, operator_id=operator)
        if enabled is not None:
            await api.users.set_enabled(userid, enabled, operator_id=operator)
        return await api.users.get(userid, operator_id=operator)

    found = with_api((tenant, config_name, config_id), run)
    if as_json:
        emit_json(found.model_dump(mode="json", exclude_none=True))
    else:
        emit_fields(_detail(found))


@user.command("delete")
@config_options
@operator_option
@click.argument("userid")
@click.option("--transfer-to", metavar="USERID",
              help="Hand the user's meetings and recordings to this user first.")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def delete(
    tenant: str | None, config_name: str | None, config_id: str | None, operator: str | None,
    userid: str, transfer_to: str | None, yes: bool,
) -> None:  # fmt: skip
    """Delete a user (their meetings and recordings go with them unless --transfer-to)."""
    confirm(f"Delete user {userid}?", yes, "delete a user")

    async def run(api: TencentMeeting) -> None:
        if transfer_to:
            await api.users.delete_and_transfer(
                userid, receiver_id=transfer_to, receiver_id_type=1, operator_id=operator
            )
        else:
            await api.users.delete(userid, operator_id=operator)

    with_api((tenant, config_name, config_id), run)
    moved = f"; meetings and recordings went to {transfer_to}" if transfer_to else ""
    click.echo(f"deleted user {userid}{moved}")


# ---- import ----------------------------------------------------------------------------------


def _read(source: str) -> str:
    if source == "-":
        return sys.stdin.read()
    try:
        return Path(source).read_text("utf-8-sig")
    except UnicodeDecodeError:
        raise click.BadParameter("the file is not UTF-8 text", param_hint="FILE") from None


def _write_report(path: str | None, results: list[user_import.RowResult]) -> None:
    if path:
        Path(path).write_text(user_import.report_csv(results), "utf-8")


def _summary(totals: dict[str, int]) -> str:
    failed = totals[user_import.FAILED] + totals[user_import.INVALID]
    text = f"{totals[user_import.CREATED]} created, {failed} failed"
    extra = [
        f"{totals[user_import.INVALID]} invalid" if totals[user_import.INVALID] else "",
        f"{totals[user_import.UNKNOWN]} unknown" if totals[user_import.UNKNOWN] else "",
        f"{totals[user_import.NOT_ATTEMPTED]} not attempted"
        if totals[user_import.NOT_ATTEMPTED] else "",
    ]  # fmt: skip
    extra = [e for e in extra if e]
    return text + (f" ({', '.join(extra)})" if extra else "")


def _emit_results(
    results: list[user_import.RowResult], verbose: bool, as_json: bool, stopped: str | None
) -> dict[str, int]:
    ordered = sorted(results, key=lambda r: r.row)
    totals = user_import.count(ordered)
    if as_json:
        emit_json({
            **totals, "stopped": stopped, "rows": [r.__dict__ for r in ordered],
        })  # fmt: skip
        return totals
    for r in ordered:
        if r.outcome != user_import.CREATED or verbose:
            error = f": {r.error}" if r.error else ""
            click.echo(f"row {r.row} ({r.userid or 'no userid'}): {r.outcome}{error}")
    if stopped:
        click.echo(stopped, err=True)
    click.echo(_summary(totals))
    return totals


@user.command("import")
@config_options
@operator_option
@click.argument("source", metavar="FILE")
@click.option("--batch-size", type=click.IntRange(100, 1000), default=100, show_default=True,
              help="Rows per batch; a stop takes effect between batches.")
@click.option("--concurrency", type=click.IntRange(1, 50), default=10, show_default=True,
              help="Rows of a batch in flight at once (the rate limits still apply).")
@click.option("--skip-invalid", is_flag=True,
              help="Import the valid rows even if others are invalid (they count as failed).")
@click.option("--dry-run", is_flag=True, help="Only validate the file; nothing is sent.")
@click.option("--report", "report_path", type=click.Path(dir_okay=False, writable=True),
              help="Write every row's outcome to this CSV file (row, userid, outcome, error).")
@click.option("-v", "--verbose", is_flag=True, help="Also list the rows created.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def import_(
    tenant: str | None, config_name: str | None, config_id: str | None, operator: str | None,
    source: str, batch_size: int, concurrency: int, skip_invalid: bool, dry_run: bool,
    report_path: str | None, verbose: bool, as_json: bool,
) -> None:  # fmt: skip
    """Create users from a CSV file (`-`: standard input); exits 1 if any row failed.

    The first row names the columns: userid, username, phone (required),
    email, area, staff_id, job_title, entry_time, department_ids (separated by
    `;`), user_account_type, avatar_url, auto_invite, add_on_largemeeting,
    add_on_webinar, is_voov. Row numbers are as a spreadsheet shows them.
    """
    if not dry_run and not config_id and not tenant:
        raise click.UsageError("give --tenant (optionally with --config NAME) or --config-id")
    parsed = user_import.parse(_read(source))
    results = [r for r, _ in parsed.valid] + parsed.invalid
    if dry_run or (parsed.invalid and not skip_invalid):
        _write_report(report_path, results)
        if not as_json:
            for r in sorted(parsed.invalid, key=lambda r: r.row):
                click.echo(f"row {r.row} ({r.userid or 'no userid'}): invalid: {r.error}")
            click.echo(f"{len(parsed.valid)} valid, {len(parsed.invalid)} invalid")
            if parsed.invalid and not dry_run:
                click.echo("nothing imported: fix the rows above or pass --skip-invalid",
                           err=True)  # fmt: skip
        else:
            emit_json({"valid": len(parsed.valid), "invalid": len(parsed.invalid),
                       "rows": [r.__dict__ for r in sorted(parsed.invalid, key=lambda r: r.row)]})
        sys.exit(1 if parsed.invalid else 0)

    users_limit = LIMITS["users"][0]
    if not as_json:
        click.echo(
            f"importing {len(parsed.valid)} users in batches of {batch_size} (Tencent allows "
            f"{users_limit.limit} account calls per {users_limit.per:g} s)",
            err=True,
        )

    def progress(number: int, total: int, done: list[user_import.RowResult]) -> None:
        if as_json:
            return
        counts = user_import.count(done)
        click.echo(
            f"batch {number}/{total} (rows {done[0].row}-{done[-1].row}): "
            f"{counts[user_import.CREATED]} created, "
            f"{len(done) - counts[user_import.CREATED]} not created",
            err=True,
        )

    state: dict[str, str | None] = {"stopped": None}

    async def run(api: TencentMeeting) -> None:
        importer = user_import.Importer(
            api, parsed.valid, batch_size=batch_size, concurrency=concurrency,
            operator_id=operator,
        )  # fmt: skip
        try:
            await importer.run(progress)
        finally:
            state["stopped"] = importer.stopped
            _write_report(report_path, results)

    try:
        with_api((tenant, config_name, config_id), run)
    except KeyboardInterrupt:
        click.echo(f"interrupted: {_summary(user_import.count(results))}", err=True)
        sys.exit(130)
    totals = _emit_results(results, verbose, as_json, state["stopped"])
    if sum(n for k, n in totals.items() if k != user_import.CREATED):
        sys.exit(1)


# ---- export ----------------------------------------------------------------------------------


def _export_row(found: User) -> dict[str, Any]:
    return {
        **{k: v for k, v in found.model_dump(mode="json").items() if k in EXPORT_COLUMNS},
        "department_ids": ";".join(d.department_id or "" for d in found.department_list),
        "department_names": ";".join(
            d.department_full_name or d.department_name or "" for d in found.department_list
        ),
    }


class _Writer:
    """Writes users as they arrive: a CSV with a header, or one JSON array."""

    def __init__(self, out: IO[str], fmt: str) -> None:
        self.out = out
        self.fmt = fmt
        self.count = 0
        if fmt == "csv":
            self.csv = csv.DictWriter(out, EXPORT_COLUMNS, extrasaction="ignore",
                                      lineterminator="\n")  # fmt: skip
            self.csv.writeheader()
        else:
            out.write("[")

    def write(self, found: User) -> None:
        if self.fmt == "csv":
            self.csv.writerow({k: v for k, v in _export_row(found).items() if v is not None})
        else:
            data = found.model_dump(mode="json", exclude_none=True)
            self.out.write(("," if self.count else "") + "\n  " + json.dumps(data,
                                                                             ensure_ascii=False))
        self.count += 1
        self.out.flush()

    def close(self) -> None:
        if self.fmt == "json":
            self.out.write("\n]\n" if self.count else "]\n")
        self.out.flush()


@user.command("export")
@config_options
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default="csv",
              show_default=True)
@click.option("--output", "-o", default="-", show_default=True, help="File, or - for stdout.")
@click.option("--status", type=click.Choice(list(STATUSES)), help="Only users in this state.")
@click.option("--department-id", help="Only members of this department.")
def export(
    tenant: str | None, config_name: str | None, config_id: str | None, fmt: str,
    output: str, status: str | None, department_id: str | None,
) -> None:  # fmt: skip
    """Write every user (page by page, as Tencent returns them) as CSV or JSON."""
    target = None if output == "-" else Path(output)
    partial = target.with_name(target.name + ".part") if target else None
    out = sys.stdout if partial is None else partial.open("w", encoding="utf-8", newline="")

    async def run(api: TencentMeeting) -> int:
        writer = _Writer(out, fmt)
        async for found in api.users.iter_users_advance(
            status=STATUSES[status] if status else None, department_id=department_id
        ):
            writer.write(found)
        writer.close()
        return writer.count

    try:
        written = with_api((tenant, config_name, config_id), run)
    finally:
        if out is not sys.stdout:
            out.close()
    if target is not None and partial is not None:
        partial.replace(target)  # only a complete export takes the file's name
    click.echo(f"exported {written} users", err=True)
