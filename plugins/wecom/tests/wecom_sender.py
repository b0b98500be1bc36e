"""Plays WeCom calling the hub: encrypts and signs exactly as reference §3 describes.

Written from the reference alone and independently of `hub_wecom.crypto`, so a
bug there cannot hide behind the same bug here: padding comes from
`cryptography`'s PKCS7 padder with a 256-bit (32-byte) block, the plaintext
layout is assembled with `int.to_bytes`, the signature with `hashlib` over
the four strings sorted. The reference's test vectors (§3.7) and samples of
every decrypted callback (§3.8, and WeCom's other member events) live here too.
"""

import base64
import hashlib
import secrets
import time
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote
from xml.etree import ElementTree as ET

from aiohttp import ClientResponse
from aiohttp.test_utils import TestClient
from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

# -- the reference's vectors (§3.7) -------------------------------------------------------

TOKEN = "QDG6eK"
AES_KEY = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"
CORP_ID = "wx5823bf96d3bd56c7"
AGENT_ID = 218
TIMESTAMP = "1409659813"
NONCE = "1372623149"
RANDOM16 = b"0123456789abcdef"
AES_KEY_HEX = "8d69989bbaabe67328014c194631ad0719b3dca035b64023df292447aab60760"

V1_ECHOSTR = (
    "sKqRbbiSUnDhFHOvPjtUMWzf2R8PrpMiTTPaicBgqZlYW/WsF6SiFd2z9CriX2YpWYzF1yrNNQ0SomM3ovdnfA=="
)
V1_SIGNATURE = "a8498dda3672bf27adfc6a4a85e7a9ffa9243566"
V1_PLAINTEXT = "1616140317555161061"

V2_PLAINTEXT = (
    "<xml><ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName><FromUserName><![CDATA["
    "mycreate]]></FromUserName><CreateTime>1409659813</CreateTime><MsgType><![CDATA[text]]>"
    "</MsgType><Content><![CDATA[hello]]></Content><MsgId>4561255354251345929</MsgId>"
    "<AgentID>218</AgentID></xml>"
)
V2_ENCRYPT = (
    "sKqRbbiSUnDhFHOvPjtUMdVi0ljTgnq2cE++gz4IMV6PaZGqTuCD+Rwj8cEjqdWtgnPJUQO6nLmPtbbhaq6DWAU8s"
    "wEXvGovnq3WYl6ZoJdSt+Ds1J6FStKP2QjoKaCFdTCt6Zg0g79Z6yrQgYlFutqUDJIY4jWPAGXp+XcyEZGM+zU2b"
    "dz5ztCsU+7CzwIGtwaf6USoSPMwjm6VaCiSErcTTM2f4nZMhQQA9TUTl411pm4SKP0/3OjeNcQ8YKNiaIJCuJid4"
    "m85EQN9aUU4sa4HmEFu3eGhZ+qmupl9imCHwnUObuIPtHCGybiOQmdVgsltDwP5xAUIovHzsLV9YajNXMnRUtrqd"
    "XlDZnoS47aarbvTnMv+gdjKKKh0NiztRhrJrQOxFOsCt3angJr0V6QHfQaV3a9CN6v1UQR26qc="
)
V2_SIGNATURE = "eef916a71304773843c25b33bb99012fb69fcb35"

V3_PLAINTEXT = (
    "<xml><ToUserName><![CDATA[mycreate]]></ToUserName><FromUserName><![CDATA["
    "wx5823bf96d3bd56c7]]></FromUserName><CreateTime>1409659813</CreateTime><MsgType>"
    "<![CDATA[text]]></MsgType><Content><![CDATA[ok]]></Content></xml>"
)
V3_ENCRYPT = (
    "sKqRbbiSUnDhFHOvPjtUMUsEVmDADXLt0OZuIlorZM8pvjawaOsimQbTXGTf/UKjyK4ke7gR5eo//jsi80yh5MXsf"
    "+4+kHZ+jGk6w0q1yRfTgL/c5+Ggj2kOPicKSdorGPRIqrLftZqMmZrzQ3DowFkMBKnJ2LMIJCmYK3JhT6roHPrY2Y"
    "VxS7iYsvyZ0pGVjtXu4TfcG15GE/1jnXaCCjwihdMQAIEvYF19Z05qcwppSySbtd9ZvvyCScQgOUlvfVzwThlZzG"
    "PnVB19xFUsLsUbVQbEhSCuYGtiaMxDeFMjBRVd9Wm1EK+QfBkyXbNW88uk0fGpDOJkUgZYMFIDYtRoAi3TUAjq45Q"
    "uVq48NonAwKc3pgyOaoGDxztFh9jl"
)
V3_SIGNATURE = "136fee155c0084269a5654b136b3f4b402d28442"


# -- WeCom's side of the scheme --------------------------------------------------------------


def aes_key(encoding_aes_key: str = AES_KEY) -> bytes:
    return base64.b64decode(encoding_aes_key + "=")


def sign(token: str, timestamp: str, nonce: str, encrypt: str) -> str:
    return hashlib.sha1("".join(sorted([token, timestamp, nonce, encrypt])).encode()).hexdigest()


def encrypt(
    message: bytes,
    *,
    encoding_aes_key: str = AES_KEY,
    receive_id: str = CORP_ID,
    random16: bytes | None = None,
) -> str:
    prefix = random16 if random16 is not None else secrets.token_bytes(16)
    plain = prefix + len(message).to_bytes(4, "big") + message + receive_id.encode()
    padder = padding.PKCS7(256).padder()  # a 32-byte block, as WeCom pads
    padded = padder.update(plain) + padder.finalize()
    key = aes_key(encoding_aes_key)
    encryptor = Cipher(algorithms.AES(key), modes.CBC(key[:16])).encryptor()
    return base64.b64encode(encryptor.update(padded) + encryptor.finalize()).decode()


def decrypt(encrypted: str, *, encoding_aes_key: str = AES_KEY) -> tuple[bytes, str]:
    """(message, receive id) of an `Encrypt` value; the padding must be valid PKCS#7/32."""
    key = aes_key(encoding_aes_key)
    decryptor = Cipher(algorithms.AES(key), modes.CBC(key[:16])).decryptor()
    padded = decryptor.update(base64.b64decode(encrypted)) + decryptor.finalize()
    unpadder = padding.PKCS7(256).unpadder()
    plain = unpadder.update(padded) + unpadder.finalize()
    length = int.from_bytes(plain[16:20], "big")
    return plain[20 : 20 + length], plain[20 + length :].decode()


def envelope(encrypted: str, corp_id: str = CORP_ID, agent_id: int | None = AGENT_ID) -> str:
    """The POST body WeCom sends (reference §3.5)."""
    agent = f"<AgentID><![CDATA[{agent_id}]]></AgentID>" if agent_id is not None else ""
    return (
        f"<xml><ToUserName><![CDATA[{corp_id}]]></ToUserName>"
        f"<Encrypt><![CDATA[{encrypted}]]></Encrypt>{agent}</xml>"
    )


def open_reply(
    body: bytes, *, token: str = TOKEN, encoding_aes_key: str = AES_KEY
) -> tuple[str, str]:
    """(reply XML, receive id) of a passive reply, after checking its MsgSignature."""
    root = ET.fromstring(body)
    values = {child.tag: child.text or "" for child in root}
    assert set(values) == {"Encrypt", "MsgSignature", "TimeStamp", "Nonce"}, values
    expected = sign(token, values["TimeStamp"], values["Nonce"], values["Encrypt"])
    assert values["MsgSignature"] == expected, "the reply's MsgSignature does not verify"
    message, receive_id = decrypt(values["Encrypt"], encoding_aes_key=encoding_aes_key)
    return message.decode(), receive_id


# -- decrypted callbacks (§3.8) ----------------------------------------------------------------


def _value(value: Any) -> str:
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, str):
        return f"<![CDATA[{value}]]>"
    if isinstance(value, Mapping):
        return "".join(f"<{k}>{_value(v)}</{k}>" for k, v in value.items())
    # a list: repeated elements, written as (tag, value) pairs
    return "".join(f"<{tag}>{_value(v)}</{tag}>" for tag, v in value)


def callback(
    msg_type: str,
    *,
    member: str = "zhangsan",
    create_time: int | None = None,
    agent_id: int | None = AGENT_ID,
    corp_id: str = CORP_ID,
    **fields: Any,
) -> str:
    """A decrypted callback as WeCom writes it: common fields, then the type's own."""
    head: dict[str, Any] = {
        "ToUserName": corp_id,
        "FromUserName": member,
        "CreateTime": create_time if create_time is not None else int(time.time()),
        "MsgType": msg_type,
    }
    tail = {"AgentID": agent_id} if agent_id is not None else {}
    return f"<xml>{_value({**head, **fields, **tail})}</xml>"


def event(name: str, **fields: Any) -> str:
    return callback("event", Event=name, **fields)


PIC_MD5 = "1b5f7c23b5bf75682a53e7b6d163e185"


def samples(create_time: int | None = None) -> dict[str, str]:
    """One decrypted callback per bus type the plugin publishes (except unknown)."""
    t = int(time.time()) if create_time is None else create_time
    msg_id = iter(range(7000000000000000001, 7000000000000000100))
    contact = {"create_time": t, "member": "sys", "agent_id": None}
    return {
        "wecom.message.text": callback(
            "text", create_time=t, Content="hello", MsgId=next(msg_id)
        ),
        "wecom.message.image": callback(
            "image", create_time=t, PicUrl="https://p.example/1.jpg", MediaId="m-image",
            MsgId=next(msg_id),
        ),
        "wecom.message.voice": callback(
            "voice", create_time=t, MediaId="m-voice", Format="amr", MsgId=next(msg_id)
        ),
        "wecom.message.video": callback(
            "video", create_time=t, MediaId="m-video", ThumbMediaId="m-thumb", MsgId=next(msg_id)
        ),
        "wecom.message.location": callback(
            "location", create_time=t, Location_X=23.134521, Location_Y=113.358803, Scale=20,
            Label="Guangzhou Tower", MsgId=next(msg_id), AppType="wxwork",
        ),
        "wecom.message.link": callback(
            "link", create_time=t, Title="Weekly report", Description="Numbers",
            Url="https://docs.example/r", PicUrl="https://p.example/r.png", MsgId=next(msg_id),
        ),
        "wecom.message.file": callback(
            "file", create_time=t, MediaId="m-file", MsgId=next(msg_id)
        ),
        "wecom.event.subscribe": event("subscribe", create_time=t),
        "wecom.event.unsubscribe": event("unsubscribe", create_time=t),
        "wecom.event.enter_agent": event("enter_agent", create_time=t, EventKey=""),
        "wecom.event.click": event("click", create_time=t, EventKey="menu-report"),
        "wecom.event.view": event("view", create_time=t, EventKey="https://docs.example/"),
        "wecom.event.view_miniprogram": event(
            "view_miniprogram", create_time=t, EventKey="pages/index"
        ),
        "wecom.event.location": event(
            "LOCATION", create_time=t, Latitude=23.104105, Longitude=113.320107, Precision=65,
        ),
        "wecom.event.scancode_push": event(
            "scancode_push", create_time=t, EventKey="scan",
            ScanCodeInfo={"ScanType": "qrcode", "ScanResult": "https://s.example/q"},
        ),
        "wecom.event.scancode_waitmsg": event(
            "scancode_waitmsg", create_time=t, EventKey="scan-wait",
            ScanCodeInfo={"ScanType": "barcode", "ScanResult": "6901234567892"},
        ),
        "wecom.event.pic_sysphoto": event(
            "pic_sysphoto", create_time=t, EventKey="photo",
            SendPicsInfo={"Count": 1, "PicList": [("item", {"PicMd5Sum": PIC_MD5})]},
        ),
        "wecom.event.pic_photo_or_album": event(
            "pic_photo_or_album", create_time=t, EventKey="album",
            SendPicsInfo={
                "Count": 2,
                "PicList": [("item", {"PicMd5Sum": "aa"}), ("item", {"PicMd5Sum": "bb"})],
            },
        ),
        "wecom.event.pic_weixin": event(
            "pic_weixin", create_time=t, EventKey="wx",
            SendPicsInfo={"Count": 1, "PicList": [("item", {"PicMd5Sum": "cc"})]},
        ),
        "wecom.event.location_select": event(
            "location_select", create_time=t, EventKey="where",
            SendLocationInfo={
                "Location_X": 23.0, "Location_Y": 113.0, "Scale": 15, "Label": "Office",
                "Poiname": "HQ",
            },
        ),
        "wecom.event.template_card_event": event(
            "template_card_event", create_time=t, EventKey="approve", TaskId="task-1",
            CardType="vote_interaction", ResponseCode="rc-123",
            SelectedItems=[
                ("SelectedItem", {
                    "QuestionKey": "q1",
                    "OptionIds": [("OptionId", "o1"), ("OptionId", "o2")],
                }),
                ("SelectedItem", {"QuestionKey": "q2", "OptionIds": [("OptionId", "o3")]}),
            ],
        ),
        "wecom.event.template_card_menu_event": event(
            "template_card_menu_event", create_time=t, EventKey="mute", TaskId="task-2",
            CardType="text_notice", ResponseCode="rc-456",
        ),
        "wecom.event.taskcard_click": event(
            "taskcard_click", create_time=t, EventKey="done", TaskId="task-3"
        ),
        "wecom.event.change_contact": callback(
            "event", Event="change_contact", ChangeType="update_user", UserID="zhangsan",
            NewUserID="zhangsan2", Name="Zhang San", Department="1,2,3", MainDepartment=1,
            IsLeaderInDept="1,0,0", Position="Engineer", Mobile="13800000000", Gender=1,
            Email="zs@example.com", Status=1, Avatar="https://p.example/a.png", Alias="zs",
            ExtAttr=[("Item", {"Name": "floor", "Type": 0, "Text": {"Value": "8"}})],
            **contact,
        ),
        "wecom.event.batch_job_result": event(
            "batch_job_result", create_time=t,
            BatchJob={"JobId": "job-9", "JobType": "sync_user", "ErrCode": 0, "ErrMsg": "ok"},
        ),
        "wecom.event.open_approval_change": event(
            "open_approval_change", create_time=t,
            ApprovalInfo={"ThirdNo": "201806010001", "OpenSpName": "Leave", "OpenSpStatus": 1},
        ),
        "wecom.event.share_agent_change": event("share_agent_change", create_time=t),
        "wecom.event.share_chain_change": event("share_chain_change", create_time=t),
        "wecom.event.close_inactive_agent": event("close_inactive_agent", create_time=t),
        "wecom.event.reopen_inactive_agent": event("reopen_inactive_agent", create_time=t),
    }  # fmt: skip


def party_change(change_type: str = "create_party", create_time: int | None = None) -> str:
    return callback(
        "event", Event="change_contact", ChangeType=change_type, Id=2, Name="R&D",
        ParentId="1", Order=1, member="sys", agent_id=None, create_time=create_time,
    )  # fmt: skip


def tag_change(create_time: int | None = None) -> str:
    return callback(
        "event", Event="change_contact", ChangeType="update_tag", TagId=1,
        AddUserItems="zhangsan,lisi", DelUserItems="wangwu", AddPartyItems="1,2",
        DelPartyItems="", member="sys", agent_id=None, create_time=create_time,
    )  # fmt: skip


# -- posting to a running hub -----------------------------------------------------------------


def now() -> str:
    return str(int(time.time()))


class WeComSender:
    """Sends callbacks to `/webhooks/wecom/<config id>` of a hub under test."""

    def __init__(
        self,
        client: TestClient,
        config_id: str,
        *,
        token: str = TOKEN,
        encoding_aes_key: str = AES_KEY,
        corp_id: str = CORP_ID,
    ) -> None:
        self.client = client
        self.config_id = config_id
        self.token = token
        self.encoding_aes_key = encoding_aes_key
        self.corp_id = corp_id

    @property
    def url(self) -> str:
        return f"/webhooks/wecom/{self.config_id}"

    async def verify_url(
        self,
        echostr: str,
        *,
        timestamp: str = TIMESTAMP,
        nonce: str = NONCE,
        signature: str | None = None,
        encode_plus: bool = True,
    ) -> ClientResponse:
        """The URL-verification GET; `encode_plus=False` leaves "+" raw in the query."""
        signature = signature or sign(self.token, timestamp, nonce, echostr)
        value = quote(echostr, safe="" if encode_plus else "+")
        query = f"msg_signature={signature}&timestamp={timestamp}&nonce={nonce}&echostr={value}"
        return await self.client.get(f"{self.url}?{query}")

    def seal(self, plaintext: str, *, receive_id: str | None = None) -> str:
        return encrypt(
            plaintext.encode(),
            encoding_aes_key=self.encoding_aes_key,
            receive_id=receive_id or self.corp_id,
        )

    async def post_encrypted(
        self,
        encrypted: str,
        *,
        timestamp: str | None = None,
        nonce: str | None = None,
        signature: str | None = None,
        body: str | None = None,
    ) -> ClientResponse:
        timestamp = timestamp or now()
        nonce = nonce or str(secrets.randbelow(10**9) + 1)
        signature = signature or sign(self.token, timestamp, nonce, encrypted)
        query = f"msg_signature={signature}&timestamp={timestamp}&nonce={nonce}"
        data = envelope(encrypted, self.corp_id) if body is None else body
        return await self.client.post(
            f"{self.url}?{query}", data=data.encode(), headers={"Content-Type": "text/xml"}
        )

    async def post(self, plaintext: str, **options: Any) -> ClientResponse:
        """A callback as WeCom posts it: encrypted for the corp id, signed, fresh timestamp."""
        return await self.post_encrypted(self.seal(plaintext), **options)
