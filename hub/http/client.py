"""`ProviderClient`: the base every provider's HTTP client builds on.

A subclass declares what is particular to its provider (where the error code
sits in a response, which codes mean "retry", "rate limited", "token expired"
or "credentials refused", its rate limits, how a token is fetched and attached,
how a request is signed) and inherits the rest: timeouts, retries with
exponential backoff and full jitter, `Retry-After`, the shared rate limiter,
single-flight token refresh, the call log, metrics, per-config health and
typed errors without secrets.
"""

import asyncio
import json as jsonlib
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any, ClassVar

import aiohttp
import structlog
from pydantic import BaseModel, SecretBytes, SecretStr
from yarl import URL

from hub.db.base import utcnow
from hub.http.download import Downloaded, Progress, download
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
from hub.http.messages import ErrorCode, Outgoing, Response, Verdict
from hub.http.outbound import OutboundHTTP
from hub.http.ratelimit import RateLimit
from hub.http.redact import mask_url, scrub
from hub.http.retry import Backoff, parse_retry_after
from hub.http.tokens import IssuedToken, Token
from hub.ids import new_id

log = structlog.get_logger("hub.http.client")

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
MESSAGE_LIMIT = 300

ERRORS: dict[str, type[OutboundError]] = {
    "timeout": OutboundTimeout,
    "transport_error": TransportError,
    "server_error": ServerError,
    "rate_limited": RateLimited,
    "token_expired": AuthFailed,
    "auth_error": AuthFailed,
    "provider_retryable": ProviderError,
    "provider_error": ProviderError,
    "http_error": ProviderError,
}


def secret_values(config: BaseModel | None) -> list[str]:
    """The plain values of a config model's secret fields, to scrub from any text."""
    if config is None:
        return []
    out = []
    for name in type(config).model_fields:
        value = getattr(config, name, None)
        if isinstance(value, SecretStr):
            out.append(value.get_secret_value())
        elif isinstance(value, SecretBytes):
            out.append(value.get_secret_value().decode("utf-8", "replace"))
    return out


def _codes(values: Iterable[str | int]) -> frozenset[str]:
    return frozenset(str(v) for v in values)


def _body(
    json: Any, data: bytes | str | Callable[[], Any] | None, headers: dict[str, str]
) -> tuple[bytes | None, Callable[[], Any] | None]:
    """The bytes to send (JSON serialized once, so a signature covers exactly them),
    or a function that makes a fresh body per attempt."""
    if json is not None:
        if data is not None:
            raise ValueError("give json or data, not both")
        if not any(k.lower() == "content-type" for k in headers):
            headers["Content-Type"] = "application/json; charset=utf-8"
        return jsonlib.dumps(json, ensure_ascii=False, separators=(",", ":")).encode(), None
    if isinstance(data, str):
        return data.encode(), None
    if isinstance(data, bytes | bytearray):
        return bytes(data), None
    if callable(data):
        return None, data
    return None, None


def _describe(exc: BaseException) -> str:
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


class ProviderClient:
    """Subclass per provider; make one instance per config (instances are cheap).

    `config_id` ties the calls to a config for rate limits, tokens, the call log
    and health; `config` (the config's pydantic model) lets every secret in it
    be scrubbed from messages.
    """

    provider: ClassVar[str] = ""
    base_url: str = ""
    rate_limits: ClassVar[Sequence[RateLimit]] = ()
    retryable_codes: ClassVar[Collection[str | int]] = ()
    final_codes: ClassVar[Collection[str | int]] = ()
    """Codes never retried whatever HTTP status they come with (some providers answer
    "no such meeting" with a 500)."""
    rate_limit_codes: ClassVar[Mapping[str | int, float]] = {}
    token_error_codes: ClassVar[Collection[str | int]] = ()
    auth_error_codes: ClassVar[Collection[str | int]] = ()
    sensitive_params: ClassVar[Collection[str]] = ()
    uses_token: ClassVar[bool] = False
    token_name: ClassVar[str] = "access_token"
    token_margin_seconds: ClassVar[float | None] = None
    backoff: Backoff = Backoff()

    def __init__(
        self,
        http: OutboundHTTP,
        config_id: str | None,
        config: BaseModel | None = None,
        *,
        base_url: str | None = None,
        max_attempts: int | None = None,
        timeout_seconds: float | None = None,
        backoff: Backoff | None = None,
        secrets: Iterable[str] = (),
    ) -> None:
        if not self.provider:
            raise TypeError(f"{type(self).__name__} must set the class attribute `provider`")
        self.http = http
        self.config_id = config_id
        self.config = config
        if base_url is not None:
            self.base_url = base_url
        self.max_attempts = max(1, max_attempts or http.settings.http_max_attempts)
        self.timeout_seconds = timeout_seconds or http.settings.http_timeout_seconds
        if backoff is not None:
            self.backoff = backoff
        self._secrets = [*secret_values(config), *(s for s in secrets if s)]
        self._retryable = _codes(self.retryable_codes)
        self._final = _codes(self.final_codes)
        self._rate_codes = {str(k): float(v) for k, v in self.rate_limit_codes.items()}
        self._token_codes = _codes(self.token_error_codes)
        self._auth_codes = _codes(self.auth_error_codes)

    # ---- what a provider client overrides -----------------------------------

    def error_code(self, response: Response) -> ErrorCode | None:
        """The provider's error code in `response`, or None when the body reports success.

        Called for every response, whatever its HTTP status, because many
        providers answer errors with HTTP 200 and a code in the body.
        """
        return None

    async def fetch_token(self) -> IssuedToken:
        """Obtain a new access token (call the token endpoint with `auth=False`)."""
        raise NotImplementedError(
            f"{type(self).__name__} sets uses_token but does not implement fetch_token"
        )

    def apply_token(self, request: Outgoing, token: str) -> None:
        """Attach the token to an attempt; the default is an `Authorization: Bearer` header."""
        request.headers["Authorization"] = f"Bearer {token}"

    async def prepare(self, request: Outgoing) -> None:
        """Last change before each attempt is sent, e.g. a signature with a fresh nonce."""

    # ---- helpers --------------------------------------------------------------

    @property
    def degraded(self) -> bool:
        """True while this config's calls keep failing; callers may serve local data."""
        return self.http.is_degraded(self.config_id)

    @property
    def token_key(self) -> tuple[str, str, str]:
        return (self.provider, self.config_id or "", self.token_name)

    def url_for(self, path: str, params: Mapping[str, Any] | None = None) -> URL:
        if path.startswith(("http://", "https://")):
            url = URL(path)
        else:
            if not self.base_url:
                raise ValueError(f"{type(self).__name__} has no base_url for path {path!r}")
            url = URL(self.base_url.rstrip("/") + "/" + path.lstrip("/"))
        if params:
            url = url.update_query({k: v if isinstance(v, str) else str(v)
                                    for k, v in params.items() if v is not None})
        return url

    def invalid_response(self, response: Response, reason: str) -> InvalidResponse:
        """An error for an answer the client cannot use (raise it from `fetch_token` etc.)."""
        return InvalidResponse(
            f"{self.provider} {response.url}: {reason}",
            provider=self.provider,
            config_id=self.config_id,
            method="",
            url=response.url,
            attempts=response.attempt,
            http_status=response.status,
        )

    # ---- calling ----------------------------------------------------------------

    async def request_json(self, method: str, path: str, **kwargs: Any) -> Any:
        """`request`, then the body as JSON (InvalidResponse when it is not JSON)."""
        response = await self.request(method, path, **kwargs)
        try:
            return response.json()
        except ValueError:
            raise self.invalid_response(
                response, f"answer is not JSON (HTTP {response.status})"
            ) from None

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        data: bytes | str | Callable[[], Any] | None = None,
        headers: Mapping[str, str] | None = None,
        auth: bool = True,
        limits: Iterable[RateLimit] = (),
        idempotent: bool | None = None,
        timeout_seconds: float | None = None,
        max_attempts: int | None = None,
    ) -> Response:
        """Send a request with retries; return the successful response or raise OutboundError.

        `data` may be a function returning a fresh body for each attempt (a
        multipart form can be sent only once). `idempotent=False` (the default
        for POST and PATCH) retries only when the provider surely did not act
        on the request: the connection was refused, or the provider answered
        429, a rate-limit code or a declared retryable code.
        """
        method = method.upper()
        if idempotent is None:
            idempotent = method in IDEMPOTENT_METHODS
        url = self.url_for(path, params)
        base_headers = dict(headers or {})
        body, factory = _body(json, data, base_headers)
        use_token = auth and self.uses_token
        budget = max_attempts or self.max_attempts
        limits_all = (*self.rate_limits, *limits)
        wait_total = timeout_seconds or self.timeout_seconds
        call_id = new_id()
        loop = asyncio.get_running_loop()
        attempt = failures = 0
        token_retried = False
        while True:
            attempt += 1
            await self.http.limiter.acquire(self.provider, self.config_id or "", limits_all)
            token = await self._token() if use_token else None
            out = Outgoing(
                method,
                url,
                dict(base_headers),
                factory() if factory is not None else body,
                attempt,
                token.value if token else None,
            )
            if token is not None:
                self.apply_token(out, token.value)
            await self.prepare(out)
            secrets = [*self._secrets, token.value] if token else self._secrets
            shown = mask_url(out.url, secrets, self.sensitive_params)
            at = utcnow()
            started = loop.time()
            response, verdict = await self._send(out, shown, wait_total, idempotent, use_token)
            elapsed = loop.time() - started
            message = scrub(verdict.message, secrets)[:MESSAGE_LIMIT] if verdict.message else None
            self._record(call_id, method, shown, response, verdict, message, elapsed, attempt, at)

            if verdict.outcome == "ok":
                assert response is not None
                if self.config_id:
                    await self.http.health.success(self.config_id, self.provider)
                return response
            if verdict.outcome == "token_expired" and token is not None and not token_retried:
                token_retried = True
                self.http.tokens.invalidate(self.token_key, token)
                log.info(
                    "access token rejected; refreshing once",
                    provider=self.provider,
                    config_id=self.config_id,
                    provider_code=verdict.code,
                )
                continue
            failures += 1
            if verdict.retry and failures < budget:
                delay = self.backoff.delay(failures, verdict.floor)
                if verdict.outcome == "rate_limited":
                    self.http.limiter.pause(self.provider, self.config_id or "", delay)
                self._log_failure(
                    "outbound attempt failed; retrying", method, shown, response, verdict,
                    attempt=attempt, retry_in=round(delay, 3),
                )  # fmt: skip
                await asyncio.sleep(delay)
                continue
            error = self._error(verdict, method, shown, attempt, response, message, secrets)
            self._log_failure(
                "outbound call failed", method, shown, response, verdict,
                attempts=attempt, error=error.message,
            )  # fmt: skip
            if self.config_id:
                await self.http.health.failure(self.config_id, self.provider, error)
            raise error

    async def download(
        self,
        url: str,
        dest: str | Path,
        *,
        progress: Progress | None = None,
        overwrite: bool = False,
        headers: Mapping[str, str] | None = None,
    ) -> Downloaded:
        """Stream a file the provider links to (a recording, an export) into `dest`.

        Resumable and retried with this client's backoff, attempt budget and
        timeout (per read), logged under this config; see `hub.http.download`.
        A download link authenticates itself (a pre-signed URL), so no token,
        signature or API rate limit is applied.
        """
        return await download(
            self.http,
            url,
            dest,
            provider=self.provider,
            config_id=self.config_id,
            headers=headers,
            secrets=self._secrets,
            progress=progress,
            max_attempts=self.max_attempts,
            backoff=self.backoff,
            read_timeout=self.timeout_seconds,
            overwrite=overwrite,
        )

    # ---- internals ----------------------------------------------------------------

    async def _send(
        self, out: Outgoing, shown: str, wait_total: float, idempotent: bool, use_token: bool
    ) -> tuple[Response | None, Verdict]:
        """One attempt on the wire, and what its answer (or its absence) means."""
        try:
            async with self.http.session.request(
                out.method,
                out.url,
                headers=out.headers,
                data=out.body,
                timeout=aiohttp.ClientTimeout(total=wait_total),
            ) as resp:
                raw = await resp.read()
                response = Response(resp.status, resp.headers, raw, shown, out.attempt,
                                    resp.charset)
        except TimeoutError:
            return None, Verdict(
                "timeout", retry=idempotent, message=f"no answer within {wait_total:g} s"
            )
        except (aiohttp.ClientSSLError, aiohttp.ClientConnectorCertificateError) as exc:
            # A certificate problem does not go away by asking again.
            return None, Verdict("transport_error", retry=False, message=_describe(exc))
        except aiohttp.ClientConnectorError as exc:  # the request never left
            return None, Verdict("transport_error", retry=True, message=_describe(exc))
        except (aiohttp.ClientError, OSError) as exc:
            return None, Verdict("transport_error", retry=idempotent, message=_describe(exc))
        verdict = self._judge(response, use_token)
        if verdict.outcome == "server_error" and not idempotent:
            verdict = replace(verdict, retry=False)
        return response, verdict

    async def _token(self) -> Token:
        return await self.http.tokens.get(
            self.token_key, self.fetch_token, margin_seconds=self.token_margin_seconds
        )

    def _judge(self, response: Response, use_token: bool) -> Verdict:
        """Classify an answer: ok, or which failure and whether to retry."""
        try:
            found = self.error_code(response)
        except Exception as exc:
            log.warning(
                "error code extractor failed",
                provider=self.provider,
                error=_describe(exc)[:MESSAGE_LIMIT],
            )
            found = None
        code = None if found is None else str(found.code)
        detail = found.message if found is not None and found.message else None
        status = response.status
        message = f"HTTP {status}"
        if code is not None:
            message += f", provider error {code}"
            if detail:
                message += f": {detail}"
        retry_after = parse_retry_after(response.headers.get("Retry-After"))
        if code in self._token_codes or (use_token and status == 401 and code is None):
            outcome = "token_expired" if use_token else "auth_error"
            return Verdict(outcome, False, None, code, message, detail)
        if code in self._auth_codes or (status == 401 and code is None):
            return Verdict("auth_error", False, None, code, message, detail)
        if code in self._final:
            return Verdict("provider_error", False, None, code, message, detail)
        if status == 429 or code in self._rate_codes:
            floor = max(retry_after or 0.0, self._rate_codes.get(code or "", 0.0))
            return Verdict("rate_limited", True, floor or None, code, message, detail)
        if code in self._retryable:
            return Verdict("provider_retryable", True, retry_after, code, message, detail)
        if status >= 500:
            return Verdict("server_error", True, retry_after, code, message, detail)
        if code is not None:
            return Verdict("provider_error", False, None, code, message, detail)
        if status >= 400:
            return Verdict("http_error", message=message)
        return Verdict("ok")

    def _log_failure(
        self,
        event: str,
        method: str,
        shown: str,
        response: Response | None,
        verdict: Verdict,
        **extra: Any,
    ) -> None:
        log.warning(
            event,
            provider=self.provider,
            config_id=self.config_id,
            method=method,
            url=shown,
            status=response.status if response else None,
            outcome=verdict.outcome,
            provider_code=verdict.code,
            **extra,
        )

    def _record(
        self,
        call_id: str,
        method: str,
        url: str,
        response: Response | None,
        verdict: Verdict,
        message: str | None,
        elapsed: float,
        attempt: int,
        at: datetime,
    ) -> None:
        self.http.calls.record(
            id=new_id(),
            call_id=call_id,
            config_id=self.config_id,
            provider=self.provider,
            method=method,
            url=url,
            status=response.status if response else None,
            outcome=verdict.outcome,
            error_code=verdict.code[:100] if verdict.code else None,
            error=message,
            duration_ms=round(elapsed * 1000, 3),
            attempt=attempt,
            ok=verdict.outcome == "ok",
            at=at,
        )
        self.http.observe(self.provider, verdict.outcome, elapsed)

    def _error(
        self,
        verdict: Verdict,
        method: str,
        url: str,
        attempts: int,
        response: Response | None,
        message: str | None,
        secrets: Sequence[str],
    ) -> OutboundError:
        text = f"{self.provider} {method} {url} failed"
        if attempts > 1:
            text += f" after {attempts} attempts"
        if message:
            text += f": {message}"
        cls = ERRORS.get(verdict.outcome, OutboundError)
        kwargs: dict[str, Any] = {
            "provider": self.provider,
            "config_id": self.config_id,
            "method": method,
            "url": url,
            "attempts": attempts,
            "http_status": response.status if response else None,
            "provider_code": verdict.code,
            "provider_message": (
                scrub(verdict.provider_message, secrets)[:MESSAGE_LIMIT]
                if verdict.provider_message
                else None
            ),
        }
        if issubclass(cls, ProviderError):
            return cls(text, transient=verdict.outcome == "provider_retryable", **kwargs)
        return cls(text, **kwargs)
