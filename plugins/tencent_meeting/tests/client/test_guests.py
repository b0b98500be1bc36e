"""GuestsApi: the guest list of a meeting, replaced as a whole."""

import time

import pytest

from hub_tencent_meeting.client import TencentMeeting
from hub_tencent_meeting.errors import ForbiddenError
from hub_tencent_meeting.models.guests import Guest

from ..fake_server import FakeTencentMeeting
from ..fake_server.meetings import add_meeting
from ..fake_server.users import add_user
from .conftest import ADMIN

NOW = int(time.time())


async def test_replace_and_read_guests(api: TencentMeeting, fake: FakeTencentMeeting) -> None:
    meeting_id = add_meeting(fake, ADMIN, "Panel", NOW + 60, NOW + 600)["meeting_id"]
    guests = [Guest(area="86", phone_number="13900000001", guest_name="Ms. Li")]
    await api.guests.replace(meeting_id, guests)
    listed = await api.guests.get(meeting_id)
    assert (listed.subject, listed.guests) == ("Panel", guests)
    await api.guests.replace(meeting_id, [])
    assert (await api.guests.get(meeting_id)).guests == []

    add_user(fake, "u2", "Two")
    with pytest.raises(ForbiddenError) as refused:  # only the creator changes them
        await api.guests.replace(meeting_id, guests, operator_id="u2")
    assert refused.value.error_code == 9042
