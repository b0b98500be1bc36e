"""Token cache: refresh ahead of expiry, single flight, refresh once on an expired-token code."""

import asyncio
import time

import pytest

from hub.context import HubContext
from hub.http import AuthFailed, IssuedToken
from hub.http.tokens import TokenCache
from hub.tenants.records import ConfigRecord
from tests.http.fake_provider import FakeProvider, FakeProviderClient, Reply

SEND = "/cgi-bin/message/send"
KEY = ("example", "cfg-1", "access_token")


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


async def test_an_expired_token_code_causes_one_refresh_then_success(
    ctx: HubContext, fake: FakeProvider, config: ConfigRecord, api: FakeProviderClient
) -> None:
    await api.send_text("u1", "first")
    fake.expire_tokens()  # the provider ends the token early; the client still trusts it

    msgid = await api.send_text("u1", "second")

    assert msgid == "m2"
    assert fake.token_hits == 2
    await ctx.http.calls.flush()
    rows = (await ctx.http.calls.list(config_id=config.id)).items
    send_rows = sorted((r for r in rows if "/message/send" in r.url), key=lambda r: r.at)
    assert [(r.attempt, r.outcome, r.error_code) for r in send_rows] == [
        (1, "ok", None),
        (1, "token_expired", "42001"),
        (2, "ok", None),
    ]


async def test_a_token_still_rejected_after_one_refresh_is_an_auth_failure(
    fake: FakeProvider, api: FakeProviderClient
) -> None:
    invalid = Reply(200, {"errcode": 40014, "errmsg": "invalid access_token"})
    fake.script(SEND, invalid, invalid, invalid)

    with pytest.raises(AuthFailed) as caught:
        await api.send_text("u1", "hello")

    assert fake.token_hits == 2  # the first token, then exactly one refresh
    assert len(fake.hits(SEND)) == 2
    assert caught.value.provider_code == "40014"


async def test_fifty_callers_with_an_expired_token_cause_exactly_one_refresh(
    ctx: HubContext, fake: FakeProvider, api: FakeProviderClient
) -> None:
    await api.send_text("u0", "prime")
    # Move the cache's clock past the token's refresh point (the provider still
    # accepts it), without depending on how fast this machine runs.
    ctx.http.tokens._clock = lambda: time.monotonic() + 7200.0

    ids = await asyncio.gather(*(api.send_text(f"u{i}", "hi") for i in range(50)))

    assert fake.token_hits == 2
    assert len(set(ids)) == 50
    assert len(fake.messages) == 51


async def test_fifty_callers_rejected_with_the_same_token_cause_exactly_one_refresh(
    fake: FakeProvider, api: FakeProviderClient
) -> None:
    await api.send_text("u0", "prime")
    old = set(fake.tokens)
    fake.expire_tokens()

    ids = await asyncio.gather(*(api.send_text(f"u{i}", "hi") for i in range(50)))

    assert fake.token_hits == 2
    assert len(set(ids)) == 50
    new = set(fake.tokens)
    assert len(new) == 1 and new.isdisjoint(old)
    used = [s.query["access_token"] for s in fake.hits(SEND)[1:]]
    # Each caller sent the old token at most once, then the one new token.
    assert used.count(next(iter(new))) == 50
    assert set(used) <= old | new
    assert len(used) <= 100


async def test_token_clients_share_one_cache_per_config(
    ctx: HubContext, fake: FakeProvider, config: ConfigRecord
) -> None:
    values = await ctx.configs.values(config.id)
    one = FakeProviderClient(ctx.http, config.id, values, base_url=fake.base_url)
    two = FakeProviderClient(ctx.http, config.id, values, base_url=fake.base_url)

    await one.send_text("u1", "a")
    await two.send_text("u2", "b")

    assert fake.token_hits == 1
    ctx.http.forget(config.id)
    await two.send_text("u3", "c")
    assert fake.token_hits == 2


async def test_a_token_is_reused_until_its_refresh_margin() -> None:
    clock = Clock()
    cache = TokenCache(margin_seconds=10.0, clock=clock)
    issued = iter(["t1", "t2"])

    async def fetch() -> IssuedToken:
        return IssuedToken(next(issued), expires_in=100)

    first = await cache.get(KEY, fetch)
    clock.now = 89.9
    assert (await cache.get(KEY, fetch)).value == first.value == "t1"
    clock.now = 90.0  # 10 s before expiry: refresh ahead
    second = await cache.get(KEY, fetch)
    assert second.value == "t2"
    assert second.generation == first.generation + 1
    assert cache.refreshes(KEY) == 2


async def test_a_short_lived_token_is_refreshed_at_a_fraction_of_its_lifetime() -> None:
    clock = Clock()
    cache = TokenCache(margin_seconds=300.0, margin_fraction=0.2, clock=clock)
    count = 0

    async def fetch() -> IssuedToken:
        nonlocal count
        count += 1
        return IssuedToken(f"t{count}", expires_in=10)

    await cache.get(KEY, fetch)
    clock.now = 7.9
    await cache.get(KEY, fetch)
    assert count == 1
    clock.now = 8.0
    await cache.get(KEY, fetch)
    assert count == 2


async def test_a_failed_refresh_reaches_every_waiter_once_and_is_retried_later() -> None:
    cache = TokenCache()
    calls = 0

    async def failing() -> IssuedToken:
        nonlocal calls
        calls += 1
        await asyncio.sleep(0.01)
        raise RuntimeError("token endpoint down")

    results = await asyncio.gather(
        *(cache.get(KEY, failing) for _ in range(20)), return_exceptions=True
    )

    assert calls == 1
    assert all(isinstance(r, RuntimeError) for r in results)
    with pytest.raises(RuntimeError):
        await cache.get(KEY, failing)
    assert calls == 2


async def test_only_the_token_that_was_rejected_is_dropped() -> None:
    cache = TokenCache()
    issued = iter(["t1", "t2"])

    async def fetch() -> IssuedToken:
        return IssuedToken(next(issued), expires_in=7200)

    old = await cache.get(KEY, fetch)
    assert cache.invalidate(KEY, old)
    new = await cache.get(KEY, fetch)
    assert not cache.invalidate(KEY, old)  # a late rejection of the old token
    assert cache.peek(KEY) == new


async def test_a_caller_cancelled_while_waiting_does_not_cancel_the_refresh() -> None:
    cache = TokenCache()
    gate = asyncio.Event()

    async def fetch() -> IssuedToken:
        await gate.wait()
        return IssuedToken("t1", expires_in=7200)

    impatient = asyncio.create_task(cache.get(KEY, fetch))
    patient = asyncio.create_task(cache.get(KEY, fetch))
    await asyncio.sleep(0)
    impatient.cancel()
    gate.set()

    assert (await patient).value == "t1"
    with pytest.raises(asyncio.CancelledError):
        await impatient


def test_token_reprs_do_not_show_the_value() -> None:
    issued = IssuedToken("very-secret-token-value", expires_in=5)
    assert "very-secret" not in repr(issued)


async def test_a_fetch_without_a_value_is_an_error() -> None:
    cache = TokenCache()

    async def empty() -> IssuedToken:
        return IssuedToken("", expires_in=5)

    with pytest.raises(TypeError):
        await cache.get(KEY, empty)
