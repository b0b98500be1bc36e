import pytest
from cryptography.fernet import Fernet

from hub.errors import SecretsUnreadable, SettingsError
from hub.tenants.crypto import KeyRing, key_id


def new_key() -> str:
    return Fernet.generate_key().decode()


def test_round_trip_with_primary_key_id() -> None:
    a, b = new_key(), new_key()
    ring = KeyRing([a, b])
    kid, token = ring.encrypt({"api_key": "value-123456"})
    assert kid == ring.primary_id == key_id(a)
    assert "value-123456" not in token
    assert ring.decrypt(token) == {"api_key": "value-123456"}


def test_key_ids_are_stable_distinct_and_reveal_no_key() -> None:
    a, b = new_key(), new_key()
    ring = KeyRing([a, b])
    assert ring.key_ids == [key_id(a), key_id(b)]
    assert KeyRing([a]).key_ids == [key_id(a)]
    assert key_id(a) != key_id(b)
    assert len(key_id(a)) == 12
    assert key_id(a) not in a


def test_older_keys_still_decrypt() -> None:
    a, b = new_key(), new_key()
    _, token = KeyRing([a]).encrypt({"x": "y"})
    assert KeyRing([b, a]).decrypt(token) == {"x": "y"}


def test_wrong_ring_is_secrets_unreadable() -> None:
    _, token = KeyRing([new_key()]).encrypt({"x": "y"})
    with pytest.raises(SecretsUnreadable) as info:
        KeyRing([new_key()]).decrypt(token, what="secrets of config c1")
    assert "secrets of config c1" in info.value.message
    with pytest.raises(SecretsUnreadable):
        KeyRing([new_key()]).decrypt("not-a-fernet-token")


@pytest.mark.parametrize(
    "bad",
    ["short-key-material-XYZ", "Zm9vYmFyYmF6cXV4LW5vdC0zMi1ieXRlcw==", "é" * 44],
)
def test_invalid_key_is_settings_error_without_key_material(bad: str) -> None:
    with pytest.raises(SettingsError) as info:
        KeyRing([new_key(), bad])
    assert "#2" in info.value.message
    assert bad not in str(info.value)
    assert bad[:8] not in str(info.value)


def test_empty_ring_is_settings_error() -> None:
    with pytest.raises(SettingsError):
        KeyRing([])


def test_rotate_moves_token_to_primary() -> None:
    a, b = new_key(), new_key()
    _, token = KeyRing([a]).encrypt({"x": "y"})
    kid, rotated = KeyRing([b, a]).rotate(token)
    assert kid == key_id(b)
    assert KeyRing([b]).decrypt(rotated) == {"x": "y"}
    with pytest.raises(SecretsUnreadable):
        KeyRing([b]).rotate(token)
