"""WeCom's callback signature and AES encryption, byte for byte as the reference §3 describes.

- Signature: lower-case hex SHA-1 of token, timestamp, nonce and the base64
  ciphertext, sorted as byte strings and joined without separator; compared in
  constant time.
- Cipher: AES-256-CBC, key = base64(EncodingAESKey + "="), IV = the key's first
  16 bytes, no library padding.
- Plaintext: random16 || 4-byte big-endian length || message || receive id
  (the CorpID), padded PKCS#7-style to a multiple of **32** bytes (1-32 pad
  bytes; a full block of 32 bytes 0x20 when the length is already a multiple).

Errors carry the codes of WeCom's reference SDK (`ErrorCode`), so a log line
or rejection names the same failure WeCom's own samples would.
"""

import base64
import binascii
import hashlib
import hmac
import secrets
import struct
from enum import IntEnum

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from hub_wecom.config import aes_key_bytes

AES_BLOCK = 16
PAD_BLOCK = 32
RANDOM_BYTES = 16
_LENGTH = struct.Struct(">I")


class ErrorCode(IntEnum):
    """The reference SDK's error codes (WXBizMsgCrypt)."""

    OK = 0
    VALIDATE_SIGNATURE = -40001
    PARSE_XML = -40002
    COMPUTE_SIGNATURE = -40003
    ILLEGAL_AES_KEY = -40004
    VALIDATE_CORPID = -40005
    ENCRYPT_AES = -40006
    DECRYPT_AES = -40007
    ILLEGAL_BUFFER = -40008
    ENCODE_BASE64 = -40009
    DECODE_BASE64 = -40010
    GEN_RETURN_XML = -40011


class CryptoError(Exception):
    """A callback that fails a check; `code` is the SDK's number for it. Never holds a secret."""

    def __init__(self, code: ErrorCode, reason: str) -> None:
        super().__init__(f"{reason} ({int(code)})")
        self.code = code
        self.reason = reason


def signature(token: str, timestamp: str, nonce: str, encrypt: str) -> str:
    """`msg_signature` (reference §3.2): SHA-1 over the four strings sorted as bytes."""
    parts = sorted(value.encode("utf-8") for value in (token, timestamp, nonce, encrypt))
    return hashlib.sha1(b"".join(parts)).hexdigest()


def check_signature(token: str, timestamp: str, nonce: str, encrypt: str, given: str) -> None:
    """Raise VALIDATE_SIGNATURE unless `given` is the signature; constant-time compare."""
    expected = signature(token, timestamp, nonce, encrypt)
    if not given or not hmac.compare_digest(given.strip().lower().encode(), expected.encode()):
        raise CryptoError(ErrorCode.VALIDATE_SIGNATURE, "msg_signature does not match")


def aes_key(encoding_aes_key: str) -> bytes:
    try:
        return aes_key_bytes(encoding_aes_key)
    except ValueError:
        raise CryptoError(ErrorCode.ILLEGAL_AES_KEY, "the EncodingAESKey is malformed") from None


def pad(data: bytes) -> bytes:
    """PKCS#7 to a multiple of 32 bytes: 1-32 bytes, each the pad length."""
    size = PAD_BLOCK - len(data) % PAD_BLOCK
    return data + bytes([size]) * size


def unpad(data: bytes) -> bytes:
    """Strip 1-32 pad bytes; anything else is an ILLEGAL_BUFFER."""
    size = data[-1] if data else 0
    if not 1 <= size <= PAD_BLOCK or len(data) < size or data[-size:] != bytes([size]) * size:
        raise CryptoError(ErrorCode.ILLEGAL_BUFFER, "the decrypted data has no valid padding")
    return data[:-size]


def _cipher(key: bytes) -> Cipher[modes.CBC]:
    return Cipher(algorithms.AES(key), modes.CBC(key[:AES_BLOCK]))


def encrypt(message: bytes, key: bytes, receive_id: str, random16: bytes | None = None) -> str:
    """Base64 of the encrypted plaintext layout; `random16` is fixed only by tests."""
    prefix = secrets.token_bytes(RANDOM_BYTES) if random16 is None else random16
    if len(prefix) != RANDOM_BYTES:
        raise ValueError("random16 must be 16 bytes")
    plain = prefix + _LENGTH.pack(len(message)) + message + receive_id.encode("utf-8")
    encryptor = _cipher(key).encryptor()
    return base64.b64encode(encryptor.update(pad(plain)) + encryptor.finalize()).decode("ascii")


def decrypt(encrypt_b64: str, key: bytes, receive_id: str) -> bytes:
    """The message inside `Encrypt`/`echostr`; its receive id must equal `receive_id`.

    Raises DECODE_BASE64 (not base64), DECRYPT_AES (not whole AES blocks),
    ILLEGAL_BUFFER (bad padding or length) or VALIDATE_CORPID (another corp's
    message, or a truncated one).
    """
    try:
        raw = base64.b64decode("".join(encrypt_b64.split()), validate=True)
    except (binascii.Error, ValueError):
        raise CryptoError(ErrorCode.DECODE_BASE64, "the ciphertext is not base64") from None
    if not raw or len(raw) % AES_BLOCK:
        raise CryptoError(ErrorCode.DECRYPT_AES, "the ciphertext is not whole AES blocks")
    decryptor = _cipher(key).decryptor()
    plain = unpad(decryptor.update(raw) + decryptor.finalize())
    head = RANDOM_BYTES + _LENGTH.size
    if len(plain) < head:
        raise CryptoError(ErrorCode.ILLEGAL_BUFFER, "the decrypted data is too short")
    (length,) = _LENGTH.unpack_from(plain, RANDOM_BYTES)
    if length > len(plain) - head:
        raise CryptoError(ErrorCode.ILLEGAL_BUFFER, "the message length exceeds the data")
    message, found = plain[head : head + length], plain[head + length :]
    if found != receive_id.encode("utf-8"):
        raise CryptoError(ErrorCode.VALIDATE_CORPID, "the receive id is not this config's corp id")
    return message


class WeComCrypto:
    """One application's callback keys: verify + decrypt what WeCom sends, encrypt replies."""

    def __init__(self, token: str, encoding_aes_key: str, receive_id: str) -> None:
        self.token = token
        self.key = aes_key(encoding_aes_key)
        self.receive_id = receive_id

    def open(self, msg_signature: str, timestamp: str, nonce: str, encrypt_b64: str) -> bytes:
        """Check the signature over `encrypt_b64`, then decrypt it (GET echostr or POST Encrypt)."""
        check_signature(self.token, timestamp, nonce, encrypt_b64, msg_signature)
        return decrypt(encrypt_b64, self.key, self.receive_id)

    def seal(
        self, message: bytes, timestamp: str, nonce: str, random16: bytes | None = None
    ) -> tuple[str, str]:
        """(Encrypt, MsgSignature) for a passive reply (reference §3.6)."""
        encrypted = encrypt(message, self.key, self.receive_id, random16)
        return encrypted, signature(self.token, timestamp, nonce, encrypted)
