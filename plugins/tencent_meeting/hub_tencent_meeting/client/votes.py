"""Meeting votes (polls).

SDK 1.0.10 has no vote API. `flag` reads the meeting's `has_vote` (verified).
The poll calls follow Tencent's public docs [unverified]:
`GET /v1/meetings/{meeting_id}/polls-list` and
`GET /v1/meetings/{meeting_id}/polls/{poll_id}`, both with `operator_id`,
`operator_id_type` and `instanceid` (cloud.tencent.com/document/product/1095/76821
and 76823).
"""

from typing import TYPE_CHECKING

from hub_tencent_meeting.client.common import UnverifiedModule, quoted
from hub_tencent_meeting.models.votes import MeetingVotes, PollDetail, PollList

if TYPE_CHECKING:
    from hub_tencent_meeting.client.base import TencentMeetingClient
    from hub_tencent_meeting.client.meetings import MeetingsApi


class VotesApi(UnverifiedModule):
    title = "vote management"

    def __init__(
        self, client: "TencentMeetingClient", meetings: "MeetingsApi", *, enabled: bool = False
    ) -> None:
        super().__init__(client, enabled=enabled)
        self.meetings = meetings

    async def flag(self, meeting_id: str, *, operator_id: str | None = None) -> MeetingVotes:
        """Whether the meeting has votes, from its detail (verified data)."""
        meeting = await self.meetings.get(meeting_id, operator_id=operator_id)
        return MeetingVotes(
            meeting_id=meeting.meeting_id or meeting_id,
            subject=meeting.subject,
            has_vote=bool(meeting.has_vote),
        )

    async def polls(
        self, meeting_id: str, *, operator_id: str | None = None, instanceid: int = 1
    ) -> PollList:
        """The meeting's vote themes and their polls [unverified]."""
        self._require_enabled("polls-list")
        query = {**self._op_query(operator_id), "instanceid": instanceid}
        path = f"/v1/meetings/{quoted(meeting_id)}/polls-list"
        return PollList.model_validate(await self.client.call("GET", path, query=query))

    async def poll(
        self,
        meeting_id: str,
        poll_id: str,
        *,
        operator_id: str | None = None,
        instanceid: int = 1,
    ) -> PollDetail:
        """A poll's questions, options and results [unverified]."""
        self._require_enabled("poll detail")
        query = {**self._op_query(operator_id), "instanceid": instanceid}
        path = f"/v1/meetings/{quoted(meeting_id)}/polls/{quoted(poll_id)}"
        return PollDetail.model_validate(await self.client.call("GET", path, query=query))
