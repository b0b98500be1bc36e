"""What an administrator enters for a tenant's WeCom: an application, or a group robot.

Two config kinds of provider `wecom` (the names are fixed; stored configs, the
CLI and outside tests use them):

- `app`: a self-built application of an enterprise. `corp_id`, `agent_id` and
  `corp_secret` get access tokens and send application messages; `token` and
  `encoding_aes_key` are the "receive messages" (接收消息) settings of the same
  application, which sign and encrypt the callbacks WeCom posts to the hub.
- `robot`: a group robot (群机器人), push-only; its webhook key is the only
  credential WeCom gives it.
"""

import base64
import re
from typing import Any, Self
from urllib.parse import parse_qs, urlsplit

from hub.webhooks import IpAllowlist
from pydantic import BaseModel, Field, SecretStr, field_validator, model_validator

DEFAULT_BASE_URL = "https://qyapi.weixin.qq.com"

_CORP_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_TOKEN = re.compile(r"^[A-Za-z0-9]{3,32}$")
_AES_KEY = re.compile(r"^[A-Za-z0-9+/]{43}$")
_ROBOT_KEY = re.compile(
    r"^[A-Za-z0-9]{8}-[A-Za-z0-9]{4}-[A-Za-z0-9]{4}-[A-Za-z0-9]{4}-[A-Za-z0-9]{12}$"
)


def http_url(value: str) -> str:
    value = value.strip().rstrip("/")
    if not value.startswith(("https://", "http://")):
        raise ValueError("must be an http(s) URL")
    return value


def aes_key_bytes(encoding_aes_key: str) -> bytes:
    """The 32-byte AES key behind an EncodingAESKey (reference §3.1); ValueError if malformed.

    WeCom's console generates exactly 43 characters of the standard base64
    alphabet; base64-decoding them with one "=" appended gives the key.
    """
    if not _AES_KEY.match(encoding_aes_key):
        raise ValueError("must be exactly 43 characters of A-Z, a-z, 0-9, + and /")
    key = base64.b64decode(encoding_aes_key + "=")
    if len(key) != 32:  # cannot happen for 43 base64 characters; kept as the reference's rule
        raise ValueError("does not decode to a 32-byte AES key")
    return key


def robot_key_from(value: str) -> str:
    """The key itself, also when the whole webhook URL (`...send?key=KEY`) was pasted."""
    value = value.strip()
    if value.startswith(("https://", "http://")):
        keys = parse_qs(urlsplit(value).query).get("key", [])
        value = keys[0].strip() if keys else ""
    return value


class AppConfig(BaseModel):
    """An enterprise-internal application (自建应用) and its callback settings."""

    corp_id: str = Field(
        description="CorpID (企业ID), from My Company > Company Information; also the "
        "receive id every callback is encrypted for."
    )
    agent_id: int = Field(
        description="AgentId of the application (应用管理, the app page); a positive integer."
    )
    corp_secret: SecretStr = Field(description="The application's Secret; gets access tokens.")
    token: SecretStr | None = Field(
        default=None,
        description="Token of the app's Receive Messages API settings (3-32 letters or "
        "digits); unset: the config receives no callbacks.",
    )
    encoding_aes_key: SecretStr | None = Field(
        default=None,
        description="EncodingAESKey of the same settings: 43 characters; set with token.",
    )
    ip_allowlist: IpAllowlist = Field(
        default=[],
        description="Addresses or CIDR networks WeCom calls back from; empty: any.",
    )
    base_url: str = Field(default=DEFAULT_BASE_URL, description="API root.")

    @field_validator("corp_id")
    @classmethod
    def _corp_id(cls, value: str) -> str:
        value = value.strip()
        if not _CORP_ID.match(value):
            raise ValueError("must be 1-64 letters, digits, '-' or '_' (e.g. ww0123456789abcdef)")
        return value

    @field_validator("agent_id", mode="before")
    @classmethod
    def _agent_id(cls, value: Any) -> int:
        """An integer, or a string of digits as the console shows it; never a bool or float."""
        if isinstance(value, str) and value.strip().isdigit():
            value = int(value.strip())
        if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 2**31:
            raise ValueError("must be a positive integer (the application's AgentId)")
        return value

    @field_validator("token")
    @classmethod
    def _token(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None:
            return None
        if not _TOKEN.match(value.get_secret_value()):
            raise ValueError("must be 3-32 letters or digits")
        return value

    @field_validator("encoding_aes_key")
    @classmethod
    def _aes_key(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None:
            return None
        aes_key_bytes(value.get_secret_value())
        return value

    @field_validator("base_url")
    @classmethod
    def _base_url(cls, value: str) -> str:
        return http_url(value)

    @model_validator(mode="after")
    def _callback_pair(self) -> Self:
        """Callbacks need both: one without the other could never be verified or decrypted."""
        if (self.token is None) != (self.encoding_aes_key is None):
            raise ValueError("token and encoding_aes_key are set together, or neither")
        return self

    @property
    def receives_callbacks(self) -> bool:
        return self.token is not None and self.encoding_aes_key is not None


class RobotConfig(BaseModel):
    """A group robot (群机器人): push-only, identified by its webhook key."""

    webhook_key: SecretStr = Field(
        description="The key of the robot's webhook URL (…/cgi-bin/webhook/send?key=KEY); "
        "the whole URL may be pasted."
    )
    base_url: str = Field(default=DEFAULT_BASE_URL, description="API root.")
    name: str | None = Field(default=None, max_length=100, description="A label for people.")
    description: str | None = Field(default=None, max_length=500)

    @field_validator("webhook_key", mode="before")
    @classmethod
    def _webhook_key(cls, value: Any) -> Any:
        raw = value.get_secret_value() if isinstance(value, SecretStr) else value
        if not isinstance(raw, str):
            return value
        key = robot_key_from(raw)
        if not _ROBOT_KEY.match(key):
            raise ValueError(
                "must be the robot's key, 36 characters like "
                "693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa (or the whole webhook URL)"
            )
        return key

    @field_validator("base_url")
    @classmethod
    def _base_url(cls, value: str) -> str:
        return http_url(value)
