"""Request signing against the reference's test vectors, and the OAuth2 helpers."""

import base64
import time
from urllib.parse import parse_qs, urlsplit

import pytest

from hub_tencent_meeting import auth
from hub_tencent_meeting.config import TencentMeetingConfig

SECRET_ID = "AKIDexampleSecretId0001"
SECRET_KEY = "ExampleSecretKey/abcdef0123456789"

VECTORS = [
    pytest.param(
        "GET",
        "1700000000",
        "1234567890",
        "/v1/meetings/7568892010213337856?operator_id=admin01&operator_id_type=1&instanceid=1",
        b"",
        "5c2c1a2f6bf269c8fb82c7551c2dca8e88b05791a82fd9ed4db3ada4795558c7",
        "NWMyYzFhMmY2YmYyNjljOGZiODJjNzU1MWMyZGNhOGU4OGIwNTc5MWE4MmZkOWVkNGRiM2FkYTQ3OTU1NThjNw==",
        id="A-get-with-query",
    ),
    pytest.param(
        "POST",
        "1700000300",
        "987654321",
        "/v1/meetings",
        b'{"userid":"admin01","instanceid":1,"subject":"Weekly sync","type":0,'
        b'"start_time":"1700010000","end_time":"1700013600"}',
        "a2585d5568ceb9e7f19a61d00225c9da72a76329dc99d495ad200980faa08233",
        "YTI1ODVkNTU2OGNlYjllN2YxOWE2MWQwMDIyNWM5ZGE3MmE3NjMyOWRjOTlkNDk1YWQyMDA5ODBmYWEwODIzMw==",
        id="B-post-json",
    ),
    pytest.param(
        "GET",
        "1700000600",
        "42",
        "/v1/users/list?page=1&page_size=20&operator_id=admin01&operator_id_type=1",
        b"",
        "b12de8e6f10120fe57966421dd4ffdab367db92441a19824a66cdb5190a784c6",
        "YjEyZGU4ZTZmMTAxMjBmZTU3OTY2NDIxZGQ0ZmZkYWIzNjdkYjkyNDQxYTE5ODI0YTY2Y2RiNTE5MGE3ODRjNg==",
        id="C-get-list-paging",
    ),
]


def signature_config(**overrides: str) -> TencentMeetingConfig:
    values = {
        "app_id": "211000000",
        "sdk_id": "28790000000",
        "secret_id": SECRET_ID,
        "secret_key": SECRET_KEY,
        **overrides,
    }
    return TencentMeetingConfig.model_validate(values)


@pytest.mark.parametrize(
    ("method", "timestamp", "nonce", "uri", "body", "hex_digest", "header"), VECTORS
)
def test_reference_vectors(
    method: str, timestamp: str, nonce: str, uri: str, body: bytes, hex_digest: str, header: str
) -> None:
    assert auth.hex_signature(SECRET_KEY, method, SECRET_ID, nonce, timestamp, uri, body) == (
        hex_digest
    )
    assert auth.signature(SECRET_KEY, method, SECRET_ID, nonce, timestamp, uri, body) == header
    # base64 of the 64-character hex text, not of the raw digest: 88 characters.
    assert len(header) == 88
    assert base64.b64decode(header).decode() == hex_digest


def test_vector_b_body_is_the_reference_bytes() -> None:
    body = VECTORS[1].values[4]
    assert isinstance(body, bytes)
    assert len(body) == 118


def test_string_to_sign_layout() -> None:
    message = auth.string_to_sign("get", "K", "7", "170", "/v1/x?a=1", b'{"k":"\xe4\xbc\x9a"}')
    assert message == (
        b"GET\nX-TC-Key=K&X-TC-Nonce=7&X-TC-Timestamp=170\n/v1/x?a=1\n"
        b'{"k":"\xe4\xbc\x9a"}'
    )


def test_one_character_changes_the_signature() -> None:
    base = auth.signature(SECRET_KEY, "GET", SECRET_ID, "42", "1700000600", "/v1/users/list?page=1")
    assert base != auth.signature(
        SECRET_KEY, "GET", SECRET_ID, "42", "1700000600", "/v1/users/list?page=2"
    )
    assert base != auth.signature(
        SECRET_KEY + "x", "GET", SECRET_ID, "42", "1700000600", "/v1/users/list?page=1"
    )


def test_signed_headers_match_the_sdk() -> None:
    config = signature_config()
    uri = VECTORS[0].values[3]
    headers = auth.signed_headers(config, "GET", uri, timestamp="1700000000", nonce="1234567890")
    assert headers == {
        "Content-Type": "application/json; charset=utf-8",
        "X-TC-Key": SECRET_ID,
        "AppId": "211000000",
        "SdkId": "28790000000",
        "X-TC-Nonce": "1234567890",
        "X-TC-Registered": "1",
        "X-TC-Timestamp": "1700000000",
        "X-TC-Signature": VECTORS[0].values[6],
    }


def test_signed_headers_leave_out_an_unassigned_sdk_id() -> None:
    headers = auth.signed_headers(signature_config(sdk_id=""), "GET", "/v1/users/list")
    assert "SdkId" not in headers
    assert headers["AppId"] == "211000000"


def test_fresh_timestamp_and_nonce() -> None:
    before = int(time.time())
    headers = auth.signed_headers(signature_config(), "GET", "/v1/x")
    assert before <= int(headers["X-TC-Timestamp"]) <= int(time.time())
    nonces = {auth.new_nonce() for _ in range(200)}
    assert len(nonces) == 200
    for nonce in nonces:
        assert nonce.isdigit() and int(nonce) > 0
        assert len(nonce) >= 18  # milliseconds * 10**6 + random, as the SDK makes it


def test_oauth_headers_carry_no_key_or_signature() -> None:
    headers = auth.oauth_headers("tok", "open-1", timestamp="1700000000", nonce="5")
    assert headers == {
        "Content-Type": "application/json; charset=utf-8",
        "AccessToken": "tok",
        "OpenId": "open-1",
        "X-TC-Timestamp": "1700000000",
        "X-TC-Nonce": "5",
    }


def oauth_config() -> TencentMeetingConfig:
    return TencentMeetingConfig(
        auth_mode="oauth", app_id="200000999", sdk_id="10066660661", secret_key="s3cret"
    )


def test_authorize_url() -> None:
    url = auth.authorize_url(oauth_config(), "https://qq.com/callback?a=1&b=2", "123456789")
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == auth.AUTHORIZE_PAGE
    assert parse_qs(parts.query) == {
        "corp_id": ["200000999"],
        "sdk_id": ["10066660661"],
        "redirect_uri": ["https://qq.com/callback?a=1&b=2"],
        "state": ["123456789"],
    }
    assert "redirect_uri=https%3A%2F%2Fqq.com%2Fcallback%3Fa%3D1%26b%3D2" in url


@pytest.mark.parametrize(
    ("redirect", "state"),
    [("ftp://x", "abc"), ("https://x", ""), ("https://x", "a-b"), ("https://x", "a" * 65)],
)
def test_authorize_url_refuses_bad_input(redirect: str, state: str) -> None:
    with pytest.raises(ValueError):
        auth.authorize_url(oauth_config(), redirect, state)


def test_authorize_url_needs_an_oauth_config() -> None:
    with pytest.raises(ValueError, match="oauth"):
        auth.authorize_url(signature_config(), "https://x", "abc")


def test_new_state_is_accepted() -> None:
    state = auth.new_state()
    assert auth.authorize_url(oauth_config(), "https://x", state).endswith(f"state={state}")


def test_parse_grant_documented_answer() -> None:
    answer = {
        "nonce": "98187ecdebca4846",
        "data": {
            "access_token": "RRZ6+d8Y",
            "expires": 1606985243,
            "refresh_token": "RZ6+d8Y",
            "scopes": ["VIEW_USER_INFO", "VIEW_VIDEO"],
            "open_id": "xqGn7bYSD601jnq8xq0lCAlx5h12",
        },
        "message": "SUCCESS",
        "code": 0,
    }
    grant = auth.parse_grant(answer, now=1606980000)
    assert grant.open_id == "xqGn7bYSD601jnq8xq0lCAlx5h12"
    assert grant.expires_at == 1606985243
    assert grant.expires_in(now=1606985000) == 243
    assert grant.lifetime == 5243
    assert grant.scopes == ("VIEW_USER_INFO", "VIEW_VIDEO")
    assert "RRZ6" not in repr(grant)


def test_parse_grant_tolerates_other_shapes() -> None:
    grant = auth.parse_grant(
        {"access_token": "a", "expires_in": "7200", "scope": "A,B"},
        open_id="o",
        refresh_token="r",
        now=1000.0,
    )
    assert (grant.open_id, grant.refresh_token, grant.expires_at) == ("o", "r", 8200.0)
    assert grant.scopes == ("A", "B")
    bare = auth.parse_grant({"access_token": "a"}, open_id="o", refresh_token="r", now=0)
    assert bare.expires_at == auth.ACCESS_TOKEN_LIFETIME


@pytest.mark.parametrize(
    "answer",
    [
        [],
        {"data": {}},
        {"access_token": "a", "refresh_token": "r"},
        {"access_token": "a", "open_id": "o"},
    ],
)
def test_parse_grant_refuses_incomplete_answers(answer: object) -> None:
    with pytest.raises(ValueError):
        auth.parse_grant(answer)


def test_oauth_data_unwraps() -> None:
    assert auth.oauth_data({"code": 0, "data": {"open_id": "o"}}) == {"open_id": "o"}
    assert auth.oauth_data({"open_id": "o"}) == {"open_id": "o"}
