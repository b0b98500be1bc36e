"""First-start secrets: the encryption key ring and the admin token.

When `HUB_SECRET_KEYS` / `HUB_ADMIN_TOKEN` are not set, they are generated once
into files under the data directory (mode 0600) and read from there afterwards.
The log names the files, never their contents.
"""

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

import structlog
from cryptography.fernet import Fernet

from hub.settings import Settings

KEYS_FILE = "secret_keys"
TOKEN_FILE = "admin_token"

log = structlog.get_logger("hub.keyfiles")


@dataclass(frozen=True)
class ProcessSecrets:
    keys: list[str]
    admin_token: str
    keys_source: str
    token_source: str


def _write_new(path: Path, content: str) -> bool:
    """Create `path` with mode 0600; False if another process won the race."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return False
    with os.fdopen(fd, "w") as fh:
        fh.write(content)
    return True


def _read_lines(path: Path) -> list[str]:
    return [line.strip() for line in path.read_text().splitlines() if line.strip()]


def ensure_data_dir(settings: Settings) -> Path:
    settings.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    return settings.data_dir


def load_process_secrets(settings: Settings) -> ProcessSecrets:
    data_dir = ensure_data_dir(settings)
    if settings.secret_keys:
        keys = [k.get_secret_value() for k in settings.secret_keys]
        keys_source = "HUB_SECRET_KEYS"
    else:
        path = data_dir / KEYS_FILE
        if _write_new(path, Fernet.generate_key().decode() + "\n"):
            log.info("generated encryption key", path=str(path.resolve()))
        keys = _read_lines(path)
        keys_source = str(path)
    if settings.admin_token is not None:
        token = settings.admin_token.get_secret_value()
        token_source = "HUB_ADMIN_TOKEN"
    else:
        path = data_dir / TOKEN_FILE
        if _write_new(path, secrets.token_urlsafe(32) + "\n"):
            log.info("generated admin API bearer credential", path=str(path.resolve()))
        lines = _read_lines(path)
        token = lines[0] if lines else ""
        token_source = str(path)
    return ProcessSecrets(keys, token, keys_source, token_source)


def add_key_to_file(settings: Settings) -> Path:
    """Put a fresh key first in the data-dir key file (it becomes the primary)."""
    path = ensure_data_dir(settings) / KEYS_FILE
    existing = _read_lines(path) if path.exists() else []
    tmp = path.with_suffix(".tmp")
    tmp.unlink(missing_ok=True)
    _write_new(tmp, "\n".join([Fernet.generate_key().decode(), *existing]) + "\n")
    tmp.replace(path)
    return path
