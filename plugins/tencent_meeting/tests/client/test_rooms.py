"""RoomsApi: rooms, details, bookings, the 90-day meeting window, calls, devices."""

import time

import pytest

from hub_tencent_meeting.client import TencentMeeting
from hub_tencent_meeting.client.common import DAY, ParameterError
from hub_tencent_meeting.client.rooms import ROOMS_ID
from hub_tencent_meeting.errors import ValidationError
from hub_tencent_meeting.models.rooms import (
    MraAddress,
    RoomInfo,
    RoomMeetingSettings,
    RoomRecordSettings,
)

from ..fake_server import FakeTencentMeeting
from ..fake_server.meetings import add_meeting
from ..fake_server.rooms import add_room
from .conftest import ADMIN

NOW = int(time.time())


async def test_rooms_devices_and_controllers_page_by_number(
    api: TencentMeeting, fake: FakeTencentMeeting
) -> None:
    made = [add_room(fake, f"Room {n:02d}") for n in range(25)]
    rooms = [r async for r in api.rooms.iter_rooms()]
    assert [r.meeting_room_id for r in rooms] == sorted(r["meeting_room_id"] for r in made)
    assert len(fake.hits("/v1/meeting-rooms")) == 2
    named = await api.rooms.list_page(meeting_room_name="Room 1")
    assert named.total_count == 10
    devices = [d async for d in api.rooms.iter_devices(page_size=10)]
    assert len(devices) == 25 and devices[0].device_monitor_info
    assert (await api.rooms.devices_page(page_size=10)).total_page == 3
    controllers = [c async for c in api.rooms.iter_controllers(controller_name="Room 0")]
    assert len(controllers) == 10
    assert (await api.rooms.controllers_page(page_size=5)).total_page == 5
    inventory = await api.rooms.inventory()
    assert (inventory.normal_count, inventory.normal_used_count) == (10, 25)
    assert (await api.rooms.account_statistics()).pro_used_count == 25


async def test_room_detail_settings_and_codes(
    api: TencentMeeting, fake: FakeTencentMeeting
) -> None:
    stored = add_room(fake, "Everest", capacity=12)
    room_id = stored["meeting_room_id"]
    detail = await api.rooms.get(room_id)
    assert detail.basic_info and detail.basic_info.meeting_room_name == "Everest"
    assert detail.basic_info.rooms_id_list == [stored["_rooms_id"]]

    await api.rooms.modify(room_id, RoomInfo(meeting_room_name="K2", participant_number=6),
                           is_allow_call=False)
    assert (stored["meeting_room_name"], stored["is_allow_call"]) == ("K2", False)
    await api.rooms.modify_config(
        room_id,
        meeting_settings=RoomMeetingSettings(caption=True),
        record_settings=RoomRecordSettings(share_record=2),
    )
    config = await api.rooms.config(room_id)
    assert config.meeting_settings and config.meeting_settings.caption is True
    assert config.record_settings and config.record_settings.share_record == 2

    code = await api.rooms.active_code(room_id)
    assert code.active_code == stored["active_code"]
    job = await api.rooms.set_background(room_id, "https://img/bg.png")
    assert job.job_id
    assert (await api.rooms.background(room_id)).background_image == "https://img/bg.png"
    stored["_screencast_code"] = "123456"
    found = await api.rooms.by_screencast_code("123456")
    assert found.meeting_room_id == room_id


async def test_bookings_and_the_90_day_window(
    api: TencentMeeting, fake: FakeTencentMeeting
) -> None:
    stored = add_room(fake, "Fuji")
    room_id = stored["meeting_room_id"]
    ids = [
        add_meeting(fake, ADMIN, f"m{n}", NOW + n * 3600, NOW + n * 3600 + 1800)["meeting_id"]
        for n in range(23)
    ]
    for meeting_id in ids:
        booked = await api.rooms.book(meeting_id, [room_id], subject_visible=True)
        assert booked.meeting_room_list[0].meeting_room_name == "Fuji"
    meetings = api.rooms.iter_meetings(room_id, start_time=NOW - DAY, end_time=NOW + 2 * DAY)
    found = [m.meeting_id async for m in meetings]
    assert found == ids
    via_device = await api.rooms.meetings_page(
        stored["_rooms_id"], id_type=ROOMS_ID, start_time=NOW - DAY, end_time=NOW + 2 * DAY,
        page=2,
    )
    assert (via_device.total_count, len(via_device.meeting_info_list)) == (23, 3)
    assert isinstance(via_device.meeting_info_list[0].start_time, int)
    await api.rooms.release(ids[0], [room_id])
    assert ids[0] not in stored["_meetings"]

    before = len(fake.seen)
    with pytest.raises(ParameterError, match="90 days"):
        api.rooms.iter_meetings(room_id, start_time=NOW - 91 * DAY, end_time=NOW)
    with pytest.raises(ParameterError, match="page_size"):
        await api.rooms.meetings_page(room_id, page_size=50)
    assert len(fake.seen) == before
    with pytest.raises(ValidationError, match="90 days"):
        await api.client.call(
            "GET", f"/v1/meeting-rooms/{room_id}/meetings",
            query={"operator_id_type": 5, "instanceid": 1, "start_time": NOW - 91 * DAY,
                   "end_time": NOW},
        )


async def test_calling_a_room(api: TencentMeeting, fake: FakeTencentMeeting) -> None:
    room_id = add_room(fake, "Alps")["meeting_room_id"]
    meeting_id = add_meeting(fake, ADMIN, "Call", NOW - 60, NOW + 600)["meeting_id"]
    call = await api.rooms.call_room(meeting_id, meeting_room_id=room_id)
    assert call.status == 4 and call.invite_id
    state = await api.rooms.room_call_state(meeting_id, meeting_room_id=room_id)
    assert state.status == 4
    await api.rooms.cancel_room_call(meeting_id, call.invite_id, meeting_room_id=room_id)
    assert (await api.rooms.room_call_state(meeting_id, meeting_room_id=room_id)).status == 5

    sip = MraAddress(protocol=1, dial_string="sip:room@example.com")
    sip_call = await api.rooms.call_room(meeting_id, mra_address=sip)
    assert sip_call.invite_id
    with pytest.raises(ValidationError, match="mra_address"):
        await api.rooms.call_room(meeting_id)
