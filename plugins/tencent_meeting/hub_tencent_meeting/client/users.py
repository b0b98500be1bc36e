"""Users and accounts: the enterprise's users, PMI settings, AI accounts, statistics.

Account-management calls share Tencent's tighter limit (100/min), so they go
through the client's "users" rate-limit bucket.
"""

from collections.abc import AsyncIterator, Sequence
from typing import Any

from hub_tencent_meeting.client.common import (
    ApiModule,
    ParameterError,
    check_page_size,
    compact,
    dump,
    models_of,
    quoted,
    with_total_page,
)
from hub_tencent_meeting.client.paging import pages_by_number, pages_by_pos
from hub_tencent_meeting.models.users import (
    AccountStatistics,
    ActivationLinks,
    AdvanceUserPage,
    AuthLinks,
    BasicInfo,
    CreatedUser,
    MsOpenId,
    OpenIdMappings,
    PmiConfig,
    PmiConfigUpdate,
    User,
    UserCreate,
    UserPage,
    UserUpdate,
)

USERS = "users"
LIST_MAX_PAGE_SIZE = 20
ADVANCE_MAX_SIZE = 100


class UsersApi(ApiModule):
    """Enterprise users (by `userid`, or by Tencent's `uuid`) and account resources."""

    # ---- one user ----------------------------------------------------------------------------

    async def create(self, user: UserCreate, *, operator_id: str | None = None) -> CreatedUser:
        body = {**self._op_body(operator_id), **dump(user)}
        data = await self.client.call("POST", "/v1/users", body=body, limit=USERS)
        return CreatedUser.model_validate(data)

    async def get(self, userid: str, *, operator_id: str | None = None) -> User:
        path = f"/v1/users/{quoted(userid)}"
        data = await self.client.call("GET", path, query=self._op_query(operator_id), limit=USERS)
        return User.model_validate(data)

    async def get_by_uuid(self, uuid: str, *, operator_id: str | None = None) -> User:
        query = {"uuid": uuid, **self._op_query(operator_id)}
        data = await self.client.call("GET", "/v1/users", query=query, limit=USERS)
        return User.model_validate(data)

    async def update(
        self, userid: str, changes: UserUpdate, *, operator_id: str | None = None
    ) -> None:
        body = {**self._op_body(operator_id), **dump(changes)}
        await self.client.call("PUT", f"/v1/users/{quoted(userid)}", body=body, limit=USERS)

    async def update_by_uuid(
        self, uuid: str, changes: UserUpdate, *, operator_id: str | None = None
    ) -> None:
        body = {**self._op_body(operator_id), **dump(changes)}
        await self.client.call("PUT", "/v1/users", query={"uuid": uuid}, body=body, limit=USERS)

    async def delete(self, userid: str, *, operator_id: str | None = None) -> None:
        path = f"/v1/users/{quoted(userid)}"
        await self.client.call("DELETE", path, query=self._op_query(operator_id), limit=USERS)

    async def delete_by_uuid(self, uuid: str, *, operator_id: str | None = None) -> None:
        query = {"uuid": uuid, **self._op_query(operator_id)}
        await self.client.call("DELETE", "/v1/users", query=query, limit=USERS)

    async def delete_and_transfer(
        self,
        userid: str,
        *,
        receiver_id: str | None = None,
        receiver_id_type: int | None = None,
        transfer_data: Sequence[int] | None = None,
        data_process: int | None = None,
        operator_id: str | None = None,
    ) -> None:
        """Delete a user and hand their meetings and recordings to `receiver_id`."""
        body = compact(
            **self._op_body(operator_id),
            to_operator_id=userid,
            to_operator_id_type=1,
            receiver_id=receiver_id,
            receiver_id_type=receiver_id_type,
            transfer_data=list(transfer_data) if transfer_data is not None else None,
            data_process=data_process,
        )
        await self.client.call("POST", "/v1/users/delete-transfer", body=body, limit=USERS)

    async def set_enabled(
        self, userid: str, enable: bool, *, operator_id: str | None = None
    ) -> None:
        body = {**self._op_body(operator_id), "enable": enable}
        path = f"/v1/users/{quoted(userid)}/enable"
        await self.client.call("PUT", path, body=body, limit=USERS)

    async def basic_info(self, *, operator_id: str | None = None) -> BasicInfo:
        """The operator's own account; also works with OAuth2 (the authorized user)."""
        query = self._op_query(operator_id)
        data = await self.client.call("GET", "/v1/users/info/basic", query=query, limit=USERS)
        return BasicInfo.model_validate(data)

    # ---- listings ----------------------------------------------------------------------------

    async def list_page(
        self, *, page: int = 1, page_size: int = LIST_MAX_PAGE_SIZE,
        operator_id: str | None = None,
    ) -> UserPage:
        check_page_size(page_size, LIST_MAX_PAGE_SIZE, "user list")
        query = {"page": page, "page_size": page_size, **self._op_query(operator_id)}
        data = await self.client.call("GET", "/v1/users/list", query=query, limit=USERS)
        return UserPage.model_validate(with_total_page(data, page_size))

    def iter_users(
        self, *, page_size: int = LIST_MAX_PAGE_SIZE, operator_id: str | None = None
    ) -> AsyncIterator[User]:
        """Every user through the classic page listing (prefer `iter_users_advance`)."""
        check_page_size(page_size, LIST_MAX_PAGE_SIZE, "user list")
        base = self._op_query(operator_id)

        async def fetch(paging: dict[str, Any]) -> dict[str, Any]:
            query = {**paging, **base}
            data = await self.client.call("GET", "/v1/users/list", query=query, limit=USERS)
            return with_total_page(data, int(paging.get("page_size", page_size)))

        return models_of(pages_by_number(fetch, "users", page_size=page_size), User)

    async def advance_page(
        self,
        *,
        pos: int | str | None = None,
        size: int = ADVANCE_MAX_SIZE,
        status: int | None = None,
        department_id: str | None = None,
        user_account_type: int | None = None,
        enable_ai_account: bool | None = None,
        operator_id: str | None = None,
    ) -> AdvanceUserPage:
        query = self._advance_query(
            size, status, department_id, user_account_type, enable_ai_account, operator_id
        )
        data = await self.client.call(
            "GET", "/v1/users/advance/list", query={**query, **compact(pos=pos)}, limit=USERS
        )
        return AdvanceUserPage.model_validate(data)

    def iter_users_advance(
        self,
        *,
        size: int = ADVANCE_MAX_SIZE,
        status: int | None = None,
        department_id: str | None = None,
        user_account_type: int | None = None,
        enable_ai_account: bool | None = None,
        operator_id: str | None = None,
    ) -> AsyncIterator[User]:
        """Every user, optionally of one department or status (1 normal, 3 inactive,
        4 disabled), with full department paths; pages by pos/size."""
        query = self._advance_query(
            size, status, department_id, user_account_type, enable_ai_account, operator_id
        )

        async def fetch(paging: dict[str, Any]) -> dict[str, Any]:
            return await self.client.call(
                "GET", "/v1/users/advance/list", query={**query, **paging}, limit=USERS
            )

        return models_of(pages_by_pos(fetch, "users", size=size), User)

    def _advance_query(
        self,
        size: int,
        status: int | None,
        department_id: str | None,
        user_account_type: int | None,
        enable_ai_account: bool | None,
        operator_id: str | None,
    ) -> dict[str, Any]:
        if not 1 <= size <= ADVANCE_MAX_SIZE:
            raise ParameterError(
                f"advanced user list: size must be between 1 and {ADVANCE_MAX_SIZE}"
            )
        return compact(
            **self._op_query(operator_id),
            size=size,
            status=status,
            department_id=department_id,
            user_account_type=user_account_type,
            enable_ai_account=enable_ai_account,
        )

    # ---- invitations, authorization, ids -----------------------------------------------------

    async def activation_links(
        self, userids: Sequence[str], *, operator_id: str | None = None
    ) -> ActivationLinks:
        """Activation links for users who have not activated their account yet."""
        body = {**self._op_body(operator_id), "userid_list": list(userids)}
        data = await self.client.call("POST", "/v1/users/invite-activate", body=body, limit=USERS)
        return ActivationLinks.model_validate(data)

    async def send_activation(self, userid: str, *, operator_id: str | None = None) -> None:
        """Send the activation invitation again (by SMS or mail, as Tencent decides)."""
        path = f"/v1/users/{quoted(userid)}/invite-activate"
        await self.client.call("PUT", path, query=self._op_query(operator_id), limit=USERS)

    async def auth_links(
        self, userids: Sequence[str], *, operator_id: str | None = None
    ) -> AuthLinks:
        """Security-verification links (users whose phone or mail needs confirming)."""
        body = {**self._op_body(operator_id), "userid_list": list(userids)}
        data = await self.client.call("POST", "/v1/users/invite-auth", body=body, limit=USERS)
        return AuthLinks.model_validate(data)

    async def send_auth(self, userid: str, *, operator_id: str | None = None) -> None:
        path = f"/v1/users/{quoted(userid)}/invite-auth"
        await self.client.call("PUT", path, body=self._op_body(operator_id), limit=USERS)

    async def open_ids_to_userids(
        self,
        open_ids: Sequence[str],
        *,
        sdkid: str | None = None,
        operator_id: str | None = None,
    ) -> OpenIdMappings:
        """Enterprise userids of OAuth2 open_ids (the app's SDK id by default)."""
        body = {
            **self._op_body(operator_id),
            "open_id_list": list(open_ids),
            "sdkid": sdkid or getattr(self.client.config, "sdk_id", None) or "",
        }
        data = await self.client.call(
            "POST", "/v1/users/open-id-to-userid", body=body, limit=USERS
        )
        return OpenIdMappings.model_validate(data)

    async def cancel_auth(self, *, operator_id: str | None = None) -> None:
        """Revoke the operator's authorization of this app (OAuth2)."""
        query = self._op_query(operator_id)
        await self.client.call("PUT", "/v1/auth-users/cancel-auth", query=query)

    async def ms_open_id(self, meeting_id: str, *, operator_id: str | None = None) -> MsOpenId:
        """The operator's per-meeting id in one meeting."""
        path = f"/v1/meetings/{quoted(meeting_id)}/ms-open-id"
        data = await self.client.call("GET", path, query=self._op_query(operator_id))
        return MsOpenId.model_validate(data)

    # ---- account resources -------------------------------------------------------------------

    async def account_statistics(self, *, operator_id: str | None = None) -> AccountStatistics:
        query = self._op_query(operator_id)
        data = await self.client.call(
            "GET", "/v1/users/account/statistics", query=query, limit=USERS
        )
        return AccountStatistics.model_validate(data)

    async def grant_ai_account(
        self,
        userid: str,
        *,
        ai_account_type: int | None = None,
        operator_id: str | None = None,
    ) -> None:
        body = compact(
            **self._op_body(operator_id),
            to_operator_id=userid,
            to_operator_id_type=1,
            ai_account_type=ai_account_type,
        )
        await self.client.call("POST", "/v1/users/account/ai-account", body=body, limit=USERS)

    async def remove_ai_account(self, userid: str, *, operator_id: str | None = None) -> None:
        body = {**self._op_body(operator_id), "to_operator_id": userid, "to_operator_id_type": 1}
        await self.client.call("DELETE", "/v1/users/account/ai-account", body=body, limit=USERS)

    # ---- personal meeting ID -----------------------------------------------------------------

    async def pmi_config(
        self, *, userid: str | None = None, instanceid: int = 1
    ) -> PmiConfig:
        query = {"userid": userid or self._userid(None), "instanceid": instanceid}
        data = await self.client.call("GET", "/v1/pmi-meetings/pmi-config", query=query)
        return PmiConfig.model_validate(data)

    async def update_pmi_config(
        self,
        config: PmiConfigUpdate,
        *,
        operator_id: str | None = None,
        instanceid: int = 1,
    ) -> None:
        body = {**self._op_body(operator_id), "instanceid": instanceid, **dump(config)}
        await self.client.call("PUT", "/v1/pmi-meetings/pmi-config", body=body)
