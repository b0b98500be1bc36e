"""SmartApi: AI chapters, summary, speakers and topics of a recording file."""

import time

import pytest

from hub_tencent_meeting.client import TencentMeeting
from hub_tencent_meeting.errors import ValidationError

from ..fake_server import FakeTencentMeeting
from ..fake_server.meetings import add_meeting
from ..fake_server.records import add_record
from .conftest import ADMIN

NOW = int(time.time())


async def test_recording_intelligence(api: TencentMeeting, fake: FakeTencentMeeting) -> None:
    found = add_meeting(fake, ADMIN, "Talk", NOW - 3600, NOW - 600)
    file = add_record(fake, found, start=NOW - 3600, paragraphs=3)["record_files"][0]
    file_id = file["record_file_id"]
    chapters = await api.smart.chapters(file_id, lang="zh")
    assert [c.chapter_id for c in chapters.chapter_list] == ["0", "1", "2"]
    assert (await api.smart.full_summary(file_id)).ai_summary == "3 paragraphs discussed"
    speakers = await api.smart.speakers(file_id)
    assert (speakers.total_count, speakers.speaker_list[0].total_time) == (1, 27_000)
    topics = await api.smart.topics(file_id)
    assert len(topics.ai_topic_list[0].topic_time) == 3

    file["_pwd"] = "1234"
    with pytest.raises(ValidationError, match="pwd"):
        await api.smart.chapters(file_id)
    assert (await api.smart.chapters(file_id, pwd="1234")).chapter_list
