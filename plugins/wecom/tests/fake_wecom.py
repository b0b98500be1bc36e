"""A fake WeCom API on 127.0.0.1 that checks what the real one checks (reference §8, items 1-6).

Like WeCom, it answers HTTP 200 with `{"errcode": N, "errmsg": "..."}` for
every refusal; only injected faults answer otherwise (502) or late.

- `GET /cgi-bin/gettoken`: corp id (40013) and secret (40001), the caller's IP
  (60020 when `ip_denied`); the same token until it expires after
  `token_lifetime` seconds, then a new one.
- `POST /cgi-bin/message/send`: the token (41001 missing, 40014 unknown, 42001
  expired), JSON (47001), `agentid` an integer of a known app (40056), at least
  one recipient and at most 1000 users / 100 parties / 100 tags (40058), the
  message type (40008) and its body: text and markdown not empty (44004) and
  at most 2048 bytes (45002), media ids issued by `media/upload` within three
  days for the same type (40007), 1-8 articles, card types and task ids.
  Unknown users, parties and tags come back in `invaliduser`, `invalidparty`
  and `invalidtag` with errcode 0; users without a licence in
  `unlicenseduser`; nobody valid is 81013. Every accepted message gets a new
  `msgid` (and interactive template cards a `response_code`).
- `POST /cgi-bin/message/recall`: a known msgid not yet recalled, sent less
  than 24 h ago (40058 otherwise: WeCom's code for these cases is not part of
  the reference, and the hub does not depend on it).
- `POST /cgi-bin/message/update_template_card`: a response code issued with a
  card and not used yet (40058).
- `POST /cgi-bin/media/upload?type=image|voice|video|file`: multipart with one
  part named `media` (40058 without it), the type (40005) and WeCom's size
  limits (40006/40009/40011).
- `POST /cgi-bin/webhook/send?key=KEY`: a known key (93000), a JSON body
  (40058 without the JSON content type), the message type (40008), text at
  most 2048 bytes and markdown 4096 (45002), not empty (44004), images whose
  base64 decodes to at most 2 MB of JPG or PNG with `md5` of the raw bytes
  (40009, 40058), 1-8 news articles, mention lists of strings, media ids that
  `upload_media` issued for the same key (40007), template cards with a
  `card_action`; and at most `robot_limit` messages per key in any
  `robot_window` seconds (45009).
- `POST /cgi-bin/webhook/upload_media?key=KEY&type=file|voice`: part `media`,
  files of 5 B-20 MB, voices up to 2 MB (40006).

Faults: `fail_next(path, Fault(...), ...)` makes the next requests to `path`
answer an error code (-1, 45009, 42001, ...), a bad gateway (`status=502`), or
late (`delay=` longer than the client's timeout); then normal service resumes.
"""

import asyncio
import base64
import binascii
import hashlib
import itertools
import json
import secrets
import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

CORP_ID = "ww0f1e2d3c4b5a6978"
CORP_SECRET = "fake-corp-secret-0123456789abcdef"
AGENT_ID = 1000002
ROBOT_KEY = "693a91f6-7a2b-4bc4-97a0-0ec2a1fa5aaa"

MB = 1024 * 1024
MEDIA_TTL = 3 * 86400
RECALL_WINDOW = 86400
APP_MEDIA_LIMITS = {"image": 10 * MB, "voice": 2 * MB, "video": 10 * MB, "file": 20 * MB}
APP_MEDIA_CODES = {"image": 40009, "voice": 40006, "video": 40011, "file": 40006}
ROBOT_MEDIA_LIMITS = {"file": 20 * MB, "voice": 2 * MB}
INTERACTIVE_CARDS = {"button_interaction", "vote_interaction", "multiple_interaction"}
APP_CARDS = {"text_notice", "news_notice", *INTERACTIVE_CARDS}
ROBOT_CARDS = {"text_notice", "news_notice"}
APP_TYPES = {
    "text", "image", "voice", "video", "file", "textcard", "news", "mpnews", "markdown",
    "miniprogram_notice", "template_card",
}  # fmt: skip
ROBOT_TYPES = {"text", "markdown", "markdown_v2", "image", "news", "file", "voice", "template_card"}


class Refused(Exception):
    """A check failed: answer WeCom's error code (with HTTP 200, as WeCom does)."""

    def __init__(self, code: int, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.extra = extra


@dataclass(frozen=True)
class Fault:
    errcode: int | None = None
    status: int = 200
    delay: float = 0.0


@dataclass(frozen=True)
class Seen:
    method: str
    path: str
    query: dict[str, str]


@dataclass
class Media:
    owner: str  # "app", or the robot key that uploaded it
    media_type: str
    filename: str
    size: int
    at: float


@dataclass
class AppMessage:
    body: dict[str, Any]
    at: float
    recalled: bool = False


@dataclass
class FakeWeCom:
    corp_id: str = CORP_ID
    corp_secret: str = CORP_SECRET
    agents: set[int] = field(default_factory=lambda: {AGENT_ID})
    users: set[str] = field(default_factory=lambda: {"zhangsan", "lisi", "wangwu"})
    parties: set[str] = field(default_factory=lambda: {"1", "2"})
    tags: set[str] = field(default_factory=lambda: {"1"})
    unlicensed: set[str] = field(default_factory=set)
    robot_keys: set[str] = field(default_factory=lambda: {ROBOT_KEY})
    token_lifetime: float = 7200.0
    robot_limit: int = 20
    robot_window: float = 60.0
    ip_denied: bool = False
    clock_offset: float = 0.0
    base_url: str = ""
    token_hits: int = 0
    tokens: dict[str, float] = field(default_factory=dict)  # value -> expiry (self.now())
    media: dict[str, Media] = field(default_factory=dict)
    messages: dict[str, AppMessage] = field(default_factory=dict)  # msgid -> message
    robot_messages: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    response_codes: dict[str, str] = field(default_factory=dict)  # code -> msgid, until used
    card_updates: list[dict[str, Any]] = field(default_factory=list)
    seen: list[Seen] = field(default_factory=list)
    _faults: dict[str, list[Fault]] = field(default_factory=lambda: defaultdict(list))
    _robot_times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    _ids: Any = field(default_factory=lambda: itertools.count(1))

    # ---- test controls ------------------------------------------------------------

    def now(self) -> float:
        return time.time() + self.clock_offset

    def fail_next(self, path: str, *faults: Fault) -> None:
        self._faults[path].extend(faults)

    def expire_tokens(self) -> None:
        """Every issued token expires now on WeCom's side; the hub still believes it valid."""
        for value in self.tokens:
            self.tokens[value] = self.now() - 1

    def hits(self, path: str) -> list[Seen]:
        return [s for s in self.seen if s.path == path]

    def sent(self) -> list[dict[str, Any]]:
        """Bodies of the application messages accepted, oldest first."""
        return [m.body for m in self.messages.values()]

    # ---- plumbing -----------------------------------------------------------------

    @staticmethod
    def answer(data: dict[str, Any] | None = None) -> web.Response:
        return web.json_response({"errcode": 0, "errmsg": "ok", **(data or {})})

    @web.middleware
    async def _serve(self, request: web.Request, handler: Any) -> web.StreamResponse:
        self.seen.append(Seen(request.method, request.path, dict(request.query)))
        queue = self._faults.get(request.path)
        if queue:
            fault = queue.pop(0)
            if fault.delay:
                await asyncio.sleep(fault.delay)
            if fault.status != 200:
                return web.Response(status=fault.status, text="Bad Gateway")
            if fault.errcode is not None:
                return web.json_response({"errcode": fault.errcode, "errmsg": "injected fault"})
        try:
            response: web.StreamResponse = await handler(request)
        except Refused as refused:
            body = {"errcode": refused.code, "errmsg": refused.message, **refused.extra}
            return web.json_response(body)
        return response

    def _token(self, request: web.Request) -> None:
        value = request.query.get("access_token")
        if not value:
            raise Refused(41001, "access_token missing")
        if value not in self.tokens:
            raise Refused(40014, "invalid access_token")
        if self.tokens[value] <= self.now():
            raise Refused(42001, "access_token expired")

    @staticmethod
    async def _json(request: web.Request) -> dict[str, Any]:
        try:
            data = json.loads(await request.read())
        except (ValueError, UnicodeDecodeError):
            raise Refused(47001, "data format error") from None
        if not isinstance(data, dict):
            raise Refused(47001, "data format error")
        return data

    @staticmethod
    async def _media_part(request: web.Request) -> tuple[str, bytes]:
        if not request.content_type.startswith("multipart/"):
            raise Refused(40058, "multipart/form-data expected")
        reader = await request.multipart()
        async for part in reader:
            if getattr(part, "name", None) == "media":
                content = await part.read()  # type: ignore[union-attr]
                return part.filename or "media", bytes(content)  # type: ignore[union-attr]
        raise Refused(40058, "no part named media")

    def _new_media(self, owner: str, media_type: str, filename: str, size: int) -> web.Response:
        media_id = f"{media_type}-{secrets.token_urlsafe(24)}"
        self.media[media_id] = Media(owner, media_type, filename, size, self.now())
        return self.answer(
            {"type": media_type, "media_id": media_id, "created_at": str(int(self.now()))}
        )

    def _known_media(self, media_id: Any, owner: str, media_type: str) -> None:
        media = self.media.get(media_id) if isinstance(media_id, str) else None
        if (
            media is None
            or media.owner != owner
            or media.media_type != media_type
            or self.now() - media.at > MEDIA_TTL
        ):
            raise Refused(40007, "invalid media_id")

    # ---- corporate API ----------------------------------------------------------------

    async def gettoken(self, request: web.Request) -> web.Response:
        self.token_hits += 1
        if self.ip_denied:
            raise Refused(60020, "not allow to access from your ip")
        if request.query.get("corpid") != self.corp_id:
            raise Refused(40013, "invalid corpid")
        if request.query.get("corpsecret") != self.corp_secret:
            raise Refused(40001, "invalid credential")
        now = self.now()
        live = [(value, at) for value, at in self.tokens.items() if at > now]
        if live:
            value, expiry = live[0]
        else:
            value, expiry = f"fake-token-{secrets.token_hex(16)}", now + self.token_lifetime
            self.tokens[value] = expiry
        return self.answer({"access_token": value, "expires_in": int(expiry - now)})

    async def send(self, request: web.Request) -> web.Response:
        self._token(request)
        body = await self._json(request)
        agentid = body.get("agentid")
        if isinstance(agentid, bool) or not isinstance(agentid, int) or agentid not in self.agents:
            raise Refused(40056, "invalid agentid")
        users, parties, tags = (_split(body.get(k)) for k in ("touser", "toparty", "totag"))
        if not (users or parties or tags):
            raise Refused(40058, "touser, toparty and totag are all empty")
        if len(users) > 1000 or len(parties) > 100 or len(tags) > 100:
            raise Refused(40058, "too many recipients")
        msgtype = body.get("msgtype")
        if msgtype not in APP_TYPES:
            raise Refused(40008, "invalid message type")
        content = body.get(msgtype)
        if not isinstance(content, dict):
            raise Refused(40058, f"{msgtype} is missing")
        self._check_app_content(msgtype, content)
        invalid_users = [u for u in users if u != "@all" and u not in self.users]
        unlicensed = [u for u in users if u in self.unlicensed]
        invalid_parties = [p for p in parties if p not in self.parties]
        invalid_tags = [t for t in tags if t not in self.tags]
        refused = {
            "invaliduser": "|".join(invalid_users),
            "invalidparty": "|".join(invalid_parties),
            "invalidtag": "|".join(invalid_tags),
            "unlicenseduser": "|".join(unlicensed),
        }
        valid = (
            [u for u in users if u not in invalid_users and u not in unlicensed]
            + [p for p in parties if p not in invalid_parties]
            + [t for t in tags if t not in invalid_tags]
        )
        if not valid:
            raise Refused(81013, "user & party & tag all invalid", **refused)
        msgid = f"msg-{next(self._ids)}-{secrets.token_hex(8)}"
        self.messages[msgid] = AppMessage(body, self.now())
        answer = {**refused, "msgid": msgid}
        if msgtype == "template_card" and content.get("card_type") in INTERACTIVE_CARDS:
            code = secrets.token_urlsafe(18)
            self.response_codes[code] = msgid
            answer["response_code"] = code
        return self.answer(answer)

    def _check_app_content(self, msgtype: str, content: dict[str, Any]) -> None:
        if msgtype in ("text", "markdown"):
            _text(content.get("content"), 2048)
        elif msgtype in ("image", "voice", "video", "file"):
            self._known_media(content.get("media_id"), "app", msgtype)
        elif msgtype == "textcard":
            for name in ("title", "description", "url"):
                if not content.get(name):
                    raise Refused(40058, f"textcard.{name} is missing")
            _limit(content["title"], 128)
            _limit(content["description"], 512)
        elif msgtype == "news":
            for article in _articles(content):
                if not article.get("title") or not (article.get("url") or article.get("appid")):
                    raise Refused(40058, "an article needs a title and a url")
                _limit(article["title"], 128)
                _limit(article.get("description") or "", 512)
        elif msgtype == "mpnews":
            for article in _articles(content):
                if not article.get("title") or not article.get("content"):
                    raise Refused(40058, "an mpnews article needs a title and content")
                self._known_media(article.get("thumb_media_id"), "app", "image")
        elif msgtype == "miniprogram_notice":
            if not content.get("appid") or not content.get("title"):
                raise Refused(40058, "miniprogram_notice needs appid and title")
        else:  # template_card
            card_type = content.get("card_type")
            if card_type not in APP_CARDS:
                raise Refused(40058, "invalid card_type")
            if card_type in INTERACTIVE_CARDS and not content.get("task_id"):
                raise Refused(40058, "task_id is required for interactive cards")

    async def recall(self, request: web.Request) -> web.Response:
        self._token(request)
        body = await self._json(request)
        message = self.messages.get(str(body.get("msgid") or ""))
        if message is None or message.recalled:
            raise Refused(40058, "invalid msgid")
        if self.now() - message.at > RECALL_WINDOW:
            raise Refused(40058, "message sent more than 24 hours ago")
        message.recalled = True
        return self.answer()

    async def update_template_card(self, request: web.Request) -> web.Response:
        self._token(request)
        body = await self._json(request)
        if body.get("agentid") not in self.agents:
            raise Refused(40056, "invalid agentid")
        code = str(body.get("response_code") or "")
        if code not in self.response_codes:
            raise Refused(40058, "invalid response_code")
        del self.response_codes[code]
        self.card_updates.append(body)
        unknown = [u for u in body.get("userids") or [] if u not in self.users]
        return self.answer({"invaliduser": unknown})

    async def media_upload(self, request: web.Request) -> web.Response:
        self._token(request)
        media_type = request.query.get("type", "")
        if media_type not in APP_MEDIA_LIMITS:
            raise Refused(40005, "invalid type")
        filename, content = await self._media_part(request)
        if not 5 <= len(content) <= APP_MEDIA_LIMITS[media_type]:
            raise Refused(APP_MEDIA_CODES[media_type], "invalid file size")
        return self._new_media("app", media_type, filename, len(content))

    # ---- group robots -------------------------------------------------------------------

    def _robot_key(self, request: web.Request) -> str:
        key = request.query.get("key", "")
        if key not in self.robot_keys:
            raise Refused(93000, "invalid webhook url")
        return key

    async def robot_send(self, request: web.Request) -> web.Response:
        key = self._robot_key(request)
        if request.content_type != "application/json":
            raise Refused(40058, "Content-Type must be application/json")
        body = await self._json(request)
        msgtype = body.get("msgtype")
        if msgtype not in ROBOT_TYPES:
            raise Refused(40008, "invalid message type")
        content = body.get(msgtype)
        if not isinstance(content, dict):
            raise Refused(40058, f"{msgtype} is missing")
        self._check_robot_content(key, msgtype, content)
        now = time.monotonic()
        times = [t for t in self._robot_times[key] if t > now - self.robot_window]
        if len(times) >= self.robot_limit:
            self._robot_times[key] = times
            raise Refused(45009, "api freq out of limit")
        self._robot_times[key] = [*times, now]
        self.robot_messages.append((key, body))
        return self.answer()

    def _check_robot_content(self, key: str, msgtype: str, content: dict[str, Any]) -> None:
        if msgtype == "text":
            _text(content.get("content"), 2048)
            for name in ("mentioned_list", "mentioned_mobile_list"):
                value = content.get(name, [])
                if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                    raise Refused(40058, f"{name} must be a list of strings")
        elif msgtype in ("markdown", "markdown_v2"):
            _text(content.get("content"), 4096)
        elif msgtype == "image":
            try:
                raw = base64.b64decode(str(content.get("base64", "")), validate=True)
            except (binascii.Error, ValueError):
                raise Refused(40058, "image.base64 is not base64") from None
            if not raw or len(raw) > 2 * MB:
                raise Refused(40009, "invalid image size")
            if not raw.startswith((b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")):
                raise Refused(40058, "image must be JPG or PNG")
            if content.get("md5") != hashlib.md5(raw).hexdigest():
                raise Refused(40058, "image.md5 is not the MD5 of the image")
        elif msgtype == "news":
            for article in _articles(content):
                if not article.get("title") or not article.get("url"):
                    raise Refused(40058, "an article needs a title and a url")
                _limit(article["title"], 128)
                _limit(article.get("description") or "", 512)
        elif msgtype in ("file", "voice"):
            self._known_media(content.get("media_id"), key, msgtype)
        else:  # template_card
            if content.get("card_type") not in ROBOT_CARDS:
                raise Refused(40058, "invalid card_type")
            if not isinstance(content.get("card_action"), dict):
                raise Refused(40058, "card_action is required")

    async def robot_upload(self, request: web.Request) -> web.Response:
        key = self._robot_key(request)
        media_type = request.query.get("type", "")
        if media_type not in ROBOT_MEDIA_LIMITS:
            raise Refused(40005, "invalid type")
        filename, content = await self._media_part(request)
        if not 5 <= len(content) <= ROBOT_MEDIA_LIMITS[media_type]:
            raise Refused(40006, "invalid file size")
        return self._new_media(key, media_type, filename, len(content))

    def app(self) -> web.Application:
        app = web.Application(middlewares=[self._serve], client_max_size=64 * MB)
        app.router.add_get("/cgi-bin/gettoken", self.gettoken)
        app.router.add_post("/cgi-bin/message/send", self.send)
        app.router.add_post("/cgi-bin/message/recall", self.recall)
        app.router.add_post("/cgi-bin/message/update_template_card", self.update_template_card)
        app.router.add_post("/cgi-bin/media/upload", self.media_upload)
        app.router.add_post("/cgi-bin/webhook/send", self.robot_send)
        app.router.add_post("/cgi-bin/webhook/upload_media", self.robot_upload)
        return app


def _split(value: Any) -> list[str]:
    return [part for part in str(value or "").split("|") if part]


def _text(value: Any, limit: int) -> None:
    if not isinstance(value, str) or not value:
        raise Refused(44004, "empty content")
    _limit(value, limit)


def _limit(value: str, limit: int) -> None:
    if len(value.encode("utf-8")) > limit:
        raise Refused(45002, "content size out of limit")


def _articles(content: dict[str, Any]) -> list[dict[str, Any]]:
    articles = content.get("articles")
    if not isinstance(articles, list) or not 1 <= len(articles) <= 8:
        raise Refused(40058, "1 to 8 articles")
    if not all(isinstance(a, dict) for a in articles):
        raise Refused(40058, "articles must be objects")
    return articles
