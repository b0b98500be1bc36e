"""Users by role (`GET /v1/corp/users`) in the fake, following Tencent's public docs
[unverified]."""

from typing import TYPE_CHECKING

from aiohttp import web

if TYPE_CHECKING:
    from . import FakeTencentMeeting

STATUS = {"1": 1, "3": 2, "4": 0}  # the user's status -> this endpoint's 1 on / 2 inactive / 0 off


def add_routes(fake: "FakeTencentMeeting", routes: web.RouteTableDef) -> None:
    @routes.get("/v1/corp/users")
    async def corp_users(request: web.Request) -> web.Response:
        values = await fake.require(request, "page", "page_size", "role_code")
        found = [
            {
                "userid": u["userid"], "uuid": u["uuid"], "user_name": u["username"],
                "role_code": u["role_code"], "role_name": u["role_name"],
                "status": STATUS.get(u["status"], 1), "phone": u.get("phone", ""),
                "departments": [
                    {"id": d["department_id"], "name": d["department_name"],
                     "full_name": d["department_full_name"], "is_main": d["is_main"]}
                    for d in u["department_list"]
                ],
            }
            for u in sorted(fake.state.users.values(), key=lambda u: u["userid"])
            if u["role_code"] == values["role_code"]
        ]
        if values.get("status") not in (None, ""):
            found = [u for u in found if str(u["status"]) == str(values["status"])]
        return fake.ok(fake.numbered_page(values, found, "users"))
