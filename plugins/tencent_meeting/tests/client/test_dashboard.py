"""DashboardApi: ongoing, upcoming and ended meetings, and resources, from verified calls."""

import time

from hub_tencent_meeting.client import TencentMeeting

from ..fake_server import FakeTencentMeeting
from ..fake_server.meetings import add_meeting, join
from ..fake_server.rooms import add_room
from .conftest import ADMIN

NOW = int(time.time())


async def test_dashboard(api: TencentMeeting, fake: FakeTencentMeeting) -> None:
    live = add_meeting(fake, ADMIN, "live", NOW - 600, NOW + 600)
    join(fake, live["meeting_id"], ADMIN, join_time=NOW - 500)
    add_meeting(fake, ADMIN, "later", NOW + 600, NOW + 1200)
    done = add_meeting(fake, ADMIN, "done", NOW - 7200, NOW - 3600)
    done["status"] = "MEETING_STATE_ENDED"
    overview = await api.dashboard.meeting_overview()
    assert [m.subject for m in overview.ongoing] == ["live"]
    assert [m.subject for m in overview.upcoming] == ["later"]
    assert [m.subject for m in overview.ended] == ["done"]

    add_room(fake, "Room")
    resources = await api.dashboard.resources()
    assert (resources.accounts.user_count, resources.rooms.normal_used_count) == (1, 1)
