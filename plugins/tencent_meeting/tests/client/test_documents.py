"""DocumentsApi [unverified]: a user's meetings with their documents, page by page."""

import time

import pytest

from hub_tencent_meeting.client import TencentMeeting
from hub_tencent_meeting.client.common import DAY, ParameterError, UnverifiedApiDisabled

from ..fake_server import FakeTencentMeeting
from ..fake_server.documents import add_doc
from ..fake_server.meetings import add_meeting
from .conftest import ADMIN

NOW = int(time.time())


async def test_documents(api: TencentMeeting, full_api: TencentMeeting,
                         fake: FakeTencentMeeting) -> None:
    with pytest.raises(UnverifiedApiDisabled):
        api.documents.iter_docs()
    for n in range(25):
        meeting_id = add_meeting(fake, ADMIN, f"m{n}", NOW - DAY + n * 60, NOW)["meeting_id"]
        add_doc(fake, meeting_id, f"Notes {n}", ADMIN)
    meetings = [m async for m in full_api.documents.iter_docs(start_time=NOW - 2 * DAY,
                                                              end_time=NOW)]
    assert [m.doc_info_list[0].doc_title for m in meetings] == [f"Notes {n}" for n in range(25)]
    page = await full_api.documents.docs_page(page=2, start_time=NOW - 2 * DAY, end_time=NOW)
    assert (page.total_page, page.current_size) == (2, 5)
    with pytest.raises(ParameterError, match="90 days"):
        full_api.documents.iter_docs(start_time=NOW - 91 * DAY, end_time=NOW)
