"""AppsApi: extension apps bound to a meeting's toolbar."""

import json
import time

import pytest

from hub_tencent_meeting.client import TencentMeeting
from hub_tencent_meeting.errors import ValidationError
from hub_tencent_meeting.models.apps import Tool

from ..fake_server import FakeTencentMeeting
from ..fake_server.meetings import add_meeting
from .conftest import ADMIN

NOW = int(time.time())


async def test_bind_toolkit(api: TencentMeeting, fake: FakeTencentMeeting) -> None:
    meeting_id = add_meeting(fake, ADMIN, "Apps", NOW + 60, NOW + 600)["meeting_id"]
    await api.apps.bind_toolkit(meeting_id, [Tool(tool_appid="a1", tool_sdkid="s1")],
                                auto_open_sdkid="s1")
    sent = json.loads(fake.hits("/v1/app/toolkit")[-1].body)
    assert (sent["userid"], sent["instanceid"], sent["auto_open_sdkid"]) == (ADMIN, 1, "s1")
    assert fake.state.meetings[meeting_id]["_tools"] == [{"tool_appid": "a1", "tool_sdkid": "s1"}]
    with pytest.raises(ValidationError, match="tool_list"):
        await api.client.call("POST", "/v1/app/toolkit", body={
            "userid": ADMIN, "instanceid": 1, "meeting_id": meeting_id})
