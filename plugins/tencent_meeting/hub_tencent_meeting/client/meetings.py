"""Meetings: create, read, change and cancel; members; registration; waiting room; ASR.

Older endpoints identify the caller with `userid` + `instanceid` (device type,
1 = PC by default), newer ones with `operator_id` + `operator_id_type`; each
method sends what its endpoint takes. Listings come as async iterators that
follow Tencent's paging to the end, next to a method for one page.
"""

from collections.abc import AsyncIterator, Sequence
from typing import Any

from hub.errors import NotFound

from hub_tencent_meeting.client.common import (
    ApiModule,
    Time,
    check_page_size,
    check_window,
    compact,
    dump,
    models_of,
    quoted,
    seconds,
    with_total_page,
)
from hub_tencent_meeting.client.paging import pages_by_cursory, pages_by_number, pages_by_pos
from hub_tencent_meeting.models.common import JobResult, UserRef, items_of
from hub_tencent_meeting.models.meetings import (
    AsrDetails,
    AsrHotWords,
    CustomerShortUrl,
    DeviceMeetings,
    EndedMeeting,
    EndedMeetingPage,
    EnrollApprovalResult,
    EnrollConfig,
    EnrollConfigResult,
    EnrollConfigUpdate,
    EnrollDeleteResult,
    EnrollIds,
    EnrollImport,
    EnrollImportResult,
    Enrollment,
    EnrollmentPage,
    ExportJob,
    Invitee,
    InviteesPage,
    LiveParticipantsPage,
    Meeting,
    MeetingCreate,
    MeetingList,
    MeetingUpdate,
    NonRegistered,
    Participant,
    ParticipantsPage,
    PmiMeeting,
    PmiMeetingPage,
    QosPage,
    QosParticipant,
    QualityPage,
    WaitingRoomMember,
    WaitingRoomPage,
    WelcomeMessage,
)

PARTICIPANTS_MAX_DAYS = 31
HISTORY_MAX_DAYS = 90
HISTORY_MAX_PAGE_SIZE = 20


def _first_meeting(data: dict[str, Any], what: str) -> Meeting:
    found = items_of(data, "meeting_info_list")
    if not found:
        raise NotFound(f"Tencent Meeting returned no meeting for {what}")
    return Meeting.model_validate(found[0])


class MeetingsApi(ApiModule):
    """Meetings and everything attached to one meeting."""

    # ---- the meeting -------------------------------------------------------------------------

    async def create(
        self, meeting: MeetingCreate, *, operator_id: str | None = None, instanceid: int = 1
    ) -> Meeting:
        """Schedule (type 0) or start (type 1) a meeting; counts against 2,000/h."""
        body = {"userid": self._userid(operator_id), "instanceid": instanceid, **dump(meeting)}
        data = await self.client.call("POST", "/v1/meetings", body=body, limit="create_meeting")
        return _first_meeting(data, "the created meeting")

    async def get(
        self, meeting_id: str, *, operator_id: str | None = None, instanceid: int = 1
    ) -> Meeting:
        query = {**self._op_query(operator_id), "instanceid": instanceid}
        data = await self.client.call("GET", f"/v1/meetings/{quoted(meeting_id)}", query=query)
        return _first_meeting(data, f"meeting {meeting_id}")

    async def by_code(
        self, meeting_code: str, *, operator_id: str | None = None, instanceid: int = 1
    ) -> list[Meeting]:
        """Meetings with this 9-digit code (a recurring meeting may give several)."""
        query = {
            "meeting_code": meeting_code,
            "userid": self._userid(operator_id),
            "instanceid": instanceid,
        }
        data = await self.client.call("GET", "/v1/meetings", query=query)
        return [Meeting.model_validate(m) for m in items_of(data, "meeting_info_list")]

    async def list_page(
        self,
        *,
        userid: str | None = None,
        pos: int | None = None,
        cursory: int | None = None,
        is_show_all_sub_meetings: int | None = None,
        instanceid: int = 1,
    ) -> MeetingList:
        """One answer of a user's upcoming and ongoing meetings (ended ones: `iter_ended`)."""
        query = compact(
            userid=userid or self._userid(None),
            instanceid=instanceid,
            pos=pos,
            cursory=cursory,
            is_show_all_sub_meetings=is_show_all_sub_meetings,
        )
        data = await self.client.call("GET", "/v1/meetings", query=query)
        return MeetingList.model_validate(data)

    def iter_upcoming(
        self,
        *,
        userid: str | None = None,
        is_show_all_sub_meetings: int | None = None,
        instanceid: int = 1,
    ) -> AsyncIterator[Meeting]:
        """A user's upcoming and ongoing meetings, following pos + cursory to the end."""
        base = compact(
            userid=userid or self._userid(None),
            instanceid=instanceid,
            is_show_all_sub_meetings=is_show_all_sub_meetings,
        )

        async def fetch(paging: dict[str, Any]) -> dict[str, Any]:
            return await self.client.call("GET", "/v1/meetings", query={**base, **paging})

        return models_of(pages_by_cursory(fetch, "meeting_info_list"), Meeting)

    async def update(
        self,
        meeting_id: str,
        changes: MeetingUpdate,
        *,
        operator_id: str | None = None,
        instanceid: int = 1,
    ) -> list[Meeting]:
        body = {"userid": self._userid(operator_id), "instanceid": instanceid, **dump(changes)}
        data = await self.client.call("PUT", f"/v1/meetings/{quoted(meeting_id)}", body=body)
        return [Meeting.model_validate(m) for m in items_of(data, "meeting_info_list")]

    async def cancel(
        self,
        meeting_id: str,
        *,
        reason_code: int = 1,
        reason_detail: str | None = None,
        sub_meeting_id: str | None = None,
        meeting_type: int | None = None,
        operator_id: str | None = None,
        instanceid: int = 1,
    ) -> None:
        """Cancel a meeting that has not started (one sub-meeting with `sub_meeting_id`)."""
        body = compact(
            userid=self._userid(operator_id),
            instanceid=instanceid,
            reason_code=reason_code,
            reason_detail=reason_detail,
            sub_meeting_id=sub_meeting_id,
            meeting_type=meeting_type,
        )
        await self.client.call("POST", f"/v1/meetings/{quoted(meeting_id)}/cancel", body=body)

    def iter_ended(
        self,
        *,
        userid: str | None = None,
        meeting_code: str | None = None,
        start_time: Time | None = None,
        end_time: Time | None = None,
        page_size: int = HISTORY_MAX_PAGE_SIZE,
    ) -> AsyncIterator[EndedMeeting]:
        """A user's ended meetings; the window may span at most 90 days."""
        query = self._ended_query(userid, meeting_code, start_time, end_time, page_size)
        path = f"/v1/history/meetings/{quoted(query.pop('userid'))}"

        async def fetch(paging: dict[str, Any]) -> dict[str, Any]:
            return await self.client.call("GET", path, query={**query, **paging})

        return models_of(
            pages_by_number(fetch, "meeting_info_list", page_size=page_size), EndedMeeting
        )

    async def ended_page(
        self,
        *,
        userid: str | None = None,
        page: int = 1,
        page_size: int = HISTORY_MAX_PAGE_SIZE,
        meeting_code: str | None = None,
        start_time: Time | None = None,
        end_time: Time | None = None,
    ) -> EndedMeetingPage:
        query = self._ended_query(userid, meeting_code, start_time, end_time, page_size)
        path = f"/v1/history/meetings/{quoted(query.pop('userid'))}"
        data = await self.client.call("GET", path, query={**query, "page": page})
        return EndedMeetingPage.model_validate(data)

    def _ended_query(
        self,
        userid: str | None,
        meeting_code: str | None,
        start_time: Time | None,
        end_time: Time | None,
        page_size: int,
    ) -> dict[str, Any]:
        start, end = seconds(start_time), seconds(end_time)
        check_window(start, end, max_days=HISTORY_MAX_DAYS, what="ended meetings")
        check_page_size(page_size, HISTORY_MAX_PAGE_SIZE, "ended meetings")
        return compact(
            userid=userid or self._userid(None),
            page_size=page_size,
            meeting_code=meeting_code,
            start_time=start,
            end_time=end,
        )

    def iter_pmi_meetings(
        self,
        *,
        start_time: Time | None = None,
        end_time: Time | None = None,
        page_size: int = 20,
        operator_id: str | None = None,
        instanceid: int = 1,
    ) -> AsyncIterator[PmiMeeting]:
        """Meetings held on the operator's personal meeting ID."""
        base = compact(
            **self._op_query(operator_id),
            instanceid=instanceid,
            start_time=seconds(start_time),
            end_time=seconds(end_time),
        )

        async def fetch(paging: dict[str, Any]) -> dict[str, Any]:
            return await self.client.call("GET", "/v1/pmi-meetings", query={**base, **paging})

        return models_of(
            pages_by_number(fetch, "meeting_info_list", page_size=page_size), PmiMeeting
        )

    async def pmi_meetings_page(
        self,
        *,
        page: int = 1,
        page_size: int = 20,
        start_time: Time | None = None,
        end_time: Time | None = None,
        operator_id: str | None = None,
        instanceid: int = 1,
    ) -> PmiMeetingPage:
        query = compact(
            **self._op_query(operator_id),
            instanceid=instanceid,
            start_time=seconds(start_time),
            end_time=seconds(end_time),
            page=page,
            page_size=page_size,
        )
        data = await self.client.call("GET", "/v1/pmi-meetings", query=query)
        return PmiMeetingPage.model_validate(data)

    # ---- people ------------------------------------------------------------------------------

    async def participants_page(
        self,
        meeting_id: str,
        *,
        sub_meeting_id: str | None = None,
        start_time: Time | None = None,
        end_time: Time | None = None,
        pos: int | str | None = None,
        size: int | None = None,
        operator_id: str | None = None,
    ) -> ParticipantsPage:
        query = self._participants_query(sub_meeting_id, start_time, end_time, operator_id)
        path = f"/v1/meetings/{quoted(meeting_id)}/participants"
        data = await self.client.call("GET", path, query={**query, **compact(pos=pos, size=size)})
        return ParticipantsPage.model_validate(data)

    def iter_participants(
        self,
        meeting_id: str,
        *,
        sub_meeting_id: str | None = None,
        start_time: Time | None = None,
        end_time: Time | None = None,
        size: int = 100,
        operator_id: str | None = None,
    ) -> AsyncIterator[Participant]:
        """Join/leave records of a meeting; a given window may span at most 31 days."""
        query = self._participants_query(sub_meeting_id, start_time, end_time, operator_id)
        path = f"/v1/meetings/{quoted(meeting_id)}/participants"

        async def fetch(paging: dict[str, Any]) -> dict[str, Any]:
            return await self.client.call("GET", path, query={**query, **paging})

        return models_of(pages_by_pos(fetch, "participants", size=size), Participant)

    def _participants_query(
        self,
        sub_meeting_id: str | None,
        start_time: Time | None,
        end_time: Time | None,
        operator_id: str | None,
    ) -> dict[str, Any]:
        start, end = seconds(start_time), seconds(end_time)
        check_window(start, end, max_days=PARTICIPANTS_MAX_DAYS, what="participants")
        return compact(
            **self._op_query(operator_id),
            sub_meeting_id=sub_meeting_id,
            start_time=start,
            end_time=end,
        )

    def iter_realtime_participants(
        self,
        meeting_id: str,
        *,
        sub_meeting_id: str | None = None,
        page_size: int = 20,
        operator_id: str | None = None,
    ) -> AsyncIterator[Participant]:
        """Members in the meeting right now."""
        base = compact(**self._op_query(operator_id), sub_meeting_id=sub_meeting_id)
        path = f"/v1/meetings/{quoted(meeting_id)}/real-time-participants"

        async def fetch(paging: dict[str, Any]) -> dict[str, Any]:
            return await self.client.call("GET", path, query={**base, **paging})

        return models_of(pages_by_number(fetch, "participants", page_size=page_size), Participant)

    async def realtime_participants_page(
        self,
        meeting_id: str,
        *,
        page: int = 1,
        page_size: int = 20,
        sub_meeting_id: str | None = None,
        operator_id: str | None = None,
    ) -> LiveParticipantsPage:
        query = compact(
            **self._op_query(operator_id),
            sub_meeting_id=sub_meeting_id,
            page=page,
            page_size=page_size,
        )
        path = f"/v1/meetings/{quoted(meeting_id)}/real-time-participants"
        return LiveParticipantsPage.model_validate(
            await self.client.call("GET", path, query=query)
        )

    def iter_waiting_room_participants(
        self, meeting_id: str, *, page_size: int = 20, operator_id: str | None = None
    ) -> AsyncIterator[Participant]:
        """Members waiting in the waiting room right now."""
        base = {"userid": self._userid(operator_id)}
        path = f"/v1/meetings/{quoted(meeting_id)}/waiting-room-participants"

        async def fetch(paging: dict[str, Any]) -> dict[str, Any]:
            return await self.client.call("GET", path, query={**base, **paging})

        return models_of(pages_by_number(fetch, "participants", page_size=page_size), Participant)

    async def waiting_room_participants_page(
        self,
        meeting_id: str,
        *,
        page: int = 1,
        page_size: int = 20,
        operator_id: str | None = None,
    ) -> LiveParticipantsPage:
        query = {"userid": self._userid(operator_id), "page": page, "page_size": page_size}
        path = f"/v1/meetings/{quoted(meeting_id)}/waiting-room-participants"
        return LiveParticipantsPage.model_validate(
            await self.client.call("GET", path, query=query)
        )

    def iter_waiting_room_history(
        self, meeting_id: str, *, page_size: int = 20, operator_id: str | None = None
    ) -> AsyncIterator[WaitingRoomMember]:
        """Everyone who passed through the waiting room, with join and leave times."""
        base = self._op_query(operator_id)
        path = f"/v1/meeting/{quoted(meeting_id)}/waiting-room"

        async def fetch(paging: dict[str, Any]) -> dict[str, Any]:
            return await self.client.call("GET", path, query={**base, **paging})

        return models_of(
            pages_by_number(fetch, "participants", page_size=page_size), WaitingRoomMember
        )

    async def waiting_room_history_page(
        self,
        meeting_id: str,
        *,
        page: int = 1,
        page_size: int = 20,
        operator_id: str | None = None,
    ) -> WaitingRoomPage:
        query = {**self._op_query(operator_id), "page": page, "page_size": page_size}
        path = f"/v1/meeting/{quoted(meeting_id)}/waiting-room"
        return WaitingRoomPage.model_validate(await self.client.call("GET", path, query=query))

    async def invitees_page(
        self,
        meeting_id: str,
        *,
        pos: int | str | None = None,
        operator_id: str | None = None,
        instanceid: int = 1,
    ) -> InviteesPage:
        query = compact(userid=self._userid(operator_id), instanceid=instanceid, pos=pos)
        path = f"/v1/meetings/{quoted(meeting_id)}/invitees"
        return InviteesPage.model_validate(await self.client.call("GET", path, query=query))

    def iter_invitees(
        self, meeting_id: str, *, operator_id: str | None = None, instanceid: int = 1
    ) -> AsyncIterator[Invitee]:
        """Invited members; the endpoint pages with `pos` alone (no size)."""
        base = {"userid": self._userid(operator_id), "instanceid": instanceid}
        path = f"/v1/meetings/{quoted(meeting_id)}/invitees"

        async def fetch(paging: dict[str, Any]) -> dict[str, Any]:
            query = {**base, **compact(pos=paging.get("pos"))}
            return await self.client.call("GET", path, query=query)

        return models_of(pages_by_pos(fetch, "invitees"), Invitee)

    async def set_invitees(
        self,
        meeting_id: str,
        invitees: Sequence[str | UserRef],
        *,
        operator_id: str | None = None,
        instanceid: int = 1,
    ) -> NonRegistered:
        """Replace the invitee list; returns the userids Tencent does not know."""
        body = {
            "userid": self._userid(operator_id),
            "instanceid": instanceid,
            "invitees": [
                {"userid": i} if isinstance(i, str) else dump(i) for i in invitees
            ],
        }
        path = f"/v1/meetings/{quoted(meeting_id)}/invitees"
        return NonRegistered.model_validate(await self.client.call("PUT", path, body=body))

    # ---- quality -----------------------------------------------------------------------------

    async def qos_page(
        self,
        meeting_id: str,
        *,
        page: int = 1,
        page_size: int = 20,
        to_operator_id: str | None = None,
        to_operator_id_type: int | None = None,
        key: str | None = None,
        min_value: int | None = None,
        max_value: int | None = None,
        operator_id: str | None = None,
    ) -> QosPage:
        """Live audio/video/network quality of the members (optionally filtered on `key`)."""
        query = compact(
            **self._op_query(operator_id),
            page=page,
            page_size=page_size,
            to_operator_id=to_operator_id,
            to_operator_id_type=to_operator_id_type,
            key=key,
            min_value=min_value,
            max_value=max_value,
        )
        path = f"/v1/meetings/{quoted(meeting_id)}/qos"
        return QosPage.model_validate(await self.client.call("GET", path, query=query))

    def iter_qos(
        self, meeting_id: str, *, page_size: int = 20, operator_id: str | None = None
    ) -> AsyncIterator[QosParticipant]:
        base = self._op_query(operator_id)
        path = f"/v1/meetings/{quoted(meeting_id)}/qos"

        async def fetch(paging: dict[str, Any]) -> dict[str, Any]:
            return await self.client.call("GET", path, query={**base, **paging})

        return models_of(
            pages_by_number(fetch, "participants", page_size=page_size), QosParticipant
        )

    async def quality_page(
        self,
        meeting_id: str,
        *,
        start_time: Time,
        page: int = 1,
        page_size: int = 20,
        sub_meeting_id: str | None = None,
        operator_id: str | None = None,
        instanceid: int | None = None,
    ) -> QualityPage:
        """The meeting's health: overall scores, problems, and per member."""
        query = compact(
            **self._op_query(operator_id),
            instanceid=instanceid,
            sub_meeting_id=sub_meeting_id,
            start_time=seconds(start_time),
            page=page,
            page_size=page_size,
        )
        path = f"/v1/meetings/{quoted(meeting_id)}/quality"
        return QualityPage.model_validate(await self.client.call("GET", path, query=query))

    # ---- registration ------------------------------------------------------------------------

    def iter_enrollments(
        self,
        meeting_id: str,
        *,
        status: int | None = None,
        page_size: int = 20,
        operator_id: str | None = None,
        instanceid: int = 1,
    ) -> AsyncIterator[Enrollment]:
        """Registrations (status 1 pending, 2 rejected, 3 approved; all when None)."""
        base = compact(**self._op_query(operator_id), instanceid=instanceid, status=status)
        path = f"/v1/meetings/{quoted(meeting_id)}/enroll/approvals"

        async def fetch(paging: dict[str, Any]) -> dict[str, Any]:
            return await self.client.call("GET", path, query={**base, **paging})

        return models_of(pages_by_number(fetch, "enroll_list", page_size=page_size), Enrollment)

    async def enrollments_page(
        self,
        meeting_id: str,
        *,
        page: int = 1,
        page_size: int = 20,
        status: int | None = None,
        operator_id: str | None = None,
        instanceid: int = 1,
    ) -> EnrollmentPage:
        query = compact(
            **self._op_query(operator_id),
            instanceid=instanceid,
            status=status,
            page=page,
            page_size=page_size,
        )
        path = f"/v1/meetings/{quoted(meeting_id)}/enroll/approvals"
        return EnrollmentPage.model_validate(await self.client.call("GET", path, query=query))

    async def approve_enrollments(
        self,
        meeting_id: str,
        enroll_ids: Sequence[str | int],
        *,
        action: int,
        operator_id: str | None = None,
        instanceid: int = 1,
    ) -> EnrollApprovalResult:
        """Act on registrations: 1 withdraw approval, 2 reject, 3 approve."""
        body = {
            **self._op_body(operator_id),
            "instanceid": instanceid,
            "action": action,
            "enroll_id_list": [int(i) for i in enroll_ids],
        }
        path = f"/v1/meetings/{quoted(meeting_id)}/enroll/approvals"
        return EnrollApprovalResult.model_validate(await self.client.call("PUT", path, body=body))

    async def enroll_config(
        self, meeting_id: str, *, operator_id: str | None = None, instanceid: int = 1
    ) -> EnrollConfig:
        query = {**self._op_query(operator_id), "instanceid": instanceid}
        path = f"/v1/meetings/{quoted(meeting_id)}/enroll/config"
        return EnrollConfig.model_validate(await self.client.call("GET", path, query=query))

    async def update_enroll_config(
        self,
        meeting_id: str,
        config: EnrollConfigUpdate,
        *,
        operator_id: str | None = None,
        instanceid: int = 1,
    ) -> EnrollConfigResult:
        body = {**self._op_body(operator_id), "instanceid": instanceid, **dump(config)}
        path = f"/v1/meetings/{quoted(meeting_id)}/enroll/config"
        return EnrollConfigResult.model_validate(await self.client.call("PUT", path, body=body))

    async def enroll_ids(
        self,
        meeting_id: str,
        ms_open_ids: Sequence[str],
        *,
        sorting_rules: int | None = None,
        operator_id: str | None = None,
        instanceid: int = 1,
    ) -> EnrollIds:
        """The registration ids of members known by their per-meeting `ms_open_id`."""
        body = compact(
            **self._op_body(operator_id),
            instanceid=instanceid,
            ms_open_id_list=list(ms_open_ids),
            sorting_rules=sorting_rules,
        )
        path = f"/v1/meetings/{quoted(meeting_id)}/enroll/ids"
        return EnrollIds.model_validate(await self.client.call("POST", path, body=body))

    async def import_enrollments(
        self,
        meeting_id: str,
        people: Sequence[EnrollImport],
        *,
        operator_id: str | None = None,
        instanceid: int = 1,
    ) -> EnrollImportResult:
        body = {
            **self._op_body(operator_id),
            "instanceid": instanceid,
            "enroll_list": [dump(p) for p in people],
        }
        path = f"/v1/meetings/{quoted(meeting_id)}/enroll/import"
        return EnrollImportResult.model_validate(await self.client.call("POST", path, body=body))

    async def delete_enrollments(
        self,
        meeting_id: str,
        enroll_ids: Sequence[str | int],
        *,
        operator_id: str | None = None,
        instanceid: int = 1,
    ) -> EnrollDeleteResult:
        body = {
            **self._op_body(operator_id),
            "instanceid": instanceid,
            "enroll_id_list": [{"enroll_id": int(i)} for i in enroll_ids],
        }
        path = f"/v1/meetings/{quoted(meeting_id)}/enroll/unregistration"
        return EnrollDeleteResult.model_validate(
            await self.client.call("DELETE", path, body=body)
        )

    # ---- links, waiting room, devices, background --------------------------------------------

    async def create_customer_short_url(
        self, meeting_id: str, customer_data: str, *, operator_id: str | None = None
    ) -> CustomerShortUrl:
        """A join link that carries `customer_data` into join events and participant lists."""
        body = {**self._op_body(operator_id), "meeting_id": meeting_id,
                "customer_data": customer_data}
        data = await self.client.call("POST", "/v1/meetings/customer-short-url", body=body)
        return CustomerShortUrl.model_validate(data.get("meeting_short_url_customer_data") or {})

    async def customer_short_urls(
        self, meeting_id: str, *, operator_id: str | None = None
    ) -> list[CustomerShortUrl]:
        path = f"/v1/meetings/{quoted(meeting_id)}/customer-short-url"
        data = await self.client.call("GET", path, query=self._op_query(operator_id))
        return [
            CustomerShortUrl.model_validate(u)
            for u in items_of(data, "meeting_short_url_customer_data")
        ]

    async def welcome_message(
        self, meeting_id: str, *, operator_id: str | None = None
    ) -> WelcomeMessage:
        path = f"/v1/meeting/{quoted(meeting_id)}/waiting-room-welcome-message"
        data = await self.client.call("GET", path, query=self._op_query(operator_id))
        return WelcomeMessage.model_validate(data)

    async def set_welcome_message(
        self,
        meeting_id: str,
        welcome_text: str,
        *,
        enable_welcome: bool = True,
        operator_id: str | None = None,
    ) -> WelcomeMessage:
        body = {
            **self._op_body(operator_id),
            "meeting_id": meeting_id,
            "enable_welcome": enable_welcome,
            "welcome_text": welcome_text,
        }
        path = "/v1/meeting/set-waiting-room-welcome-message"
        return WelcomeMessage.model_validate(await self.client.call("POST", path, body=body))

    async def meeting_for_devices(
        self,
        meeting_id: str,
        *,
        instanceids: Sequence[int] | None = None,
        operator_id: str | None = None,
    ) -> DeviceMeetings:
        """Which meeting the operator's devices are in (per device type)."""
        body = compact(
            **self._op_body(operator_id),
            meeting_id=meeting_id,
            instanceids=list(instanceids) if instanceids is not None else None,
        )
        path = "/v1/meetings/query/meetingid-for-device"
        return DeviceMeetings.model_validate(await self.client.call("POST", path, body=body))

    async def set_virtual_background(
        self,
        meeting_id: str,
        *,
        type: int,
        image: str | None = None,
        users: Sequence[str] | None = None,
        operator_id: str | None = None,
        instanceid: int = 1,
    ) -> JobResult:
        """Push one virtual background to members; Tencent answers with a job id."""
        body = compact(
            **self._op_body(operator_id),
            instanceid=instanceid,
            type=type,
            image=image,
            users=list(users) if users is not None else None,
        )
        path = f"/v1/meetings/{quoted(meeting_id)}/virtual-background"
        return JobResult.model_validate(await self.client.call("POST", path, body=body))

    async def export_job(self, job_id: str, *, operator_id: str | None = None) -> ExportJob:
        """State of an export job, e.g. a PSTN call-detail export (status 1 = done)."""
        path = f"/v1/meeting/{quoted(job_id)}"
        data = await self.client.call("GET", path, query=self._op_query(operator_id))
        return ExportJob.model_validate(data)

    # ---- speech recognition ------------------------------------------------------------------

    async def set_asr_hot_words(
        self,
        customize_words: Sequence[str],
        *,
        tag: str,
        meeting_id: str | None = None,
        record_file_id: str | None = None,
        operator_id: str | None = None,
    ) -> AsrHotWords:
        """Hot words that help speech recognition of one meeting or recording."""
        body = compact(
            **self._op_body(operator_id),
            customize_words=list(customize_words),
            tag=tag,
            meeting_id=meeting_id,
            record_file_id=record_file_id,
        )
        return AsrHotWords.model_validate(
            await self.client.call("PUT", "/v1/asr/config", body=body)
        )

    async def asr_details(
        self,
        meeting_id: str,
        *,
        start_time: Time | None = None,
        end_time: Time | None = None,
        file_type: int | None = None,
        show_bilingual: int | None = None,
        page: int = 1,
        page_size: int = 20,
        operator_id: str | None = None,
    ) -> AsrDetails:
        """Download links of a meeting's live transcription, one page."""
        query = compact(
            **self._op_query(operator_id),
            meeting_id=meeting_id,
            start_time=seconds(start_time),
            end_time=seconds(end_time),
            file_type=file_type,
            show_bilingual=show_bilingual,
            page=page,
            page_size=page_size,
        )
        data = await self.client.call("GET", "/v1/asr/details", query=query)
        return AsrDetails.model_validate(with_total_page(data, page_size))

    async def set_asr_push(
        self,
        meeting_id: str,
        is_open: bool,
        *,
        target_rooms_id: str | None = None,
        target_rooms_id_type: int | None = None,
        operator_id: str | None = None,
    ) -> None:
        """Switch the webhook push of live transcripts on or off."""
        body = compact(
            **self._op_body(operator_id),
            meeting_id=meeting_id,
            is_open=is_open,
            target_rooms_id=target_rooms_id,
            target_rooms_id_type=target_rooms_id_type,
        )
        await self.client.call("POST", "/v1/asr/push-status", body=body)
