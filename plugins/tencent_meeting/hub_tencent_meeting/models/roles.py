"""Roles and permissions.

`RoleView` is derived from users' `role_code` / `role_name` (verified fields);
`CorpUser` is the answer of `GET /v1/corp/users`, documented publicly by
Tencent but not in SDK 1.0.10 [unverified].
"""

from pydantic import Field

from hub_tencent_meeting.models.common import NumberPage, TencentModel, TimeValue


class RoleView(TencentModel):
    role_code: str
    role_name: str | None = None
    userids: list[str] = Field(default_factory=list)


class CorpUserDepartment(TencentModel):
    id: str | None = None
    name: str | None = None
    full_name: str | None = None
    is_main: bool | None = None


class CorpUser(TencentModel):
    userid: str | None = None
    uuid: str | None = None
    user_name: str | None = None
    role_code: str | None = None
    role_name: str | None = None
    status: int | str | None = None
    phone: str | None = None
    email: str | None = None
    area: str | None = None
    avatar_url: str | None = None
    update_time: TimeValue | None = None
    departments: list[CorpUserDepartment] = Field(default_factory=list)


class CorpUserPage(NumberPage):
    users: list[CorpUser] = Field(default_factory=list)
