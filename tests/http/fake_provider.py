"""A provider API on 127.0.0.1 shaped like the corporate messaging APIs the hub talks to.

- `GET /cgi-bin/gettoken?corpid=...&corpsecret=...` issues an access token with
  `expires_in`; issuing one invalidates the previous token (as OAuth refresh does).
- `POST /cgi-bin/message/send?access_token=...` checks the token: missing 41001,
  unknown or replaced 40014, expired 42001.
- `GET|POST /v1/items` need no token.
- Errors are answered the way these providers do: HTTP 200 with
  `{"errcode": N, "errmsg": "..."}`; `errcode` 0 means success.

Faults are scripted per path (`fake.script("/v1/items", Reply(500), Reply(500))`):
the next requests to that path get the scripted replies, then normal service
resumes. Every request is recorded with its arrival time.
"""

import asyncio
import itertools
import secrets
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from hub.http import ErrorCode, IssuedToken, ProviderClient, Response


@dataclass(frozen=True)
class Reply:
    status: int = 200
    body: dict[str, Any] | None = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    text: str = ""  # the body when `body` is None


@dataclass(frozen=True)
class Seen:
    method: str
    path: str
    query: dict[str, str]
    at: float  # time.monotonic() on arrival


class FakeProvider:
    def __init__(self, corp_id: str, corp_secret: str) -> None:
        self.corp_id = corp_id
        self.corp_secret = corp_secret
        self.base_url = ""  # set once the server listens
        self.token_lifetime = 7200.0
        self.tokens: dict[str, float] = {}  # live token -> expiry (monotonic)
        self.replaced: set[str] = set()
        self.token_hits = 0
        self.seen: list[Seen] = []
        self.messages: list[dict[str, Any]] = []
        self._script: dict[str, list[Reply]] = {}
        self._ids = itertools.count(1)

    # ---- test controls -------------------------------------------------------

    def script(self, path: str, *replies: Reply) -> None:
        self._script.setdefault(path, []).extend(replies)

    def expire_tokens(self) -> None:
        """Expire every issued token on the server's side (the client still thinks it valid)."""
        for value in self.tokens:
            self.tokens[value] = 0.0

    def hits(self, path: str) -> list[Seen]:
        return [s for s in self.seen if s.path == path]

    # ---- service ---------------------------------------------------------------

    @staticmethod
    def _error(code: int, message: str) -> web.Response:
        return web.json_response({"errcode": code, "errmsg": message})

    async def _scripted(self, request: web.Request) -> web.StreamResponse | None:
        queue = self._script.get(request.path)
        if not queue:
            return None
        reply = queue.pop(0)
        if reply.delay:
            await asyncio.sleep(reply.delay)
        if reply.body is None:
            return web.Response(status=reply.status, headers=reply.headers, text=reply.text)
        return web.json_response(reply.body, status=reply.status, headers=reply.headers)

    @web.middleware
    async def _record(self, request: web.Request, handler: Any) -> web.StreamResponse:
        self.seen.append(
            Seen(request.method, request.path, dict(request.query), time.monotonic())
        )
        scripted = await self._scripted(request)
        if scripted is not None:
            return scripted
        result: web.StreamResponse = await handler(request)
        return result

    async def gettoken(self, request: web.Request) -> web.Response:
        self.token_hits += 1
        if request.query.get("corpid") != self.corp_id:
            return self._error(40013, "invalid corpid")
        if request.query.get("corpsecret") != self.corp_secret:
            return self._error(40001, "invalid credential")
        self.replaced.update(self.tokens)
        self.tokens.clear()
        value = "tok-" + secrets.token_hex(12)
        self.tokens[value] = time.monotonic() + self.token_lifetime
        return web.json_response(
            {"errcode": 0, "errmsg": "ok", "access_token": value,
             "expires_in": self.token_lifetime}
        )

    async def send(self, request: web.Request) -> web.Response:
        token = request.query.get("access_token")
        if not token:
            return self._error(41001, "access_token missing")
        if token not in self.tokens:
            return self._error(40014, "invalid access_token")
        if self.tokens[token] <= time.monotonic():
            return self._error(42001, "access_token expired")
        body = await request.json()
        self.messages.append(body)
        return web.json_response({"errcode": 0, "errmsg": "ok", "msgid": f"m{next(self._ids)}"})

    async def list_items(self, request: web.Request) -> web.Response:
        return web.json_response({"errcode": 0, "errmsg": "ok", "items": [{"id": 1}]})

    async def create_item(self, request: web.Request) -> web.Response:
        return web.json_response({"errcode": 0, "errmsg": "ok", "id": next(self._ids)})

    def app(self) -> web.Application:
        app = web.Application(middlewares=[self._record])
        app.router.add_get("/cgi-bin/gettoken", self.gettoken)
        app.router.add_post("/cgi-bin/message/send", self.send)
        app.router.add_get("/v1/items", self.list_items)
        app.router.add_post("/v1/items", self.create_item)
        return app


class FakeProviderClient(ProviderClient):
    """A provider client written on the outbound layer the way a plugin writes one."""

    provider = "example"
    retryable_codes = {-1}
    rate_limit_codes = {45009: 0.0}
    token_error_codes = {40014, 41001, 42001}
    auth_error_codes = {40001, 40013}
    uses_token = True

    def error_code(self, response: Response) -> ErrorCode | None:
        data = response.json_or_none()
        if isinstance(data, dict) and data.get("errcode") not in (None, 0):
            return ErrorCode(data["errcode"], str(data.get("errmsg", "")))
        return None

    async def fetch_token(self) -> IssuedToken:
        assert self.config is not None
        response = await self.request(
            "GET",
            "/cgi-bin/gettoken",
            params={
                "corpid": "corp-1",
                "corpsecret": self.config.api_key.get_secret_value(),  # type: ignore[attr-defined]
            },
            auth=False,
        )
        data = response.json_or_none() or {}
        if not data.get("access_token"):
            raise self.invalid_response(response, "no access_token in the answer")
        return IssuedToken(data["access_token"], data.get("expires_in"))

    def apply_token(self, request: Any, token: str) -> None:
        request.url = request.url.update_query(access_token=token)

    async def send_text(self, user: str, text: str) -> str:
        data = await self.request_json(
            "POST",
            "/cgi-bin/message/send",
            json={"touser": user, "msgtype": "text", "text": {"content": text}},
        )
        return str(data["msgid"])

    async def items(self, **kwargs: Any) -> Any:
        return await self.request_json("GET", "/v1/items", auth=False, **kwargs)
