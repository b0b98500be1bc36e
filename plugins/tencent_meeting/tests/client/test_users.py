"""UsersApi: users by userid and uuid, both listings, invitations, ids, account resources."""

import json
import time

import pytest

from hub_tencent_meeting.client import TencentMeeting
from hub_tencent_meeting.client.common import ParameterError
from hub_tencent_meeting.errors import NotFoundError, RateLimitedError
from hub_tencent_meeting.models.users import (
    DepartmentRef,
    PmiConfigUpdate,
    PmiHost,
    UserCreate,
    UserUpdate,
)

from ..fake_server import FakeTencentMeeting
from ..fake_server.meetings import add_meeting
from ..fake_server.users import add_department, add_user
from .conftest import ADMIN

NOW = int(time.time())


async def test_user_lifecycle(api: TencentMeeting, fake: FakeTencentMeeting) -> None:
    add_department(fake, "d1", "Sales")
    add_department(fake, "d2", "East", parent="d1")
    created = await api.users.create(UserCreate(
        userid="zhang", username="Zhang San", phone="13900000001",
        department_list=[DepartmentRef(department_id="d2")],
    ))
    assert (created.userid, created.username) == ("zhang", "Zhang San")
    user = await api.users.get("zhang")
    assert user.status == "3"  # not activated yet
    assert [(d.department_id, d.department_full_name) for d in user.department_list] == [
        ("d2", "Sales/East")
    ]
    assert user.uuid

    await api.users.update("zhang", UserUpdate(job_title="Manager", email="z@example.com"))
    by_uuid = await api.users.get_by_uuid(user.uuid)
    assert (by_uuid.userid, by_uuid.job_title) == ("zhang", "Manager")
    await api.users.update_by_uuid(user.uuid, UserUpdate(username="Zhang S."))
    assert (await api.users.get("zhang")).username == "Zhang S."

    links = await api.users.activation_links(["zhang", ADMIN])
    assert [link.userid for link in links.inactivate_user_list] == ["zhang"]
    await api.users.send_activation("zhang")
    await api.users.set_enabled("zhang", False)
    assert fake.state.users["zhang"]["status"] == "4"
    await api.users.set_enabled("zhang", True)
    assert fake.state.users["zhang"]["status"] == "1"
    auth = await api.users.auth_links(["zhang", "ghost"])
    assert ([a.userid for a in auth.auth_user_list], [e.userid for e in auth.error_user_list]) == (
        ["zhang"], ["ghost"],
    )
    await api.users.send_auth("zhang")

    await api.users.delete("zhang")
    with pytest.raises(NotFoundError) as gone:
        await api.users.get("zhang")
    assert gone.value.error_code == 20001
    add_user(fake, "li", "Li Si")
    await api.users.delete_by_uuid(fake.state.users["li"]["uuid"])
    assert "li" not in fake.state.users


async def test_classic_listing_pages_without_total_page(
    api: TencentMeeting, fake: FakeTencentMeeting
) -> None:
    for n in range(44):
        add_user(fake, f"user{n:02d}", f"User {n}")
    everyone = [u.userid async for u in api.users.iter_users()]
    assert everyone == sorted([ADMIN, *(f"user{n:02d}" for n in range(44))])
    assert len(fake.hits("/v1/users/list")) == 3
    page = await api.users.list_page(page=3)
    assert (page.total_page, page.page_size, len(page.users)) == (3, 20, 5)
    with pytest.raises(ParameterError):
        await api.users.list_page(page_size=21)


async def test_advanced_listing_by_department_and_status(
    api: TencentMeeting, fake: FakeTencentMeeting
) -> None:
    add_department(fake, "d1", "R&D")
    for n in range(150):
        add_user(fake, f"dev{n:03d}", f"Dev {n}", departments=["d1"],
                 status="4" if n % 50 == 0 else "1")
    devs = [u async for u in api.users.iter_users_advance(department_id="d1")]
    assert len(devs) == 150 and devs[0].department_list[0].department_name == "R&D"
    assert len(fake.hits("/v1/users/advance/list")) == 2  # 100 + 50
    disabled = [u.userid async for u in api.users.iter_users_advance(status=4, size=2)]
    assert disabled == ["dev000", "dev050", "dev100"]
    page = await api.users.advance_page(size=100)
    assert (page.has_remaining, page.next_pos) == (True, "100")
    with pytest.raises(ParameterError):
        api.users.iter_users_advance(size=101)


async def test_account_ids_and_pmi(api: TencentMeeting, fake: FakeTencentMeeting) -> None:
    add_user(fake, "u1", "One")
    fake.state.extra["open_ids"] = {"open-1": "u1"}
    mapped = await api.users.open_ids_to_userids(["open-1", "open-2"])
    assert [(m.open_id, m.userid) for m in mapped.userid_list] == [("open-1", "u1")]
    assert mapped.invalid_open_id_list == ["open-2"]
    assert json.loads(fake.hits("/v1/users/open-id-to-userid")[-1].body)["sdkid"] == fake.sdk_id

    basic = await api.users.basic_info()
    assert (basic.username, basic.open_corp_id) == ("Admin", fake.app_id)
    stats = await api.users.account_statistics()
    assert stats.user_count == 2
    await api.users.grant_ai_account("u1", ai_account_type=1)
    assert fake.state.users["u1"]["enable_ai_account"] is True
    await api.users.remove_ai_account("u1")
    assert fake.state.users["u1"]["enable_ai_account"] is False

    meeting_id = add_meeting(fake, ADMIN, "x", NOW + 60, NOW + 600)["meeting_id"]
    member = await api.users.ms_open_id(meeting_id)
    assert member.meeting_id == meeting_id and member.ms_open_id

    pmi = await api.users.pmi_config()
    assert pmi.pmi_code and pmi.hosts[0].userid == ADMIN
    await api.users.update_pmi_config(PmiConfigUpdate(hosts=[PmiHost(userid=ADMIN)],
                                                      pmi_name="Admin's room"))
    assert (await api.users.pmi_config()).pmi_name == "Admin's room"

    await api.users.cancel_auth()  # a signature-mode operator: nothing to revoke
    add_user(fake, "leaver", "Leaver")
    owned = add_meeting(fake, "leaver", "handover", NOW + 60, NOW + 600)
    await api.users.delete_and_transfer("leaver", receiver_id="u1", receiver_id_type=1)
    assert "leaver" not in fake.state.users and owned["_creator"] == "u1"


async def test_account_calls_use_the_users_bucket(
    api: TencentMeeting, fake: FakeTencentMeeting
) -> None:
    fake.rate_limit("users", 2)
    await api.users.get(ADMIN)
    await api.users.get(ADMIN)
    with pytest.raises(RateLimitedError) as limited:
        await api.users.get(ADMIN)
    assert limited.value.error_code == 190313
    # Meeting calls are not account calls: they still pass.
    add_meeting(fake, ADMIN, "still fine", NOW + 60, NOW + 600)
    assert [m.subject async for m in api.meetings.iter_upcoming()] == ["still fine"]
