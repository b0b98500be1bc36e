"""Meeting guests in the fake: listed and replaced by the meeting's creator."""

from typing import TYPE_CHECKING

from aiohttp import web

from .support import bad, listed, meeting

if TYPE_CHECKING:
    from . import FakeTencentMeeting


def add_routes(fake: "FakeTencentMeeting", routes: web.RouteTableDef) -> None:
    @routes.get("/v1/guests/{meeting_id}")
    async def guests(request: web.Request) -> web.Response:
        await fake.require(request, "userid", "instanceid")
        found = meeting(fake, request.match_info["meeting_id"])
        return fake.ok({
            "meeting_id": found["meeting_id"], "meeting_code": found["meeting_code"],
            "subject": found["subject"], "guests": found.get("guests", []),
        })

    @routes.put("/v1/guests/{meeting_id}")
    async def replace(request: web.Request) -> web.Response:
        values = await fake.require(request, "userid", "instanceid")
        if "guests" not in values:
            raise bad(fake, "param guests is required")
        found = meeting(fake, request.match_info["meeting_id"])
        if values["userid"] != found["_creator"]:
            raise fake.error(500, 9042, "no permission: only the creator changes guests")
        guests = listed(values["guests"], "guests", fake)
        for guest in guests:
            if not guest.get("area") or not guest.get("phone_number"):
                raise bad(fake, "each guest needs area and phone_number")
        found["guests"] = guests
        return fake.ok()
