"""Meeting documents, as Tencent's public docs describe `GET /v1/docs` [unverified]."""

from pydantic import Field

from hub_tencent_meeting.models.common import NumberPage, TencentModel, TimeValue


class DocInfo(TencentModel):
    doc_id: str | None = None
    doc_title: str | None = None
    doc_creator_userid: str | None = None
    doc_creator_user_name: str | None = None
    doc_editor_userid: str | None = None
    doc_editor_user_name: str | None = None
    doc_edit_time: TimeValue | None = None
    doc_modify_permission: int | None = None


class MeetingDocs(TencentModel):
    """The documents of one meeting."""

    meeting_id: str | None = None
    meeting_code: str | None = None
    subject: str | None = None
    doc_num: int | None = None
    start_time: TimeValue | None = None
    end_time: TimeValue | None = None
    doc_info_list: list[DocInfo] = Field(default_factory=list)


class MeetingDocsPage(NumberPage):
    meeting_info_list: list[MeetingDocs] = Field(default_factory=list)
