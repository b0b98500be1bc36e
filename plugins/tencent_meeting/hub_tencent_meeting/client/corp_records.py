"""Enterprise-wide cloud recordings (`GET /v1/corp/records`).

Not in SDK 1.0.10; from Tencent's public docs ("获取账户级会议录制列表",
cloud.tencent.com/document/product/1095/53224) [unverified]: an account-level
call for administrators, limited to 10/min, with `start_time`/`end_time`
(window at most 31 days), `page_size` (at most 20), `page`,
`query_record_type` (0 all, 1 cloud, 2 uploaded) and the operator pair; the
answer has the shape of `GET /v1/records`. OAuth2 is not supported there.
"""

from collections.abc import AsyncIterator
from typing import Any

from hub_tencent_meeting.client.common import (
    Time,
    UnverifiedModule,
    check_page_size,
    check_window,
    compact,
    models_of,
    seconds,
)
from hub_tencent_meeting.client.paging import pages_by_number
from hub_tencent_meeting.models.corp_records import RecordMeeting, RecordPage

CORP_RECORDS_MAX_DAYS = 31
CORP_RECORDS_MAX_PAGE_SIZE = 20


class CorpRecordsApi(UnverifiedModule):
    title = "enterprise recordings"

    def _query(
        self,
        start_time: Time,
        end_time: Time,
        page_size: int,
        query_record_type: int | None,
        operator_id: str | None,
    ) -> dict[str, Any]:
        start, end = seconds(start_time), seconds(end_time)
        check_window(
            start, end, max_days=CORP_RECORDS_MAX_DAYS, what="enterprise recordings", required=True
        )
        check_page_size(page_size, CORP_RECORDS_MAX_PAGE_SIZE, "enterprise recordings")
        return compact(
            start_time=start,
            end_time=end,
            page_size=page_size,
            query_record_type=query_record_type,
            **self._op_query(operator_id),
        )

    async def records_page(
        self,
        *,
        start_time: Time,
        end_time: Time,
        page: int = 1,
        page_size: int = CORP_RECORDS_MAX_PAGE_SIZE,
        query_record_type: int | None = None,
        operator_id: str | None = None,
    ) -> RecordPage:
        self._require_enabled("list")
        query = self._query(start_time, end_time, page_size, query_record_type, operator_id)
        data = await self.client.call("GET", "/v1/corp/records", query={**query, "page": page})
        return RecordPage.model_validate(data)

    def iter_records(
        self,
        *,
        start_time: Time,
        end_time: Time,
        page_size: int = CORP_RECORDS_MAX_PAGE_SIZE,
        query_record_type: int | None = None,
        operator_id: str | None = None,
    ) -> AsyncIterator[RecordMeeting]:
        self._require_enabled("list")
        query = self._query(start_time, end_time, page_size, query_record_type, operator_id)

        async def fetch(paging: dict[str, Any]) -> dict[str, Any]:
            return await self.client.call("GET", "/v1/corp/records", query={**query, **paging})

        return models_of(
            pages_by_number(fetch, "record_meetings", page_size=page_size), RecordMeeting
        )
