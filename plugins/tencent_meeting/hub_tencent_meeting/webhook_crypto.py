"""Tencent Meeting's webhook signature and optional AES encryption (reference §8.1-8.3).

Used by the webhook handler to verify and decrypt what Tencent sends, and by
`hub tencent-meeting webhook test` to sign and encrypt a sample event exactly
the way Tencent does, so a test delivery goes through the same checks.

Signature: lower-case hex SHA-1 of the four strings token, timestamp, nonce and
data (or check_str) sorted lexicographically and joined without separator.
Encryption: AES-256-CBC with key = base64(EncodingAESKey + "="), IV = the
key's first 16 bytes, PKCS#7 padding; the ciphertext travels as base64.
"""

import base64
import binascii
import hashlib
import json
from typing import Any

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

AES_BLOCK = 16
# Tencent pads to 16-byte blocks; 32 (WeCom's block) is accepted too, as some
# implementations of the same scheme use it. [unverified which one Tencent uses]
MAX_PADDING = 32


class UndecodableData(ValueError):
    """`data` or `check_str` is not base64, does not decrypt, or is not the expected text."""


class InvalidAesKey(ValueError):
    """The configured EncodingAESKey is not 43 characters of base64 (32 bytes)."""


def signature(token: str, timestamp: str, nonce: str, data: str) -> str:
    """The `signature` header Tencent sends with every callback."""
    joined = "".join(sorted([token, timestamp, nonce, data]))
    return hashlib.sha1(joined.encode("utf-8")).hexdigest()


def aes_key(encoding_aes_key: str) -> bytes:
    """The 32-byte AES key; tolerates the key pasted with its "=" padding or whitespace."""
    text = "".join(encoding_aes_key.split()).rstrip("=")
    try:
        key = base64.b64decode(text + "=" * (-len(text) % 4), validate=True)
    except (binascii.Error, ValueError):
        raise InvalidAesKey("the EncodingAESKey is not base64") from None
    if len(key) != 32:
        raise InvalidAesKey("the EncodingAESKey must be 43 characters (32 bytes of base64)")
    return key


def b64decode(text: str) -> bytes:
    """Base64 as Tencent sends it: the "=" padding may be missing (the official example
    omits it); the URL-safe alphabet is accepted too."""
    cleaned = text.strip().replace("-", "+").replace("_", "/").rstrip("=")
    if len(cleaned) % 4 == 1:
        raise UndecodableData("data is not base64")
    try:
        return base64.b64decode(cleaned + "=" * (-len(cleaned) % 4), validate=True)
    except (binascii.Error, ValueError):
        raise UndecodableData("data is not base64") from None


def _unpad(plain: bytes) -> bytes:
    """Strip PKCS#7 padding; bytes that are not valid padding are left for the caller."""
    size = plain[-1] if plain else 0
    if 1 <= size <= MAX_PADDING and len(plain) >= size and plain[-size:] == bytes([size]) * size:
        return plain[:-size]
    return plain


def decrypt(ciphertext: bytes, key: bytes) -> bytes:
    if not ciphertext or len(ciphertext) % AES_BLOCK:
        raise UndecodableData("data is not AES-CBC ciphertext (not whole 16-byte blocks)")
    decryptor = Cipher(algorithms.AES(key), modes.CBC(key[:AES_BLOCK])).decryptor()
    return _unpad(decryptor.update(ciphertext) + decryptor.finalize())


def encrypt(plaintext: bytes, key: bytes) -> bytes:
    size = AES_BLOCK - len(plaintext) % AES_BLOCK
    encryptor = Cipher(algorithms.AES(key), modes.CBC(key[:AES_BLOCK])).encryptor()
    return encryptor.update(plaintext + bytes([size]) * size) + encryptor.finalize()


def decode(data: str, encoding_aes_key: str | None) -> bytes:
    """The plaintext bytes of `data` or `check_str`: base64, then AES when a key is set."""
    raw = b64decode(data)
    if not encoding_aes_key:
        return raw
    return decrypt(raw, aes_key(encoding_aes_key))


def encode(plaintext: bytes, encoding_aes_key: str | None) -> str:
    """What Tencent puts in `data` or `check_str` for `plaintext`."""
    if encoding_aes_key:
        plaintext = encrypt(plaintext, aes_key(encoding_aes_key))
    return base64.b64encode(plaintext).decode("ascii")


def check_text(plain: bytes) -> str:
    """The URL-verification plaintext to echo back."""
    try:
        return plain.decode("utf-8")
    except UnicodeDecodeError:
        raise UndecodableData("check_str does not decode to text") from None


def first_json_object(plain: bytes) -> dict[str, Any]:
    """The first complete JSON object in `plain`; whatever follows it is ignored.

    Some implementations of this scheme report bytes after the JSON in the
    decrypted text (reference §8.3), so the object is parsed on its own.
    Undecodable bytes become U+FFFD first: they can only sit outside the JSON
    of a genuine event.
    """
    text = plain.decode("utf-8", errors="replace").lstrip("\ufeff \t\r\n")
    try:
        value, _end = json.JSONDecoder().raw_decode(text)
    except (ValueError, RecursionError):
        raise UndecodableData("data does not decode to a JSON object") from None
    if not isinstance(value, dict):
        raise UndecodableData("data does not decode to a JSON object")
    return value
