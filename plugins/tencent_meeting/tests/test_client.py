"""The signed client against the fake: exact bytes, headers, retries, typed errors, limits."""

import json
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import quote

import pytest
from aiohttp.test_utils import TestServer
from hub.context import HubContext
from hub.errors import ConfigDisabled, Conflict, ValidationFailed
from hub.http import AuthFailed, InvalidResponse, RateLimit, RateLimited
from hub.http.ratelimit import SlidingWindow
from hub.tenants.records import ConfigRecord
from hub.tenants.schemas import ConfigCreate, ConfigUpdate, TenantCreate
from pydantic import BaseModel

from hub_tencent_meeting import auth
from hub_tencent_meeting.client.base import (
    LIMITS,
    TencentMeetingClient,
    client_for,
    json_body,
    query_string_values,
)
from hub_tencent_meeting.errors import (
    AuthError,
    ClockSkewError,
    CreationLimitReached,
    ForbiddenError,
    NotFoundError,
    QuotaExhausted,
    RateLimitedError,
    ServerError,
    TencentMeetingError,
    ValidationError,
)

from .conftest import fast_client, make_config, signature_values
from .echo import ECHO, echo_fake
from .fake_server import FakeTencentMeeting


@pytest.fixture
async def fake(aiohttp_server: Callable[..., Awaitable[TestServer]]) -> FakeTencentMeeting:
    return await echo_fake(aiohttp_server)


async def calls_of(ctx: HubContext, config_id: str) -> list[Any]:
    await ctx.http.calls.flush()
    return list((await ctx.http.calls.list(config_id=config_id)).items)


# ---- serialization -------------------------------------------------------------------------


def test_query_values_as_tencent_reads_them() -> None:
    assert query_string_values({"a": None, "b": True, "c": False, "d": 3, "e": "x"}) == {
        "b": "true",
        "c": "false",
        "d": "3",
        "e": "x",
    }
    assert query_string_values(None) == {}


class Body(BaseModel):
    subject: str
    hosts: list[str] | None = None
    type: int = 0


def test_json_body_is_compact_utf8_without_none() -> None:
    assert json_body(Body(subject="周会 sync")) == '{"subject":"周会 sync","type":0}'.encode()
    assert json_body({"a": None, "b": [1, None]}) == b'{"b":[1,null]}'
    assert json_body(None) is None


# ---- what goes on the wire -----------------------------------------------------------------


async def test_signed_get_as_sent(tm: TencentMeetingClient, fake: FakeTencentMeeting) -> None:
    data = await tm.call(
        "GET", ECHO, query={"operator_id": "admin01", "operator_id_type": 1, "skip": None}
    )
    assert data["raw_path"] == ECHO + "?operator_id=admin01&operator_id_type=1"
    seen = fake.hits(ECHO)[-1]
    assert seen.headers["X-TC-Key"] == fake.secret_id
    assert seen.headers["AppId"] == fake.app_id
    assert seen.headers["SdkId"] == fake.sdk_id
    assert seen.headers["X-TC-Registered"] == "1"
    assert seen.headers["Content-Type"] == "application/json; charset=utf-8"
    assert seen.body == b""


@pytest.mark.parametrize(
    "value",
    ["123+123", "a b&c=d", "周会/2024", "100%", "x?y#z", "~!*'();:@$,[]"],
)
async def test_special_characters_are_signed_as_sent(
    tm: TencentMeetingClient, fake: FakeTencentMeeting, value: str
) -> None:
    """The fake recomputes the signature over the raw path and query it received."""
    data = await tm.call("GET", f"{ECHO}/{quote(value, safe='')}", query={"q": value})
    assert data["query"] == {"q": value}
    assert data["raw_path"].startswith(ECHO + "/")


async def test_body_bytes_signed_are_the_bytes_sent(
    tm: TencentMeetingClient, fake: FakeTencentMeeting
) -> None:
    body = {"subject": "周会 ✓", "start_time": "1700010000", "hosts": [{"userid": "a"}]}
    data = await tm.call("POST", ECHO, body=body)
    expected = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
    assert data["body"] == expected
    assert fake.hits(ECHO)[-1].body == expected.encode()


async def test_put_and_delete_with_bodies(tm: TencentMeetingClient) -> None:
    assert (await tm.call("PUT", ECHO, body=Body(subject="s")))["body"] == (
        '{"subject":"s","type":0}'
    )
    deleted = await tm.call("DELETE", ECHO, body={"to_operator_id": "u1"})
    assert (deleted["method"], deleted["body"]) == ("DELETE", '{"to_operator_id":"u1"}')


async def test_each_attempt_gets_a_fresh_nonce(
    tm: TencentMeetingClient, fake: FakeTencentMeeting
) -> None:
    fake.fail_next(ECHO, (500, 5108, "internal error"))
    await tm.call("GET", ECHO)
    first, second = fake.hits(ECHO)[-2:]
    assert first.headers["X-TC-Nonce"] != second.headers["X-TC-Nonce"]
    assert first.headers["X-TC-Signature"] != second.headers["X-TC-Signature"]


async def test_empty_and_malformed_answers(tm: TencentMeetingClient) -> None:
    assert await tm.call("POST", "/v1/hub-test/empty") == {}
    with pytest.raises(InvalidResponse, match="not a JSON object"):
        await tm.call("GET", "/v1/hub-test/list")
    with pytest.raises(InvalidResponse, match="not JSON"):
        await tm.call("GET", "/v1/hub-test/text")


async def test_unknown_bucket_is_refused(tm: TencentMeetingClient) -> None:
    with pytest.raises(ValueError, match="bucket"):
        await tm.call("GET", ECHO, limit="nope")


# ---- the fake refuses what Tencent refuses ---------------------------------------------------


async def test_wrong_secret_key_is_refused(ctx: HubContext, fake: FakeTencentMeeting) -> None:
    record = await make_config(ctx, signature_values(fake, secret_key=fake.secret_key[:-1] + "X"))
    client = await fast_client(ctx, record.id)
    with pytest.raises(AuthError) as caught:
        await client.call("GET", ECHO)
    assert caught.value.error_code == 200003
    assert caught.value.provider_message == "signature verification failed"
    assert isinstance(caught.value, AuthFailed)
    assert len(fake.hits(ECHO)) == 1  # refused credentials are not retried
    assert fake.secret_key[:-1] not in caught.value.message


async def test_unknown_key_or_app_is_190303(ctx: HubContext, fake: FakeTencentMeeting) -> None:
    for name, override in (("k", {"secret_id": "AKIDother"}), ("a", {"app_id": "999"})):
        record = await make_config(ctx, signature_values(fake, **override), name=name)
        client = await fast_client(ctx, record.id)
        with pytest.raises(AuthError) as caught:
            await client.call("GET", ECHO)
        assert (caught.value.error_code, caught.value.new_error_code) == (190303, 200190303)


async def test_signature_off_by_one_character_is_refused(
    ctx: HubContext, fake: FakeTencentMeeting, tm: TencentMeetingClient
) -> None:
    """Sign a request, change one character of the signature, send it raw: refused."""
    uri = ECHO + "?page=1"
    headers = auth.signed_headers(tm.config, "GET", uri)
    good = headers["X-TC-Signature"]
    headers["X-TC-Signature"] = good[:10] + ("A" if good[10] != "A" else "B") + good[11:]
    async with ctx.http.session.get(fake.base_url + uri, headers=headers) as response:
        assert response.status == 400
        assert (await response.json())["error_info"]["error_code"] == 200003
    headers = auth.signed_headers(tm.config, "GET", uri)
    async with ctx.http.session.get(fake.base_url + uri + "&x=1", headers=headers) as response:
        assert (await response.json())["error_info"]["error_code"] == 200003
    headers = auth.signed_headers(tm.config, "GET", uri)
    async with ctx.http.session.get(fake.base_url + uri, headers=headers) as response:
        assert response.status == 200
    async with ctx.http.session.get(fake.base_url + uri, headers=headers) as response:
        assert (await response.json())["error_info"]["error_code"] == 190301  # replayed


@pytest.mark.parametrize(
    "missing", ["X-TC-Key", "X-TC-Timestamp", "X-TC-Nonce", "X-TC-Signature", "AppId"]
)
async def test_required_headers(
    ctx: HubContext, fake: FakeTencentMeeting, tm: TencentMeetingClient, missing: str
) -> None:
    headers = auth.signed_headers(tm.config, "GET", ECHO)
    del headers[missing]
    async with ctx.http.session.get(fake.base_url + ECHO, headers=headers) as response:
        assert response.status == 400
        code = (await response.json())["error_info"]["error_code"]
    assert code == (190303 if missing in ("X-TC-Key", "AppId") else 200003)


async def test_clock_skew_repeated_once_then_clear_error(
    tm: TencentMeetingClient, fake: FakeTencentMeeting
) -> None:
    fake.clock_offset = 301
    with pytest.raises(ClockSkewError) as caught:
        await tm.call("GET", ECHO)
    assert len(fake.hits(ECHO)) == 2  # refused, repeated once with fresh headers, refused
    assert caught.value.error_code == 190300
    assert "clock" in caught.value.message and "NTP" in caught.value.message


async def test_clock_skew_once_is_repeated(
    tm: TencentMeetingClient, fake: FakeTencentMeeting
) -> None:
    fake.fail_next(ECHO, (400, 190300, "timestamp out of range"))
    assert (await tm.call("POST", ECHO, body={"a": 1}))["body"] == '{"a":1}'
    first, second = fake.hits(ECHO)
    assert first.headers["X-TC-Nonce"] != second.headers["X-TC-Nonce"]


async def test_clock_within_five_minutes_is_accepted(
    tm: TencentMeetingClient, fake: FakeTencentMeeting
) -> None:
    fake.clock_offset = -290
    assert (await tm.call("GET", ECHO))["method"] == "GET"


async def test_nonce_replay_repeated_once(
    tm: TencentMeetingClient, fake: FakeTencentMeeting
) -> None:
    fake.fail_next(ECHO, (400, 190301, "replayed"))
    assert (await tm.call("GET", ECHO))["method"] == "GET"
    fake.fail_next(ECHO, (400, 190301, "replayed"), (400, 190301, "replayed"))
    with pytest.raises(TencentMeetingError, match="refused twice as a replay") as caught:
        await tm.call("GET", ECHO)
    assert caught.value.error_code == 190301


# ---- errors and retries ------------------------------------------------------------------------


async def test_rate_limit_backs_off_then_succeeds(
    ctx: HubContext, tm: TencentMeetingClient, fake: FakeTencentMeeting, config: ConfigRecord
) -> None:
    fake.fail_next(ECHO, (429, 190310, "too many requests"), (400, 190313, "too many"))
    assert (await tm.call("GET", ECHO))["method"] == "GET"
    outcomes = [c.outcome for c in await calls_of(ctx, config.id)]
    assert sorted(outcomes) == ["ok", "rate_limited", "rate_limited"]


async def test_rate_limit_that_persists(tm: TencentMeetingClient, fake: FakeTencentMeeting) -> None:
    fake.fail_next(ECHO, *[(429, 190310, "too many requests")] * 3)
    with pytest.raises(RateLimitedError) as caught:
        await tm.call("GET", ECHO)
    assert isinstance(caught.value, RateLimited)
    assert caught.value.status == 503
    assert caught.value.attempts == 3


@pytest.mark.parametrize("status", [429, 403])
async def test_daily_quota_is_never_repeated(
    tm: TencentMeetingClient, fake: FakeTencentMeeting, status: int
) -> None:
    fake.rate_limit("daily", 1, 86400, status=status)
    await tm.call("GET", ECHO)
    with pytest.raises(QuotaExhausted) as caught:
        await tm.call("GET", ECHO)
    assert len(fake.hits(ECHO)) == 2
    assert "00:00 Asia/Shanghai" in caught.value.message
    assert caught.value.retry_after is not None and 0 < caught.value.retry_after <= 86400
    assert caught.value.error_code == 190311
    # Known exhausted: the next call fails at once without asking Tencent again.
    with pytest.raises(QuotaExhausted, match="not sent"):
        await tm.call("GET", ECHO)
    assert len(fake.hits(ECHO)) == 2


async def test_creation_limit_is_surfaced(
    ctx: HubContext, tm: TencentMeetingClient, fake: FakeTencentMeeting
) -> None:
    fake.rate_limit("create_meeting", 1, 3600)
    fake.bucket_rules.append(("POST", ECHO, "create_meeting"))
    await tm.call("POST", ECHO, body={}, limit="create_meeting")
    with pytest.raises(CreationLimitReached) as caught:
        await tm.call("POST", ECHO, body={}, limit="create_meeting")
    assert caught.value.error_code == 500029
    assert "2,000 new meetings per hour" in caught.value.message
    assert caught.value.retry_after is not None and caught.value.retry_after <= 3600
    assert len(fake.hits(ECHO)) == 2


@pytest.mark.parametrize(
    ("status", "code", "error"),
    [
        (500, 9003, NotFoundError),
        (400, 20001, NotFoundError),
        (400, 190004, ValidationError),
        (400, 9042, ForbiddenError),
        (403, 123, ForbiddenError),
        (404, 124, NotFoundError),
        (422, 125, ValidationError),
        (400, 126, TencentMeetingError),
        (409, 127, TencentMeetingError),
    ],
)
async def test_typed_errors(
    tm: TencentMeetingClient,
    fake: FakeTencentMeeting,
    status: int,
    code: int,
    error: type[TencentMeetingError],
) -> None:
    fake.fail_next(ECHO, (status, code, "refused"))
    with pytest.raises(error) as caught:
        await tm.call("GET", ECHO)
    assert type(caught.value) is error
    assert (caught.value.error_code, caught.value.provider_message) == (code, "refused")
    assert len(fake.hits(ECHO)) == 1  # a permanent refusal is not asked again, even with 500


async def test_server_errors_retried_for_reads_not_for_writes(
    tm: TencentMeetingClient, fake: FakeTencentMeeting
) -> None:
    fake.fail_next(ECHO, (500, 5108, "system error"), (502, 41, "network"))
    assert (await tm.call("GET", ECHO))["method"] == "GET"
    fake.fail_next(ECHO, (500, 5108, "system error"))
    with pytest.raises(ServerError) as caught:
        await tm.call("POST", ECHO, body={})
    assert caught.value.error_code == 5108
    assert len(fake.hits(ECHO)) == 4  # 3 GET attempts, 1 POST attempt


async def test_call_log_has_no_secrets(
    ctx: HubContext, tm: TencentMeetingClient, fake: FakeTencentMeeting, config: ConfigRecord
) -> None:
    fake.fail_next(ECHO, (400, 190004, f"bad key {fake.secret_key}"))
    with pytest.raises(ValidationError) as caught:
        await tm.call("GET", ECHO, query={"operator_id": "admin01"})
    assert fake.secret_key not in caught.value.message
    assert fake.secret_key not in str(caught.value.provider_message)
    rows = await calls_of(ctx, config.id)
    assert rows and all(fake.secret_key not in (r.error or "") + r.url for r in rows)
    assert rows[0].error_code == "190004"


# ---- operator, client_for --------------------------------------------------------------------


def test_operator(tm: TencentMeetingClient) -> None:
    assert tm.operator() == {"operator_id": "admin01", "operator_id_type": "1"}
    assert tm.operator("u2") == {"operator_id": "u2", "operator_id_type": "1"}
    assert tm.operator("r1", id_type="3") == {"operator_id": "r1", "operator_id_type": "3"}


async def test_operator_required(ctx: HubContext, fake: FakeTencentMeeting) -> None:
    record = await make_config(ctx, signature_values(fake, operator_id=None), name="noop")
    client = await client_for(ctx, record.id)
    with pytest.raises(ValidationFailed, match="operator"):
        client.operator()


async def test_disabled_config_refuses_calls(
    ctx: HubContext, config: ConfigRecord, fake: FakeTencentMeeting
) -> None:
    await ctx.configs.update(config.id, ConfigUpdate(enabled=False))
    with pytest.raises(ConfigDisabled, match="disabled"):
        await client_for(ctx, config.id)
    assert fake.seen == []


async def test_client_for_another_provider(ctx: HubContext) -> None:
    from hub.providers import ConfigKind, Provider

    class Other(BaseModel):
        token: str = "t"

    ctx.providers.add("other", Provider("other", "Other", (ConfigKind(Other),)))
    await ctx.tenants.create(TenantCreate(slug="beta", name="Beta"))
    record = await ctx.configs.create(
        ConfigCreate(tenant="beta", provider="other", name="default", config={})
    )
    with pytest.raises(Conflict, match="not 'tencent_meeting'"):
        await client_for(ctx, record.id)


async def test_rate_windows_per_bucket(tm: TencentMeetingClient, ctx: HubContext) -> None:
    await tm.call("GET", ECHO, limit="users")
    await tm.call("POST", ECHO, body={}, limit="create_meeting")
    await tm.call("GET", ECHO)

    def window(limit: RateLimit) -> SlidingWindow:
        return ctx.http.limiter.window("tencent_meeting", tm.config_id or "", limit)

    app, users, create = (
        window(TencentMeetingClient.rate_limits[0]),
        window(LIMITS["users"][0]),
        window(LIMITS["create_meeting"][0]),
    )
    assert (app.in_window, users.in_window, create.in_window) == (3, 1, 1)
    assert (app.limit, app.per) == (300, 60)
    assert (users.limit, users.per, create.limit, create.per) == (100, 60, 2000, 3600)
