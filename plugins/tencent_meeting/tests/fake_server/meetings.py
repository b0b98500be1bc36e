"""Meetings in the fake: create, read, list (pos + cursory), change, cancel, members,
ended meetings, registration, waiting room, quality, ASR.

A meeting is `MEETING_STATE_INIT` when created, `STARTED` once somebody joined
(`join`), `ENDED` after `dismiss` and `CANCELLED` after cancel; only INIT and
STARTED meetings are listed by `GET /v1/meetings`, ended ones by the history.
"""

from typing import TYPE_CHECKING, Any

from aiohttp import web

from .support import (
    bad,
    each_meeting_of,
    listed,
    meeting,
    ms_open_id,
    number,
    operator_user,
    public,
    window,
)

if TYPE_CHECKING:
    from . import FakeTencentMeeting

INIT = "MEETING_STATE_INIT"
STARTED = "MEETING_STATE_STARTED"
ENDED = "MEETING_STATE_ENDED"
CANCELLED = "MEETING_STATE_CANCELLED"

OPERATOR = ("operator_id", "operator_id_type")
LEGACY = ("userid", "instanceid")
MEETING_FIELDS = (
    "subject", "type", "start_time", "end_time", "password", "hosts", "guests", "settings",
    "meeting_type", "recurring_rule", "location", "time_zone", "media_set_type", "enable_live",
    "live_config", "enable_doc_upload_permission", "enable_enroll", "enable_host_key",
    "host_key", "allow_enterprise_intranet_only", "sync_to_wework", "enable_interpreter",
)


def add_meeting(
    fake: "FakeTencentMeeting", creator: str, subject: str, start: int, end: int, **fields: Any
) -> dict[str, Any]:
    """Store a scheduled meeting as `POST /v1/meetings` would; returns it."""
    meeting_id = fake.next_id()
    code = str(800_000_000 + int(meeting_id[-8:]) % 100_000_000)
    created: dict[str, Any] = {
        "meeting_id": meeting_id,
        "meeting_code": code,
        "subject": subject,
        "type": 0,
        "meeting_type": 0,
        "status": INIT,
        "start_time": str(start),
        "end_time": str(end),
        "join_url": f"https://meeting.tencent.com/dm/{meeting_id[-10:]}",
        "need_password": False,
        "hosts": [{"userid": creator}],
        "participants": [],
        "settings": {"mute_enable_join": True, "allow_unmute_self": True},
        "enable_live": False,
        "has_vote": False,
        "_creator": creator,
        "_hosts": [creator],
        "_invitees": [],
        "_participants": [],
        "_waiting": [],
        "_waiting_history": [],
        "_enrollments": [],
        "_short_urls": [],
        "_welcome": {"enable_welcome": False, "welcome_text": ""},
        **fields,
    }
    fake.state.meetings[meeting_id] = created
    return created


def join(
    fake: "FakeTencentMeeting",
    meeting_id: str,
    userid: str,
    *,
    join_time: int,
    left_time: int | None = None,
    instanceid: int = 1,
    user_name: str | None = None,
) -> dict[str, Any]:
    """A member joins (and maybe leaves); the meeting is in progress from then on."""
    found = fake.state.meetings[meeting_id]
    if found["status"] == INIT:
        found["status"] = STARTED
    entry = {
        "userid": userid,
        "user_name": user_name or userid,
        "ms_open_id": ms_open_id(meeting_id, userid),
        "instanceid": instanceid,
        "join_time": str(join_time),
        "left_time": str(left_time) if left_time is not None else "",
        "user_role": 1 if userid == found["_creator"] else 0,
        "is_enterprise_user": userid in fake.state.users,
        "audio_state": False,
        "video_state": False,
        "screen_shared_state": False,
    }
    found["_participants"].append(entry)
    return entry


def listing_item(found: dict[str, Any], userid: str) -> dict[str, Any]:
    """A meeting as `GET /v1/meetings` lists it: no operator fields, plus the caller's role."""
    item = public(found)
    item.pop("participants", None)
    role = "creator" if found["_creator"] == userid else (
        "hoster" if userid in found["_hosts"] else "invitee"
    )
    return {**item, "join_meeting_role": role}


def add_routes(fake: "FakeTencentMeeting", routes: web.RouteTableDef) -> None:
    def creator_only(found: dict[str, Any], userid: str) -> None:
        if userid != found["_creator"] and userid not in found["_hosts"]:
            raise fake.error(500, 9042, "no permission: not the creator or a host of the meeting")

    # ---- the meeting -------------------------------------------------------------------------

    @routes.post("/v1/meetings")
    async def create(request: web.Request) -> web.Response:
        values = await fake.require(
            request, *LEGACY, "subject", "type", "start_time", "end_time"
        )
        start, end = number(fake, values, "start_time"), number(fake, values, "end_time")
        assert start is not None and end is not None
        if end <= start:
            raise bad(fake, "end_time must be later than start_time")
        fields = {k: values[k] for k in MEETING_FIELDS if k in values and k not in (
            "subject", "start_time", "end_time")}
        created = add_meeting(fake, str(values["userid"]), str(values["subject"]), start, end,
                              **fields)
        if fields.get("hosts"):
            created["_hosts"] = [h.get("userid") for h in fields["hosts"] if isinstance(h, dict)]
        invitees = values.get("invitees") or []
        created["_invitees"] = [i.get("userid") for i in invitees if isinstance(i, dict)]
        created["participants"] = [{"userid": u} for u in created["_invitees"]]
        if created.get("password"):
            created["need_password"] = True
        return fake.ok({"meeting_number": 1, "meeting_info_list": [public(created)]})

    @routes.get("/v1/meetings/{meeting_id}")
    async def get(request: web.Request) -> web.Response:
        await fake.require(request, *OPERATOR, "instanceid")
        found = meeting(fake, request.match_info["meeting_id"])
        return fake.ok({"meeting_number": 1, "meeting_info_list": [public(found)]})

    @routes.get("/v1/meetings")
    async def listing(request: web.Request) -> web.Response:
        values = await fake.require(request, "instanceid")
        userid = operator_user(fake, values)
        if not userid:
            raise bad(fake, "param userid or operator_id is required")
        code = values.get("meeting_code")
        if code:
            found = [m for m in fake.state.meetings.values() if m["meeting_code"] == code]
            items = [public(m) for m in found if m["status"] != CANCELLED]
            return fake.ok({"meeting_number": len(items), "meeting_info_list": items})
        mine = sorted(
            each_meeting_of(fake, userid, (INIT, STARTED))
            + [
                m for m in fake.state.meetings.values()
                if userid in m["_invitees"] and m["status"] in (INIT, STARTED)
                and m["_creator"] != userid and userid not in m["_hosts"]
            ],
            key=lambda m: (int(m["start_time"]), m["meeting_id"]),
        )
        page = fake.cursory_page(
            values, [listing_item(m, userid) for m in mine], "meeting_info_list"
        )
        return fake.ok({"meeting_number": len(page["meeting_info_list"]), **page})

    @routes.put("/v1/meetings/{meeting_id}")
    async def update(request: web.Request) -> web.Response:
        values = await fake.require(request, *LEGACY)
        found = meeting(fake, request.match_info["meeting_id"])
        creator_only(found, str(values["userid"]))
        if found["status"] in (ENDED, CANCELLED):
            raise fake.error(500, 20010, "meeting already ended or cancelled")
        for name in MEETING_FIELDS:
            if name in values:
                found[name] = str(values[name]) if name.endswith("_time") else values[name]
        if int(found["end_time"]) <= int(found["start_time"]):
            raise bad(fake, "end_time must be later than start_time")
        if "invitees" in values:
            found["_invitees"] = [i.get("userid") for i in values["invitees"] or []]
        return fake.ok({
            "meeting_number": 1,
            "meeting_info_list": [
                {"meeting_id": found["meeting_id"], "meeting_code": found["meeting_code"]}
            ],
        })

    @routes.post("/v1/meetings/{meeting_id}/cancel")
    async def cancel(request: web.Request) -> web.Response:
        values = await fake.require(request, *LEGACY, "reason_code")
        found = meeting(fake, request.match_info["meeting_id"])
        creator_only(found, str(values["userid"]))
        if found["status"] != INIT:
            raise fake.error(500, 20011, "only meetings that have not started can be cancelled")
        found["status"] = CANCELLED
        return fake.ok()

    @routes.get("/v1/history/meetings/{userid}")
    async def history(request: web.Request) -> web.Response:
        values = await fake.require(request, "page_size", "page")
        start, end = window(fake, values, 90, default_days=31)
        userid = request.match_info["userid"]
        ended = [
            {
                "meeting_id": m["meeting_id"],
                "meeting_code": m["meeting_code"],
                "subject": m["subject"],
                "meeting_type": m.get("meeting_type", 0),
                "start_time": int(m["start_time"]),
                "end_time": int(m.get("_ended_at", m["end_time"])),
            }
            for m in each_meeting_of(fake, userid, (ENDED,))
            if start <= int(m["start_time"]) <= end
        ]
        if values.get("meeting_code"):
            ended = [m for m in ended if m["meeting_code"] == values["meeting_code"]]
        ended.sort(key=lambda m: (-m["start_time"], m["meeting_id"]))
        return fake.ok(fake.numbered_page(values, ended, "meeting_info_list"))

    @routes.get("/v1/pmi-meetings")
    async def pmi_meetings(request: web.Request) -> web.Response:
        values = await fake.require(request, *OPERATOR, "instanceid")
        start, end = window(fake, values, 90, default_days=31)
        userid = str(values["operator_id"])
        items = [
            {
                "meeting_id": m["meeting_id"], "meeting_code": m["meeting_code"],
                "subject": m["subject"], "status": 1 if m["status"] == ENDED else 0,
                "start_time": int(m["start_time"]), "end_time": int(m["end_time"]),
            }
            for m in fake.state.meetings.values()
            if m.get("_pmi") and m["_creator"] == userid and start <= int(m["start_time"]) <= end
        ]
        return fake.ok(fake.numbered_page(values, items, "meeting_info_list"))

    # ---- people ------------------------------------------------------------------------------

    @routes.get("/v1/meetings/{meeting_id}/participants")
    async def participants(request: web.Request) -> web.Response:
        values = await fake.params(request)
        if not operator_user(fake, values):
            raise bad(fake, "param operator_id or userid is required")
        if values.get("operator_id") and not values.get("operator_id_type"):
            raise bad(fake, "param operator_id_type is required")
        found = meeting(fake, request.match_info["meeting_id"])
        has_bound = values.get("start_time") or values.get("end_time")
        start, end = window(fake, values, 31) if has_bound else window(fake, values, 90)
        members = [
            public(p) for p in found["_participants"] if start <= int(p["join_time"]) <= end
        ]
        page = fake.pos_page(values, members, "participants")
        return fake.ok({
            "meeting_id": found["meeting_id"],
            "meeting_code": found["meeting_code"],
            "subject": found["subject"],
            "schedule_start_time": found["start_time"],
            "schedule_end_time": found["end_time"],
            "total_count": len(members),
            **page,
        })

    @routes.get("/v1/meetings/{meeting_id}/real-time-participants")
    async def realtime_participants(request: web.Request) -> web.Response:
        values = await fake.require(request, *OPERATOR, "page", "page_size")
        found = meeting(fake, request.match_info["meeting_id"])
        present = [public(p) for p in found["_participants"] if not p.get("left_time")]
        page = fake.numbered_page(values, present, "participants")
        return fake.ok({
            "meeting_id": found["meeting_id"], "meeting_code": found["meeting_code"],
            "subject": found["subject"], "status": found["status"],
            "schedule_start_time": found["start_time"], "schedule_end_time": found["end_time"],
            **page,
        })

    @routes.get("/v1/meetings/{meeting_id}/waiting-room-participants")
    async def waiting_now(request: web.Request) -> web.Response:
        values = await fake.require(request, "userid")
        found = meeting(fake, request.match_info["meeting_id"])
        page = fake.numbered_page(values, [public(w) for w in found["_waiting"]], "participants")
        return fake.ok({
            "meeting_id": found["meeting_id"], "meeting_code": found["meeting_code"],
            "subject": found["subject"],
            "schedule_start_time": int(found["start_time"]),
            "schedule_end_time": int(found["end_time"]),
            **page,
        })

    @routes.get("/v1/meeting/{meeting_id}/waiting-room")
    async def waiting_history(request: web.Request) -> web.Response:
        values = await fake.require(request, *OPERATOR, "page", "page_size")
        found = meeting(fake, request.match_info["meeting_id"])
        page = fake.numbered_page(values, list(found["_waiting_history"]), "participants")
        return fake.ok({
            "meeting_id": found["meeting_id"], "meeting_code": found["meeting_code"],
            "subject": found["subject"],
            "schedule_start_time": int(found["start_time"]),
            "schedule_end_time": int(found["end_time"]),
            **page,
        })

    @routes.get("/v1/meetings/{meeting_id}/invitees")
    async def invitees(request: web.Request) -> web.Response:
        values = await fake.require(request, *LEGACY)
        if "size" in values:
            raise bad(fake, "param size is not supported here")
        found = meeting(fake, request.match_info["meeting_id"])
        people = [
            {"userid": u, "nick_name": fake.state.users.get(u, {}).get("username", u)}
            for u in found["_invitees"]
        ]
        return fake.ok(fake.pos_page(values, people, "invitees"))

    @routes.put("/v1/meetings/{meeting_id}/invitees")
    async def set_invitees(request: web.Request) -> web.Response:
        values = await fake.require(request, *LEGACY, "invitees")
        found = meeting(fake, request.match_info["meeting_id"])
        creator_only(found, str(values["userid"]))
        userids = [str(i.get("userid")) for i in listed(values["invitees"], "invitees", fake)]
        found["_invitees"] = userids
        unknown = [u for u in userids if u not in fake.state.users]
        return fake.ok({"user_non_registered": unknown})

    # ---- quality -----------------------------------------------------------------------------

    @routes.get("/v1/meetings/{meeting_id}/qos")
    async def qos(request: web.Request) -> web.Response:
        values = await fake.require(request, *OPERATOR)
        found = meeting(fake, request.match_info["meeting_id"])
        members = [
            {
                "ms_open_id": p["ms_open_id"],
                "nick_name": p["user_name"],
                "qos_details": [{
                    "instanceid": p["instanceid"],
                    "network": {"network_delay": "35", "upstream_packet_loss": "0"},
                    "audio": {"upstream_bitrate": "32", "downstream_bitrate": "48"},
                }],
            }
            for p in found["_participants"] if not p.get("left_time")
        ]
        return fake.ok(fake.numbered_page(values, members, "participants"))

    @routes.get("/v1/meetings/{meeting_id}/quality")
    async def quality(request: web.Request) -> web.Response:
        values = await fake.require(request, *OPERATOR, "page_size", "page", "start_time")
        found = meeting(fake, request.match_info["meeting_id"])
        members = [
            {"userid": p["userid"], "ms_open_id": p["ms_open_id"], "instanceid": str(p[
                "instanceid"]), "quality": 1, "audio_quality": 1, "video_quality": 1,
             "network_quality": 1, "screen_share_quality": 1, "problems": []}
            for p in found["_participants"]
        ]
        return fake.ok({
            "meeting_id": found["meeting_id"], "quality": 1, "audio_quality": 1,
            "video_quality": 1, "network_quality": 1, "screen_share_quality": 1,
            "problems": [], **fake.numbered_page(values, members, "participants"),
        })

    @routes.post("/v1/meetings/query/meetingid-for-device")
    async def for_device(request: web.Request) -> web.Response:
        values = await fake.require(request, *OPERATOR, "meeting_id")
        found = meeting(fake, str(values["meeting_id"]))
        userid = str(values["operator_id"])
        mapping = [
            {"instanceid": p["instanceid"], "meeting_id": found["meeting_id"]}
            for p in found["_participants"]
            if p["userid"] == userid and not p.get("left_time")
            and (not values.get("instanceids") or p["instanceid"] in values["instanceids"])
        ]
        return fake.ok({"meeting_id_map": mapping})

    @routes.post("/v1/meetings/{meeting_id}/virtual-background")
    async def virtual_background(request: web.Request) -> web.Response:
        values = await fake.require(request, *OPERATOR, "instanceid", "type")
        meeting(fake, request.match_info["meeting_id"])
        if int(values["type"]) == 1 and not values.get("image"):
            raise bad(fake, "param image is required when type is 1")
        return fake.ok({"job_id": f"job-{fake.next_id(12)}"})

    # ---- registration ------------------------------------------------------------------------

    def enrollment_meeting(request: web.Request) -> dict[str, Any]:
        found = meeting(fake, request.match_info["meeting_id"])
        if not found.get("enable_enroll"):
            raise fake.error(500, 10031, "registration is not enabled for this meeting")
        return found

    @routes.get("/v1/meetings/{meeting_id}/enroll/approvals")
    async def enrollments(request: web.Request) -> web.Response:
        values = await fake.require(request, *OPERATOR, "instanceid", "page", "page_size")
        found = enrollment_meeting(request)
        status = number(fake, values, "status")
        items = [
            public(e) for e in found["_enrollments"] if status in (None, 0, e["status"])
        ]
        return fake.ok(fake.numbered_page(values, items, "enroll_list"))

    @routes.put("/v1/meetings/{meeting_id}/enroll/approvals")
    async def approve(request: web.Request) -> web.Response:
        values = await fake.require(request, *OPERATOR, "action", "enroll_id_list")
        found = enrollment_meeting(request)
        action = int(values["action"])
        if action not in (1, 2, 3):
            raise bad(fake, "param action must be 1, 2 or 3")
        wanted = {int(i) for i in listed(values["enroll_id_list"], "enroll_id_list", fake)}
        handled = 0
        for entry in found["_enrollments"]:
            if entry["enroll_id"] in wanted:
                entry["status"] = {1: 1, 2: 2, 3: 3}[action]
                handled += 1
        return fake.ok({"meeting_id": found["meeting_id"], "handled_count": handled})

    @routes.get("/v1/meetings/{meeting_id}/enroll/config")
    async def enroll_config(request: web.Request) -> web.Response:
        await fake.require(request, *OPERATOR, "instanceid")
        found = meeting(fake, request.match_info["meeting_id"])
        config = found.get("_enroll_config") or {"approve_type": 1, "question_list": []}
        return fake.ok({"meeting_id": found["meeting_id"], **config})

    @routes.put("/v1/meetings/{meeting_id}/enroll/config")
    async def set_enroll_config(request: web.Request) -> web.Response:
        values = await fake.require(request, *OPERATOR, "instanceid", "question_list")
        found = meeting(fake, request.match_info["meeting_id"])
        questions = listed(values["question_list"], "question_list", fake)
        config = {
            k: v for k, v in values.items()
            if k not in ("operator_id", "operator_id_type", "instanceid")
        }
        found["_enroll_config"] = config
        found["enable_enroll"] = True
        return fake.ok({"meeting_id": found["meeting_id"], "question_count": len(questions)})

    @routes.post("/v1/meetings/{meeting_id}/enroll/ids")
    async def enroll_ids(request: web.Request) -> web.Response:
        values = await fake.require(request, *OPERATOR, "instanceid", "ms_open_id_list")
        found = enrollment_meeting(request)
        wanted = set(listed(values["ms_open_id_list"], "ms_open_id_list", fake))
        ids = [
            {"ms_open_id": e["ms_open_id"], "enroll_id": e["enroll_id"]}
            for e in found["_enrollments"] if e.get("ms_open_id") in wanted
        ]
        return fake.ok({"meeting_id": found["meeting_id"], "enroll_id_list": ids})

    @routes.post("/v1/meetings/{meeting_id}/enroll/import")
    async def enroll_import(request: web.Request) -> web.Response:
        values = await fake.require(request, *OPERATOR, "instanceid", "enroll_list")
        found = enrollment_meeting(request)
        imported, unknown = [], []
        for person in listed(values["enroll_list"], "enroll_list", fake):
            userid = person.get("userid")
            if userid and userid not in fake.state.users:
                unknown.append(userid)
                continue
            if not userid and not person.get("phone_number") and not person.get("open_id"):
                raise bad(fake, "each enroll needs userid, open_id or phone_number")
            entry = {
                **person,
                "enroll_id": int(fake.next_id(9)),
                "enroll_code": fake.next_id(8),
                "status": 3,
                "enroll_time": str(int(fake.now())),
                "enroll_source_type": 2,
                "ms_open_id": ms_open_id(found["meeting_id"], userid or person.get("open_id")
                                         or person.get("phone_number", "")),
            }
            found["_enrollments"].append(entry)
            imported.append({k: entry[k] for k in (*person.keys(), "enroll_id", "enroll_code")})
        return fake.ok({
            "total_count": len(imported), "enroll_list": imported,
            "user_non_registered": unknown,
        })

    @routes.delete("/v1/meetings/{meeting_id}/enroll/unregistration")
    async def unregister(request: web.Request) -> web.Response:
        values = await fake.require(request, *OPERATOR, "instanceid", "enroll_id_list")
        found = enrollment_meeting(request)
        wanted = {
            int(e["enroll_id"]) for e in listed(values["enroll_id_list"], "enroll_id_list", fake)
        }
        before = len(found["_enrollments"])
        found["_enrollments"] = [e for e in found["_enrollments"] if e["enroll_id"] not in wanted]
        return fake.ok({"total_count": before - len(found["_enrollments"])})

    # ---- links, waiting room welcome, jobs, ASR ----------------------------------------------

    @routes.post("/v1/meetings/customer-short-url")
    async def create_short_url(request: web.Request) -> web.Response:
        values = await fake.require(request, *OPERATOR, "meeting_id", "customer_data")
        found = meeting(fake, str(values["meeting_id"]))
        if len(str(values["customer_data"]).encode()) > 256:
            raise bad(fake, "customer_data is longer than 256 bytes")
        link = {
            "customer_data": values["customer_data"],
            "meeting_short_url": f"https://meeting.tencent.com/dm/c{fake.next_id(10)}",
        }
        found["_short_urls"].append(link)
        return fake.ok({"meeting_short_url_customer_data": link})

    @routes.get("/v1/meetings/{meeting_id}/customer-short-url")
    async def short_urls(request: web.Request) -> web.Response:
        await fake.require(request, *OPERATOR)
        found = meeting(fake, request.match_info["meeting_id"])
        return fake.ok({"meeting_short_url_customer_data": found["_short_urls"]})

    @routes.get("/v1/meeting/{meeting_id}/waiting-room-welcome-message")
    async def welcome(request: web.Request) -> web.Response:
        await fake.require(request, *OPERATOR)
        return fake.ok(meeting(fake, request.match_info["meeting_id"])["_welcome"])

    @routes.post("/v1/meeting/set-waiting-room-welcome-message")
    async def set_welcome(request: web.Request) -> web.Response:
        values = await fake.require(request, *OPERATOR, "meeting_id", "welcome_text")
        if "enable_welcome" not in values:
            raise bad(fake, "param enable_welcome is required")
        found = meeting(fake, str(values["meeting_id"]))
        found["_welcome"] = {
            "enable_welcome": bool(values["enable_welcome"]),
            "welcome_text": str(values["welcome_text"]),
        }
        return fake.ok(found["_welcome"])

    @routes.get("/v1/meeting/{job_id}")
    async def job(request: web.Request) -> web.Response:
        await fake.require(request, *OPERATOR)
        job_id = request.match_info["job_id"]
        jobs = fake.state.extra.setdefault("jobs", {})
        if job_id not in jobs:
            raise bad(fake, "job not exist")
        return fake.ok(jobs[job_id])

    @routes.put("/v1/asr/config")
    async def asr_config(request: web.Request) -> web.Response:
        values = await fake.require(request, *OPERATOR, "customize_words", "tag")
        if not values.get("meeting_id") and not values.get("record_file_id"):
            raise bad(fake, "meeting_id or record_file_id is required")
        words = listed(values["customize_words"], "customize_words", fake)
        fake.state.extra.setdefault("asr_words", {})[
            values.get("meeting_id") or values.get("record_file_id")
        ] = words
        return fake.ok({"customize_words": words, "tag": values["tag"]})

    @routes.get("/v1/asr/details")
    async def asr_details(request: web.Request) -> web.Response:
        values = await fake.require(request, *OPERATOR, "meeting_id")
        found = meeting(fake, str(values["meeting_id"]))
        urls = [f"https://example.invalid/asr/{found['meeting_id']}/{n}.txt" for n in (1, 2)]
        page = fake.numbered_page(values, urls, "download_url")
        return fake.ok({
            "total_count": page["total_count"], "total_page": page["total_page"],
            "curr_page": page["current_page"], "curr_size": page["current_size"],
            "download_url": page["download_url"],
        })

    @routes.post("/v1/asr/push-status")
    async def asr_push(request: web.Request) -> web.Response:
        values = await fake.require(request, *OPERATOR, "meeting_id")
        if "is_open" not in values:
            raise bad(fake, "param is_open is required")
        found = meeting(fake, str(values["meeting_id"]))
        found["_asr_push"] = bool(values["is_open"])
        return fake.ok()
