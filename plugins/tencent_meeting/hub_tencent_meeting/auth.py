"""How Tencent Meeting authenticates a request: the SecretKey signature and OAuth2.

Signature mode (an enterprise self-built app; the official SDK calls it "JWT"
although no JSON Web Token is involved) signs every request with HMAC-SHA256
over the method, three `X-TC-*` pairs, the path with its query exactly as sent
and the body bytes exactly as sent. There is no canonical form: the server
hashes what it received, so a client must sign the very bytes it puts on the
wire.

OAuth2 mode (a third-party app) sends the access token and the user's open_id
instead, and no key, signature, AppId or SdkId. The OAuth2 endpoints themselves
are not part of the official SDK; their paths and fields follow Tencent's
public OAuth2 documentation [unverified against the SDK], so the parsing here
accepts the token fields with or without the `data` envelope and the lifetime
as an absolute `expires` or a relative `expires_in`.
"""

import base64
import hashlib
import hmac
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from hub_tencent_meeting.config import TencentMeetingConfig

CONTENT_TYPE = "application/json; charset=utf-8"
AUTHORIZE_PAGE = "https://meeting.tencent.com/marketplace/authorize.html"
MAX_STATE_LENGTH = 64

KEY = "X-TC-Key"
TIMESTAMP = "X-TC-Timestamp"
NONCE = "X-TC-Nonce"
SIGNATURE = "X-TC-Signature"
REGISTERED = "X-TC-Registered"
APP_ID = "AppId"
SDK_ID = "SdkId"
ACCESS_TOKEN = "AccessToken"
OPEN_ID = "OpenId"


def string_to_sign(
    method: str, secret_id: str, nonce: str, timestamp: str, uri: str, body: bytes
) -> bytes:
    """`METHOD\\nX-TC-Key=..&X-TC-Nonce=..&X-TC-Timestamp=..\\nURI\\nBODY`, as bytes.

    `uri` is the path plus `?query` exactly as sent (no sorting, no re-encoding);
    `body` the exact body bytes, empty for a request without one.
    """
    header_string = f"{KEY}={secret_id}&{NONCE}={nonce}&{TIMESTAMP}={timestamp}"
    return f"{method.upper()}\n{header_string}\n{uri}\n".encode() + body


def hex_signature(
    secret_key: str, method: str, secret_id: str, nonce: str, timestamp: str, uri: str,
    body: bytes = b"",
) -> str:
    """Lower-case hex HMAC-SHA256 of the string to sign, keyed with the SecretKey."""
    message = string_to_sign(method, secret_id, nonce, timestamp, uri, body)
    return hmac.new(secret_key.encode(), message, hashlib.sha256).hexdigest()


def signature(
    secret_key: str, method: str, secret_id: str, nonce: str, timestamp: str, uri: str,
    body: bytes = b"",
) -> str:
    """The `X-TC-Signature` value: base64 of the 64-character hex text (not of the raw digest)."""
    digest = hex_signature(secret_key, method, secret_id, nonce, timestamp, uri, body)
    return base64.b64encode(digest.encode("ascii")).decode("ascii")


def new_nonce() -> str:
    """A positive integer as the SDK makes it: milliseconds * 10**6 plus a random 0..999999.

    Unique per request in practice, so a repeated request is never mistaken for a
    replay (190301) and a real replay is.
    """
    return str(time.time_ns() // 1_000_000 * 1_000_000 + secrets.randbelow(1_000_000))


def new_timestamp() -> str:
    """UNIX time in seconds; Tencent refuses more than 5 minutes of skew (190300)."""
    return str(int(time.time()))


def signed_headers(
    config: TencentMeetingConfig,
    method: str,
    uri: str,
    body: bytes = b"",
    *,
    timestamp: str | None = None,
    nonce: str | None = None,
) -> dict[str, str]:
    """Every header of a signature-mode request, as the official SDK sends them.

    Only `X-TC-Key`, `X-TC-Nonce` and `X-TC-Timestamp` are signed; `AppId` and
    `SdkId` are not.
    """
    timestamp = timestamp or new_timestamp()
    nonce = nonce or new_nonce()
    headers = {
        "Content-Type": CONTENT_TYPE,
        KEY: config.secret_id,
        TIMESTAMP: timestamp,
        NONCE: nonce,
        SIGNATURE: signature(
            config.secret(), method, config.secret_id, nonce, timestamp, uri, body
        ),
        APP_ID: config.app_id,
        REGISTERED: "1",  # Tencent asks for it on every call (enterprise user management)
    }
    if config.sdk_id:
        # Tencent's error page (190303): "if no SdkId was assigned, do not send it".
        headers[SDK_ID] = config.sdk_id
    return headers


def oauth_headers(
    access_token: str, open_id: str, *, timestamp: str | None = None, nonce: str | None = None
) -> dict[str, str]:
    """The headers of an OAuth2-mode request: token, open_id, timestamp and nonce, nothing else."""
    return {
        "Content-Type": CONTENT_TYPE,
        ACCESS_TOKEN: access_token,
        OPEN_ID: open_id,
        TIMESTAMP: timestamp or new_timestamp(),
        NONCE: nonce or new_nonce(),
    }


def authorize_url(
    config: TencentMeetingConfig, redirect_uri: str, state: str, *, page: str = AUTHORIZE_PAGE
) -> str:
    """Where to send a user to authorize the app; Tencent redirects back with `auth_code`.

    `state` comes back unchanged on the redirect (check it against CSRF); Tencent
    allows letters and digits, at most 64 of them.
    """
    if not config.oauth:
        raise ValueError("authorization URLs are for oauth configs")
    if not redirect_uri.startswith(("https://", "http://")):
        raise ValueError("redirect_uri must be an http(s) URL")
    if not state.isascii() or not state.isalnum() or len(state) > MAX_STATE_LENGTH:
        raise ValueError(f"state must be 1 to {MAX_STATE_LENGTH} letters or digits")
    query = urlencode(
        {"corp_id": config.app_id, "sdk_id": config.sdk_id, "redirect_uri": redirect_uri,
         "state": state}
    )
    return f"{page}?{query}"


def new_state() -> str:
    """A random `state` for `authorize_url` (32 hex digits)."""
    return secrets.token_hex(16)


@dataclass(frozen=True)
class OAuthGrant:
    """What the token endpoints return; `repr` never shows the tokens."""

    open_id: str
    access_token: str = field(repr=False)
    refresh_token: str = field(repr=False)
    expires_at: float
    """UNIX seconds at which the access token stops working."""
    scopes: tuple[str, ...] = ()
    open_corp_id: str | None = None
    issued_at: float | None = None
    """UNIX seconds at which the token was obtained, when known."""

    def expires_in(self, now: float | None = None) -> float:
        return max(0.0, self.expires_at - (time.time() if now is None else now))

    @property
    def lifetime(self) -> float | None:
        return None if self.issued_at is None else max(0.0, self.expires_at - self.issued_at)


ACCESS_TOKEN_LIFETIME = 6 * 3600.0
"""Tencent documents six hours; used only when an answer gives no lifetime at all."""


def _data(body: Any) -> Mapping[str, Any]:
    if not isinstance(body, Mapping):
        raise ValueError("the OAuth answer is not a JSON object")
    inner = body.get("data")
    return inner if isinstance(inner, Mapping) else body


def expiry(data: Mapping[str, Any], now: float) -> float:
    """Absolute expiry from `expires` (UNIX seconds, documented) or `expires_in` (seconds)."""
    for name, relative in (("expires", False), ("expires_at", False), ("expires_in", True)):
        value = data.get(name)
        if value in (None, ""):
            continue
        try:
            number = float(value)
        except (TypeError, ValueError):
            continue
        return now + number if relative else number
    return now + ACCESS_TOKEN_LIFETIME


def parse_grant(
    body: Any, *, open_id: str | None = None, refresh_token: str | None = None,
    now: float | None = None,
) -> OAuthGrant:
    """An `OAuthGrant` from an `access_token` or `refresh_token` answer.

    A refresh answer that leaves out the open_id or a new refresh token keeps
    the ones given here.
    """
    data = _data(body)
    now = time.time() if now is None else now
    access = data.get("access_token")
    if not isinstance(access, str) or not access:
        raise ValueError("the OAuth answer has no access_token")
    new_open_id = data.get("open_id") or data.get("openid") or open_id
    new_refresh = data.get("refresh_token") or refresh_token
    if not new_open_id:
        raise ValueError("the OAuth answer has no open_id")
    if not new_refresh:
        raise ValueError("the OAuth answer has no refresh_token")
    scopes = data.get("scopes") or data.get("scope") or ()
    if isinstance(scopes, str):
        scopes = tuple(s for s in scopes.replace(",", " ").split() if s)
    corp = data.get("open_corp_id")
    return OAuthGrant(
        open_id=str(new_open_id),
        access_token=access,
        refresh_token=str(new_refresh),
        expires_at=expiry(data, now),
        scopes=tuple(str(s) for s in scopes),
        open_corp_id=str(corp) if corp else None,
        issued_at=now,
    )


def oauth_data(body: Any) -> dict[str, Any]:
    """The payload of an OAuth answer (`user_info`), without the `data` envelope."""
    return dict(_data(body))
