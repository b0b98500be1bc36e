"""VotesApi: `has_vote` from the meeting; polls [unverified] when switched on."""

import time

import pytest

from hub_tencent_meeting.client import TencentMeeting
from hub_tencent_meeting.client.common import UnverifiedApiDisabled

from ..fake_server import FakeTencentMeeting
from ..fake_server.meetings import add_meeting
from ..fake_server.votes import add_poll
from .conftest import ADMIN

NOW = int(time.time())


async def test_votes(api: TencentMeeting, full_api: TencentMeeting,
                     fake: FakeTencentMeeting) -> None:
    meeting_id = add_meeting(fake, ADMIN, "Vote day", NOW - 600, NOW + 600)["meeting_id"]
    assert (await api.votes.flag(meeting_id)).has_vote is False
    poll_id = add_poll(fake, meeting_id, "Lunch?", ["Noodles", "Rice"])
    assert (await api.votes.flag(meeting_id)).has_vote is True
    with pytest.raises(UnverifiedApiDisabled):
        await api.votes.polls(meeting_id)

    themes = await full_api.votes.polls(meeting_id)
    assert [p.poll_id for p in themes.polls_theme_info[0].polls_info] == [poll_id]
    detail = await full_api.votes.poll(meeting_id, poll_id)
    options = detail.poll_question_data[0].option_info
    assert (detail.vote_total_num, [o.option_desc for o in options]) == (2, ["Noodles", "Rice"])
