"""`hub wecom token show-state`: asks the running hub; never prints the token."""

import asyncio
from typing import Any

from aiohttp.test_utils import TestClient

from ..fake_wecom import FakeWeCom
from .conftest import Invoke, as_json, wecom


async def test_show_state_of_a_running_hub(
    client: TestClient, admin_headers: dict[str, str], hub: Invoke, fake: FakeWeCom,
    configs: dict[str, str],
) -> None:  # fmt: skip
    url = str(client.make_url("/api/wecom/status"))

    async def show(*args: str, ok: bool = True) -> Any:
        return await asyncio.to_thread(wecom, hub, "token", "show-state", "--url", url, *args,
                                       ok=ok)  # fmt: skip

    before = as_json(await show("--json"))
    assert [(r["id"], r["token"], r["expires_in"]) for r in before] == [
        (configs["app"], "none", None)
    ]  # fmt: skip
    response = await client.post("/api/wecom/messages", headers=admin_headers, json={
        "config_id": configs["app"], "touser": ["zhangsan"],
        "message": {"msgtype": "text", "text": {"content": "x"}}})  # fmt: skip
    assert response.status == 201, await response.text()

    table = await show()
    assert "cached" in table.output
    (token,) = fake.tokens
    assert token not in table.output
    after = as_json(await show("--config-id", configs["app"], "--json"))
    assert after[0]["token"] == "cached" and 7000 < after[0]["expires_in_seconds"] <= 7200
    assert as_json(await show("--config-id", configs["robot"], "--json")) == []

    elsewhere = str(client.make_url("/api/wecom/nothing"))
    refused = await asyncio.to_thread(wecom, hub, "token", "show-state", "--url", elsewhere,
                                      ok=False)  # fmt: skip
    assert refused.exit_code == 1 and "answered HTTP 404" in refused.output


def test_no_running_hub(hub: Invoke) -> None:
    result = wecom(hub, "token", "show-state", "--url", "http://127.0.0.1:9/api/wecom/status",
                   ok=False)  # fmt: skip
    assert result.exit_code == 1 and "could not reach the hub" in result.output
