"""The bus events Tencent Meeting's callbacks become, and their payload models.

Naming: `tencent_meeting.` followed by Tencent's own event name, verbatim
(`tencent_meeting.meeting.started`, `tencent_meeting.meeting.end`,
`tencent_meeting.meeting.participant-joined`, `tencent_meeting.recording.completed`),
so an event is found under the name Tencent's documentation gives it.

One callback carries one event name and a `payload` list; every item of the
list becomes one bus event, whose payload is the item's fields plus `event`,
`trace_id` and `item_index`. Events this plugin has no model for, and items that
do not fit their model, are published as `tencent_meeting.unknown` with the raw
item: nothing Tencent sends is dropped.

All payload fields are optional and unknown fields are kept (`extra="allow"`):
Tencent adds fields over time and old deliveries use other shapes (the older
format has `unique_sequence` instead of `trace_id` and times as
"YYYY-MM-DD HH:MM:SS" strings in Asia/Shanghai time).
"""

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from hub.bus import Bus
from hub.webhooks import EventDraft
from pydantic import BaseModel, ConfigDict, ValidationError

PREFIX = "tencent_meeting."
UNKNOWN = "tencent_meeting.unknown"
# China has kept UTC+8 without daylight saving since 1991: no tz database needed.
SHANGHAI = timezone(timedelta(hours=8), "Asia/Shanghai")
_MILLISECONDS_FROM = 10**11  # a seconds timestamp this large would be in the year 5138


class _Loose(BaseModel):
    model_config = ConfigDict(extra="allow", populate_by_name=True, coerce_numbers_to_str=True)


class Person(_Loose):
    """The operator of an event, or a meeting's creator."""

    userid: str | None = None
    """Enterprise user id; the open_id for OAuth apps; the rooms id for Rooms."""
    open_id: str | None = None
    uuid: str | None = None
    user_name: str | None = None
    ms_open_id: str | None = None
    """Temporary id of the member within one meeting."""
    instance_id: str | None = None
    """Device type (1 PC, 2 Mac, 3 Android, 4 iOS, 5 Web, ...)."""


class MeetingInfo(_Loose):
    meeting_id: str | None = None
    meeting_code: str | None = None
    subject: str | None = None
    creator: Person | None = None
    meeting_type: int | None = None
    """0 one-off, 1 recurring, 2 WeChat, 3/4 Rooms screencast, 5 personal meeting id."""
    start_time: int | str | None = None
    """UNIX seconds; "YYYY-MM-DD HH:MM:SS" in the older format."""
    end_time: int | str | None = None
    sub_meeting_id: str | None = None
    sub_meeting_start_time: int | str | None = None
    sub_meeting_end_time: int | str | None = None
    meeting_create_mode: int | None = None
    """0 normal, 1 quick meeting."""
    meeting_create_from: int | None = None
    """0 unknown, 1 client, 2 web, 3 WeCom, 4 WeChat, 5 Outlook, 6 REST API, 7 Tencent Docs."""
    creator_id: str | None = None
    """Older format only."""
    hosts: list[Any] | None = None
    """Older format only."""


class RoomInfo(_Loose):
    meeting_room_id: str | None = None
    meeting_room_name: str | None = None
    rooms_id: str | None = None


class RecordingFile(_Loose):
    record_file_id: str | None = None


class RecordInfo(_Loose):
    meeting_record_id: str | None = None


class TencentMeetingEvent(_Loose):
    """What every event's payload has: where it came from, when, who, which meeting."""

    event: str
    """Tencent's event name, e.g. `meeting.started`."""
    trace_id: str | None = None
    """Tencent's id of the callback (`unique_sequence` in the older format)."""
    item_index: int = 0
    """Position of this item in the callback's `payload` list."""
    operate_time: int | str | None = None
    """Milliseconds since the epoch; "YYYY-MM-DD HH:MM:SS" in the older format.
    The event's `occurred_at` is this time."""
    operator: Person | None = None
    meeting_info: MeetingInfo | None = None
    rooms_info: list[RoomInfo] | None = None


class MeetingCreated(TencentMeetingEvent):
    """`meeting.created`: a meeting was scheduled or started instantly."""


class MeetingUpdated(TencentMeetingEvent):
    """`meeting.updated`: a scheduled meeting was changed."""


class MeetingCanceled(TencentMeetingEvent):
    """`meeting.canceled`: a meeting, or one occurrence (`sub_meeting_id`), was cancelled."""


class MeetingStarted(TencentMeetingEvent):
    """`meeting.started`: the first member joined."""


class MeetingEnded(TencentMeetingEvent):
    """`meeting.end`: the meeting ended; participants and recordings can be fetched now."""


class MeetingSaveCanceled(TencentMeetingEvent):
    """`meeting.save-canceled`: the saved state of an ended recurring meeting changed."""


class ParticipantJoined(TencentMeetingEvent):
    """`meeting.participant-joined`: `operator` joined at `operate_time`."""


class ParticipantLeft(TencentMeetingEvent):
    """`meeting.participant-left`: `operator` left at `operate_time`."""

    reason: int | str | None = None


class ParticipantJbhWaiting(TencentMeetingEvent):
    """`meeting.participant-jbh-waiting`: `operator` joined before the host and waits."""


class ParticipantPutInWaitingRoom(TencentMeetingEvent):
    """`meeting.participant-put-in-waiting-room` [unverified name]."""


class ParticipantLetInWaitingRoom(TencentMeetingEvent):
    """`meeting.participant-let-in-waiting-room` [unverified name]."""


class RecordingStarted(TencentMeetingEvent):
    """`recording.started`: cloud recording started."""


class RecordingPaused(TencentMeetingEvent):
    """`recording.paused` [unverified name]."""


class RecordingResumed(TencentMeetingEvent):
    """`recording.resumed` [unverified name]."""


class RecordingStopped(TencentMeetingEvent):
    """`recording.stopped`: cloud recording stopped; the files are not ready yet."""


class RecordingCompleted(TencentMeetingEvent):
    """`recording.completed`: the files are ready; fetch their addresses by record_file_id."""

    recording_files: list[RecordingFile] = []


class RecordingDeleted(TencentMeetingEvent):
    """`recording.deleted`: these cloud recording files were deleted."""

    recording_files: list[RecordingFile] = []


class RecordingUpdated(TencentMeetingEvent):
    """`recording.updated`: a recording's name or sharing settings changed."""

    record_info: RecordInfo | None = None


class RecordingTranscriptCompleted(TencentMeetingEvent):
    """`recording.transcript-completed` [unverified name]."""

    recording_files: list[RecordingFile] = []


class UnknownEvent(_Loose):
    """`tencent_meeting.unknown`: an event without a model here, or an item that did not fit it.

    Application events (`application.*`) and `common.sts-token` arrive this way:
    their names are not confirmed. Subscribe to this type to see everything else.
    """

    event: str
    trace_id: str | None = None
    item_index: int = 0
    item: dict[str, Any] = {}
    """The payload item exactly as Tencent sent it."""
    problem: str | None = None
    """Why the item was not published under its own type, when it has one."""


MODELS: Mapping[str, type[TencentMeetingEvent]] = {
    "meeting.created": MeetingCreated,
    "meeting.updated": MeetingUpdated,
    "meeting.canceled": MeetingCanceled,
    "meeting.started": MeetingStarted,
    "meeting.end": MeetingEnded,
    "meeting.save-canceled": MeetingSaveCanceled,
    "meeting.participant-joined": ParticipantJoined,
    "meeting.participant-left": ParticipantLeft,
    "meeting.participant-jbh-waiting": ParticipantJbhWaiting,
    "meeting.participant-put-in-waiting-room": ParticipantPutInWaitingRoom,
    "meeting.participant-let-in-waiting-room": ParticipantLetInWaitingRoom,
    "recording.started": RecordingStarted,
    "recording.paused": RecordingPaused,
    "recording.resumed": RecordingResumed,
    "recording.stopped": RecordingStopped,
    "recording.completed": RecordingCompleted,
    "recording.deleted": RecordingDeleted,
    "recording.updated": RecordingUpdated,
    "recording.transcript-completed": RecordingTranscriptCompleted,
}
"""Tencent's event name -> payload model; the bus type is `PREFIX + name`."""


def event_type(name: str) -> str:
    """The bus type of Tencent's event `name` (a known one)."""
    return PREFIX + name


def register_types(bus: Bus) -> None:
    """Declare every payload model on the bus (call from `hub_subscribers`)."""
    for name, model in MODELS.items():
        bus.register_type(event_type(name), model)
    bus.register_type(UNKNOWN, UnknownEvent)


def occurred_at(operate_time: Any) -> datetime | None:
    """When the event happened: `operate_time` in ms (or s), or the older Shanghai-time string.

    `None` (the hub then uses the time the callback was received) when it is
    missing or unreadable.
    """
    if isinstance(operate_time, bool):
        return None
    if isinstance(operate_time, str) and operate_time.strip().isdigit():
        operate_time = int(operate_time.strip())
    if isinstance(operate_time, int | float):
        if operate_time <= 0:
            return None
        seconds = operate_time / 1000 if operate_time >= _MILLISECONDS_FROM else operate_time
        try:
            return datetime.fromtimestamp(seconds, UTC)
        except (OverflowError, OSError, ValueError):
            return None
    if isinstance(operate_time, str):
        try:
            local = datetime.strptime(operate_time.strip(), "%Y-%m-%d %H:%M:%S")
        except ValueError:
            return None
        return local.replace(tzinfo=SHANGHAI).astimezone(UTC)
    return None


def trace_id(message: Mapping[str, Any]) -> str | None:
    """Tencent's id of one callback: `trace_id`, or `unique_sequence` in the older format."""
    for field in ("trace_id", "unique_sequence"):
        value = message.get(field)
        if isinstance(value, str | int) and not isinstance(value, bool) and str(value):
            return str(value)
    return None


def payload_items(message: Mapping[str, Any]) -> list[Any]:
    """The callback's payload items; a callback without any still counts as one event."""
    items = message.get("payload")
    if isinstance(items, list) and items:
        return items
    if isinstance(items, dict):
        return [items]
    return [{}]


def _ordering_key(config_id: str, item: Mapping[str, Any]) -> str | None:
    info = item.get("meeting_info")
    meeting_id = info.get("meeting_id") if isinstance(info, dict) else None
    if isinstance(meeting_id, str | int) and not isinstance(meeting_id, bool) and str(meeting_id):
        return f"tencent_meeting:{config_id}:{meeting_id}"
    return None


def _unknown(
    name: str, trace: str | None, index: int, item: Any, problem: str | None
) -> UnknownEvent:
    raw = item if isinstance(item, dict) else {"value": item}
    return UnknownEvent(event=name, trace_id=trace, item_index=index, item=raw, problem=problem)


def _describe(exc: ValidationError) -> str:
    fields = ", ".join(".".join(str(p) for p in e["loc"]) for e in exc.errors()[:5])
    return f"payload item does not fit the model: {fields}"


def drafts(message: Mapping[str, Any], config_id: str) -> list[EventDraft]:
    """One bus event per payload item of a decoded callback.

    Idempotency key: trace id + item index, so each item is published once per
    config however often the callback is processed. Ordering key: the meeting.
    """
    name = message.get("event")
    name = name if isinstance(name, str) and name else "(none)"
    trace = trace_id(message)
    model = MODELS.get(name)
    out: list[EventDraft] = []
    items: Sequence[Any] = payload_items(message)
    for index, item in enumerate(items):
        payload: BaseModel
        if model is None:
            payload, kind = _unknown(name, trace, index, item, None), UNKNOWN
        elif not isinstance(item, dict):
            problem = "payload item is not an object"
            payload, kind = _unknown(name, trace, index, item, problem), UNKNOWN
        else:
            envelope = {"event": name, "trace_id": trace, "item_index": index}
            try:
                payload, kind = model.model_validate({**item, **envelope}), event_type(name)
            except ValidationError as exc:
                payload, kind = _unknown(name, trace, index, item, _describe(exc)), UNKNOWN
        fields = item if isinstance(item, dict) else {}
        out.append(
            EventDraft(
                kind,
                payload,
                occurred_at=occurred_at(fields.get("operate_time")),
                ordering_key=_ordering_key(config_id, fields),
                idempotency_key=f"{trace}:{index}" if trace else None,
            )
        )
    return out
