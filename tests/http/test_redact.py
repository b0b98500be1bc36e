"""Credentials never reach the call log, errors or logs."""

import json

import pytest

from hub.context import HubContext
from hub.http import AuthFailed, ServerError
from hub.http.redact import mask_url
from hub.tenants.records import ConfigRecord
from tests.helpers.logcapture import captured_logs
from tests.http.conftest import CORP_SECRET
from tests.http.fake_provider import FakeProvider, FakeProviderClient, Reply

ROBOT_KEY = "robot-key-8c1d2e3f4a5b"


def test_sensitive_query_values_are_masked() -> None:
    url = (
        "https://api.example.invalid/cgi-bin/send?access_token=T0K3N&key=K3Y&debug=1"
        "&sign=a%2Bb%3D&signature=s&timestamp=1700000000&corpsecret=S&code=c&page=2"
    )
    assert mask_url(url) == (
        "https://api.example.invalid/cgi-bin/send?access_token=***&key=***&debug=1"
        "&sign=***&signature=***&timestamp=1700000000&corpsecret=***&code=***&page=2"
    )


def test_user_info_and_known_secrets_elsewhere_are_masked() -> None:
    shown = mask_url(
        "https://user:pw@hooks.example.invalid/robot/abcdef123456/send?x=1",
        secrets=["abcdef123456"],
    )
    assert shown == "https://hooks.example.invalid/robot/***/send?x=1"


def test_a_client_may_declare_more_sensitive_parameters() -> None:
    shown = mask_url("https://h.invalid/p?openid=o1&q=2", sensitive_params=["OpenId"])
    assert shown == "https://h.invalid/p?openid=***&q=2"


async def test_no_secret_reaches_logs_errors_or_the_call_log(
    ctx: HubContext, fake: FakeProvider, config: ConfigRecord, api: FakeProviderClient
) -> None:
    with captured_logs("debug") as logs:
        await api.send_text("u1", "hello")
        fake.expire_tokens()
        await api.send_text("u1", "again")  # rejected token, one refresh
        fake.script("/v1/items", Reply(500), Reply(500), Reply(500))
        with pytest.raises(ServerError) as server_error:
            await api.request("GET", "/v1/items", params={"key": ROBOT_KEY}, auth=False)
        invalid = Reply(200, {"errcode": 40014, "errmsg": f"invalid token {CORP_SECRET}"})
        fake.script("/cgi-bin/message/send", invalid, invalid)
        with pytest.raises(AuthFailed) as auth_error:
            await api.send_text("u1", "third")
        await ctx.http.calls.flush()

    rows = (await ctx.http.calls.list(config_id=config.id, limit=100)).items
    stored = json.dumps([r.out().model_dump(mode="json") for r in rows])
    tokens = set(fake.tokens) | fake.replaced
    assert len(tokens) == 3
    texts = {
        "logs": logs.text,
        "call log": stored,
        "errors": " ".join(
            [str(server_error.value), json.dumps(server_error.value.to_dict()),
             str(auth_error.value), json.dumps(auth_error.value.to_dict())]
        ),
    }
    for where, text in texts.items():
        for secret in [CORP_SECRET, ROBOT_KEY, *tokens]:
            assert secret not in text, f"a secret leaked into the {where}"
    assert "key=***" in stored
    assert "access_token=***" in stored
    assert "corpsecret=***" in stored
    assert logs.events("outbound attempt failed; retrying")
    assert logs.events("access token obtained")
