"""Meeting votes (polls).

SDK 1.0.10 has no vote API; `MeetingVotes` is derived from the meeting's
`has_vote` flag. The poll models follow Tencent's public docs for
`/v1/meetings/{id}/polls-list` and `/v1/meetings/{id}/polls/{poll_id}`
[unverified].
"""

from pydantic import Field

from hub_tencent_meeting.models.common import TencentModel


class MeetingVotes(TencentModel):
    """Whether a meeting has votes, from the meeting detail."""

    meeting_id: str
    subject: str | None = None
    has_vote: bool = False


class PollInfo(TencentModel):
    poll_id: str | None = None
    poll_topic: str | None = None
    status: int | None = None
    is_shared: int | None = None
    is_anony: int | None = None


class PollTheme(TencentModel):
    poll_theme_id: str | None = None
    polls_info: list[PollInfo] = Field(default_factory=list)


class PollList(TencentModel):
    polls_theme_info: list[PollTheme] = Field(default_factory=list)


class PollOption(TencentModel):
    option_id: str | None = None
    option_desc: str | None = None
    option_num: int | None = None
    rate: int | float | None = None


class PollQuestion(TencentModel):
    question_id: str | None = None
    question_desc: str | None = None
    question_type: int | None = None
    option_info: list[PollOption] = Field(default_factory=list)


class PollDetail(PollInfo):
    meeting_id: str | None = None
    poll_theme_id: str | None = None
    poll_desc: str | None = None
    vote_total_num: int | None = None
    poll_question_data: list[PollQuestion] = Field(default_factory=list)
