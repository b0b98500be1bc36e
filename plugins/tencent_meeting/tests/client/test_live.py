"""LiveApi: live info from the meeting; live config, replays and webinars [unverified]."""

import time

import pytest

from hub_tencent_meeting.client import TencentMeeting
from hub_tencent_meeting.client.common import UnverifiedApiDisabled
from hub_tencent_meeting.models.live import WebinarCreate
from hub_tencent_meeting.models.meetings import LiveConfig

from ..fake_server import FakeTencentMeeting
from ..fake_server.meetings import add_meeting
from .conftest import ADMIN

NOW = int(time.time())


async def test_live_and_webinars(api: TencentMeeting, full_api: TencentMeeting,
                                 fake: FakeTencentMeeting) -> None:
    meeting_id = add_meeting(
        fake, ADMIN, "Launch", NOW + 60, NOW + 3600, enable_live=True,
        live_config={"live_subject": "Launch live", "enable_live_replay": True},
    )["meeting_id"]
    info = await api.live.info(meeting_id)
    assert info.enable_live and info.live_config
    assert info.live_config.live_subject == "Launch live"
    with pytest.raises(UnverifiedApiDisabled):
        await api.live.replays(meeting_id)

    await full_api.live.update_config(meeting_id, LiveConfig(live_summary="Product launch"))
    assert fake.state.meetings[meeting_id]["live_config"]["live_summary"] == "Product launch"
    replays = await full_api.live.replays(meeting_id)
    assert replays.meeting_info_list[0].live_replay_list[0].live_subject == "Launch live"

    webinar = await full_api.live.create_webinar(
        WebinarCreate(subject="Webinar", start_time=NOW + 60, end_time=NOW + 3600,
                      sponsor="Acme")
    )
    assert webinar.meeting_id and webinar.audience_join_link
    assert fake.state.meetings[webinar.meeting_id]["meeting_type"] == 6
