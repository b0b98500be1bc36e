"""Per-config outbound health: degraded after N failed calls, recovered after a success."""

import pytest

from hub.context import HubContext
from hub.http import AuthFailed, ProviderError, ServerError
from hub.http.health import MARK, HealthTracker
from hub.tenants.records import ConfigRecord
from hub.tenants.schemas import ConfigUpdate
from tests.http.conftest import CORP_SECRET, make_client
from tests.http.fake_provider import FakeProvider, FakeProviderClient, Reply

ITEMS = "/v1/items"


async def fail_calls(api: FakeProviderClient, fake: FakeProvider, count: int) -> None:
    for _ in range(count):
        fake.script(ITEMS, *[Reply(503)] * api.max_attempts)
        with pytest.raises(ServerError):
            await api.items()


async def test_a_config_is_degraded_after_n_failed_calls_and_recovers_after_a_success(
    ctx: HubContext, fake: FakeProvider, config: ConfigRecord, api: FakeProviderClient
) -> None:
    ctx.http.health.degrade_after = 3

    await fail_calls(api, fake, 2)
    assert not ctx.http.is_degraded(config.id)
    assert (await ctx.configs.get(config.id)).state == "unknown"

    await fail_calls(api, fake, 1)
    assert ctx.http.is_degraded(config.id)
    assert api.degraded
    stored = await ctx.configs.get(config.id)
    assert stored.state == "error"
    assert stored.last_error is not None and stored.last_error.startswith(MARK)
    assert "3 consecutive calls failed" in stored.last_error
    assert CORP_SECRET not in stored.last_error
    [health] = ctx.http.health.degraded()
    assert (health.config_id, health.consecutive_failures) == (config.id, 3)

    await api.items()
    assert not ctx.http.is_degraded(config.id)
    stored = await ctx.configs.get(config.id)
    assert (stored.state, stored.last_error) == ("ok", None)


async def test_refused_requests_prove_the_provider_reachable(
    ctx: HubContext, fake: FakeProvider, api: FakeProviderClient, config: ConfigRecord
) -> None:
    ctx.http.health.degrade_after = 2
    await fail_calls(api, fake, 1)
    for _ in range(3):
        fake.script(ITEMS, Reply(200, {"errcode": 60011, "errmsg": "no privilege"}))
        with pytest.raises(ProviderError):
            await api.items()

    assert not ctx.http.is_degraded(config.id)
    assert ctx.http.health.get(config.id).consecutive_failures == 0  # type: ignore[union-attr]


async def test_a_retryable_code_that_never_clears_counts_as_a_failure(
    ctx: HubContext, fake: FakeProvider, api: FakeProviderClient, config: ConfigRecord
) -> None:
    ctx.http.health.degrade_after = 1
    busy = Reply(200, {"errcode": -1, "errmsg": "system busy"})
    fake.script(ITEMS, busy, busy, busy)

    with pytest.raises(ProviderError) as caught:
        await api.items()

    assert caught.value.transient
    assert ctx.http.is_degraded(config.id)


async def test_refused_credentials_mark_the_config_as_needing_reauthorization(
    ctx: HubContext, fake: FakeProvider, config: ConfigRecord
) -> None:
    ctx.http.health.degrade_after = 2
    fake.corp_secret = "changed-in-the-provider-console"
    api = await make_client(ctx, config)
    for _ in range(2):
        with pytest.raises(AuthFailed):
            await api.send_text("u1", "hi")

    stored = await ctx.configs.get(config.id)
    assert stored.state == "needs_reauth"
    assert stored.last_error is not None and "40001" in stored.last_error


async def test_a_restarted_process_clears_the_mark_it_left_on_success(
    ctx: HubContext, fake: FakeProvider, config: ConfigRecord, api: FakeProviderClient
) -> None:
    await ctx.configs.set_state(config.id, "error", f"{MARK} 5 consecutive calls failed")
    ctx.http.health = HealthTracker(ctx.configs)  # what a new process starts with

    await api.items()

    stored = await ctx.configs.get(config.id)
    assert (stored.state, stored.last_error) == ("ok", None)


async def test_a_state_set_by_someone_else_is_left_alone(
    ctx: HubContext, fake: FakeProvider, config: ConfigRecord, api: FakeProviderClient
) -> None:
    await ctx.configs.set_state(config.id, "error", "connection test failed: bad key")

    await api.items()

    stored = await ctx.configs.get(config.id)
    assert (stored.state, stored.last_error) == ("error", "connection test failed: bad key")


async def test_a_deleted_or_disabled_config_is_forgotten(
    ctx: HubContext, fake: FakeProvider, config: ConfigRecord, api: FakeProviderClient
) -> None:
    ctx.http.health.degrade_after = 1
    await api.send_text("u1", "hi")
    await fail_calls(api, fake, 1)
    assert ctx.http.is_degraded(config.id)
    assert ctx.http.tokens.peek(api.token_key) is not None

    await ctx.configs.update(config.id, ConfigUpdate(enabled=False))

    assert not ctx.http.is_degraded(config.id)
    assert ctx.http.tokens.peek(api.token_key) is None
