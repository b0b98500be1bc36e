"""Helpers shared by the `hub` commands."""

from datetime import UTC, datetime, timedelta

import pytest

from hub.cli.common import parse_before
from hub.errors import ValidationFailed


def test_parse_before_accepts_dates_times_and_ages() -> None:
    assert parse_before("2026-03-01") == datetime(2026, 3, 1, tzinfo=UTC)
    assert parse_before("2026-03-01T08:30:00+08:00") == datetime(2026, 3, 1, 0, 30, tzinfo=UTC)
    week_ago = parse_before("7d")
    assert timedelta(days=7) <= datetime.now(UTC) - week_ago < timedelta(days=7, minutes=1)
    half_day_ago = parse_before("12h")
    assert datetime.now(UTC) - half_day_ago >= timedelta(hours=12)
    with pytest.raises(ValidationFailed):
        parse_before("soon")
