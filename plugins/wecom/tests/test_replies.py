"""Passive replies: models, the choice among subscriber results, the XML and its envelope."""

from datetime import UTC, datetime
from typing import Any
from xml.etree import ElementTree as ET

import pytest
from hub.bus import STOP
from hub.webhooks import StoredWebhook
from pydantic import ValidationError

from hub_wecom import replies
from hub_wecom.config import AppConfig
from hub_wecom.crypto import WeComCrypto
from hub_wecom.replies import (
    Article,
    ImageReply,
    MarkdownReply,
    NewsReply,
    TextReply,
    UpdateButtonReply,
    VideoReply,
    VoiceReply,
)
from hub_wecom.webhooks import WEBHOOK_HANDLER

from . import wecom_sender as ws
from .conftest import callback_values

TEXT = "wecom.message.text"
CARD = "wecom.event.template_card_event"


def test_v3_inner_xml_and_envelope_are_byte_exact() -> None:
    plaintext = replies.inner_xml(TextReply(content="ok"), "mycreate", ws.CORP_ID, 1409659813)
    assert plaintext == ws.V3_PLAINTEXT
    crypto = WeComCrypto(ws.TOKEN, ws.AES_KEY, ws.CORP_ID)
    body = replies.envelope(
        crypto, plaintext, timestamp=ws.TIMESTAMP, nonce=ws.NONCE, random16=ws.RANDOM16
    )
    assert body == (
        f"<xml><Encrypt><![CDATA[{ws.V3_ENCRYPT}]]></Encrypt>"
        f"<MsgSignature><![CDATA[{ws.V3_SIGNATURE}]]></MsgSignature>"
        f"<TimeStamp>{ws.TIMESTAMP}</TimeStamp><Nonce><![CDATA[{ws.NONCE}]]></Nonce></xml>"
    )
    assert ws.open_reply(body.encode()) == (ws.V3_PLAINTEXT, ws.CORP_ID)


def test_envelope_with_fresh_timestamp_and_nonce_verifies() -> None:
    crypto = WeComCrypto(ws.TOKEN, ws.AES_KEY, ws.CORP_ID)
    first = replies.envelope(crypto, ws.V3_PLAINTEXT)
    second = replies.envelope(crypto, ws.V3_PLAINTEXT)
    assert first != second
    for body in (first, second):
        assert ws.open_reply(body.encode()) == (ws.V3_PLAINTEXT, ws.CORP_ID)


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        (ImageReply(media_id="m1"), "<MsgType><![CDATA[image]]></MsgType><Image><MediaId>"
         "<![CDATA[m1]]></MediaId></Image>"),
        (VoiceReply(media_id="m2"), "<MsgType><![CDATA[voice]]></MsgType><Voice><MediaId>"
         "<![CDATA[m2]]></MediaId></Voice>"),
        (VideoReply(media_id="m3", title="T"), "<MsgType><![CDATA[video]]></MsgType><Video>"
         "<MediaId><![CDATA[m3]]></MediaId><Title><![CDATA[T]]></Title><Description>"
         "<![CDATA[]]></Description></Video>"),
        (UpdateButtonReply(replace_name="Done"), "<MsgType><![CDATA[update_button]]></MsgType>"
         "<Button><ReplaceName><![CDATA[Done]]></ReplaceName></Button>"),
    ],
)  # fmt: skip
def test_reply_shapes(reply: replies.PassiveReply, expected: str) -> None:
    xml = replies.inner_xml(reply, "u1", "ww1", 7)
    head = (
        "<xml><ToUserName><![CDATA[u1]]></ToUserName><FromUserName><![CDATA[ww1]]></FromUserName>"
        "<CreateTime>7</CreateTime>"
    )
    assert xml == head + expected + "</xml>"


def test_news_reply() -> None:
    news = NewsReply(
        articles=[
            Article(title="A", description="d", url="https://a.example", pic_url="https://p/a"),
            Article(title="B"),
        ]
    )
    root = ET.fromstring(replies.inner_xml(news, "u1", "ww1", 7))
    assert root.findtext("MsgType") == "news" and root.findtext("ArticleCount") == "2"
    items = root.findall("Articles/item")
    assert [(i.findtext("Title"), i.findtext("Url"), i.findtext("PicUrl")) for i in items] == [
        ("A", "https://a.example", "https://p/a"), ("B", "", "")
    ]  # fmt: skip
    with pytest.raises(ValidationError):
        NewsReply(articles=[])
    with pytest.raises(ValidationError):
        NewsReply(articles=[Article(title=str(n)) for n in range(9)])


def test_text_reply_limits() -> None:
    assert TextReply(content="界" * 682).content  # 2046 bytes
    with pytest.raises(ValidationError, match="2048 bytes"):
        TextReply(content="界" * 683)
    with pytest.raises(ValidationError):
        TextReply(content="")
    xml = replies.inner_xml(TextReply(content="a ]]> b"), "u", "c", 1)
    assert ET.fromstring(xml).findtext("Content") == "a ]]> b"


def test_choose_takes_the_first_usable_reply_in_order(caplog: pytest.LogCaptureFixture) -> None:
    text = TextReply(content="first")
    assert replies.choose([None, STOP, "x", 3, text, TextReply(content="second")], TEXT) is text
    as_dict = replies.choose([{"msg_type": "text", "content": "from a dict"}], TEXT)
    assert as_dict == TextReply(content="from a dict")
    nested = {"msg_type": "news", "articles": [{"title": "t", "url": "https://u"}]}
    assert isinstance(replies.choose([nested], TEXT), NewsReply)
    assert replies.choose([], TEXT) is None
    assert replies.choose([{"content": "no msg_type"}], TEXT) is None


def test_invalid_replies_are_skipped() -> None:
    fallback = ImageReply(media_id="m")
    results: list[Any] = [{"msg_type": "text"}, {"msg_type": "sticker", "id": 1}, fallback]
    assert replies.choose(results, TEXT) is fallback
    assert replies.as_reply({"msg_type": "text", "content": "x", "extra": 1}) is None


def test_markdown_is_refused_as_a_passive_reply() -> None:
    markdown = {"msg_type": "markdown", "content": "**bold**"}
    assert isinstance(replies.as_reply(markdown), MarkdownReply)
    assert replies.choose([markdown], TEXT) is None
    text = TextReply(content="plain")
    assert replies.choose([MarkdownReply(content="# no"), text], TEXT) is text


def test_update_button_only_answers_template_card_events() -> None:
    button = UpdateButtonReply(replace_name="Approved")
    assert replies.choose([button], CARD) is button
    assert replies.choose([button], TEXT) is None
    assert replies.choose([{"msg_type": "update_button", "replace_name": "x"}], CARD) == (
        UpdateButtonReply(replace_name="x")
    )


def test_replyable_types() -> None:
    assert TEXT in replies.REPLYABLE and CARD in replies.REPLYABLE
    assert "wecom.event.click" in replies.REPLYABLE
    for silent in ("change_contact", "batch_job_result", "unsubscribe", "view", "location"):
        assert f"wecom.event.{silent}" not in replies.REPLYABLE


def stored(xml: str, event_type: str, webhook_id: str = "w1") -> StoredWebhook:
    now = datetime.now(UTC)
    return StoredWebhook(
        id=webhook_id, config_id="c1", tenant_id="t1", provider="wecom", method="POST",
        path="/webhooks/wecom/c1", query="", headers={}, body=b"", remote_ip="127.0.0.1",
        received_at=now, dedup_key="k", messages=[{"type": event_type, "xml": xml}],
        status="pending", attempts=0, duplicates=0, event_count=0, error=None, processed_at=None,
    )  # fmt: skip


async def test_respond_encrypts_the_first_reply_for_the_sender() -> None:
    config = AppConfig.model_validate(callback_values())
    webhook = stored(ws.samples()["wecom.message.text"], TEXT)
    reply = await WEBHOOK_HANDLER.respond(
        webhook, config, [None, {"msg_type": "text", "content": "收到"}, TextReply(content="2")]
    )
    assert reply is not None
    assert reply.status == 200 and reply.content_type == "application/xml"
    plaintext, receive_id = ws.open_reply(reply.body)
    assert receive_id == ws.CORP_ID
    root = ET.fromstring(plaintext)
    assert root.findtext("ToUserName") == "zhangsan"
    assert root.findtext("FromUserName") == ws.CORP_ID
    assert (root.findtext("MsgType"), root.findtext("Content")) == ("text", "收到")
    assert root.findtext("CreateTime", "").isdigit()


async def test_respond_without_a_usable_reply_keeps_the_empty_answer() -> None:
    config = AppConfig.model_validate(callback_values())
    webhook = stored(ws.samples()["wecom.message.text"], TEXT)
    assert await WEBHOOK_HANDLER.respond(webhook, config, []) is None
    markdown = [STOP, {"msg_type": "markdown", "content": "x"}]
    assert await WEBHOOK_HANDLER.respond(webhook, config, markdown) is None
    button = [UpdateButtonReply(replace_name="Done")]
    assert await WEBHOOK_HANDLER.respond(webhook, config, button) is None
    card = stored(ws.samples()[CARD], CARD)
    answer = await WEBHOOK_HANDLER.respond(card, config, button)
    assert answer is not None
    plaintext, _ = ws.open_reply(answer.body)
    assert ET.fromstring(plaintext).findtext("Button/ReplaceName") == "Done"
    empty = StoredWebhook(**{**stored("", TEXT).__dict__, "messages": []})
    assert await WEBHOOK_HANDLER.respond(empty, config, [TextReply(content="x")]) is None
