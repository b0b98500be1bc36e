"""A group robot's webhook: send a message, upload a file or voice for it.

The webhook key in the `key` query parameter is the robot's only credential,
so it is declared sensitive: the call log, warnings and errors show `***`.
WeCom allows 20 messages a minute per robot; the limit is declared on the
core's rate limiter per config (one config = one robot), so the hub never
sends the 21st, and a 45009 that still comes (another sender on the same
robot) waits at least 60 s before the retry. 93000 means the key is wrong or
the robot was removed: it fails at once.
"""

from typing import Any, ClassVar

from hub.http import (
    Backoff,
    ErrorCode,
    OutboundHTTP,
    ProviderClient,
    ProviderError,
    RateLimit,
    Response,
)

from hub_wecom import PROVIDER
from hub_wecom.client import answers
from hub_wecom.client.answers import UploadedMedia
from hub_wecom.config import RobotConfig

ROBOT_MEDIA_TYPES = ("file", "voice")
MESSAGES_PER_MINUTE = 20
PROBE_MSGTYPE = "hub_connection_check"
"""Not a message type: WeCom refuses it (40008) after accepting the key, and posts nothing."""
INVALID_MSGTYPE = "40008"


class RobotClient(ProviderClient):
    provider: ClassVar[str] = PROVIDER
    retryable_codes = frozenset({-1})
    rate_limit_codes = {45009: 60.0}
    auth_error_codes = frozenset({93000})
    sensitive_params = frozenset({"key"})
    messages_per_minute: ClassVar[int] = MESSAGES_PER_MINUTE

    def __init__(
        self,
        http: OutboundHTTP,
        config_id: str | None,
        config: RobotConfig,
        *,
        backoff: Backoff | None = None,
    ) -> None:
        super().__init__(http, config_id, config, base_url=config.base_url, backoff=backoff)
        self.robot = config

    def error_code(self, response: Response) -> ErrorCode | None:
        return answers.error_code(response)

    @classmethod
    def message_limit(cls) -> RateLimit:
        """WeCom's sliding 20-a-minute window of a robot, shared by every caller."""
        return RateLimit(cls.messages_per_minute, per=60, name="robot_messages")

    @property
    def _key(self) -> dict[str, str]:
        return {"key": self.robot.webhook_key.get_secret_value()}

    async def send(self, message: dict[str, Any]) -> None:
        """POST /cgi-bin/webhook/send; WeCom answers no message id for robots."""
        await self.request_json(
            "POST",
            "/cgi-bin/webhook/send",
            params=self._key,
            json=message,
            limits=[self.message_limit()],
        )

    async def upload_media(self, media_type: str, filename: str, content: bytes) -> UploadedMedia:
        """POST /cgi-bin/webhook/upload_media (multipart, part `media`); for this robot only."""
        if media_type not in ROBOT_MEDIA_TYPES:
            raise ValueError(f"media type must be one of {', '.join(ROBOT_MEDIA_TYPES)}")
        response = await self.request(
            "POST",
            "/cgi-bin/webhook/upload_media",
            params={**self._key, "type": media_type},
            data=answers.media_form(filename, content),
            idempotent=True,  # a second upload only leaves an unused media file behind
        )
        data = response.json_or_none()
        if not isinstance(data, dict) or not data.get("media_id"):
            raise self.invalid_response(response, "no media_id in the answer")
        return answers.uploaded(data, media_type)

    async def probe(self) -> None:
        """Check that WeCom knows the key, without posting anything to the group.

        Sends a message of a type that does not exist: a known key gets 40008
        (invalid message type) and returns; an unknown one gets 93000, raised as
        `AuthFailed`. Any other refusal is raised as it came.
        """
        try:
            await self.request(
                "POST",
                "/cgi-bin/webhook/send",
                params=self._key,
                json={"msgtype": PROBE_MSGTYPE},
                limits=[self.message_limit()],
            )
        except ProviderError as exc:
            if exc.provider_code != INVALID_MSGTYPE:
                raise
