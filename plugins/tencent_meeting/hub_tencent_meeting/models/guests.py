"""Meeting guests (external people invited by phone number)."""

from pydantic import Field

from hub_tencent_meeting.models.common import TencentModel
from hub_tencent_meeting.models.meetings import Guest


class MeetingGuests(TencentModel):
    """Answer of `GET /v1/guests/{meeting_id}`."""

    meeting_id: str | None = None
    meeting_code: str | None = None
    subject: str | None = None
    guests: list[Guest] = Field(default_factory=list)


__all__ = ["Guest", "MeetingGuests"]
