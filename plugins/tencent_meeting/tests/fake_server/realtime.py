"""Real-time control in the fake: each action needs a meeting in progress and a host."""

from typing import TYPE_CHECKING, Any

from aiohttp import web

from .support import bad, listed, meeting

if TYPE_CHECKING:
    from . import FakeTencentMeeting

OPERATOR = ("operator_id", "operator_id_type")
STARTED = "MEETING_STATE_STARTED"


def add_routes(fake: "FakeTencentMeeting", routes: web.RouteTableDef) -> None:
    def running(request: web.Request, values: dict[str, Any]) -> dict[str, Any]:
        found = meeting(fake, request.match_info["meeting_id"])
        if str(values["operator_id"]) not in found["_hosts"] and values.get(
            "operator_id_type"
        ) in (1, "1"):
            raise fake.error(500, 9042, "no permission: the operator is not a host")
        if found["status"] != STARTED:
            raise fake.error(500, 20012, "the meeting is not in progress")
        return found

    def member(found: dict[str, Any], target: Any) -> dict[str, Any]:
        if not isinstance(target, dict) or "instanceid" not in target:
            raise bad(fake, "param user must name instanceid and to_operator_id")
        wanted = str(target.get("to_operator_id") or target.get("ms_open_id") or "")
        for entry in found["_participants"]:
            if wanted in (entry["userid"], entry["ms_open_id"]) and not entry.get("left_time"):
                return entry
        raise fake.error(500, 20013, "the member is not in the meeting")

    @routes.post("/v1/meetings/{meeting_id}/dismiss")
    async def dismiss(request: web.Request) -> web.Response:
        values = await fake.require(request, *OPERATOR, "instanceid", "reason_code")
        found = running(request, values)
        found["status"] = "MEETING_STATE_ENDED"
        found["_ended_at"] = str(int(fake.now()))
        for entry in found["_participants"]:
            entry["left_time"] = entry.get("left_time") or found["_ended_at"]
        return fake.ok()

    @routes.put("/v1/real-control/meetings/{meeting_id}/asr")
    async def asr(request: web.Request) -> web.Response:
        values = await fake.require(request, *OPERATOR, "instance_id")
        if "is_open" not in values:
            raise bad(fake, "param is_open is required")
        found = running(request, values)
        found["_asr"] = bool(values["is_open"])
        return fake.ok({"code": 0, "message": "success"})

    @routes.put("/v1/real-control/meetings/{meeting_id}/cohosts")
    async def cohosts(request: web.Request) -> web.Response:
        values = await fake.require(request, *OPERATOR, "instanceid", "user")
        if "action" not in values:
            raise bad(fake, "param action is required")
        found = running(request, values)
        entry = member(found, values["user"])
        cohosts = found.setdefault("current_co_hosts", [])
        cohosts[:] = [c for c in cohosts if c.get("userid") != entry["userid"]]
        if values["action"]:
            cohosts.append({"userid": entry["userid"]})
        return fake.ok()

    @routes.put("/v1/real-control/meetings/{meeting_id}/doc")
    async def doc(request: web.Request) -> web.Response:
        values = await fake.require(request, *OPERATOR, "instanceid")
        if "enable_upload_doc" not in values:
            raise bad(fake, "param enable_upload_doc is required")
        running(request, values)["enable_doc_upload_permission"] = values["enable_upload_doc"]
        return fake.ok()

    @routes.put("/v1/real-control/meetings/{meeting_id}/kickout")
    async def kickout(request: web.Request) -> web.Response:
        values = await fake.require(request, *OPERATOR, "instanceid", "users")
        if "allow_rejoin" not in values:
            raise bad(fake, "param allow_rejoin is required")
        found = running(request, values)
        for target in listed(values["users"], "users", fake):
            member(found, target)["left_time"] = str(int(fake.now()))
        return fake.ok()

    @routes.put("/v1/real-control/meetings/{meeting_id}/mutes")
    async def mutes(request: web.Request) -> web.Response:
        values = await fake.require(request, *OPERATOR, "instanceid", "user")
        if "mute" not in values:
            raise bad(fake, "param mute is required")
        found = running(request, values)
        member(found, values["user"])["audio_state"] = not values["mute"]
        return fake.ok()

    @routes.put("/v1/real-control/meetings/{meeting_id}/names")
    async def names(request: web.Request) -> web.Response:
        values = await fake.require(request, *OPERATOR, "instanceid", "users")
        found = running(request, values)
        for target in listed(values["users"], "users", fake):
            if not isinstance(target, dict) or not target.get("ms_open_id"):
                raise bad(fake, "each user needs ms_open_id")
            entry = member(found, {"instanceid": target.get("instanceid"), **target})
            entry["user_name"] = target.get("nick_name") or entry["user_name"]
        return fake.ok()

    @routes.put("/v1/real-control/meetings/{meeting_id}/screen-shared")
    async def screen_shared(request: web.Request) -> web.Response:
        values = await fake.require(request, *OPERATOR, "instanceid", "user")
        found = running(request, values)
        member(found, values["user"])["screen_shared_state"] = False
        return fake.ok()

    @routes.put("/v1/real-control/meetings/{meeting_id}/status")
    async def status(request: web.Request) -> web.Response:
        values = await fake.require(request, *OPERATOR, "instanceid")
        found = running(request, values)
        switches = {
            k: v for k, v in values.items()
            if k not in ("operator_id", "operator_id_type", "instanceid")
        }
        if not switches:
            raise bad(fake, "no status to change")
        found.setdefault("_live_status", {}).update(switches)
        return fake.ok()

    @routes.put("/v1/real-control/meetings/{meeting_id}/video")
    async def video(request: web.Request) -> web.Response:
        values = await fake.require(request, *OPERATOR, "instanceid", "user")
        found = running(request, values)
        member(found, values["user"])["video_state"] = bool(values.get("video", False))
        return fake.ok()

    @routes.put("/v1/real-control/meetings/{meeting_id}/waiting-room")
    async def waiting_room(request: web.Request) -> web.Response:
        values = await fake.require(request, *OPERATOR, "instanceid", "operate_type", "users")
        found = running(request, values)
        operate = int(values["operate_type"])
        if operate not in (1, 2, 3):
            raise bad(fake, "param operate_type must be 1, 2 or 3")
        for target in listed(values["users"], "users", fake):
            wanted = str(target.get("to_operator_id") or "")
            if operate == 2:
                entry = member(found, target)
                entry["left_time"] = str(int(fake.now()))
                found["_waiting"].append(
                    {k: entry[k] for k in ("userid", "user_name", "ms_open_id", "instanceid")}
                )
                continue
            waiting = [w for w in found["_waiting"] if wanted in (w["userid"], w["ms_open_id"])]
            if not waiting:
                raise fake.error(500, 20013, "the member is not in the waiting room")
            found["_waiting"].remove(waiting[0])
            found["_waiting_history"].append(
                {**waiting[0], "join_time": int(fake.now()), "left_time": int(fake.now())}
            )
        return fake.ok()
