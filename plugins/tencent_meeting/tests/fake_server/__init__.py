"""A fake Tencent Meeting on 127.0.0.1 that checks requests the way Tencent does.

For every `/v1/...` request, in this order:

1. authentication, either
   - signature mode: `X-TC-Key`, `X-TC-Timestamp`, `X-TC-Nonce`,
     `X-TC-Signature` and `AppId` are required; an unknown key, AppId or SdkId
     is 190303; a timestamp more than 300 s from the server's clock is 190300;
     the signature is recomputed over the method, the three `X-TC-*` pairs, the
     RAW path and query as received and the raw body, and any difference (one
     character is enough) is 200003; a nonce seen before within the window is
     190301; or
   - OAuth2 mode (an `AccessToken` header): `AccessToken`, `OpenId`,
     `X-TC-Timestamp` and `X-TC-Nonce` are required, and no `X-TC-Key` or
     signature is looked at; an unknown, expired, revoked or replaced token, or
     one of another user, is 190303 with new code 200190303;
2. rate limits per bucket (`rate_limit`): `default` 190310, `users` (account
   APIs) 190313, `create_meeting` 500029, `daily` 190311;
3. injected failures (`fail_next`, also on the OAuth2 endpoints);
4. the route, which modules add: `tests/fake_server/<module>.py` defines
   `add_routes(fake, routes)`, and every such module is loaded by `app()`.

Errors are only ever answered as `{"error_info": {...}}` with a non-2xx status
(request errors 400, service errors 500, as Tencent documents); an empty
success is `{}`. The OAuth2 endpoints (`/wemeet-webapi/v2/oauth2/oauth/...`)
answer `{"code", "message", "data"}` as Tencent's OAuth2 documentation shows.
What the fake knows about paths and fields beyond the reference is not
protocol evidence.
"""

import hmac
import importlib
import itertools
import json
import pkgutil
import secrets
import time
from collections import deque
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from hub_tencent_meeting import auth

APP_ID = "211000000"
SDK_ID = "28790000000"
SECRET_ID = "AKIDfakeSecretId0001"
SECRET_KEY = "FakeSecretKey/abcdef0123456789"
OAUTH_SDK_ID = "10066660661"
OAUTH_SECRET = "fde85be8440013d2747d06313123fa"
OPEN_ID = "xqGn7bYSD601jnq8xq0lCAlx5h12"

OAUTH_PREFIX = "/wemeet-webapi/v2/oauth2/oauth"
MAX_SKEW_SECONDS = 300

PARAMETER_ERROR = 190004
AUTH_ERROR = 190303
SIGNATURE_ERROR = 200003
CLOCK_ERROR = 190300
REPLAY_ERROR = 190301

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def new_code(code: int) -> int:
    """Tencent's new error code for a legacy one: usually the legacy code prefixed with 200."""
    return int(f"200{code}") if len(str(code)) == 6 else code


class TencentError(web.HTTPException):
    """Tencent's error answer; raise it from a route (or from `fake.require`)."""

    def __init__(
        self, status: int, code: int, message: str, new_error_code: int | None = None
    ) -> None:
        self.status_code = status
        self.error_code = code
        body = {
            "error_info": {
                "error_code": code,
                "new_error_code": new_code(code) if new_error_code is None else new_error_code,
                "message": message,
            }
        }
        super().__init__(text=json.dumps(body), content_type="application/json")


@dataclass(frozen=True)
class Seen:
    """One request as it arrived (headers and body included, for assertions)."""

    method: str
    raw_path: str
    headers: Mapping[str, str]
    body: bytes
    at: float

    @property
    def path(self) -> str:
        return self.raw_path.split("?", 1)[0]


@dataclass
class Limit:
    limit: int
    per: float
    code: int
    status: int
    times: deque[float] = field(default_factory=deque)


@dataclass
class OAuthToken:
    open_id: str
    expires_at: float
    valid: bool = True


@dataclass
class FakeState:
    """What the fake keeps; API modules fill and read these containers in their routes."""

    meetings: dict[str, dict[str, Any]] = field(default_factory=dict)
    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    departments: dict[str, dict[str, Any]] = field(default_factory=dict)
    records: dict[str, dict[str, Any]] = field(default_factory=dict)
    rooms: dict[str, dict[str, Any]] = field(default_factory=dict)
    devices: dict[str, dict[str, Any]] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)
    """Room for whatever else a module needs (key it by the module's name)."""


DEFAULT_LIMITS = {
    "default": (190310, 429),
    "users": (190313, 429),
    "create_meeting": (500029, 429),
    "daily": (190311, 429),
}
"""Bucket -> (error code, HTTP status); which status Tencent uses is [unverified]."""


class FakeTencentMeeting:
    def __init__(
        self,
        *,
        app_id: str = APP_ID,
        sdk_id: str = SDK_ID,
        secret_id: str = SECRET_ID,
        secret_key: str = SECRET_KEY,
        oauth_sdk_id: str = OAUTH_SDK_ID,
        oauth_secret: str = OAUTH_SECRET,
    ) -> None:
        self.app_id = app_id
        self.sdk_id = sdk_id
        self.secret_id = secret_id
        self.secret_key = secret_key
        self.oauth_sdk_id = oauth_sdk_id
        self.oauth_secret = oauth_secret
        self.base_url = ""  # set once the server listens
        self.state = FakeState()
        self.clock_offset = 0.0
        """Seconds the server's clock is ahead of this machine's (negative: behind)."""
        self.seen: list[Seen] = []
        self.nonces: dict[str, float] = {}
        self.limits: dict[str, Limit] = {}
        self.bucket_rules: list[tuple[str | None, str, str]] = [
            ("POST", "/v1/meetings", "create_meeting"),
            (None, "/v1/users", "users"),
        ]
        """(method or None, path prefix, bucket); a request counts in every bucket it matches,
        plus `default` and `daily`. `/v1/meetings` matches only exactly."""
        self._failures: list[tuple[str, deque[tuple[int, int, str]]]] = []
        # OAuth2
        self.token_lifetime = 7200.0
        self.codes: dict[str, tuple[str, float]] = {}  # auth_code -> (open_id, expiry)
        self.access_tokens: dict[str, OAuthToken] = {}
        self.refresh_tokens: dict[str, OAuthToken] = {}
        self.token_requests = 0
        self.refreshes = 0
        self._ids = itertools.count(1)

    # ---- test controls ------------------------------------------------------------------

    @property
    def oauth_base_url(self) -> str:
        return self.base_url.rstrip("/") + OAUTH_PREFIX

    def now(self) -> float:
        return time.time() + self.clock_offset

    def next_id(self, width: int = 19) -> str:
        """A unique numeric id as Tencent gives them (strings, often beyond 2**53)."""
        return str(7 * 10 ** (width - 1) + next(self._ids))

    def fail_next(self, path_prefix: str, *errors: tuple[int, int, str]) -> None:
        """The next requests under `path_prefix` get these (http_status, error_code, message)."""
        self._failures.append((path_prefix, deque(errors)))

    def rate_limit(
        self, bucket: str, limit: int, per: float = 60.0, *, code: int | None = None,
        status: int | None = None,
    ) -> None:
        """Allow at most `limit` requests of `bucket` in any `per` seconds."""
        default_code, default_status = DEFAULT_LIMITS[bucket]
        self.limits[bucket] = Limit(
            limit, per, code or default_code, status or default_status
        )

    def hits(self, path: str) -> list[Seen]:
        return [s for s in self.seen if s.path == path]

    def issue_code(self, open_id: str = OPEN_ID, lifetime: float = 300.0) -> str:
        """What a user's consent on the authorize page produces: a one-time auth_code."""
        code = secrets.token_hex(16)
        self.codes[code] = (open_id, self.now() + lifetime)
        return code

    def expire_access_tokens(self) -> None:
        """Every access token stops working now (the client still thinks it valid)."""
        for token in self.access_tokens.values():
            token.expires_at = 0.0

    def revoke(self, open_id: str) -> None:
        """The user withdrew the authorization: every token of theirs stops working."""
        for token in (*self.access_tokens.values(), *self.refresh_tokens.values()):
            if token.open_id == open_id:
                token.valid = False

    # ---- helpers for route modules ------------------------------------------------------

    @staticmethod
    def error(status: int, code: int, message: str) -> TencentError:
        return TencentError(status, code, message)

    @staticmethod
    def ok(data: Mapping[str, Any] | None = None) -> web.Response:
        """A success: the object itself, `{}` when there is nothing to say."""
        return web.json_response(dict(data or {}))

    async def params(self, request: web.Request) -> dict[str, Any]:
        """The query (GET/DELETE) merged under the JSON body (POST/PUT), as a route reads it."""
        values: dict[str, Any] = dict(request.query)
        body = await request.read()
        if body:
            try:
                data = json.loads(body)
            except ValueError:
                raise self.error(400, PARAMETER_ERROR, "failed to unmarshal req body") from None
            if not isinstance(data, dict):
                raise self.error(400, PARAMETER_ERROR, "req body is not an object")
            values.update(data)
        return values

    async def require(self, request: web.Request, *names: str) -> dict[str, Any]:
        """The request's parameters; 400/190004 naming the first required one missing."""
        values = await self.params(request)
        for name in names:
            if values.get(name) in (None, ""):
                raise self.error(400, PARAMETER_ERROR, f"param {name} is required")
        if "operator_id" in names and "operator_id_type" not in names:
            raise AssertionError("require operator_id together with operator_id_type")
        return values

    def int_param(
        self, values: Mapping[str, Any], name: str, default: int, *, low: int = 0,
        high: int | None = None,
    ) -> int:
        raw = values.get(name)
        if raw in (None, ""):
            return default
        try:
            number = int(raw)
        except (TypeError, ValueError):
            raise self.error(400, PARAMETER_ERROR, f"param {name} is not a number") from None
        if number < low or (high is not None and number > high):
            limit = f" and {high}" if high is not None else ""
            raise self.error(400, PARAMETER_ERROR, f"param {name} must be between {low}{limit}")
        return number

    def numbered_page(
        self, values: Mapping[str, Any], items: Sequence[Any], key: str, *,
        max_page_size: int = 20, default_page_size: int = 20,
    ) -> dict[str, Any]:
        """page/page_size paging: `total_count`, `total_page`, `current_page`, `current_size`."""
        page = self.int_param(values, "page", 1, low=1)
        size = self.int_param(values, "page_size", default_page_size, low=1, high=max_page_size)
        chunk = list(items[(page - 1) * size : page * size])
        return {
            "total_count": len(items),
            "total_page": max(1, -(-len(items) // size)),
            "current_page": page,
            "current_size": len(chunk),
            key: chunk,
        }

    def pos_page(
        self, values: Mapping[str, Any], items: Sequence[Any], key: str, *,
        max_size: int = 100, default_size: int = 20,
    ) -> dict[str, Any]:
        """pos/size paging with `has_remaining` and `next_pos`."""
        pos = self.int_param(values, "pos", 0, low=0)
        size = self.int_param(values, "size", default_size, low=1, high=max_size)
        chunk = list(items[pos : pos + size])
        remaining = pos + len(chunk) < len(items)
        return {"has_remaining": remaining, "next_pos": pos + len(chunk), key: chunk}

    def cursory_page(
        self, values: Mapping[str, Any], items: Sequence[Any], key: str, *, size: int = 20
    ) -> dict[str, Any]:
        """pos/cursory paging of GET /v1/meetings with `remaining`, `next_pos`, `next_cursory`.

        The cursor is the index of the next item; `pos` must come back unchanged.
        """
        pos = self.int_param(values, "pos", 0, low=0)
        start = self.int_param(values, "cursory", 0, low=0)
        chunk = list(items[start : start + size])
        left = max(0, len(items) - start - len(chunk))
        return {
            "remaining": left,
            "next_pos": pos,
            "next_cursory": start + len(chunk),
            key: chunk,
        }

    def pid_page(
        self, values: Mapping[str, Any], paragraphs: Sequence[Mapping[str, Any]]
    ) -> tuple[list[Mapping[str, Any]], bool]:
        """pid/limit paging: paragraphs from `pid` (inclusive); `more` when some are left."""
        pid = self.int_param(values, "pid", 0, low=0)
        limit = self.int_param(values, "limit", len(paragraphs) or 1, low=1)
        after = [p for p in paragraphs if int(p["pid"]) >= pid]
        return after[:limit], len(after) > limit

    # ---- the server ----------------------------------------------------------------------

    def app(self) -> web.Application:
        app = web.Application(middlewares=[self._middleware])
        routes = web.RouteTableDef()
        self._add_oauth_routes(routes)
        for module in route_modules():
            module.add_routes(self, routes)
        app.add_routes(routes)
        return app

    @web.middleware
    async def _middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        body = await request.read()
        self.seen.append(
            Seen(request.method, request.raw_path, dict(request.headers), body, time.monotonic())
        )
        try:
            if request.path.startswith("/v1/"):
                self._authenticate(request, body)
                self._count(request)
            self._inject(request)
            return await handler(request)
        except TencentError as exc:
            return web.Response(status=exc.status, text=exc.text, content_type="application/json")
        except web.HTTPNotFound:
            return web.json_response(
                {"error_info": {"error_code": 404, "new_error_code": 404,
                                "message": f"no route {request.method} {request.path}"}},
                status=404,
            )

    # ---- authentication -------------------------------------------------------------------

    def _authenticate(self, request: web.Request, body: bytes) -> None:
        headers = request.headers
        if auth.ACCESS_TOKEN in headers:
            self._authenticate_oauth(headers)
            return
        for name in (auth.KEY, auth.TIMESTAMP, auth.NONCE, auth.SIGNATURE, auth.APP_ID):
            if not headers.get(name):
                code = AUTH_ERROR if name in (auth.KEY, auth.APP_ID) else SIGNATURE_ERROR
                raise self.error(400, code, f"missing header {name}")
        if headers[auth.KEY] != self.secret_id or headers[auth.APP_ID] != self.app_id:
            raise self.error(400, AUTH_ERROR, "unauthenticated secret: check AppId and X-TC-Key")
        sdk_id = headers.get(auth.SDK_ID)
        if sdk_id and sdk_id != self.sdk_id:
            raise self.error(400, AUTH_ERROR, "unauthenticated secret: SdkId does not match")
        timestamp, nonce = headers[auth.TIMESTAMP], headers[auth.NONCE]
        self._check_clock(timestamp, nonce)
        expected = auth.signature(
            self.secret_key, request.method, headers[auth.KEY], nonce, timestamp,
            request.raw_path, body,
        )
        if not hmac.compare_digest(headers[auth.SIGNATURE], expected):
            raise self.error(400, SIGNATURE_ERROR, "signature verification failed")
        self._check_nonce(f"key:{headers[auth.KEY]}", nonce)

    def _authenticate_oauth(self, headers: Mapping[str, str]) -> None:
        for name in (auth.OPEN_ID, auth.TIMESTAMP, auth.NONCE):
            if not headers.get(name):
                raise self.error(400, AUTH_ERROR, f"missing header {name}")
        self._check_clock(headers[auth.TIMESTAMP], headers[auth.NONCE])
        token = self.access_tokens.get(headers[auth.ACCESS_TOKEN])
        if (
            token is None
            or not token.valid
            or token.expires_at <= self.now()
            or token.open_id != headers[auth.OPEN_ID]
        ):
            raise self.error(400, AUTH_ERROR, "access token invalid or expired")
        self._check_nonce(f"token:{headers[auth.ACCESS_TOKEN]}", headers[auth.NONCE])

    def _check_clock(self, timestamp: str, nonce: str) -> None:
        if not timestamp.isdigit() or abs(self.now() - int(timestamp)) > MAX_SKEW_SECONDS:
            raise self.error(400, CLOCK_ERROR, "X-TC-Timestamp is more than 5 minutes off")
        if not nonce.isdigit() or int(nonce) <= 0:
            raise self.error(400, SIGNATURE_ERROR, "X-TC-Nonce must be a positive integer")

    def _check_nonce(self, who: str, nonce: str) -> None:
        now = self.now()
        for key in [k for k, at in self.nonces.items() if at < now - 2 * MAX_SKEW_SECONDS]:
            del self.nonces[key]
        key = f"{who}:{nonce}"
        if key in self.nonces:
            raise self.error(400, REPLAY_ERROR, "request replayed: nonce already used")
        self.nonces[key] = now

    # ---- limits and injected failures --------------------------------------------------------

    def buckets(self, request: web.Request) -> list[str]:
        found = ["daily", "default"]
        for method, prefix, bucket in self.bucket_rules:
            if method is not None and method != request.method:
                continue
            exact = prefix == "/v1/meetings"
            if (request.path == prefix) if exact else request.path.startswith(prefix):
                found.append(bucket)
        return found

    def _count(self, request: web.Request) -> None:
        now = self.now()
        applying = [self.limits[b] for b in self.buckets(request) if b in self.limits]
        for limit in applying:
            while limit.times and limit.times[0] <= now - limit.per:
                limit.times.popleft()
            if len(limit.times) >= limit.limit:
                raise self.error(limit.status, limit.code, "too many requests")
        for limit in applying:
            limit.times.append(now)

    def _inject(self, request: web.Request) -> None:
        for prefix, queue in self._failures:
            if queue and request.path.startswith(prefix):
                status, code, message = queue.popleft()
                raise self.error(status, code, message)

    # ---- OAuth2 endpoints ------------------------------------------------------------------------

    def _add_oauth_routes(self, routes: web.RouteTableDef) -> None:
        routes.post(f"{OAUTH_PREFIX}/access_token")(self._access_token)
        routes.post(f"{OAUTH_PREFIX}/refresh_token")(self._refresh_token)
        routes.post(f"{OAUTH_PREFIX}/user_info")(self._user_info)

    @staticmethod
    def _oauth_error(code: int, message: str) -> web.Response:
        # Tencent: "authentication errors of the OAuth2 endpoints all answer HTTP 400".
        return web.json_response(
            {"code": code, "message": message, "nonce": secrets.token_hex(8)}, status=400
        )

    def _oauth_ok(self, data: dict[str, Any]) -> web.Response:
        return web.json_response(
            {"code": 0, "message": "SUCCESS", "nonce": secrets.token_hex(8), "data": data}
        )

    def _grant(self, open_id: str) -> dict[str, Any]:
        """A new token pair for `open_id`; every earlier token of theirs stops working."""
        self.revoke(open_id)
        access, refresh = secrets.token_urlsafe(48), secrets.token_urlsafe(48)
        expires = self.now() + self.token_lifetime
        self.access_tokens[access] = OAuthToken(open_id, expires)
        self.refresh_tokens[refresh] = OAuthToken(open_id, self.now() + 30 * 86400)
        return {
            "access_token": access,
            "refresh_token": refresh,
            "expires": int(expires),
            "open_id": open_id,
            "scopes": ["VIEW_USER_INFO", "VIEW_VIDEO", "MANAGE_VIDEO"],
        }

    async def _body(self, request: web.Request) -> dict[str, Any]:
        try:
            data = json.loads(await request.read() or b"{}")
        except ValueError:
            data = None
        return data if isinstance(data, dict) else {}

    async def _access_token(self, request: web.Request) -> web.Response:
        self.token_requests += 1
        body = await self._body(request)
        if body.get("sdk_id") != self.oauth_sdk_id or body.get("secret") != self.oauth_secret:
            return self._oauth_error(AUTH_ERROR, "invalid sdk_id or secret")
        found = self.codes.pop(str(body.get("auth_code", "")), None)
        if found is None or found[1] <= self.now():
            return self._oauth_error(AUTH_ERROR, "invalid or expired auth_code")
        return self._oauth_ok(self._grant(found[0]))

    async def _refresh_token(self, request: web.Request) -> web.Response:
        body = await self._body(request)
        if body.get("sdk_id") != self.oauth_sdk_id:
            return self._oauth_error(AUTH_ERROR, "invalid sdk_id")
        token = self.refresh_tokens.get(str(body.get("refresh_token", "")))
        if (
            token is None
            or not token.valid
            or token.expires_at <= self.now()
            or token.open_id != body.get("open_id")
        ):
            return self._oauth_error(AUTH_ERROR, "invalid or expired refresh_token")
        self.refreshes += 1
        return self._oauth_ok(self._grant(token.open_id))

    async def _user_info(self, request: web.Request) -> web.Response:
        body = await self._body(request)
        token = self.access_tokens.get(str(body.get("access_token", "")))
        if (
            token is None
            or not token.valid
            or token.expires_at <= self.now()
            or token.open_id != body.get("open_id")
        ):
            return self._oauth_error(AUTH_ERROR, "access token invalid or expired")
        return self._oauth_ok(
            {"open_id": token.open_id, "expires": int(token.expires_at),
             "scopes": ["VIEW_USER_INFO", "VIEW_VIDEO", "MANAGE_VIDEO"]}
        )


def route_modules() -> Iterable[Any]:
    """Every `tests/fake_server/<module>.py` that adds routes (`add_routes(fake, routes)`)."""
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        if hasattr(module, "add_routes"):
            yield module
