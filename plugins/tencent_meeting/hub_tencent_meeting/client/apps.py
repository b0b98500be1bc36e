"""Applications: bind extension apps (toolkit) to a meeting's toolbar."""

from collections.abc import Sequence

from hub_tencent_meeting.client.common import ApiModule, compact, dump
from hub_tencent_meeting.models.apps import Tool


class AppsApi(ApiModule):
    async def bind_toolkit(
        self,
        meeting_id: str,
        tools: Sequence[Tool],
        *,
        toolbar_sdkid: str | None = None,
        auto_open_sdkid: str | None = None,
        operator_id: str | None = None,
        instanceid: int = 1,
    ) -> None:
        """Show `tools` in the meeting; `auto_open_sdkid` opens one when members join."""
        body = compact(
            userid=self._userid(operator_id),
            instanceid=instanceid,
            meeting_id=meeting_id,
            tool_list=[dump(t) for t in tools],
            toolbar_sdkid=toolbar_sdkid,
            auto_open_sdkid=auto_open_sdkid,
        )
        await self.client.call("POST", "/v1/app/toolkit", body=body)
