"""Department management in the fake, as Tencent's public docs describe it [unverified]:
not protocol evidence (the SDK has no department API)."""

from typing import TYPE_CHECKING, Any

from aiohttp import web

from .support import bad, user
from .users import add_department

if TYPE_CHECKING:
    from . import FakeTencentMeeting


def add_routes(fake: "FakeTencentMeeting", routes: web.RouteTableDef) -> None:
    def answer(entry: dict[str, Any]) -> dict[str, Any]:
        members = sum(
            1 for u in fake.state.users.values()
            if any(d["department_id"] == entry["department_id"] for d in u["department_list"])
        )
        return {**entry, "user_count": members}

    def parent_of(values: dict[str, Any]) -> str | None:
        parent = str(values.get("parent_department_id") or "0")
        if parent == "0":
            return None
        if parent not in fake.state.departments:
            raise bad(fake, "parent department does not exist")
        return parent

    @routes.post("/v1/departments")
    async def create(request: web.Request) -> web.Response:
        values = await fake.require(request, "userid", "department_name")
        user(fake, str(values["userid"]))
        entry = add_department(
            fake, fake.next_id(16), str(values["department_name"]), parent_of(values)
        )
        return fake.ok(answer(entry))

    @routes.put("/v1/departments/{department_id}")
    async def update(request: web.Request) -> web.Response:
        values = await fake.require(
            request, "userid", "department_name", "parent_department_id"
        )
        user(fake, str(values["userid"]))
        department_id = request.match_info["department_id"]
        if department_id not in fake.state.departments:
            raise fake.error(500, 10013, "department does not exist")
        entry = add_department(fake, department_id, str(values["department_name"]),
                               parent_of(values))
        return fake.ok(answer(entry))

    @routes.delete("/v1/departments/{department_id}")
    async def delete(request: web.Request) -> web.Response:
        values = await fake.require(request, "userid")
        user(fake, str(values["userid"]))
        department_id = request.match_info["department_id"]
        if department_id not in fake.state.departments:
            raise fake.error(500, 10013, "department does not exist")
        if answer(fake.state.departments[department_id])["user_count"]:
            raise fake.error(500, 10014, "the department still has members")
        del fake.state.departments[department_id]
        return fake.ok()
