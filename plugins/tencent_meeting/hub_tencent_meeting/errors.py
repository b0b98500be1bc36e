"""Typed failures of Tencent Meeting calls, and where Tencent's codes lead.

Tencent answers a failed call with HTTP status >= 300 and
`{"error_info": {"error_code": <legacy>, "new_error_code": <new>, "message": ...}}`;
Tencent's error-code page says request errors come with HTTP 400 and service
errors with HTTP 500, and its own example answers "meeting does not exist"
(9003) with HTTP 500, so the code decides, not the status. The new code is
often the legacy one prefixed with `200` (190303 and 200190303), so every rule
here matches either. Each error carries both codes
and the provider's message, and is also the hub's error of the same kind
(`AuthError` is a `hub.http.AuthFailed`, `RateLimitedError` a
`hub.http.RateLimited`, ...), so generic handlers keep working. Failures that
never reached Tencent (`TransportError`, `OutboundTimeout`) and unreadable
answers (`InvalidResponse`) stay the hub's own classes.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, ClassVar

from hub.http import (
    AuthFailed,
    InvalidResponse,
    OutboundError,
    ProviderError,
    RateLimited,
    TransportError,
)
from hub.http import ServerError as HubServerError

from hub_tencent_meeting import PROVIDER

SHANGHAI = timezone(timedelta(hours=8), "Asia/Shanghai")

SIGNATURE_INVALID = "200003"
CLOCK_SKEW = "190300"
NONCE_REPLAYED = "190301"
AUTH_INVALID = "190303"
RATE_LIMITED = "190310"
DAILY_QUOTA = "190311"
ACCOUNT_API_LIMITED = "190313"
CREATION_LIMITED = "500029"
CREATION_COUNT_LIMITED = "9008"  # documented: at most 100 meetings a day, 9 a minute (small plans)
QUERY_TOO_FREQUENT = "9061"
PARAMETER_ERRORS = ("190004", "10001", "9093", "40000", "41001")
NOT_FOUND = ("9003", "20001", "4051")  # meeting, user, recording (deleted)
NO_PERMISSION = ("9042", "9099", "9100", "9101", "9102")


def variants(*codes: str) -> frozenset[str]:
    """Each legacy code and its `200`-prefixed new code."""
    return frozenset(c for code in codes for c in (code, f"200{code}"))


AUTH_CODES = variants(SIGNATURE_INVALID, AUTH_INVALID)
RATE_CODES = variants(RATE_LIMITED, ACCOUNT_API_LIMITED, QUERY_TOO_FREQUENT)
QUOTA_CODES = variants(DAILY_QUOTA)
CREATION_CODES = variants(CREATION_LIMITED, CREATION_COUNT_LIMITED)
CLOCK_CODES = variants(CLOCK_SKEW)
NONCE_CODES = variants(NONCE_REPLAYED)
VALIDATION_CODES = variants(*PARAMETER_ERRORS) | {"1000190004"}
NOT_FOUND_CODES = variants(*NOT_FOUND)
FORBIDDEN_CODES = variants(*NO_PERMISSION)
PERMANENT_CODES = VALIDATION_CODES | NOT_FOUND_CODES | FORBIDDEN_CODES
"""Refusals that asking again cannot change, even when they come with HTTP 500."""


@dataclass(frozen=True)
class ErrorInfo:
    """Tencent's `error_info` of one answer."""

    error_code: int | None
    new_error_code: int | None
    message: str
    http_status: int

    @classmethod
    def parse(cls, data: Any, http_status: int) -> "ErrorInfo | None":
        """From `{"error_info": {...}}`; None when the object reports no error."""
        if not isinstance(data, dict):
            return None
        legacy, new = _int(data.get("error_code")), _int(data.get("new_error_code"))
        message = str(data.get("message") or data.get("msg") or "")
        if not legacy and not new and http_status < 300:
            return None
        return cls(legacy or None, new or None, message, http_status)

    @property
    def code(self) -> str | None:
        """The legacy code, else the new one: what the client's code sets match on."""
        value = self.error_code or self.new_error_code
        return None if value is None else str(value)

    @property
    def codes(self) -> frozenset[str]:
        return frozenset(str(c) for c in (self.error_code, self.new_error_code) if c)

    def matches(self, codes: Iterable[str]) -> bool:
        return bool(self.codes & frozenset(codes))


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def seconds_until_midnight(now: datetime | None = None) -> float:
    """Seconds until the next 00:00 Asia/Shanghai, when Tencent's daily quota starts again."""
    now = (now or datetime.now(SHANGHAI)).astimezone(SHANGHAI)
    midnight = (now + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return (midnight - now).total_seconds()


def seconds_until_next_hour(now: datetime | None = None) -> float:
    """Seconds until the next full hour, when the hourly meeting-creation limit resets."""
    now = (now or datetime.now(SHANGHAI)).astimezone(SHANGHAI)
    top = (now + timedelta(hours=1)).replace(minute=0, second=0, microsecond=0)
    return (top - now).total_seconds()


class TencentMeetingError(ProviderError):
    """Tencent Meeting refused a call; `error_code`/`new_error_code` say why."""

    code = "provider_error"
    transient_default: ClassVar[bool] = False

    def __init__(
        self,
        message: str,
        *,
        error_code: int | None = None,
        new_error_code: int | None = None,
        provider_message: str | None = None,
        retry_after: float | None = None,
        provider: str = PROVIDER,
        config_id: str | None = None,
        method: str = "",
        url: str = "",
        attempts: int = 0,
        http_status: int | None = None,
        provider_code: str | None = None,
        transient: bool | None = None,
        code: str | None = None,
    ) -> None:
        super().__init__(
            message,
            transient=self.transient_default if transient is None else transient,
            provider=provider,
            config_id=config_id,
            method=method,
            url=url,
            attempts=attempts,
            http_status=http_status,
            provider_code=provider_code or _first(error_code, new_error_code),
            provider_message=provider_message,
            code=code,
        )
        self.error_code = error_code
        self.new_error_code = new_error_code
        self.retry_after = retry_after
        if retry_after is not None and isinstance(self.details, dict):
            self.details["retry_after_seconds"] = round(retry_after)


def _first(*codes: int | None) -> str | None:
    return next((str(c) for c in codes if c), None)


class AuthError(TencentMeetingError, AuthFailed):
    """Credentials, signature or OAuth token refused (200003, 190303/200190303, HTTP 401)."""

    code = "outbound_auth_failed"
    outcome = "auth_error"
    transient_default = True


class NotAuthorized(AuthError):
    """An oauth config without a usable authorization: a user has to authorize the app."""

    code = "tencent_meeting_not_authorized"


class ForbiddenError(TencentMeetingError):
    """The app or operator lacks the permission for this call (9042, 9099-9102, HTTP 403)."""

    code = "tencent_meeting_forbidden"


class NotFoundError(TencentMeetingError):
    """The meeting (9003), user (20001) or recording (4051) does not exist at Tencent."""

    status = 404
    code = "tencent_meeting_not_found"


class ValidationError(TencentMeetingError):
    """Tencent refused the parameters (190004 and the other documented parameter errors)."""

    status = 422
    code = "tencent_meeting_invalid_request"


class RateLimitedError(TencentMeetingError, RateLimited):
    """Still rate limited after the retries (190310, 190313, HTTP 429)."""

    status = 503
    code = "outbound_rate_limited"
    outcome = "rate_limited"
    transient_default = True


class QuotaExhausted(RateLimitedError):
    """The enterprise's daily call quota is used up (190311): nothing works until midnight."""

    code = "tencent_meeting_quota_exhausted"


class CreationLimitReached(RateLimitedError):
    """A meeting-creation limit is reached: 500029 (2,000 an hour per enterprise) or 9008."""

    code = "tencent_meeting_creation_limited"


class ServerError(TencentMeetingError, HubServerError):
    """Tencent kept answering 5xx."""

    code = "outbound_server_error"
    outcome = "server_error"
    transient_default = True


class ClockSkewError(TencentMeetingError):
    """The request timestamp was refused twice (190300): this machine's clock is off."""

    code = "tencent_meeting_clock_skew"
    transient_default = True


PASS_THROUGH = (TransportError, InvalidResponse)


def _hint(cls: type[TencentMeetingError], message: str) -> tuple[str, float | None]:
    if cls is QuotaExhausted:
        wait = seconds_until_midnight()
        return (
            f"{message}. The daily call quota of this Tencent Meeting enterprise is used up; "
            "calls resume after 00:00 Asia/Shanghai",
            wait,
        )
    if cls is CreationLimitReached:
        wait = seconds_until_next_hour()
        return (
            f"{message}. Tencent Meeting allows 2,000 new meetings per hour per enterprise; "
            "create it again after the full hour",
            wait,
        )
    if cls is ClockSkewError:
        return (
            f"{message}. Tencent refused the request timestamp twice: this machine's clock "
            "is more than 5 minutes off; synchronise it (NTP)",
            None,
        )
    return message, None


def classify(info: ErrorInfo | None, http_status: int | None, outcome: str) -> type[
    TencentMeetingError
]:
    """Which error class an answer leads to."""
    if info is not None:
        for codes, cls in (
            (QUOTA_CODES, QuotaExhausted),
            (CREATION_CODES, CreationLimitReached),
            (CLOCK_CODES, ClockSkewError),
            (AUTH_CODES, AuthError),
            (RATE_CODES, RateLimitedError),
            (NOT_FOUND_CODES, NotFoundError),
            (FORBIDDEN_CODES, ForbiddenError),
            (VALIDATION_CODES, ValidationError),
        ):
            if info.matches(codes):
                return cls  # type: ignore[return-value]
    by_outcome: dict[str, type[TencentMeetingError]] = {
        "auth_error": AuthError,
        "token_expired": AuthError,
        "rate_limited": RateLimitedError,
        "server_error": ServerError,
    }
    if outcome in by_outcome:
        return by_outcome[outcome]
    status = http_status or 0
    if status >= 500:
        return ServerError
    # Tencent answers every refused request with 400, so 400 alone says nothing more.
    return {
        401: AuthError,
        403: ForbiddenError,
        404: NotFoundError,
        422: ValidationError,
        429: RateLimitedError,
    }.get(status, TencentMeetingError)


def translate(exc: OutboundError, info: ErrorInfo | None) -> OutboundError:
    """The typed error for a failed call, from the hub's error and Tencent's `error_info`."""
    if isinstance(exc, (TencentMeetingError, *PASS_THROUGH)):
        return exc
    cls = classify(info, exc.http_status, exc.outcome)
    message, retry_after = _hint(cls, exc.message)
    if info is not None and info.matches(NONCE_CODES):
        message += (
            ". The request nonce was refused twice as a replay: another client may be "
            "sending this app's requests again"
        )
    return cls(
        message,
        error_code=info.error_code if info else None,
        new_error_code=info.new_error_code if info else None,
        provider_message=exc.provider_message,
        retry_after=retry_after,
        provider=exc.provider,
        config_id=exc.config_id,
        method=exc.method,
        url=exc.url,
        attempts=exc.attempts,
        http_status=exc.http_status,
        provider_code=exc.provider_code,
    )
