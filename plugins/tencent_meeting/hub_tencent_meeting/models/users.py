"""Users and accounts: enterprise users, their departments, PMI settings, statistics."""

from pydantic import Field

from hub_tencent_meeting.models.common import NumberPage, PosPage, TencentModel, TimeValue


class UserDepartment(TencentModel):
    """A department a user belongs to (`department_list`)."""

    department_id: str | None = None
    department_name: str | None = None
    department_full_name: str | None = None
    is_main: bool | None = None


class User(TencentModel):
    """An enterprise user as the detail and both listings return it."""

    userid: str | None = None
    uuid: str | None = None
    username: str | None = None
    email: str | None = None
    email_status: int | None = None
    phone: str | None = None
    phone_status: int | None = None
    area: str | None = None
    staff_id: str | None = None
    job_title: str | None = None
    entry_time: TimeValue | None = None
    update_time: TimeValue | None = None
    avatar_url: str | None = None
    status: str | None = None
    role_code: str | None = None
    role_name: str | None = None
    account_type: int | None = None
    account_version: int | None = None
    user_account_type: int | None = None
    ai_account_type: int | None = None
    enable_ai_account: bool | None = None
    add_on_largemeeting: int | None = None
    add_on_webinar: int | None = None
    is_voov: int | None = None
    department_list: list[UserDepartment] = Field(default_factory=list)


class UserPage(NumberPage):
    """One page of `GET /v1/users/list` (it reports `page_size`, not always `total_page`)."""

    page_size: int | None = None
    users: list[User] = Field(default_factory=list)


class AdvanceUserPage(PosPage):
    users: list[User] = Field(default_factory=list)


class DepartmentRef(TencentModel):
    """A department to put a user in."""

    department_id: str


class UserFields(TencentModel):
    """Fields a user is created or changed with (the operator is added by the client)."""

    username: str | None = None
    phone: str | None = None
    area: str | None = None
    email: str | None = None
    staff_id: str | None = None
    job_title: str | None = None
    entry_time: TimeValue | None = None
    avatar_url: str | None = None
    department_list: list[DepartmentRef] | None = None
    user_account_type: int | None = None
    add_on_largemeeting: int | None = None
    add_on_webinar: int | None = None
    is_voov: int | None = None


class UserCreate(UserFields):
    """Body of `POST /v1/users`: userid, username and phone are required."""

    userid: str
    username: str
    phone: str
    auto_invite: bool | None = None


class UserUpdate(UserFields):
    """Body of `PUT /v1/users/{userid}` (and by uuid): only the fields given change."""


class CreatedUser(TencentModel):
    userid: str | None = None
    username: str | None = None
    email: str | None = None
    phone: str | None = None


class BasicInfo(TencentModel):
    """`GET /v1/users/info/basic`: the operator's own account (works with OAuth2)."""

    username: str | None = None
    avatar_url: str | None = None
    status: str | None = None
    account_type: int | None = None
    account_version: int | None = None
    user_account_type: int | None = None
    ai_account_type: int | None = None
    enable_ai_account: bool | None = None
    add_on_largemeeting: int | None = None
    add_on_webinar: int | None = None
    is_voov: int | None = None
    phone_status: int | None = None
    email_status: int | None = None
    open_corp_id: str | None = None
    open_corp_name: str | None = None


class AccountStatistics(TencentModel):
    user_count: int | None = None
    user_account_details: list[dict[str, int]] = Field(default_factory=list)
    ai_account_details: list[dict[str, int]] = Field(default_factory=list)
    add_on_largemeeting_details: list[dict[str, int]] = Field(default_factory=list)
    add_on_webinar_details: list[dict[str, int]] = Field(default_factory=list)


class ActivationLink(TencentModel):
    userid: str | None = None
    activate_url: str | None = None


class ActivationLinks(TencentModel):
    inactivate_user_list: list[ActivationLink] = Field(default_factory=list)


class AuthLink(TencentModel):
    userid: str | None = None
    auth_url: str | None = None


class AuthLinkError(TencentModel):
    userid: str | None = None
    error_code: int | None = None
    error_msg: str | None = None


class AuthLinks(TencentModel):
    auth_user_list: list[AuthLink] = Field(default_factory=list)
    error_user_list: list[AuthLinkError] = Field(default_factory=list)


class OpenIdMapping(TencentModel):
    open_id: str | None = None
    userid: str | None = None


class OpenIdMappings(TencentModel):
    userid_list: list[OpenIdMapping] = Field(default_factory=list)
    invalid_open_id_list: list[str] = Field(default_factory=list)


class MsOpenId(TencentModel):
    meeting_id: str | None = None
    ms_open_id: str | None = None


class PmiHost(TencentModel):
    userid: str | None = None
    operator_id: str | None = None
    operator_id_type: int | None = None


class PmiConfig(TencentModel):
    """A user's personal meeting ID settings."""

    pmi_code: str | None = None
    pmi_name: str | None = None
    pmi_password: str | None = None
    allow_in_before_host: bool | None = None
    allow_in_waiting_room: bool | None = None
    allow_multi_device: bool | None = None
    disable_note_capture: bool | None = None
    mute_enable_type_join: int | None = None
    only_enterprise_user_allowed: bool | None = None
    water_mark_type: int | None = None
    watermark: bool | None = None
    hosts: list[PmiHost] = Field(default_factory=list)


class PmiConfigUpdate(TencentModel):
    """Body of `PUT /v1/pmi-meetings/pmi-config` without the operator fields."""

    hosts: list[PmiHost] = Field(default_factory=list)
    pmi_name: str | None = None
    pmi_password: str | None = None
    enable_password: bool | None = None
    allow_in_before_host: bool | None = None
    auto_in_waiting_room: bool | None = None
    allow_multi_device: bool | None = None
    disable_note_capture: bool | None = None
    mute_enable_type_join: int | None = None
    only_enterprise_user_allowed: bool | None = None
    water_mark_type: int | None = None
    watermark: bool | None = None
