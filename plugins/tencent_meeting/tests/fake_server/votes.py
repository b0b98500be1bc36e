"""Meeting polls in the fake, as Tencent's public docs describe them [unverified]."""

from typing import TYPE_CHECKING, Any

from aiohttp import web

from .support import meeting

if TYPE_CHECKING:
    from . import FakeTencentMeeting

OPERATOR = ("operator_id", "operator_id_type")


def add_poll(fake: "FakeTencentMeeting", meeting_id: str, topic: str, options: list[str]) -> str:
    """A finished single-choice poll with one vote per option in order; returns its id."""
    found = fake.state.meetings[meeting_id]
    found["has_vote"] = True
    poll_id = fake.next_id(10)
    found.setdefault("_polls", {})[poll_id] = {
        "poll_theme_id": f"theme-{poll_id}", "poll_id": poll_id, "poll_topic": topic,
        "poll_desc": "", "status": 2, "is_shared": 1, "is_anony": 0,
        "vote_total_num": len(options),
        "poll_question_data": [{
            "question_id": "q1", "question_desc": topic, "question_type": 0,
            "option_info": [
                {"option_id": str(n), "option_desc": text, "option_num": 1,
                 "rate": round(100 / len(options))}
                for n, text in enumerate(options)
            ],
        }],
    }
    return poll_id


def add_routes(fake: "FakeTencentMeeting", routes: web.RouteTableDef) -> None:
    @routes.get("/v1/meetings/{meeting_id}/polls-list")
    async def polls(request: web.Request) -> web.Response:
        await fake.require(request, *OPERATOR, "instanceid")
        found = meeting(fake, request.match_info["meeting_id"])
        themes: dict[str, dict[str, Any]] = {}
        for poll in found.get("_polls", {}).values():
            theme = themes.setdefault(
                poll["poll_theme_id"], {"poll_theme_id": poll["poll_theme_id"], "polls_info": []}
            )
            theme["polls_info"].append({k: poll[k] for k in (
                "poll_id", "poll_topic", "status", "is_shared", "is_anony")})
        return fake.ok({"polls_theme_info": list(themes.values())})

    @routes.get("/v1/meetings/{meeting_id}/polls/{poll_id}")
    async def poll(request: web.Request) -> web.Response:
        await fake.require(request, *OPERATOR, "instanceid")
        found = meeting(fake, request.match_info["meeting_id"])
        entry = found.get("_polls", {}).get(request.match_info["poll_id"])
        if entry is None:
            raise fake.error(500, 20016, "poll not exist")
        return fake.ok({"meeting_id": found["meeting_id"], **entry})
