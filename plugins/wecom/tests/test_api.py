"""`/api/wecom/...` in a running hub: send through robots and apps, follow every message."""

import asyncio
from typing import Any

from aiohttp.test_utils import TestClient
from hub.context import CTX_KEY

from . import wecom_sender
from .conftest import app_values, post_config, robot_values
from .fake_wecom import AGENT_ID, CORP_ID, CORP_SECRET, ROBOT_KEY, FakeWeCom, Fault
from .support import IMAGE_BASE64, PDF, b64

Headers = dict[str, str]
CARD_ACTION = {"type": 1, "url": "https://example.com"}
BUTTONS = {"card_type": "button_interaction", "main_title": {"title": "Approve?"},
           "button_list": [{"text": "Yes", "key": "yes"}]}  # fmt: skip
CARD = {"msgtype": "template_card", "template_card": BUTTONS}

# The six types every channel must send (the acceptance), as the API takes them.
ROBOT_SIX = {
    "text": {"content": "hello", "mentioned_list": ["zhangsan"]},
    "markdown": {"content": "**done**"},
    "image": {"base64": IMAGE_BASE64},
    "news": {"articles": [{"title": "News", "url": "https://example.com"}]},
    "file": {"base64": b64(PDF), "filename": "report.pdf"},
    "template_card": {"card_type": "text_notice", "main_title": {"title": "Card"},
                      "card_action": CARD_ACTION},
}  # fmt: skip
APP_SIX = {
    **ROBOT_SIX,
    "text": {"content": "hello"},
    "image": {"base64": IMAGE_BASE64, "filename": "logo.png"},
    "template_card": BUTTONS,
}


async def configs(client: TestClient, headers: Headers, fake: FakeWeCom) -> tuple[str, str]:
    app = await post_config(client, headers, app_values(fake), name="app")
    robot = await post_config(client, headers, robot_values(fake), kind="robot", name="robot")
    return app, robot


async def post(client: TestClient, headers: Headers, path: str, body: Any) -> tuple[int, Any]:
    response = await client.post(path, json=body, headers=headers)
    return response.status, await response.json()


async def get(client: TestClient, headers: Headers, path: str) -> tuple[int, Any]:
    response = await client.get(path, headers=headers)
    return response.status, await response.json()


def no_secrets(text: str, fake: FakeWeCom) -> None:
    for secret in (CORP_SECRET, ROBOT_KEY, *fake.tokens):
        assert secret not in text


async def test_robot_and_app_send_the_six_types(
    client: TestClient, admin_headers: Headers, fake: FakeWeCom
) -> None:
    app, robot = await configs(client, admin_headers, fake)
    sent: list[str] = []
    for config_id, six, recipients in ((robot, ROBOT_SIX, {}), (app, APP_SIX, {
            "touser": "zhangsan|lisi"})):  # fmt: skip
        for msgtype, body in six.items():
            status, message = await post(client, admin_headers, "/api/wecom/messages", {
                "config_id": config_id, **recipients,
                "message": {"msgtype": msgtype, msgtype: body}})  # fmt: skip
            assert status == 201, message
            assert (message["status"], message["msg_type"]) == ("sent", msgtype)
            sent.append(message["id"])
    assert len(fake.robot_messages) == 6 and len(fake.sent()) == 6

    for message_id in sent:
        status, state = await get(client, admin_headers, f"/api/wecom/messages/{message_id}/status")
        assert status == 200 and state["status"] == "sent"
        status, history = await get(
            client, admin_headers, f"/api/wecom/messages/{message_id}/history"
        )
        assert status == 200
        assert [(h["from_status"], h["to_status"]) for h in history["items"]] == [
            (None, "queued"), ("queued", "sent")
        ]  # fmt: skip
        status, detail = await get(client, admin_headers, f"/api/wecom/messages/{message_id}")
        assert status == 200 and detail["history"] == history["items"]
        no_secrets(str(detail), fake)
    status, robot_state = await get(client, admin_headers, f"/api/wecom/messages/{sent[0]}/status")
    assert robot_state["msgid"] is None and robot_state["possible"] == []
    status, app_state = await get(client, admin_headers, f"/api/wecom/messages/{sent[6]}/status")
    assert app_state["possible"] == ["interacted", "recalled"]
    assert [(r["kind"], r["id"], r["status"]) for r in app_state["results"]] == [
        ("user", "lisi", "ok"), ("user", "zhangsan", "ok")
    ]  # fmt: skip


async def test_listing_filters_and_pages(
    client: TestClient, admin_headers: Headers, fake: FakeWeCom
) -> None:
    app, robot = await configs(client, admin_headers, fake)
    for n in range(3):
        await post(client, admin_headers, "/api/wecom/messages", {"config_id": robot, "message": {
            "msgtype": "text", "text": {"content": f"robot {n}"}}})  # fmt: skip
    await post(client, admin_headers, "/api/wecom/messages", {"config_id": app, "touser": ["x"],
        "message": {"msgtype": "markdown", "markdown": {"content": "app"}}})  # fmt: skip
    status, page = await get(client, admin_headers, "/api/wecom/messages?limit=2")
    assert status == 200 and len(page["items"]) == 2 and page["next_cursor"]
    assert page["items"][0]["preview"] == "app"  # newest first
    cursor = page["next_cursor"]
    status, rest = await get(client, admin_headers, f"/api/wecom/messages?limit=2&cursor={cursor}")
    assert [m["preview"] for m in rest["items"]] == ["robot 1", "robot 0"]
    assert rest["next_cursor"] is None
    for query, count in (
        (f"config={robot}", 3), ("channel=app", 1), ("type=markdown", 1), ("status=failed", 1),
        ("status=sent", 3), ("since=2999-01-01T00:00:00Z", 0),
    ):  # fmt: skip
        status, found = await get(client, admin_headers, f"/api/wecom/messages?{query}")
        assert (status, len(found["items"])) == (200, count), query
    status, error = await get(client, admin_headers, "/api/wecom/messages?status=read")
    assert status == 422 and error["code"] == "validation_failed"


async def test_refused_before_sending(
    client: TestClient, admin_headers: Headers, fake: FakeWeCom
) -> None:
    app, robot = await configs(client, admin_headers, fake)
    status, error = await post(client, admin_headers, "/api/wecom/messages", {
        "config_id": app, "touser": ["zhangsan"],
        "message": {"msgtype": "markdown", "markdown": {"content": "字" * 700}}})  # fmt: skip
    assert status == 422
    assert error["code"] == "validation_failed"
    assert error["details"][0]["field"] == "message.markdown.content"
    assert "2100 bytes of UTF-8; WeCom allows at most 2048" in error["message"]
    long_text = {"msgtype": "text", "text": {"content": "x" * 2049}}
    status, error = await post(client, admin_headers, "/api/wecom/messages",
                               {"config_id": robot, "message": long_text})  # fmt: skip
    # pydantic names the type, then the field: message -> (text) -> text.content
    assert status == 422 and error["details"][0]["field"] == "message.text.text.content"
    status, error = await post(client, admin_headers, "/api/wecom/messages", {
        "config_id": robot, "message": {"msgtype": "textcard"}})  # fmt: skip
    assert status == 422
    response = await client.post("/api/wecom/messages", data=b"{not json", headers=admin_headers)
    assert response.status == 400 and (await response.json())["code"] == "invalid_json"
    status, page = await get(client, admin_headers, "/api/wecom/messages")
    assert page["items"] == [] and fake.seen == []


async def test_unknown_things(client: TestClient, admin_headers: Headers, fake: FakeWeCom) -> None:
    app, _ = await configs(client, admin_headers, fake)
    text = {"msgtype": "text", "text": {"content": "x"}}
    for path in ("/api/wecom/messages/nope", "/api/wecom/messages/nope/status",
                 "/api/wecom/messages/nope/history"):  # fmt: skip
        status, error = await get(client, admin_headers, path)
        assert (status, error["code"]) == (404, "message_not_found")
    status, error = await post(client, admin_headers, "/api/wecom/messages",
                               {"config_id": "nope", "message": text})  # fmt: skip
    assert status == 404
    status, error = await post(client, admin_headers, "/api/wecom/messages",
                               {"tenant": "acme", "message": text})  # fmt: skip
    assert (status, error["code"]) == (409, "config_ambiguous")
    await client.patch(f"/api/admin/configs/{app}", json={"enabled": False}, headers=admin_headers)
    status, error = await post(client, admin_headers, "/api/wecom/messages",
                               {"config_id": app, "touser": ["a"], "message": text})  # fmt: skip
    assert (status, error["code"]) == (409, "config_disabled")


async def test_wecoms_refusal_is_an_error_with_the_failed_message(
    client: TestClient, admin_headers: Headers, fake: FakeWeCom
) -> None:
    app, _ = await configs(client, admin_headers, fake)
    status, error = await post(client, admin_headers, "/api/wecom/messages", {
        "config_id": app, "touser": ["ghost"],
        "message": {"msgtype": "text", "text": {"content": "x"}}})  # fmt: skip
    assert (status, error["code"]) == (502, "provider_error")
    assert "81013" in error["message"]
    no_secrets(str(error), fake)
    message_id = error["details"]["message_id"]
    status, state = await get(client, admin_headers, f"/api/wecom/messages/{message_id}/status")
    assert state["status"] == "failed" and state["error_code"] == "81013"
    assert [r["status"] for r in state["results"]] == ["invalid"]


async def test_recall_and_card_update(
    client: TestClient, admin_headers: Headers, fake: FakeWeCom
) -> None:
    app, robot = await configs(client, admin_headers, fake)
    _, sent = await post(client, admin_headers, "/api/wecom/messages", {
        "config_id": app, "touser": ["zhangsan"],
        "message": CARD})  # fmt: skip
    status, updated = await post(client, admin_headers, f"/api/wecom/messages/{sent['id']}/card",
                                 {"replace_name": "Approved"})  # fmt: skip
    assert (status, updated["invalid_users"]) == (200, [])
    status, recalled = await post(client, admin_headers,
                                  f"/api/wecom/messages/{sent['id']}/recall", None)  # fmt: skip
    assert status == 200 and recalled["status"] == "recalled"
    _, history = await get(client, admin_headers, f"/api/wecom/messages/{sent['id']}/history")
    assert [h["to_status"] for h in history["items"]] == ["queued", "sent", "recalled"]

    _, robot_sent = await post(client, admin_headers, "/api/wecom/messages", {
        "config_id": robot, "message": {"msgtype": "text", "text": {"content": "x"}}})  # fmt: skip
    status, error = await post(client, admin_headers,
                               f"/api/wecom/messages/{robot_sent['id']}/recall", None)  # fmt: skip
    assert (status, error["code"]) == (409, "not_recallable")
    assert "robot messages cannot be recalled" in error["message"]


async def test_batch(client: TestClient, admin_headers: Headers, fake: FakeWeCom) -> None:
    app, _ = await configs(client, admin_headers, fake)
    users = [f"user{n:04d}" for n in range(1001)]
    fake.users.update(users[1:])
    status, result = await post(client, admin_headers, "/api/wecom/messages/batch", {
        "config_id": app, "touser": users,
        "message": {"msgtype": "text", "text": {"content": "all"}}})  # fmt: skip
    assert status == 201, result
    assert [m["status"] for m in result["messages"]] == ["sent", "sent"]
    invalid = [r["id"] for r in result["recipients"] if r["status"] == "invalid"]
    assert invalid == ["user0000"] and len(result["recipients"]) == 1001


async def test_card_callback_moves_the_message_to_interacted(
    client: TestClient, admin_headers: Headers, fake: FakeWeCom
) -> None:
    """The whole path: send a card, WeCom posts the encrypted click, the status follows."""
    app, _ = await configs(client, admin_headers, fake)
    _, sent = await post(client, admin_headers, "/api/wecom/messages", {
        "config_id": app, "touser": ["zhangsan"],
        "message": CARD})  # fmt: skip
    click = wecom_sender.event(
        "template_card_event", corp_id=CORP_ID, agent_id=AGENT_ID, EventKey="yes",
        TaskId=sent["task_id"], CardType="button_interaction", ResponseCode="rc-1",
    )  # fmt: skip
    sender = wecom_sender.WeComSender(client, app, corp_id=CORP_ID)
    response = await sender.post(click)
    assert response.status == 200, await response.text()
    for _ in range(100):
        _, state = await get(client, admin_headers, f"/api/wecom/messages/{sent['id']}/status")
        if state["status"] == "interacted":
            break
        await asyncio.sleep(0.05)
    assert state["status"] == "interacted"
    _, history = await get(client, admin_headers, f"/api/wecom/messages/{sent['id']}/history")
    assert history["items"][-1]["reason"] == "zhangsan interacted with the card (yes)"

    _, overview = await get(client, admin_headers, "/api/wecom/status")
    (app_status,) = [c for c in overview["configs"] if c["id"] == app]
    assert app_status["last_callback_at"] is not None
    assert app_status["messages"] == {"interacted": 1}


async def test_status_overview(client: TestClient, admin_headers: Headers, fake: FakeWeCom) -> None:
    app, robot = await configs(client, admin_headers, fake)
    status, overview = await get(client, admin_headers, "/api/wecom/status")
    assert status == 200
    by_kind = {c["kind"]: c for c in overview["configs"]}
    assert by_kind["app"]["token"] == {"cached": False, "expires_in": None}
    assert by_kind["robot"]["token"] is None and by_kind["robot"]["sent_last_minute"] == 0
    await post(client, admin_headers, "/api/wecom/messages", {"config_id": app, "touser": ["lisi"],
        "message": {"msgtype": "text", "text": {"content": "x"}}})  # fmt: skip
    await post(client, admin_headers, "/api/wecom/messages", {"config_id": robot,
        "message": {"msgtype": "text", "text": {"content": "x"}}})  # fmt: skip
    fake.fail_next("/cgi-bin/webhook/send", Fault(40058))
    await post(client, admin_headers, "/api/wecom/messages", {"config_id": robot,
        "message": {"msgtype": "text", "text": {"content": "x"}}})  # fmt: skip
    response = await client.get("/api/wecom/status", headers=admin_headers)
    no_secrets(await response.text(), fake)
    overview = await response.json()
    by_kind = {c["kind"]: c for c in overview["configs"]}
    token = by_kind["app"]["token"]
    assert token["cached"] is True and 7000 < token["expires_in"] <= 7200
    assert by_kind["app"]["last_callback_at"] is None
    assert by_kind["robot"]["sent_last_minute"] == 2
    assert by_kind["robot"]["messages"] == {"sent": 1, "failed": 1}
    assert overview["messages"] == {"sent": 2, "failed": 1}
    assert {c["state"] for c in overview["configs"]} == {"unknown"}


async def test_every_route_needs_the_admin_token(
    client: TestClient, admin_headers: Headers, fake: FakeWeCom
) -> None:
    routes = [
        ("POST", "/api/wecom/messages"), ("GET", "/api/wecom/messages"),
        ("POST", "/api/wecom/messages/batch"), ("GET", "/api/wecom/messages/x"),
        ("GET", "/api/wecom/messages/x/status"), ("GET", "/api/wecom/messages/x/history"),
        ("POST", "/api/wecom/messages/x/recall"), ("POST", "/api/wecom/messages/x/card"),
        ("GET", "/api/wecom/status"),
    ]  # fmt: skip
    for method, path in routes:
        response = await client.request(method, path, data=b"{broken")
        assert response.status == 401, (method, path)
        assert (await response.json())["code"] == "missing_token"
        wrong = {"Authorization": "Bearer wrong"}
        response = await client.request(method, path, json={}, headers=wrong)
        assert response.status == 401, (method, path)

    spec = await (await client.get("/api/openapi.json")).json()
    for _, path in routes:
        assert path.replace("/x", "/{message_id}") in spec["paths"]
    send = spec["paths"]["/api/wecom/messages"]["post"]
    assert "requestBody" in send and "401" in send["responses"]
    ctx = client.app[CTX_KEY]
    assert ctx.plugins.records["wecom"].runtime_errors == 0
