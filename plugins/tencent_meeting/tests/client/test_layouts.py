"""LayoutsApi: layouts added to a meeting and applied to it or to members."""

import time

from hub_tencent_meeting.client import TencentMeeting
from hub_tencent_meeting.models.layouts import Layout, LayoutPage, LayoutTarget, Seat, SeatUser

from ..fake_server import FakeTencentMeeting
from ..fake_server.meetings import add_meeting
from .conftest import ADMIN

NOW = int(time.time())


async def test_add_apply_layouts(api: TencentMeeting, fake: FakeTencentMeeting) -> None:
    meeting_id = add_meeting(fake, ADMIN, "Town hall", NOW + 60, NOW + 600)["meeting_id"]
    pages = [LayoutPage(layout_template_id="2", user_seat_list=[
        Seat(grid_id="1", grid_type=1, userid=ADMIN)])]
    added = await api.layouts.add(meeting_id, [Layout(page_list=pages)] * 2,
                                  default_layout_order=2)
    assert added.layout_number == 2
    assert added.selected_layout_id == added.layout_list[1].layout_id

    advanced = await api.layouts.add_advanced(meeting_id, [Layout(
        layout_name="Speakers",
        page_list=[LayoutPage(layout_template_id="3", user_seat_list=[
            Seat(grid_id="1", grid_type=1, user_list=[SeatUser(userid=ADMIN)])])],
    )])
    layout_id = advanced.layout_list[0].layout_id
    assert layout_id and advanced.layout_list[0].layout_name == "Speakers"

    await api.layouts.apply(meeting_id, layout_id=layout_id)
    assert fake.state.meetings[meeting_id]["_selected_layout"] == layout_id
    await api.layouts.apply(meeting_id, layout_id=layout_id, users=[LayoutTarget(ms_open_id="x")])
    assert fake.state.meetings[meeting_id]["_user_layouts"] == {"x": layout_id}
