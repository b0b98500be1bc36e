"""Where Tencent's error codes lead, and what the typed errors carry."""

from datetime import datetime

import pytest
from hub.http import AuthFailed, OutboundTimeout, ProviderError, RateLimited, ServerError

from hub_tencent_meeting import errors
from hub_tencent_meeting.errors import (
    SHANGHAI,
    AuthError,
    ClockSkewError,
    CreationLimitReached,
    ErrorInfo,
    ForbiddenError,
    NotAuthorized,
    NotFoundError,
    QuotaExhausted,
    RateLimitedError,
    TencentMeetingError,
    ValidationError,
    classify,
    seconds_until_midnight,
    seconds_until_next_hour,
    translate,
)


def test_error_info_parse() -> None:
    info = ErrorInfo.parse(
        {"error_code": 190303, "new_error_code": 200190303, "message": "bad"}, 400
    )
    assert info == ErrorInfo(190303, 200190303, "bad", 400)
    assert info.code == "190303"
    assert info.codes == {"190303", "200190303"}
    only_new = ErrorInfo.parse({"new_error_code": "1000190004", "msg": "m"}, 400)
    assert only_new is not None and (only_new.code, only_new.message) == ("1000190004", "m")
    assert ErrorInfo.parse({"error_code": 0, "message": "ok"}, 200) is None
    assert ErrorInfo.parse("nope", 500) is None
    weird = ErrorInfo.parse({"error_code": "x"}, 500)
    assert weird is not None and weird.code is None


@pytest.mark.parametrize(
    ("code", "status", "expected"),
    [
        (190311, 429, QuotaExhausted),
        (200190311, 403, QuotaExhausted),
        (500029, 429, CreationLimitReached),
        (9008, 400, CreationLimitReached),
        (190300, 400, ClockSkewError),
        (200003, 400, AuthError),
        (200190303, 400, AuthError),
        (190310, 429, RateLimitedError),
        (190313, 400, RateLimitedError),
        (9061, 400, RateLimitedError),
        (9003, 500, NotFoundError),
        (20001, 500, NotFoundError),
        (4051, 400, NotFoundError),
        (9042, 400, ForbiddenError),
        (9102, 400, ForbiddenError),
        (190004, 400, ValidationError),
        (1000190004, 400, ValidationError),
        (10001, 400, ValidationError),
        (5108, 500, errors.ServerError),
        (77, 400, TencentMeetingError),
    ],
)
def test_classify_by_code(code: int, status: int, expected: type) -> None:
    info = ErrorInfo(code, None, "m", status)
    assert classify(info, status, "provider_error") is expected


@pytest.mark.parametrize(
    ("status", "outcome", "expected"),
    [
        (401, "http_error", AuthError),
        (403, "http_error", ForbiddenError),
        (404, "http_error", NotFoundError),
        (422, "http_error", ValidationError),
        (429, "rate_limited", RateLimitedError),
        (503, "server_error", errors.ServerError),
        (200, "token_expired", AuthError),
        (400, "http_error", TencentMeetingError),
    ],
)
def test_classify_without_a_code(status: int, outcome: str, expected: type) -> None:
    assert classify(None, status, outcome) is expected


def test_typed_errors_are_the_hubs_errors_too() -> None:
    assert issubclass(AuthError, AuthFailed) and issubclass(AuthError, ProviderError)
    assert issubclass(NotAuthorized, AuthError)
    assert issubclass(RateLimitedError, RateLimited)
    assert issubclass(QuotaExhausted, RateLimitedError)
    assert issubclass(errors.ServerError, ServerError)
    assert (RateLimitedError.status, NotFoundError.status, ValidationError.status) == (
        503,
        404,
        422,
    )


def test_error_fields_and_json() -> None:
    exc = QuotaExhausted(
        "used up", error_code=190311, new_error_code=200190311, provider_message="quota",
        retry_after=120.4, config_id="c1", http_status=429,
    )
    assert (exc.error_code, exc.new_error_code, exc.provider_message) == (
        190311, 200190311, "quota",
    )  # fmt: skip
    assert exc.provider_code == "190311"
    assert exc.degrades  # quota trouble counts against the config's health
    body = exc.to_dict()
    assert body["code"] == "tencent_meeting_quota_exhausted"
    assert body["details"]["retry_after_seconds"] == 120
    assert not ValidationError("x").degrades


def test_translate_keeps_the_hubs_context() -> None:
    hub_error = ProviderError(
        "tencent_meeting GET https://api/v1/x failed: HTTP 500, provider error 9003: MEETING NOT"
        " EXIST",
        provider="tencent_meeting",
        config_id="c1",
        method="GET",
        url="https://api/v1/x",
        attempts=1,
        http_status=500,
        provider_code="9003",
        provider_message="MEETING NOT EXIST",
    )
    typed = translate(hub_error, ErrorInfo(9003, None, "MEETING NOT EXIST", 500))
    assert isinstance(typed, NotFoundError)
    assert (typed.config_id, typed.method, typed.url, typed.attempts, typed.http_status) == (
        "c1", "GET", "https://api/v1/x", 1, 500,
    )  # fmt: skip
    assert typed.message == hub_error.message
    assert typed.error_code == 9003


def test_translate_passes_through_what_never_reached_tencent() -> None:
    timeout = OutboundTimeout(
        "t", provider="tencent_meeting", config_id=None, method="GET", url="u", attempts=3
    )
    assert translate(timeout, None) is timeout
    typed = AuthError("a")
    assert translate(typed, None) is typed

def test_waits_are_in_shanghai_time() -> None:
    at = datetime(2024, 5, 1, 23, 30, tzinfo=SHANGHAI)  # half an hour to the daily reset
    assert seconds_until_midnight(at) == 1800
    assert seconds_until_next_hour(at) == 1800
    utc = datetime.fromisoformat("2024-05-01T15:59:00+00:00")  # 23:59 in Shanghai
    assert seconds_until_midnight(utc) == 60
    assert seconds_until_next_hour(datetime.fromisoformat("2024-05-01T16:00:00+00:00")) == 3600
