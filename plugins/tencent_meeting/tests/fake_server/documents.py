"""Meeting documents in the fake, as Tencent's public docs describe `GET /v1/docs`
[unverified]: pages of the user's meetings that have documents."""

from typing import TYPE_CHECKING, Any

from aiohttp import web

from .support import window

if TYPE_CHECKING:
    from . import FakeTencentMeeting


def add_doc(fake: "FakeTencentMeeting", meeting_id: str, title: str, editor: str) -> str:
    found = fake.state.meetings[meeting_id]
    doc_id = f"300000000${fake.next_id(12)}"
    found.setdefault("_docs", []).append({
        "doc_id": doc_id, "doc_title": title, "doc_creator_userid": editor,
        "doc_editor_userid": editor, "doc_edit_time": int(found["start_time"]),
        "doc_modify_permission": 1,
    })
    return doc_id


def add_routes(fake: "FakeTencentMeeting", routes: web.RouteTableDef) -> None:
    @routes.get("/v1/docs")
    async def docs(request: web.Request) -> web.Response:
        values = await fake.require(request, "userid", "page", "page_size")
        start, end = window(fake, values, 90, default_days=31)
        found: list[dict[str, Any]] = []
        for m in sorted(fake.state.meetings.values(), key=lambda m: int(m["start_time"])):
            if m["_creator"] == values["userid"] and m.get("_docs") and (
                start <= int(m["start_time"]) <= end
            ):
                found.append({
                    "meeting_id": m["meeting_id"], "meeting_code": m["meeting_code"],
                    "subject": m["subject"], "doc_num": len(m["_docs"]),
                    "start_time": int(m["start_time"]), "end_time": int(m["end_time"]),
                    "doc_info_list": m["_docs"],
                })
        return fake.ok(fake.numbered_page(values, found, "meeting_info_list"))
