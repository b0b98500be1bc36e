"""Cloud recordings in the fake: meeting records with files, addresses, sharing, access,
view and download events, transcripts, uploads.

`GET /v1/records` refuses a window over 31 days or a page size over 20, as
Tencent does; records are matched on `media_start_time` (milliseconds).
"""

import hashlib
from typing import TYPE_CHECKING, Any

from aiohttp import web

from .support import bad, listed, number, public, record, record_file, window

if TYPE_CHECKING:
    from . import FakeTencentMeeting

OPERATOR = ("operator_id", "operator_id_type")


def add_record(
    fake: "FakeTencentMeeting",
    meeting: dict[str, Any],
    *,
    start: int,
    files: int = 1,
    paragraphs: int = 0,
) -> dict[str, Any]:
    """Store a meeting record of `meeting` started at `start` (seconds) with `files` files;
    each file gets a transcript of `paragraphs` paragraphs."""
    record_id = fake.next_id()
    stored_files = []
    for n in range(files):
        file_id = fake.next_id()
        stored_files.append({
            "record_file_id": file_id,
            "record_start_time": (start + n * 600) * 1000,
            "record_end_time": (start + n * 600 + 540) * 1000,
            "record_size": 1_048_576 * (n + 1),
            "sharing_state": 0,
            "sharing_url": f"https://meeting.tencent.com/v2/cloud-record/share?id={file_id}",
            "required_same_corp": False,
            "required_participant": False,
            "password": "",
            "allow_download": True,
            "_transcript": [
                {
                    "pid": str(p),
                    "start_time": p * 10_000,
                    "end_time": p * 10_000 + 9_000,
                    "speaker_info": {"userid": meeting["_creator"], "username": "Admin"},
                    "sentences": [{"sid": f"{p}-0", "start_time": p * 10_000,
                                   "end_time": p * 10_000 + 9_000,
                                   "words": [{"wid": f"{p}-0-0", "text": f"paragraph {p}",
                                              "start_time": p * 10_000,
                                              "end_time": p * 10_000 + 9_000}]}],
                }
                for p in range(paragraphs)
            ],
            "_views": [],
        })
    stored = {
        "meeting_record_id": record_id,
        "meeting_id": meeting["meeting_id"],
        "meeting_code": meeting["meeting_code"],
        "subject": meeting["subject"],
        "host_user_id": meeting["_creator"],
        "media_start_time": start * 1000,
        "media_set_type": 0,
        "record_type": 0,
        "state": 3,
        "record_files": stored_files,
        "_sharing": {"enable_sharing": True, "share_scope": 1, "allow_download": True},
        "_access": [],
        "_events": [],
    }
    fake.state.records[record_id] = stored
    return stored


def shown(stored: dict[str, Any]) -> dict[str, Any]:
    return {**public(stored), "record_files": [public(f) for f in stored["record_files"]]}


def parse_form(fake: "FakeTencentMeeting", body: bytes, content_type: str) -> dict[str, Any]:
    """The fields of a multipart/form-data body (the file part as bytes)."""
    if "boundary=" not in content_type:
        raise bad(fake, "multipart/form-data with a boundary is required")
    boundary = content_type.split("boundary=", 1)[1].strip('"').encode()
    fields: dict[str, Any] = {}
    for part in body.split(b"--" + boundary):
        if b"\r\n\r\n" not in part:
            continue
        head, _, value = part.lstrip(b"\r\n").partition(b"\r\n\r\n")
        if b'name="' not in head:
            continue
        name = head.split(b'name="', 1)[1].split(b'"', 1)[0].decode()
        value = value.removesuffix(b"\r\n")
        fields[name] = value if b"filename=" in head else value.decode()
    return fields


def add_routes(fake: "FakeTencentMeeting", routes: web.RouteTableDef) -> None:
    # ---- listing -----------------------------------------------------------------------------

    @routes.get("/v1/records")
    async def records(request: web.Request) -> web.Response:
        values = await fake.require(request, *OPERATOR, "start_time", "end_time")
        start, end = window(fake, values, 31)
        found = [
            r for r in fake.state.records.values()
            if start * 1000 <= r["media_start_time"] <= end * 1000
            and values.get("meeting_id") in (None, "", r["meeting_id"])
            and values.get("meeting_code") in (None, "", r["meeting_code"])
        ]
        found.sort(key=lambda r: (r["media_start_time"], r["meeting_record_id"]))
        return fake.ok(fake.numbered_page(
            values, [shown(r) for r in found], "record_meetings", default_page_size=10
        ))

    @routes.delete("/v1/records")
    async def delete_record(request: web.Request) -> web.Response:
        values = await fake.require(request, "meeting_record_id", *OPERATOR)
        stored = record(fake, str(values["meeting_record_id"]))
        del fake.state.records[stored["meeting_record_id"]]
        return fake.ok()

    @routes.delete("/v1/records/{record_file_id}")
    async def delete_file(request: web.Request) -> web.Response:
        await fake.require(request, *OPERATOR)
        stored, file = record_file(fake, request.match_info["record_file_id"])
        stored["record_files"].remove(file)
        if not stored["record_files"]:
            del fake.state.records[stored["meeting_record_id"]]
        return fake.ok()

    @routes.put("/v1/records/transfer-recording")
    async def transfer(request: web.Request) -> web.Response:
        values = await fake.require(
            request, "meeting_id", "meeting_record_id", *OPERATOR, "instanceid"
        )
        stored = record(fake, str(values["meeting_record_id"]))
        if stored["meeting_id"] != values["meeting_id"]:
            raise bad(fake, "the record does not belong to the meeting")
        stored["_transferred"] = True
        return fake.ok()

    # ---- addresses ---------------------------------------------------------------------------

    def address(file: dict[str, Any]) -> dict[str, Any]:
        file_id = file["record_file_id"]
        return {
            "record_file_id": file_id,
            "view_address": f"https://meeting.tencent.com/v2/cloud-record/view?id={file_id}",
            # files.serve_file() points this at bytes the fake serves (hook for `files.py`).
            "download_address": file.get("_download_address")
            or f"https://download.example.invalid/{file_id}.mp4?sign=x",
            "download_address_file_type": "mp4",
            "audio_address": f"https://download.example.invalid/{file_id}.m4a?sign=x",
            "audio_address_file_type": "m4a",
            "meeting_summary": [{"download_address": f"https://x.invalid/{file_id}.pdf",
                                 "file_type": "pdf"}],
        }

    @routes.get("/v1/addresses")
    async def addresses(request: web.Request) -> web.Response:
        values = await fake.require(request, "meeting_record_id", *OPERATOR)
        stored = record(fake, str(values["meeting_record_id"]))
        page = fake.numbered_page(
            values, [address(f) for f in stored["record_files"]], "record_files"
        )
        return fake.ok({
            "meeting_record_id": stored["meeting_record_id"],
            "meeting_id": stored["meeting_id"], "meeting_code": stored["meeting_code"],
            "subject": stored["subject"], **page,
        })

    @routes.get("/v1/addresses/{record_file_id}")
    async def file_address(request: web.Request) -> web.Response:
        await fake.require(request, *OPERATOR)
        stored, file = record_file(fake, request.match_info["record_file_id"])
        return fake.ok({
            **address(file), "meeting_id": stored["meeting_id"],
            "meeting_code": stored["meeting_code"],
            "ai_meeting_transcripts": [{"download_address": "https://x.invalid/t.txt",
                                        "file_type": "txt"}],
            "ai_minutes": [], "ai_ds_minutes": [], "ai_speaker_minutes": [],
            "ai_topic_minutes": [],
        })

    # ---- sharing and access ------------------------------------------------------------------

    @routes.get("/v1/records/settings/{meeting_record_id}")
    async def settings(request: web.Request) -> web.Response:
        await fake.require(request, *OPERATOR)
        stored = record(fake, request.match_info["meeting_record_id"])
        return fake.ok({
            "meeting_id": stored["meeting_id"], "meeting_record_name": stored["subject"],
            "sharing_config": stored["_sharing"],
        })

    @routes.put("/v1/records/settings/{meeting_record_id}")
    async def set_settings(request: web.Request) -> web.Response:
        values = await fake.require(request, *OPERATOR, "sharing_config")
        stored = record(fake, request.match_info["meeting_record_id"])
        config = values["sharing_config"]
        if not isinstance(config, dict):
            raise bad(fake, "param sharing_config must be an object")
        if config.get("enable_password") and not config.get("password"):
            raise bad(fake, "a password is required when enable_password is true")
        stored["_sharing"].update(config)
        for file in stored["record_files"]:
            file["sharing_state"] = 1 if stored["_sharing"].get("enable_sharing") else 0
        return fake.ok()

    @routes.post("/v1/records/access/{meeting_record_id}")
    async def add_access(request: web.Request) -> web.Response:
        values = await fake.require(request, *OPERATOR, "access_members")
        stored = record(fake, request.match_info["meeting_record_id"])
        failed = []
        for member in listed(values["access_members"], "access_members", fake):
            if member.get("to_operator_id") in fake.state.users:
                stored["_access"].append(member)
            else:
                failed.append(member)
        return fake.ok({"fail_access_members": failed})

    @routes.delete("/v1/records/access/{meeting_record_id}")
    async def remove_access(request: web.Request) -> web.Response:
        values = await fake.require(request, *OPERATOR, "access_members")
        stored = record(fake, request.match_info["meeting_record_id"])
        gone = {m.get("to_operator_id") for m in listed(values["access_members"],
                                                         "access_members", fake)}
        stored["_access"] = [m for m in stored["_access"] if m["to_operator_id"] not in gone]
        return fake.ok()

    @routes.put("/v1/records/approvals/{meeting_record_id}")
    async def approvals(request: web.Request) -> web.Response:
        values = await fake.require(request, *OPERATOR, "action", "apply_id_list")
        record(fake, request.match_info["meeting_record_id"])
        if int(values["action"]) not in (1, 2):
            raise bad(fake, "param action must be 1 or 2")
        listed(values["apply_id_list"], "apply_id_list", fake)
        return fake.ok()

    # ---- statistics --------------------------------------------------------------------------

    @routes.get("/v1/metrics/records")
    async def metrics(request: web.Request) -> web.Response:
        values = await fake.require(request, "meeting_record_id")
        stored = record(fake, str(values["meeting_record_id"]))
        window(fake, values, 31)
        days: dict[str, dict[str, int]] = {}
        for event in stored["_events"]:
            day = days.setdefault(event["_date"], {"view_counts": 0, "download_counts": 0})
            day["download_counts" if event["event_type"] == 1 else "view_counts"] += 1
        return fake.ok({"summaries": [{"date": d, **c} for d, c in sorted(days.items())]})

    @routes.get("/v1/records/events")
    async def events(request: web.Request) -> web.Response:
        values = await fake.require(request, "meeting_record_id", "event_type")
        stored = record(fake, str(values["meeting_record_id"]))
        start, end = window(fake, values, 31)
        kind = number(fake, values, "event_type")
        found = [
            public(e) for e in stored["_events"]
            if e["event_type"] == kind and start <= e["operate_time"] // 1000 <= end
        ]
        return fake.ok(fake.numbered_page(values, found, "events", max_page_size=50))

    @routes.get("/v1/records/view-details")
    async def view_details(request: web.Request) -> web.Response:
        values = await fake.require(request, "record_file_id", *OPERATOR)
        _, file = record_file(fake, str(values["record_file_id"]))
        return fake.ok(fake.numbered_page(values, list(file["_views"]), "view_details"))

    # ---- transcripts -------------------------------------------------------------------------

    @routes.get("/v1/records/transcripts/details")
    async def transcript(request: web.Request) -> web.Response:
        values = await fake.require(request, "record_file_id", *OPERATOR)
        _, file = record_file(fake, str(values["record_file_id"]))
        chunk, more = fake.pid_page(values, file["_transcript"])
        return fake.ok({
            "minutes": {"audio_detect": 0, "keywords": ["paragraph"], "paragraphs": chunk},
            "more": more,
        })

    @routes.get("/v1/records/transcripts/paragraphs")
    async def paragraphs(request: web.Request) -> web.Response:
        values = await fake.require(request, "record_file_id", *OPERATOR)
        _, file = record_file(fake, str(values["record_file_id"]))
        pids = [
            {"pid": p["pid"], "start_time": p["start_time"], "end_time": p["end_time"]}
            for p in file["_transcript"]
        ]
        return fake.ok({"total": len(pids), "audio_detect": 0, "pids": pids})

    @routes.get("/v1/records/transcripts/search")
    async def search(request: web.Request) -> web.Response:
        values = await fake.require(request, "record_file_id", *OPERATOR, "text")
        _, file = record_file(fake, str(values["record_file_id"]))
        text = str(values["text"])
        hits, timelines = [], []
        for paragraph in file["_transcript"]:
            for sentence in paragraph["sentences"]:
                joined = "".join(w["text"] for w in sentence["words"])
                offset = joined.find(text)
                if offset >= 0:
                    hits.append({"pid": paragraph["pid"], "sid": sentence["sid"],
                                 "offset": offset, "length": len(text)})
                    timelines.append({"pid": paragraph["pid"], "sid": sentence["sid"],
                                      "start_time": sentence["start_time"]})
        return fake.ok({"hits": hits, "timelines": timelines})

    # ---- uploads -----------------------------------------------------------------------------

    uploads: dict[str, dict[str, Any]] = fake.state.extra.setdefault("uploads", {})

    def form_of(request: web.Request, body: bytes, *names: str) -> dict[str, Any]:
        fields = parse_form(fake, body, request.headers.get("Content-Type", ""))
        for name in names:
            if fields.get(name) in (None, "", b""):
                raise bad(fake, f"param {name} is required")
        content = fields["file_content"]
        if int(fields["file_size"]) != len(content):
            raise bad(fake, "file_size does not match the content")
        if hashlib.md5(content).hexdigest() != fields["file_checksum"]:
            raise bad(fake, "file_checksum does not match the content")
        return fields

    @routes.post("/v1/files/records/upload-all")
    async def upload_all(request: web.Request) -> web.Response:
        fields = form_of(
            request, await request.read(), *OPERATOR, "file_name", "file_type", "file_size",
            "file_checksum", "file_content", "speak_number",
        )
        job = f"job-{fake.next_id(12)}"
        fake.state.extra.setdefault("uploaded", {})[job] = fields["file_content"]
        return fake.ok({"job_id": job})

    @routes.post("/v1/files/records/upload-prepare")
    async def upload_prepare(request: web.Request) -> web.Response:
        values = await fake.require(request, *OPERATOR, "file_name", "file_size", "file_type")
        size = int(values["file_size"])
        block = int(fake.state.extra.get("upload_block_size", 4 * 1024 * 1024))
        upload_id = f"up-{fake.next_id(12)}"
        uploads[upload_id] = {"size": size, "block": block, "parts": {}}
        return fake.ok({"upload_id": upload_id, "block_size": block,
                        "block_num": max(1, -(-size // block))})

    @routes.post("/v1/files/records/upload-part")
    async def upload_part(request: web.Request) -> web.Response:
        fields = form_of(
            request, await request.read(), *OPERATOR, "upload_id", "file_size", "file_seq",
            "file_checksum", "file_content",
        )
        upload = uploads.get(str(fields["upload_id"]))
        if upload is None:
            raise bad(fake, "upload_id does not exist")
        upload["parts"][int(fields["file_seq"])] = fields["file_content"]
        return fake.ok()

    @routes.post("/v1/files/records/upload-finish")
    async def upload_finish(request: web.Request) -> web.Response:
        values = await fake.require(request, *OPERATOR, "upload_id", "speak_number")
        upload = uploads.pop(str(values["upload_id"]), None)
        if upload is None:
            raise bad(fake, "upload_id does not exist")
        content = b"".join(upload["parts"][n] for n in sorted(upload["parts"]))
        if len(content) != upload["size"]:
            raise bad(fake, "the parts do not add up to file_size")
        job = f"job-{fake.next_id(12)}"
        fake.state.extra.setdefault("uploaded", {})[job] = content
        return fake.ok({"job_id": job})
