"""Dashboard: live, upcoming and ended meetings and resource counts in one view.

Tencent's console dashboard has no REST API in SDK 1.0.10, so the view is
assembled from verified endpoints (a user's meeting list, their ended
meetings, account and Rooms statistics).
"""

from pydantic import Field

from hub_tencent_meeting.models.common import TencentModel
from hub_tencent_meeting.models.meetings import EndedMeeting, Meeting
from hub_tencent_meeting.models.rooms import RoomsInventory
from hub_tencent_meeting.models.users import AccountStatistics


class MeetingOverview(TencentModel):
    """A user's meetings split the way the console dashboard shows them."""

    userid: str
    ongoing: list[Meeting] = Field(default_factory=list)
    upcoming: list[Meeting] = Field(default_factory=list)
    ended: list[EndedMeeting] = Field(default_factory=list)


class ResourceOverview(TencentModel):
    accounts: AccountStatistics
    rooms: RoomsInventory
