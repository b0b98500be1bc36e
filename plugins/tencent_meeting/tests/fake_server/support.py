"""Helpers the fake's API route modules share: lookups, windows, what an answer shows.

Entities live in `fake.state` as the dicts Tencent answers with; keys that
start with `_` hold what the fake keeps about them (participants, settings,
transcripts, ...) and never appear in an answer.
"""

import hashlib
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from . import FakeTencentMeeting

DAY = 86_400
PARAMETER_ERROR = 190004
MEETING_NOT_FOUND = 9003
USER_NOT_FOUND = 20001
NO_PERMISSION = 9042
RECORD_NOT_FOUND = 4051
ROOM_NOT_FOUND = 20000


def public(entity: Mapping[str, Any]) -> dict[str, Any]:
    """An entity as Tencent shows it: without the fake's own `_` keys."""
    return {k: v for k, v in entity.items() if not k.startswith("_")}


def bad(fake: "FakeTencentMeeting", message: str) -> Exception:
    return fake.error(400, PARAMETER_ERROR, message)


def meeting(fake: "FakeTencentMeeting", meeting_id: str) -> dict[str, Any]:
    """The meeting, or Tencent's answer for an unknown one (HTTP 500, 9003)."""
    found = fake.state.meetings.get(meeting_id)
    if found is None:
        raise fake.error(500, MEETING_NOT_FOUND, "meeting not exist")
    return found


def user(fake: "FakeTencentMeeting", userid: str) -> dict[str, Any]:
    found = fake.state.users.get(userid)
    if found is None:
        raise fake.error(500, USER_NOT_FOUND, f"user {userid} not registered")
    return found


def user_by_uuid(fake: "FakeTencentMeeting", uuid: str) -> dict[str, Any]:
    for found in fake.state.users.values():
        if found.get("uuid") == uuid:
            return found
    raise fake.error(500, USER_NOT_FOUND, f"user uuid {uuid} not registered")


def record(fake: "FakeTencentMeeting", meeting_record_id: str) -> dict[str, Any]:
    found = fake.state.records.get(meeting_record_id)
    if found is None:
        raise fake.error(400, RECORD_NOT_FOUND, "meeting record not exist")
    return found


def record_file(fake: "FakeTencentMeeting", record_file_id: str) -> tuple[dict[str, Any], dict]:
    """(meeting record, file) of a record file id."""
    for rec in fake.state.records.values():
        for file in rec.get("record_files", []):
            if file.get("record_file_id") == record_file_id:
                return rec, file
    raise fake.error(400, RECORD_NOT_FOUND, "record file not exist")


def room(fake: "FakeTencentMeeting", meeting_room_id: str) -> dict[str, Any]:
    found = fake.state.rooms.get(meeting_room_id)
    if found is None:
        raise fake.error(500, ROOM_NOT_FOUND, "meeting room not exist")
    return found


def number(fake: "FakeTencentMeeting", values: Mapping[str, Any], name: str) -> int | None:
    raw = values.get(name)
    if raw in (None, ""):
        return None
    try:
        return int(raw)
    except (TypeError, ValueError):
        raise bad(fake, f"param {name} is not a number") from None


def window(
    fake: "FakeTencentMeeting",
    values: Mapping[str, Any],
    max_days: int,
    *,
    default_days: int | None = None,
) -> tuple[int, int]:
    """`start_time`/`end_time` as Tencent reads them: a missing bound is `default_days`
    away from the other (or from now), and the span may not exceed `max_days`."""
    start, end = number(fake, values, "start_time"), number(fake, values, "end_time")
    default = (default_days or max_days) * DAY
    if start is None and end is None:
        end = int(fake.now())
        start = end - default
    elif start is None:
        assert end is not None
        start = end - default
    elif end is None:
        end = start + default
    if end < start:
        raise bad(fake, "end_time is earlier than start_time")
    if end - start > max_days * DAY:
        raise bad(fake, f"the time range exceeds {max_days} days")
    return start, end


def operator_user(fake: "FakeTencentMeeting", values: Mapping[str, Any]) -> str:
    """The acting userid of a request: `operator_id` (type 1/2) or the older `userid`."""
    return str(values.get("operator_id") or values.get("userid") or "")


def ms_open_id(meeting_id: str, userid: str) -> str:
    """A stable per-meeting member id, as Tencent derives one per meeting and user."""
    return hashlib.sha1(f"{meeting_id}:{userid}".encode()).hexdigest()[:24]


def listed(value: Any, what: str, fake: "FakeTencentMeeting") -> list[Any]:
    if not isinstance(value, list):
        raise bad(fake, f"param {what} must be an array")
    return value


def each_meeting_of(
    fake: "FakeTencentMeeting", userid: str, statuses: Iterable[str]
) -> list[dict[str, Any]]:
    wanted = set(statuses)
    return [
        m
        for m in fake.state.meetings.values()
        if m.get("status") in wanted
        and (m.get("_creator") == userid or userid in m.get("_hosts", []))
    ]
