"""Tencent Meeting's REST API, one attribute per API module.

    api = await open_api(ctx, config_id)
    meeting = await api.meetings.create(MeetingCreate(subject="Weekly", start_time=..., ...))
    async for user in api.users.iter_users_advance(department_id="d1"):
        ...

The modules SDK 1.0.10 does not cover (departments, votes, documents, live
and webinars, roles, enterprise recordings) answer their views derived from
verified endpoints always; their own REST calls, whose paths come from
Tencent's public docs [unverified], are refused unless the facade is built
with `unverified=True` or the config sets `enable_unverified_api`.
"""

from hub.context import HubContext

from hub_tencent_meeting.client.apps import AppsApi
from hub_tencent_meeting.client.base import TencentMeetingClient, client_for
from hub_tencent_meeting.client.corp_records import CorpRecordsApi
from hub_tencent_meeting.client.dashboard import DashboardApi
from hub_tencent_meeting.client.departments import DepartmentsApi
from hub_tencent_meeting.client.documents import DocumentsApi
from hub_tencent_meeting.client.guests import GuestsApi
from hub_tencent_meeting.client.layouts import LayoutsApi
from hub_tencent_meeting.client.live import LiveApi
from hub_tencent_meeting.client.meetings import MeetingsApi
from hub_tencent_meeting.client.pstn import PstnApi
from hub_tencent_meeting.client.realtime import RealtimeApi
from hub_tencent_meeting.client.records import RecordsApi
from hub_tencent_meeting.client.roles import RolesApi
from hub_tencent_meeting.client.rooms import RoomsApi
from hub_tencent_meeting.client.smart import SmartApi
from hub_tencent_meeting.client.users import UsersApi
from hub_tencent_meeting.client.votes import VotesApi


class TencentMeeting:
    """Every API module of one config's client."""

    def __init__(self, client: TencentMeetingClient, *, unverified: bool | None = None) -> None:
        if unverified is None:
            unverified = bool(getattr(client.config, "enable_unverified_api", False))
        self.client = client
        self.unverified = unverified
        self.meetings = MeetingsApi(client)
        self.realtime = RealtimeApi(client)
        self.guests = GuestsApi(client)
        self.layouts = LayoutsApi(client)
        self.users = UsersApi(client)
        self.records = RecordsApi(client)
        self.smart = SmartApi(client)
        self.rooms = RoomsApi(client)
        self.pstn = PstnApi(client)
        self.apps = AppsApi(client)
        self.dashboard = DashboardApi(client, self.meetings, self.users, self.rooms)
        self.departments = DepartmentsApi(client, self.users, enabled=unverified)
        self.votes = VotesApi(client, self.meetings, enabled=unverified)
        self.documents = DocumentsApi(client, enabled=unverified)
        self.live = LiveApi(client, self.meetings, enabled=unverified)
        self.roles = RolesApi(client, self.users, enabled=unverified)
        self.corp_records = CorpRecordsApi(client, enabled=unverified)


async def open_api(
    ctx: HubContext, config_id: str, *, unverified: bool | None = None
) -> TencentMeeting:
    """The API of a stored config (refused when the config is disabled)."""
    return TencentMeeting(await client_for(ctx, config_id), unverified=unverified)


__all__ = ["TencentMeeting", "TencentMeetingClient", "client_for", "open_api"]
