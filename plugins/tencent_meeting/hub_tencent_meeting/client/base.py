"""`TencentMeetingClient`: Tencent Meeting's REST API on the hub's outbound layer.

The core (`hub.http.ProviderClient`) does the sending, retries with backoff,
rate limits, the single-flight token cache and the call log; this class says
what is particular to Tencent Meeting:

- where an error sits (`{"error_info": {...}}` with HTTP status >= 300) and
  what its codes mean (see `hub_tencent_meeting.errors`);
- how a request is authenticated: signed with the SecretKey (signature mode,
  a fresh timestamp and nonce per attempt) or sent with the OAuth access token
  and open_id (oauth mode; the token comes from the plugin's encrypted token
  table through the core's token cache);
- the documented rate limits: 300 calls a minute per app, account APIs 100 a
  minute, meeting creation 2,000 an hour (windows per config and process).

`call()` is what the API modules use: it serializes a body once, signs exactly
those bytes and turns failures into the typed errors of `errors.py`.

Tolerances for what could not be verified: which HTTP status comes with the
rate-limit codes [unverified] does not matter (429 counts as 190310, and the
daily quota and the creation limit are never repeated whatever their status);
the OAuth2 endpoints (not in the official SDK) may answer their errors as
`{"code": N, "message": ...}` or as `error_info`, and both are read.
"""

import contextvars
import json
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

import structlog
from hub.context import HubContext
from hub.errors import Conflict, ValidationFailed
from hub.http import (
    ErrorCode,
    IssuedToken,
    OutboundError,
    OutboundHTTP,
    Outgoing,
    ProviderClient,
    RateLimit,
    Response,
)
from hub.http.redact import scrub
from hub.providers import ConnectionTestFailed
from pydantic import BaseModel
from pydantic_core import to_jsonable_python

from hub_tencent_meeting import PROVIDER
from hub_tencent_meeting import auth as tm_auth
from hub_tencent_meeting.config import TencentMeetingConfig
from hub_tencent_meeting.errors import (
    CLOCK_CODES,
    CREATION_CODES,
    NONCE_CODES,
    PERMANENT_CODES,
    QUOTA_CODES,
    AuthError,
    ClockSkewError,
    ErrorInfo,
    NotAuthorized,
    QuotaExhausted,
    TencentMeetingError,
    ValidationError,
    seconds_until_midnight,
    translate,
)
from hub_tencent_meeting.state import process_state
from hub_tencent_meeting.tokens import OAuthTokens

log = structlog.get_logger("hub_tencent_meeting.client")

LIMITS: dict[str, tuple[RateLimit, ...]] = {
    "default": (),
    "users": (RateLimit(100, per=60, name="users"),),
    "create_meeting": (RateLimit(2000, per=3600, name="create_meeting"),),
}
"""Rate-limit buckets a call can name, on top of the app-wide 300 calls a minute."""

STOP_CODES = QUOTA_CODES | CREATION_CODES | PERMANENT_CODES
"""Answers that are never repeated, whatever HTTP status they come with (a meeting that
does not exist comes with HTTP 500, which the core would otherwise repeat)."""


@dataclass
class _Call:
    """What one `call()` learnt from Tencent's answers (kept per task in `_CALL`)."""

    last: ErrorInfo | None = None
    url: str = ""


_CALL: contextvars.ContextVar[_Call | None] = contextvars.ContextVar("tm_call", default=None)


def query_string_values(query: Mapping[str, Any] | None) -> dict[str, str]:
    """Query values as Tencent reads them: None left out, booleans as true/false."""
    out: dict[str, str] = {}
    for name, value in (query or {}).items():
        if value is None:
            continue
        if isinstance(value, bool):
            out[name] = "true" if value else "false"
        else:
            out[name] = str(value)
    return out


def json_body(body: Mapping[str, Any] | BaseModel | None) -> bytes | None:
    """The body serialized once, compactly and in UTF-8, as the official SDK sends it.

    A model is dumped without its None fields; top-level None values of a
    mapping are left out the same way.
    """
    if body is None:
        return None
    if isinstance(body, BaseModel):
        value: Any = body.model_dump(mode="json", exclude_none=True)
    else:
        value = {k: v for k, v in body.items() if v is not None}
    return json.dumps(
        to_jsonable_python(value), ensure_ascii=False, separators=(",", ":")
    ).encode("utf-8")


class TencentMeetingClient(ProviderClient):
    """One config's client; make one per use (what must be shared lives on `ctx.http`)."""

    provider = PROVIDER
    rate_limits = (RateLimit(300, per=60, name="default"),)
    rate_limit_codes: ClassVar[Mapping[str | int, float]] = {
        "190310": 1.0,
        "200190310": 1.0,
        "190313": 1.0,
        "200190313": 1.0,
        "9061": 1.0,
    }
    final_codes = STOP_CODES  # never repeated, whatever HTTP status they come with
    token_error_codes = frozenset({"190303", "200190303"})  # oauth: refresh once, repeat once
    auth_error_codes = frozenset({"200003", "200200003"})  # signature refused: fail at once
    uses_token = True  # only oauth calls ask for it (auth=True)
    token_name = "oauth_access_token"

    config: TencentMeetingConfig

    def __init__(
        self,
        http: OutboundHTTP,
        config_id: str | None,
        config: TencentMeetingConfig,
        *,
        tokens: OAuthTokens | None = None,
        open_id: str | None = None,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("base_url", config.base_url)
        super().__init__(http, config_id, config, **kwargs)
        self.config = config
        self.tokens = tokens
        self._state = process_state(http)
        if open_id and config_id:
            self._state.open_ids.setdefault(config_id, open_id)
        self._open_id = open_id

    # ---- who acts ----------------------------------------------------------------------------

    @property
    def oauth(self) -> bool:
        return self.config.oauth

    @property
    def open_id(self) -> str | None:
        """The authorized user's open_id (oauth mode), once known."""
        if self.config_id and self.config_id in self._state.open_ids:
            return self._state.open_ids[self.config_id]
        return self._open_id

    def operator(
        self, operator_id: str | None = None, *, id_type: str | None = None
    ) -> dict[str, str]:
        """The `operator_id`/`operator_id_type` pair most endpoints require.

        Signature mode: the given userid, else the config's `operator_id`, type 1.
        OAuth mode: the authorized user's open_id (or the given one), type 2.
        """
        if self.oauth:
            value = operator_id or self.open_id
            if not value:
                raise NotAuthorized(
                    f"oauth config {self.config_id or '(unsaved)'} has no authorized user yet: "
                    "open the authorize URL and exchange the code first",
                    config_id=self.config_id,
                )
            return {"operator_id": value, "operator_id_type": id_type or "2"}
        value = operator_id or self.config.operator_id
        if not value:
            raise ValidationFailed(
                "this call needs an operator: pass operator_id or set the config's operator_id",
                code="operator_required",
            )
        return {"operator_id": value, "operator_id_type": id_type or "1"}

    # ---- calling -----------------------------------------------------------------------------

    async def call(
        self,
        method: str,
        path: str,
        *,
        query: Mapping[str, Any] | None = None,
        body: Mapping[str, Any] | BaseModel | None = None,
        limit: str = "default",
    ) -> dict[str, Any]:
        """One API call; the answer's JSON object (`{}` for an empty success).

        `path` has its path parameters quoted already. A timestamp refused
        (190300) or a nonce taken as a replay (190301) is repeated once with
        fresh headers; the daily quota (190311) and the creation limit (500029)
        are never repeated.
        """
        if limit not in LIMITS:
            raise ValueError(f"unknown rate-limit bucket {limit!r}; one of {sorted(LIMITS)}")
        self._check_quota(method, path)
        return await self._roundtrip(
            method.upper(),
            path,
            params=query_string_values(query),
            data=json_body(body),
            limits=LIMITS[limit],
            auth=self.oauth,
        )

    async def _roundtrip(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        data: bytes | None = None,
        limits: tuple[RateLimit, ...] = (),
        auth: bool = False,
        repeat_codes: frozenset[str] = CLOCK_CODES | NONCE_CODES,
    ) -> dict[str, Any]:
        for round_ in (1, 2):
            state = _Call()
            reset = _CALL.set(state)
            try:
                response = await self.request(
                    method, path, params=params, data=data, limits=limits, auth=auth
                )
            except OutboundError as exc:
                info = state.last
                if round_ == 1 and info is not None and info.matches(repeat_codes):
                    log.warning(
                        "Tencent Meeting refused the request headers; repeating once",
                        config_id=self.config_id,
                        method=method,
                        url=exc.url,
                        provider_code=info.code,
                    )
                    continue
                raise translate(exc, info) from None
            finally:
                _CALL.reset(reset)
            return self._object(response)
        raise AssertionError("unreachable")  # pragma: no cover - the loop returns or raises

    def _object(self, response: Response) -> dict[str, Any]:
        if not response.body.strip():
            return {}
        try:
            data = response.json()
        except ValueError:
            raise self.invalid_response(response, "answer is not JSON") from None
        if not isinstance(data, dict):
            raise self.invalid_response(response, "answer is not a JSON object")
        return data

    def _check_quota(self, method: str, path: str) -> None:
        """Fail at once while the daily quota is known to be used up: never hammer Tencent."""
        if not self.config_id:
            return
        until = self._state.quota_until.get(self.config_id)
        if until is None:
            return
        if until <= time.time():
            del self._state.quota_until[self.config_id]
            return
        raise QuotaExhausted(
            f"{PROVIDER} {method.upper()} {path} not sent: the daily call quota of this "
            "Tencent Meeting enterprise is used up (190311); calls resume after 00:00 "
            "Asia/Shanghai",
            error_code=190311,
            retry_after=until - time.time(),
            config_id=self.config_id,
            method=method.upper(),
            url=path,
        )

    # ---- what the core asks of a provider client ---------------------------------------------

    def error_code(self, response: Response) -> ErrorCode | None:
        data = response.json_or_none()
        info = None
        if isinstance(data, dict):
            if isinstance(data.get("error_info"), dict):
                info = ErrorInfo.parse(data["error_info"], response.status)
            elif self._is_oauth_url(response.url) and data.get("code") not in (None, 0, "0"):
                info = ErrorInfo.parse(
                    {"error_code": data.get("code"), "message": data.get("message")},
                    max(response.status, 400),
                )
        if info is None or info.code is None:
            return None
        info = ErrorInfo(
            info.error_code, info.new_error_code, scrub(info.message, self._secrets),
            info.http_status,
        )
        state = _CALL.get()
        if state is not None:
            state.last, state.url = info, response.url
        if info.matches(QUOTA_CODES) and self.config_id:
            self._state.quota_until[self.config_id] = time.time() + seconds_until_midnight()
        return ErrorCode(info.code, info.message)

    async def prepare(self, request: Outgoing) -> None:
        if self._is_oauth_url(str(request.url)):
            request.headers["Content-Type"] = tm_auth.CONTENT_TYPE
            return
        if request.token is not None:
            request.headers[tm_auth.TIMESTAMP] = tm_auth.new_timestamp()
            request.headers[tm_auth.NONCE] = tm_auth.new_nonce()
            request.headers["Content-Type"] = tm_auth.CONTENT_TYPE
            return
        body = request.body if isinstance(request.body, bytes) else b""
        request.headers.update(
            tm_auth.signed_headers(self.config, request.method, request.url.raw_path_qs, body)
        )

    def apply_token(self, request: Outgoing, token: str) -> None:
        open_id = self.open_id
        if not open_id:
            raise NotAuthorized(
                f"oauth config {self.config_id} has no authorized user", config_id=self.config_id
            )
        request.headers[tm_auth.ACCESS_TOKEN] = token
        request.headers[tm_auth.OPEN_ID] = open_id

    async def fetch_token(self) -> IssuedToken:
        """The stored access token, refreshed when it is stale or was refused (oauth mode)."""
        if self.tokens is None or not self.config_id:
            raise NotAuthorized(
                "oauth calls need the config's stored authorization: make the client with "
                "client_for(ctx, config_id)",
                config_id=self.config_id,
            )
        reset = _CALL.set(None)  # the token endpoint's answers are not the caller's call's
        try:
            grant = await self.tokens.current(self.config_id, self._refresh_grant)
        finally:
            _CALL.reset(reset)
        if grant is None:
            raise NotAuthorized(
                f"oauth config {self.config_id} has no authorization yet: open the authorize "
                "URL and exchange the code",
                config_id=self.config_id,
            )
        self._open_id = grant.open_id
        return IssuedToken(grant.access_token, expires_in=grant.expires_in())

    # ---- OAuth2 ------------------------------------------------------------------------------

    def _is_oauth_url(self, url: str) -> bool:
        return self.oauth and str(url).startswith(self.config.oauth_base_url + "/")

    def authorize_url(self, redirect_uri: str, state: str) -> str:
        return tm_auth.authorize_url(self.config, redirect_uri, state)

    async def _oauth(self, endpoint: str, body: Mapping[str, Any]) -> dict[str, Any]:
        if not self.oauth:
            raise Conflict("OAuth2 calls need an oauth config", code="not_oauth_config")
        return await self._roundtrip(
            "POST",
            f"{self.config.oauth_base_url}/{endpoint}",
            data=json_body(body),
            repeat_codes=frozenset(),
        )

    async def exchange_code(self, auth_code: str) -> tm_auth.OAuthGrant:
        """Trade the `auth_code` of the authorize redirect for a grant, and store it.

        The code is valid for five minutes and once. The new grant replaces the
        config's earlier one, and the cached token of the earlier one is dropped.
        """
        if not auth_code:
            raise ValidationFailed("auth_code is empty", code="auth_code_required")
        if self.tokens is None or not self.config_id:
            raise ValidationFailed(
                "exchanging a code needs a saved config: use client_for(ctx, config_id)",
                code="config_required",
            )
        answer = await self._oauth(
            "access_token",
            {"sdk_id": self.config.sdk_id, "secret": self.config.secret(), "auth_code": auth_code},
        )
        grant = self._grant(answer)
        async with self.tokens.lock(self.config_id):
            await self.tokens.save(self.config_id, grant)
            self.http.tokens.forget(self.config_id)
        self._open_id = grant.open_id
        log.info("OAuth authorization stored", config_id=self.config_id, open_id=grant.open_id)
        return grant

    async def _refresh_grant(self, grant: tm_auth.OAuthGrant) -> tm_auth.OAuthGrant:
        """A new grant for the refresh token; Tencent invalidates the previous access token."""
        try:
            answer = await self._oauth(
                "refresh_token",
                {
                    "refresh_token": grant.refresh_token,
                    "sdk_id": self.config.sdk_id,
                    "open_id": grant.open_id,
                },
            )
        except TencentMeetingError as exc:
            if isinstance(exc, AuthError | ValidationError) or exc.http_status in (400, 401, 403):
                reason = (
                    "Tencent Meeting refused to refresh the OAuth token "
                    f"({exc.provider_code}: {exc.provider_message or 'no message'}); "
                    "a user has to authorize the app again"
                )
                assert self.tokens is not None and self.config_id is not None
                await self.tokens.mark_reauth(self.config_id, reason)
                raise NotAuthorized(
                    reason,
                    error_code=exc.error_code,
                    new_error_code=exc.new_error_code,
                    provider_message=exc.provider_message,
                    config_id=self.config_id,
                    method=exc.method,
                    url=exc.url,
                    attempts=exc.attempts,
                    http_status=exc.http_status,
                ) from None
            raise
        log.info("OAuth access token refreshed", config_id=self.config_id)
        return self._grant(answer, open_id=grant.open_id, refresh_token=grant.refresh_token)

    def _grant(self, answer: dict[str, Any], **defaults: str) -> tm_auth.OAuthGrant:
        try:
            return tm_auth.parse_grant(answer, **defaults)  # type: ignore[arg-type]
        except ValueError as exc:
            raise TencentMeetingError(
                f"{PROVIDER}: unusable OAuth answer: {exc}", config_id=self.config_id
            ) from None

    async def user_info(self) -> dict[str, Any]:
        """Who authorized the app, the token's expiry and scopes; checks the token is valid."""
        if not self.oauth:
            raise Conflict("OAuth2 calls need an oauth config", code="not_oauth_config")
        token = await self.http.tokens.get(
            self.token_key, self.fetch_token, margin_seconds=self.token_margin_seconds
        )
        return tm_auth.oauth_data(
            await self._oauth(
                "user_info", {"access_token": token.value, "open_id": self.open_id or ""}
            )
        )


async def client_for(ctx: HubContext, config_id: str) -> TencentMeetingClient:
    """The client of a stored config; a disabled config raises `ConfigDisabled` (409)."""
    record, config = await ctx.configs.load(config_id)
    if record.provider != PROVIDER or not isinstance(config, TencentMeetingConfig):
        raise Conflict(
            f"config {config_id} belongs to provider {record.provider!r}, not {PROVIDER!r}",
            code="wrong_provider",
        )
    if not config.oauth:
        return TencentMeetingClient(ctx.http, record.id, config)
    tokens = OAuthTokens.of(ctx)
    return TencentMeetingClient(
        ctx.http, record.id, config, tokens=tokens, open_id=await tokens.open_id(record.id)
    )


async def authorize(ctx: HubContext, config_id: str, auth_code: str) -> tm_auth.OAuthGrant:
    """Store the grant for the `auth_code` Tencent appended to the authorize redirect."""
    client = await client_for(ctx, config_id)
    return await client.exchange_code(auth_code)


def _failed(exc: OutboundError) -> ConnectionTestFailed:
    if isinstance(exc, AuthError):
        detail = exc.provider_message or exc.message
        return ConnectionTestFailed(
            f"Tencent Meeting refused the credentials: {detail}", state="needs_reauth"
        )
    if isinstance(exc, ClockSkewError):
        return ConnectionTestFailed(exc.message)
    detail = exc.provider_message or exc.message
    code = f" ({exc.provider_code})" if exc.provider_code else ""
    return ConnectionTestFailed(f"Tencent Meeting answered{code}: {detail}")


async def check_connection(
    config: TencentMeetingConfig, ctx: HubContext, config_id: str | None = None
) -> str:
    """"Test connection": one real authenticated call; Tencent's message when it fails.

    Signature mode asks for the operator's basic info (or, without an operator,
    the first page of the user list), apart from the config's rate windows and
    health (config id None), so a failing test does not count against it. OAuth
    mode checks the config's stored authorization with `user_info`.
    """
    if config.oauth:
        return await _check_oauth(config, ctx, config_id)
    client = TencentMeetingClient(ctx.http, None, config, max_attempts=2)
    try:
        if config.operator_id:
            info = await client.call("GET", "/v1/users/info/basic", query=client.operator())
            name = info.get("username") or info.get("user_name") or config.operator_id
            return f"connected to AppId {config.app_id} as {name}"
        page = await client.call("GET", "/v1/users/list", query={"page": 1, "page_size": 1})
    except ValidationError as exc:
        # Without an operator Tencent may refuse the parameters, but only after it
        # accepted the signature: the credentials work.
        return (
            f"credentials accepted by AppId {config.app_id}; set operator_id for a full check "
            f"(Tencent: {exc.provider_message or exc.message})"
        )
    except OutboundError as exc:
        raise _failed(exc) from None
    return f"connected to AppId {config.app_id} ({page.get('total_count', 0)} users)"


async def _check_oauth(
    config: TencentMeetingConfig, ctx: HubContext, config_id: str | None
) -> str:
    tokens = OAuthTokens.of(ctx)
    if config_id is None or await tokens.open_id(config_id) is None:
        raise ConnectionTestFailed(
            "no OAuth authorization stored for this config: open the authorize URL as the "
            "user and exchange the code",
            state="needs_reauth",
        )
    client = TencentMeetingClient(
        ctx.http, config_id, config, tokens=tokens, open_id=await tokens.open_id(config_id),
        max_attempts=2,
    )
    try:
        info = await client.user_info()
    except OutboundError as exc:
        raise _failed(exc) from None
    return f"authorized as open_id {info.get('open_id') or client.open_id}"
