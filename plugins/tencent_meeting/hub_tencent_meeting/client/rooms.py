"""Meeting rooms (Tencent Rooms): rooms, their devices and controllers, bookings, calls.

Room meetings are asked for with the room itself as the operator (`rooms_id`,
type 3, or `meeting_room_id`, type 5) and for a window of at most 90 days.
"""

from collections.abc import AsyncIterator, Sequence
from typing import Any

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
)
from hub_tencent_meeting.client.paging import pages_by_number
from hub_tencent_meeting.models.common import JobResult
from hub_tencent_meeting.models.rooms import (
    ActiveCode,
    BookedRooms,
    Controller,
    ControllerPage,
    Device,
    DevicePage,
    MeetingRoom,
    MeetingRoomDetail,
    MeetingRoomPage,
    MraAddress,
    RoomBackground,
    RoomCall,
    RoomCallState,
    RoomConfig,
    RoomInfo,
    RoomMeeting,
    RoomMeetingPage,
    RoomMeetingSettings,
    RoomRecordSettings,
    RoomsAccountStatistics,
    RoomsInventory,
    ScreencastRoom,
)

ROOM_MEETINGS_MAX_DAYS = 90
ROOM_MEETINGS_MAX_PAGE_SIZE = 20
MEETING_ROOM_ID = 5
ROOMS_ID = 3


class RoomsApi(ApiModule):
    """Meeting rooms and what is attached to them."""

    # ---- rooms -------------------------------------------------------------------------------

    async def list_page(
        self,
        *,
        page: int = 1,
        page_size: int = 20,
        meeting_room_name: str | None = None,
        operator_id: str | None = None,
    ) -> MeetingRoomPage:
        query = compact(
            page=page,
            page_size=page_size,
            meeting_room_name=meeting_room_name,
            **self._op_query(operator_id),
        )
        data = await self.client.call("GET", "/v1/meeting-rooms", query=query)
        return MeetingRoomPage.model_validate(data)

    def iter_rooms(
        self,
        *,
        meeting_room_name: str | None = None,
        page_size: int = 20,
        operator_id: str | None = None,
    ) -> AsyncIterator[MeetingRoom]:
        base = compact(meeting_room_name=meeting_room_name, **self._op_query(operator_id))

        async def fetch(paging: dict[str, Any]) -> dict[str, Any]:
            return await self.client.call("GET", "/v1/meeting-rooms", query={**paging, **base})

        return models_of(
            pages_by_number(fetch, "meeting_room_list", page_size=page_size), MeetingRoom
        )

    async def get(
        self, meeting_room_id: str, *, operator_id: str | None = None
    ) -> MeetingRoomDetail:
        path = f"/v1/meeting-rooms/{quoted(meeting_room_id)}"
        data = await self.client.call("GET", path, query=self._op_query(operator_id))
        return MeetingRoomDetail.model_validate(data)

    async def modify(
        self,
        meeting_room_id: str,
        info: RoomInfo,
        *,
        is_allow_call: bool | None = None,
        scheduled_status: int | None = None,
        operator_id: str | None = None,
        instance_id: int = 1,
    ) -> None:
        body = compact(
            **self._op_body(operator_id),
            instance_id=instance_id,
            meeting_room_id=meeting_room_id,
            meeting_room_info=dump(info),
            is_allow_call=is_allow_call,
            scheduled_status=scheduled_status,
        )
        await self.client.call("PUT", "/v1/meeting-rooms/modify", body=body)

    async def config(
        self, meeting_room_id: str, *, operator_id: str | None = None, instance_id: int = 1
    ) -> RoomConfig:
        body = {
            **self._op_body(operator_id),
            "instance_id": instance_id,
            "meeting_room_id": meeting_room_id,
        }
        data = await self.client.call("POST", "/v1/meeting-rooms/room-config-info", body=body)
        return RoomConfig.model_validate(data)

    async def modify_config(
        self,
        meeting_room_id: str,
        *,
        meeting_settings: RoomMeetingSettings,
        record_settings: RoomRecordSettings,
        operator_id: str | None = None,
        instance_id: int = 1,
    ) -> None:
        body = {
            **self._op_body(operator_id),
            "instance_id": instance_id,
            "meeting_room_id": meeting_room_id,
            "meeting_settings": dump(meeting_settings),
            "record_settings": dump(record_settings),
        }
        await self.client.call("POST", "/v1/meeting-rooms/modify-room-config-info", body=body)

    async def active_code(
        self, meeting_room_id: str, *, operator_id: str | None = None
    ) -> ActiveCode:
        """A new code to activate a Rooms device for this room."""
        path = f"/v1/meeting-rooms/{quoted(meeting_room_id)}/active-code"
        data = await self.client.call("POST", path, query=self._op_query(operator_id))
        return ActiveCode.model_validate(data)

    async def background(
        self, meeting_room_id: str, *, operator_id: str | None = None
    ) -> RoomBackground:
        path = f"/v1/meeting-rooms/{quoted(meeting_room_id)}/background"
        data = await self.client.call("GET", path, query=self._op_query(operator_id))
        return RoomBackground.model_validate(data)

    async def set_background(
        self,
        meeting_room_id: str,
        background_image: str | None,
        *,
        operator_id: str | None = None,
    ) -> JobResult:
        """Set (an image URL) or clear (None) the room's background; runs as a job."""
        body = compact(**self._op_body(operator_id), background_image=background_image)
        path = f"/v1/meeting-rooms/{quoted(meeting_room_id)}/background"
        return JobResult.model_validate(await self.client.call("POST", path, body=body))

    async def by_screencast_code(
        self, screencast_code: str, *, operator_id: str | None = None
    ) -> ScreencastRoom:
        path = f"/v1/meeting-rooms/{quoted(screencast_code)}/rooms-info"
        data = await self.client.call("GET", path, query=self._op_query(operator_id))
        return ScreencastRoom.model_validate(data)

    # ---- meetings on a room ------------------------------------------------------------------

    def _meetings_query(
        self,
        id_type: int,
        start_time: Time | None,
        end_time: Time | None,
        page_size: int,
        target_rooms_id: str | None,
        target_rooms_id_type: int | None,
        instanceid: int,
    ) -> dict[str, Any]:
        start, end = seconds(start_time), seconds(end_time)
        check_window(start, end, max_days=ROOM_MEETINGS_MAX_DAYS, what="room meetings")
        check_page_size(page_size, ROOM_MEETINGS_MAX_PAGE_SIZE, "room meetings")
        return compact(
            operator_id_type=id_type,
            instanceid=instanceid,
            start_time=start,
            end_time=end,
            page_size=page_size,
            target_rooms_id=target_rooms_id,
            target_rooms_id_type=target_rooms_id_type,
        )

    async def meetings_page(
        self,
        room_id: str,
        *,
        id_type: int = MEETING_ROOM_ID,
        start_time: Time | None = None,
        end_time: Time | None = None,
        page: int = 1,
        page_size: int = ROOM_MEETINGS_MAX_PAGE_SIZE,
        target_rooms_id: str | None = None,
        target_rooms_id_type: int | None = None,
        instanceid: int = 1,
    ) -> RoomMeetingPage:
        query = self._meetings_query(
            id_type, start_time, end_time, page_size, target_rooms_id, target_rooms_id_type,
            instanceid,
        )
        path = f"/v1/meeting-rooms/{quoted(room_id)}/meetings"
        data = await self.client.call("GET", path, query={**query, "page": page})
        return RoomMeetingPage.model_validate(data)

    def iter_meetings(
        self,
        room_id: str,
        *,
        id_type: int = MEETING_ROOM_ID,
        start_time: Time | None = None,
        end_time: Time | None = None,
        page_size: int = ROOM_MEETINGS_MAX_PAGE_SIZE,
        target_rooms_id: str | None = None,
        target_rooms_id_type: int | None = None,
        instanceid: int = 1,
    ) -> AsyncIterator[RoomMeeting]:
        """Meetings booked on a room (by meeting_room_id, or rooms_id with id_type=3)."""
        query = self._meetings_query(
            id_type, start_time, end_time, page_size, target_rooms_id, target_rooms_id_type,
            instanceid,
        )
        path = f"/v1/meeting-rooms/{quoted(room_id)}/meetings"

        async def fetch(paging: dict[str, Any]) -> dict[str, Any]:
            return await self.client.call("GET", path, query={**query, **paging})

        return models_of(
            pages_by_number(fetch, "meeting_info_list", page_size=page_size), RoomMeeting
        )

    async def book(
        self,
        meeting_id: str,
        meeting_room_ids: Sequence[str],
        *,
        subject_visible: bool | None = None,
        operator_id: str | None = None,
    ) -> BookedRooms:
        body = compact(
            **self._op_body(operator_id),
            meeting_room_id_list=list(meeting_room_ids),
            subject_visible=subject_visible,
        )
        path = f"/v1/meetings/{quoted(meeting_id)}/book-rooms"
        return BookedRooms.model_validate(await self.client.call("POST", path, body=body))

    async def release(
        self,
        meeting_id: str,
        meeting_room_ids: Sequence[str],
        *,
        operator_id: str | None = None,
    ) -> None:
        body = {**self._op_body(operator_id), "meeting_room_id_list": list(meeting_room_ids)}
        path = f"/v1/meetings/{quoted(meeting_id)}/release-rooms"
        await self.client.call("POST", path, body=body)

    # ---- calling a room into a meeting -------------------------------------------------------

    async def call_room(
        self,
        meeting_id: str,
        *,
        meeting_room_id: str | None = None,
        mra_address: MraAddress | None = None,
        operator_id: str | None = None,
    ) -> RoomCall:
        """Call a Rooms room (`meeting_room_id`) or a SIP/H.323 device (`mra_address`)."""
        body = compact(
            **self._op_body(operator_id),
            meeting_id=meeting_id,
            meeting_room_id=meeting_room_id,
            mra_address=dump(mra_address) if mra_address else None,
        )
        data = await self.client.call("PUT", "/v1/meeting-rooms/room-call", body=body)
        return RoomCall.model_validate(data)

    async def room_call_state(
        self,
        meeting_id: str,
        *,
        meeting_room_id: str | None = None,
        mra_address: MraAddress | None = None,
        operator_id: str | None = None,
        instance_id: int = 1,
    ) -> RoomCallState:
        body = compact(
            **self._op_body(operator_id),
            instance_id=instance_id,
            meeting_id=meeting_id,
            meeting_room_id=meeting_room_id,
            mra_address=dump(mra_address) if mra_address else None,
        )
        data = await self.client.call("POST", "/v1/meeting-rooms/room-call-info", body=body)
        return RoomCallState.model_validate(data)

    async def cancel_room_call(
        self,
        meeting_id: str,
        invite_id: str,
        *,
        meeting_room_id: str | None = None,
        mra_address: MraAddress | None = None,
        operator_id: str | None = None,
        instance_id: int = 1,
    ) -> None:
        body = compact(
            **self._op_body(operator_id),
            instance_id=instance_id,
            meeting_id=meeting_id,
            invite_id=invite_id,
            meeting_room_id=meeting_room_id,
            mra_address=dump(mra_address) if mra_address else None,
        )
        await self.client.call("PUT", "/v1/meeting-rooms/cancel-room-call", body=body)

    # ---- devices, controllers, inventory -----------------------------------------------------

    async def devices_page(
        self,
        *,
        page: int = 1,
        page_size: int = 20,
        meeting_room_name: str | None = None,
        operator_id: str | None = None,
    ) -> DevicePage:
        query = compact(
            page=page,
            page_size=page_size,
            meeting_room_name=meeting_room_name,
            **self._op_query(operator_id),
        )
        return DevicePage.model_validate(
            await self.client.call("GET", "/v1/devices", query=query)
        )

    def iter_devices(
        self,
        *,
        meeting_room_name: str | None = None,
        page_size: int = 20,
        operator_id: str | None = None,
    ) -> AsyncIterator[Device]:
        base = compact(meeting_room_name=meeting_room_name, **self._op_query(operator_id))

        async def fetch(paging: dict[str, Any]) -> dict[str, Any]:
            return await self.client.call("GET", "/v1/devices", query={**paging, **base})

        return models_of(pages_by_number(fetch, "device_info_list", page_size=page_size), Device)

    async def controllers_page(
        self,
        *,
        page: int = 1,
        page_size: int = 20,
        controller_name: str | None = None,
        operator_id: str | None = None,
    ) -> ControllerPage:
        query = compact(
            controller_name=controller_name,
            page=page,
            page_size=page_size,
            **self._op_query(operator_id),
        )
        data = await self.client.call(
            "GET", "/v1/meeting-rooms-monitor/device-controller-info", query=query
        )
        return ControllerPage.model_validate(data)

    def iter_controllers(
        self,
        *,
        controller_name: str | None = None,
        page_size: int = 20,
        operator_id: str | None = None,
    ) -> AsyncIterator[Controller]:
        base = compact(controller_name=controller_name, **self._op_query(operator_id))

        async def fetch(paging: dict[str, Any]) -> dict[str, Any]:
            return await self.client.call(
                "GET", "/v1/meeting-rooms-monitor/device-controller-info",
                query={**base, **paging},
            )

        return models_of(
            pages_by_number(fetch, "controller_info_list", page_size=page_size), Controller
        )

    async def inventory(self, *, operator_id: str | None = None) -> RoomsInventory:
        data = await self.client.call(
            "GET", "/v1/rooms-inventory", query=self._op_query(operator_id)
        )
        return RoomsInventory.model_validate(data)

    async def account_statistics(
        self, *, operator_id: str | None = None
    ) -> RoomsAccountStatistics:
        data = await self.client.call(
            "GET", "/v1/rooms-inventory/account-statistics", query=self._op_query(operator_id)
        )
        return RoomsAccountStatistics.model_validate(data)
