"""The fake refuses what Tencent refuses and answers in Tencent's shapes (raw HTTP requests)."""

import json
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer, make_mocked_request

from hub_tencent_meeting import auth
from hub_tencent_meeting.config import TencentMeetingConfig

from .echo import ECHO, echo_fake
from .fake_server import FakeTencentMeeting, route_modules


@pytest.fixture
async def fake(aiohttp_server: Callable[..., Awaitable[TestServer]]) -> FakeTencentMeeting:
    return await echo_fake(aiohttp_server)


@pytest.fixture
async def http() -> Any:
    async with aiohttp.ClientSession() as session:
        yield session


def config(fake: FakeTencentMeeting, **overrides: str) -> TencentMeetingConfig:
    return TencentMeetingConfig.model_validate(
        {
            "app_id": fake.app_id,
            "sdk_id": fake.sdk_id,
            "secret_id": fake.secret_id,
            "secret_key": fake.secret_key,
            "base_url": fake.base_url,
            **overrides,
        }
    )


async def send(
    http: aiohttp.ClientSession,
    fake: FakeTencentMeeting,
    method: str,
    uri: str,
    body: bytes = b"",
    headers: dict[str, str] | None = None,
) -> tuple[int, Any]:
    if headers is None:
        headers = auth.signed_headers(config(fake), method, uri, body)
    async with http.request(method, fake.base_url + uri, data=body, headers=headers) as response:
        return response.status, await response.json()


def code_of(answer: Any) -> int:
    return int(answer["error_info"]["error_code"])


async def test_signed_request_passes(http: aiohttp.ClientSession, fake: FakeTencentMeeting) -> None:
    status, answer = await send(http, fake, "POST", ECHO + "?a=1", b'{"x":"\xe4\xbc\x9a"}')
    assert status == 200
    assert answer["body"] == '{"x":"会"}'


@pytest.mark.parametrize(
    ("override", "code"),
    [
        ({"secret_key": "Other/secret"}, 200003),
        ({"secret_id": "AKIDnobody"}, 190303),
        ({"app_id": "1"}, 190303),
        ({"sdk_id": "2"}, 190303),
    ],
)
async def test_refusals(
    http: aiohttp.ClientSession, fake: FakeTencentMeeting, override: dict[str, str], code: int
) -> None:
    headers = auth.signed_headers(config(fake, **override), "GET", ECHO)
    status, answer = await send(http, fake, "GET", ECHO, headers=headers)
    assert (status, code_of(answer)) == (400, code)
    assert answer["error_info"]["new_error_code"] == int(f"200{code}")
    assert answer["error_info"]["message"]


async def test_body_changed_after_signing(
    http: aiohttp.ClientSession, fake: FakeTencentMeeting
) -> None:
    headers = auth.signed_headers(config(fake), "POST", ECHO, b'{"a":1}')
    _, answer = await send(http, fake, "POST", ECHO, b'{"a":2}', headers=headers)
    assert code_of(answer) == 200003


@pytest.mark.parametrize(
    ("timestamp", "nonce", "code"),
    [("abc", "5", 190300), (None, "0", 200003), (None, "x", 200003), (None, "-3", 200003)],
)
async def test_timestamp_and_nonce_must_be_numbers(
    http: aiohttp.ClientSession, fake: FakeTencentMeeting, timestamp: str | None, nonce: str,
    code: int,
) -> None:
    headers = auth.signed_headers(
        config(fake), "GET", ECHO, timestamp=timestamp or auth.new_timestamp(), nonce=nonce
    )
    _, answer = await send(http, fake, "GET", ECHO, headers=headers)
    assert code_of(answer) == code


async def test_skew_both_ways(http: aiohttp.ClientSession, fake: FakeTencentMeeting) -> None:
    for offset in (-301, 301):
        fake.clock_offset = offset
        _, answer = await send(http, fake, "GET", ECHO)
        assert code_of(answer) == 190300


async def test_rate_limit_buckets(http: aiohttp.ClientSession, fake: FakeTencentMeeting) -> None:
    fake.rate_limit("default", 2, 60)
    fake.rate_limit("users", 1, 60, code=190313, status=400)
    assert (await send(http, fake, "GET", ECHO))[0] == 200
    _, answer = await send(http, fake, "GET", "/v1/users/list")
    assert code_of(answer) != 190313  # counted: the first users call is within the limit
    status, answer = await send(http, fake, "GET", ECHO)
    assert (status, code_of(answer)) == (429, 190310)
    fake.limits["default"].limit = 10
    status, answer = await send(http, fake, "GET", "/v1/users/list")
    assert (status, code_of(answer)) == (400, 190313)
    assert fake.buckets(_request("POST", "/v1/meetings")) == ["daily", "default", "create_meeting"]
    assert fake.buckets(_request("GET", "/v1/meetings")) == ["daily", "default"]


def _request(method: str, path: str) -> web.Request:
    return make_mocked_request(method, path)


async def test_oauth_request_checks(http: aiohttp.ClientSession, fake: FakeTencentMeeting) -> None:
    grant = fake._grant("open-1")  # as after a code exchange
    good = auth.oauth_headers(grant["access_token"], "open-1")
    assert (await send(http, fake, "GET", ECHO, headers=good))[0] == 200
    _, answer = await send(http, fake, "GET", ECHO, headers=good)
    assert code_of(answer) == 190301  # the same nonce again
    for broken in (
        auth.oauth_headers(grant["access_token"], "open-2"),
        auth.oauth_headers("unknown", "open-1"),
        {k: v for k, v in auth.oauth_headers(grant["access_token"], "open-1").items()
         if k != "OpenId"},
    ):
        _, answer = await send(http, fake, "GET", ECHO, headers=broken)
        assert (code_of(answer), answer["error_info"]["new_error_code"]) == (190303, 200190303)


async def test_unknown_route_answers_tencents_shape(
    http: aiohttp.ClientSession, fake: FakeTencentMeeting
) -> None:
    status, answer = await send(http, fake, "GET", "/v1/no/such/api")
    assert status == 404 and "error_info" in answer


async def test_empty_success_is_an_empty_object(
    http: aiohttp.ClientSession, fake: FakeTencentMeeting
) -> None:
    assert json.loads(fake.ok().text) == {}


async def test_helpers_refuse_bad_parameters(fake: FakeTencentMeeting) -> None:
    with pytest.raises(web.HTTPException) as caught:
        fake.numbered_page({"page_size": "21"}, [], "items")
    assert json.loads(caught.value.text)["error_info"]["error_code"] == 190004
    with pytest.raises(web.HTTPException):
        fake.pos_page({"pos": "x"}, [], "items")
    page = fake.numbered_page({"page": "3", "page_size": "2"}, list(range(5)), "items")
    assert page == {"total_count": 5, "total_page": 3, "current_page": 3, "current_size": 1,
                    "items": [4]}
    assert fake.pos_page({"pos": "4", "size": "2"}, list(range(5)), "items") == {
        "has_remaining": False, "next_pos": 5, "items": [4],
    }  # fmt: skip
    assert fake.next_id() != fake.next_id()


def test_route_modules_have_add_routes() -> None:
    for module in route_modules():
        assert callable(module.add_routes)
