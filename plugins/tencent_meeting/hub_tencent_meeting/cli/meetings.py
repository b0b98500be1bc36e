"""`hub tencent-meeting meeting ...`: schedule, list, show, change, cancel and end meetings.

Everything goes through `TencentMeeting.meetings` (and `.realtime` for `end`).
Meeting passwords and host keys read `***` in every output.
"""

import time
from collections.abc import Callable
from typing import Any

import click
from hub.cli.common import build, emit_fields, emit_json, emit_table

from hub_tencent_meeting.cli.common import (
    config_options,
    confirm,
    masked,
    operator_option,
    parse_duration,
    parse_time,
    show_time,
    window,
    with_api,
)
from hub_tencent_meeting.client import TencentMeeting
from hub_tencent_meeting.models.common import UserRef
from hub_tencent_meeting.models.meetings import (
    Meeting,
    MeetingCreate,
    MeetingSettings,
    MeetingUpdate,
)

LIST_COLUMNS = ("meeting_id", "meeting_code", "subject", "status", "start", "end", "role")
ENDED_COLUMNS = ("meeting_id", "meeting_code", "subject", "start", "end")
PARTICIPANT_COLUMNS = ("userid", "user_name", "device", "role", "joined", "left")
TYPES = {"scheduled": 0, "instant": 1}
TYPE_NAMES = {v: k for k, v in TYPES.items()}
JOIN_TYPES = {"anyone": 1, "signed-in": 2, "enterprise": 3}
DEVICES = {
    0: "phone", 1: "PC", 2: "Mac", 3: "Android", 4: "iOS", 5: "Web", 6: "iPad",
    7: "Android Pad", 8: "mini program", 9: "SIP", 10: "Linux", 20: "Rooms", 21: "Rooms",
    22: "Rooms",
}  # fmt: skip
ROLES = {0: "member", 1: "creator", 2: "host", 3: "co-host", 4: "guest"}
ENDED_MAX_DAYS = 90
PARTICIPANTS_MAX_DAYS = 31

Selection = tuple[str | None, str | None, str | None]


@click.group("meeting")
def meeting() -> None:
    """Tencent Meeting meetings: create, list, show, update, cancel, end, participants."""


def _meeting_options(create: bool) -> Callable[[Any], Any]:
    """The fields of a meeting; for `update` every one is optional and only given ones change."""

    def wrap(fn: Any) -> Any:
        options = [
            click.option("--subject", required=create, help="Title of the meeting."),
            click.option(
                "--start", help="Start: ISO date/time (local unless it has an offset), "
                "UNIX seconds or 'now'" + (" [default: now]." if create else "."),
            ),
            click.option("--end", help="End (or give --duration)."),
            click.option(
                "--duration", help="Length: minutes (90) or 1h30m" +
                (" [default: 1h]." if create else " (from --start or the current start)."),
            ),
            click.option(
                "--type", "kind", type=click.Choice(list(TYPES)),
                default="scheduled" if create else None, show_default=create,
                help="scheduled, or instant (starts now).",
            ),
            click.option("--host", "hosts", multiple=True, metavar="USERID",
                         help="A host besides the creator (repeat for several)."),
            click.option("--invitee", "invitees", multiple=True, metavar="USERID",
                         help="An invited enterprise user (repeat for several)."),
            click.option("--password", help="4-6 digit meeting password."),
            click.option("--location", help="Where the meeting takes place."),
            click.option("--mute-on-join/--no-mute-on-join", default=None,
                         help="Mute participants when they join."),
            click.option("--allow-unmute/--no-allow-unmute", default=None,
                         help="Let muted participants unmute themselves."),
            click.option("--waiting-room/--no-waiting-room", default=None,
                         help="Put participants in the waiting room first."),
            click.option("--join-before-host/--no-join-before-host", default=None,
                         help="Let participants in before the host."),
            click.option("--multi-device/--no-multi-device", default=None,
                         help="Let a user join from several devices."),
            click.option("--watermark/--no-watermark", default=None,
                         help="Watermark shared screens."),
            click.option("--who-can-join", type=click.Choice(list(JOIN_TYPES)),
                         help="Anyone, signed-in users, or the enterprise's users only."),
            click.option("--auto-record", type=click.Choice(["none", "local", "cloud"]),
                         help="Record automatically when the meeting starts."),
        ]  # fmt: skip
        for option in reversed(options):
            fn = option(fn)
        return fn

    return wrap


def _settings(flags: dict[str, Any]) -> MeetingSettings | None:
    values = {
        "mute_enable_join": flags["mute_on_join"],
        "allow_unmute_self": flags["allow_unmute"],
        "auto_in_waiting_room": flags["waiting_room"],
        "allow_in_before_host": flags["join_before_host"],
        "allow_multi_device": flags["multi_device"],
        "allow_screen_shared_watermark": flags["watermark"],
        "only_user_join_type": JOIN_TYPES.get(flags["who_can_join"] or ""),
        "auto_record_type": flags["auto_record"],
    }
    given = {k: v for k, v in values.items() if v is not None}
    return MeetingSettings(**given) if given else None


def _times(
    start: str | None, end: str | None, duration: str | None, *, default_start: int | None
) -> tuple[int | None, int | None]:
    if end and duration:
        raise click.UsageError("give --end or --duration, not both")
    begin = parse_time(start, "--start") if start else default_start
    finish = parse_time(end, "--end") if end else None
    if duration:
        if begin is None:
            raise click.UsageError("--duration needs --start")
        finish = begin + parse_duration(duration)
    if begin is not None and finish is not None and finish <= begin:
        raise click.BadParameter("the meeting must end after it starts", param_hint="--end")
    return begin, finish


def _fields(flags: dict[str, Any], begin: int | None, finish: int | None) -> dict[str, Any]:
    return {
        "subject": flags["subject"],
        "type": TYPES[flags["kind"]] if flags["kind"] else None,
        "start_time": str(begin) if begin is not None else None,
        "end_time": str(finish) if finish is not None else None,
        "hosts": [UserRef(userid=u) for u in flags["hosts"]] or None,
        "invitees": [UserRef(userid=u) for u in flags["invitees"]] or None,
        "password": flags["password"],
        "location": flags["location"],
        "settings": _settings(flags),
    }


def _row(found: Meeting) -> dict[str, Any]:
    return {
        "meeting_id": found.meeting_id,
        "meeting_code": found.meeting_code,
        "subject": found.subject,
        "status": (found.status or "").removeprefix("MEETING_STATE_").lower() or None,
        "start": show_time(found.start_time),
        "end": show_time(found.end_time),
        "role": found.join_meeting_role,
    }


def _detail(found: Meeting) -> dict[str, Any]:
    hosts = [h.userid or h.operator_id for h in found.hosts]
    settings = found.settings.model_dump(exclude_none=True) if found.settings else {}
    return {
        "meeting_id": found.meeting_id,
        "meeting_code": found.meeting_code,
        "subject": found.subject,
        "type": TYPE_NAMES.get(found.type, found.type) if found.type is not None else None,
        "status": found.status,
        "start": show_time(found.start_time),
        "end": show_time(found.end_time),
        "join_url": found.join_url,
        "password": "***" if found.password else ("yes" if found.need_password else "no"),
        "location": found.location,
        "hosts": ", ".join(h for h in hosts if h) or None,
        "invitees": ", ".join(p.userid for p in found.participants if p.userid) or None,
        "settings": settings or None,
    }


def _emit_meeting(found: Meeting, as_json: bool) -> None:
    if as_json:
        emit_json(masked(found.model_dump(mode="json", exclude_none=True)))
    else:
        emit_fields({k: v for k, v in _detail(found).items() if v is not None})


def _emit_meetings(found: list[Meeting], as_json: bool) -> None:
    if as_json:
        emit_json([masked(m.model_dump(mode="json", exclude_none=True)) for m in found])
    else:
        emit_table([_row(m) for m in found], LIST_COLUMNS)


@meeting.command("create")
@config_options
@operator_option
@_meeting_options(create=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def create(
    tenant: str | None, config_name: str | None, config_id: str | None, operator: str | None,
    as_json: bool, **flags: Any,
) -> None:  # fmt: skip
    """Schedule a meeting (or start an instant one); prints it with its join URL."""
    begin, finish = _times(
        flags["start"], flags["end"], flags["duration"], default_start=int(time.time())
    )
    assert begin is not None
    if finish is None:
        finish = begin + 3600
    body = build(MeetingCreate, **_fields(flags, begin, finish))

    async def run(api: TencentMeeting) -> Meeting:
        return await api.meetings.create(body, operator_id=operator)

    _emit_meeting(with_api((tenant, config_name, config_id), run), as_json)


@meeting.command("list")
@config_options
@click.option("--user", help="Whose meetings (default: the operator's).")
@click.option("--ended", is_flag=True, help="Ended meetings instead of upcoming and ongoing.")
@click.option("--since", help="With --ended: from (default: 7 days ago).")
@click.option("--until", help="With --ended: to (default: now); at most 90 days after --since.")
@click.option("--limit", type=click.IntRange(1, 10_000), default=100, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def list_(
    tenant: str | None, config_name: str | None, config_id: str | None, user: str | None,
    ended: bool, since: str | None, until: str | None, limit: int, as_json: bool,
) -> None:  # fmt: skip
    """A user's upcoming and ongoing meetings, or (--ended) the ones that ended."""
    if (since or until) and not ended:
        raise click.UsageError("--since and --until go with --ended")
    span = (
        window(since, until, default_days=7, max_days=ENDED_MAX_DAYS, what="ended meetings")
        if ended
        else None
    )

    async def run(api: TencentMeeting) -> list[Any]:
        if span is not None:
            items = api.meetings.iter_ended(userid=user, start_time=span[0], end_time=span[1])
        else:
            items = api.meetings.iter_upcoming(userid=user)
        found: list[Any] = []
        async for item in items:
            found.append(item)
            if len(found) >= limit:
                break
        return found

    found = with_api((tenant, config_name, config_id), run)
    if span is None:
        _emit_meetings(found, as_json)
    elif as_json:
        emit_json([m.model_dump(mode="json", exclude_none=True) for m in found])
    else:
        rows = [
            {**m.model_dump(), "start": show_time(m.start_time), "end": show_time(m.end_time)}
            for m in found
        ]
        emit_table(rows, ENDED_COLUMNS)


@meeting.command("show")
@config_options
@operator_option
@click.argument("meeting")
@click.option("--by-code", is_flag=True, help="MEETING is the 9-digit meeting code.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def show(
    tenant: str | None, config_name: str | None, config_id: str | None, operator: str | None,
    meeting: str, by_code: bool, as_json: bool,
) -> None:  # fmt: skip
    """One meeting by id (or by code; a recurring meeting may show several)."""

    async def run(api: TencentMeeting) -> list[Meeting]:
        if by_code:
            return await api.meetings.by_code(meeting, operator_id=operator)
        return [await api.meetings.get(meeting, operator_id=operator)]

    found = with_api((tenant, config_name, config_id), run)
    if by_code and (as_json or len(found) != 1):
        _emit_meetings(found, as_json)
    elif found:
        _emit_meeting(found[0], as_json)


@meeting.command("update")
@config_options
@operator_option
@click.argument("meeting_id")
@_meeting_options(create=False)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def update(
    tenant: str | None, config_name: str | None, config_id: str | None, operator: str | None,
    meeting_id: str, as_json: bool, **flags: Any,
) -> None:  # fmt: skip
    """Change a meeting that has not ended; only the options given change.

    A new --start without --end or --duration keeps the meeting's length; a
    --duration without --start counts from the current start.
    """
    if not any(v not in (None, ()) for v in flags.values()):
        raise click.UsageError("nothing to change; give at least one option")
    if flags["end"] and flags["duration"]:
        raise click.UsageError("give --end or --duration, not both")

    async def run(api: TencentMeeting) -> Meeting:
        start, end, duration = flags["start"], flags["end"], flags["duration"]
        if (start and not end and not duration) or (duration and not start):
            current = await api.meetings.get(meeting_id, operator_id=operator)
            if not start:
                start = str(current.start_time) if current.start_time else None
            elif current.start_time and current.end_time:
                duration = str((int(current.end_time) - int(current.start_time)) // 60)
        begin, finish = _times(start, end, duration, default_start=None)
        changes = build(MeetingUpdate, **_fields(flags, begin, finish))
        await api.meetings.update(meeting_id, changes, operator_id=operator)
        return await api.meetings.get(meeting_id, operator_id=operator)

    _emit_meeting(with_api((tenant, config_name, config_id), run), as_json)


@meeting.command("cancel")
@config_options
@operator_option
@click.argument("meeting_id")
@click.option("--reason", help="Why, as shown to invitees.")
@click.option("--sub-meeting-id", help="Only this occurrence of a recurring meeting.")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def cancel(
    tenant: str | None, config_name: str | None, config_id: str | None, operator: str | None,
    meeting_id: str, reason: str | None, sub_meeting_id: str | None, yes: bool,
) -> None:  # fmt: skip
    """Cancel a meeting that has not started."""
    confirm(f"Cancel meeting {meeting_id}?", yes, "cancel a meeting")

    async def run(api: TencentMeeting) -> None:
        await api.meetings.cancel(
            meeting_id, reason_detail=reason, sub_meeting_id=sub_meeting_id, operator_id=operator
        )

    with_api((tenant, config_name, config_id), run)
    click.echo(f"cancelled meeting {meeting_id}")


@meeting.command("end")
@config_options
@operator_option
@click.argument("meeting_id")
@click.option("--reason", help="Why, as shown to participants.")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def end(
    tenant: str | None, config_name: str | None, config_id: str | None, operator: str | None,
    meeting_id: str, reason: str | None, yes: bool,
) -> None:  # fmt: skip
    """End a meeting in progress for everybody (Tencent's "dismiss")."""
    confirm(f"End meeting {meeting_id} for everybody?", yes, "end a meeting")

    async def run(api: TencentMeeting) -> None:
        await api.realtime.dismiss(meeting_id, reason_detail=reason, operator_id=operator)

    with_api((tenant, config_name, config_id), run)
    click.echo(f"ended meeting {meeting_id}")


@meeting.command("participants")
@config_options
@operator_option
@click.argument("meeting_id")
@click.option("--live", is_flag=True, help="Who is in the meeting right now.")
@click.option("--sub-meeting-id", help="One occurrence of a recurring meeting.")
@click.option("--since", help="Joined from (a window of at most 31 days).")
@click.option("--until", help="Joined until.")
@click.option("--limit", type=click.IntRange(1, 100_000), default=1000, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def participants(
    tenant: str | None, config_name: str | None, config_id: str | None, operator: str | None,
    meeting_id: str, live: bool, sub_meeting_id: str | None, since: str | None,
    until: str | None, limit: int, as_json: bool,
) -> None:  # fmt: skip
    """Join and leave records of a meeting, or (--live) the members in it now."""
    if live and (since or until):
        raise click.UsageError("--since and --until do not go with --live")
    span = (
        window(since, until, default_days=PARTICIPANTS_MAX_DAYS,
               max_days=PARTICIPANTS_MAX_DAYS, what="participants")
        if since or until
        else (None, None)
    )  # fmt: skip

    async def run(api: TencentMeeting) -> list[Any]:
        if live:
            items = api.meetings.iter_realtime_participants(
                meeting_id, sub_meeting_id=sub_meeting_id, operator_id=operator
            )
        else:
            items = api.meetings.iter_participants(
                meeting_id, sub_meeting_id=sub_meeting_id, start_time=span[0],
                end_time=span[1], operator_id=operator,
            )  # fmt: skip
        found: list[Any] = []
        async for item in items:
            found.append(item)
            if len(found) >= limit:
                break
        return found

    found = with_api((tenant, config_name, config_id), run)
    if as_json:
        emit_json([p.model_dump(mode="json", exclude_none=True) for p in found])
        return
    rows = [
        {
            "userid": p.userid or p.open_id or p.ms_open_id,
            "user_name": p.user_name,
            "device": DEVICES.get(_int(p.instanceid), p.instanceid),
            "role": ROLES.get(p.user_role, p.user_role) if p.user_role is not None else None,
            "joined": show_time(p.join_time),
            "left": show_time(p.left_time),
        }
        for p in found
    ]
    emit_table(rows, PARTICIPANT_COLUMNS)


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
