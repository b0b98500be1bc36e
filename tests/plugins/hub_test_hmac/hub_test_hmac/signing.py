"""The provider's signing scheme, shared by the plugin (verifying) and its callers (signing).

A delivery carries `X-Test-Timestamp` (unix seconds) and `X-Test-Signature`:
lower-case hex HMAC-SHA256, keyed with the config's secret, over
`"<timestamp>." + body`. A URL-verification GET signs `"<timestamp>." + challenge`.
"""

import hashlib
import hmac
import json
import time
from typing import Any

TIMESTAMP = "X-Test-Timestamp"
SIGNATURE = "X-Test-Signature"
MAX_SKEW_SECONDS = 300


def signature(secret: str, timestamp: str, signed: bytes) -> str:
    message = timestamp.encode("ascii") + b"." + signed
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def sign(secret: str, body: bytes, timestamp: int | None = None) -> dict[str, str]:
    """Headers for a POST of `body`."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    return {TIMESTAMP: ts, SIGNATURE: signature(secret, ts, body)}


def message(message_id: str, text: str = "hello", **extra: Any) -> bytes:
    return json.dumps({"message_id": message_id, "text": text, **extra}).encode("utf-8")
