"""RolesApi: roles from users' role_code; users by role [unverified] when switched on."""

import pytest

from hub_tencent_meeting.client import TencentMeeting
from hub_tencent_meeting.client.common import UnverifiedApiDisabled

from ..fake_server import FakeTencentMeeting
from ..fake_server.users import add_user
from .conftest import ADMIN


async def test_roles(api: TencentMeeting, full_api: TencentMeeting,
                     fake: FakeTencentMeeting) -> None:
    for n in range(23):
        add_user(fake, f"m{n:02d}", f"M{n}")
    add_user(fake, "boss", "Boss", role_code="admin", role_name="管理员")
    roles = await api.roles.from_users()
    assert [(r.role_code, len(r.userids)) for r in roles] == [
        ("admin", 1), ("normal", 23), ("super_admin", 1)
    ]
    assert roles[2].userids == [ADMIN]
    with pytest.raises(UnverifiedApiDisabled):
        api.roles.iter_users("normal")

    members = [u async for u in full_api.roles.iter_users("normal")]
    assert len(members) == 23 and members[0].role_name == "普通成员"
    page = await full_api.roles.users_page("admin")
    assert [u.userid for u in page.users] == ["boss"]
