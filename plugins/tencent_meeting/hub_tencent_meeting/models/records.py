"""Cloud recordings: meeting records, their files and addresses, sharing, transcripts."""

from pydantic import Field

from hub_tencent_meeting.models.common import DownloadFile, NumberPage, TencentModel, TimeValue


class RecordFile(TencentModel):
    """One file of a meeting record (`record_files[]` of `GET /v1/records`)."""

    record_file_id: str | None = None
    record_start_time: TimeValue | None = None
    record_end_time: TimeValue | None = None
    record_size: int | None = None
    sharing_state: int | None = None
    sharing_url: str | None = None
    sharing_expire: int | None = None
    password: str | None = None
    allow_download: bool | None = None
    required_participant: bool | None = None
    required_same_corp: bool | None = None


class RecordMeeting(TencentModel):
    """A meeting record: one meeting's recording with its files."""

    meeting_record_id: str | None = None
    meeting_id: str | None = None
    meeting_code: str | None = None
    subject: str | None = None
    host_user_id: str | None = None
    media_start_time: TimeValue | None = None
    media_set_type: int | None = None
    record_type: int | None = None
    state: int | None = None
    record_files: list[RecordFile] = Field(default_factory=list)


class RecordPage(NumberPage):
    record_meetings: list[RecordMeeting] = Field(default_factory=list)


class RecordAddress(TencentModel):
    """Where a recording file can be watched and downloaded (links expire)."""

    record_file_id: str | None = None
    view_address: str | None = None
    download_address: str | None = None
    download_address_file_type: str | None = None
    audio_address: str | None = None
    audio_address_file_type: str | None = None
    meeting_summary: list[DownloadFile] = Field(default_factory=list)


class RecordAddressPage(NumberPage):
    meeting_record_id: str | None = None
    meeting_id: str | None = None
    meeting_code: str | None = None
    subject: str | None = None
    record_files: list[RecordAddress] = Field(default_factory=list)


class RecordFileDetail(RecordAddress):
    """`GET /v1/addresses/{record_file_id}`: the file plus its AI minutes and transcripts."""

    meeting_id: str | None = None
    meeting_code: str | None = None
    ai_meeting_transcripts: list[DownloadFile] = Field(default_factory=list)
    ai_minutes: list[DownloadFile] = Field(default_factory=list)
    ai_ds_minutes: list[DownloadFile] = Field(default_factory=list)
    ai_speaker_minutes: list[DownloadFile] = Field(default_factory=list)
    ai_topic_minutes: list[DownloadFile] = Field(default_factory=list)


class UploadPrepared(TencentModel):
    upload_id: str | None = None
    block_size: int | None = None
    block_num: int | None = None


class RecordMetric(TencentModel):
    """Views and downloads of a record on one day (`date` is yyyy-MM-dd)."""

    date: str | None = None
    view_counts: int | None = None
    download_counts: int | None = None


class RecordMetrics(TencentModel):
    summaries: list[RecordMetric] = Field(default_factory=list)


class AccessMember(TencentModel):
    to_operator_id: str
    to_operator_id_type: int = 1
    permission: int | None = None


class AccessResult(TencentModel):
    fail_access_members: list[AccessMember] = Field(default_factory=list)


class RecordEvent(TencentModel):
    """A view (2) or download (1) of a record."""

    event_type: int | None = None
    operate_time: TimeValue | None = None
    record_name: str | None = None
    userid: str | None = None
    user_name: str | None = None


class RecordEventPage(NumberPage):
    events: list[RecordEvent] = Field(default_factory=list)


class ViewDetail(TencentModel):
    userid: str | None = None
    user_name: str | None = None
    record_file_name: str | None = None
    view_start_time: TimeValue | None = None
    view_end_time: TimeValue | None = None
    view_time: int | None = None
    total_view_progress: str | None = None


class ViewDetailPage(NumberPage):
    view_details: list[ViewDetail] = Field(default_factory=list)


class SharingConfig(TencentModel):
    enable_sharing: bool | None = None
    share_scope: int | None = None
    sharing_auth_type: int | None = None
    enable_approve: bool | None = None
    enable_password: bool | None = None
    password: str | None = None
    enable_sharing_expire: bool | None = None
    sharing_expire: int | None = None
    allow_download: bool | None = None
    allow_view_transcripts: bool | None = None


class RecordSettings(TencentModel):
    meeting_id: str | None = None
    meeting_record_name: str | None = None
    sharing_config: SharingConfig | None = None


class TranscriptWord(TencentModel):
    wid: str | None = None
    text: str | None = None
    start_time: int | None = None
    end_time: int | None = None


class TranscriptSentence(TencentModel):
    sid: str | None = None
    start_time: int | None = None
    end_time: int | None = None
    words: list[TranscriptWord] = Field(default_factory=list)


class SpeakerInfo(TencentModel):
    userid: str | None = None
    ms_open_id: str | None = None
    username: str | None = None


class TranscriptParagraph(TencentModel):
    """A paragraph of a transcript; times are milliseconds into the recording."""

    pid: str | None = None
    start_time: int | None = None
    end_time: int | None = None
    speaker_info: SpeakerInfo | None = None
    sentences: list[TranscriptSentence] = Field(default_factory=list)


class TranscriptMinutes(TencentModel):
    audio_detect: int | None = None
    keywords: list[str] = Field(default_factory=list)
    paragraphs: list[TranscriptParagraph] = Field(default_factory=list)


class TranscriptPage(TencentModel):
    minutes: TranscriptMinutes | None = None
    more: bool | None = None


class ParagraphRef(TencentModel):
    pid: str | None = None
    start_time: int | None = None
    end_time: int | None = None


class TranscriptParagraphs(TencentModel):
    total: int | None = None
    audio_detect: int | None = None
    pids: list[ParagraphRef] = Field(default_factory=list)


class TranscriptHit(TencentModel):
    pid: str | None = None
    sid: str | None = None
    offset: int | None = None
    length: int | None = None


class TranscriptTimeline(TencentModel):
    pid: str | None = None
    sid: str | None = None
    start_time: int | None = None


class TranscriptSearch(TencentModel):
    hits: list[TranscriptHit] = Field(default_factory=list)
    timelines: list[TranscriptTimeline] = Field(default_factory=list)
