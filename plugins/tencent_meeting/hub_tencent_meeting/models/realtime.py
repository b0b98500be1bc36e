"""Real-time meeting control: the members an action targets and the in-meeting state."""

from hub_tencent_meeting.models.common import TencentModel


class RenameUser(TencentModel):
    """A member to rename (`PUT /v1/real-control/meetings/{id}/names`)."""

    instanceid: int = 1
    ms_open_id: str
    nick_name: str | None = None


class MeetingStatusUpdate(TencentModel):
    """In-meeting switches (`PUT /v1/real-control/meetings/{id}/status`); unset ones stay."""

    meeting_locked: bool | None = None
    mute_all: bool | None = None
    allow_unmute_by_self: bool | None = None
    participant_join_mute: int | None = None
    allow_chat: int | bool | None = None
    share_screen: int | bool | None = None
    auto_waiting_room: bool | None = None
    hide_meeting_code_password: bool | None = None
    only_enterprise_user_allowed: bool | None = None
    play_ivr_on_join: bool | None = None
    enable_red_envelope: bool | None = None


class ControlResult(TencentModel):
    """Answer of the live-transcription switch."""

    code: int | None = None
    message: str | None = None
