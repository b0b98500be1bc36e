"""Recording intelligence: AI chapters, summary, speakers and topics of a recording."""

from pydantic import Field

from hub_tencent_meeting.models.common import TencentModel


class Chapter(TencentModel):
    chapter_id: str | None = None
    chapter_name: str | None = None
    start_time: str | None = None
    pic_url: str | None = None


class Chapters(TencentModel):
    chapter_list: list[Chapter] = Field(default_factory=list)


class FullSummary(TencentModel):
    ai_summary: str | None = None


class TimeSpan(TencentModel):
    start_time: str | None = None
    end_time: str | None = None
    sid: str | None = None
    pid: str | None = None


class Speaker(TencentModel):
    speaker_id: str | None = None
    speaker_id_type: int | None = None
    speaker_name: str | None = None
    ms_open_id: str | None = None
    total_time: int | None = None
    speaker_time: list[TimeSpan] = Field(default_factory=list)


class Speakers(TencentModel):
    total_count: int | None = None
    speaker_list: list[Speaker] = Field(default_factory=list)


class Topic(TencentModel):
    topic_id: str | None = None
    topic_name: str | None = None
    topic_time: list[TimeSpan] = Field(default_factory=list)


class Topics(TencentModel):
    ai_topic_list: list[Topic] = Field(default_factory=list)
