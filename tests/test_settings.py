from pathlib import Path

import pytest
from pydantic import ValidationError

from hub.settings import Settings, normalize_database_url


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Only what a test sets: no HUB_* from the outer environment, no `.env` around."""
    import os

    for name in list(os.environ):
        if name.startswith("HUB_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)


def test_defaults() -> None:
    s = Settings()
    assert s.port == 8080
    assert s.host == "127.0.0.1"
    assert s.data_dir == Path("./var")
    assert s.secret_keys == []
    assert s.disable_plugins == []
    assert s.admin_token is None
    assert s.auto_migrate is True
    assert s.max_body_bytes == 1024 * 1024
    assert s.effective_database_url == "sqlite+aiosqlite:///./var/hub.db"


def test_default_database_follows_data_dir(tmp_path: Path) -> None:
    s = Settings(data_dir=tmp_path / "data")
    assert s.effective_database_url == f"sqlite+aiosqlite:///{tmp_path.as_posix()}/data/hub.db"
    assert Settings(data_dir=Path("state")).effective_database_url == (
        "sqlite+aiosqlite:///./state/hub.db"
    )


def test_env_comma_lists(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HUB_SECRET_KEYS", " key-one, key-two ,,key-three")
    monkeypatch.setenv("HUB_DISABLE_PLUGINS", "slack,teams")
    s = Settings()
    assert [k.get_secret_value() for k in s.secret_keys] == ["key-one", "key-two", "key-three"]
    assert s.disable_plugins == ["slack", "teams"]
    assert "key-one" not in repr(s)


def test_env_single_values(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HUB_PORT", "9090")
    monkeypatch.setenv("HUB_HOST", "0.0.0.0")
    monkeypatch.setenv("HUB_DATA_DIR", "/srv/hub")
    monkeypatch.setenv("HUB_ADMIN_TOKEN", "tok-123")
    monkeypatch.setenv("HUB_AUTO_MIGRATE", "false")
    monkeypatch.setenv("HUB_LOG_FORMAT", "console")
    monkeypatch.setenv("HUB_MAX_BODY_BYTES", "2048")
    s = Settings()
    assert (s.port, s.host, s.data_dir) == (9090, "0.0.0.0", Path("/srv/hub"))
    assert s.admin_token is not None and s.admin_token.get_secret_value() == "tok-123"
    assert s.auto_migrate is False
    assert s.log_format == "console"
    assert s.max_body_bytes == 2048
    assert s.effective_database_url == "sqlite+aiosqlite:////srv/hub/hub.db"


def test_dotenv_file_is_read(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("HUB_PORT=7000\nHUB_DISABLE_PLUGINS=a,b\n")
    s = Settings()
    assert s.port == 7000
    assert s.disable_plugins == ["a", "b"]


@pytest.mark.parametrize("port", ["0", "70000", "eighty"])
def test_invalid_port_is_rejected(monkeypatch: pytest.MonkeyPatch, port: str) -> None:
    monkeypatch.setenv("HUB_PORT", port)
    with pytest.raises(ValidationError):
        Settings()


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgres://u:p@db:5432/hub", "postgresql+asyncpg://u:p@db:5432/hub"),
        ("postgresql://u:p@db/hub", "postgresql+asyncpg://u:p@db/hub"),
        ("postgresql+asyncpg://u:p@db/hub", "postgresql+asyncpg://u:p@db/hub"),
        ("sqlite:///./x.db", "sqlite+aiosqlite:///./x.db"),
        ("sqlite+aiosqlite:////abs/x.db", "sqlite+aiosqlite:////abs/x.db"),
    ],
)
def test_database_url_normalization(given: str, expected: str) -> None:
    assert normalize_database_url(given) == expected


def test_env_database_url_is_normalized(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HUB_DATABASE_URL", "postgres://hub:pw@localhost/hub")
    assert Settings().effective_database_url == "postgresql+asyncpg://hub:pw@localhost/hub"
