"""Extension apps (toolkit) in the fake."""

from typing import TYPE_CHECKING

from aiohttp import web

from .support import bad, listed, meeting

if TYPE_CHECKING:
    from . import FakeTencentMeeting


def add_routes(fake: "FakeTencentMeeting", routes: web.RouteTableDef) -> None:
    @routes.post("/v1/app/toolkit")
    async def toolkit(request: web.Request) -> web.Response:
        values = await fake.require(request, "userid", "instanceid", "meeting_id", "tool_list")
        found = meeting(fake, str(values["meeting_id"]))
        tools = listed(values["tool_list"], "tool_list", fake)
        for tool in tools:
            if not tool.get("tool_appid") or not tool.get("tool_sdkid"):
                raise bad(fake, "each tool needs tool_appid and tool_sdkid")
        found["_tools"] = tools
        return fake.ok()
