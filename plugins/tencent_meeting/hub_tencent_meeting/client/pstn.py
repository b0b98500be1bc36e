"""PSTN: call telephones into a meeting, or cancel those calls."""

from collections.abc import Sequence

from hub_tencent_meeting.client.common import ApiModule, dump, quoted
from hub_tencent_meeting.models.pstn import CalloutResult, CancelCallResult, PhoneNumber


class PstnApi(ApiModule):
    async def callout(
        self,
        meeting_id: str,
        phone_numbers: Sequence[PhoneNumber],
        *,
        operator_id: str | None = None,
    ) -> CalloutResult:
        body = {**self._op_body(operator_id), "phone_numbers": [dump(p) for p in phone_numbers]}
        path = f"/v1/meeting/{quoted(meeting_id)}/phone/callout"
        return CalloutResult.model_validate(await self.client.call("POST", path, body=body))

    async def cancel_call(
        self,
        meeting_id: str,
        phone_numbers: Sequence[PhoneNumber],
        *,
        operator_id: str | None = None,
    ) -> CancelCallResult:
        body = {
            **self._op_body(operator_id),
            "phone_numbers": [
                dump(p.model_copy(update={"nick_name": None})) for p in phone_numbers
            ],
        }
        path = f"/v1/meeting/{quoted(meeting_id)}/phone/cancelcall"
        return CancelCallResult.model_validate(await self.client.call("POST", path, body=body))
