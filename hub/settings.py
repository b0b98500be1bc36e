"""Process settings from `HUB_*` environment variables and `.env`.

Only what the process needs to start lives here. Provider configuration is data
in the database (see `hub.tenants`), never settings.
"""

from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


def _split_commas(value: object) -> object:
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return value


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="HUB_", env_file=".env", extra="ignore", validate_default=True
    )

    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy async URL; default: SQLite file hub.db in the data directory.",
    )
    host: str = "127.0.0.1"
    port: int = Field(default=8080, ge=1, le=65535)
    data_dir: Path = Path("./var")
    secret_keys: Annotated[list[SecretStr], NoDecode] = Field(
        default_factory=list,
        description="Comma-separated Fernet keys; the first encrypts, all decrypt.",
    )
    admin_token: SecretStr | None = None
    disable_plugins: Annotated[list[str], NoDecode] = Field(default_factory=list)
    log_format: Literal["auto", "json", "console"] = "auto"
    log_level: Literal["debug", "info", "warning", "error"] = "info"
    auto_migrate: bool = True
    config_poll_seconds: float = Field(default=5.0, gt=0)
    max_body_bytes: int = Field(default=1024 * 1024, gt=0)

    # event bus
    bus_max_attempts: int = Field(default=8, ge=1, description="Attempts before dead-letter.")
    bus_retry_base_seconds: float = Field(default=1.0, gt=0)
    bus_retry_max_seconds: float = Field(default=600.0, gt=0)
    # webhook intake
    webhook_max_body_bytes: int = Field(default=1024 * 1024, gt=0)
    webhook_rejections_kept: int = Field(default=1000, ge=0, description="Audit rows per config.")
    webhook_trust_forwarded_for: bool = Field(
        default=False,
        description="Take the caller's address from X-Forwarded-For (last entry); only behind "
        "a trusted reverse proxy that sets it.",
    )
    webhook_max_attempts: int = Field(default=5, ge=1, description="Processing attempts.")
    webhook_retry_base_seconds: float = Field(default=1.0, gt=0)
    # outbound HTTP
    http_timeout_seconds: float = Field(default=30.0, gt=0)
    http_max_attempts: int = Field(default=4, ge=1)
    call_log_retention_days: float = Field(default=14.0, gt=0)
    # sync
    sync_tick_seconds: float = Field(default=5.0, gt=0, description="How often due jobs are run.")

    _split = field_validator("secret_keys", "disable_plugins", mode="before")(_split_commas)

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return normalize_database_url(self.database_url)
        path = (self.data_dir / "hub.db").as_posix()
        # A relative data directory reads as relative ("./var/hub.db"), not as "/var".
        return f"sqlite+aiosqlite:///{path if self.data_dir.is_absolute() else './' + path}"


def normalize_database_url(url: str) -> str:
    """Accept the plain driver-less spellings users paste from elsewhere."""
    for plain, asyncified in (
        ("postgres://", "postgresql+asyncpg://"),
        ("postgresql://", "postgresql+asyncpg://"),
        ("sqlite:///", "sqlite+aiosqlite:///"),
    ):
        if url.startswith(plain):
            return asyncified + url[len(plain) :]
    return url
