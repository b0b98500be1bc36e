"""Sliding-window rate limits, on a fake clock so waiting is exact and instant."""

import asyncio

import pytest

from hub.context import HubContext
from hub.http import RateLimit
from hub.http.ratelimit import RateLimiter
from hub.tenants.records import ConfigRecord
from tests.http.conftest import FAST, make_config
from tests.http.fake_provider import FakeProvider, FakeProviderClient


class FakeTime:
    """A clock that moves only when someone sleeps on it."""

    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds
        await asyncio.sleep(0)


async def grant_times(
    limiter: RateLimiter, clock: FakeTime, calls: list[tuple[str, list[RateLimit]]]
) -> list[float]:
    """Start the calls in order; return the time each was let through."""
    times = [0.0] * len(calls)

    async def one(i: int, config_id: str, limits: list[RateLimit]) -> None:
        await limiter.acquire("example", config_id, limits)
        times[i] = clock()

    tasks = []
    for i, (config_id, limits) in enumerate(calls):
        tasks.append(asyncio.create_task(one(i, config_id, limits)))
        await asyncio.sleep(0)  # arrival order = list order
    await asyncio.gather(*tasks)
    return times


async def test_the_sixth_call_in_a_window_of_five_waits_for_the_window() -> None:
    clock = FakeTime()
    limiter = RateLimiter(clock, clock.sleep)
    five = [RateLimit(5, per=1.0)]

    times = await grant_times(limiter, clock, [("c1", five)] * 6)

    assert times == [0.0] * 5 + [1.0]


async def test_waiting_callers_are_served_in_arrival_order() -> None:
    clock = FakeTime()
    limiter = RateLimiter(clock, clock.sleep)
    two = [RateLimit(2, per=1.0)]

    times = await grant_times(limiter, clock, [("c1", two)] * 8)

    assert times == [0.0, 0.0, 1.0, 1.0, 2.0, 2.0, 3.0, 3.0]


class ManualTime:
    """A clock the test moves; sleepers wake when it passes their deadline."""

    def __init__(self) -> None:
        self.now = 0.0
        self._sleepers: list[tuple[float, asyncio.Future[None]]] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        future = asyncio.get_running_loop().create_future()
        self._sleepers.append((self.now + seconds, future))
        await future

    async def advance(self, to: float) -> None:
        self.now = to
        for deadline, future in self._sleepers:
            if deadline <= to and not future.done():
                future.set_result(None)
        await settle()


async def settle() -> None:
    for _ in range(20):
        await asyncio.sleep(0)


async def test_a_narrow_limit_does_not_hold_up_calls_that_only_share_the_wide_one() -> None:
    clock = ManualTime()
    limiter = RateLimiter(clock, clock.sleep)
    wide = RateLimit(100, per=60.0)
    narrow = RateLimit(1, per=3.0, name="robot:r1")
    limits = [[wide, narrow], [wide, narrow], [wide], [wide]]

    tasks = [asyncio.create_task(limiter.acquire("example", "c1", ls)) for ls in limits]
    await settle()

    assert [t.done() for t in tasks] == [True, False, True, True]
    await clock.advance(2.9)
    assert not tasks[1].done()
    await clock.advance(3.0)
    assert tasks[1].done()


async def test_configs_have_their_own_windows() -> None:
    clock = FakeTime()
    limiter = RateLimiter(clock, clock.sleep)
    one = [RateLimit(1, per=5.0)]

    times = await grant_times(limiter, clock, [("c1", one), ("c2", one), ("c1", one)])

    assert times == [0.0, 0.0, 5.0]


async def test_a_pause_holds_every_window_of_the_config() -> None:
    clock = FakeTime()
    limiter = RateLimiter(clock, clock.sleep)
    many = [RateLimit(100, per=1.0)]
    await limiter.acquire("example", "c1", many)

    limiter.pause("example", "c1", 2.5)
    times = await grant_times(limiter, clock, [("c1", many), ("c2", many)])

    assert times == [2.5, 2.5]  # c2 did not wait; the clock had moved for c1
    assert clock.slept == [2.5]


def test_limits_must_allow_something() -> None:
    with pytest.raises(ValueError):
        RateLimit(0, per=1.0)
    with pytest.raises(ValueError):
        RateLimit(1, per=0)


async def test_a_client_declared_limit_is_shared_by_every_client_of_the_config(
    ctx: HubContext, fake: FakeProvider, config: ConfigRecord
) -> None:
    class Limited(FakeProviderClient):
        rate_limits = (RateLimit(5, per=1.0),)

    clock = FakeTime()
    ctx.http.limiter = RateLimiter(clock, clock.sleep)
    other = await make_config(ctx, fake, name="second")
    values = await ctx.configs.values(config.id)
    clients = [
        Limited(ctx.http, config.id, values, base_url=fake.base_url, backoff=FAST)
        for _ in range(6)
    ]
    elsewhere = Limited(
        ctx.http, other.id, await ctx.configs.values(other.id), base_url=fake.base_url
    )

    await asyncio.gather(*(c.items() for c in clients))
    assert clock.now == 1.0  # the sixth call waited one window
    assert len(fake.hits("/v1/items")) == 6

    await elsewhere.items()
    assert clock.now == 1.0  # another config's window was free
