"""Recording intelligence in the fake: answers derived from the file's transcript."""

from typing import TYPE_CHECKING, Any

from aiohttp import web

from .support import record_file

if TYPE_CHECKING:
    from . import FakeTencentMeeting

OPERATOR = ("operator_id", "operator_id_type")


def add_routes(fake: "FakeTencentMeeting", routes: web.RouteTableDef) -> None:
    async def file_of(request: web.Request, *names: str) -> tuple[dict[str, Any], dict]:
        values = await fake.require(request, *OPERATOR, "record_file_id", *names)
        _, file = record_file(fake, str(values["record_file_id"]))
        if file.get("_pwd") and values.get("pwd") != file["_pwd"]:
            raise fake.error(400, 190004, "the recording needs its access password (pwd)")
        return values, file

    @routes.get("/v1/smart/chapters")
    async def chapters(request: web.Request) -> web.Response:
        _, file = await file_of(request)
        return fake.ok({"chapter_list": [
            {"chapter_id": p["pid"], "chapter_name": f"Chapter {p['pid']}",
             "start_time": str(p["start_time"])}
            for p in file["_transcript"]
        ]})

    @routes.get("/v1/smart/fullsummary")
    async def full_summary(request: web.Request) -> web.Response:
        _, file = await file_of(request)
        return fake.ok({"ai_summary": f"{len(file['_transcript'])} paragraphs discussed"})

    @routes.get("/v1/smart/speakers")
    async def speakers(request: web.Request) -> web.Response:
        values, file = await file_of(request, "page", "page_size")
        people: dict[str, dict[str, Any]] = {}
        for p in file["_transcript"]:
            who = p["speaker_info"]["userid"]
            entry = people.setdefault(who, {
                "speaker_id": who, "speaker_id_type": 1,
                "speaker_name": p["speaker_info"].get("username", who),
                "total_time": 0, "speaker_time": [],
            })
            entry["total_time"] += p["end_time"] - p["start_time"]
            entry["speaker_time"].append(
                {"start_time": str(p["start_time"]), "end_time": str(p["end_time"])}
            )
        page = fake.numbered_page(values, list(people.values()), "speaker_list")
        return fake.ok({"total_count": page["total_count"], "speaker_list": page["speaker_list"]})

    @routes.get("/v1/smart/topics")
    async def topics(request: web.Request) -> web.Response:
        _, file = await file_of(request)
        return fake.ok({"ai_topic_list": [
            {"topic_id": "t1", "topic_name": "paragraph",
             "topic_time": [{"pid": p["pid"], "start_time": str(p["start_time"]),
                             "end_time": str(p["end_time"])} for p in file["_transcript"]]}
        ] if file["_transcript"] else []})
