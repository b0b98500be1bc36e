"""The CLI's shared helpers: times, durations, sizes, masking, the progress bar."""

import time
from datetime import datetime, timedelta, timezone

import click
import pytest
from hub.errors import ValidationFailed

from hub_tencent_meeting.cli import recordings
from hub_tencent_meeting.cli.common import (
    confirm,
    masked,
    parse_duration,
    parse_time,
    show_size,
    show_time,
    window,
)

SHANGHAI = timezone(timedelta(hours=8))


def test_parse_time() -> None:
    assert parse_time("1700000000", "--start") == 1_700_000_000
    assert parse_time("1700000000123", "--start") == 1_700_000_000  # milliseconds
    assert parse_time("2023-11-15T06:13:20+08:00", "--start") == 1_700_000_000
    assert parse_time("2023-11-14T22:13:20Z", "--start") == 1_700_000_000
    naive = datetime(2025, 3, 1, 14, 0, tzinfo=SHANGHAI)  # the tests run in Asia/Shanghai
    assert parse_time("2025-03-01 14:00", "--start") == int(naive.timestamp())
    assert abs(parse_time("now", "--start") - time.time()) < 5
    with pytest.raises(click.BadParameter) as bad:
        parse_time("next tuesday", "--start")
    assert "ISO date/time" in bad.value.message


def test_parse_duration() -> None:
    assert [parse_duration(v) for v in ("90", "1h", "45m", "1h30m", "2h 5min")] == [
        5400, 3600, 2700, 5400, 7500,
    ]  # fmt: skip
    for wrong in ("", "0", "1d", "soon", "0h0m"):
        with pytest.raises(click.BadParameter):
            parse_duration(wrong)


def test_show_time_and_size() -> None:
    assert show_time(1_700_000_000) == "2023-11-15 06:13:20+08:00"
    assert show_time("1700000000000") == "2023-11-15 06:13:20+08:00"
    assert [show_time(v) for v in (None, "", 0, "0")] == [None] * 4
    assert show_time("soon") == "soon"
    assert [show_size(v) for v in (None, 512, 1536, 3 * 1024**2, 5 * 1024**4)] == [
        None, "512 B", "1.5 KiB", "3.0 MiB", "5120.0 GiB",
    ]  # fmt: skip


def test_window() -> None:
    assert window("100", "200", default_days=7, max_days=31, what="x") == (100, 200)
    start, end = window(None, "1000000", default_days=1, max_days=31, what="x")
    assert (start, end) == (1_000_000 - 86_400, 1_000_000)
    with pytest.raises(ValidationFailed, match="--until is before --since"):
        window("300", "200", default_days=7, max_days=31, what="x")
    with pytest.raises(ValidationFailed, match="at most 31 days"):
        window("0", str(40 * 86_400), default_days=7, max_days=31, what="x")


def test_confirm_without_a_terminal_needs_yes() -> None:
    confirm("Really?", True, "do it")
    with pytest.raises(ValidationFailed, match="refusing to do it without confirmation"):
        confirm("Really?", False, "do it")


def test_masked() -> None:
    data = {"password": "1234", "host_key": "", "live_config": {"live_password": "x"},
            "hosts": [{"userid": "a", "password": None}], "subject": "s"}  # fmt: skip
    assert masked(data) == {
        "password": "***", "host_key": "", "live_config": {"live_password": "***"},
        "hosts": [{"userid": "a", "password": None}], "subject": "s",
    }  # fmt: skip


def test_progress_bar_on_a_terminal(capsys: pytest.CaptureFixture[str]) -> None:
    bar = recordings._Bar("rec.mp4")
    bar.hidden = False  # as on a terminal
    for done in (0, 400, 100, 1000):  # 100 after 400: the server started over
        bar(done, 1000)
    bar.close()
    assert bar.shown == 1000 and bar.bar.pos == 1000
    assert "rec.mp4" in capsys.readouterr().err
    hidden = recordings._Bar("quiet.mp4")
    hidden(10, None)
    hidden.close()
    assert hidden.bar is None
