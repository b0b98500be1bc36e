"""`AppClient` against the fake WeCom: tokens, error codes, send, recall, cards, media."""

import pytest
from hub.context import HubContext
from hub.http import AuthFailed, InvalidResponse, ProviderError, RateLimited, ServerError

from hub_wecom.client import AppClient, token_state

from ..fake_wecom import AGENT_ID, CORP_SECRET, FakeWeCom, Fault
from ..support import IMAGE, app_client, app_config, call_rows

SEND = "/cgi-bin/message/send"
TEXT = {"touser": "zhangsan", "msgtype": "text", "text": {"content": "hello"}}


async def test_token_is_fetched_once_and_reused(ctx: HubContext, fake: FakeWeCom) -> None:
    record = await app_config(ctx, fake)
    client = await app_client(ctx, record)
    assert token_state(ctx.http, record.id).cached is False
    first = await client.send(TEXT)
    second = await client.send(TEXT)
    assert first.msgid and second.msgid and first.msgid != second.msgid
    assert fake.token_hits == 1
    state = client.token_state()
    assert state.cached is True
    assert state.expires_in is not None and 7000 < state.expires_in <= 7200
    assert [m["agentid"] for m in fake.sent()] == [AGENT_ID, AGENT_ID]


async def test_expired_token_is_refreshed_once_then_sent(ctx: HubContext, fake: FakeWeCom) -> None:
    record = await app_config(ctx, fake)
    client = await app_client(ctx, record)
    await client.send(TEXT)
    fake.expire_tokens()  # WeCom now answers 42001 to the token the hub holds
    result = await client.send(TEXT)
    assert result.msgid
    assert fake.token_hits == 2
    assert ctx.http.tokens.refreshes(client.token_key) == 2
    outcomes = [(r.outcome, r.error_code) for r in await call_rows(ctx, record.id)]
    assert outcomes == [
        ("ok", None),  # gettoken
        ("ok", None),  # send
        ("token_expired", "42001"),
        ("ok", None),  # gettoken: a new token
        ("ok", None),  # the send, repeated once
    ]


async def test_injected_42001_refreshes_exactly_once(ctx: HubContext, fake: FakeWeCom) -> None:
    record = await app_config(ctx, fake)
    client = await app_client(ctx, record)
    await client.send(TEXT)
    fake.fail_next(SEND, Fault(42001))
    assert (await client.send(TEXT)).msgid
    assert ctx.http.tokens.refreshes(client.token_key) == 2
    assert len(fake.hits(SEND)) == 3

    fake.fail_next(SEND, Fault(42001), Fault(42001))  # the new token refused too: give up
    with pytest.raises(AuthFailed) as failed:
        await client.send(TEXT)
    assert failed.value.provider_code == "42001"
    assert ctx.http.tokens.refreshes(client.token_key) == 3


async def test_missing_and_invalid_tokens_refresh(ctx: HubContext, fake: FakeWeCom) -> None:
    record = await app_config(ctx, fake)
    client = await app_client(ctx, record)
    await client.send(TEXT)
    fake.tokens.clear()  # WeCom forgot the token: 40014, then a new one is issued
    assert (await client.send(TEXT)).msgid
    fake.fail_next(SEND, Fault(41001))
    assert (await client.send(TEXT)).msgid
    assert ctx.http.tokens.refreshes(client.token_key) == 3


@pytest.mark.parametrize(
    ("overrides", "setup", "code"),
    [
        ({"corp_secret": "not-the-secret"}, None, "40001"),
        ({"corp_id": "wwunknown"}, None, "40013"),
        ({}, "ip_denied", "60020"),
    ],
)
async def test_refused_credentials_fail_at_once(
    ctx: HubContext, fake: FakeWeCom, overrides: dict[str, str], setup: str | None, code: str
) -> None:
    record = await app_config(ctx, fake, **overrides)
    if setup:
        setattr(fake, setup, True)
    client = await app_client(ctx, record)
    with pytest.raises(AuthFailed) as failed:
        await client.send(TEXT)
    assert failed.value.provider_code == code
    assert fake.token_hits == 1  # not retried
    assert not fake.hits(SEND)
    assert CORP_SECRET not in failed.value.message
    assert "not-the-secret" not in failed.value.message


async def test_busy_is_retried(ctx: HubContext, fake: FakeWeCom) -> None:
    record = await app_config(ctx, fake)
    client = await app_client(ctx, record)
    fake.fail_next(SEND, Fault(-1), Fault(45033))
    assert (await client.send(TEXT)).msgid
    assert len(fake.hits(SEND)) == 3
    assert len(fake.sent()) == 1


async def test_rate_limited_backs_off_then_sends(ctx: HubContext, fake: FakeWeCom) -> None:
    record = await app_config(ctx, fake)
    client = await app_client(ctx, record)
    fake.fail_next(SEND, Fault(45009))
    assert (await client.send(TEXT)).msgid
    outcomes = [r.outcome for r in await call_rows(ctx, record.id) if SEND in r.url]
    assert outcomes == ["rate_limited", "ok"]
    assert AppClient.rate_limit_codes == {45009: 60.0}  # WeCom's "wait a minute" as a floor

    fake.fail_next(SEND, Fault(45009), Fault(45009), Fault(45009))
    with pytest.raises(RateLimited):
        await client.send(TEXT)


async def test_bad_gateway_is_not_resent(ctx: HubContext, fake: FakeWeCom) -> None:
    """A 502 after sending may mean WeCom took the message: sending it again could double it."""
    record = await app_config(ctx, fake)
    client = await app_client(ctx, record)
    fake.fail_next(SEND, Fault(status=502))
    with pytest.raises(ServerError):
        await client.send(TEXT)
    assert len(fake.hits(SEND)) == 1


async def test_refused_recipients_come_back(ctx: HubContext, fake: FakeWeCom) -> None:
    record = await app_config(ctx, fake)
    client = await app_client(ctx, record)
    fake.unlicensed.add("lisi")
    result = await client.send(
        {"touser": "zhangsan|lisi|ghost", "toparty": "1|99", "totag": "7", "msgtype": "text",
         "text": {"content": "hi"}}
    )  # fmt: skip
    assert result.msgid
    assert result.invalid_users == ["ghost"]
    assert result.unlicensed_users == ["lisi"]
    assert result.invalid_parties == ["99"]
    assert result.invalid_tags == ["7"]

    with pytest.raises(ProviderError) as failed:
        await client.send({**TEXT, "touser": "ghost|nobody"})
    assert failed.value.provider_code == "81013"


async def test_recall(ctx: HubContext, fake: FakeWeCom) -> None:
    record = await app_config(ctx, fake)
    client = await app_client(ctx, record)
    sent = await client.send(TEXT)
    assert sent.msgid
    await client.recall(sent.msgid)
    assert fake.messages[sent.msgid].recalled
    with pytest.raises(ProviderError):
        await client.recall(sent.msgid)  # once only


async def test_template_card_update(ctx: HubContext, fake: FakeWeCom) -> None:
    record = await app_config(ctx, fake)
    client = await app_client(ctx, record)
    card = {
        "card_type": "button_interaction",
        "task_id": "task-1",
        "main_title": {"title": "Approve?"},
        "button_list": [{"text": "OK", "key": "ok"}],
    }
    sent = await client.send({"touser": "zhangsan", "msgtype": "template_card",
                              "template_card": card})  # fmt: skip
    assert sent.response_code
    update = {"userids": ["zhangsan", "ghost"], "response_code": sent.response_code,
              "button": {"replace_name": "Done"}}  # fmt: skip
    assert await client.update_template_card(update) == ["ghost"]
    assert fake.card_updates[0]["agentid"] == AGENT_ID
    with pytest.raises(ProviderError):
        await client.update_template_card(update)  # a response code works once


async def test_media_upload(ctx: HubContext, fake: FakeWeCom) -> None:
    record = await app_config(ctx, fake)
    client = await app_client(ctx, record)
    media = await client.upload_media("image", "logo.png", IMAGE)
    assert media.media_type == "image"
    assert (media.expires_at - media.created_at).days == 3
    stored = fake.media[media.media_id]
    assert (stored.owner, stored.filename, stored.size) == ("app", "logo.png", len(IMAGE))
    sent = await client.send({"touser": "zhangsan", "msgtype": "image",
                              "image": {"media_id": media.media_id}})  # fmt: skip
    assert sent.msgid
    with pytest.raises(ProviderError) as failed:
        await client.upload_media("file", "tiny.txt", b"abc")
    assert failed.value.provider_code == "40006"
    with pytest.raises(ValueError, match="media type"):
        await client.upload_media("sticker", "x", b"12345")


async def test_call_log_masks_token_and_secret(ctx: HubContext, fake: FakeWeCom) -> None:
    record = await app_config(ctx, fake)
    client = await app_client(ctx, record)
    await client.send(TEXT)
    token = next(iter(fake.tokens))
    rows = await call_rows(ctx, record.id)
    assert [r.url.split("?")[0].rsplit("/", 1)[-1] for r in rows] == ["gettoken", "send"]
    for row in rows:
        assert token not in row.url and CORP_SECRET not in row.url
    assert "corpsecret=***" in rows[0].url
    assert "access_token=***" in rows[1].url


async def test_answers_without_what_was_asked_for(ctx: HubContext, fake: FakeWeCom) -> None:
    record = await app_config(ctx, fake)
    client = await app_client(ctx, record)
    fake.fail_next("/cgi-bin/gettoken", Fault(0))  # errcode 0, but no access_token
    with pytest.raises(InvalidResponse, match="no access_token"):
        await client.send(TEXT)
    fake.fail_next("/cgi-bin/media/upload", Fault(0))
    with pytest.raises(InvalidResponse, match="no media_id"):
        await client.upload_media("image", "logo.png", IMAGE)
