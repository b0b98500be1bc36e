"""DepartmentsApi: the view derived from users always works; the REST calls
[unverified] only when switched on."""

import pytest

from hub_tencent_meeting.client import TencentMeeting
from hub_tencent_meeting.client.common import UnverifiedApiDisabled
from hub_tencent_meeting.errors import ServerError

from ..fake_server import FakeTencentMeeting
from ..fake_server.users import add_department, add_user


async def test_departments_derived_from_users(
    api: TencentMeeting, fake: FakeTencentMeeting
) -> None:
    add_department(fake, "d1", "Sales")
    add_department(fake, "d2", "East", parent="d1")
    add_user(fake, "a", "A", departments=["d1"])
    add_user(fake, "b", "B", departments=["d2", "d1"])
    views = await api.departments.from_users()
    assert [(v.department_id, v.department_full_name, v.userids, v.main_userids)
            for v in views] == [("d1", "Sales", ["a", "b"], ["a"]),
                                ("d2", "Sales/East", ["b"], ["b"])]

    before = len(fake.seen)
    with pytest.raises(UnverifiedApiDisabled, match="unverified") as refused:
        await api.departments.create("Support")
    assert refused.value.status == 409
    assert len(fake.seen) == before


async def test_department_rest_calls_when_enabled(
    full_api: TencentMeeting, fake: FakeTencentMeeting
) -> None:
    top = await full_api.departments.create("Support")
    assert top.department_id and top.department_full_name == "Support"
    child = await full_api.departments.create("Tier 1", parent_department_id=top.department_id)
    assert child.department_full_name == "Support/Tier 1"
    moved = await full_api.departments.update(
        child.department_id or "", department_name="Tier One", parent_department_id="0"
    )
    assert (moved.department_full_name, moved.user_count) == ("Tier One", 0)
    add_user(fake, "c", "C", departments=[top.department_id or ""])
    with pytest.raises(ServerError):  # still has a member
        await full_api.departments.delete(top.department_id or "")
    await full_api.departments.delete(child.department_id or "")
    assert child.department_id not in fake.state.departments
