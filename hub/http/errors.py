"""Typed failures of outbound calls.

Each one is a `HubError`, so a failed provider call that reaches an admin
handler or a CLI command reads as a clear status and one line, never a
traceback. Messages name the provider, the method and the URL with its secrets
masked, and never carry a token, a key or a request body.
"""

from typing import Any

from hub.errors import HubError


class OutboundError(HubError):
    """A call to a provider failed; `outcome` is the call log's name for why."""

    status = 502
    code = "outbound_failed"
    outcome = "error"
    degrades = True  # counts towards marking the config degraded

    def __init__(
        self,
        message: str,
        *,
        provider: str,
        config_id: str | None,
        method: str,
        url: str,
        attempts: int,
        http_status: int | None = None,
        provider_code: str | None = None,
        provider_message: str | None = None,
        code: str | None = None,
    ) -> None:
        super().__init__(message, code=code)
        self.provider = provider
        self.config_id = config_id
        self.method = method
        self.url = url
        self.attempts = attempts
        self.http_status = http_status
        self.provider_code = provider_code
        self.provider_message = provider_message
        self.details = {
            "provider": provider,
            "config_id": config_id,
            "http_status": http_status,
            "provider_code": provider_code,
            "attempts": attempts,
        }


class TransportError(OutboundError):
    """The provider could not be reached, or the connection broke before an answer."""

    code = "outbound_unreachable"
    outcome = "transport_error"


class OutboundTimeout(TransportError):
    """No complete answer within the call's timeout."""

    status = 504
    code = "outbound_timeout"
    outcome = "timeout"


class ServerError(OutboundError):
    """The provider kept answering 5xx."""

    code = "outbound_server_error"
    outcome = "server_error"


class RateLimited(OutboundError):
    """The provider kept refusing for rate (HTTP 429 or a declared rate-limit code)."""

    status = 503
    code = "outbound_rate_limited"
    outcome = "rate_limited"


class AuthFailed(OutboundError):
    """Credentials or token refused (also after one refresh): the config needs attention."""

    code = "outbound_auth_failed"
    outcome = "auth_error"


class ProviderError(OutboundError):
    """The provider answered and refused the request (an error code or HTTP 4xx).

    Not retried unless the provider client declared the code retryable; the
    caller's request (parameters, permissions, payload) is usually what to fix.
    """

    code = "provider_error"
    outcome = "provider_error"
    degrades = False

    def __init__(self, message: str, *, transient: bool = False, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        # A declared-retryable code that never cleared (e.g. "system busy") says the
        # provider is unwell, not that the request was wrong.
        self.transient = transient
        self.degrades = transient


class InvalidResponse(OutboundError):
    """The provider answered with something the client cannot read (e.g. not JSON)."""

    code = "outbound_invalid_response"
    outcome = "invalid_response"
