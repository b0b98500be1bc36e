"""`GET /api/wecom/handlers`: the bus subscribers that react to WeCom callbacks."""

from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from hub import hookimpl
from hub.bus import Bus, Event
from hub.context import CTX_KEY
from hub.plugins import Plugins

import hub_wecom.plugin
from hub_wecom import events
from hub_wecom.handlers import PATH, plugin_packages


async def on_click(event: Event) -> None:
    return None


async def on_anything(event: Event) -> None:
    return None


async def on_meeting(event: Event) -> None:
    return None


async def outside(event: Event) -> None:
    return None


outside.__module__ = "somewhere_else.handlers"


class CustomHandlers:
    """A third-party plugin adding "custom handlers" the way the docs say: bus subscribers."""

    @hookimpl
    def hub_subscribers(self, bus: Bus) -> None:
        bus.subscribe("wecom.event.click", on_click, name="custom.click", priority=5)
        bus.subscribe("wecom.message.*", on_anything, name="custom.messages")
        bus.subscribe("tencent_meeting.*", on_meeting, name="custom.meetings")
        bus.subscribe("*", outside, name="custom.audit", priority=100)


@pytest.fixture
def plugins() -> Plugins:
    plugins = Plugins()
    plugins.register(hub_wecom.plugin, "wecom", "0.1.0")
    plugins.register(CustomHandlers(), "custom", "1.0")
    return plugins


async def test_needs_the_admin_token(client: TestClient) -> None:
    missing = await client.get(PATH)
    assert missing.status == 401 and (await missing.json())["code"] == "missing_token"
    wrong = await client.get(PATH, headers={"Authorization": "Bearer nope"})
    assert wrong.status == 401 and (await wrong.json())["code"] == "invalid_token"


async def test_lists_the_subscribers_of_wecom_types(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    response = await client.get(PATH, headers=admin_headers)
    assert response.status == 200
    items = {i["name"]: i for i in (await response.json())["items"]}
    assert "custom.meetings" not in items
    assert [n for n in items if n.startswith("custom.")] == [
        "custom.audit", "custom.click", "custom.messages"
    ]  # fmt: skip
    audit = items["custom.audit"]
    assert (audit["pattern"], audit["priority"], audit["plugin"]) == ("*", 100, None)
    assert set(audit["types"]) >= set(events.MODELS) and audit["can_reply"] is True
    assert all(t.startswith("wecom.") for t in audit["types"])
    own = [i for name, i in items.items() if name.startswith("wecom.")]
    assert own and {i["plugin"] for i in own} == {"wecom"}  # this plugin's status subscriber
    click = items["custom.click"]
    assert click == {
        "name": "custom.click", "pattern": "wecom.event.click", "priority": 5,
        "plugin": "custom", "types": ["wecom.event.click"], "can_reply": True,
    }  # fmt: skip
    messages = items["custom.messages"]
    assert messages["types"] == sorted(t for t in events.MODELS if t.startswith("wecom.message."))
    assert messages["plugin"] == "custom"


async def test_filter_by_type_in_running_order(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    async def late(event: Event) -> Any:
        return None

    client.app[CTX_KEY].bus.subscribe("wecom.event.click", late, name="tests.late", priority=-1)
    response = await client.get(PATH, params={"type": "wecom.event.click"}, headers=admin_headers)
    names = [i["name"] for i in (await response.json())["items"]]
    assert names[:2] == ["custom.audit", "custom.click"] and names[-1] == "tests.late"
    assert "custom.messages" not in names
    silent = await client.get(
        PATH, params={"type": "wecom.event.change_contact"}, headers=admin_headers
    )
    [only] = (await silent.json())["items"]
    assert only["name"] == "custom.audit" and only["can_reply"] is False
    too_long = await client.get(PATH, params={"type": "x" * 201}, headers=admin_headers)
    assert too_long.status == 422


async def test_plugin_packages_and_openapi(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    packages = plugin_packages(client.app[CTX_KEY])
    assert packages["hub_wecom"] == "wecom"
    document = await (await client.get("/api/openapi.json")).json()
    operation = document["paths"][PATH]["get"]
    assert "401" in operation["responses"] and operation["tags"] == ["wecom"]
    assert any(p["name"] == "type" for p in operation["parameters"])
