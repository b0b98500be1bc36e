"""Callbacks through the real hub: URL check, signed + encrypted events, refusals, bus events."""

import asyncio
import json
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from hub.bus import Event
from hub.context import CTX_KEY, HubContext
from hub.plugins import Plugins
from hub.webhooks.handler import StoredWebhook
from hub.webhooks.store import WebhookStore

from hub_tencent_meeting import events
from hub_tencent_meeting.events import MeetingEnded, ParticipantJoined, UnknownEvent

from . import webhook_sender
from .webhook_sender import AES_KEY, MEETING_ID, TOKEN, TencentSender, event, item

ACK = b"successfully received callback"


async def wait_for(check: Callable[[], Awaitable[bool]], within: float = 20.0) -> None:
    """Poll until `check` holds; fail after `within` seconds (a bound, not a timing)."""
    deadline = time.monotonic() + within
    while not await check():
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {within} s")
        await asyncio.sleep(0.02)


class Hub:
    """The running app, a Tencent Meeting config and a subscriber that records typed events."""

    def __init__(self, client: TestClient, config_id: str) -> None:
        self.client = client
        self.config_id = config_id
        self.received: list[tuple[Event, Any]] = []

    @property
    def ctx(self) -> HubContext:
        return self.client.app[CTX_KEY]

    def sender(self, **options: Any) -> TencentSender:
        return TencentSender(self.client, self.config_id, **options)

    async def webhooks(self) -> list[StoredWebhook]:
        page = await WebhookStore(self.ctx).list(provider="tencent_meeting", limit=500)
        return [await WebhookStore(self.ctx).get(w.id) for w in page.items]

    async def rejections(self) -> list[str]:
        page = await WebhookStore(self.ctx).rejections(config=self.config_id)
        return [r.code for r in page.items]

    async def until_events(self, count: int) -> list[tuple[Event, Any]]:
        """Wait until the subscriber got `count` events; they arrive after the reply."""

        async def enough() -> bool:
            return len(self.received) >= count

        await wait_for(enough)
        return sorted(self.received, key=lambda pair: pair[0].idempotency_key or "")


async def make_config(client: TestClient, admin_headers: dict[str, str], **values: Any) -> str:
    await client.post(
        "/api/admin/tenants", json={"slug": "acme", "name": "Acme"}, headers=admin_headers
    )
    name = values.pop("name", "default")
    config = {
        "app_id": "211000000",
        "secret_id": "AKIDexampleSecretId0001",
        "secret_key": "ExampleSecretKey/abcdef0123456789",
        "webhook_token": TOKEN,
        "encoding_aes_key": AES_KEY,
        **values,
    }
    response = await client.post(
        "/api/admin/configs",
        headers=admin_headers,
        json={
            "tenant": "acme",
            "provider": "tencent_meeting",
            "name": name,
            "config": config,
        },
    )
    assert response.status == 201, await response.text()
    return str((await response.json())["id"])


@pytest.fixture
async def hub(client: TestClient, admin_headers: dict[str, str], plugins: Plugins) -> Any:
    config_id = await make_config(client, admin_headers)
    running = Hub(client, config_id)

    async def record(event: Event) -> None:
        running.received.append((event, event.model()))

    running.ctx.bus.subscribe("tencent_meeting.*", record, name="tests.tencent_meeting.record")
    yield running
    # Hook errors never fail a request, so look for them explicitly.
    assert plugins.records["tencent_meeting"].runtime_errors == 0, plugins.records


async def test_payload_models_are_registered(hub: Hub) -> None:
    for name, model in events.MODELS.items():
        assert hub.ctx.bus.types[f"tencent_meeting.{name}"] is model
    assert hub.ctx.bus.types["tencent_meeting.unknown"] is UnknownEvent


async def test_url_verification_echoes_the_decrypted_check_string(hub: Hub) -> None:
    response = await hub.sender().check_url("hub-check-7f3a9c")
    assert response.status == 200
    assert await response.read() == b"hub-check-7f3a9c"
    assert response.content_type == "text/plain"
    assert await hub.webhooks() == []  # a handshake is answered, never stored

    forged = await hub.sender().check_url("hub-check-7f3a9c", token="not-the-token")
    assert forged.status == 401
    assert (await forged.json())["code"] == "invalid_signature"


async def test_signed_encrypted_event_is_acked_stored_once_and_published(hub: Hub) -> None:
    sender = hub.sender()
    message = event("meeting.end", item(operate_time=1700004800000), trace_id="t-0001")
    first = await sender.post(message)
    assert first.status == 200
    assert await first.read() == ACK
    again = await sender.post(message)  # Tencent retries, or sends twice
    assert again.status == 200
    assert await again.read() == ACK

    [stored] = await hub.webhooks()
    assert stored.dedup_key == "t-0001"
    assert stored.duplicates == 1
    assert stored.messages == [message]

    [(envelope, payload)] = await hub.until_events(1)
    assert envelope.type == "tencent_meeting.meeting.end"
    assert isinstance(payload, MeetingEnded)
    assert payload.meeting_info is not None and payload.meeting_info.meeting_id == MEETING_ID
    assert payload.trace_id == "t-0001"
    assert envelope.source == "webhook"
    assert envelope.config_id == hub.config_id
    assert envelope.occurred_at == datetime(2023, 11, 14, 23, 33, 20, tzinfo=UTC)
    assert envelope.ordering_key == f"tencent_meeting:{hub.config_id}:{MEETING_ID}"
    assert envelope.idempotency_key == f"{hub.config_id}:t-0001:0"

    async def processed() -> bool:
        [row] = await hub.webhooks()
        return row.status == "processed" and row.event_count == 1

    await wait_for(processed)


async def test_several_payload_items_become_several_events(hub: Hub) -> None:
    items = [item(operator={"userid": f"member-{n}"}) for n in range(3)]
    response = await hub.sender().post(event("meeting.participant-joined", *items, trace_id="tj"))
    assert response.status == 200
    received = await hub.until_events(3)
    assert [e.idempotency_key for e, _ in received] == [f"{hub.config_id}:tj:{n}" for n in range(3)]
    payloads = [p for _, p in received]
    assert all(isinstance(p, ParticipantJoined) for p in payloads)
    assert [p.operator.userid for p in payloads] == ["member-0", "member-1", "member-2"]


async def test_unknown_event_is_published_raw(hub: Hub) -> None:
    raw = {"operate_time": int(time.time() * 1000), "app_info": {"app_id": "a-1"}}
    response = await hub.sender().post(event("application.install", raw, trace_id="t-app"))
    assert response.status == 200
    [(envelope, payload)] = await hub.until_events(1)
    assert envelope.type == "tencent_meeting.unknown"
    assert payload == UnknownEvent(event="application.install", trace_id="t-app", item=raw)


async def test_forged_signature_is_refused_and_nothing_stored(hub: Hub) -> None:
    sender = hub.sender()
    message = event("meeting.started", trace_id="t-forged")
    response = await sender.post(message, token="not-the-token")
    assert response.status == 401
    assert await response.json() == {
        "code": "invalid_signature",
        "message": "the signature does not match",
    }
    valid = webhook_sender.encode(json.dumps(message).encode(), AES_KEY)
    tampered = await sender.post_data(valid, signature="0" * 40)
    assert tampered.status == 401
    assert await hub.webhooks() == []

    async def audited() -> bool:
        return await hub.rejections() == ["invalid_signature", "invalid_signature"]

    await wait_for(audited)
    # The genuine delivery of the same trace id is still taken afterwards.
    assert (await sender.post(message)).status == 200
    assert [w.dedup_key for w in await hub.webhooks()] == ["t-forged"]


async def test_undecryptable_data_is_refused(hub: Hub) -> None:
    sender = hub.sender()
    plain = webhook_sender.encode(b'{"event":"meeting.started","trace_id":"t-plain"}')
    for data in (plain, "AAAA" * 8, "not base64 at all!"):
        response = await sender.post_data(data)
        assert response.status == 400, data
        assert (await response.json())["code"] == "undecryptable"
    wrong_key = TencentSender(hub.client, hub.config_id, encoding_aes_key="B" * 43)
    response = await wrong_key.post(event("meeting.started", trace_id="t-wrong-key"))
    assert response.status == 400
    assert await hub.webhooks() == []


async def test_stale_timestamp_is_refused(hub: Hub) -> None:
    sender = hub.sender()
    message = event("meeting.started", trace_id="t-stale")
    hour_ago = str(int((time.time() - 3600) * 1000))
    response = await sender.post(message, timestamp=hour_ago)
    assert response.status == 401
    assert (await response.json())["code"] == "invalid_timestamp"
    in_seconds = await sender.post(message, timestamp=str(int(time.time()) - 3600))
    assert in_seconds.status == 401
    assert await hub.webhooks() == []
    assert (await sender.post(message, timestamp=str(int(time.time())))).status == 200


async def test_plain_base64_events_without_a_key_in_the_older_format(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    config_id = await make_config(client, admin_headers, encoding_aes_key=None)
    official = {
        "event": "meeting.created",
        "unique_sequence": "f20096ee-8ac8-4df2-a7de-0574649f211b",
        "payload": [
            {
                "operate_time": "2020-12-29 17:41:06",
                "operator": {"userid": "tester"},
                "meeting_info": {"meeting_id": "6058890385480921052", "subject": "media tester"},
            }
        ],
    }
    sender = TencentSender(client, config_id, encoding_aes_key=None)
    data = webhook_sender.encode(json.dumps(official).encode()).rstrip("=")  # as Tencent's example
    response = await sender.post_data(data)
    assert response.status == 200 and await response.read() == ACK
    ctx = client.app[CTX_KEY]
    [stored] = (await WebhookStore(ctx).list(config=config_id)).items
    assert stored.dedup_key == "f20096ee-8ac8-4df2-a7de-0574649f211b"

    async def published() -> bool:
        return bool((await ctx.bus.store.list(type="tencent_meeting.meeting.created")).items)

    await wait_for(published)
    [published_event] = (await ctx.bus.store.list(type="tencent_meeting.meeting.created")).items
    assert published_event.occurred_at == datetime(2020, 12, 29, 9, 41, 6, tzinfo=UTC)
    detail = await ctx.bus.store.get(published_event.id)
    assert detail.payload["meeting_info"]["meeting_id"] == "6058890385480921052"


async def test_config_without_token_receives_nothing(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    config_id = await make_config(client, admin_headers, webhook_token=None)
    response = await TencentSender(client, config_id).post(event("meeting.started"))
    assert response.status == 401
    assert (await response.json())["code"] == "no_webhook_token"
