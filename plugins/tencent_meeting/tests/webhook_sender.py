"""Sends callbacks to the hub the way Tencent Meeting does (reference §8).

Written from the reference, independently of the plugin's own code, so the
tests check the plugin against the protocol rather than against itself:
signature = hex SHA-1 of token, timestamp, nonce and data sorted and joined;
data = base64 of the JSON event, AES-256-CBC encrypted first when an
EncodingAESKey is set (key = base64(EncodingAESKey + "="), IV = key[:16],
PKCS#7); body = {"data": ...}; URL check = GET ?check_str=... echoing the
plaintext.
"""

import base64
import hashlib
import json
import secrets
import time
import uuid
from typing import Any
from urllib.parse import quote

from aiohttp import ClientResponse
from aiohttp.test_utils import TestClient
from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

TOKEN = "HubWebhookToken2024"
AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
MEETING_ID = "7568892010213337856"


def sign(token: str, timestamp: str, nonce: str, data: str) -> str:
    return hashlib.sha1("".join(sorted((token, timestamp, nonce, data))).encode()).hexdigest()


def encrypt(plaintext: bytes, encoding_aes_key: str) -> bytes:
    key = base64.b64decode(encoding_aes_key + "=")
    padder = padding.PKCS7(128).padder()
    padded = padder.update(plaintext) + padder.finalize()
    encryptor = Cipher(algorithms.AES(key), modes.CBC(key[:16])).encryptor()
    return encryptor.update(padded) + encryptor.finalize()


def encode(plaintext: bytes, encoding_aes_key: str | None = None) -> str:
    if encoding_aes_key:
        plaintext = encrypt(plaintext, encoding_aes_key)
    return base64.b64encode(plaintext).decode("ascii")


def now_ms() -> str:
    return str(int(time.time() * 1000))


def headers(
    token: str, data: str, *, timestamp: str | None = None, nonce: str | None = None
) -> dict[str, str]:
    timestamp = now_ms() if timestamp is None else timestamp
    nonce = nonce or str(secrets.randbelow(10**8) + 1)
    signature = sign(token, timestamp, nonce, data)
    return {"timestamp": timestamp, "nonce": nonce, "signature": signature}


def item(meeting_id: str = MEETING_ID, **extra: Any) -> dict[str, Any]:
    """One payload item: operator, meeting and the time it happened."""
    return {
        "operate_time": int(time.time() * 1000),
        "operator": {"userid": "admin01", "uuid": "WM00000001", "user_name": "Admin"},
        "meeting_info": {
            "meeting_id": meeting_id,
            "meeting_code": "806123456",
            "subject": "Weekly sync",
            "creator": {"userid": "admin01", "uuid": "WM00000001", "user_name": "Admin"},
            "meeting_type": 0,
            "start_time": int(time.time()),
            "end_time": int(time.time()) + 3600,
        },
        **extra,
    }


def event(name: str, *items: dict[str, Any], trace_id: str | None = None) -> dict[str, Any]:
    return {
        "event": name,
        "trace_id": trace_id or str(uuid.uuid4()),
        "payload": list(items) or [item()],
    }


class TencentSender:
    """Posts to `/webhooks/tencent_meeting/<config id>` of a running hub."""

    def __init__(
        self,
        client: TestClient,
        config_id: str,
        token: str = TOKEN,
        encoding_aes_key: str | None = AES_KEY,
    ) -> None:
        self.client = client
        self.config_id = config_id
        self.token = token
        self.encoding_aes_key = encoding_aes_key

    @property
    def url(self) -> str:
        return f"/webhooks/tencent_meeting/{self.config_id}"

    async def post_data(
        self,
        data: str,
        *,
        token: str | None = None,
        timestamp: str | None = None,
        signature: str | None = None,
    ) -> ClientResponse:
        signed = headers(token or self.token, data, timestamp=timestamp)
        if signature is not None:
            signed["signature"] = signature
        return await self.client.post(
            self.url,
            data=json.dumps({"data": data}),
            headers={**signed, "Content-Type": "application/json"},
        )

    async def post(self, message: dict[str, Any], **options: Any) -> ClientResponse:
        """The event as Tencent posts it (encrypted when this sender has a key)."""
        plain = json.dumps(message, ensure_ascii=False).encode("utf-8")
        return await self.post_data(encode(plain, self.encoding_aes_key), **options)

    async def check_url(
        self, plaintext: str, *, token: str | None = None, timestamp: str | None = None
    ) -> ClientResponse:
        """Tencent's URL verification: GET with the encoded check string in the query."""
        check_str = encode(plaintext.encode("utf-8"), self.encoding_aes_key)
        signed = headers(token or self.token, check_str, timestamp=timestamp)
        return await self.client.get(
            f"{self.url}?check_str={quote(check_str, safe='')}", headers=signed
        )
