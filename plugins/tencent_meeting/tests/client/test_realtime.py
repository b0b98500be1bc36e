"""RealtimeApi: in-meeting actions need a running meeting and a host as operator."""

import json
import time

import pytest

from hub_tencent_meeting.client import TencentMeeting
from hub_tencent_meeting.errors import ForbiddenError, ServerError
from hub_tencent_meeting.models.common import TargetUser
from hub_tencent_meeting.models.realtime import MeetingStatusUpdate, RenameUser

from ..fake_server import FakeTencentMeeting
from ..fake_server.meetings import add_meeting, join
from .conftest import ADMIN

NOW = int(time.time())


def member(userid: str) -> TargetUser:
    return TargetUser(to_operator_id=userid, to_operator_id_type=1)


async def test_controls_of_a_running_meeting(api: TencentMeeting, fake: FakeTencentMeeting) -> None:
    found = add_meeting(fake, ADMIN, "Board", NOW - 60, NOW + 3600)
    meeting_id = found["meeting_id"]
    with pytest.raises(ServerError) as idle:  # nobody in it yet
        await api.realtime.mute(meeting_id, member("u1"))
    assert idle.value.error_code == 20012

    join(fake, meeting_id, ADMIN, join_time=NOW - 50)
    bob = join(fake, meeting_id, "bob", join_time=NOW - 40)
    carol = join(fake, meeting_id, "carol", join_time=NOW - 30)

    await api.realtime.mute(meeting_id, member("bob"), mute=True)
    await api.realtime.set_video(meeting_id, member("bob"), video=False)
    await api.realtime.stop_screen_share(meeting_id, member("bob"))
    await api.realtime.set_cohost(meeting_id, member("bob"))
    assert found["current_co_hosts"] == [{"userid": "bob"}]
    await api.realtime.set_cohost(meeting_id, member("bob"), action=False)
    assert found["current_co_hosts"] == []
    await api.realtime.rename(meeting_id, [RenameUser(ms_open_id=bob["ms_open_id"],
                                                      nick_name="Robert")])
    assert bob["user_name"] == "Robert"
    await api.realtime.set_doc_upload(meeting_id, False)
    assert found["enable_doc_upload_permission"] is False
    await api.realtime.set_status(meeting_id, MeetingStatusUpdate(meeting_locked=True,
                                                                  mute_all=True))
    body = json.loads(fake.hits(f"/v1/real-control/meetings/{meeting_id}/status")[-1].body)
    assert body == {"operator_id": ADMIN, "operator_id_type": 1, "instanceid": 1,
                    "meeting_locked": True, "mute_all": True}
    asr = await api.realtime.set_asr(meeting_id, True)
    assert asr.code == 0 and found["_asr"] is True
    await api.realtime.kickout(meeting_id, [member("carol")], allow_rejoin=False, reason="spam")
    assert carol["left_time"]

    with pytest.raises(ForbiddenError) as not_host:
        await api.realtime.mute(meeting_id, member(ADMIN), operator_id="bob")
    assert not_host.value.error_code == 9042

    await api.realtime.dismiss(meeting_id, reason_detail="done")
    assert found["status"] == "MEETING_STATE_ENDED"
    assert all(p["left_time"] for p in found["_participants"])
