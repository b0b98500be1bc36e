"""`hub tencent-meeting recording ...`: cloud recordings: list, download, delete, share, stats.

`download` asks `/v1/addresses` for fresh download links and streams each
file with the core's resumable download (`ProviderClient.download`): an
interrupted download leaves `<file>.part`, and the next run continues it with
a Range request. Sharing passwords read `***` in every output.
"""

import sys
import time
from pathlib import Path
from typing import Any

import click
from hub.cli.common import emit_fields, emit_json, emit_table
from hub.http.download import Downloaded
from pydantic import BaseModel

from hub_tencent_meeting.cli.common import (
    config_options,
    confirm,
    masked,
    operator_option,
    parse_time,
    show_size,
    show_time,
    with_api,
)
from hub_tencent_meeting.client import TencentMeeting
from hub_tencent_meeting.models.records import (
    RecordAddress,
    RecordMeeting,
    RecordMetrics,
    RecordSettings,
    SharingConfig,
)

LIST_COLUMNS = ("meeting_record_id", "meeting_id", "subject", "started", "files", "size", "state")
STATS_COLUMNS = ("date", "views", "downloads")
WINDOW_DAYS = 31
MAX_DAYS = 366
SCOPES = {"anyone": 0, "enterprise": 1}
STATES = {1: "recording", 2: "transcoding", 3: "ready"}


@click.group("recording")
def recording() -> None:
    """Cloud recordings: list, download (resumable), delete, share, stats."""


def _span(since: str | None, until: str | None, max_days: int) -> tuple[int, int]:
    end = parse_time(until, "--until") if until else int(time.time())
    start = parse_time(since, "--since") if since else end - 7 * 86_400
    if end < start:
        raise click.BadParameter("--until is before --since", param_hint="--until")
    if end - start > max_days * 86_400:
        raise click.BadParameter(f"at most {max_days} days at a time", param_hint="--since")
    return start, end


def _row(found: RecordMeeting) -> dict[str, Any]:
    return {
        "meeting_record_id": found.meeting_record_id,
        "meeting_id": found.meeting_id,
        "subject": found.subject,
        "started": show_time(found.media_start_time),
        "files": len(found.record_files),
        "size": show_size(sum(f.record_size or 0 for f in found.record_files)),
        "state": STATES.get(found.state, found.state) if found.state is not None else None,
    }


@recording.command("list")
@config_options
@operator_option
@click.option("--since", help="Recorded from (default: 7 days ago).")
@click.option("--until", help="Recorded until (default: now).")
@click.option("--meeting-id", help="Only this meeting's recordings (a window of 31 days).")
@click.option("--limit", type=click.IntRange(1, 100_000), default=1000, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def list_(
    tenant: str | None, config_name: str | None, config_id: str | None, operator: str | None,
    since: str | None, until: str | None, meeting_id: str | None, limit: int, as_json: bool,
) -> None:  # fmt: skip
    """Recordings started in a period (asked for in windows of 31 days, Tencent's maximum)."""
    start, end = _span(since, until, WINDOW_DAYS if meeting_id else MAX_DAYS)

    async def run(api: TencentMeeting) -> list[RecordMeeting]:
        if meeting_id:
            items = api.records.iter_records(
                start_time=start, end_time=end, meeting_id=meeting_id, operator_id=operator
            )
        else:
            items = api.records.iter_records_windowed(
                start_time=start, end_time=end, operator_id=operator
            )
        found: list[RecordMeeting] = []
        async for item in items:
            found.append(item)
            if len(found) >= limit:
                break
        return found

    found = with_api((tenant, config_name, config_id), run)
    if as_json:
        emit_json([masked(r.model_dump(mode="json", exclude_none=True)) for r in found])
    else:
        emit_table([_row(r) for r in found], LIST_COLUMNS)


class FileResult(BaseModel):
    record_file_id: str
    path: str
    outcome: str
    size: int | None = None
    resumed_from: int = 0
    attempts: int = 0


class _Bar:
    """A progress bar on stderr, created once the size is known; hidden without a terminal."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.bar: Any = None
        self.shown = 0
        self.hidden = not sys.stderr.isatty()

    def __call__(self, done: int, total: int | None) -> None:
        if self.hidden:
            return
        if self.bar is None:
            self.bar = click.progressbar(
                length=total, label=self.label, file=sys.stderr, show_pos=total is None
            )
            self.bar.__enter__()
        if done < self.shown:  # the server sent the file from the start again
            self.bar.pos = 0
            self.shown = 0
        self.bar.update(done - self.shown)
        self.shown = done

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)


def _file_name(address: RecordAddress) -> str:
    kind = (address.download_address_file_type or "mp4").strip(".").lower() or "mp4"
    safe = "".join(c for c in str(address.record_file_id) if c.isalnum() or c in "-_")
    return f"{safe}.{kind}"


@recording.command("download")
@config_options
@operator_option
@click.argument("meeting_record_id")
@click.option("--file", "file_ids", multiple=True, metavar="RECORD_FILE_ID",
              help="Only this file of the recording (repeat for several).")
@click.option("--dir", "directory", type=click.Path(file_okay=False), default=".",
              show_default=True, help="Where to put the files (<record_file_id>.<type>).")
@click.option("--force", is_flag=True, help="Download again files that exist already.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def download(
    tenant: str | None, config_name: str | None, config_id: str | None, operator: str | None,
    meeting_record_id: str, file_ids: tuple[str, ...], directory: str, force: bool,
    as_json: bool,
) -> None:  # fmt: skip
    """Download a recording's files; run it again to continue an interrupted download."""
    target = Path(directory)

    async def run(api: TencentMeeting) -> list[FileResult]:
        addresses = [a async for a in api.records.iter_addresses(
            meeting_record_id, operator_id=operator
        )]  # fmt: skip
        known = {a.record_file_id for a in addresses}
        missing = [f for f in file_ids if f not in known]
        if missing:
            raise click.BadParameter(
                f"recording {meeting_record_id} has no file {', '.join(missing)}",
                param_hint="--file",
            )
        results = []
        for address in addresses:
            if file_ids and address.record_file_id not in file_ids:
                continue
            results.append(await _download_one(api, address, target, force, as_json))
        return results

    results = with_api((tenant, config_name, config_id), run)
    if as_json:
        emit_json(results)
    elif not results:
        click.echo(f"recording {meeting_record_id} has no files to download")


async def _download_one(
    api: TencentMeeting, address: RecordAddress, target: Path, force: bool, quiet: bool
) -> FileResult:
    dest = target / _file_name(address)
    file_id = str(address.record_file_id)
    if not address.download_address:
        if not quiet:
            click.echo(f"{file_id}: no download address (downloads may be switched off)")
        return FileResult(record_file_id=file_id, path=str(dest), outcome="unavailable")
    if dest.exists() and not force:
        if not quiet:
            click.echo(f"{dest}: exists already, skipped (--force downloads it again)")
        return FileResult(record_file_id=file_id, path=str(dest), outcome="skipped")
    bar = _Bar(dest.name)
    try:
        done: Downloaded = await api.client.download(
            address.download_address, dest, progress=bar, overwrite=force
        )
    finally:
        bar.close()
    if not quiet:
        resumed = f", resumed after {show_size(done.resumed_from)}" if done.resumed_from else ""
        click.echo(f"{dest}: {show_size(done.size)}{resumed}")
    return FileResult(
        record_file_id=file_id, path=str(dest), outcome="downloaded", size=done.size,
        resumed_from=done.resumed_from, attempts=done.attempts,
    )  # fmt: skip


@recording.command("delete")
@config_options
@operator_option
@click.argument("meeting_record_id")
@click.option("--file", "file_id", metavar="RECORD_FILE_ID",
              help="Delete only this file; without it the whole recording goes.")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def delete(
    tenant: str | None, config_name: str | None, config_id: str | None, operator: str | None,
    meeting_record_id: str, file_id: str | None, yes: bool,
) -> None:  # fmt: skip
    """Delete a recording (all its files) or one of its files, at Tencent."""
    what = f"file {file_id} of recording {meeting_record_id}" if file_id else (
        f"recording {meeting_record_id} with all its files"
    )
    confirm(f"Delete {what}?", yes, "delete a recording")

    async def run(api: TencentMeeting) -> None:
        if file_id:
            await api.records.delete_file(file_id, operator_id=operator)
        else:
            await api.records.delete_record(meeting_record_id, operator_id=operator)

    with_api((tenant, config_name, config_id), run)
    click.echo(f"deleted {what}")


def _settings_fields(settings: RecordSettings) -> dict[str, Any]:
    config = settings.sharing_config or SharingConfig()
    scope = {v: k for k, v in SCOPES.items()}.get(config.share_scope or 0, config.share_scope)
    return {
        "meeting_id": settings.meeting_id,
        "name": settings.meeting_record_name,
        "sharing": config.enable_sharing,
        "scope": scope if config.enable_sharing else None,
        "password": "***" if config.enable_password else "no",
        "approval": config.enable_approve,
        "expires": show_time(config.sharing_expire) if config.enable_sharing_expire else "never",
        "download": config.allow_download,
        "transcripts": config.allow_view_transcripts,
    }


@recording.command("share")
@config_options
@operator_option
@click.argument("meeting_record_id")
@click.option("--enable/--disable", "enable", default=None,
              help="Switch the sharing link on or off.")
@click.option("--scope", type=click.Choice(list(SCOPES)),
              help="Who may open the link: anyone, or the enterprise's users.")
@click.option("--password", help="Require this password (4-8 letters or digits).")
@click.option("--no-password", is_flag=True, help="Open without a password.")
@click.option("--approval/--no-approval", default=None,
              help="Viewers have to be approved first.")
@click.option("--expires", help="Link valid until (ISO date/time, UNIX seconds) or 'never'.")
@click.option("--allow-download/--no-allow-download", default=None,
              help="Viewers may download the files.")
@click.option("--transcripts/--no-transcripts", default=None,
              help="Viewers may read the transcript.")
@click.option("--meeting-id", help="The recording's meeting (not needed for uploads).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def share(
    tenant: str | None, config_name: str | None, config_id: str | None, operator: str | None,
    meeting_record_id: str, enable: bool | None, scope: str | None, password: str | None,
    no_password: bool, approval: bool | None, expires: str | None,
    allow_download: bool | None, transcripts: bool | None, meeting_id: str | None,
    as_json: bool,
) -> None:  # fmt: skip
    """Show a recording's sharing settings, or change the ones given."""
    if password and no_password:
        raise click.UsageError("give --password or --no-password, not both")
    changes: dict[str, Any] = {
        "enable_sharing": enable,
        "share_scope": SCOPES[scope] if scope else None,
        "enable_approve": approval,
        "allow_download": allow_download,
        "allow_view_transcripts": transcripts,
    }
    if password or no_password:
        changes.update(enable_password=bool(password), password=password)
    if expires:
        never = expires.strip().lower() == "never"
        changes["enable_sharing_expire"] = not never
        if not never:
            changes["sharing_expire"] = parse_time(expires, "--expires") * 1000
    given = {k: v for k, v in changes.items() if v is not None}

    async def run(api: TencentMeeting) -> RecordSettings:
        if given:
            await api.records.update_settings(
                meeting_record_id, SharingConfig(**given), meeting_id=meeting_id,
                operator_id=operator,
            )  # fmt: skip
        return await api.records.settings(meeting_record_id, operator_id=operator)

    settings = with_api((tenant, config_name, config_id), run)
    if as_json:
        emit_json(masked(settings.model_dump(mode="json", exclude_none=True)))
    else:
        emit_fields({k: v for k, v in _settings_fields(settings).items() if v is not None})


@recording.command("stats")
@config_options
@click.argument("meeting_record_id")
@click.option("--since", help="From (default: 7 days ago).")
@click.option("--until", help="Until (default: now); at most 31 days after --since.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def stats(
    tenant: str | None, config_name: str | None, config_id: str | None,
    meeting_record_id: str, since: str | None, until: str | None, as_json: bool,
) -> None:  # fmt: skip
    """Views and downloads of a recording per day, and in total."""
    start, end = _span(since, until, WINDOW_DAYS)

    async def run(api: TencentMeeting) -> RecordMetrics:
        return await api.records.metrics(meeting_record_id, start_time=start, end_time=end)

    metrics = with_api((tenant, config_name, config_id), run)
    views = sum(d.view_counts or 0 for d in metrics.summaries)
    downloads = sum(d.download_counts or 0 for d in metrics.summaries)
    if as_json:
        emit_json({**metrics.model_dump(mode="json", exclude_none=True),
                   "total_views": views, "total_downloads": downloads})  # fmt: skip
        return
    rows = [
        {"date": d.date, "views": d.view_counts or 0, "downloads": d.download_counts or 0}
        for d in metrics.summaries
    ]
    emit_table(rows, STATS_COLUMNS)
    click.echo(f"total: {views} views, {downloads} downloads")

