"""Fixtures of the API-module tests: the facade over the signed client of a config.

These tests exercise HTTP against the fake; the database only stores the one
config. They run on SQLite alone: the config store and everything else that
touches the database is tested on both databases by the hub's and the
plugin's other tests, and running 2x here would double the time for nothing.
"""

from pathlib import Path

import pytest

from hub_tencent_meeting.client import TencentMeeting
from hub_tencent_meeting.client.base import TencentMeetingClient

from ..fake_server import FakeTencentMeeting
from ..fake_server.users import add_user

ADMIN = "admin01"


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    return f"sqlite+aiosqlite:///{tmp_path}/hub.db"


@pytest.fixture
def api(tm: TencentMeetingClient, fake: FakeTencentMeeting) -> TencentMeeting:
    """The verified API of a signature-mode config whose operator `admin01` exists."""
    add_user(fake, ADMIN, "Admin", phone="13800000000", role_code="super_admin",
             role_name="超级管理员")
    return TencentMeeting(tm)


@pytest.fixture
def full_api(api: TencentMeeting) -> TencentMeeting:
    """The same with the unverified modules switched on."""
    return TencentMeeting(api.client, unverified=True)
