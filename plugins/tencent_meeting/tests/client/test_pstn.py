"""PstnApi: calling phones into a meeting and cancelling the calls."""

import time

from hub_tencent_meeting.client import TencentMeeting
from hub_tencent_meeting.models.pstn import PhoneNumber

from ..fake_server import FakeTencentMeeting
from ..fake_server.meetings import add_meeting
from .conftest import ADMIN

NOW = int(time.time())


async def test_callout_and_cancel(api: TencentMeeting, fake: FakeTencentMeeting) -> None:
    meeting_id = add_meeting(fake, ADMIN, "Call", NOW - 60, NOW + 600)["meeting_id"]
    result = await api.pstn.callout(meeting_id, [
        PhoneNumber(phone="13900000001", nick_name="Li"), PhoneNumber(phone="12ab"),
    ])
    assert [(p.phone, p.status) for p in result.phone_numbers] == [("13900000001", "calling")]
    assert [p.phone for p in result.invalid_phone_numbers] == ["12ab"]
    cancelled = await api.pstn.cancel_call(meeting_id, [
        PhoneNumber(phone="13900000001", nick_name="Li"), PhoneNumber(phone="13900000002"),
    ])
    assert [p.phone for p in cancelled.success_list] == ["13900000001"]
    assert [p.phone for p in cancelled.failed_list] == ["13900000002"]
    assert b"nick_name" not in fake.hits(f"/v1/meeting/{meeting_id}/phone/cancelcall")[-1].body
