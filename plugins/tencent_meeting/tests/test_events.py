"""Decoded callbacks become one typed bus event per payload item."""

from datetime import UTC, datetime
from typing import Any

import pytest
from hub.bus.envelope import valid_type

from hub_tencent_meeting import events
from hub_tencent_meeting.events import (
    MODELS,
    UNKNOWN,
    MeetingCreated,
    MeetingEnded,
    ParticipantJoined,
    ParticipantLeft,
    RecordingCompleted,
    RecordingUpdated,
    UnknownEvent,
    drafts,
    occurred_at,
)

CONFIG = "0199aaaa-0000-7000-8000-000000000001"
MEETING = "7568892010213337856"


def item(
    meeting_id: str | int = MEETING, operate_time: Any = 1700004800000, **extra: Any
) -> dict[str, Any]:
    return {
        "operate_time": operate_time,
        "operator": {"userid": "admin01", "uuid": "WM00000001", "instance_id": 1},
        "meeting_info": {"meeting_id": meeting_id, "subject": "Weekly sync", "start_time": 1},
        **extra,
    }


def test_every_tencent_name_is_a_valid_bus_type() -> None:
    for name in MODELS:
        assert valid_type(events.event_type(name)), name
        assert events.event_type(name) == f"tencent_meeting.{name}"
    assert valid_type(UNKNOWN)
    assert events.event_type("meeting.end") == "tencent_meeting.meeting.end"
    assert "meeting.participant-joined" in MODELS and "recording.completed" in MODELS


@pytest.mark.parametrize("name", sorted(MODELS))
def test_each_event_has_its_typed_payload(name: str) -> None:
    [draft] = drafts({"event": name, "trace_id": "t-1", "payload": [item()]}, CONFIG)
    assert draft.type == f"tencent_meeting.{name}"
    assert type(draft.payload) is MODELS[name]
    payload = draft.payload
    assert isinstance(payload, events.TencentMeetingEvent)
    assert (payload.event, payload.trace_id, payload.item_index) == (name, "t-1", 0)
    assert payload.meeting_info is not None and payload.meeting_info.meeting_id == MEETING
    assert payload.operator is not None and payload.operator.instance_id == "1"
    assert draft.occurred_at == datetime(2023, 11, 14, 23, 33, 20, tzinfo=UTC)
    assert draft.ordering_key == f"tencent_meeting:{CONFIG}:{MEETING}"
    assert draft.idempotency_key == "t-1:0"
    # What the bus stores reads back as the same model.
    dumped = payload.model_dump(mode="json")
    assert MODELS[name].model_validate(dumped) == payload


def test_several_items_make_several_events() -> None:
    message = {
        "event": "meeting.participant-joined",
        "trace_id": "t-many",
        "payload": [item(operator={"userid": f"u{n}"}) for n in range(3)]
        + [item(meeting_id=123, operate_time=1700004801000)],
    }
    out = drafts(message, CONFIG)
    assert [d.idempotency_key for d in out] == ["t-many:0", "t-many:1", "t-many:2", "t-many:3"]
    assert all(isinstance(d.payload, ParticipantJoined) for d in out)
    assert [d.payload.operator.userid for d in out[:3]] == ["u0", "u1", "u2"]  # type: ignore[attr-defined]
    assert [d.payload.item_index for d in out] == [0, 1, 2, 3]  # type: ignore[attr-defined]
    assert out[3].ordering_key == f"tencent_meeting:{CONFIG}:123"
    assert out[3].payload.meeting_info.meeting_id == "123"  # type: ignore[attr-defined]


def test_event_specific_fields() -> None:
    files = [{"record_file_id": "f-1", "extra_field": 7}, {"record_file_id": 1234567890123}]
    [draft] = drafts(
        {"event": "recording.completed", "trace_id": "t", "payload": [item(recording_files=files)]},
        CONFIG,
    )
    completed = draft.payload
    assert isinstance(completed, RecordingCompleted)
    assert [f.record_file_id for f in completed.recording_files] == ["f-1", "1234567890123"]
    assert completed.model_dump()["recording_files"][0]["extra_field"] == 7  # kept

    [draft] = drafts({"event": "meeting.participant-left", "payload": [item(reason=2)]}, CONFIG)
    assert isinstance(draft.payload, ParticipantLeft) and draft.payload.reason == 2
    assert draft.idempotency_key is None  # no trace id: the hub keys it by webhook

    record = {"meeting_record_id": "r-9"}
    [draft] = drafts({"event": "recording.updated", "payload": [{"record_info": record}]}, CONFIG)
    assert isinstance(draft.payload, RecordingUpdated)
    assert draft.payload.record_info is not None
    assert draft.payload.record_info.meeting_record_id == "r-9"
    assert draft.ordering_key is None  # no meeting
    assert draft.occurred_at is None  # the hub uses the time it received the callback


def test_unknown_events_keep_the_raw_item() -> None:
    raw = {"operate_time": 1700004800000, "app_info": {"app_id": "a1"}, "meeting_info": {}}
    message = {"event": "application.install", "trace_id": "t-app", "payload": [raw, "odd"]}
    first, second = drafts(message, CONFIG)
    assert first.type == second.type == UNKNOWN
    assert first.payload == UnknownEvent(
        event="application.install", trace_id="t-app", item_index=0, item=raw
    )
    assert isinstance(second.payload, UnknownEvent)
    assert second.payload.item == {"value": "odd"}
    assert first.occurred_at == datetime(2023, 11, 14, 23, 33, 20, tzinfo=UTC)
    assert [first.idempotency_key, second.idempotency_key] == ["t-app:0", "t-app:1"]


def test_items_that_do_not_fit_their_model_are_published_as_unknown() -> None:
    bad = item(meeting_info="not an object")
    message = {"event": "meeting.started", "trace_id": "t-bad", "payload": [bad, 5, item()]}
    broken, not_object, good = drafts(message, CONFIG)
    assert broken.type == not_object.type == UNKNOWN
    assert isinstance(broken.payload, UnknownEvent) and broken.payload.item == bad
    assert broken.payload.problem == "payload item does not fit the model: meeting_info"
    assert isinstance(not_object.payload, UnknownEvent)
    assert not_object.payload.problem == "payload item is not an object"
    assert good.type == "tencent_meeting.meeting.started"


def test_older_format_official_example() -> None:
    message = {
        "event": "meeting.created",
        "unique_sequence": "f20096ee-8ac8-4df2-a7de-0574649f211b",
        "payload": [
            {
                "operate_time": "2020-12-29 17:41:06",
                "operator": {"userid": "tester"},
                "meeting_info": {
                    "meeting_id": "6058890385480921052",
                    "creator_id": "tester",
                    "hosts": ["tester"],
                    "meeting_type": 0,
                    "start_time": "2020-12-29 17:41:04",
                },
            }
        ],
    }
    [draft] = drafts(message, CONFIG)
    created = draft.payload
    assert isinstance(created, MeetingCreated)
    assert created.trace_id == "f20096ee-8ac8-4df2-a7de-0574649f211b"
    assert draft.idempotency_key == "f20096ee-8ac8-4df2-a7de-0574649f211b:0"
    # Asia/Shanghai is UTC+8.
    assert draft.occurred_at == datetime(2020, 12, 29, 9, 41, 6, tzinfo=UTC)
    assert created.meeting_info is not None
    assert created.meeting_info.hosts == ["tester"]
    assert created.meeting_info.start_time == "2020-12-29 17:41:04"


def test_callbacks_without_items_still_make_one_event() -> None:
    [empty] = drafts({"event": "meeting.end", "trace_id": "t", "payload": []}, CONFIG)
    assert isinstance(empty.payload, MeetingEnded) and empty.payload.meeting_info is None
    [single] = drafts({"event": "meeting.end", "payload": item()}, CONFIG)
    assert isinstance(single.payload, MeetingEnded)
    assert single.ordering_key == f"tencent_meeting:{CONFIG}:{MEETING}"
    [nameless] = drafts({"payload": [{}]}, CONFIG)
    assert nameless.type == UNKNOWN


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1700004800000, datetime(2023, 11, 14, 23, 33, 20, tzinfo=UTC)),
        (1700004800, datetime(2023, 11, 14, 23, 33, 20, tzinfo=UTC)),
        ("1700004800000", datetime(2023, 11, 14, 23, 33, 20, tzinfo=UTC)),
        (1700004800123, datetime(2023, 11, 14, 23, 33, 20, 123000, tzinfo=UTC)),
        ("2020-12-29 17:41:06", datetime(2020, 12, 29, 9, 41, 6, tzinfo=UTC)),
        ("2020-12-29T17:41:06", None),
        ("yesterday", None),
        (0, None),
        (-5, None),
        (True, None),
        (None, None),
        (10**30, None),
        ({"ms": 1}, None),
    ],
)
def test_occurred_at(value: Any, expected: datetime | None) -> None:
    assert occurred_at(value) == expected


def test_trace_id_sources() -> None:
    assert events.trace_id({"trace_id": "a", "unique_sequence": "b"}) == "a"
    assert events.trace_id({"unique_sequence": "b"}) == "b"
    assert events.trace_id({"trace_id": 42}) == "42"
    assert events.trace_id({"trace_id": ""}) is None
    assert events.trace_id({"trace_id": True}) is None
    assert events.trace_id({}) is None
