"""Live streaming and webinars.

SDK 1.0.10 has no live or webinar API. `info` reads `enable_live` and
`live_config` from the meeting detail (verified). The calls below follow
Tencent's public docs and are [unverified]:

- `PUT /v1/meetings/{meeting_id}/live_play/config` with `userid`, `instanceid`
  and `live_config` (cloud.tencent.com/document/product/1095/51265, "修改直播配置");
- `GET /v1/meetings/{meeting_id}/live_play/replays?userid=&instanceid=`
  answering `meeting_info_list[].live_replay_list[]` (…/1095/49245);
- `POST /v1/webinars` with `userid`, `instanceid`, `subject`, `start_time`,
  `end_time`, `sponsor`, `admission_type`, `hosts`, ... (Tencent's webinar
  guide); the answer's fields are not documented there.
"""

from typing import TYPE_CHECKING

from hub_tencent_meeting.client.common import UnverifiedModule, dump, quoted
from hub_tencent_meeting.models.live import LiveInfo, LiveReplays, Webinar, WebinarCreate
from hub_tencent_meeting.models.meetings import LiveConfig

if TYPE_CHECKING:
    from hub_tencent_meeting.client.base import TencentMeetingClient
    from hub_tencent_meeting.client.meetings import MeetingsApi


class LiveApi(UnverifiedModule):
    title = "live streaming and webinar management"

    def __init__(
        self, client: "TencentMeetingClient", meetings: "MeetingsApi", *, enabled: bool = False
    ) -> None:
        super().__init__(client, enabled=enabled)
        self.meetings = meetings

    async def info(self, meeting_id: str, *, operator_id: str | None = None) -> LiveInfo:
        """A meeting's live-streaming switch and settings (verified data)."""
        meeting = await self.meetings.get(meeting_id, operator_id=operator_id)
        return LiveInfo(
            meeting_id=meeting.meeting_id or meeting_id,
            meeting_code=meeting.meeting_code,
            subject=meeting.subject,
            enable_live=bool(meeting.enable_live),
            live_config=meeting.live_config,
        )

    async def update_config(
        self,
        meeting_id: str,
        live_config: LiveConfig,
        *,
        operator_id: str | None = None,
        instanceid: int = 1,
    ) -> None:
        """Change the live stream's subject, summary, password, replay, chat [unverified]."""
        self._require_enabled("live config")
        body = {
            "userid": self._userid(operator_id),
            "instanceid": instanceid,
            "live_config": dump(live_config),
        }
        path = f"/v1/meetings/{quoted(meeting_id)}/live_play/config"
        await self.client.call("PUT", path, body=body)

    async def replays(
        self, meeting_id: str, *, operator_id: str | None = None, instanceid: int = 1
    ) -> LiveReplays:
        """Replay links of the meeting's live streams [unverified]."""
        self._require_enabled("live replays")
        query = {"userid": self._userid(operator_id), "instanceid": instanceid}
        path = f"/v1/meetings/{quoted(meeting_id)}/live_play/replays"
        return LiveReplays.model_validate(await self.client.call("GET", path, query=query))

    async def create_webinar(
        self, webinar: WebinarCreate, *, operator_id: str | None = None, instanceid: int = 1
    ) -> Webinar:
        """Schedule a webinar [unverified]; counts like a meeting creation."""
        self._require_enabled("create webinar")
        body = {"userid": self._userid(operator_id), "instanceid": instanceid, **dump(webinar)}
        data = await self.client.call("POST", "/v1/webinars", body=body, limit="create_meeting")
        return Webinar.model_validate(data)
