"""The corporate API of one application: access token, message send and recall, cards, media.

`AppClient` declares WeCom's error codes and leaves the rest to the hub's
outbound layer (docs/outbound.md): the access token is cached per config and
refreshed once for all callers; a token WeCom calls invalid, expired or
missing (40014, 42001, 41001) is refreshed once and the call repeated once;
busy answers (-1, 45033) are retried with backoff; 45009 ("api freq out of
limit") waits at least 60 s; a refused secret, corp id or caller IP (40001,
40013, 60020) fails at once. Clients are cheap: make one per use.
"""

import time
from dataclasses import dataclass, field
from typing import Any, ClassVar

from hub.http import (
    Backoff,
    ErrorCode,
    IssuedToken,
    OutboundHTTP,
    Outgoing,
    ProviderClient,
    Response,
)

from hub_wecom import PROVIDER
from hub_wecom.client import answers
from hub_wecom.client.answers import UploadedMedia
from hub_wecom.config import AppConfig

APP_MEDIA_TYPES = ("image", "voice", "video", "file")


def _ids(value: Any) -> list[str]:
    """WeCom lists recipients as one `a|b|c` string; empty or absent means none."""
    if isinstance(value, list):
        return [str(v) for v in value if str(v)]
    return [part for part in str(value or "").split("|") if part]


@dataclass(frozen=True)
class SendResult:
    """What message/send answered: the message id and the recipients WeCom refused."""

    msgid: str | None
    invalid_users: list[str] = field(default_factory=list)
    invalid_parties: list[str] = field(default_factory=list)
    invalid_tags: list[str] = field(default_factory=list)
    unlicensed_users: list[str] = field(default_factory=list)
    response_code: str | None = None

    @classmethod
    def of(cls, data: dict[str, Any]) -> "SendResult":
        return cls(
            msgid=str(data["msgid"]) if data.get("msgid") else None,
            invalid_users=_ids(data.get("invaliduser")),
            invalid_parties=_ids(data.get("invalidparty")),
            invalid_tags=_ids(data.get("invalidtag")),
            unlicensed_users=_ids(data.get("unlicenseduser")),
            response_code=str(data["response_code"]) if data.get("response_code") else None,
        )


@dataclass(frozen=True)
class TokenState:
    """Whether this process holds an app's access token, and for how long; never the token."""

    cached: bool
    expires_in: float | None


def token_state(http: OutboundHTTP, config_id: str) -> TokenState:
    """The access token this process holds for an app config: whether, and for how long."""
    token = http.tokens.peek((PROVIDER, config_id, AppClient.token_name))
    if token is None:
        return TokenState(cached=False, expires_in=None)
    left = None if token.expires_at is None else max(0.0, token.expires_at - time.monotonic())
    return TokenState(cached=True, expires_in=left)


class AppClient(ProviderClient):
    provider: ClassVar[str] = PROVIDER
    uses_token: ClassVar[bool] = True
    retryable_codes = frozenset({-1, 45033})
    rate_limit_codes = {45009: 60.0}
    token_error_codes = frozenset({40014, 41001, 42001})
    auth_error_codes = frozenset({40001, 40013, 60020})

    def __init__(
        self,
        http: OutboundHTTP,
        config_id: str | None,
        config: AppConfig,
        *,
        backoff: Backoff | None = None,
    ) -> None:
        super().__init__(http, config_id, config, base_url=config.base_url, backoff=backoff)
        self.app = config

    # ---- the outbound layer's hooks ---------------------------------------------

    def error_code(self, response: Response) -> ErrorCode | None:
        return answers.error_code(response)

    async def fetch_token(self) -> IssuedToken:
        """GET /cgi-bin/gettoken; WeCom answers the same token until it expires (7200 s)."""
        response = await self.request(
            "GET",
            "/cgi-bin/gettoken",
            params={
                "corpid": self.app.corp_id,
                "corpsecret": self.app.corp_secret.get_secret_value(),
            },
            auth=False,
            idempotent=True,
        )
        data = response.json_or_none() or {}
        if not isinstance(data, dict) or not data.get("access_token"):
            raise self.invalid_response(response, "no access_token in the answer")
        return IssuedToken(str(data["access_token"]), expires_in=data.get("expires_in"))

    def apply_token(self, request: Outgoing, token: str) -> None:
        request.url = request.url.update_query(access_token=token)

    # ---- WeCom's API ----------------------------------------------------------------

    def token_state(self) -> TokenState:
        return token_state(self.http, self.config_id or "")

    async def send(self, message: dict[str, Any]) -> SendResult:
        """POST /cgi-bin/message/send with `agentid` filled in; the body is WeCom's own shape.

        Recipients WeCom refuses come back in the result (errcode 0); all of them
        refused is errcode 81013, raised as `ProviderError` like every other refusal.
        """
        body = {**message, "agentid": self.app.agent_id}
        data = await self.request_json("POST", "/cgi-bin/message/send", json=body)
        return SendResult.of(data)

    async def recall(self, msgid: str) -> None:
        """POST /cgi-bin/message/recall: only within 24 h of sending, WeCom says."""
        await self.request_json("POST", "/cgi-bin/message/recall", json={"msgid": msgid})

    async def update_template_card(self, update: dict[str, Any]) -> list[str]:
        """POST /cgi-bin/message/update_template_card with a `response_code` (single use, 72 h).

        Returns the user ids WeCom could not update (`invaliduser`).
        """
        body = {**update, "agentid": self.app.agent_id}
        data = await self.request_json("POST", "/cgi-bin/message/update_template_card", json=body)
        return _ids(data.get("invaliduser"))

    async def upload_media(self, media_type: str, filename: str, content: bytes) -> UploadedMedia:
        """POST /cgi-bin/media/upload (multipart, part `media`); the id is valid for 3 days."""
        if media_type not in APP_MEDIA_TYPES:
            raise ValueError(f"media type must be one of {', '.join(APP_MEDIA_TYPES)}")
        response = await self.request(
            "POST",
            "/cgi-bin/media/upload",
            params={"type": media_type},
            data=answers.media_form(filename, content),
            idempotent=True,  # a second upload only leaves an unused media file behind
        )
        data = response.json_or_none()
        if not isinstance(data, dict) or not data.get("media_id"):
            raise self.invalid_response(response, "no media_id in the answer")
        return answers.uploaded(data, media_type)
