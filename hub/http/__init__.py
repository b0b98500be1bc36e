"""The outbound client layer: every call to a provider goes through here.

Provider plugins subclass `ProviderClient`; the process-wide parts (session,
rate limits, tokens, call log, health) live on `ctx.http` (`OutboundHTTP`).
See docs/outbound.md.
"""

from hub.http.client import ProviderClient
from hub.http.errors import (
    AuthFailed,
    InvalidResponse,
    OutboundError,
    OutboundTimeout,
    ProviderError,
    RateLimited,
    ServerError,
    TransportError,
)
from hub.http.messages import ErrorCode, Outgoing, Response
from hub.http.outbound import OutboundHTTP
from hub.http.ratelimit import RateLimit
from hub.http.retry import Backoff
from hub.http.tokens import IssuedToken

__all__ = [
    "AuthFailed",
    "Backoff",
    "ErrorCode",
    "InvalidResponse",
    "IssuedToken",
    "OutboundError",
    "OutboundHTTP",
    "OutboundTimeout",
    "Outgoing",
    "ProviderClient",
    "ProviderError",
    "RateLimit",
    "RateLimited",
    "Response",
    "ServerError",
    "TransportError",
]
