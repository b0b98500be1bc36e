"""Departments.

SDK 1.0.10 has no department API. `from_users` builds the department list
from the users' `department_list` (verified fields, always available). The
REST calls follow Tencent's public docs and are [unverified]:

- `PUT /v1/departments/{department_id}` with `userid`, `department_name`,
  `parent_department_id` ("0" makes it a top-level department), answering the
  department (cloud.tencent.com/document/product/1095/60805) [unverified];
- `POST /v1/departments` and `DELETE /v1/departments/{department_id}` are the
  same resource's create and delete as the docs' department management section
  lists them; their exact fields are [unverified].
"""

from typing import TYPE_CHECKING

from hub_tencent_meeting.client.common import UnverifiedModule, compact, quoted
from hub_tencent_meeting.models.departments import Department, DepartmentView

if TYPE_CHECKING:
    from hub_tencent_meeting.client.base import TencentMeetingClient
    from hub_tencent_meeting.client.users import UsersApi


class DepartmentsApi(UnverifiedModule):
    title = "department management"

    def __init__(
        self, client: "TencentMeetingClient", users: "UsersApi", *, enabled: bool = False
    ) -> None:
        super().__init__(client, enabled=enabled)
        self.users = users

    async def from_users(self, *, status: int | None = None) -> list[DepartmentView]:
        """Every department some user belongs to, with its members (verified data)."""
        found: dict[str, DepartmentView] = {}
        async for user in self.users.iter_users_advance(status=status):
            for entry in user.department_list:
                if not entry.department_id:
                    continue
                view = found.setdefault(
                    entry.department_id, DepartmentView(department_id=entry.department_id)
                )
                view.department_name = view.department_name or entry.department_name
                view.department_full_name = (
                    view.department_full_name or entry.department_full_name
                )
                if user.userid and user.userid not in view.userids:
                    view.userids.append(user.userid)
                    if entry.is_main:
                        view.main_userids.append(user.userid)
        return sorted(found.values(), key=lambda d: d.department_full_name or d.department_id)

    async def create(
        self,
        department_name: str,
        *,
        parent_department_id: str | None = None,
        operator_id: str | None = None,
    ) -> Department:
        """Create a department [unverified]."""
        self._require_enabled("create")
        body = compact(
            userid=self._userid(operator_id),
            department_name=department_name,
            parent_department_id=parent_department_id,
        )
        data = await self.client.call("POST", "/v1/departments", body=body, limit="users")
        return Department.model_validate(data)

    async def update(
        self,
        department_id: str,
        *,
        department_name: str,
        parent_department_id: str,
        operator_id: str | None = None,
    ) -> Department:
        """Rename or move a department [unverified]."""
        self._require_enabled("update")
        body = {
            "userid": self._userid(operator_id),
            "department_name": department_name,
            "parent_department_id": parent_department_id,
        }
        path = f"/v1/departments/{quoted(department_id)}"
        data = await self.client.call("PUT", path, body=body, limit="users")
        return Department.model_validate(data)

    async def delete(self, department_id: str, *, operator_id: str | None = None) -> None:
        """Delete an empty department [unverified]."""
        self._require_enabled("delete")
        path = f"/v1/departments/{quoted(department_id)}"
        query = {"userid": self._userid(operator_id)}
        await self.client.call("DELETE", path, query=query, limit="users")
