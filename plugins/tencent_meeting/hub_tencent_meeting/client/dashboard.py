"""Dashboard: the console's overview of meetings and resources.

Tencent's dashboard has no REST API in SDK 1.0.10 and none could be found in
its public docs, so this module assembles the view from verified endpoints:
a user's upcoming/ongoing meetings (`GET /v1/meetings`), their ended meetings
(`GET /v1/history/meetings/{userid}`), account statistics and Rooms inventory.
"""

from typing import TYPE_CHECKING

from hub_tencent_meeting.client.common import DAY, ApiModule, now
from hub_tencent_meeting.models.dashboard import MeetingOverview, ResourceOverview

if TYPE_CHECKING:
    from hub_tencent_meeting.client.base import TencentMeetingClient
    from hub_tencent_meeting.client.meetings import MeetingsApi
    from hub_tencent_meeting.client.rooms import RoomsApi
    from hub_tencent_meeting.client.users import UsersApi

STARTED = "MEETING_STATE_STARTED"
UPCOMING = frozenset({"MEETING_STATE_INIT", "MEETING_STATE_NULL", ""})


class DashboardApi(ApiModule):
    def __init__(
        self,
        client: "TencentMeetingClient",
        meetings: "MeetingsApi",
        users: "UsersApi",
        rooms: "RoomsApi",
    ) -> None:
        super().__init__(client)
        self.meetings = meetings
        self.users = users
        self.rooms = rooms

    async def meeting_overview(
        self, *, userid: str | None = None, ended_days: int = 7
    ) -> MeetingOverview:
        """A user's ongoing and upcoming meetings, and those ended in the last days."""
        who = userid or self._userid(None)
        overview = MeetingOverview(userid=who)
        async for meeting in self.meetings.iter_upcoming(userid=who):
            if meeting.status == STARTED:
                overview.ongoing.append(meeting)
            elif (meeting.status or "") in UPCOMING:
                overview.upcoming.append(meeting)
        end = now()
        async for ended in self.meetings.iter_ended(
            userid=who, start_time=end - ended_days * DAY, end_time=end
        ):
            overview.ended.append(ended)
        return overview

    async def resources(self, *, operator_id: str | None = None) -> ResourceOverview:
        """Account seats and Rooms devices in use."""
        return ResourceOverview(
            accounts=await self.users.account_statistics(operator_id=operator_id),
            rooms=await self.rooms.inventory(operator_id=operator_id),
        )
