"""Users in the fake: create, read, change, delete, enable, both listings, departments.

A user is kept as the detail answer shows it. New users start inactive
(`status` "3", Tencent sends them an activation invitation); `set_enabled`
switches between "1" (normal) and "4" (disabled). `department_list` entries
name departments of `state.departments`, whose names and full paths are
filled in from there.
"""

from typing import TYPE_CHECKING, Any

from aiohttp import web

from .support import bad, listed, meeting, ms_open_id, public, user, user_by_uuid

if TYPE_CHECKING:
    from . import FakeTencentMeeting

OPERATOR = ("operator_id", "operator_id_type")
NORMAL, INACTIVE, DISABLED = "1", "3", "4"
EDITABLE = (
    "username", "email", "phone", "area", "staff_id", "job_title", "entry_time", "avatar_url",
    "user_account_type", "add_on_largemeeting", "add_on_webinar", "is_voov",
)


def add_department(
    fake: "FakeTencentMeeting", department_id: str, name: str, parent: str | None = None
) -> dict[str, Any]:
    """Store a department; its full name is its parents' names joined with `/`."""
    full = name
    if parent:
        full = f"{fake.state.departments[parent]['department_full_name']}/{name}"
    entry = {
        "department_id": department_id,
        "department_name": name,
        "department_full_name": full,
        "parent_department_id": parent or "0",
        "is_main_department": parent is None,
    }
    fake.state.departments[department_id] = entry
    return entry


def department_entries(
    fake: "FakeTencentMeeting", refs: list[Any]
) -> list[dict[str, Any]]:
    entries = []
    for position, ref in enumerate(refs):
        department_id = str(ref.get("department_id") if isinstance(ref, dict) else ref)
        found = fake.state.departments.get(department_id)
        if found is None:
            raise bad(fake, f"department {department_id} does not exist")
        entries.append({
            "department_id": department_id,
            "department_name": found["department_name"],
            "department_full_name": found["department_full_name"],
            "is_main": position == 0,
        })
    return entries


def add_user(
    fake: "FakeTencentMeeting",
    userid: str,
    username: str,
    *,
    phone: str = "",
    departments: list[str] = (),  # type: ignore[assignment]
    status: str = NORMAL,
    role_code: str = "normal",
    role_name: str = "普通成员",
    **fields: Any,
) -> dict[str, Any]:
    """Store a user as `POST /v1/users` would (active unless `status` says otherwise)."""
    entry = {
        "userid": userid,
        "uuid": f"WM{fake.next_id(14)}",
        "username": username,
        "phone": phone,
        "area": "86",
        "email": "",
        "status": status,
        "role_code": role_code,
        "role_name": role_name,
        "user_account_type": 1,
        "account_version": 1,
        "enable_ai_account": False,
        "update_time": str(int(fake.now())),
        "department_list": department_entries(fake, list(departments)),
        **fields,
    }
    fake.state.users[userid] = entry
    return entry


def add_routes(fake: "FakeTencentMeeting", routes: web.RouteTableDef) -> None:
    def change(found: dict[str, Any], values: dict[str, Any]) -> None:
        for name in EDITABLE:
            if name in values:
                found[name] = values[name]
        if "department_list" in values:
            refs = listed(values["department_list"], "department_list", fake)
            found["department_list"] = department_entries(fake, refs)
        found["update_time"] = str(int(fake.now()))

    def detail(found: dict[str, Any]) -> dict[str, Any]:
        return public(found)

    def remove(found: dict[str, Any]) -> None:
        del fake.state.users[found["userid"]]

    # ---- one user ----------------------------------------------------------------------------

    @routes.post("/v1/users")
    async def create(request: web.Request) -> web.Response:
        values = await fake.require(request, *OPERATOR, "userid", "username", "phone")
        userid = str(values["userid"])
        if userid in fake.state.users:
            raise fake.error(400, 190004, f"user {userid} already exists")
        phone = str(values["phone"])
        if not phone.isdigit():
            raise fake.error(400, 190004, "param phone is not a phone number")
        refs = listed(values.get("department_list") or [], "department_list", fake)
        departments = department_entries(fake, refs)  # refuses unknown ids before storing
        created = add_user(fake, userid, str(values["username"]), phone=phone, status=INACTIVE)
        created["department_list"] = departments
        change(created, values)
        return fake.ok({k: created.get(k, "") for k in ("userid", "username", "email", "phone")})

    @routes.get("/v1/users/{userid}")
    async def get(request: web.Request) -> web.Response:
        await fake.require(request, *OPERATOR)
        return fake.ok(detail(user(fake, request.match_info["userid"])))

    @routes.get("/v1/users")
    async def get_by_uuid(request: web.Request) -> web.Response:
        values = await fake.require(request, "uuid", *OPERATOR)
        return fake.ok(detail(user_by_uuid(fake, str(values["uuid"]))))

    @routes.put("/v1/users/{userid}")
    async def update(request: web.Request) -> web.Response:
        values = await fake.require(request, *OPERATOR)
        change(user(fake, request.match_info["userid"]), values)
        return fake.ok()

    @routes.put("/v1/users")
    async def update_by_uuid(request: web.Request) -> web.Response:
        values = await fake.require(request, "uuid", *OPERATOR)
        change(user_by_uuid(fake, str(values["uuid"])), values)
        return fake.ok()

    @routes.delete("/v1/users/{userid}")
    async def delete(request: web.Request) -> web.Response:
        await fake.require(request, *OPERATOR)
        remove(user(fake, request.match_info["userid"]))
        return fake.ok()

    @routes.delete("/v1/users")
    async def delete_by_uuid(request: web.Request) -> web.Response:
        values = await fake.require(request, "uuid", *OPERATOR)
        remove(user_by_uuid(fake, str(values["uuid"])))
        return fake.ok()

    @routes.post("/v1/users/delete-transfer")
    async def delete_transfer(request: web.Request) -> web.Response:
        values = await fake.require(request, *OPERATOR, "to_operator_id", "to_operator_id_type")
        leaving = user(fake, str(values["to_operator_id"]))
        receiver = values.get("receiver_id")
        if receiver:
            user(fake, str(receiver))
            for found in fake.state.meetings.values():
                if found["_creator"] == leaving["userid"]:
                    found["_creator"] = receiver
        remove(leaving)
        return fake.ok()

    @routes.put("/v1/users/{userid}/enable")
    async def enable(request: web.Request) -> web.Response:
        values = await fake.require(request, *OPERATOR)
        if not isinstance(values.get("enable"), bool):
            raise bad(fake, "param enable is required (true or false)")
        user(fake, request.match_info["userid"])["status"] = (
            NORMAL if values["enable"] else DISABLED
        )
        return fake.ok()

    @routes.get("/v1/users/info/basic")
    async def basic(request: web.Request) -> web.Response:
        values = await fake.require(request, *OPERATOR)
        found = user(fake, str(values["operator_id"]))
        return fake.ok({
            **{k: found.get(k) for k in (
                "username", "avatar_url", "status", "account_version", "user_account_type",
                "enable_ai_account", "phone_status",
            ) if found.get(k) is not None},
            "account_type": 2,
            "open_corp_id": fake.app_id,
            "open_corp_name": "Fake Corp",
        })

    # ---- listings ----------------------------------------------------------------------------

    def ordered() -> list[dict[str, Any]]:
        return sorted(fake.state.users.values(), key=lambda u: u["userid"])

    @routes.get("/v1/users/list")
    async def listing(request: web.Request) -> web.Response:
        values = await fake.require(request, "page", "page_size", *OPERATOR)
        page = fake.numbered_page(values, [detail(u) for u in ordered()], "users")
        # The real answer reports page_size and no total_page.
        page.pop("total_page")
        return fake.ok({**page, "page_size": int(values["page_size"])})

    @routes.get("/v1/users/advance/list")
    async def advance(request: web.Request) -> web.Response:
        values = await fake.require(request, *OPERATOR)
        found = ordered()
        if values.get("status"):
            found = [u for u in found if u["status"] == str(values["status"])]
        if values.get("department_id"):
            found = [
                u for u in found
                if any(d["department_id"] == values["department_id"]
                       for d in u["department_list"])
            ]
        if values.get("user_account_type"):
            found = [
                u for u in found if str(u["user_account_type"]) == values["user_account_type"]
            ]
        page = fake.pos_page(values, [detail(u) for u in found], "users")
        return fake.ok({**page, "next_pos": str(page["next_pos"])})

    # ---- invitations, authorization, ids -----------------------------------------------------

    @routes.post("/v1/users/invite-activate")
    async def activation_links(request: web.Request) -> web.Response:
        values = await fake.require(request, *OPERATOR, "userid_list")
        links = [
            {"userid": u, "activate_url": f"https://meeting.tencent.com/activate/{u}"}
            for u in listed(values["userid_list"], "userid_list", fake)
            if user(fake, str(u))["status"] == INACTIVE
        ]
        return fake.ok({"inactivate_user_list": links})

    @routes.put("/v1/users/{userid}/invite-activate")
    async def send_activation(request: web.Request) -> web.Response:
        await fake.require(request, *OPERATOR)
        found = user(fake, request.match_info["userid"])
        if found["status"] != INACTIVE:
            raise fake.error(500, 190005, "the user is already active")
        return fake.ok()

    @routes.post("/v1/users/invite-auth")
    async def auth_links(request: web.Request) -> web.Response:
        values = await fake.require(request, *OPERATOR, "userid_list")
        good, wrong = [], []
        for userid in listed(values["userid_list"], "userid_list", fake):
            if userid in fake.state.users:
                good.append({"userid": userid, "auth_url": f"https://meeting.tencent.com/a/{userid}"})
            else:
                wrong.append({"userid": userid, "error_code": 190001, "error_msg": "not found"})
        return fake.ok({"auth_user_list": good, "error_user_list": wrong})

    @routes.put("/v1/users/{userid}/invite-auth")
    async def send_auth(request: web.Request) -> web.Response:
        await fake.require(request, *OPERATOR)
        user(fake, request.match_info["userid"])
        return fake.ok()

    @routes.post("/v1/users/open-id-to-userid")
    async def open_ids(request: web.Request) -> web.Response:
        values = await fake.require(request, *OPERATOR, "open_id_list", "sdkid")
        known: dict[str, str] = fake.state.extra.setdefault("open_ids", {})
        found, invalid = [], []
        for open_id in listed(values["open_id_list"], "open_id_list", fake):
            if open_id in known:
                found.append({"open_id": open_id, "userid": known[open_id]})
            else:
                invalid.append(open_id)
        return fake.ok({"userid_list": found, "invalid_open_id_list": invalid})

    @routes.put("/v1/auth-users/cancel-auth")
    async def cancel_auth(request: web.Request) -> web.Response:
        values = await fake.require(request, *OPERATOR)
        if str(values["operator_id_type"]) == "2":
            fake.revoke(str(values["operator_id"]))
        return fake.ok()

    @routes.get("/v1/meetings/{meeting_id}/ms-open-id")
    async def member_id(request: web.Request) -> web.Response:
        values = await fake.require(request, *OPERATOR)
        found = meeting(fake, request.match_info["meeting_id"])
        return fake.ok({
            "meeting_id": found["meeting_id"],
            "ms_open_id": ms_open_id(found["meeting_id"], str(values["operator_id"])),
        })

    # ---- account resources -------------------------------------------------------------------

    @routes.get("/v1/users/account/statistics")
    async def statistics(request: web.Request) -> web.Response:
        await fake.require(request, *OPERATOR)
        users = list(fake.state.users.values())
        ai = sum(1 for u in users if u.get("enable_ai_account"))
        return fake.ok({
            "user_count": len(users),
            "user_account_details": [
                {"user_account_type": 1, "user_account_count": 500,
                 "user_account_used_count": len(users)}
            ],
            "ai_account_details": [
                {"ai_account_type": 1, "ai_account_count": 10, "ai_account_used_count": ai}
            ],
            "add_on_largemeeting_details": [],
            "add_on_webinar_details": [],
        })

    @routes.post("/v1/users/account/ai-account")
    async def grant_ai(request: web.Request) -> web.Response:
        values = await fake.require(request, *OPERATOR, "to_operator_id", "to_operator_id_type")
        found = user(fake, str(values["to_operator_id"]))
        found["enable_ai_account"] = True
        found["ai_account_type"] = int(values.get("ai_account_type") or 1)
        return fake.ok()

    @routes.delete("/v1/users/account/ai-account")
    async def remove_ai(request: web.Request) -> web.Response:
        values = await fake.require(request, *OPERATOR, "to_operator_id", "to_operator_id_type")
        found = user(fake, str(values["to_operator_id"]))
        found["enable_ai_account"] = False
        found.pop("ai_account_type", None)
        return fake.ok()

    # ---- personal meeting ID -----------------------------------------------------------------

    def pmi_of(userid: str) -> dict[str, Any]:
        user(fake, userid)
        return fake.state.extra.setdefault("pmi", {}).setdefault(
            userid,
            {"pmi_code": str(int(ms_open_id("pmi", userid), 16) % 10**10).zfill(10),
             "allow_in_before_host": True, "hosts": [{"userid": userid}]},
        )

    @routes.get("/v1/pmi-meetings/pmi-config")
    async def pmi_config(request: web.Request) -> web.Response:
        values = await fake.require(request, "userid")
        return fake.ok(pmi_of(str(values["userid"])))

    @routes.put("/v1/pmi-meetings/pmi-config")
    async def set_pmi_config(request: web.Request) -> web.Response:
        values = await fake.require(request, *OPERATOR, "instanceid")
        if "hosts" not in values:
            raise bad(fake, "param hosts is required")
        config = pmi_of(str(values["operator_id"]))
        config.update(
            {k: v for k, v in values.items()
             if k not in ("operator_id", "operator_id_type", "instanceid")}
        )
        return fake.ok()
