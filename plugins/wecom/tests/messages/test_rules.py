"""What each channel accepts: types, limits that differ, media size and format, recipients."""

from typing import Any

import pytest
from hub.errors import ValidationFailed

from hub_wecom.messages import rules
from hub_wecom.messages.content import MediaBody
from hub_wecom.messages.schemas import SendRequest
from hub_wecom.messages.service import MessageService

from ..support import AMR, IMAGE, IMAGE_MD5, MP4, PDF, b64

ARTICLE = {"title": "t", "url": "https://example.com"}


def request(message: dict[str, Any], **fields: Any) -> SendRequest:
    return SendRequest.model_validate({"config_id": "c", "message": message, **fields})


def problems(channel: str, message: dict[str, Any], **fields: Any) -> list[dict[str, Any]]:
    with pytest.raises(ValidationFailed) as failed:
        MessageService.check(channel, request(message, **fields))
    assert failed.value.message.startswith("the message cannot be sent: ")
    return list(failed.value.details)


def fields_of(channel: str, message: dict[str, Any], **fields: Any) -> list[str]:
    return [p["field"] for p in problems(channel, message, **fields)]


def accepted(channel: str, message: dict[str, Any], **fields: Any) -> None:
    MessageService.check(channel, request(message, **fields))


def test_types_per_channel() -> None:
    accepted("robot", {"msgtype": "markdown_v2", "markdown_v2": {"content": "x"}})
    found = problems("app", {"msgtype": "markdown_v2", "markdown_v2": {"content": "x"}},
                     touser=["zhangsan"])  # fmt: skip
    assert found[0]["field"] == "message.msgtype"
    assert found[0]["message"].startswith("an application cannot send markdown_v2 messages")
    assert fields_of(
        "robot", {"msgtype": "textcard", "textcard": {"title": "t", "description": "d",
                                                      "url": "u"}}
    ) == ["message.msgtype"]  # fmt: skip


def test_markdown_limit_differs() -> None:
    long = {"msgtype": "markdown", "markdown": {"content": "m" * 3000}}
    accepted("robot", long)
    found = problems("app", long, touser=["zhangsan"])
    assert found == [
        {
            "field": "message.markdown.content",
            "message": "content is 3000 bytes of UTF-8; WeCom allows at most 2048 in "
            "application markdown",
            "type": "wecom",
        }
    ]


def test_mentions_are_for_robots() -> None:
    text = {"msgtype": "text", "text": {"content": "hi", "mentioned_mobile_list": ["138"]}}
    accepted("robot", text)
    assert fields_of("app", text, touser=["zhangsan"]) == ["message.text"]


def test_recipients() -> None:
    text = {"msgtype": "text", "text": {"content": "hi"}}
    assert fields_of("app", text) == ["touser"]
    assert fields_of("robot", text, touser=["zhangsan"]) == ["touser"]
    many = [f"u{n}" for n in range(1001)]
    assert fields_of("app", text, touser=many, toparty=[str(n) for n in range(101)]) == [
        "touser",
        "toparty",
    ]
    MessageService.check("app", request(text, touser=many), batch=True)
    assert fields_of("robot", text, safe=True) == ["safe"]
    found = problems("robot", text, enable_id_trans=True, duplicate_check_interval=60)
    assert found[0]["message"] == (
        "enable_id_trans, duplicate_check_interval: options of application messages"
    )


def test_recipients_as_wecom_strings() -> None:
    sent = request({"msgtype": "text", "text": {"content": "x"}}, touser="a|b|a", totag=" 1 ")
    assert (sent.touser, sent.totag) == (["a", "b"], ["1"])
    with pytest.raises(ValueError, match="without '\\|'"):
        request({"msgtype": "text", "text": {"content": "x"}}, touser=["a|b"])


def test_robot_image() -> None:
    accepted("robot", {"msgtype": "image", "image": {"base64": b64(IMAGE), "md5": IMAGE_MD5}})
    assert fields_of("robot", {"msgtype": "image", "image": {"media_id": "m"}}) == [
        "message.image.media_id"
    ]
    assert fields_of(
        "robot", {"msgtype": "image", "image": {"base64": b64(IMAGE), "md5": "0" * 32}}
    ) == ["message.image.md5"]
    assert fields_of("robot", {"msgtype": "image", "image": {"base64": b64(PDF)}}) == [
        "message.image.base64"
    ]
    big = IMAGE + bytes(2 * 1024 * 1024)
    found = problems("robot", {"msgtype": "image", "image": {"base64": b64(big)}})
    assert found[0]["message"] == "the image is 2.0 MB; a robot image must be 5 bytes to 2.0 MB"


def test_app_media_limits_and_formats() -> None:
    to = {"touser": ["zhangsan"]}
    accepted("app", {"msgtype": "image", "image": {"base64": b64(IMAGE + bytes(3_000_000))}}, **to)
    accepted("app", {"msgtype": "voice", "voice": {"base64": b64(AMR)}}, **to)
    accepted("app", {"msgtype": "video", "video": {"base64": b64(MP4), "title": "t"}}, **to)
    assert fields_of("app", {"msgtype": "voice", "voice": {"base64": b64(MP4)}}, **to) == [
        "message.voice.base64"
    ]
    assert fields_of("app", {"msgtype": "file", "file": {"base64": b64(b"abc")}}, **to) == [
        "message.file.base64"
    ]


def test_robot_news_and_cards() -> None:
    assert fields_of(
        "robot", {"msgtype": "news", "news": {"articles": [{"title": "t", "appid": "a"}]}}
    ) == ["message.news.articles.0.url"]
    card = {"card_type": "button_interaction", "card_action": {}}
    interactive = {"msgtype": "template_card", "template_card": card}
    assert fields_of("robot", interactive) == ["message.template_card.card_type"]
    accepted("app", interactive, touser=["zhangsan"])
    no_action = {"msgtype": "template_card", "template_card": {"card_type": "text_notice"}}
    assert fields_of("robot", no_action) == ["message.template_card.card_action"]
    accepted("app", no_action, touser=["zhangsan"])
    assert fields_of("app", {"msgtype": "template_card", "template_card": {"card_type": "x"}},
                     touser=["zhangsan"]) == ["message.template_card.card_type"]  # fmt: skip


def test_every_problem_is_listed() -> None:
    found = problems("app", {"msgtype": "markdown", "markdown": {"content": "m" * 3000}})
    assert [p["field"] for p in found] == ["message.markdown.content", "touser"]


def test_file_names() -> None:
    assert rules.filename_for("image", MediaBody(base64=b64(IMAGE))) == "image.png"
    assert rules.filename_for("voice", MediaBody(base64=b64(AMR))) == "voice.amr"
    assert rules.filename_for("file", MediaBody(base64=b64(PDF))) == "file"
    assert rules.filename_for("file", MediaBody(base64=b64(PDF), filename="r.pdf")) == "r.pdf"
    assert rules.media_format(b"\xff\xd8\xff\xe0rest") == "jpg"
