"""Callbacks through the real hub: URL check, encrypted messages and events, refusals, dedup."""

import asyncio
import base64
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime
from typing import Any
from xml.etree import ElementTree as ET

import pytest
from aiohttp.test_utils import TestClient
from hub.bus import Event
from hub.context import CTX_KEY, HubContext
from hub.plugins import Plugins
from hub.webhooks import InboundRequest, Verified
from hub.webhooks.handler import StoredWebhook
from hub.webhooks.store import WebhookStore

from hub_wecom import events, webhooks
from hub_wecom.config import AppConfig
from hub_wecom.replies import TextReply

from . import wecom_sender as ws
from .conftest import callback_values, post_config, robot_values
from .wecom_sender import WeComSender


async def wait_for(check: Callable[[], Awaitable[bool]], within: float = 20.0) -> None:
    """Poll until `check` holds; fail after `within` seconds (a bound, not a timing)."""
    deadline = time.monotonic() + within
    while not await check():
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {within} s")
        await asyncio.sleep(0.02)


class Hub:
    """The running app, a WeCom app config with the reference's keys, and a recording subscriber."""

    def __init__(self, client: TestClient, config_id: str) -> None:
        self.client = client
        self.config_id = config_id
        self.received: list[tuple[Event, Any]] = []

    @property
    def ctx(self) -> HubContext:
        return self.client.app[CTX_KEY]

    def sender(self, **options: Any) -> WeComSender:
        return WeComSender(self.client, self.config_id, **options)

    async def webhooks(self) -> list[StoredWebhook]:
        store = WebhookStore(self.ctx)
        page = await store.list(provider="wecom", limit=500)
        return [await store.get(w.id) for w in page.items]

    async def rejections(self, count: int) -> list[str]:
        """The codes of the refused attempts, once `count` are written (in the background)."""
        store = WebhookStore(self.ctx)

        async def written() -> bool:
            return len((await store.rejections(config=self.config_id)).items) >= count

        await wait_for(written)
        page = await store.rejections(config=self.config_id)
        return sorted(r.code for r in page.items)

    async def processed(self, count: int) -> list[StoredWebhook]:
        """Wait until `count` stored webhooks are processed (their events published)."""

        async def done() -> bool:
            stored = await self.webhooks()
            return len(stored) == count and all(w.status == "processed" for w in stored)

        await wait_for(done)
        return await self.webhooks()

    async def until_events(self, count: int) -> list[tuple[Event, Any]]:
        async def enough() -> bool:
            return len(self.received) >= count

        await wait_for(enough)
        return self.received

    async def published(self) -> list[str]:
        page = await self.ctx.bus.store.list(type="wecom.*", limit=500)
        return sorted(e.type for e in page.items)


@pytest.fixture
async def hub(
    client: TestClient, admin_headers: dict[str, str], plugins: Plugins
) -> AsyncIterator[Hub]:
    config_id = await post_config(client, admin_headers, callback_values())
    running = Hub(client, config_id)

    async def record(event: Event) -> None:
        running.received.append((event, event.model()))

    running.ctx.bus.subscribe("wecom.*", record, name="tests.wecom.record")
    yield running
    # Hook errors never fail a request, so look for them explicitly.
    assert plugins.records["wecom"].runtime_errors == 0, plugins.records


# -- URL verification (GET) ---------------------------------------------------------------


async def test_url_verification_echoes_the_v1_plaintext(hub: Hub) -> None:
    response = await hub.sender().verify_url(ws.V1_ECHOSTR, signature=ws.V1_SIGNATURE)
    assert response.status == 200
    assert await response.read() == ws.V1_PLAINTEXT.encode()
    assert response.content_type == "text/plain"
    assert await hub.webhooks() == []  # a handshake is answered, never stored


async def test_url_verification_keeps_a_plus_in_echostr(hub: Hub) -> None:
    for attempt in range(500):
        plaintext = f"{7 * 10**18 + attempt}"
        echostr = ws.encrypt(plaintext.encode())
        if "+" in echostr:
            break
    else:
        raise AssertionError("no ciphertext with a '+' in 500 tries")
    for encode_plus in (True, False):  # %2B, and a raw "+" as some clients send it
        response = await hub.sender().verify_url(echostr, nonce="42", encode_plus=encode_plus)
        assert (response.status, await response.read()) == (200, plaintext.encode())


async def test_url_verification_refusals(hub: Hub) -> None:
    sender = hub.sender()
    bad = await sender.verify_url(ws.V1_ECHOSTR, signature="0" * 40)
    assert bad.status == 401
    assert (await bad.json())["code"] == "invalid_signature"
    missing = await hub.client.get(
        f"{sender.url}?msg_signature={ws.V1_SIGNATURE}&timestamp={ws.TIMESTAMP}&nonce=1"
    )
    assert missing.status == 400 and (await missing.json())["code"] == "invalid_echostr"
    unsigned = await hub.client.get(f"{sender.url}?echostr=abc")
    assert unsigned.status == 401
    other_corp = ws.encrypt(b"123", receive_id="wrongcorp")
    wrong = await sender.verify_url(other_corp)
    assert wrong.status == 401 and (await wrong.json())["code"] == "invalid_receive_id"
    assert await hub.rejections(4) == sorted(
        ["invalid_signature", "invalid_echostr", "invalid_signature", "invalid_receive_id"]
    )


# -- messages and events (POST) -------------------------------------------------------------


async def test_a_message_posted_three_times_is_stored_and_published_once(hub: Hub) -> None:
    sender = hub.sender()
    encrypted = sender.seal(ws.V2_PLAINTEXT)
    timestamp, nonce = ws.now(), "1372623149"
    for _ in range(3):  # WeCom repeats the identical request when the answer is late
        response = await sender.post_encrypted(encrypted, timestamp=timestamp, nonce=nonce)
        assert response.status == 200
        assert await response.read() == b""
    [stored] = await hub.processed(1)
    assert (stored.dedup_key, stored.duplicates, stored.event_count) == (
        "msg:4561255354251345929", 2, 1
    )  # fmt: skip
    assert stored.messages == [{"type": "wecom.message.text", "xml": ws.V2_PLAINTEXT}]
    assert ws.AES_KEY not in stored.body.decode() and "hello" not in stored.body.decode()
    [(event, payload)] = await hub.until_events(1)
    assert event.type == "wecom.message.text"
    assert event.config_id == hub.config_id and event.source == "webhook"
    assert event.ordering_key == f"wecom:{hub.config_id}:mycreate"
    assert int(event.occurred_at.timestamp()) == 1409659813
    assert isinstance(payload, events.TextMessage)
    assert (payload.content, payload.from_user_name, payload.msg_id) == (
        "hello", "mycreate", "4561255354251345929"
    )  # fmt: skip
    # Re-encrypted with a new random prefix (a fresh delivery of the same MsgId): still once.
    again = await sender.post(ws.V2_PLAINTEXT)
    assert again.status == 200
    assert await hub.published() == ["wecom.message.text"]
    [stored] = await hub.webhooks()
    assert stored.duplicates == 3


async def test_the_v2_vector_itself_is_refused_as_stale(hub: Hub) -> None:
    """The reference's timestamp is from 2014: outside the hub's replay window."""
    response = await hub.sender().post_encrypted(
        ws.V2_ENCRYPT, timestamp=ws.TIMESTAMP, nonce=ws.NONCE, signature=ws.V2_SIGNATURE
    )
    assert response.status == 401
    assert (await response.json())["code"] == "stale_timestamp"
    future = await hub.sender().post(ws.V2_PLAINTEXT, timestamp=str(int(time.time()) + 3600))
    assert future.status == 401
    assert await hub.webhooks() == []


async def test_forged_tampered_foreign_and_truncated_callbacks_are_refused(hub: Hub) -> None:
    sender = hub.sender()
    plaintext = ws.callback("text", Content="forged", MsgId=1)
    encrypted = sender.seal(plaintext)
    timestamp, nonce = ws.now(), "777"
    good = ws.sign(ws.TOKEN, timestamp, nonce, encrypted)
    flipped = good[:-1] + ("0" if good[-1] != "0" else "1")
    answers = [
        await sender.post_encrypted(encrypted, timestamp=timestamp, nonce=nonce, signature=flipped),
        await sender.post(plaintext, signature="f" * 40),
        await WeComSender(hub.client, hub.config_id, token="OtherToken").post(plaintext),
        await sender.post_encrypted(sender.seal(plaintext, receive_id="wrongcorp")),
    ]
    raw = base64.b64decode(encrypted)
    truncated = base64.b64encode(raw[:-7]).decode()  # not whole AES blocks; signed anyway
    answers.append(await sender.post_encrypted(truncated))
    cut_blocks = base64.b64encode(raw[:-32]).decode()  # whole blocks, receive id cut off
    answers.append(await sender.post_encrypted(cut_blocks))
    other_key = ws.encrypt(plaintext.encode(), encoding_aes_key="A" * 43)
    answers.append(await sender.post_encrypted(other_key))
    assert [a.status for a in answers] == [401] * 7
    codes = [(await a.json())["code"] for a in answers]
    assert codes[:4] == ["invalid_signature"] * 3 + ["invalid_receive_id"]
    assert set(codes[4:]) <= {"undecryptable", "invalid_receive_id"}
    for answer in answers:
        message = (await answer.json())["message"]
        assert ws.TOKEN not in message and ws.AES_KEY not in message and ws.CORP_ID not in message
    assert await hub.webhooks() == []  # nothing stored as valid
    assert len(await hub.rejections(7)) == 7
    assert await hub.published() == []


async def test_malformed_bodies(hub: Hub) -> None:
    sender = hub.sender()
    not_xml = await sender.post_encrypted(sender.seal("x"), body="not xml")
    assert not_xml.status == 400 and (await not_xml.json())["code"] == "invalid_body"
    dtd = '<!DOCTYPE xml [<!ENTITY e "e">]><xml><Encrypt>&e;</Encrypt></xml>'
    refused = await sender.post_encrypted("e", body=dtd)
    assert refused.status == 400 and (await refused.json())["code"] == "invalid_body"
    no_encrypt = await sender.post_encrypted("abc", body="<xml><ToUserName>x</ToUserName></xml>")
    assert no_encrypt.status == 400
    garbage = await sender.post("this is not XML at all")
    assert garbage.status == 400 and (await garbage.json())["code"] == "invalid_message"
    assert await hub.webhooks() == []


async def test_every_callback_becomes_its_typed_event(hub: Hub) -> None:
    samples = ws.samples()
    samples["wecom.event.unknown"] = ws.event("brand_new_event", EventKey="x")
    sender = hub.sender()
    for xml in samples.values():
        response = await sender.post(xml)
        assert response.status == 200, await response.text()
        assert await response.read() == b""
    await hub.processed(len(samples))
    received = await hub.until_events(len(samples))
    by_type = {event.type: payload for event, payload in received}
    assert set(by_type) == set(samples)
    for event_type, payload in by_type.items():
        assert type(payload) is events.MODELS[event_type], event_type
    assert await hub.published() == sorted(samples)
    card = by_type["wecom.event.template_card_event"]
    assert (card.task_id, card.response_code) == ("task-1", "rc-123")
    contact = by_type["wecom.event.change_contact"]
    assert (contact.change_type, contact.department) == ("update_user", ["1", "2", "3"])


async def test_two_clicks_in_one_second_are_two_events(hub: Hub) -> None:
    now = int(time.time())
    for key in ("a", "b", "a"):
        response = await hub.sender().post(ws.event("click", EventKey=key, create_time=now))
        assert response.status == 200
    stored = await hub.processed(2)
    assert sorted(w.dedup_key or "" for w in stored) == [
        f"event:zhangsan|{now}|click|EventKey=a", f"event:zhangsan|{now}|click|EventKey=b"
    ]  # fmt: skip
    assert await hub.published() == ["wecom.event.click", "wecom.event.click"]


async def test_configs_that_receive_no_callbacks(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    silent = await post_config(
        client, admin_headers, callback_values(token=None, encoding_aes_key=None), name="silent"
    )
    response = await WeComSender(client, silent).post(ws.V2_PLAINTEXT)
    assert response.status == 401 and (await response.json())["code"] == "no_callback_keys"
    robot = await post_config(client, admin_headers, robot_values(), kind="robot", name="bot")
    response = await WeComSender(client, robot).post(ws.V2_PLAINTEXT)
    assert response.status == 404 and (await response.json())["code"] == "webhooks_not_supported"


async def test_respond_within_is_offered_only_where_a_reply_is_possible() -> None:
    handler = webhooks.WeComWebhooks()
    assert handler.respond_within_seconds < 5.0  # WeCom's limit
    assert ("respond_within" in Verified.__dataclass_fields__) == webhooks.CORE_RESPONDS
    config = AppConfig.model_validate(callback_values())
    for event_type, replyable in [
        ("wecom.message.text", True),
        ("wecom.event.template_card_event", True),
        ("wecom.event.change_contact", False),
        ("wecom.event.view", False),
    ]:
        encrypted = ws.encrypt(ws.samples()[event_type].encode())
        timestamp, nonce = ws.now(), "5"
        query = f"msg_signature={ws.sign(ws.TOKEN, timestamp, nonce, encrypted)}"
        request = InboundRequest(
            method="POST", path="/webhooks/wecom/c", query={},
            raw_query=f"{query}&timestamp={timestamp}&nonce={nonce}", headers={},
            body=ws.envelope(encrypted).encode(), remote_ip="127.0.0.1",
            received_at=datetime.now(UTC),
        )  # fmt: skip
        verified = await handler.verify(request, config)
        assert verified.messages[0]["type"] == event_type
        wanted = handler.respond_within_seconds if replyable and webhooks.CORE_RESPONDS else None
        assert getattr(verified, "respond_within", None) == wanted, event_type


# -- passive replies through the core (runs once the core supports them) ---------------------

needs_core_replies = pytest.mark.skipif(
    not webhooks.CORE_RESPONDS,
    reason="the hub's webhook intake does not run subscribers before answering yet "
    "(Verified.respond_within)",
)


@needs_core_replies
async def test_a_subscriber_answers_with_an_encrypted_passive_reply(hub: Hub) -> None:
    async def answer(event: Event) -> Any:
        payload = event.model()
        assert isinstance(payload, events.TextMessage)
        return TextReply(content=f"got: {payload.content}")

    async def ignore(event: Event) -> None:
        return None

    hub.ctx.bus.subscribe("wecom.message.text", ignore, name="tests.wecom.first", priority=10)
    hub.ctx.bus.subscribe("wecom.message.text", answer, name="tests.wecom.answer")
    response = await hub.sender().post(ws.callback("text", Content="ping", MsgId=99))
    assert response.status == 200
    plaintext, receive_id = ws.open_reply(await response.read())
    assert receive_id == ws.CORP_ID
    root = ET.fromstring(plaintext)
    assert (root.findtext("ToUserName"), root.findtext("FromUserName")) == ("zhangsan", ws.CORP_ID)
    assert (root.findtext("MsgType"), root.findtext("Content")) == ("text", "got: ping")
    # An address-book change is not waited for: empty answer at once.
    silent = await hub.sender().post(ws.samples()["wecom.event.change_contact"])
    assert (silent.status, await silent.read()) == (200, b"")
