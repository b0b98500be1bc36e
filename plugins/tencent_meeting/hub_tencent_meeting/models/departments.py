"""Departments.

SDK 1.0.10 has no department API. `DepartmentView` is derived from the
`department_list` of users (verified fields); `Department` is the answer of
Tencent's department management REST API, whose shape comes from Tencent's
public docs and is [unverified].
"""

from pydantic import Field

from hub_tencent_meeting.models.common import TencentModel


class DepartmentView(TencentModel):
    """A department as seen through its members' `department_list` entries."""

    department_id: str
    department_name: str | None = None
    department_full_name: str | None = None
    userids: list[str] = Field(default_factory=list)
    main_userids: list[str] = Field(default_factory=list)


class Department(TencentModel):
    """A department as the department REST API returns it [unverified]."""

    department_id: str | None = None
    department_name: str | None = None
    department_full_name: str | None = None
    parent_department_id: str | None = None
    is_main_department: bool | None = None
    user_count: int | None = None
