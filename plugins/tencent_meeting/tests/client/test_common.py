"""The helpers every API module uses: times, windows, bodies, page counters."""

from datetime import UTC, datetime

import pytest
from hub.errors import ValidationFailed

from hub_tencent_meeting.client.common import (
    DAY,
    ParameterError,
    check_page_size,
    check_window,
    compact,
    dump,
    quoted,
    seconds,
    with_total_page,
)
from hub_tencent_meeting.models.common import UserRef


def test_times_are_unix_seconds() -> None:
    assert seconds(datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)) == 1_700_000_000
    assert (seconds("1700000000"), seconds(1_700_000_000), seconds(None)) == (
        1_700_000_000, 1_700_000_000, None,
    )
    with pytest.raises(ParameterError, match="time zone"):
        seconds(datetime(2023, 11, 14))
    with pytest.raises(ParameterError, match="not a UNIX time"):
        seconds("tomorrow")


def test_windows_and_page_sizes() -> None:
    check_window(0, 31 * DAY, max_days=31, what="x")  # exactly the limit is allowed
    check_window(None, None, max_days=31, what="x")
    with pytest.raises(ParameterError, match="at most 31 days"):
        check_window(0, 31 * DAY + 1, max_days=31, what="x")
    with pytest.raises(ParameterError, match="before start_time"):
        check_window(10, 5, max_days=31, what="x")
    with pytest.raises(ParameterError, match="needs both"):
        check_window(10, None, max_days=31, what="x", required=True)
    check_page_size(20, 20, "x")
    with pytest.raises(ParameterError):
        check_page_size(0, 20, "x")
    # A parameter error is the hub's 422 and a ValueError at the same time.
    error = ParameterError("x")
    assert isinstance(error, ValidationFailed) and isinstance(error, ValueError)
    assert error.status == 422


def test_bodies_and_paths() -> None:
    assert dump(UserRef(userid="u1")) == {"userid": "u1"}
    assert dump({"a": 1, "b": None}) == {"a": 1}
    assert dump(None) == {}
    assert compact(a=0, b=None, c="") == {"a": 0, "c": ""}
    assert quoted("300000000$DHuh/x") == "300000000%24DHuh%2Fx"


def test_page_counters_are_completed() -> None:
    assert with_total_page({"total_count": 41, "page_size": 20}, 10)["total_page"] == 3
    assert with_total_page({"total_count": 0}, 20)["total_page"] == 1
    asr = with_total_page({"curr_page": 2, "curr_size": 5, "total_page": 2}, 20)
    assert (asr["current_page"], asr["current_size"], asr["total_page"]) == (2, 5, 2)
