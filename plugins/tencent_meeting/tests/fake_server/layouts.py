"""Meeting layouts in the fake: added per meeting, applied to all or some members."""

from typing import TYPE_CHECKING, Any

from aiohttp import web

from .support import bad, listed, meeting

if TYPE_CHECKING:
    from . import FakeTencentMeeting

OPERATOR = ("operator_id", "operator_id_type")


def add_routes(fake: "FakeTencentMeeting", routes: web.RouteTableDef) -> None:
    def store(found: dict[str, Any], layouts: list[Any], advanced: bool) -> list[dict]:
        added = []
        for layout in layouts:
            pages = listed(layout.get("page_list"), "page_list", fake)
            for page in pages:
                if not page.get("layout_template_id"):
                    raise bad(fake, "each page needs layout_template_id")
            entry = {**layout, "layout_id": layout.get("layout_id") or fake.next_id(10)}
            if advanced and not entry.get("layout_name"):
                raise bad(fake, "each advanced layout needs layout_name")
            found.setdefault("_layouts", {})[entry["layout_id"]] = entry
            added.append(entry)
        return added

    @routes.post("/v1/meetings/{meeting_id}/layouts")
    async def add(request: web.Request) -> web.Response:
        values = await fake.require(request, *OPERATOR, "instanceid", "layout_list")
        found = meeting(fake, request.match_info["meeting_id"])
        added = store(found, listed(values["layout_list"], "layout_list", fake), False)
        order = int(values.get("default_layout_order") or 1)
        if not 1 <= order <= len(added):
            raise bad(fake, "default_layout_order is out of range")
        found["_selected_layout"] = added[order - 1]["layout_id"]
        return fake.ok({
            "layout_number": len(found["_layouts"]),
            "selected_layout_id": found["_selected_layout"],
            "layout_list": added,
        })

    @routes.post("/v1/meetings/{meeting_id}/advanced-layouts")
    async def add_advanced(request: web.Request) -> web.Response:
        values = await fake.require(request, *OPERATOR, "instanceid", "layout_list")
        found = meeting(fake, request.match_info["meeting_id"])
        added = store(found, listed(values["layout_list"], "layout_list", fake), True)
        return fake.ok({"layout_list": added})

    @routes.put("/v1/meetings/{meeting_id}/applying-layout")
    async def apply(request: web.Request) -> web.Response:
        values = await fake.require(request, *OPERATOR, "instanceid")
        found = meeting(fake, request.match_info["meeting_id"])
        layout_id = values.get("layout_id")
        if layout_id and layout_id not in found.get("_layouts", {}):
            raise fake.error(500, 20014, "layout not exist")
        users = values.get("user_list") or []
        if users:
            for target in listed(users, "user_list", fake):
                found.setdefault("_user_layouts", {})[target.get("ms_open_id")] = layout_id
        else:
            found["_selected_layout"] = layout_id
        return fake.ok()
