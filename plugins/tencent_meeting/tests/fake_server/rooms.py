"""Meeting rooms in the fake: rooms with details, devices, controllers, bookings, calls.

Room meetings are asked for with the room as the operator (`meeting_room_id`,
type 5, or a device's `rooms_id`, type 3) and a window of at most 90 days.
"""

from typing import TYPE_CHECKING, Any

from aiohttp import web

from .support import bad, listed, meeting, public, room, window

if TYPE_CHECKING:
    from . import FakeTencentMeeting

OPERATOR = ("operator_id", "operator_id_type")


def add_room(
    fake: "FakeTencentMeeting", name: str, *, location: str = "HQ 3F", capacity: int = 8,
    with_device: bool = True,
) -> dict[str, Any]:
    """Store a room (and its Rooms device); returns the room."""
    room_id = fake.next_id(12)
    rooms_id = f"R{fake.next_id(10)}" if with_device else ""
    stored = {
        "meeting_room_id": room_id,
        "meeting_room_name": name,
        "meeting_room_location": location,
        "account_type": 1,
        "account_new_type": 1,
        "active_code": "",
        "participant_number": capacity,
        "meeting_room_status": 2 if with_device else 1,
        "scheduled_status": 1,
        "is_allow_call": True,
        "_rooms_id": rooms_id,
        "_meetings": [],
        "_background": "",
        "_config": {
            "meeting_settings": {"auto_response": 1, "caption": False, "room_pmi": False},
            "record_settings": {"download_record": True, "share_record": 1},
        },
    }
    fake.state.rooms[room_id] = stored
    if with_device:
        fake.state.devices[rooms_id] = {
            "rooms_id": rooms_id,
            "meeting_room_id": room_id,
            "meeting_room_name": name,
            "meeting_room_location": location,
            "meeting_room_status": 2,
            "device_model": "Rooms Kit",
            "app_version": "3.20.0",
            "device_monitor_info": {
                "camera_status": True, "microphone_status": True, "speaker_status": True,
            },
            "_controller": f"{name} controller",
        }
    return stored


def add_routes(fake: "FakeTencentMeeting", routes: web.RouteTableDef) -> None:
    def by_name(values: dict[str, Any], items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        wanted = values.get("meeting_room_name")
        return [i for i in items if not wanted or wanted in i["meeting_room_name"]]

    # ---- rooms -------------------------------------------------------------------------------

    @routes.get("/v1/meeting-rooms")
    async def rooms(request: web.Request) -> web.Response:
        values = await fake.require(request, *OPERATOR)
        found = by_name(values, sorted(fake.state.rooms.values(),
                                       key=lambda r: r["meeting_room_id"]))
        return fake.ok(fake.numbered_page(values, [public(r) for r in found],
                                          "meeting_room_list"))

    @routes.get("/v1/meeting-rooms/{meeting_room_id}")
    async def detail(request: web.Request) -> web.Response:
        await fake.require(request, *OPERATOR)
        stored = room(fake, request.match_info["meeting_room_id"])
        return fake.ok({
            "account_info": {"account_type": stored["account_type"],
                             "account_new_type": stored["account_new_type"],
                             "valid_period": "2030-12-31"},
            "basic_info": {
                "meeting_room_name": stored["meeting_room_name"],
                "participant_number": stored["participant_number"],
                "city": "Shenzhen", "building": "HQ", "floor": "3F",
                "rooms_id_list": [stored["_rooms_id"]] if stored["_rooms_id"] else [],
            },
            "hardware_info": {"device_model": "Rooms Kit", "rooms_version": "3.20.0",
                              "meeting_room_status": stored["meeting_room_status"]},
            "pmi_info": {"pmi_code": "1234567890"},
            "is_allow_call": stored["is_allow_call"],
            "scheduled_status": stored["scheduled_status"],
            "monitor_status": 0,
        })

    @routes.put("/v1/meeting-rooms/modify")
    async def modify(request: web.Request) -> web.Response:
        values = await fake.require(
            request, *OPERATOR, "instance_id", "meeting_room_id", "meeting_room_info"
        )
        stored = room(fake, str(values["meeting_room_id"]))
        info = values["meeting_room_info"]
        if not isinstance(info, dict) or not info.get("meeting_room_name"):
            raise bad(fake, "meeting_room_info needs meeting_room_name")
        if "meeting_room_type" not in info:
            raise bad(fake, "meeting_room_info needs meeting_room_type")
        stored["meeting_room_name"] = info["meeting_room_name"]
        if "participant_number" in info:
            stored["participant_number"] = info["participant_number"]
        for name in ("is_allow_call", "scheduled_status"):
            if name in values:
                stored[name] = values[name]
        return fake.ok()

    @routes.post("/v1/meeting-rooms/room-config-info")
    async def config(request: web.Request) -> web.Response:
        values = await fake.require(request, *OPERATOR, "instance_id", "meeting_room_id")
        return fake.ok(room(fake, str(values["meeting_room_id"]))["_config"])

    @routes.post("/v1/meeting-rooms/modify-room-config-info")
    async def modify_config(request: web.Request) -> web.Response:
        values = await fake.require(
            request, *OPERATOR, "instance_id", "meeting_room_id", "meeting_settings",
            "record_settings",
        )
        stored = room(fake, str(values["meeting_room_id"]))
        stored["_config"]["meeting_settings"].update(values["meeting_settings"])
        stored["_config"]["record_settings"].update(values["record_settings"])
        return fake.ok()

    @routes.post("/v1/meeting-rooms/{meeting_room_id}/active-code")
    async def active_code(request: web.Request) -> web.Response:
        await fake.require(request, *OPERATOR)
        stored = room(fake, request.match_info["meeting_room_id"])
        stored["active_code"] = fake.next_id(8)
        return fake.ok({"active_code": stored["active_code"]})

    @routes.get("/v1/meeting-rooms/{meeting_room_id}/background")
    async def background(request: web.Request) -> web.Response:
        await fake.require(request, *OPERATOR)
        return fake.ok(
            {"background_image": room(fake, request.match_info["meeting_room_id"])["_background"]}
        )

    @routes.post("/v1/meeting-rooms/{meeting_room_id}/background")
    async def set_background(request: web.Request) -> web.Response:
        values = await fake.require(request, *OPERATOR)
        stored = room(fake, request.match_info["meeting_room_id"])
        stored["_background"] = values.get("background_image") or ""
        return fake.ok({"job_id": f"job-{fake.next_id(12)}"})

    @routes.get("/v1/meeting-rooms/{screencast_code}/rooms-info")
    async def screencast(request: web.Request) -> web.Response:
        await fake.require(request, *OPERATOR)
        code = request.match_info["screencast_code"]
        for stored in fake.state.rooms.values():
            if stored.get("_screencast_code") == code:
                return fake.ok({
                    "meeting_room_id": stored["meeting_room_id"],
                    "rooms_id": stored["_rooms_id"], "rooms_ip_list": ["10.0.0.8"],
                    "cs_api_enable": False,
                })
        raise fake.error(500, 20000, "no room with this screencast code")

    # ---- meetings on a room ------------------------------------------------------------------

    def room_of(operator_id: str, id_type: str) -> dict[str, Any]:
        if id_type == "5":
            return room(fake, operator_id)
        if id_type == "3":
            device = fake.state.devices.get(operator_id)
            if device is None:
                raise fake.error(500, 20000, "rooms_id not exist")
            return room(fake, device["meeting_room_id"])
        raise bad(fake, "operator_id_type must be 3 (rooms_id) or 5 (meeting_room_id)")

    @routes.get("/v1/meeting-rooms/{operator_id}/meetings")
    async def room_meetings(request: web.Request) -> web.Response:
        values = await fake.require(request, "operator_id_type", "instanceid")
        stored = room_of(request.match_info["operator_id"], str(values["operator_id_type"]))
        start, end = window(fake, values, 90, default_days=31)
        found = []
        for meeting_id in stored["_meetings"]:
            m = fake.state.meetings.get(meeting_id)
            if m and start <= int(m["start_time"]) <= end:
                found.append({
                    "meeting_id": m["meeting_id"], "meeting_code": m["meeting_code"],
                    "subject": m["subject"], "meeting_type": m.get("meeting_type", 0),
                    "status": m["status"],
                    "start_time": int(m["start_time"]), "end_time": int(m["end_time"]),
                })
        found.sort(key=lambda m: (m["start_time"], m["meeting_id"]))
        return fake.ok(fake.numbered_page(values, found, "meeting_info_list"))

    @routes.post("/v1/meetings/{meeting_id}/book-rooms")
    async def book(request: web.Request) -> web.Response:
        values = await fake.require(request, *OPERATOR, "meeting_room_id_list")
        found = meeting(fake, request.match_info["meeting_id"])
        booked = []
        for room_id in listed(values["meeting_room_id_list"], "meeting_room_id_list", fake):
            stored = room(fake, str(room_id))
            if found["meeting_id"] not in stored["_meetings"]:
                stored["_meetings"].append(found["meeting_id"])
            booked.append({k: stored[k] for k in (
                "meeting_room_id", "meeting_room_name", "meeting_room_location")})
        return fake.ok({"meeting_room_number": len(booked), "meeting_room_list": booked})

    @routes.post("/v1/meetings/{meeting_id}/release-rooms")
    async def release(request: web.Request) -> web.Response:
        values = await fake.require(request, *OPERATOR, "meeting_room_id_list")
        found = meeting(fake, request.match_info["meeting_id"])
        for room_id in listed(values["meeting_room_id_list"], "meeting_room_id_list", fake):
            stored = room(fake, str(room_id))
            if found["meeting_id"] in stored["_meetings"]:
                stored["_meetings"].remove(found["meeting_id"])
        return fake.ok()

    # ---- room calls --------------------------------------------------------------------------

    calls: dict[str, dict[str, Any]] = fake.state.extra.setdefault("room_calls", {})

    def target(values: dict[str, Any]) -> str:
        if values.get("meeting_room_id"):
            room(fake, str(values["meeting_room_id"]))
            return str(values["meeting_room_id"])
        address = values.get("mra_address")
        if not isinstance(address, dict) or not address.get("dial_string") or not address.get(
            "protocol"
        ):
            raise bad(fake, "meeting_room_id or mra_address (protocol, dial_string) is required")
        return f"mra:{address['protocol']}:{address['dial_string']}"

    @routes.put("/v1/meeting-rooms/room-call")
    async def call(request: web.Request) -> web.Response:
        values = await fake.require(request, *OPERATOR, "meeting_id")
        meeting(fake, str(values["meeting_id"]))
        invite_id = fake.next_id(10)
        calls[invite_id] = {"target": target(values), "meeting_id": values["meeting_id"],
                            "status": 4}
        return fake.ok({"invite_id": invite_id, "status": 4})

    @routes.post("/v1/meeting-rooms/room-call-info")
    async def call_info(request: web.Request) -> web.Response:
        values = await fake.require(request, *OPERATOR, "instance_id", "meeting_id")
        wanted = target(values)
        for entry in calls.values():
            if entry["target"] == wanted and entry["meeting_id"] == values["meeting_id"]:
                return fake.ok({"status": entry["status"], "response_time": ""})
        return fake.ok({"status": 1, "response_time": ""})

    @routes.put("/v1/meeting-rooms/cancel-room-call")
    async def cancel_call(request: web.Request) -> web.Response:
        values = await fake.require(request, *OPERATOR, "instance_id", "meeting_id", "invite_id")
        entry = calls.get(str(values["invite_id"]))
        if entry is None or entry["target"] != target(values):
            raise fake.error(500, 20015, "no such call")
        entry["status"] = 5
        return fake.ok()

    # ---- devices, controllers, inventory -----------------------------------------------------

    @routes.get("/v1/devices")
    async def devices(request: web.Request) -> web.Response:
        values = await fake.require(request, *OPERATOR)
        found = by_name(values, sorted(fake.state.devices.values(), key=lambda d: d["rooms_id"]))
        return fake.ok(fake.numbered_page(values, [public(d) for d in found],
                                          "device_info_list"))

    @routes.get("/v1/meeting-rooms-monitor/device-controller-info")
    async def controllers(request: web.Request) -> web.Response:
        values = await fake.require(request, *OPERATOR)
        wanted = values.get("controller_name")
        found = [
            {"controller_name": d["_controller"], "rooms_id": d["rooms_id"],
             "meeting_room_name": d["meeting_room_name"], "status": "1",
             "controller_model": "Touch 10"}
            for d in sorted(fake.state.devices.values(), key=lambda d: d["rooms_id"])
            if not wanted or wanted in d["_controller"]
        ]
        return fake.ok(fake.numbered_page(values, found, "controller_info_list"))

    @routes.get("/v1/rooms-inventory")
    async def inventory(request: web.Request) -> web.Response:
        await fake.require(request, *OPERATOR)
        used = len(fake.state.devices)
        return fake.ok({"normal_count": 10, "normal_used_count": used,
                        "normal_expired_count": 0, "special_count": 0,
                        "special_used_count": 0, "special_expired_count": 0})

    @routes.get("/v1/rooms-inventory/account-statistics")
    async def account_statistics(request: web.Request) -> web.Response:
        await fake.require(request, *OPERATOR)
        return fake.ok({"pro_count": 5, "pro_used_count": len(fake.state.rooms),
                        "custom_used_count": 0})
