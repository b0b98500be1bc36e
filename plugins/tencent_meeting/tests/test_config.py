"""The config model: what each auth mode needs, defaults, URL and allowlist checks, secrets."""

from typing import Any

import pytest
from hub.context import HubContext
from hub.errors import ValidationFailed
from hub.providers import secret_fields
from hub.tenants.schemas import ConfigCreate, TenantCreate
from pydantic import ValidationError

from hub_tencent_meeting.config import (
    DEFAULT_BASE_URL,
    DEFAULT_OAUTH_BASE_URL,
    TencentMeetingConfig,
)

SIGNATURE = {"app_id": "211000000", "secret_id": "AKIDx", "secret_key": "k"}
OAUTH = {"auth_mode": "oauth", "sdk_id": "10066660661", "secret_key": "s"}


def test_fixed_field_names_and_secrets() -> None:
    fields = set(TencentMeetingConfig.model_fields)
    assert {
        "app_id", "sdk_id", "secret_id", "secret_key", "auth_mode", "operator_id",
        "webhook_token", "encoding_aes_key", "ip_allowlist", "base_url",
    } <= fields  # fmt: skip
    assert sorted(secret_fields(TencentMeetingConfig)) == [
        "encoding_aes_key", "secret_key", "webhook_token",
    ]  # fmt: skip


def test_signature_defaults() -> None:
    config = TencentMeetingConfig.model_validate(SIGNATURE)
    assert config.auth_mode == "signature" and not config.oauth
    assert config.base_url == DEFAULT_BASE_URL == "https://api.meeting.qq.com"
    assert config.oauth_base_url == DEFAULT_OAUTH_BASE_URL
    assert config.sdk_id == "" and config.operator_id is None
    assert config.ip_allowlist == [] and config.enable_unverified_api is False
    assert config.secret() == "k"
    assert "k'" not in repr(config)


@pytest.mark.parametrize(
    ("values", "missing"),
    [
        ({"secret_id": "AKIDx", "secret_key": "k"}, "app_id"),
        ({"app_id": "1", "secret_key": "k"}, "secret_id"),
        ({"app_id": "1", "secret_id": "AKIDx"}, "secret_key"),
        ({**SIGNATURE, "secret_key": ""}, "secret_key"),
        ({"app_id": " ", "secret_id": "AKIDx", "secret_key": "k"}, "app_id"),
        ({"auth_mode": "oauth", "secret_key": "s"}, "sdk_id"),
        ({"auth_mode": "oauth", "sdk_id": "1"}, "secret_key"),
    ],
)
def test_required_per_mode(values: dict[str, Any], missing: str) -> None:
    with pytest.raises(ValidationError, match=missing):
        TencentMeetingConfig.model_validate(values)


def test_oauth_needs_no_secret_id() -> None:
    config = TencentMeetingConfig.model_validate(OAUTH)
    assert config.oauth and config.secret_id == ""


@pytest.mark.parametrize("field", ["base_url", "oauth_base_url"])
def test_urls(field: str) -> None:
    config = TencentMeetingConfig.model_validate({**SIGNATURE, field: " http://127.0.0.1:8080/ "})
    assert getattr(config, field) == "http://127.0.0.1:8080"
    with pytest.raises(ValidationError, match="http"):
        TencentMeetingConfig.model_validate({**SIGNATURE, field: "ftp://example.com"})


def test_unknown_auth_mode() -> None:
    with pytest.raises(ValidationError):
        TencentMeetingConfig.model_validate({**SIGNATURE, "auth_mode": "jwt"})


def test_ip_allowlist_uses_the_core_type() -> None:
    config = TencentMeetingConfig.model_validate(
        {**SIGNATURE, "ip_allowlist": ["10.0.0.1", "192.168.0.0/16", "::1"]}
    )
    assert config.ip_allowlist == ["10.0.0.1/32", "192.168.0.0/16", "::1/128"]
    with pytest.raises(ValidationError, match="not an IP address"):
        TencentMeetingConfig.model_validate({**SIGNATURE, "ip_allowlist": ["10.0.0.300"]})


def test_operator_blank_is_none() -> None:
    config = TencentMeetingConfig.model_validate({**SIGNATURE, "operator_id": "  "})
    assert config.operator_id is None


async def test_stored_config_keeps_secrets_encrypted(ctx: HubContext) -> None:
    await ctx.tenants.create(TenantCreate(slug="acme", name="Acme"))
    record = await ctx.configs.create(
        ConfigCreate(
            tenant="acme",
            provider="tencent_meeting",
            name="default",
            config={**SIGNATURE, "secret_key": "very-secret-key", "webhook_token": "hook-token"},
        )
    )
    assert "secret_key" not in record.settings and "webhook_token" not in record.settings
    assert record.settings["secret_id"] == "AKIDx"
    assert sorted(record.secret_names) == ["secret_key", "webhook_token"]
    values = await ctx.configs.values(record.id)
    assert isinstance(values, TencentMeetingConfig)
    assert values.secret() == "very-secret-key"


async def test_invalid_config_is_refused_when_written(ctx: HubContext) -> None:
    await ctx.tenants.create(TenantCreate(slug="acme", name="Acme"))
    with pytest.raises(ValidationFailed) as caught:
        await ctx.configs.create(
            ConfigCreate(
                tenant="acme",
                provider="tencent_meeting",
                name="default",
                config={"app_id": "1", "secret_key": "very-secret-key"},
            )
        )
    assert "secret_id" in str(caught.value.details)
    assert "very-secret-key" not in str(caught.value.details)
