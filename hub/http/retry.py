"""How long to wait before the next attempt.

Exponential backoff with full jitter (a uniform draw between 0 and the capped
exponential) spreads the retries of many callers that failed together, so they
do not hit a recovering provider in lock-step. A provider's own instruction
(`Retry-After`, or a declared minimum wait for a rate-limit code) is a floor
under that draw, capped so one answer cannot park a caller for hours.
"""

import random
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime


@dataclass(frozen=True)
class Backoff:
    base: float = 0.5
    cap: float = 30.0
    floor_cap: float = 60.0

    def delay(
        self, attempt: int, floor: float | None = None, rng: random.Random | None = None
    ) -> float:
        """Wait after failed attempt number `attempt` (1-based)."""
        ceiling = min(self.cap, self.base * 2 ** max(0, attempt - 1))
        draw = (rng or random).uniform(0.0, ceiling)
        if floor is not None and floor > 0:
            return max(draw, min(floor, self.floor_cap))
        return draw


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds from a `Retry-After` header: delta-seconds or an HTTP date; None if unreadable."""
    if value is None:
        return None
    value = value.strip()
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - (now or datetime.now(UTC))).total_seconds()
    if seconds != seconds or seconds in (float("inf"), float("-inf")):  # NaN / inf
        return None
    return max(0.0, seconds)
