"""Meeting guests: external people invited by phone number."""

from collections.abc import Sequence

from hub_tencent_meeting.client.common import ApiModule, dump, quoted
from hub_tencent_meeting.models.guests import Guest, MeetingGuests


class GuestsApi(ApiModule):
    async def get(
        self, meeting_id: str, *, operator_id: str | None = None, instanceid: int = 1
    ) -> MeetingGuests:
        query = {"userid": self._userid(operator_id), "instanceid": instanceid}
        data = await self.client.call("GET", f"/v1/guests/{quoted(meeting_id)}", query=query)
        return MeetingGuests.model_validate(data)

    async def replace(
        self,
        meeting_id: str,
        guests: Sequence[Guest],
        *,
        operator_id: str | None = None,
        instanceid: int = 1,
    ) -> None:
        """Replace the guest list; an empty list removes every guest."""
        body = {
            "userid": self._userid(operator_id),
            "instanceid": instanceid,
            "guests": [dump(g) for g in guests],
        }
        await self.client.call("PUT", f"/v1/guests/{quoted(meeting_id)}", body=body)
