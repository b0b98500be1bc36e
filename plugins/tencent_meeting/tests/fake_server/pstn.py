"""PSTN call-out in the fake: numbers must look like phone numbers."""

from typing import TYPE_CHECKING, Any

from aiohttp import web

from .support import listed, meeting

if TYPE_CHECKING:
    from . import FakeTencentMeeting

OPERATOR = ("operator_id", "operator_id_type")


def add_routes(fake: "FakeTencentMeeting", routes: web.RouteTableDef) -> None:
    def split(values: dict[str, Any]) -> tuple[list[dict], list[dict]]:
        good, wrong = [], []
        for number in listed(values["phone_numbers"], "phone_numbers", fake):
            phone = str(number.get("phone", ""))
            entry = {k: number[k] for k in ("area", "phone", "extension_number") if k in number}
            if phone.isdigit() and 5 <= len(phone) <= 15 and "area" in number:
                good.append(entry)
            else:
                wrong.append({**entry, "error_msg": "invalid phone number"})
        return good, wrong

    @routes.post("/v1/meeting/{meeting_id}/phone/callout")
    async def callout(request: web.Request) -> web.Response:
        values = await fake.require(request, *OPERATOR, "phone_numbers")
        found = meeting(fake, request.match_info["meeting_id"])
        good, wrong = split(values)
        calls = found.setdefault("_calls", {})
        for entry in good:
            calls[entry["phone"]] = entry
        return fake.ok({
            "meeting_id": found["meeting_id"],
            "phone_numbers": [{**e, "status": "calling"} for e in good],
            "invalid_phone_numbers": wrong,
        })

    @routes.post("/v1/meeting/{meeting_id}/phone/cancelcall")
    async def cancel(request: web.Request) -> web.Response:
        values = await fake.require(request, *OPERATOR, "phone_numbers")
        found = meeting(fake, request.match_info["meeting_id"])
        good, wrong = split(values)
        calls = found.setdefault("_calls", {})
        done = [e for e in good if calls.pop(e["phone"], None) is not None]
        failed = wrong + [
            {**e, "error_msg": "not being called"} for e in good if e not in done
        ]
        return fake.ok({"success_list": done, "failed_list": failed})
