import stat
from pathlib import Path

import pytest

from hub.keyfiles import KEYS_FILE, TOKEN_FILE, add_key_to_file, load_process_secrets
from hub.settings import Settings
from hub.tenants.crypto import KeyRing
from tests.helpers.logcapture import captured_logs


@pytest.fixture
def bare_settings(tmp_path: Path) -> Settings:
    return Settings(_env_file=None, data_dir=tmp_path / "var", secret_keys=[], admin_token=None)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_first_start_generates_files_with_mode_0600(bare_settings: Settings) -> None:
    with captured_logs("info") as logs:
        first = load_process_secrets(bare_settings)
    keys_path = bare_settings.data_dir / KEYS_FILE
    token_path = bare_settings.data_dir / TOKEN_FILE
    assert mode(keys_path) == 0o600
    assert mode(token_path) == 0o600
    assert len(first.keys) == 1
    KeyRing(first.keys)  # a usable Fernet key
    assert len(first.admin_token) >= 32
    assert first.keys_source == str(keys_path)
    assert first.token_source == str(token_path)

    lines = logs.records()
    paths = {line.get("path") for line in lines}
    assert str(keys_path.resolve()) in paths
    assert str(token_path.resolve()) in paths
    assert first.keys[0] not in logs.text
    assert first.admin_token not in logs.text


def test_second_start_reuses_files_silently(bare_settings: Settings) -> None:
    first = load_process_secrets(bare_settings)
    with captured_logs("info") as logs:
        second = load_process_secrets(bare_settings)
    assert second.keys == first.keys
    assert second.admin_token == first.admin_token
    assert logs.records() == []


def test_environment_values_win_over_files(tmp_path: Path) -> None:
    key = "WmDmmUcvAuCuYgoNIqHRvU9zFFW2t2j4UzfgiSfWk1I="
    settings = Settings(
        _env_file=None, data_dir=tmp_path / "var", secret_keys=key, admin_token="tok-123456"
    )
    secrets = load_process_secrets(settings)
    assert secrets.keys == [key]
    assert secrets.admin_token == "tok-123456"
    assert (secrets.keys_source, secrets.token_source) == ("HUB_SECRET_KEYS", "HUB_ADMIN_TOKEN")
    assert not (settings.data_dir / KEYS_FILE).exists()
    assert not (settings.data_dir / TOKEN_FILE).exists()


def test_added_key_becomes_primary_and_keeps_old(bare_settings: Settings) -> None:
    first = load_process_secrets(bare_settings)
    path = add_key_to_file(bare_settings)
    assert mode(path) == 0o600
    again = load_process_secrets(bare_settings)
    assert len(again.keys) == 2
    assert again.keys[1] == first.keys[0]
    assert KeyRing(again.keys).primary_id != KeyRing(first.keys).primary_id
