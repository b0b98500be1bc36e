"""Meeting layouts: which members the seats of each page show."""

from collections.abc import Sequence

from hub_tencent_meeting.client.common import ApiModule, compact, dump, quoted
from hub_tencent_meeting.models.layouts import Layout, Layouts, LayoutTarget


class LayoutsApi(ApiModule):
    async def add(
        self,
        meeting_id: str,
        layouts: Sequence[Layout],
        *,
        default_layout_order: int | None = None,
        operator_id: str | None = None,
        instanceid: int = 1,
    ) -> Layouts:
        """Add layouts to a meeting; `default_layout_order` picks the one used first."""
        body = compact(
            **self._op_body(operator_id),
            instanceid=instanceid,
            layout_list=[dump(layout) for layout in layouts],
            default_layout_order=default_layout_order,
        )
        path = f"/v1/meetings/{quoted(meeting_id)}/layouts"
        return Layouts.model_validate(await self.client.call("POST", path, body=body))

    async def add_advanced(
        self,
        meeting_id: str,
        layouts: Sequence[Layout],
        *,
        operator_id: str | None = None,
        instanceid: int = 1,
    ) -> Layouts:
        """Add custom layouts (named, several users per seat, polling)."""
        body = {
            **self._op_body(operator_id),
            "instanceid": instanceid,
            "layout_list": [dump(layout) for layout in layouts],
        }
        path = f"/v1/meetings/{quoted(meeting_id)}/advanced-layouts"
        return Layouts.model_validate(await self.client.call("POST", path, body=body))

    async def apply(
        self,
        meeting_id: str,
        *,
        layout_id: str | None = None,
        users: Sequence[LayoutTarget] = (),
        operator_id: str | None = None,
        instanceid: int = 1,
    ) -> None:
        """Apply a layout to the whole meeting (no users) or to the listed members."""
        body = compact(
            **self._op_body(operator_id),
            instanceid=instanceid,
            layout_id=layout_id,
            user_list=[dump(u) for u in users],
        )
        path = f"/v1/meetings/{quoted(meeting_id)}/applying-layout"
        await self.client.call("PUT", path, body=body)
