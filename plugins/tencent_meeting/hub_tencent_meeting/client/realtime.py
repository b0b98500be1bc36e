"""Real-time control of a meeting in progress: end it, mute, remove, rename, lock...

A member to act on is named by `TargetUser` (`to_operator_id` + type, and the
device type it joined with); per-meeting ids (`ms_open_id`, type 4) come from
the participant lists and join events.
"""

from collections.abc import Sequence

from hub_tencent_meeting.client.common import ApiModule, compact, dump, quoted
from hub_tencent_meeting.models.common import TargetUser
from hub_tencent_meeting.models.realtime import ControlResult, MeetingStatusUpdate, RenameUser


def _control(meeting_id: str, action: str) -> str:
    return f"/v1/real-control/meetings/{quoted(meeting_id)}/{action}"


class RealtimeApi(ApiModule):
    """In-meeting actions; each needs the meeting to be running."""

    async def dismiss(
        self,
        meeting_id: str,
        *,
        reason_code: int = 1,
        reason_detail: str | None = None,
        force_dismiss_meeting: int | None = None,
        retrieve_code: int | None = None,
        operator_id: str | None = None,
        instanceid: int = 1,
    ) -> None:
        """End the meeting for everybody."""
        body = compact(
            **self._op_body(operator_id),
            instanceid=instanceid,
            reason_code=reason_code,
            reason_detail=reason_detail,
            force_dismiss_meeting=force_dismiss_meeting,
            retrieve_code=retrieve_code,
        )
        await self.client.call("POST", f"/v1/meetings/{quoted(meeting_id)}/dismiss", body=body)

    async def set_asr(
        self,
        meeting_id: str,
        is_open: bool,
        *,
        open_asr_view: int | None = None,
        target_rooms_id: str | None = None,
        target_rooms_id_type: int | None = None,
        operator_id: str | None = None,
        instance_id: int = 1,
    ) -> ControlResult:
        """Turn live transcription on or off (this endpoint spells it `instance_id`)."""
        body = compact(
            **self._op_body(operator_id),
            instance_id=instance_id,
            is_open=is_open,
            open_asr_view=open_asr_view,
            target_rooms_id=target_rooms_id,
            target_rooms_id_type=target_rooms_id_type,
        )
        data = await self.client.call("PUT", _control(meeting_id, "asr"), body=body)
        return ControlResult.model_validate(data)

    async def set_cohost(
        self,
        meeting_id: str,
        user: TargetUser,
        *,
        action: bool = True,
        operator_id: str | None = None,
        instanceid: int = 1,
    ) -> None:
        """Make a member co-host (`action=True`) or take it back."""
        body = {**self._op_body(operator_id), "instanceid": instanceid, "action": action,
                "user": dump(user)}
        await self.client.call("PUT", _control(meeting_id, "cohosts"), body=body)

    async def set_doc_upload(
        self,
        meeting_id: str,
        enable_upload_doc: bool,
        *,
        operator_id: str | None = None,
        instanceid: int = 1,
    ) -> None:
        body = {**self._op_body(operator_id), "instanceid": instanceid,
                "enable_upload_doc": enable_upload_doc}
        await self.client.call("PUT", _control(meeting_id, "doc"), body=body)

    async def kickout(
        self,
        meeting_id: str,
        users: Sequence[TargetUser],
        *,
        allow_rejoin: bool = True,
        reason: str | None = None,
        operator_id: str | None = None,
        instanceid: int = 1,
    ) -> None:
        body = compact(
            **self._op_body(operator_id),
            instanceid=instanceid,
            users=[dump(u) for u in users],
            allow_rejoin=allow_rejoin,
            reason=reason,
        )
        await self.client.call("PUT", _control(meeting_id, "kickout"), body=body)

    async def mute(
        self,
        meeting_id: str,
        user: TargetUser,
        *,
        mute: bool = True,
        operator_id: str | None = None,
        instanceid: int = 1,
    ) -> None:
        body = {**self._op_body(operator_id), "instanceid": instanceid, "mute": mute,
                "user": dump(user)}
        await self.client.call("PUT", _control(meeting_id, "mutes"), body=body)

    async def rename(
        self,
        meeting_id: str,
        users: Sequence[RenameUser],
        *,
        operator_id: str | None = None,
        instanceid: int = 1,
    ) -> None:
        body = {**self._op_body(operator_id), "instanceid": instanceid,
                "users": [dump(u) for u in users]}
        await self.client.call("PUT", _control(meeting_id, "names"), body=body)

    async def stop_screen_share(
        self,
        meeting_id: str,
        user: TargetUser,
        *,
        operator_id: str | None = None,
        instanceid: int = 1,
    ) -> None:
        body = {**self._op_body(operator_id), "instanceid": instanceid, "user": dump(user)}
        await self.client.call("PUT", _control(meeting_id, "screen-shared"), body=body)

    async def set_status(
        self,
        meeting_id: str,
        status: MeetingStatusUpdate,
        *,
        operator_id: str | None = None,
        instanceid: int = 1,
    ) -> None:
        """Lock the meeting, mute everybody, allow chat, ... (only the given switches)."""
        body = {**self._op_body(operator_id), "instanceid": instanceid, **dump(status)}
        await self.client.call("PUT", _control(meeting_id, "status"), body=body)

    async def set_video(
        self,
        meeting_id: str,
        user: TargetUser,
        *,
        video: bool = False,
        operator_id: str | None = None,
        instanceid: int = 1,
    ) -> None:
        """Turn a member's camera off (on only works for MRA devices)."""
        body = {**self._op_body(operator_id), "instanceid": instanceid, "video": video,
                "user": dump(user)}
        await self.client.call("PUT", _control(meeting_id, "video"), body=body)

    async def waiting_room(
        self,
        meeting_id: str,
        users: Sequence[TargetUser],
        *,
        operate_type: int,
        allow_rejoin: bool | None = None,
        operator_id: str | None = None,
        instanceid: int = 1,
    ) -> None:
        """1 admit from the waiting room, 2 move into it, 3 remove from it."""
        body = compact(
            **self._op_body(operator_id),
            instanceid=instanceid,
            operate_type=operate_type,
            users=[dump(u) for u in users],
            allow_rejoin=allow_rejoin,
        )
        await self.client.call("PUT", _control(meeting_id, "waiting-room"), body=body)
