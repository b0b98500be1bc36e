"""Enterprise-wide recordings (`GET /v1/corp/records`) in the fake, following Tencent's
public docs [unverified]: every user's meeting records, 31-day windows, pages of 20."""

from typing import TYPE_CHECKING

from aiohttp import web

from .records import shown
from .support import window

if TYPE_CHECKING:
    from . import FakeTencentMeeting


def add_routes(fake: "FakeTencentMeeting", routes: web.RouteTableDef) -> None:
    @routes.get("/v1/corp/records")
    async def corp_records(request: web.Request) -> web.Response:
        values = await fake.require(
            request, "start_time", "end_time", "operator_id", "operator_id_type"
        )
        start, end = window(fake, values, 31)
        found = sorted(
            (r for r in fake.state.records.values()
             if start * 1000 <= r["media_start_time"] <= end * 1000),
            key=lambda r: (r["media_start_time"], r["meeting_record_id"]),
        )
        return fake.ok(fake.numbered_page(
            values, [shown(r) for r in found], "record_meetings", default_page_size=10
        ))
