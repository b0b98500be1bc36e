"""Recording intelligence: AI chapters, full summary, speakers and topics of a recording.

`pwd` is the recording's access password when its sharing is password protected.
"""

from typing import Any

from hub_tencent_meeting.client.common import ApiModule, compact
from hub_tencent_meeting.models.smart import Chapters, FullSummary, Speakers, Topics


class SmartApi(ApiModule):
    def _query(
        self, record_file_id: str, operator_id: str | None, **extra: Any
    ) -> dict[str, Any]:
        return compact(**self._op_query(operator_id), record_file_id=record_file_id, **extra)

    async def chapters(
        self,
        record_file_id: str,
        *,
        lang: str | None = None,
        pwd: str | None = None,
        operator_id: str | None = None,
    ) -> Chapters:
        query = self._query(record_file_id, operator_id, lang=lang, pwd=pwd)
        return Chapters.model_validate(
            await self.client.call("GET", "/v1/smart/chapters", query=query)
        )

    async def full_summary(
        self,
        record_file_id: str,
        *,
        lang: str | None = None,
        pwd: str | None = None,
        operator_id: str | None = None,
    ) -> FullSummary:
        query = self._query(record_file_id, operator_id, lang=lang, pwd=pwd)
        return FullSummary.model_validate(
            await self.client.call("GET", "/v1/smart/fullsummary", query=query)
        )

    async def speakers(
        self,
        record_file_id: str,
        *,
        page: int = 1,
        page_size: int = 20,
        pwd: str | None = None,
        operator_id: str | None = None,
    ) -> Speakers:
        """Who spoke and when; paged by page/page_size, reported with `total_count`."""
        query = self._query(record_file_id, operator_id, pwd=pwd, page=page, page_size=page_size)
        return Speakers.model_validate(
            await self.client.call("GET", "/v1/smart/speakers", query=query)
        )

    async def topics(
        self,
        record_file_id: str,
        *,
        lang: str | None = None,
        pwd: str | None = None,
        operator_id: str | None = None,
    ) -> Topics:
        query = self._query(record_file_id, operator_id, lang=lang, pwd=pwd)
        return Topics.model_validate(
            await self.client.call("GET", "/v1/smart/topics", query=query)
        )
