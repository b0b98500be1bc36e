"""Meetings: the meeting itself, its members, registration, waiting room, ASR.

Fields follow the reference §7 and the answers of SDK 1.0.10; everything is
optional because Tencent omits what does not apply.
"""

from pydantic import Field

from hub_tencent_meeting.models.common import (
    NumberPage,
    PosPage,
    TencentModel,
    TimeValue,
    UserRef,
)

# ---- the meeting ---------------------------------------------------------------


class MeetingSettings(TencentModel):
    allow_in_before_host: bool | None = None
    allow_multi_device: bool | None = None
    allow_screen_shared_watermark: bool | None = None
    allow_unmute_self: bool | None = None
    auto_asr: bool | None = None
    auto_in_waiting_room: bool | None = None
    auto_record_type: str | None = None
    change_nickname: int | None = None
    enable_host_pause_auto_record: bool | None = None
    mute_enable_join: bool | None = None
    mute_enable_type_join: int | None = None
    only_allow_enterprise_user_join: bool | None = None
    only_enterprise_user_allowed: bool | None = None
    only_user_join_type: int | None = None
    open_asr_view: int | None = None
    participant_join_auto_record: bool | None = None
    water_mark_type: int | None = None


class LiveWatermark(TencentModel):
    watermark_opt: int | None = None


class LiveConfig(TencentModel):
    enable_live_im: bool | None = None
    enable_live_password: bool | None = None
    enable_live_replay: bool | None = None
    live_addr: str | None = None
    live_password: str | None = None
    live_subject: str | None = None
    live_summary: str | None = None
    live_watermark: LiveWatermark | None = None


class RecurringRule(TencentModel):
    customized_recurring_days: int | None = None
    customized_recurring_step: int | None = None
    customized_recurring_type: int | None = None
    recurring_type: int | None = None
    sub_meeting_id: str | None = None
    until_count: int | None = None
    until_date: int | None = None
    until_type: int | None = None


class SubMeeting(TencentModel):
    sub_meeting_id: str | None = None
    start_time: TimeValue | None = None
    end_time: TimeValue | None = None
    status: int | None = None


class Guest(TencentModel):
    """An external guest (phone number with its area code)."""

    area: str | None = None
    phone_number: str | None = None
    guest_name: str | None = None


class Meeting(TencentModel):
    """One element of `meeting_info_list` (detail, list, create and update answers)."""

    meeting_id: str | None = None
    meeting_code: str | None = None
    subject: str | None = None
    type: int | None = None
    meeting_type: int | None = None
    status: str | None = None
    start_time: TimeValue | None = None
    end_time: TimeValue | None = None
    join_url: str | None = None
    password: str | None = None
    need_password: bool | None = None
    location: str | None = None
    time_zone: str | None = None
    media_set_type: int | None = None
    hosts: list[UserRef] = Field(default_factory=list)
    current_hosts: list[UserRef] = Field(default_factory=list)
    current_co_hosts: list[UserRef] = Field(default_factory=list)
    participants: list[UserRef] = Field(default_factory=list)
    guests: list[Guest] = Field(default_factory=list)
    settings: MeetingSettings | None = None
    recurring_rule: RecurringRule | None = None
    sub_meetings: list[SubMeeting] = Field(default_factory=list)
    current_sub_meeting_id: str | None = None
    has_more_sub_meeting: int | None = None
    remain_sub_meetings: int | None = None
    allow_enterprise_intranet_only: bool | None = None
    enable_doc_upload_permission: bool | None = None
    enable_enroll: bool | None = None
    enable_host_key: bool | None = None
    host_key: str | None = None
    enable_live: bool | None = None
    live_config: LiveConfig | None = None
    has_vote: bool | None = None
    sync_to_wework: bool | None = None
    join_meeting_role: str | None = None


class MeetingList(TencentModel):
    """One answer of `GET /v1/meetings` (pos + cursory paging)."""

    meeting_number: int | None = None
    meeting_info_list: list[Meeting] = Field(default_factory=list)
    remaining: int | None = None
    next_pos: int | None = None
    next_cursory: int | None = None


class MeetingFields(TencentModel):
    """Fields a meeting is created or changed with (the operator is added by the client)."""

    subject: str | None = None
    type: int | None = None
    start_time: TimeValue | None = None
    end_time: TimeValue | None = None
    password: str | None = None
    hosts: list[UserRef] | None = None
    invitees: list[UserRef] | None = None
    guests: list[Guest] | None = None
    settings: MeetingSettings | None = None
    meeting_type: int | None = None
    recurring_rule: RecurringRule | None = None
    location: str | None = None
    time_zone: str | None = None
    media_set_type: int | None = None
    enable_live: bool | None = None
    live_config: LiveConfig | None = None
    enable_doc_upload_permission: bool | None = None
    enable_enroll: bool | None = None
    enable_host_key: bool | None = None
    host_key: str | None = None
    allow_enterprise_intranet_only: bool | None = None


class MeetingCreate(MeetingFields):
    """Body of `POST /v1/meetings`; subject, type and both times are required."""

    subject: str
    type: int = 0
    start_time: TimeValue
    end_time: TimeValue
    enable_interpreter: bool | None = None
    sync_to_wework: bool | None = None


class MeetingUpdate(MeetingFields):
    """Body of `PUT /v1/meetings/{meeting_id}`: only the fields given are changed."""


class EndedMeeting(TencentModel):
    """An ended meeting (`GET /v1/history/meetings/{userid}`); times are integers here."""

    meeting_id: str | None = None
    meeting_code: str | None = None
    sub_meeting_id: str | None = None
    subject: str | None = None
    meeting_type: int | None = None
    start_time: TimeValue | None = None
    end_time: TimeValue | None = None


class EndedMeetingPage(NumberPage):
    meeting_info_list: list[EndedMeeting] = Field(default_factory=list)


class PmiMeeting(TencentModel):
    """A personal-meeting-ID meeting (`GET /v1/pmi-meetings`)."""

    meeting_id: str | None = None
    meeting_code: str | None = None
    subject: str | None = None
    status: int | str | None = None
    start_time: TimeValue | None = None
    end_time: TimeValue | None = None


class PmiMeetingPage(NumberPage):
    meeting_info_list: list[PmiMeeting] = Field(default_factory=list)


# ---- people in a meeting -----------------------------------------------------------


class Participant(TencentModel):
    """A join/leave record (`GET /v1/meetings/{id}/participants`)."""

    userid: str | None = None
    open_id: str | None = None
    ms_open_id: str | None = None
    user_name: str | None = None
    user_role: int | None = None
    instanceid: int | str | None = None
    join_time: TimeValue | None = None
    left_time: TimeValue | None = None
    join_type: int | None = None
    app_version: str | None = None
    customer_data: str | None = None
    ip: str | None = None
    location: str | None = None
    link_type: str | None = None
    net: str | None = None
    phone: str | None = None
    is_enterprise_user: bool | None = None
    audio_state: bool | None = None
    video_state: bool | None = None
    screen_shared_state: bool | None = None
    webinar_member_role: int | None = None


class ParticipantsPage(PosPage):
    meeting_id: str | None = None
    meeting_code: str | None = None
    subject: str | None = None
    schedule_start_time: TimeValue | None = None
    schedule_end_time: TimeValue | None = None
    total_count: int | None = None
    participants: list[Participant] = Field(default_factory=list)


class LiveParticipantsPage(NumberPage):
    """Members in the meeting, or in its waiting room, right now (page paging)."""

    meeting_id: str | None = None
    meeting_code: str | None = None
    subject: str | None = None
    status: str | None = None
    schedule_start_time: TimeValue | None = None
    schedule_end_time: TimeValue | None = None
    participants: list[Participant] = Field(default_factory=list)


class Invitee(TencentModel):
    userid: str | None = None
    nick_name: str | None = None


class InviteesPage(PosPage):
    invitees: list[Invitee] = Field(default_factory=list)


class NonRegistered(TencentModel):
    """Answer naming the users Tencent does not know (invitee or registration imports)."""

    user_non_registered: list[str] = Field(default_factory=list)


class QosParticipant(TencentModel):
    ms_open_id: str | None = None
    nick_name: str | None = None
    qos_details: list[dict[str, object]] = Field(default_factory=list)


class QosPage(NumberPage):
    participants: list[QosParticipant] = Field(default_factory=list)


class QualityParticipant(TencentModel):
    userid: str | None = None
    open_id: str | None = None
    ms_open_id: str | None = None
    instanceid: int | str | None = None
    quality: int | None = None
    audio_quality: int | None = None
    video_quality: int | None = None
    network_quality: int | None = None
    screen_share_quality: int | None = None
    problems: list[str] = Field(default_factory=list)


class QualityPage(NumberPage):
    meeting_id: str | None = None
    quality: int | None = None
    audio_quality: int | None = None
    video_quality: int | None = None
    network_quality: int | None = None
    screen_share_quality: int | None = None
    problems: list[str] = Field(default_factory=list)
    participants: list[QualityParticipant] = Field(default_factory=list)


class DeviceMeeting(TencentModel):
    instanceid: int | None = None
    meeting_id: str | None = None


class DeviceMeetings(TencentModel):
    meeting_id_map: list[DeviceMeeting] = Field(default_factory=list)


# ---- registration (enroll) ---------------------------------------------------------


class EnrollAnswer(TencentModel):
    question_num: int | None = None
    question_title: str | None = None
    question_type: int | None = None
    special_type: int | None = None
    is_required: int | None = None
    answer_content: list[str] = Field(default_factory=list)


class Enrollment(TencentModel):
    enroll_id: str | None = None
    enroll_code: str | None = None
    enroll_time: TimeValue | None = None
    enroll_source_type: int | None = None
    status: int | None = None
    userid: str | None = None
    open_id: str | None = None
    ms_open_id: str | None = None
    nick_name: str | None = None
    answer_list: list[EnrollAnswer] = Field(default_factory=list)


class EnrollmentPage(NumberPage):
    enroll_list: list[Enrollment] = Field(default_factory=list)


class EnrollOption(TencentModel):
    content: str | None = None


class EnrollQuestion(TencentModel):
    question_title: str | None = None
    question_type: int | None = None
    special_type: int | None = None
    is_required: int = 1
    option_list: list[EnrollOption] = Field(default_factory=list)


class EnrollConfig(TencentModel):
    meeting_id: str | None = None
    approve_type: int | None = None
    is_collect_question: int | None = None
    no_registration_needed_for_staff: bool | None = None
    enroll_description: str | None = None
    enroll_number: int | None = None
    enroll_deadline: TimeValue | None = None
    display_number_of_participants: int | None = None
    cover_image: list[str] = Field(default_factory=list)
    enroll_push_type: list[int] = Field(default_factory=list)
    question_list: list[EnrollQuestion] = Field(default_factory=list)


class EnrollConfigUpdate(TencentModel):
    """Body of `PUT /v1/meetings/{id}/enroll/config` without the operator fields."""

    question_list: list[EnrollQuestion] = Field(default_factory=list)
    approve_type: int | None = None
    is_collect_question: int | None = None
    no_registration_needed_for_staff: bool | None = None
    enroll_description: str | None = None
    enroll_number: int | None = None
    enroll_deadline: TimeValue | None = None
    display_number_of_participants: int | None = None
    cover_image: list[str] | None = None
    enroll_push_type: list[int] | None = None


class EnrollConfigResult(TencentModel):
    meeting_id: str | None = None
    question_count: int | None = None


class EnrollApprovalResult(TencentModel):
    meeting_id: str | None = None
    handled_count: int | None = None


class EnrollId(TencentModel):
    enroll_id: str | None = None
    ms_open_id: str | None = None


class EnrollIds(TencentModel):
    meeting_id: str | None = None
    enroll_id_list: list[EnrollId] = Field(default_factory=list)


class EnrollImport(TencentModel):
    """A person to register; give a userid, an open_id, or a phone number with its area."""

    userid: str | None = None
    open_id: str | None = None
    area: str | None = None
    phone_number: str | None = None
    nick_name: str | None = None


class EnrollImported(EnrollImport):
    enroll_id: str | None = None
    enroll_code: str | None = None


class EnrollImportResult(NonRegistered):
    total_count: int | None = None
    enroll_list: list[EnrollImported] = Field(default_factory=list)


class EnrollDeleteResult(TencentModel):
    total_count: int | None = None


# ---- links, waiting room, ASR, jobs ----------------------------------------------------


class CustomerShortUrl(TencentModel):
    customer_data: str | None = None
    meeting_short_url: str | None = None


class WelcomeMessage(TencentModel):
    enable_welcome: bool | None = None
    welcome_text: str | None = None


class WaitingRoomMember(TencentModel):
    """A waiting-room history entry (`GET /v1/meeting/{id}/waiting-room`)."""

    userid: str | None = None
    open_id: str | None = None
    ms_open_id: str | None = None
    user_name: str | None = None
    instanceid: int | str | None = None
    app_version: str | None = None
    customer_data: str | None = None
    join_time: TimeValue | None = None
    left_time: TimeValue | None = None


class WaitingRoomPage(NumberPage):
    meeting_id: str | None = None
    meeting_code: str | None = None
    subject: str | None = None
    schedule_start_time: TimeValue | None = None
    schedule_end_time: TimeValue | None = None
    participants: list[WaitingRoomMember] = Field(default_factory=list)


class AsrHotWords(TencentModel):
    customize_words: list[str] = Field(default_factory=list)
    tag: str | None = None


class AsrDetails(NumberPage):
    """Export links of a live transcription; Tencent names the counters curr_*."""

    curr_page: int | None = None
    curr_size: int | None = None
    download_url: list[str] = Field(default_factory=list)


class ExportJob(TencentModel):
    """State of an export job (`GET /v1/meeting/{job_id}`)."""

    status: int | None = None
    job_url: str | None = None
    error_msg: str | None = None
