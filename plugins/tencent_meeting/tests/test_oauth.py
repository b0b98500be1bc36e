"""OAuth2 mode: code exchange, encrypted storage, headers, refresh (ahead, on 190303, once)."""

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import replace

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from cryptography.fernet import Fernet
from hub.context import HubContext, open_context
from hub.errors import Conflict, ValidationFailed
from hub.plugins import Plugins
from hub.settings import Settings
from hub.tenants.crypto import KeyRing
from hub.tenants.records import ConfigRecord
from sqlalchemy import text

from hub_tencent_meeting import auth
from hub_tencent_meeting.client.base import TencentMeetingClient, authorize, client_for
from hub_tencent_meeting.config import TencentMeetingConfig
from hub_tencent_meeting.errors import AuthError, NotAuthorized, ServerError, TencentMeetingError
from hub_tencent_meeting.tokens import OAuthTokens, describe, needs_refresh

from .conftest import FAST, fast_client, make_config, oauth_values
from .echo import ECHO, echo_fake
from .fake_server import OAUTH_PREFIX, OPEN_ID, FakeTencentMeeting


@pytest.fixture
async def fake(aiohttp_server: Callable[..., Awaitable[TestServer]]) -> FakeTencentMeeting:
    return await echo_fake(aiohttp_server)


async def call(client: TencentMeetingClient) -> dict[str, object]:
    """An authenticated OAuth call (the echo route); True under "accepted" once it passed."""
    data = await client.call("GET", ECHO, query=client.operator())
    return {"accepted": data["open_id"] == OPEN_ID, **data}


def api_hits(fake: FakeTencentMeeting) -> list[dict[str, str]]:
    return [dict(s.headers) for s in fake.hits(ECHO)]


async def test_exchange_stores_the_grant_encrypted(
    ctx: HubContext, fake: FakeTencentMeeting, oauth_config: ConfigRecord
) -> None:
    client = await client_for(ctx, oauth_config.id)
    grant = await client.exchange_code(fake.issue_code())
    assert grant.open_id == OPEN_ID
    assert grant.access_token in fake.access_tokens
    async with ctx.db.session() as s:
        row = (
            await s.execute(
                text("SELECT open_id, ciphertext, key_id FROM tencent_meeting_oauth_tokens")
            )
        ).one()
    assert row.open_id == OPEN_ID
    assert grant.access_token not in row.ciphertext
    assert grant.refresh_token not in row.ciphertext
    assert row.key_id == ctx.keyring.primary_id
    stored = await OAuthTokens.of(ctx).load(oauth_config.id)
    assert stored is not None
    assert (stored.access_token, stored.refresh_token) == (grant.access_token, grant.refresh_token)
    assert describe(stored)["open_id"] == OPEN_ID
    assert grant.access_token not in str(describe(stored))


async def test_oauth_calls_send_token_and_open_id_only(
    oauth_tm: TencentMeetingClient, fake: FakeTencentMeeting
) -> None:
    assert oauth_tm.operator() == {"operator_id": OPEN_ID, "operator_id_type": "2"}
    assert (await call(oauth_tm))["accepted"]
    headers = api_hits(fake)[-1]
    assert headers["AccessToken"] in fake.access_tokens
    assert headers["OpenId"] == OPEN_ID
    assert headers["X-TC-Timestamp"].isdigit() and headers["X-TC-Nonce"].isdigit()
    for absent in ("X-TC-Key", "X-TC-Signature", "AppId", "SdkId"):
        assert absent not in headers


async def test_expired_token_one_refresh_then_success(
    ctx: HubContext, oauth_tm: TencentMeetingClient, fake: FakeTencentMeeting
) -> None:
    await call(oauth_tm)
    old = api_hits(fake)[-1]["AccessToken"]
    fake.expire_access_tokens()
    assert (await call(oauth_tm))["accepted"]
    assert fake.refreshes == 1
    new = api_hits(fake)[-1]["AccessToken"]
    assert new != old
    # Tencent invalidates the previous token when it issues a new one.
    headers = auth.oauth_headers(old, OPEN_ID)
    async with ctx.http.session.get(fake.base_url + ECHO, headers=headers) as response:
        assert (await response.json())["error_info"]["new_error_code"] == 200190303


async def test_concurrent_callers_share_one_refresh(
    oauth_tm: TencentMeetingClient, fake: FakeTencentMeeting
) -> None:
    await call(oauth_tm)
    fake.expire_access_tokens()
    results = await asyncio.gather(*(call(oauth_tm) for _ in range(12)))
    assert all(r["accepted"] for r in results)
    assert fake.refreshes == 1


async def test_refresh_ahead_of_expiry(
    ctx: HubContext, oauth_config: ConfigRecord, fake: FakeTencentMeeting
) -> None:
    client = await fast_client(ctx, oauth_config.id)
    grant = await client.exchange_code(fake.issue_code())
    # As if the token had been issued an hour ago and had four minutes left.
    now = time.time()
    aged = replace(grant, issued_at=now - 3600, expires_at=now + 240)
    assert needs_refresh(aged)
    await OAuthTokens.of(ctx).save(oauth_config.id, aged)
    assert (await call(client))["accepted"]
    assert fake.refreshes == 1
    assert api_hits(fake)[-1]["AccessToken"] != grant.access_token
    stored = await OAuthTokens.of(ctx).load(oauth_config.id)
    assert stored is not None and stored.expires_in() > 3600


async def test_fresh_token_is_not_refreshed(
    oauth_tm: TencentMeetingClient, fake: FakeTencentMeeting
) -> None:
    for _ in range(3):
        await call(oauth_tm)
    assert fake.refreshes == 0


async def test_another_process_refreshed_first(
    ctx: HubContext,
    settings: Settings,
    plugins: Plugins,
    oauth_tm: TencentMeetingClient,
    fake: FakeTencentMeeting,
    oauth_config: ConfigRecord,
) -> None:
    """A token refused because another process replaced it: take theirs, refresh nothing."""
    await call(oauth_tm)
    other = open_context(settings, plugins)
    try:
        elsewhere = await client_for(other, oauth_config.id)
        elsewhere.backoff = FAST
        fake.expire_access_tokens()
        assert (await call(elsewhere))["accepted"]  # that process refreshes and stores
        theirs = api_hits(fake)[-1]["AccessToken"]
        assert fake.refreshes == 1
        assert (await call(oauth_tm))["accepted"]  # this one's token was replaced: refused
        assert fake.refreshes == 1
        refused, repeated = api_hits(fake)[-2:]
        assert refused["AccessToken"] != theirs
        assert repeated["AccessToken"] == theirs
    finally:
        await other.close()


async def test_refused_refresh_needs_a_new_authorization(
    ctx: HubContext, oauth_tm: TencentMeetingClient, fake: FakeTencentMeeting,
    oauth_config: ConfigRecord,
) -> None:
    await call(oauth_tm)
    fake.revoke(OPEN_ID)
    with pytest.raises(NotAuthorized) as caught:
        await call(oauth_tm)
    assert "authorize the app again" in caught.value.message
    record = await ctx.configs.get(oauth_config.id)
    assert record.state == "needs_reauth"
    assert record.last_error is not None and "authorize" in record.last_error
    # A new authorization repairs it.
    await oauth_tm.exchange_code(fake.issue_code())
    assert (await call(oauth_tm))["accepted"]


async def test_unauthorized_config(
    ctx: HubContext, oauth_config: ConfigRecord, fake: FakeTencentMeeting
) -> None:
    client = await fast_client(ctx, oauth_config.id)
    with pytest.raises(NotAuthorized, match="no authorized user"):
        client.operator()
    with pytest.raises(NotAuthorized, match="no authorization yet"):
        await client.call("GET", ECHO, query={"operator_id": "x", "operator_id_type": 2})
    assert fake.hits(ECHO) == []
    outcome = await ctx.configs.test(oauth_config.id)
    assert (outcome.ok, outcome.state) == (False, "needs_reauth")


async def test_client_without_the_store(
    ctx: HubContext, oauth_config: ConfigRecord, fake: FakeTencentMeeting
) -> None:
    values = await ctx.configs.values(oauth_config.id)
    assert isinstance(values, TencentMeetingConfig)
    client = TencentMeetingClient(ctx.http, oauth_config.id, values, open_id=OPEN_ID)
    with pytest.raises(NotAuthorized, match="client_for"):
        await client.call("GET", ECHO)


async def test_bad_codes_are_refused(
    ctx: HubContext, oauth_config: ConfigRecord, fake: FakeTencentMeeting
) -> None:
    code = fake.issue_code()
    assert (await authorize(ctx, oauth_config.id, code)).open_id == OPEN_ID
    with pytest.raises(AuthError) as caught:
        await authorize(ctx, oauth_config.id, code)  # a code works once
    assert caught.value.error_code == 190303
    assert "invalid or expired auth_code" in str(caught.value.provider_message)
    with pytest.raises(AuthError):
        await authorize(ctx, oauth_config.id, fake.issue_code(lifetime=-1))


async def test_wrong_app_secret(ctx: HubContext, fake: FakeTencentMeeting) -> None:
    record = await make_config(ctx, oauth_values(fake, secret_key="wrong-secret"), name="o2")
    client = await client_for(ctx, record.id)
    with pytest.raises(AuthError) as caught:
        await client.exchange_code(fake.issue_code())
    assert "wrong-secret" not in caught.value.message
    assert await OAuthTokens.of(ctx).load(record.id) is None


async def test_user_info_and_test_connection(
    ctx: HubContext, oauth_tm: TencentMeetingClient, oauth_config: ConfigRecord
) -> None:
    info = await oauth_tm.user_info()
    assert info["open_id"] == OPEN_ID
    assert "VIEW_USER_INFO" in info["scopes"]
    outcome = await ctx.configs.test(oauth_config.id)
    assert outcome.ok, outcome.message
    assert outcome.message == f"authorized as open_id {OPEN_ID}"


async def test_reauthorizing_replaces_the_cached_token(
    oauth_tm: TencentMeetingClient, fake: FakeTencentMeeting
) -> None:
    await call(oauth_tm)
    first = api_hits(fake)[-1]["AccessToken"]
    await oauth_tm.exchange_code(fake.issue_code())
    await call(oauth_tm)
    assert api_hits(fake)[-1]["AccessToken"] not in (first,)
    assert fake.refreshes == 0


async def test_tokens_never_reach_the_call_log(
    ctx: HubContext, oauth_tm: TencentMeetingClient, fake: FakeTencentMeeting,
    oauth_config: ConfigRecord,
) -> None:
    await call(oauth_tm)
    fake.expire_access_tokens()
    await call(oauth_tm)
    await ctx.http.calls.flush()
    rows = (await ctx.http.calls.list(config_id=oauth_config.id)).items
    tokens = [*fake.access_tokens, *fake.refresh_tokens, fake.oauth_secret]
    assert rows
    for row in rows:
        for token in tokens:
            assert token not in row.url and token not in (row.error or "")


async def test_forget_and_rotate(
    ctx: HubContext, oauth_tm: TencentMeetingClient, oauth_config: ConfigRecord
) -> None:
    store = OAuthTokens.of(ctx)
    new_key = Fernet.generate_key().decode()
    old_keys = list(ctx.secrets.keys)
    rotated = OAuthTokens(ctx.db, KeyRing([new_key, *old_keys]), ctx.http)
    assert await rotated.rotate() == 1
    assert await rotated.rotate() == 0
    only_new = OAuthTokens(ctx.db, KeyRing([new_key]), ctx.http)
    grant = await only_new.load(oauth_config.id)
    assert grant is not None and grant.open_id == OPEN_ID
    assert await store.delete(oauth_config.id)
    assert not await store.delete(oauth_config.id)
    assert await store.load(oauth_config.id) is None


async def test_deleting_the_config_deletes_its_grant(
    ctx: HubContext, oauth_tm: TencentMeetingClient, oauth_config: ConfigRecord
) -> None:
    await ctx.configs.delete(oauth_config.id)
    async with ctx.db.session() as s:
        count = await s.scalar(text("SELECT count(*) FROM tencent_meeting_oauth_tokens"))
    assert count == 0


async def test_oauth_calls_need_an_oauth_config(tm: TencentMeetingClient) -> None:
    with pytest.raises(Conflict, match="oauth"):
        await tm.user_info()


async def test_transient_refresh_failure_keeps_the_authorization(
    ctx: HubContext, oauth_tm: TencentMeetingClient, fake: FakeTencentMeeting,
    oauth_config: ConfigRecord,
) -> None:
    await call(oauth_tm)
    fake.expire_access_tokens()
    fake.fail_next(f"{OAUTH_PREFIX}/refresh_token", (500, 5108, "system busy"))
    with pytest.raises(ServerError):
        await call(oauth_tm)
    assert (await ctx.configs.get(oauth_config.id)).state != "needs_reauth"
    assert (await call(oauth_tm))["accepted"]  # the next call refreshes
    assert fake.refreshes == 1


async def test_test_connection_reports_a_refused_token(
    ctx: HubContext, oauth_tm: TencentMeetingClient, fake: FakeTencentMeeting,
    oauth_config: ConfigRecord,
) -> None:
    fake.revoke(OPEN_ID)
    outcome = await ctx.configs.test(oauth_config.id)
    assert (outcome.ok, outcome.state) == (False, "needs_reauth")
    assert outcome.message == (
        "Tencent Meeting refused the credentials: access token invalid or expired"
    )


async def test_exchange_input_checks(
    ctx: HubContext, oauth_config: ConfigRecord, fake: FakeTencentMeeting
) -> None:
    client = await client_for(ctx, oauth_config.id)
    url = client.authorize_url("https://hub.example/callback", "s1")
    assert url.startswith(auth.AUTHORIZE_PAGE + "?corp_id=" + fake.app_id)
    with pytest.raises(ValidationFailed, match="empty"):
        await client.exchange_code("")
    values = await ctx.configs.values(oauth_config.id)
    assert isinstance(values, TencentMeetingConfig)
    unsaved = TencentMeetingClient(ctx.http, None, values)
    with pytest.raises(ValidationFailed, match="saved config"):
        await unsaved.exchange_code("code")


async def test_unusable_oauth_answer(
    ctx: HubContext,
    fake: FakeTencentMeeting,
    aiohttp_server: Callable[..., Awaitable[TestServer]],
) -> None:
    """A token endpoint that answers success without a token: a clear error, nothing stored."""

    async def broken(request: web.Request) -> web.Response:
        return web.json_response({"code": 0, "message": "SUCCESS", "data": {"open_id": "o"}})

    app = web.Application()
    app.router.add_post("/oauth/access_token", broken)
    server = await aiohttp_server(app)
    values = oauth_values(fake, oauth_base_url=str(server.make_url("/oauth")))
    record = await make_config(ctx, values, name="broken")
    client = await client_for(ctx, record.id)
    with pytest.raises(TencentMeetingError, match="no access_token"):
        await client.exchange_code("code")
    assert await OAuthTokens.of(ctx).load(record.id) is None
