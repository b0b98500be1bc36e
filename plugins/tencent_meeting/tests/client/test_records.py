"""RecordsApi: listing windows, addresses, sharing, access, statistics, transcripts, uploads."""

import time

import pytest

from hub_tencent_meeting.client import TencentMeeting
from hub_tencent_meeting.client.common import DAY, ParameterError
from hub_tencent_meeting.errors import ValidationError
from hub_tencent_meeting.models.records import AccessMember, SharingConfig

from ..fake_server import FakeTencentMeeting
from ..fake_server.meetings import add_meeting
from ..fake_server.records import add_record
from ..fake_server.users import add_user
from .conftest import ADMIN

NOW = int(time.time())


def recorded(fake: FakeTencentMeeting, start: int, **options: int) -> dict:
    found = add_meeting(fake, ADMIN, f"at {start}", start, start + 1800)
    return add_record(fake, found, start=start, **options)


async def test_listing_keeps_the_31_day_and_page_size_rules(
    api: TencentMeeting, fake: FakeTencentMeeting
) -> None:
    stored = [recorded(fake, NOW - 10 * DAY + n * 600) for n in range(25)]
    recorded(fake, NOW - 40 * DAY)  # outside the window
    found = [r async for r in api.records.iter_records(start_time=NOW - 30 * DAY, end_time=NOW)]
    assert [r.meeting_record_id for r in found] == [s["meeting_record_id"] for s in stored]
    assert found[0].record_files[0].record_file_id == stored[0]["record_files"][0][
        "record_file_id"
    ]
    assert len(fake.hits("/v1/records")) == 2  # pages of 20
    page = await api.records.list_page(start_time=NOW - 30 * DAY, end_time=NOW, page=2)
    assert (page.total_count, page.total_page, len(page.record_meetings)) == (25, 2, 5)

    before = len(fake.seen)
    with pytest.raises(ParameterError, match="31 days"):
        api.records.iter_records(start_time=NOW - 32 * DAY, end_time=NOW)
    with pytest.raises(ParameterError, match="page_size"):
        api.records.iter_records(start_time=NOW - DAY, end_time=NOW, page_size=21)
    with pytest.raises(ParameterError, match="start_time and end_time"):
        api.records.iter_records(start_time=NOW - DAY, end_time=None)  # type: ignore[arg-type]
    assert len(fake.seen) == before
    # ... and the fake refuses them the same way.
    query = {**api.client.operator(), "start_time": NOW - 32 * DAY, "end_time": NOW}
    with pytest.raises(ValidationError, match="31 days"):
        await api.client.call("GET", "/v1/records", query=query)
    query = {**api.client.operator(), "start_time": NOW - DAY, "end_time": NOW, "page_size": 21}
    with pytest.raises(ValidationError, match="page_size"):
        await api.client.call("GET", "/v1/records", query=query)
    with pytest.raises(ValidationError, match="start_time"):
        await api.client.call("GET", "/v1/records", query=api.client.operator())

    windowed = [
        r.meeting_record_id
        async for r in api.records.iter_records_windowed(start_time=NOW - 70 * DAY, end_time=NOW)
    ]
    assert len(windowed) == 26 == len(set(windowed))
    with pytest.raises(ParameterError, match="before end_time"):
        await anext(api.records.iter_records_windowed(start_time=NOW, end_time=NOW - 1))
    with pytest.raises(ParameterError, match="window_days"):
        await anext(api.records.iter_records_windowed(start_time=0, end_time=NOW,
                                                      window_days=32))
    assert len(fake.hits("/v1/records")) == 2 + 1 + 3 + 4  # ... + windows of 31, 31, 8 days


async def test_addresses_sharing_access_and_deletion(
    api: TencentMeeting, fake: FakeTencentMeeting
) -> None:
    add_user(fake, "viewer", "Viewer")
    stored = recorded(fake, NOW - DAY, files=3)
    record_id = stored["meeting_record_id"]
    addresses = [a async for a in api.records.iter_addresses(record_id, page_size=2)]
    assert [a.record_file_id for a in addresses] == [
        f["record_file_id"] for f in stored["record_files"]
    ]
    assert addresses[0].download_address_file_type == "mp4"
    assert (await api.records.addresses_page(record_id, page_size=2)).total_page == 2
    file_id = addresses[0].record_file_id or ""
    detail = await api.records.file_detail(file_id)
    assert (detail.meeting_id, detail.ai_meeting_transcripts[0].file_type) == (
        stored["meeting_id"], "txt",
    )

    settings = await api.records.settings(record_id)
    assert settings.sharing_config and settings.sharing_config.enable_sharing is True
    with pytest.raises(ValidationError, match="password"):
        await api.records.update_settings(record_id, SharingConfig(enable_password=True))
    await api.records.update_settings(
        record_id, SharingConfig(enable_sharing=False, allow_download=False)
    )
    assert (await api.records.settings(record_id)).sharing_config == SharingConfig(
        enable_sharing=False, share_scope=1, allow_download=False
    )

    result = await api.records.add_access(
        record_id, [AccessMember(to_operator_id="viewer"), AccessMember(to_operator_id="ghost")]
    )
    assert [m.to_operator_id for m in result.fail_access_members] == ["ghost"]
    await api.records.remove_access(record_id, [AccessMember(to_operator_id="viewer")])
    assert stored["_access"] == []
    await api.records.approve_requests(record_id, ["apply-1"], action=1)
    await api.records.transfer_recording(stored["meeting_id"], record_id)
    assert stored["_transferred"] is True

    await api.records.delete_file(file_id)
    assert len(stored["record_files"]) == 2
    await api.records.delete_record(record_id, meeting_id=stored["meeting_id"])
    assert record_id not in fake.state.records


async def test_events_views_and_metrics(api: TencentMeeting, fake: FakeTencentMeeting) -> None:
    stored = recorded(fake, NOW - DAY)
    record_id = stored["meeting_record_id"]
    file = stored["record_files"][0]
    for n in range(60):
        stored["_events"].append({
            "event_type": 2 if n % 3 else 1, "operate_time": (NOW - 3600 + n) * 1000,
            "userid": f"u{n}", "user_name": f"U{n}", "record_name": "rec", "_date": "2026-11-24",
        })
    views = [e async for e in api.records.iter_events(record_id, event_type=2, page_size=50)]
    assert len(views) == 40 and all(e.event_type == 2 for e in views)
    downloads = await api.records.events_page(record_id, event_type=1)
    assert downloads.total_count == 20
    with pytest.raises(ParameterError, match="page_size"):
        api.records.iter_events(record_id, event_type=2, page_size=51)
    with pytest.raises(ParameterError, match="31 days"):
        await api.records.metrics(record_id, start_time=NOW - 40 * DAY, end_time=NOW)
    metrics = await api.records.metrics(record_id, start_time=NOW - 2 * DAY, end_time=NOW)
    assert [(m.date, m.view_counts, m.download_counts) for m in metrics.summaries] == [
        ("2026-11-24", 40, 20)
    ]

    file["_views"] = [{"userid": f"u{n}", "view_time": 60} for n in range(25)]
    watched = [v async for v in api.records.iter_view_details(file["record_file_id"])]
    assert len(watched) == 25
    assert (await api.records.view_details_page(file["record_file_id"])).total_page == 2


async def test_transcripts_follow_pid_and_limit(
    api: TencentMeeting, fake: FakeTencentMeeting
) -> None:
    file_id = recorded(fake, NOW - DAY, paragraphs=250)["record_files"][0]["record_file_id"]
    paragraphs = [p async for p in api.records.iter_transcript(file_id, limit=100)]
    assert [p.pid for p in paragraphs] == [str(n) for n in range(250)]
    assert paragraphs[7].sentences[0].words[0].text == "paragraph 7"
    calls = fake.hits("/v1/records/transcripts/details")
    assert len(calls) == 3 and "pid=200" in calls[-1].raw_path
    page = await api.records.transcript_page(file_id, pid=240, limit=100)
    assert page.more is False and page.minutes and len(page.minutes.paragraphs) == 10

    ids = await api.records.transcript_paragraphs(file_id)
    assert ids.total == 250 and ids.pids[1].start_time == 10_000
    hits = await api.records.search_transcript(file_id, "paragraph 12")
    assert [h.pid for h in hits.hits] == ["12", "120", "121", "122", "123", "124", "125",
                                          "126", "127", "128", "129"]


async def test_uploads_are_signed_multipart_forms(
    api: TencentMeeting, fake: FakeTencentMeeting
) -> None:
    content = b"\x00recording bytes\r\n--not-a-boundary\r\n" * 50
    job = await api.records.upload_all("talk.mp4", content, file_type="mp4", speak_number=2)
    assert job.job_id and fake.state.extra["uploaded"][job.job_id] == content
    sent = fake.hits("/v1/files/records/upload-all")[-1]
    assert sent.headers["Content-Type"].startswith("multipart/form-data; boundary=")

    fake.state.extra["upload_block_size"] = 700
    prepared = await api.records.upload_prepare("long.mp4", len(content), file_type="mp4")
    assert (prepared.block_size, prepared.block_num) == (700, 3)
    assert prepared.upload_id
    for seq in range(prepared.block_num or 0):
        chunk = content[seq * 700 : (seq + 1) * 700]
        await api.records.upload_part(prepared.upload_id, seq + 1, chunk)
    finished = await api.records.upload_finish(prepared.upload_id, speak_number=2)
    assert finished.job_id and fake.state.extra["uploaded"][finished.job_id] == content
