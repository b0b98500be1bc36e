"""PSTN: calling telephones into a meeting."""

from pydantic import Field

from hub_tencent_meeting.models.common import TencentModel


class PhoneNumber(TencentModel):
    """A telephone to call: country/area code (86), number, optional extension."""

    area: int = 86
    phone: str
    extension_number: str | None = None
    nick_name: str | None = None


class PhoneCallState(TencentModel):
    area: int | None = None
    phone: str | None = None
    extension_number: str | None = None
    status: str | None = None
    error_msg: str | None = None


class CalloutResult(TencentModel):
    meeting_id: str | None = None
    phone_numbers: list[PhoneCallState] = Field(default_factory=list)
    invalid_phone_numbers: list[PhoneCallState] = Field(default_factory=list)


class CancelCallResult(TencentModel):
    success_list: list[PhoneCallState] = Field(default_factory=list)
    failed_list: list[PhoneCallState] = Field(default_factory=list)
