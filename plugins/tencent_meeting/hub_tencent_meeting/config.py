"""What an administrator enters for one Tencent Meeting application of a tenant.

One config is one application: an enterprise self-built app whose requests are
signed with SecretId/SecretKey (`auth_mode="signature"`), or a third-party
OAuth2 app acting for the user who authorized it (`auth_mode="oauth"`). The
field names are fixed: stored configs, the CLI and outside tests use them.
"""

from typing import Literal, Self

from hub.webhooks import IpAllowlist
from pydantic import BaseModel, Field, SecretStr, field_validator, model_validator

DEFAULT_BASE_URL = "https://api.meeting.qq.com"
DEFAULT_OAUTH_BASE_URL = "https://meeting.tencent.com/wemeet-webapi/v2/oauth2/oauth"
"""Root of the OAuth2 endpoints `access_token`, `refresh_token` and `user_info`.

Taken from Tencent's public OAuth2 documentation, not from the official SDK
(which has no OAuth2 calls) [unverified against the SDK]; overridable per config
for private deployments and tests.
"""

AuthMode = Literal["signature", "oauth"]


def _url(value: str) -> str:
    value = value.strip().rstrip("/")
    if not value.startswith(("https://", "http://")):
        raise ValueError("must be an http(s) URL")
    return value


class TencentMeetingConfig(BaseModel):
    auth_mode: AuthMode = Field(
        default="signature",
        description="signature: enterprise self-built app (SecretId/SecretKey signing); "
        "oauth: third-party app with the access token of the user who authorized it.",
    )
    app_id: str = Field(
        default="",
        max_length=64,
        description="AppId (the enterprise id). Required for signature mode; the corp_id of "
        "the OAuth authorize page.",
    )
    sdk_id: str = Field(
        default="",
        max_length=64,
        description="SdkId (the application id). Optional for old signature apps; required "
        "for oauth mode.",
    )
    secret_id: str = Field(
        default="", max_length=128, description="SecretId, sent as X-TC-Key (signature mode)."
    )
    secret_key: SecretStr | None = Field(
        default=None,
        description="SecretKey that signs every request (signature mode), or the OAuth app "
        "secret (oauth mode).",
    )
    operator_id: str | None = Field(
        default=None,
        max_length=128,
        description="Default operator userid for calls that need one (signature mode).",
    )
    webhook_token: SecretStr | None = Field(
        default=None, description="Token of the event subscription; unset: no webhooks."
    )
    encoding_aes_key: SecretStr | None = Field(
        default=None, description="EncodingAESKey (43 characters) when events are encrypted."
    )
    ip_allowlist: IpAllowlist = Field(
        default=[], description="Addresses or CIDR networks Tencent posts events from; empty: any."
    )
    base_url: str = Field(default=DEFAULT_BASE_URL, description="API root.")
    oauth_base_url: str = Field(
        default=DEFAULT_OAUTH_BASE_URL,
        description="Root of the OAuth2 endpoints (access_token, refresh_token, user_info).",
    )

    enable_unverified_api: bool = Field(
        default=False,
        description="Allow calls to API paths taken from Tencent's docs but not from the "
        "official SDK (departments, votes, documents, live, roles, enterprise recordings).",
    )

    @field_validator("base_url", "oauth_base_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        return _url(value)

    @field_validator("app_id", "sdk_id", "secret_id")
    @classmethod
    def _strip(cls, value: str) -> str:
        return value.strip()

    @field_validator("operator_id")
    @classmethod
    def _operator(cls, value: str | None) -> str | None:
        value = (value or "").strip()
        return value or None

    @model_validator(mode="after")
    def _credentials(self) -> Self:
        """Refuse a config that could never make a call, when it is written."""
        missing = []
        if self.auth_mode == "signature":
            missing = [name for name in ("app_id", "secret_id") if not getattr(self, name)]
        elif not self.sdk_id:
            missing = ["sdk_id"]
        if self.secret_key is None or not self.secret_key.get_secret_value():
            missing.append("secret_key")
        if missing:
            raise ValueError(f"{self.auth_mode} mode needs {', '.join(missing)}")
        return self

    @property
    def oauth(self) -> bool:
        return self.auth_mode == "oauth"

    def secret(self) -> str:
        """The SecretKey (or OAuth app secret); validation guarantees it is set."""
        assert self.secret_key is not None
        return self.secret_key.get_secret_value()
