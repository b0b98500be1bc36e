"""Encryption of config secrets with a ring of Fernet keys.

The first key encrypts, every key decrypts. Each ciphertext is stored beside
the id of the key that wrote it, so rotation knows which rows still need work.
"""

import hashlib
import json
from collections.abc import Sequence
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from hub.errors import SecretsUnreadable, SettingsError


def key_id(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()[:12]


class KeyRing:
    def __init__(self, keys: Sequence[str]) -> None:
        if not keys:
            raise SettingsError("no encryption key configured")
        fernets = []
        for position, key in enumerate(keys, start=1):
            try:
                fernets.append(Fernet(key.encode()))
            except (ValueError, TypeError):
                raise SettingsError(
                    f"encryption key #{position} is not a valid Fernet key "
                    "(32 url-safe base64-encoded bytes)"
                ) from None
        self._multi = MultiFernet(fernets)
        self.key_ids = [key_id(k) for k in keys]

    @property
    def primary_id(self) -> str:
        return self.key_ids[0]

    def encrypt(self, data: dict[str, Any]) -> tuple[str, str]:
        token = self._multi.encrypt(json.dumps(data, separators=(",", ":")).encode())
        return self.primary_id, token.decode()

    def decrypt(self, token: str, *, what: str = "secrets") -> dict[str, Any]:
        try:
            raw = self._multi.decrypt(token.encode())
        except InvalidToken:
            raise SecretsUnreadable(
                f"{what} cannot be decrypted with any configured key"
            ) from None
        return json.loads(raw)

    def rotate(self, token: str, *, what: str = "secrets") -> tuple[str, str]:
        try:
            new = self._multi.rotate(token.encode())
        except InvalidToken:
            raise SecretsUnreadable(
                f"{what} cannot be decrypted with any configured key"
            ) from None
        return self.primary_id, new.decode()
