"""The fake WeCom refuses what WeCom refuses (reference §8, items 1-6), in WeCom's answer shape."""

import asyncio
import base64
import hashlib
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from .fake_wecom import AGENT_ID, CORP_ID, CORP_SECRET, ROBOT_KEY, FakeWeCom, Fault
from .support import AMR, IMAGE, IMAGE_BASE64, IMAGE_MD5, PDF

Session = aiohttp.ClientSession


@pytest.fixture
async def http() -> AsyncIterator[Session]:
    async with aiohttp.ClientSession() as session:
        yield session


async def call(http: Session, method: str, url: str, **kwargs: Any) -> tuple[int, Any]:
    async with http.request(method, url, **kwargs) as response:
        return response.status, await response.json(content_type=None)


async def token(http: Session, fake: FakeWeCom) -> str:
    query = {"corpid": CORP_ID, "corpsecret": CORP_SECRET}
    _, data = await call(http, "GET", f"{fake.base_url}/cgi-bin/gettoken", params=query)
    return str(data["access_token"])


async def app_send(http: Session, fake: FakeWeCom, body: dict[str, Any]) -> dict[str, Any]:
    url = f"{fake.base_url}/cgi-bin/message/send"
    status, data = await call(http, "POST", url, params={"access_token": await token(http, fake)},
                              json={"agentid": AGENT_ID, "touser": "zhangsan", **body})  # fmt: skip
    assert status == 200
    return dict(data)


async def robot_send(
    http: Session, fake: FakeWeCom, body: Any, key: str = ROBOT_KEY
) -> dict[str, Any]:
    status, data = await call(http, "POST", f"{fake.base_url}/cgi-bin/webhook/send",
                              params={"key": key}, json=body)  # fmt: skip
    assert status == 200
    return dict(data)


async def upload(
    http: Session, url: str, params: dict[str, str], content: bytes, part: str = "media"
) -> dict[str, Any]:
    form = aiohttp.FormData()
    form.add_field(part, content, filename="f.bin", content_type="application/octet-stream")
    _, data = await call(http, "POST", url, params=params, data=form)
    return dict(data)


async def test_gettoken(http: Session, fake: FakeWeCom) -> None:
    url = f"{fake.base_url}/cgi-bin/gettoken"
    _, wrong_corp = await call(http, "GET", url, params={"corpid": "x", "corpsecret": CORP_SECRET})
    _, wrong_secret = await call(http, "GET", url, params={"corpid": CORP_ID, "corpsecret": "x"})
    assert (wrong_corp["errcode"], wrong_secret["errcode"]) == (40013, 40001)
    first, again = await token(http, fake), await token(http, fake)
    assert first == again  # the same token while it is valid
    fake.token_lifetime = 2
    fake.expire_tokens()
    _, fresh = await call(http, "GET", url, params={"corpid": CORP_ID, "corpsecret": CORP_SECRET})
    assert fresh["access_token"] != first and fresh["expires_in"] == 2
    fake.ip_denied = True
    _, denied = await call(http, "GET", url, params={"corpid": CORP_ID, "corpsecret": CORP_SECRET})
    assert denied == {"errcode": 60020, "errmsg": "not allow to access from your ip"}


async def test_app_send_checks(http: Session, fake: FakeWeCom) -> None:
    url = f"{fake.base_url}/cgi-bin/message/send"
    text = {"msgtype": "text", "text": {"content": "hi"}}
    assert (await call(http, "POST", url, json=text))[1]["errcode"] == 41001
    _, unknown = await call(http, "POST", url, params={"access_token": "nope"}, json=text)
    assert unknown["errcode"] == 40014
    live = await token(http, fake)
    fake.expire_tokens()
    assert (await call(http, "POST", url, params={"access_token": live}, json=text))[1][
        "errcode"] == 42001  # fmt: skip
    _, not_json = await call(http, "POST", url, params={"access_token": await token(http, fake)},
                             data=b"{not json")  # fmt: skip
    assert not_json["errcode"] == 47001
    cases = [
        ({"agentid": "1000002"}, 40056),
        ({"agentid": 7}, 40056),
        ({"touser": ""}, 40058),
        ({"touser": "|".join(f"u{n}" for n in range(1001))}, 40058),
        ({"msgtype": "sticker"}, 40008),
        ({"text": None}, 40058),
        ({"text": {"content": ""}}, 44004),
        ({"text": {"content": "x" * 2049}}, 45002),
        ({"msgtype": "image", "image": {"media_id": "unknown"}}, 40007),
        ({"msgtype": "textcard", "textcard": {"title": "t", "url": "u"}}, 40058),
        ({"msgtype": "news", "news": {"articles": []}}, 40058),
        ({"msgtype": "template_card", "template_card": {"card_type": "vote_interaction"}}, 40058),
        ({"msgtype": "miniprogram_notice", "miniprogram_notice": {"appid": "a"}}, 40058),
        ({"touser": "ghost", "toparty": "99"}, 81013),
    ]
    for change, code in cases:
        assert (await app_send(http, fake, {**text, **change}))["errcode"] == code, change
    partial = await app_send(http, fake, {**text, "touser": "zhangsan|ghost", "totag": "1|2"})
    assert (partial["errcode"], partial["invaliduser"], partial["invalidtag"]) == (0, "ghost", "2")
    assert partial["msgid"] in fake.messages


async def test_media_expires_after_three_days(http: Session, fake: FakeWeCom) -> None:
    url = f"{fake.base_url}/cgi-bin/media/upload"
    params = {"access_token": await token(http, fake), "type": "image"}
    media = await upload(http, url, params, IMAGE)
    assert media["errcode"] == 0 and media["type"] == "image"
    assert (await upload(http, url, params, IMAGE, part="file"))["errcode"] == 40058
    assert (await upload(http, url, {**params, "type": "doc"}, IMAGE))["errcode"] == 40005
    too_big = IMAGE + bytes(10 * 1024 * 1024)
    assert (await upload(http, url, params, too_big))["errcode"] == 40009
    image = {"msgtype": "image", "image": {"media_id": media["media_id"]}}
    assert (await app_send(http, fake, image))["errcode"] == 0
    fake.clock_offset = 3 * 86400 + 1
    fake.tokens.clear()
    assert (await app_send(http, fake, image))["errcode"] == 40007


async def test_recall_within_a_day(http: Session, fake: FakeWeCom) -> None:
    sent = await app_send(http, fake, {"msgtype": "text", "text": {"content": "x"}})
    url = f"{fake.base_url}/cgi-bin/message/recall"
    fake.clock_offset = 86400 + 1
    params = {"access_token": await token(http, fake)}
    _, late = await call(http, "POST", url, params=params, json={"msgid": sent["msgid"]})
    assert late == {"errcode": 40058, "errmsg": "message sent more than 24 hours ago"}
    _, unknown = await call(http, "POST", url, params=params, json={"msgid": "nope"})
    assert unknown["errcode"] == 40058


async def test_robot_send_checks(http: Session, fake: FakeWeCom) -> None:
    text = {"msgtype": "text", "text": {"content": "hi"}}
    assert (await robot_send(http, fake, text, key="0" * 36))["errcode"] == 93000
    image = {"base64": IMAGE_BASE64, "md5": IMAGE_MD5}
    assert (await robot_send(http, fake, {"msgtype": "image", "image": image}))["errcode"] == 0
    big = IMAGE + bytes(2 * 1024 * 1024)
    cases = [
        ({"msgtype": "sticker"}, 40008),
        ({"msgtype": "text", "text": {"content": "x" * 2049}}, 45002),
        ({"msgtype": "text", "text": {"content": ""}}, 44004),
        ({"msgtype": "text", "text": {"content": "x", "mentioned_list": [1]}}, 40058),
        ({"msgtype": "markdown", "markdown": {"content": "x" * 4097}}, 45002),
        ({"msgtype": "image", "image": {**image, "md5": hashlib.md5(b"x").hexdigest()}}, 40058),
        ({"msgtype": "image", "image": {"base64": "!!", "md5": IMAGE_MD5}}, 40058),
        ({"msgtype": "image", "image": {"base64": base64.b64encode(PDF).decode(),
                                        "md5": hashlib.md5(PDF).hexdigest()}}, 40058),
        ({"msgtype": "image", "image": {"base64": base64.b64encode(big).decode(),
                                        "md5": hashlib.md5(big).hexdigest()}}, 40009),
        ({"msgtype": "news", "news": {"articles": [{"title": "t", "url": "u"}] * 9}}, 40058),
        ({"msgtype": "file", "file": {"media_id": "unknown"}}, 40007),
        ({"msgtype": "template_card", "template_card": {"card_type": "text_notice"}}, 40058),
    ]  # fmt: skip
    for body, code in cases:
        assert (await robot_send(http, fake, body))["errcode"] == code, body
    _, plain = await call(http, "POST", f"{fake.base_url}/cgi-bin/webhook/send",
                          params={"key": ROBOT_KEY}, data=b"{}")  # fmt: skip
    assert plain["errcode"] == 40058  # not sent as JSON


async def test_robot_limit_per_key(http: Session, fake: FakeWeCom) -> None:
    fake.robot_limit = 2
    text = {"msgtype": "text", "text": {"content": "hi"}}
    codes = [(await robot_send(http, fake, text))["errcode"] for _ in range(3)]
    assert codes == [0, 0, 45009]
    other = "0e1d2c3b-4a59-4687-9aab-bccddeeff001"
    fake.robot_keys.add(other)
    assert (await robot_send(http, fake, text, key=other))["errcode"] == 0


async def test_robot_upload(http: Session, fake: FakeWeCom) -> None:
    url = f"{fake.base_url}/cgi-bin/webhook/upload_media"
    voice = await upload(http, url, {"key": ROBOT_KEY, "type": "voice"}, AMR)
    assert voice["errcode"] == 0 and voice["type"] == "voice"
    assert (await upload(http, url, {"key": ROBOT_KEY, "type": "image"}, AMR))["errcode"] == 40005
    assert (await upload(http, url, {"key": ROBOT_KEY, "type": "file"}, b"1234"))[
        "errcode"] == 40006  # fmt: skip
    assert (await upload(http, url, {"key": "x", "type": "file"}, PDF))["errcode"] == 93000
    sent = await robot_send(http, fake, {"msgtype": "voice", "voice": {"media_id": voice[
        "media_id"]}})  # fmt: skip
    assert sent["errcode"] == 0


async def test_faults(http: Session, fake: FakeWeCom) -> None:
    send = f"{fake.base_url}/cgi-bin/webhook/send"
    text = {"msgtype": "text", "text": {"content": "hi"}}
    fake.fail_next("/cgi-bin/webhook/send", Fault(-1), Fault(status=502), Fault(delay=0.05))
    assert (await robot_send(http, fake, text))["errcode"] == -1
    async with http.post(send, params={"key": ROBOT_KEY}, json=text) as response:
        assert response.status == 502
    with pytest.raises(asyncio.TimeoutError):
        await call(http, "POST", send, params={"key": ROBOT_KEY}, json=text,
                   timeout=aiohttp.ClientTimeout(total=0.01))  # fmt: skip
    assert (await robot_send(http, fake, text))["errcode"] == 0
    assert [s.path for s in fake.seen].count("/cgi-bin/webhook/send") == 4
