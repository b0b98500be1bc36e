"""The reference's webhook test vectors (§8.5) and the handler's checks, without a server."""

import base64
import json
import time
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

import pytest
from hub.webhooks import InboundRequest, Reply, Verified, WebhookRejected
from multidict import CIMultiDict
from pydantic import SecretStr

from hub_tencent_meeting import webhook_crypto
from hub_tencent_meeting.config import TencentMeetingConfig
from hub_tencent_meeting.webhooks import (
    ACK,
    MAX_TIMESTAMP_SKEW_SECONDS,
    WEBHOOK_HANDLER,
    TencentMeetingWebhooks,
    query_value,
    timestamp_seconds,
)

from . import webhook_sender

OFFICIAL_TOKEN = "bVPU6F8Htxl5XkAbp3jGV2xWp"
OFFICIAL_TIMESTAMP = "1609239040864"
OFFICIAL_NONCE = "14964161"
OFFICIAL_DATA = (
    "eyJldmVudCI6Im1lZXRpbmcuY3JlYXRlZCIsInVuaXF1ZV9zZXF1ZW5jZSI6ImYyMDA5NmVlLThhYzgtNGRmMi1hN2Rl"
    "LTA1NzQ2NDlmMjExYiIsInBheWxvYWQiOlt7Im9wZXJhdGVfdGltZSI6IjIwMjAtMTItMjkgMTc6NDE6MDYiLCJvcGVy"
    "YXRvciI6eyJ1c2VyaWQiOiJ0ZXN0ZXIwMDAwNmJhNWJhYjMzOTg1OGMxM2M5MzBjY2E5NTY4NCJ9LCJtZWV0aW5nX2lu"
    "Zm8iOnsibWVldGluZ19pZCI6IjYwNTg4OTAzODU0ODA5MjEwNTIiLCJtZWV0aW5nX2NvZGUiOiI1MzA4MTI0NTIiLCJz"
    "dWJqZWN0IjoibWVkaWEgdGVzdGVyIG1lZXRpbmciLCJjcmVhdG9yX2lkIjoidGVzdGVyMDAwMDZiYTViYWIzMzk4NThj"
    "MTNjOTMwY2NhOTU2ODQiLCJob3N0cyI6WyJ0ZXN0ZXIwMDAwNmJhNWJhYjMzOTg1OGMxM2M5MzBjY2E5NTY4NCJdLCJt"
    "ZWV0aW5nX3R5cGUiOjAsInN0YXJ0X3RpbWUiOiIyMDIwLTEyLTI5IDE3OjQxOjA0IiwiZW5kX3RpbWUiOiIyMDIwLTEy"
    "LTI5IDE4OjAxOjA0In19XX0"
)
OFFICIAL_SIGNATURE = "b11e507817336a91d7df0c8536ee2aca18bbbae8"

HUB_TOKEN = "HubWebhookToken2024"
HUB_TIMESTAMP = "1700001234"
HUB_NONCE = "123456789"
VECTOR1_PLAIN = (
    '{"event":"meeting.started","trace_id":"5b6a1c5e-0d3f-4a8e-9a51-2f4c7e9d0abc","payload":'
    '[{"operate_time":1700001234567,"operator":{"userid":"admin01","open_id":"","uuid":'
    '"WM00000001","user_name":"Admin","ms_open_id":"","instance_id":"1"},"meeting_info":'
    '{"meeting_id":"7568892010213337856","meeting_code":"806123456","subject":"Weekly sync",'
    '"creator":{"userid":"admin01","uuid":"WM00000001","user_name":"Admin"},"meeting_type":0,'
    '"start_time":1700001200,"end_time":1700004800}}]}'
)
VECTOR1_DATA = (
    "eyJldmVudCI6Im1lZXRpbmcuc3RhcnRlZCIsInRyYWNlX2lkIjoiNWI2YTFjNWUtMGQzZi00YThlLTlhNTEtMmY0YzdlO"
    "WQwYWJjIiwicGF5bG9hZCI6W3sib3BlcmF0ZV90aW1lIjoxNzAwMDAxMjM0NTY3LCJvcGVyYXRvciI6eyJ1c2VyaWQiOi"
    "JhZG1pbjAxIiwib3Blbl9pZCI6IiIsInV1aWQiOiJXTTAwMDAwMDAxIiwidXNlcl9uYW1lIjoiQWRtaW4iLCJtc19vcGV"
    "uX2lkIjoiIiwiaW5zdGFuY2VfaWQiOiIxIn0sIm1lZXRpbmdfaW5mbyI6eyJtZWV0aW5nX2lkIjoiNzU2ODg5MjAxMDIx"
    "MzMzNzg1NiIsIm1lZXRpbmdfY29kZSI6IjgwNjEyMzQ1NiIsInN1YmplY3QiOiJXZWVrbHkgc3luYyIsImNyZWF0b3IiO"
    "nsidXNlcmlkIjoiYWRtaW4wMSIsInV1aWQiOiJXTTAwMDAwMDAxIiwidXNlcl9uYW1lIjoiQWRtaW4ifSwibWVldGluZ1"
    "90eXBlIjowLCJzdGFydF90aW1lIjoxNzAwMDAxMjAwLCJlbmRfdGltZSI6MTcwMDAwNDgwMH19XX0="
)
VECTOR1_SIGNATURE = "bb31d5f2a23af9daf65290985c2d1c2df399da03"

AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
AES_KEY_HEX = "69b71d79f8218a39259a7a29aabb2dbafc31cb3d35db7e39ebbf3d0010831051"
CHECK_PLAIN = "hub-check-7f3a9c"
CHECK_STR = "PMrflTuupgtDUmqsLnM3/SZ3MXpMaZqp44Q/cjHky4k="
CHECK_SIGNATURE = "57affbc485ac75e47208670d586d109a663b54db"
VECTOR2_PLAIN = (
    '{"event":"meeting.end","trace_id":"t-0001","payload":[{"operate_time":1700004800000,'
    '"meeting_info":{"meeting_id":"7568892010213337856","meeting_code":"806123456",'
    '"subject":"Weekly sync"}}]}'
)
VECTOR2_DATA = (
    "e3rc/bZXIO/hFRmixpASDb1d+Y+3uUOhn3qEexOmCezCmJG/20Xnez4FvNsa3756dzSYNOFoZnsOLj1Y2RBKjuabOjxyvS"
    "ZsQVjzuLErZGtYgi+u8L92IfUUhxUARt1VVUENDE8C7ySOar2bMKBA1N40O1nQ+vDFr38W3KDctOH50QLXZIvIJasnoUJW"
    "1FbxboQhmc0GaSCRUBPtpO3MKP7tLci6rnIunnd9wPY9DGqtVmf0q4P61cFzkJXzjeB9"
)
VECTOR2_SIGNATURE = "533a8e6f34767a43d3eade52a60ee97f2c59d109"


def config(token: str | None = HUB_TOKEN, aes_key: str | None = None) -> TencentMeetingConfig:
    return TencentMeetingConfig(
        app_id="211000000",
        secret_id="AKIDexampleSecretId0001",
        secret_key=SecretStr("ExampleSecretKey/abcdef0123456789"),
        webhook_token=SecretStr(token) if token else None,
        encoding_aes_key=SecretStr(aes_key) if aes_key else None,
    )


def request(
    method: str,
    headers: dict[str, str],
    *,
    body: bytes = b"",
    raw_query: str = "",
) -> InboundRequest:
    query = {}
    if raw_query:
        name, _, value = raw_query.partition("=")
        query[name] = value
    return InboundRequest(
        method=method,
        path="/webhooks/tencent_meeting/c-1",
        query=query,
        raw_query=raw_query,
        headers=CIMultiDict(headers),
        body=body,
        remote_ip="127.0.0.1",
        received_at=datetime.now(UTC),
    )


def post(data: str, timestamp: str, nonce: str, signature: str) -> InboundRequest:
    headers = {"timestamp": timestamp, "nonce": nonce, "signature": signature}
    return request("POST", headers, body=json.dumps({"data": data}).encode())


def fresh(data: str, token: str = HUB_TOKEN) -> InboundRequest:
    """`data` signed now: what Tencent sends today."""
    signed = webhook_sender.headers(token, data)
    return request("POST", signed, body=json.dumps({"data": data}).encode())


def timeless() -> TencentMeetingWebhooks:
    """A handler that accepts the vectors' old timestamps (a window of centuries)."""
    handler = TencentMeetingWebhooks()
    handler.max_timestamp_skew_seconds = 10**10
    return handler


async def rejected(verified: Any) -> WebhookRejected:
    with pytest.raises(WebhookRejected) as caught:
        await verified
    return caught.value


# ---- the vectors ----------------------------------------------------------------------------


def test_signatures_of_the_vectors() -> None:
    sign = webhook_crypto.signature
    assert sign(OFFICIAL_TOKEN, OFFICIAL_TIMESTAMP, OFFICIAL_NONCE, OFFICIAL_DATA) == (
        OFFICIAL_SIGNATURE
    )
    assert sign(HUB_TOKEN, HUB_TIMESTAMP, HUB_NONCE, VECTOR1_DATA) == VECTOR1_SIGNATURE
    assert sign(HUB_TOKEN, HUB_TIMESTAMP, HUB_NONCE, CHECK_STR) == CHECK_SIGNATURE
    assert sign(HUB_TOKEN, HUB_TIMESTAMP, HUB_NONCE, VECTOR2_DATA) == VECTOR2_SIGNATURE
    # The independent sender of the tests computes the same.
    assert webhook_sender.sign(HUB_TOKEN, HUB_TIMESTAMP, HUB_NONCE, VECTOR2_DATA) == (
        VECTOR2_SIGNATURE
    )


def test_aes_key_and_decryption_of_the_vectors() -> None:
    assert webhook_crypto.aes_key(AES_KEY).hex() == AES_KEY_HEX
    assert webhook_crypto.decode(CHECK_STR, AES_KEY) == CHECK_PLAIN.encode()
    assert webhook_crypto.decode(VECTOR2_DATA, AES_KEY) == VECTOR2_PLAIN.encode()
    assert webhook_crypto.encode(CHECK_PLAIN.encode(), AES_KEY) == CHECK_STR
    assert webhook_crypto.encode(VECTOR2_PLAIN.encode(), AES_KEY) == VECTOR2_DATA
    assert webhook_crypto.decode(VECTOR1_DATA, None) == VECTOR1_PLAIN.encode()
    assert webhook_crypto.encode(VECTOR1_PLAIN.encode(), None) == VECTOR1_DATA


async def test_official_example_in_the_older_format() -> None:
    verified = await timeless().verify(
        post(OFFICIAL_DATA, OFFICIAL_TIMESTAMP, OFFICIAL_NONCE, OFFICIAL_SIGNATURE),
        config(OFFICIAL_TOKEN),
    )
    assert verified.reply == Reply.text(ACK)
    assert verified.dedup_key == "f20096ee-8ac8-4df2-a7de-0574649f211b"  # unique_sequence
    [message] = verified.messages
    assert message["event"] == "meeting.created"
    assert message["payload"][0]["meeting_info"]["meeting_id"] == "6058890385480921052"


async def test_hub_vector_1_plain() -> None:
    verified = await timeless().verify(
        post(VECTOR1_DATA, HUB_TIMESTAMP, HUB_NONCE, VECTOR1_SIGNATURE), config()
    )
    assert verified == Verified(
        reply=Reply(200, ACK.encode(), "text/plain"),
        dedup_key="5b6a1c5e-0d3f-4a8e-9a51-2f4c7e9d0abc",
        messages=[json.loads(VECTOR1_PLAIN)],
    )
    assert ACK == "successfully received callback"


async def test_hub_vector_2_url_check_with_aes() -> None:
    headers = {"timestamp": HUB_TIMESTAMP, "nonce": HUB_NONCE, "signature": CHECK_SIGNATURE}
    raw_query = "check_str=" + quote(CHECK_STR, safe="")
    verified = await timeless().verify(
        request("GET", headers, raw_query=raw_query), config(aes_key=AES_KEY)
    )
    assert verified.handshake
    assert verified.reply.status == 200
    assert verified.reply.body == CHECK_PLAIN.encode()
    assert verified.reply.content_type == "text/plain"


async def test_hub_vector_2_event_with_aes() -> None:
    verified = await timeless().verify(
        post(VECTOR2_DATA, HUB_TIMESTAMP, HUB_NONCE, VECTOR2_SIGNATURE), config(aes_key=AES_KEY)
    )
    assert verified.dedup_key == "t-0001"
    assert verified.messages == [json.loads(VECTOR2_PLAIN)]
    assert verified.reply.body == b"successfully received callback"


async def test_a_signature_off_by_one_character_is_refused() -> None:
    forged = VECTOR2_SIGNATURE[:-1] + ("0" if VECTOR2_SIGNATURE[-1] != "0" else "1")
    aes = config(aes_key=AES_KEY)
    forged_post = post(VECTOR2_DATA, HUB_TIMESTAMP, HUB_NONCE, forged)
    exc = await rejected(timeless().verify(forged_post, aes))
    assert (exc.status, exc.code) == (401, "invalid_signature")
    # The signature covers the nonce and the timestamp too.
    other_nonce = post(VECTOR2_DATA, HUB_TIMESTAMP, "123456780", VECTOR2_SIGNATURE)
    exc = await rejected(timeless().verify(other_nonce, aes))
    assert exc.code == "invalid_signature"


# ---- what Tencent may send differently --------------------------------------------------------


def test_timestamps_in_seconds_and_milliseconds() -> None:
    assert timestamp_seconds("1700001234") == 1700001234.0
    assert timestamp_seconds("1609239040864") == 1609239040.864
    assert timestamp_seconds(" 1700001234 ") == 1700001234.0
    for bad in ("", "abc", "-5", "1.5", "9" * 17):
        assert timestamp_seconds(bad) is None


async def test_stale_and_future_timestamps_are_refused_in_either_unit() -> None:
    data = webhook_sender.encode(VECTOR1_PLAIN.encode())
    now = time.time()
    too_far = MAX_TIMESTAMP_SKEW_SECONDS + 60
    for timestamp in (
        str(int(now - too_far)),
        str(int((now - too_far) * 1000)),
        str(int(now + too_far)),
        str(int((now + too_far) * 1000)),
        "",
    ):
        headers = webhook_sender.headers(HUB_TOKEN, data, timestamp=timestamp)
        body = json.dumps({"data": data}).encode()
        exc = await rejected(WEBHOOK_HANDLER.verify(request("POST", headers, body=body), config()))
        assert (exc.status, exc.code) == (401, "invalid_timestamp"), timestamp
    within = str(int((now - MAX_TIMESTAMP_SKEW_SECONDS + 60) * 1000))
    headers = webhook_sender.headers(HUB_TOKEN, data, timestamp=within)
    body = json.dumps({"data": data}).encode()
    assert (await WEBHOOK_HANDLER.verify(request("POST", headers, body=body), config())).messages


async def test_padding_less_and_url_safe_base64_are_accepted() -> None:
    plain = webhook_sender.encode(VECTOR1_PLAIN.encode()).rstrip("=")
    assert (await WEBHOOK_HANDLER.verify(fresh(plain), config())).dedup_key
    message = b'{"event":"meeting.created","trace_id":"t>?~","payload":[{"x":"??>>"}]}'
    url_safe = base64.urlsafe_b64encode(message).decode()
    assert "-" in url_safe or "_" in url_safe
    assert (await WEBHOOK_HANDLER.verify(fresh(url_safe), config())).dedup_key == "t>?~"


async def test_trailing_bytes_after_the_json_are_ignored() -> None:
    plain = VECTOR2_PLAIN.encode() + b"\x00\x07\xfftrailing-app-id"
    data = base64.b64encode(webhook_sender.encrypt(plain, AES_KEY)).decode()
    verified = await WEBHOOK_HANDLER.verify(fresh(data), config(aes_key=AES_KEY))
    assert verified.messages == [json.loads(VECTOR2_PLAIN)]


async def test_event_without_trace_id_is_stored_without_dedup_key() -> None:
    data = webhook_sender.encode(b'{"event":"meeting.started","payload":[]}')
    verified = await WEBHOOK_HANDLER.verify(fresh(data), config())
    assert verified.dedup_key is None
    assert verified.messages == [{"event": "meeting.started", "payload": []}]


def test_check_str_is_read_raw_from_the_query() -> None:
    raw = "a=1&check_str=" + quote("ab+c/d==", safe="") + "&z=2"
    assert query_value(raw, "check_str") == "ab+c/d=="
    assert query_value("check_str=ab+c", "check_str") == "ab+c"  # "+" is not a space here
    assert query_value("other=1", "check_str") is None


def test_aes_key_tolerates_padding_and_whitespace_but_not_other_lengths() -> None:
    assert webhook_crypto.aes_key(f" {AES_KEY}= ").hex() == AES_KEY_HEX
    with pytest.raises(webhook_crypto.InvalidAesKey):
        webhook_crypto.aes_key(AES_KEY[:-4])
    with pytest.raises(webhook_crypto.InvalidAesKey):
        webhook_crypto.aes_key("not base64 at all!" * 3)


# ---- refusals -----------------------------------------------------------------------------------


async def test_refusals() -> None:
    data = webhook_sender.encode(VECTOR1_PLAIN.encode(), AES_KEY)
    aes = config(aes_key=AES_KEY)
    cases: list[tuple[InboundRequest, TencentMeetingConfig, int, str]] = [
        (fresh(data), config(token=None), 401, "no_webhook_token"),
        (fresh(data, token="not-the-token"), aes, 401, "invalid_signature"),
        (request("POST", webhook_sender.headers(HUB_TOKEN, "x"), body=b"not json"), aes, 401,
         "invalid_body"),
        (request("POST", webhook_sender.headers(HUB_TOKEN, "x"), body=b'{"data": 5}'), aes, 400,
         "invalid_body"),
        (request("POST", webhook_sender.headers(HUB_TOKEN, "x"), body=b"[]"), aes, 400,
         "invalid_body"),
        (fresh("!!! not base64 !!!"), aes, 400, "undecryptable"),
        (fresh(base64.b64encode(b"0123456789abcdef").decode()), aes, 400, "undecryptable"),
        (fresh(base64.b64encode(b"short").decode()), aes, 400, "undecryptable"),
        (fresh(data), config(), 400, "undecryptable"),  # encrypted, but no key configured
        (fresh(webhook_sender.encode(b"[1, 2]")), config(), 400, "undecryptable"),
        (fresh(webhook_sender.encode(b'{"payload": []}')), config(), 400, "invalid_event"),
        (fresh(data), config(aes_key="too-short"), 400, "invalid_aes_key"),
    ]  # fmt: skip
    for inbound, values, status, code in cases:
        exc = await rejected(WEBHOOK_HANDLER.verify(inbound, values))
        assert (exc.status, exc.code) == (status, code), (code, exc.reason)
        assert HUB_TOKEN not in exc.reason and AES_KEY not in exc.reason


async def test_url_check_refusals() -> None:
    check_str = webhook_sender.encode(b"hello", AES_KEY)
    aes = config(aes_key=AES_KEY)

    def get(raw_query: str, token: str = HUB_TOKEN, signed: str | None = None) -> InboundRequest:
        headers = webhook_sender.headers(token, check_str if signed is None else signed)
        return request("GET", headers, raw_query=raw_query)

    good = "check_str=" + quote(check_str, safe="")
    assert (await WEBHOOK_HANDLER.verify(get(good), aes)).reply.body == b"hello"
    cases = [
        (get(""), aes, 400, "invalid_check_str"),
        (get(good, token="forged"), aes, 401, "invalid_signature"),
        (get("check_str=" + quote("%%%", safe=""), signed="%%%"), aes, 400, "undecryptable"),
        (get(good), config(aes_key="too-short"), 400, "invalid_aes_key"),
    ]
    invalid_text = webhook_sender.encode(b"\xff\xfe\xfd", AES_KEY)
    cases.append(
        (get("check_str=" + quote(invalid_text, safe=""), signed=invalid_text), aes, 400,
         "undecryptable")
    )  # fmt: skip
    for inbound, values, status, code in cases:
        exc = await rejected(WEBHOOK_HANDLER.verify(inbound, values))
        assert (exc.status, exc.code) == (status, code), code
