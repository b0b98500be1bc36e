"""The clients' tests run on SQLite only.

They exercise HTTP against the fake (tokens, error codes, retries, the rate
limiter); the database only holds their config and the core's call log, so
running them on PostgreSQL too would test nothing of this plugin twice. The
plugin's own tables are tested on both (tests/messages, tests/test_api.py).
"""

from pathlib import Path

import pytest


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    return f"sqlite+aiosqlite:///{tmp_path}/hub.db"
