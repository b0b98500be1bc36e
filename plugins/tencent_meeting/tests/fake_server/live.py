"""Live streaming and webinars in the fake, following Tencent's public docs [unverified]."""

from typing import TYPE_CHECKING

from aiohttp import web

from .meetings import add_meeting
from .support import bad, meeting, number, public

if TYPE_CHECKING:
    from . import FakeTencentMeeting


def add_routes(fake: "FakeTencentMeeting", routes: web.RouteTableDef) -> None:
    @routes.put("/v1/meetings/{meeting_id}/live_play/config")
    async def live_config(request: web.Request) -> web.Response:
        values = await fake.require(request, "userid", "instanceid", "live_config")
        found = meeting(fake, request.match_info["meeting_id"])
        if values["userid"] != found["_creator"]:
            raise fake.error(500, 9042, "only the creator changes the live configuration")
        if not found.get("enable_live"):
            raise fake.error(500, 20017, "live streaming is not enabled for this meeting")
        config = values["live_config"]
        if config.get("enable_live_password") and not config.get("live_password"):
            raise bad(fake, "live_password is required when enable_live_password is true")
        found["live_config"] = {**(found.get("live_config") or {}), **config}
        return fake.ok()

    @routes.get("/v1/meetings/{meeting_id}/live_play/replays")
    async def replays(request: web.Request) -> web.Response:
        await fake.require(request, "userid", "instanceid")
        found = meeting(fake, request.match_info["meeting_id"])
        replay = [] if not found.get("enable_live") else [{
            "live_room_id": found["meeting_code"],
            "live_subject": (found.get("live_config") or {}).get("live_subject")
            or found["subject"],
            "video_url": f"https://meeting.tencent.com/l/{found['meeting_id'][-8:]}",
        }]
        return fake.ok({"meeting_number": 1, "meeting_info_list": [{
            "meeting_id": found["meeting_id"], "meeting_code": found["meeting_code"],
            "subject": found["subject"], "live_replay_list": replay,
        }]})

    @routes.post("/v1/webinars")
    async def webinar(request: web.Request) -> web.Response:
        values = await fake.require(
            request, "userid", "instanceid", "subject", "start_time", "end_time"
        )
        start, end = number(fake, values, "start_time"), number(fake, values, "end_time")
        assert start is not None and end is not None
        if end <= start:
            raise bad(fake, "end_time must be later than start_time")
        created = add_meeting(fake, str(values["userid"]), str(values["subject"]), start, end,
                              meeting_type=6, sponsor=values.get("sponsor", ""))
        shown = public(created)
        return fake.ok({
            **{k: shown[k] for k in ("meeting_id", "meeting_code", "subject", "start_time",
                                     "end_time")},
            "audience_join_link": shown["join_url"],
            "guest_join_link": shown["join_url"] + "?guest=1",
        })
