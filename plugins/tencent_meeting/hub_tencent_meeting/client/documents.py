"""Meeting documents.

SDK 1.0.10 has no document API. `GET /v1/docs` follows Tencent's public docs
("获取用户文档列表") [unverified]: `userid`, `page`, `page_size` (1..20),
`start_time`/`end_time` (seconds; 31 days when only one is given, at most 90
days), answering pages of meetings with their `doc_info_list`.
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
from hub_tencent_meeting.models.documents import MeetingDocs, MeetingDocsPage

DOCS_MAX_DAYS = 90
DOCS_MAX_PAGE_SIZE = 20


class DocumentsApi(UnverifiedModule):
    title = "document management"

    def _query(
        self, userid: str | None, start_time: Time | None, end_time: Time | None,
        page_size: int,
    ) -> dict[str, Any]:
        start, end = seconds(start_time), seconds(end_time)
        check_window(start, end, max_days=DOCS_MAX_DAYS, what="documents")
        check_page_size(page_size, DOCS_MAX_PAGE_SIZE, "documents")
        return compact(
            userid=userid or self._userid(None),
            start_time=start,
            end_time=end,
            page_size=page_size,
        )

    async def docs_page(
        self,
        *,
        userid: str | None = None,
        page: int = 1,
        page_size: int = DOCS_MAX_PAGE_SIZE,
        start_time: Time | None = None,
        end_time: Time | None = None,
    ) -> MeetingDocsPage:
        """One page of a user's meetings with their documents [unverified]."""
        self._require_enabled("document list")
        query = self._query(userid, start_time, end_time, page_size)
        data = await self.client.call("GET", "/v1/docs", query={**query, "page": page})
        return MeetingDocsPage.model_validate(data)

    def iter_docs(
        self,
        *,
        userid: str | None = None,
        page_size: int = DOCS_MAX_PAGE_SIZE,
        start_time: Time | None = None,
        end_time: Time | None = None,
    ) -> AsyncIterator[MeetingDocs]:
        """Every meeting of the user's with its documents [unverified]."""
        self._require_enabled("document list")
        query = self._query(userid, start_time, end_time, page_size)

        async def fetch(paging: dict[str, Any]) -> dict[str, Any]:
            return await self.client.call("GET", "/v1/docs", query={**query, **paging})

        return models_of(
            pages_by_number(fetch, "meeting_info_list", page_size=page_size), MeetingDocs
        )
