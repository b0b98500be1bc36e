"""`hub_wecom.crypto` against the reference's vectors (§3.7) and an independent encoder."""

import base64

import pytest

from hub_wecom import crypto
from hub_wecom.crypto import CryptoError, ErrorCode, WeComCrypto

from . import wecom_sender as ws


@pytest.fixture
def wecom() -> WeComCrypto:
    return WeComCrypto(ws.TOKEN, ws.AES_KEY, ws.CORP_ID)


def test_key_and_iv() -> None:
    key = crypto.aes_key(ws.AES_KEY)
    assert key.hex() == ws.AES_KEY_HEX
    assert key[:16].hex() == "8d69989bbaabe67328014c194631ad07"


def test_v1_url_verification(wecom: WeComCrypto) -> None:
    assert crypto.signature(ws.TOKEN, ws.TIMESTAMP, ws.NONCE, ws.V1_ECHOSTR) == ws.V1_SIGNATURE
    plain = wecom.open(ws.V1_SIGNATURE, ws.TIMESTAMP, ws.NONCE, ws.V1_ECHOSTR)
    assert plain == ws.V1_PLAINTEXT.encode()
    encrypted = crypto.encrypt(plain, wecom.key, ws.CORP_ID, ws.RANDOM16)
    assert encrypted == ws.V1_ECHOSTR


def test_v2_inbound_message(wecom: WeComCrypto) -> None:
    assert len(ws.V2_PLAINTEXT.encode()) == 277
    assert crypto.signature(ws.TOKEN, ws.TIMESTAMP, ws.NONCE, ws.V2_ENCRYPT) == ws.V2_SIGNATURE
    assert wecom.open(ws.V2_SIGNATURE, ws.TIMESTAMP, ws.NONCE, ws.V2_ENCRYPT) == (
        ws.V2_PLAINTEXT.encode()
    )
    assert crypto.encrypt(ws.V2_PLAINTEXT.encode(), wecom.key, ws.CORP_ID, ws.RANDOM16) == (
        ws.V2_ENCRYPT
    )


def test_v3_reply_with_a_full_padding_block(wecom: WeComCrypto) -> None:
    message = ws.V3_PLAINTEXT.encode()
    assert len(message) == 218 and (16 + 4 + 218 + len(ws.CORP_ID)) % 32 == 0
    encrypted, signature = wecom.seal(message, ws.TIMESTAMP, ws.NONCE, ws.RANDOM16)
    assert (encrypted, signature) == (ws.V3_ENCRYPT, ws.V3_SIGNATURE)
    # 256 bytes of plaintext + one whole block of 32 bytes 0x20.
    assert len(base64.b64decode(encrypted)) == 256 + 32
    assert crypto.decrypt(encrypted, wecom.key, ws.CORP_ID) == message
    # The independent decoder agrees (it insists on valid PKCS#7 with a 32-byte block).
    assert ws.decrypt(encrypted) == (message, ws.CORP_ID)


def test_every_vector_starts_with_the_same_block() -> None:
    """Same fixed random16 under the same key and IV = key[:16]: same first cipher block.

    (The reference says the first 22 base64 characters agree; 16 bytes are 21⅓
    characters, so the 22nd already carries two bits of the second block.)
    """
    first = {base64.b64decode(v)[:16] for v in (ws.V1_ECHOSTR, ws.V2_ENCRYPT, ws.V3_ENCRYPT)}
    assert len(first) == 1
    assert ws.V1_ECHOSTR[:21] == ws.V2_ENCRYPT[:21] == ws.V3_ENCRYPT[:21]


@pytest.mark.parametrize("size", [0, 1, 11, 12, 13, 43, 44, 45, 300])
def test_round_trip_with_the_independent_encoder(wecom: WeComCrypto, size: int) -> None:
    """Lengths around the 32-byte boundary (16 + 4 + size + 18 hits a multiple at 12, 44)."""
    message = bytes(range(256)) * 2
    message = message[:size]
    theirs = ws.encrypt(message)
    assert crypto.decrypt(theirs, wecom.key, ws.CORP_ID) == message
    ours = crypto.encrypt(message, wecom.key, ws.CORP_ID)
    assert ws.decrypt(ours) == (message, ws.CORP_ID)
    assert ours != crypto.encrypt(message, wecom.key, ws.CORP_ID)  # a fresh random16 each time


def test_padding_accepts_1_to_32() -> None:
    for size in range(1, 33):
        assert crypto.unpad(b"x" * 7 + bytes([size]) * size) == b"x" * 7
    assert crypto.pad(b"") == bytes([32]) * 32
    assert crypto.pad(b"a" * 31) == b"a" * 31 + b"\x01"


@pytest.mark.parametrize(
    "data", [b"", b"abc\x00", b"abc" + bytes([33]) * 33, b"ab\x03\x03", b"\x05" * 4]
)
def test_bad_padding_is_an_illegal_buffer(data: bytes) -> None:
    with pytest.raises(CryptoError) as caught:
        crypto.unpad(data)
    assert caught.value.code is ErrorCode.ILLEGAL_BUFFER


def test_flipped_signature_character_is_refused(wecom: WeComCrypto) -> None:
    flipped = ws.V2_SIGNATURE[:-1] + ("6" if ws.V2_SIGNATURE[-1] != "6" else "7")
    with pytest.raises(CryptoError) as caught:
        wecom.open(flipped, ws.TIMESTAMP, ws.NONCE, ws.V2_ENCRYPT)
    assert caught.value.code is ErrorCode.VALIDATE_SIGNATURE == -40001
    with pytest.raises(CryptoError):
        wecom.open("", ws.TIMESTAMP, ws.NONCE, ws.V2_ENCRYPT)
    # Upper-case hex is the same signature.
    assert wecom.open(ws.V2_SIGNATURE.upper(), ws.TIMESTAMP, ws.NONCE, ws.V2_ENCRYPT)


def test_signature_covers_every_input(wecom: WeComCrypto) -> None:
    for timestamp, nonce, encrypted in [
        ("1409659814", ws.NONCE, ws.V2_ENCRYPT),
        (ws.TIMESTAMP, "1372623148", ws.V2_ENCRYPT),
        (ws.TIMESTAMP, ws.NONCE, ws.V2_ENCRYPT[:-4] + "AAA="),
    ]:
        with pytest.raises(CryptoError) as caught:
            wecom.open(ws.V2_SIGNATURE, timestamp, nonce, encrypted)
        assert caught.value.code is ErrorCode.VALIDATE_SIGNATURE
    other = WeComCrypto("QDG6eL", ws.AES_KEY, ws.CORP_ID)
    with pytest.raises(CryptoError):
        other.open(ws.V2_SIGNATURE, ws.TIMESTAMP, ws.NONCE, ws.V2_ENCRYPT)


def test_wrong_corp_id_is_refused() -> None:
    wrong = WeComCrypto(ws.TOKEN, ws.AES_KEY, "wrongcorp")
    with pytest.raises(CryptoError) as caught:
        wrong.open(ws.V2_SIGNATURE, ws.TIMESTAMP, ws.NONCE, ws.V2_ENCRYPT)
    assert caught.value.code is ErrorCode.VALIDATE_CORPID == -40005
    assert "wrongcorp" not in str(caught.value) and ws.CORP_ID not in str(caught.value)


def test_truncated_ciphertext_is_refused(wecom: WeComCrypto) -> None:
    raw = base64.b64decode(ws.V2_ENCRYPT)
    truncated = base64.b64encode(raw[:-5]).decode()  # not whole 16-byte blocks
    with pytest.raises(CryptoError) as caught:
        crypto.decrypt(truncated, wecom.key, ws.CORP_ID)
    assert caught.value.code is ErrorCode.DECRYPT_AES
    whole_blocks = base64.b64encode(raw[:-32]).decode()  # loses the receive id and padding
    with pytest.raises(CryptoError) as caught:
        crypto.decrypt(whole_blocks, wecom.key, ws.CORP_ID)
    assert caught.value.code in (ErrorCode.ILLEGAL_BUFFER, ErrorCode.VALIDATE_CORPID)
    with pytest.raises(CryptoError) as caught:
        crypto.decrypt(ws.V2_ENCRYPT[:-3], wecom.key, ws.CORP_ID)  # no longer base64
    assert caught.value.code is ErrorCode.DECODE_BASE64
    with pytest.raises(CryptoError) as caught:
        crypto.decrypt("", wecom.key, ws.CORP_ID)
    assert caught.value.code is ErrorCode.DECRYPT_AES


def test_length_field_beyond_the_data_is_refused(wecom: WeComCrypto) -> None:
    forged = ws.RANDOM16 + (10_000).to_bytes(4, "big") + b"short" + ws.CORP_ID.encode()
    encryptor = crypto._cipher(wecom.key).encryptor()
    encrypted = base64.b64encode(encryptor.update(crypto.pad(forged)) + encryptor.finalize())
    with pytest.raises(CryptoError) as caught:
        crypto.decrypt(encrypted.decode(), wecom.key, ws.CORP_ID)
    assert caught.value.code is ErrorCode.ILLEGAL_BUFFER
    tiny = base64.b64encode(
        crypto._cipher(wecom.key).encryptor().update(crypto.pad(b"0123456789"))
    ).decode()
    with pytest.raises(CryptoError) as caught:
        crypto.decrypt(tiny, wecom.key, ws.CORP_ID)
    assert caught.value.code is ErrorCode.ILLEGAL_BUFFER


def test_malformed_aes_key() -> None:
    with pytest.raises(CryptoError) as caught:
        WeComCrypto(ws.TOKEN, ws.AES_KEY[:-1], ws.CORP_ID)
    assert caught.value.code is ErrorCode.ILLEGAL_AES_KEY
    with pytest.raises(CryptoError):
        crypto.aes_key(ws.AES_KEY[:-1] + "-")


def test_random16_must_be_16_bytes(wecom: WeComCrypto) -> None:
    with pytest.raises(ValueError, match="16 bytes"):
        crypto.encrypt(b"x", wecom.key, ws.CORP_ID, b"short")


def test_error_codes_are_the_sdks() -> None:
    assert {code.name: int(code) for code in ErrorCode if code} == {
        "VALIDATE_SIGNATURE": -40001, "PARSE_XML": -40002, "COMPUTE_SIGNATURE": -40003,
        "ILLEGAL_AES_KEY": -40004, "VALIDATE_CORPID": -40005, "ENCRYPT_AES": -40006,
        "DECRYPT_AES": -40007, "ILLEGAL_BUFFER": -40008, "ENCODE_BASE64": -40009,
        "DECODE_BASE64": -40010, "GEN_RETURN_XML": -40011,
    }  # fmt: skip
    assert str(CryptoError(ErrorCode.VALIDATE_CORPID, "no")) == "no (-40005)"
