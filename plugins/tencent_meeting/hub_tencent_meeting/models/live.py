"""Live streaming and webinars.

`LiveInfo` is derived from a meeting's `enable_live` / `live_config`
(verified fields). Replays and webinars follow Tencent's public docs
[unverified].
"""

from pydantic import Field

from hub_tencent_meeting.models.common import TencentModel, TimeValue, UserRef
from hub_tencent_meeting.models.meetings import LiveConfig


class LiveInfo(TencentModel):
    meeting_id: str
    meeting_code: str | None = None
    subject: str | None = None
    enable_live: bool = False
    live_config: LiveConfig | None = None


class LiveReplay(TencentModel):
    live_room_id: str | None = None
    live_subject: str | None = None
    video_url: str | None = None


class LiveReplayMeeting(TencentModel):
    meeting_id: str | None = None
    meeting_code: str | None = None
    subject: str | None = None
    live_replay_list: list[LiveReplay] = Field(default_factory=list)


class LiveReplays(TencentModel):
    meeting_number: int | None = None
    meeting_info_list: list[LiveReplayMeeting] = Field(default_factory=list)


class WebinarCreate(TencentModel):
    """Body of `POST /v1/webinars` without the operator fields [unverified]."""

    subject: str
    start_time: TimeValue
    end_time: TimeValue
    sponsor: str | None = None
    admission_type: int | None = None
    hosts: list[UserRef] | None = None
    cover_url: str | None = None
    description: str | None = None
    password: str | None = None
    enable_guest_invite_link: bool | None = None
    sensitive_words: list[str] | None = None
    preparation_mode: bool | None = None


class Webinar(TencentModel):
    meeting_id: str | None = None
    meeting_code: str | None = None
    subject: str | None = None
    start_time: TimeValue | None = None
    end_time: TimeValue | None = None
    audience_join_link: str | None = None
    guest_join_link: str | None = None
