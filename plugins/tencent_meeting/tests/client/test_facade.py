"""The facade: one attribute per module, opened from a stored config."""

import pytest
from hub.context import HubContext
from hub.errors import HubError
from hub.tenants.records import ConfigRecord
from hub.tenants.schemas import ConfigUpdate

from hub_tencent_meeting.client import TencentMeeting, open_api
from hub_tencent_meeting.client.base import TencentMeetingClient
from hub_tencent_meeting.client.common import UnverifiedApiDisabled

from ..fake_server import FakeTencentMeeting
from ..fake_server.users import add_user


async def test_open_api_and_the_unverified_switch(
    ctx: HubContext, config: ConfigRecord, fake: FakeTencentMeeting
) -> None:
    add_user(fake, "admin01", "Admin")
    api = await open_api(ctx, config.id)
    assert isinstance(api.client, TencentMeetingClient) and api.unverified is False
    assert (await api.users.get("admin01")).username == "Admin"
    modules = ("meetings", "realtime", "guests", "layouts", "users", "records", "smart", "rooms",
               "pstn", "apps", "dashboard", "departments", "votes", "documents", "live",
               "roles", "corp_records")
    assert all(getattr(api, name).client is api.client for name in modules)
    with pytest.raises(UnverifiedApiDisabled):
        await api.departments.delete("d1")
    assert (await open_api(ctx, config.id, unverified=True)).departments.enabled is True
    # A config model that carries the switch turns it on too.
    api.client.config.__dict__["enable_unverified_api"] = True
    assert TencentMeeting(api.client).roles.enabled is True

    await ctx.configs.update(config.id, ConfigUpdate(enabled=False))
    with pytest.raises(HubError) as disabled:
        await open_api(ctx, config.id)
    assert disabled.value.status == 409
