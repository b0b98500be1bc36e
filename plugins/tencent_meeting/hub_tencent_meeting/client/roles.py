"""Roles and permissions.

SDK 1.0.10 has no role API. `from_users` groups users by their `role_code` /
`role_name` (verified fields). `GET /v1/corp/users` lists the users holding
one role (`page`, `page_size`, `role_code`, optional `userid`, `uuid`,
`user_name`, `status`), an account-level call limited to 10/min, following
Tencent's public docs (cloud.tencent.com/document/product/1095/52496)
[unverified].
"""

from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

from hub_tencent_meeting.client.common import UnverifiedModule, compact, models_of
from hub_tencent_meeting.client.paging import pages_by_number
from hub_tencent_meeting.models.roles import CorpUser, CorpUserPage, RoleView

if TYPE_CHECKING:
    from hub_tencent_meeting.client.base import TencentMeetingClient
    from hub_tencent_meeting.client.users import UsersApi


class RolesApi(UnverifiedModule):
    title = "role management"

    def __init__(
        self, client: "TencentMeetingClient", users: "UsersApi", *, enabled: bool = False
    ) -> None:
        super().__init__(client, enabled=enabled)
        self.users = users

    async def from_users(self) -> list[RoleView]:
        """Every role some user holds, with its holders (verified data)."""
        roles: dict[str, RoleView] = {}
        async for user in self.users.iter_users_advance():
            if not user.role_code:
                continue
            view = roles.setdefault(user.role_code, RoleView(role_code=user.role_code))
            view.role_name = view.role_name or user.role_name
            if user.userid:
                view.userids.append(user.userid)
        return sorted(roles.values(), key=lambda r: r.role_code)

    async def users_page(
        self,
        role_code: str,
        *,
        page: int = 1,
        page_size: int = 20,
        status: int | None = None,
    ) -> CorpUserPage:
        """One page of the users holding `role_code` [unverified]."""
        self._require_enabled("users by role")
        query = compact(role_code=role_code, status=status, page=page, page_size=page_size)
        data = await self.client.call("GET", "/v1/corp/users", query=query, limit="users")
        return CorpUserPage.model_validate(data)

    def iter_users(
        self, role_code: str, *, page_size: int = 20, status: int | None = None
    ) -> AsyncIterator[CorpUser]:
        """Every user holding `role_code` [unverified]."""
        self._require_enabled("users by role")
        base = compact(role_code=role_code, status=status)

        async def fetch(paging: dict[str, Any]) -> dict[str, Any]:
            return await self.client.call(
                "GET", "/v1/corp/users", query={**base, **paging}, limit="users"
            )

        return models_of(pages_by_number(fetch, "users", page_size=page_size), CorpUser)
