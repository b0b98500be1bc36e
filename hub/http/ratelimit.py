"""Client-side rate limits shared by every caller in the process.

Providers publish quotas as "at most N calls in any T seconds" (300 calls a
minute per app, 20 messages a minute per robot). A sliding window keeps exactly
that promise, where a token bucket would let a burst plus the refill exceed the
provider's count and earn a rate-limit error. Each window is keyed by
(provider, config id, limit name); waiting callers are served in arrival order.
"""

import asyncio
import bisect
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]
Key = tuple[str, str, str]


@dataclass(frozen=True)
class RateLimit:
    """At most `limit` calls in any `per` seconds, counted per (provider, config, `name`).

    The default name "config" shares one window between every call a config
    makes; use another name (e.g. "send", or f"robot:{robot_id}") for a limit on
    one endpoint or one sub-resource.
    """

    limit: int
    per: float
    name: str = "config"

    def __post_init__(self) -> None:
        if self.limit < 1:
            raise ValueError("a rate limit allows at least 1 call")
        if self.per <= 0:
            raise ValueError("a rate limit's period must be positive")


class SlidingWindow:
    """Grant times of the last `limit` calls; a caller waits until the oldest leaves the window."""

    def __init__(
        self, limit: int, per: float, clock: Clock = time.monotonic, sleep: Sleep = asyncio.sleep
    ) -> None:
        self.limit = limit
        self.per = per
        self._clock = clock
        self._sleep = sleep
        self._times: list[float] = []
        self._lock = asyncio.Lock()  # FIFO: the next waiter in line gets the next free slot
        self.not_before = 0.0

    def _prune(self, now: float) -> None:
        cut = bisect.bisect_right(self._times, now - self.per)
        if cut:
            del self._times[:cut]

    def delay(self, now: float) -> float:
        """Seconds until a call may start (0 when it may start now)."""
        self._prune(now)
        wait = self.not_before - now
        if len(self._times) >= self.limit:
            wait = max(wait, self._times[len(self._times) - self.limit] + self.per - now)
        return max(0.0, wait)

    async def acquire(self, max_rounds: int = 10_000) -> float:
        """Wait for a slot, take it and return its time."""
        async with self._lock:
            for _ in range(max_rounds):
                now = self._clock()
                wait = self.delay(now)
                if wait <= 0:
                    bisect.insort(self._times, now)
                    return now
                await self._sleep(wait)
            raise RuntimeError("rate limit window never freed a slot")

    def move(self, granted: float, now: float) -> None:
        """Record a slot as used at `now` instead of when it was granted.

        A call that waited on a second limit after this one was granted starts
        later than its grant; counting it at its real start keeps the window honest.
        """
        index = bisect.bisect_left(self._times, granted)
        if index < len(self._times) and self._times[index] == granted:
            del self._times[index]
            bisect.insort(self._times, now)

    @property
    def in_window(self) -> int:
        self._prune(self._clock())
        return len(self._times)


class RateLimiter:
    """Every window of the process, created on first use from the declared limits."""

    def __init__(self, clock: Clock = time.monotonic, sleep: Sleep = asyncio.sleep) -> None:
        self._clock = clock
        self._sleep = sleep
        self._windows: dict[Key, SlidingWindow] = {}

    def window(self, provider: str, config_id: str, limit: RateLimit) -> SlidingWindow:
        key = (provider, config_id, limit.name)
        window = self._windows.get(key)
        if window is None:
            window = SlidingWindow(limit.limit, limit.per, self._clock, self._sleep)
            self._windows[key] = window
        elif (window.limit, window.per) != (limit.limit, limit.per):
            # A changed declaration applies at once; calls already counted still count.
            window.limit, window.per = limit.limit, limit.per
        return window

    async def acquire(self, provider: str, config_id: str, limits: Iterable[RateLimit]) -> None:
        """Wait until every limit allows one more call, then count the call in each."""
        unique = {limit.name: limit for limit in limits}
        if not unique:
            return
        granted = [
            (window, await window.acquire())
            for window in (self.window(provider, config_id, unique[n]) for n in sorted(unique))
        ]
        if len(granted) > 1:
            now = self._clock()
            for window, at in granted:
                window.move(at, now)

    def pause(self, provider: str, config_id: str, seconds: float) -> None:
        """Hold every window of a config for `seconds` (the provider said "slow down")."""
        until = self._clock() + seconds
        for (p, c, _name), window in self._windows.items():
            if p == provider and c == config_id:
                window.not_before = max(window.not_before, until)

    def forget(self, config_id: str) -> None:
        for key in [k for k in self._windows if k[1] == config_id]:
            del self._windows[key]
