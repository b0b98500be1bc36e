"""Retries, backoff, Retry-After and typed errors of ProviderClient against a fake provider."""

import socket
from typing import Any

import pytest

from hub.context import HubContext
from hub.http import (
    AuthFailed,
    InvalidResponse,
    OutboundTimeout,
    ProviderError,
    RateLimited,
    ServerError,
    TransportError,
)
from hub.tenants.records import ConfigRecord
from tests.http.conftest import FAST, make_client
from tests.http.fake_provider import FakeProvider, FakeProviderClient, Reply

ITEMS = "/v1/items"


async def attempts(ctx: HubContext, config: ConfigRecord) -> list[Any]:
    await ctx.http.calls.flush()
    page = await ctx.http.calls.list(config_id=config.id, limit=100)
    return sorted(page.items, key=lambda r: (r.at, r.attempt))


def outcome_count(ctx: HubContext, outcome: str) -> float:
    value = ctx.metrics.registry.get_sample_value(
        "hub_outbound_requests_total", {"provider": "example", "outcome": outcome}
    )
    return value or 0.0


async def test_500_500_200_is_one_success_after_three_logged_attempts(
    ctx: HubContext, fake: FakeProvider, config: ConfigRecord, api: FakeProviderClient
) -> None:
    fake.script(ITEMS, Reply(500), Reply(500))

    data = await api.items()

    assert data["items"] == [{"id": 1}]
    assert len(fake.hits(ITEMS)) == 3
    rows = await attempts(ctx, config)
    assert [r.attempt for r in rows] == [1, 2, 3]
    assert [r.status for r in rows] == [500, 500, 200]
    assert [r.outcome for r in rows] == ["server_error", "server_error", "ok"]
    assert [r.ok for r in rows] == [False, False, True]
    assert len({r.call_id for r in rows}) == 1
    assert all(r.method == "GET" and r.provider == "example" for r in rows)
    assert outcome_count(ctx, "server_error") == 2
    assert outcome_count(ctx, "ok") == 1


async def test_429_retry_after_is_waited_before_the_next_attempt(
    ctx: HubContext, fake: FakeProvider, config: ConfigRecord, api: FakeProviderClient
) -> None:
    fake.script(ITEMS, Reply(429, {"errcode": 0}, headers={"Retry-After": "1"}))

    await api.items()

    first, second = fake.hits(ITEMS)
    assert second.at - first.at >= 1.0
    rows = await attempts(ctx, config)
    assert [(r.status, r.outcome) for r in rows] == [(429, "rate_limited"), (200, "ok")]


async def test_http_200_with_a_retryable_code_is_retried(
    ctx: HubContext, fake: FakeProvider, config: ConfigRecord, api: FakeProviderClient
) -> None:
    busy = Reply(200, {"errcode": -1, "errmsg": "system busy"})
    fake.script(ITEMS, busy, busy)

    assert (await api.items())["items"]

    rows = await attempts(ctx, config)
    assert [(r.status, r.error_code, r.outcome) for r in rows] == [
        (200, "-1", "provider_retryable"),
        (200, "-1", "provider_retryable"),
        (200, None, "ok"),
    ]
    assert rows[0].error == "HTTP 200, provider error -1: system busy"


async def test_a_declared_rate_limit_code_waits_at_least_its_minimum(
    ctx: HubContext, fake: FakeProvider, config: ConfigRecord
) -> None:
    class Slow(FakeProviderClient):
        rate_limit_codes = {45009: 0.3}

    values = await ctx.configs.values(config.id)
    api = Slow(ctx.http, config.id, values, base_url=fake.base_url, backoff=FAST)
    fake.script(ITEMS, Reply(200, {"errcode": 45009, "errmsg": "api freq out of limit"}))

    await api.items()

    first, second = fake.hits(ITEMS)
    assert second.at - first.at >= 0.3
    rows = await attempts(ctx, config)
    assert rows[0].outcome == "rate_limited" and rows[0].error_code == "45009"


async def test_rate_limited_until_the_last_attempt_raises_rate_limited(
    fake: FakeProvider, api: FakeProviderClient
) -> None:
    fake.script(ITEMS, *[Reply(429, {"errcode": 0}, headers={"Retry-After": "0"})] * 3)

    with pytest.raises(RateLimited) as caught:
        await api.items()

    assert caught.value.attempts == 3
    assert caught.value.status == 503
    assert caught.value.to_dict()["code"] == "outbound_rate_limited"


async def test_server_errors_on_every_attempt_raise_server_error(
    fake: FakeProvider, api: FakeProviderClient
) -> None:
    fake.script(ITEMS, Reply(502), Reply(503), Reply(500))

    with pytest.raises(ServerError) as caught:
        await api.items()

    error = caught.value
    assert len(fake.hits(ITEMS)) == 3
    assert error.attempts == 3
    assert error.http_status == 500
    assert error.status == 502
    assert error.message.startswith(f"example GET {fake.base_url}v1/items failed after 3 attempts")
    assert error.to_dict()["details"]["provider"] == "example"


async def test_a_non_retryable_code_fails_at_once_with_code_and_message(
    ctx: HubContext, fake: FakeProvider, config: ConfigRecord, api: FakeProviderClient
) -> None:
    fake.script(ITEMS, Reply(200, {"errcode": 60011, "errmsg": "no privilege to access"}))

    with pytest.raises(ProviderError) as caught:
        await api.items()

    assert len(fake.hits(ITEMS)) == 1
    assert caught.value.provider_code == "60011"
    assert caught.value.provider_message == "no privilege to access"
    assert caught.value.http_status == 200
    assert "provider error 60011: no privilege to access" in caught.value.message
    rows = await attempts(ctx, config)
    assert [(r.ok, r.outcome, r.error_code) for r in rows] == [
        (False, "provider_error", "60011")
    ]


async def test_a_final_code_is_not_retried_whatever_its_http_status(
    ctx: HubContext, fake: FakeProvider, config: ConfigRecord, api: FakeProviderClient
) -> None:
    class FinalCodes(FakeProviderClient):
        final_codes = {9003, 190311}

    final = FinalCodes(ctx.http, config.id, api.config, backoff=api.backoff, base_url=api.base_url)
    fake.script(
        ITEMS,
        Reply(500, {"errcode": 9003, "errmsg": "meeting not exist"}),
        Reply(429, {"errcode": 190311, "errmsg": "daily quota used up"}),
    )

    with pytest.raises(ProviderError) as missing:
        await final.items()
    with pytest.raises(ProviderError) as quota:
        await final.items()

    assert len(fake.hits(ITEMS)) == 2
    assert (missing.value.provider_code, missing.value.http_status) == ("9003", 500)
    assert (quota.value.provider_code, quota.value.http_status) == ("190311", 429)
    assert not isinstance(quota.value, RateLimited | ServerError)


async def test_http_4xx_without_a_code_is_not_retried(
    fake: FakeProvider, api: FakeProviderClient
) -> None:
    fake.script(ITEMS, Reply(404))

    with pytest.raises(ProviderError) as caught:
        await api.items()

    assert len(fake.hits(ITEMS)) == 1
    assert caught.value.http_status == 404
    assert caught.value.provider_code is None


async def test_post_is_not_retried_after_a_5xx_but_is_after_429(
    fake: FakeProvider, api: FakeProviderClient
) -> None:
    fake.script(ITEMS, Reply(500))
    with pytest.raises(ServerError):
        await api.request("POST", ITEMS, json={"name": "a"}, auth=False)
    assert len(fake.hits(ITEMS)) == 1

    fake.script(ITEMS, Reply(429, {"errcode": 0}, headers={"Retry-After": "0"}))
    response = await api.request("POST", ITEMS, json={"name": "b"}, auth=False)
    assert response.json()["errcode"] == 0
    assert len(fake.hits(ITEMS)) == 3


async def test_post_marked_idempotent_is_retried_after_a_5xx(
    fake: FakeProvider, api: FakeProviderClient
) -> None:
    fake.script(ITEMS, Reply(500))

    await api.request("POST", ITEMS, json={"name": "a"}, auth=False, idempotent=True)

    assert len(fake.hits(ITEMS)) == 2


async def test_a_slow_provider_times_out_on_every_attempt(
    ctx: HubContext, fake: FakeProvider, config: ConfigRecord
) -> None:
    api = await make_client(ctx, config, timeout_seconds=0.2)
    fake.script(ITEMS, *[Reply(200, {"errcode": 0}, delay=1.0)] * 3)

    with pytest.raises(OutboundTimeout) as caught:
        await api.items()

    assert caught.value.attempts == 3
    assert caught.value.status == 504
    assert "no answer within 0.2 s" in caught.value.message
    rows = await attempts(ctx, config)
    assert [(r.outcome, r.status) for r in rows] == [("timeout", None)] * 3


async def test_an_unreachable_provider_is_a_transport_error(
    ctx: HubContext, config: ConfigRecord
) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    api = await make_client(ctx, config, base_url=f"http://127.0.0.1:{port}")

    with pytest.raises(TransportError) as caught:
        await api.items()

    assert caught.value.attempts == 3
    assert caught.value.http_status is None
    rows = await attempts(ctx, config)
    assert [r.outcome for r in rows] == ["transport_error"] * 3
    assert all(r.error for r in rows)


async def test_refused_credentials_fail_without_retry(
    ctx: HubContext, fake: FakeProvider, config: ConfigRecord
) -> None:
    fake.corp_secret = "rotated-elsewhere"
    api = await make_client(ctx, config)

    with pytest.raises(AuthFailed) as caught:
        await api.send_text("u1", "hello")

    assert fake.token_hits == 1
    assert caught.value.provider_code == "40001"
    assert fake.hits("/cgi-bin/message/send") == []


async def test_a_body_that_is_not_json_is_an_invalid_response(
    fake: FakeProvider, api: FakeProviderClient
) -> None:
    fake.script(ITEMS, Reply(200, None, text="<html>gateway</html>"))

    with pytest.raises(InvalidResponse) as caught:
        await api.items()

    assert "answer is not JSON (HTTP 200)" in str(caught.value)
