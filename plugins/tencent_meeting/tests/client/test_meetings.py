"""MeetingsApi through the signed client against the fake (which checks every signature)."""

import json
import time

import pytest
from hub.errors import NotFound
from pydantic import ValidationError as ModelError

from hub_tencent_meeting.client import TencentMeeting
from hub_tencent_meeting.client.common import DAY, ParameterError
from hub_tencent_meeting.client.meetings import _first_meeting
from hub_tencent_meeting.errors import ServerError, ValidationError
from hub_tencent_meeting.models.common import TargetUser, UserRef
from hub_tencent_meeting.models.meetings import (
    EnrollConfigUpdate,
    EnrollImport,
    EnrollQuestion,
    MeetingCreate,
    MeetingUpdate,
)

from ..fake_server import FakeTencentMeeting
from ..fake_server.meetings import add_meeting, join
from ..fake_server.users import add_user
from .conftest import ADMIN

NOW = int(time.time())


async def test_create_read_change_cancel(api: TencentMeeting, fake: FakeTencentMeeting) -> None:
    created = await api.meetings.create(
        MeetingCreate(
            subject="Weekly sync", start_time=str(NOW + 3600), end_time=str(NOW + 7200),
            invitees=[UserRef(userid="u1")],
        )
    )
    assert created.meeting_id and created.meeting_code and created.status == "MEETING_STATE_INIT"
    sent = fake.hits("/v1/meetings")[-1].body.decode()
    # The SDK's order: the operator first, then the request's own fields (reference vector B).
    assert sent.startswith(
        f'{{"userid":"{ADMIN}","instanceid":1,"subject":"Weekly sync","type":0,'
        f'"start_time":"{NOW + 3600}","end_time":"{NOW + 7200}"'
    )

    detail = await api.meetings.get(created.meeting_id)
    assert (detail.subject, detail.start_time, detail.hosts[0].userid) == (
        "Weekly sync", str(NOW + 3600), ADMIN,
    )
    changed = await api.meetings.update(created.meeting_id, MeetingUpdate(subject="Renamed"))
    assert changed[0].meeting_id == created.meeting_id
    assert (await api.meetings.get(created.meeting_id)).subject == "Renamed"
    by_code = await api.meetings.by_code(created.meeting_code)
    assert [m.meeting_id for m in by_code] == [created.meeting_id]

    await api.meetings.cancel(created.meeting_id, reason_detail="moved")
    assert fake.state.meetings[created.meeting_id]["status"] == "MEETING_STATE_CANCELLED"
    with pytest.raises(ServerError) as refused:  # Tencent: only a scheduled meeting cancels
        await api.meetings.cancel(created.meeting_id)
    assert refused.value.error_code == 20011


def test_an_answer_without_the_meeting_is_not_found() -> None:
    with pytest.raises(NotFound, match="no meeting for meeting 1"):
        _first_meeting({"meeting_number": 0}, "meeting 1")


async def test_request_models_and_the_fake_refuse_missing_fields(
    api: TencentMeeting, fake: FakeTencentMeeting
) -> None:
    with pytest.raises(ModelError):
        MeetingCreate(start_time=NOW, end_time=NOW + 60)  # type: ignore[call-arg]
    found = add_meeting(fake, ADMIN, "Review", NOW + 60, NOW + 600)
    with pytest.raises(ValidationError) as missing:  # instanceid is required on the detail
        await api.client.call(
            "GET", f"/v1/meetings/{found['meeting_id']}", query=api.client.operator()
        )
    assert missing.value.error_code == 190004
    assert "instanceid" in (missing.value.provider_message or "")


async def test_upcoming_meetings_follow_pos_and_cursory_to_the_end(
    api: TencentMeeting, fake: FakeTencentMeeting
) -> None:
    ids = [
        add_meeting(fake, ADMIN, f"m{n}", NOW + 100 * n, NOW + 100 * n + 50)["meeting_id"]
        for n in range(45)
    ]
    add_meeting(fake, "someone-else", "not mine", NOW, NOW + 60)
    listed = [m.meeting_id async for m in api.meetings.iter_upcoming()]
    assert listed == ids
    assert len(fake.hits("/v1/meetings")) == 3  # 20 + 20 + 5
    first = await api.meetings.list_page()
    assert (first.remaining, len(first.meeting_info_list)) == (25, 20)
    assert first.meeting_info_list[0].join_meeting_role == "creator"


async def test_participants_page_by_pos_and_keep_the_31_day_window(
    api: TencentMeeting, fake: FakeTencentMeeting
) -> None:
    found = add_meeting(fake, ADMIN, "All hands", NOW - 7200, NOW - 3600)
    for n in range(130):
        join(fake, found["meeting_id"], f"u{n}", join_time=NOW - 7000 + n, left_time=NOW - 3600)
    members = [
        p async for p in api.meetings.iter_participants(found["meeting_id"], size=50)
    ]
    assert [p.userid for p in members] == [f"u{n}" for n in range(130)]
    assert members[0].join_time == str(NOW - 7000)  # a numeric string, kept as sent
    assert len(fake.hits(f"/v1/meetings/{found['meeting_id']}/participants")) == 3

    page = await api.meetings.participants_page(found["meeting_id"], size=100)
    assert (page.has_remaining, page.next_pos, page.total_count) == (True, 100, 130)

    before = len(fake.seen)
    with pytest.raises(ParameterError, match="31 days"):
        api.meetings.iter_participants(found["meeting_id"], start_time=NOW - 32 * DAY,
                                       end_time=NOW)
    assert len(fake.seen) == before  # refused before any request
    with pytest.raises(ValidationError, match="31 days"):  # ... as Tencent would
        await api.client.call(
            "GET",
            f"/v1/meetings/{found['meeting_id']}/participants",
            query={**api.client.operator(), "start_time": NOW - 32 * DAY, "end_time": NOW},
        )


async def test_ended_meetings_come_from_the_history(
    api: TencentMeeting, fake: FakeTencentMeeting
) -> None:
    found = add_meeting(fake, ADMIN, "Retro", NOW - 600, NOW + 600)
    join(fake, found["meeting_id"], ADMIN, join_time=NOW - 500)
    await api.realtime.dismiss(found["meeting_id"])
    assert [m.meeting_id async for m in api.meetings.iter_upcoming()] == []
    ended = [m async for m in api.meetings.iter_ended(start_time=NOW - DAY, end_time=NOW + 60)]
    assert [(m.meeting_id, m.start_time) for m in ended] == [(found["meeting_id"], NOW - 600)]
    page = await api.meetings.ended_page(start_time=NOW - DAY, end_time=NOW + 60)
    assert (page.total_count, page.current_page) == (1, 1)
    with pytest.raises(ParameterError, match="90 days"):
        api.meetings.iter_ended(start_time=NOW - 91 * DAY, end_time=NOW)
    with pytest.raises(ParameterError, match="page_size"):
        api.meetings.iter_ended(page_size=21)


async def test_members_invitees_and_quality(api: TencentMeeting, fake: FakeTencentMeeting) -> None:
    add_user(fake, "u1", "One")
    found = add_meeting(fake, ADMIN, "Standup", NOW - 60, NOW + 3600)
    meeting_id = found["meeting_id"]
    unknown = await api.meetings.set_invitees(meeting_id, ["u1", UserRef(userid="ghost")])
    assert unknown.user_non_registered == ["ghost"]
    assert [(i.userid, i.nick_name) async for i in api.meetings.iter_invitees(meeting_id)] == [
        ("u1", "One"), ("ghost", "ghost"),
    ]
    assert "size=" not in fake.hits(f"/v1/meetings/{meeting_id}/invitees")[-1].raw_path
    page = await api.meetings.invitees_page(meeting_id)
    assert (page.has_remaining, [i.userid for i in page.invitees]) == (False, ["u1", "ghost"])

    for n in range(25):
        join(fake, meeting_id, f"p{n}", join_time=NOW - 50)
    live = [p.userid async for p in api.meetings.iter_realtime_participants(meeting_id)]
    assert len(live) == 25
    page = await api.meetings.realtime_participants_page(meeting_id, page=2)
    assert (page.status, page.current_page, len(page.participants)) == (
        "MEETING_STATE_STARTED", 2, 5,
    )
    assert len([q async for q in api.meetings.iter_qos(meeting_id)]) == 25
    assert (await api.meetings.qos_page(meeting_id, page_size=5)).total_page == 5
    quality = await api.meetings.quality_page(meeting_id, start_time=NOW - 60)
    assert (quality.quality, quality.total_count) == (1, 25)
    devices = await api.meetings.meeting_for_devices(meeting_id, operator_id="p3")
    assert [(d.instanceid, d.meeting_id) for d in devices.meeting_id_map] == [(1, meeting_id)]
    job = await api.meetings.set_virtual_background(meeting_id, type=1, image="https://i/x.png")
    assert job.job_id and job.job_id.startswith("job-")


async def test_waiting_room(api: TencentMeeting, fake: FakeTencentMeeting) -> None:
    found = add_meeting(fake, ADMIN, "Interview", NOW - 60, NOW + 3600)
    meeting_id = found["meeting_id"]
    join(fake, meeting_id, ADMIN, join_time=NOW - 60)
    join(fake, meeting_id, "guest1", join_time=NOW - 30)
    await api.realtime.waiting_room(
        meeting_id, [TargetUser(to_operator_id="guest1", to_operator_id_type=1)], operate_type=2
    )
    waiting = [p.userid async for p in api.meetings.iter_waiting_room_participants(meeting_id)]
    assert waiting == ["guest1"]
    page = await api.meetings.waiting_room_participants_page(meeting_id)
    assert page.schedule_start_time == NOW - 60  # an integer on this endpoint
    await api.realtime.waiting_room(
        meeting_id, [TargetUser(to_operator_id="guest1", to_operator_id_type=1)], operate_type=1
    )
    history = [m async for m in api.meetings.iter_waiting_room_history(meeting_id)]
    assert [m.userid for m in history] == ["guest1"]
    assert (await api.meetings.waiting_room_history_page(meeting_id)).total_count == 1

    welcome = await api.meetings.set_welcome_message(meeting_id, "Hello, please wait")
    assert (welcome.enable_welcome, welcome.welcome_text) == (True, "Hello, please wait")
    assert (await api.meetings.welcome_message(meeting_id)).welcome_text == "Hello, please wait"


async def test_registration(api: TencentMeeting, fake: FakeTencentMeeting) -> None:
    add_user(fake, "u1", "One")
    meeting_id = add_meeting(fake, ADMIN, "Launch", NOW + 600, NOW + 4200)["meeting_id"]
    result = await api.meetings.update_enroll_config(
        meeting_id,
        EnrollConfigUpdate(
            approve_type=2, question_list=[EnrollQuestion(question_title="Company",
                                                          question_type=3)],
        ),
    )
    assert (result.meeting_id, result.question_count) == (meeting_id, 1)
    config = await api.meetings.enroll_config(meeting_id)
    assert config.question_list[0].question_title == "Company"

    imported = await api.meetings.import_enrollments(
        meeting_id,
        [EnrollImport(userid="u1"), EnrollImport(userid="nobody"),
         *[EnrollImport(area="86", phone_number=f"1390000{n:04d}") for n in range(24)]],
    )
    assert (imported.total_count, imported.user_non_registered) == (25, ["nobody"])
    sent = json.loads(fake.hits(f"/v1/meetings/{meeting_id}/enroll/import")[-1].body)
    assert sent["operator_id_type"] == 1 and sent["instanceid"] == 1  # integers in bodies

    everyone = [e async for e in api.meetings.iter_enrollments(meeting_id)]
    assert len(everyone) == 25 and all(isinstance(e.enroll_id, str) for e in everyone)
    first = everyone[0]
    approval = await api.meetings.approve_enrollments(meeting_id, [first.enroll_id], action=2)
    assert approval.handled_count == 1
    rejected = await api.meetings.enrollments_page(meeting_id, status=2)
    assert [e.enroll_id for e in rejected.enroll_list] == [first.enroll_id]
    ids = await api.meetings.enroll_ids(meeting_id, [first.ms_open_id or ""])
    assert [i.enroll_id for i in ids.enroll_id_list] == [first.enroll_id]
    deleted = await api.meetings.delete_enrollments(meeting_id, [first.enroll_id])
    assert deleted.total_count == 1
    assert len([e async for e in api.meetings.iter_enrollments(meeting_id)]) == 24


async def test_links_asr_jobs_and_pmi_meetings(
    api: TencentMeeting, fake: FakeTencentMeeting
) -> None:
    meeting_id = add_meeting(fake, ADMIN, "Demo", NOW + 60, NOW + 600)["meeting_id"]
    link = await api.meetings.create_customer_short_url(meeting_id, "crm-42")
    assert link.customer_data == "crm-42" and link.meeting_short_url
    assert [u.customer_data for u in await api.meetings.customer_short_urls(meeting_id)] == [
        "crm-42"
    ]

    words = await api.meetings.set_asr_hot_words(["Tencent", "hub"], tag="t1",
                                                 meeting_id=meeting_id)
    assert words.customize_words == ["Tencent", "hub"]
    details = await api.meetings.asr_details(meeting_id, page_size=1)
    assert (details.current_page, details.total_page, len(details.download_url)) == (1, 2, 1)
    await api.meetings.set_asr_push(meeting_id, True)
    assert fake.state.meetings[meeting_id]["_asr_push"] is True

    fake.state.extra["jobs"] = {"job-1": {"status": 1, "job_url": "https://x/j.xlsx"}}
    job = await api.meetings.export_job("job-1")
    assert (job.status, job.job_url) == (1, "https://x/j.xlsx")

    for n in range(3):
        add_meeting(fake, ADMIN, f"pmi{n}", NOW - 3600 * (n + 1), NOW - 3000 * (n + 1), _pmi=True)
    pmi = [m async for m in api.meetings.iter_pmi_meetings(page_size=2)]
    assert sorted(m.subject or "" for m in pmi) == ["pmi0", "pmi1", "pmi2"]
    assert isinstance(pmi[0].start_time, int)
    assert (await api.meetings.pmi_meetings_page(page_size=2)).total_page == 2
