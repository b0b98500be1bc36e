"""CorpRecordsApi [unverified]: every user's recordings, 31-day windows, pages of 20."""

import time

import pytest

from hub_tencent_meeting.client import TencentMeeting
from hub_tencent_meeting.client.common import DAY, ParameterError, UnverifiedApiDisabled

from ..fake_server import FakeTencentMeeting
from ..fake_server.meetings import add_meeting
from ..fake_server.records import add_record

NOW = int(time.time())


async def test_enterprise_recordings(api: TencentMeeting, full_api: TencentMeeting,
                                     fake: FakeTencentMeeting) -> None:
    with pytest.raises(UnverifiedApiDisabled):
        await api.corp_records.records_page(start_time=NOW - DAY, end_time=NOW)
    for n in range(22):
        found = add_meeting(fake, f"user{n}", f"m{n}", NOW - DAY + n, NOW)
        add_record(fake, found, start=NOW - DAY + n)
    found = [r async for r in full_api.corp_records.iter_records(start_time=NOW - 2 * DAY,
                                                                 end_time=NOW)]
    assert len({r.host_user_id for r in found}) == 22
    page = await full_api.corp_records.records_page(start_time=NOW - 2 * DAY, end_time=NOW,
                                                    page=2)
    assert (page.total_page, len(page.record_meetings)) == (2, 2)
    with pytest.raises(ParameterError, match="31 days"):
        full_api.corp_records.iter_records(start_time=NOW - 40 * DAY, end_time=NOW)
