"""Backoff with full jitter and Retry-After parsing."""

import random
from datetime import UTC, datetime

from hub.http import Backoff
from hub.http.retry import parse_retry_after

NOW = datetime(2026, 11, 25, 8, 0, 0, tzinfo=UTC)


def test_retry_after_in_seconds() -> None:
    assert parse_retry_after("120") == 120.0
    assert parse_retry_after(" 2 ") == 2.0
    assert parse_retry_after("-5") == 0.0


def test_retry_after_as_an_http_date() -> None:
    assert parse_retry_after("Wed, 25 Nov 2026 08:00:30 GMT", now=NOW) == 30.0
    assert parse_retry_after("Wed, 25 Nov 2026 07:59:00 GMT", now=NOW) == 0.0


def test_unreadable_retry_after_is_ignored() -> None:
    for value in (None, "", "soon", "nan", "inf"):
        assert parse_retry_after(value) is None


def test_full_jitter_stays_between_zero_and_the_capped_exponential() -> None:
    backoff = Backoff(base=0.5, cap=4.0)
    rng = random.Random(7)
    for attempt, ceiling in [(1, 0.5), (2, 1.0), (3, 2.0), (4, 4.0), (9, 4.0)]:
        draws = [backoff.delay(attempt, rng=rng) for _ in range(200)]
        assert all(0.0 <= d <= ceiling for d in draws)
        assert max(draws) > ceiling * 0.8  # spread over the range, not fixed
        assert min(draws) < ceiling * 0.2


def test_a_provider_floor_is_honoured_up_to_its_cap() -> None:
    backoff = Backoff(base=0.001, cap=0.002, floor_cap=60.0)
    assert backoff.delay(1, floor=3.0) >= 3.0
    assert backoff.delay(1, floor=600.0) == 60.0
