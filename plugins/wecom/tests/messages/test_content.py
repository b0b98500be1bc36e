"""Message models: WeCom's shapes, byte limits counted in UTF-8, previews and wire bodies."""

from typing import Any

import pytest
from pydantic import TypeAdapter, ValidationError

from hub_wecom.messages import content
from hub_wecom.messages.content import Message

from ..support import IMAGE, IMAGE_BASE64, IMAGE_MD5

MESSAGE: TypeAdapter[Any] = TypeAdapter(Message)


def parse(data: dict[str, Any]) -> Any:
    return MESSAGE.validate_python(data)


def error_of(data: dict[str, Any]) -> str:
    with pytest.raises(ValidationError) as failed:
        parse(data)
    return str(failed.value)


def test_reference_image_vector() -> None:
    image = parse({"msgtype": "image", "image": {"base64": IMAGE_BASE64}})
    assert image.image.raw() == IMAGE
    assert image.image.digest() == IMAGE_MD5


def test_text_limit_counts_utf8_bytes() -> None:
    assert parse({"msgtype": "text", "text": {"content": "字" * 682}}).text.content  # 2046 B
    assert "2049 bytes of UTF-8; WeCom allows at most 2048" in error_of(
        {"msgtype": "text", "text": {"content": "字" * 683}}
    )
    assert "at least 1 character" in error_of({"msgtype": "text", "text": {"content": ""}})


def test_markdown_limit() -> None:
    assert parse({"msgtype": "markdown", "markdown": {"content": "a" * 4096}})
    assert "4097 bytes" in error_of({"msgtype": "markdown", "markdown": {"content": "a" * 4097}})


def test_news_articles() -> None:
    article = {"title": "t", "url": "https://example.com"}
    assert parse({"msgtype": "news", "news": {"articles": [article] * 8}})
    assert "at most 8" in error_of({"msgtype": "news", "news": {"articles": [article] * 9}})
    assert "at least 1" in error_of({"msgtype": "news", "news": {"articles": []}})
    assert "129 bytes" in error_of(
        {"msgtype": "news", "news": {"articles": [{**article, "title": "x" * 129}]}}
    )
    assert "513 bytes" in error_of(
        {"msgtype": "news", "news": {"articles": [{**article, "description": "d" * 513}]}}
    )
    assert "needs a url" in error_of({"msgtype": "news", "news": {"articles": [{"title": "t"}]}})


def test_textcard_limits() -> None:
    card = {"title": "t", "description": "d", "url": "https://example.com", "btntxt": "More"}
    assert parse({"msgtype": "textcard", "textcard": card})
    assert "129 bytes" in error_of(
        {"msgtype": "textcard", "textcard": {**card, "title": "标" * 43}}
    )
    assert "513 bytes" in error_of(
        {"msgtype": "textcard", "textcard": {**card, "description": "d" * 513}}
    )


def test_media_needs_one_source() -> None:
    assert "either media_id or base64" in error_of({"msgtype": "file", "file": {}})
    assert "either media_id or base64" in error_of(
        {"msgtype": "file", "file": {"media_id": "m", "base64": IMAGE_BASE64}}
    )
    assert "not valid standard base64" in error_of(
        {"msgtype": "file", "file": {"base64": "not base64!"}}
    )


def test_unknown_fields_and_types_are_refused() -> None:
    assert "Extra inputs" in error_of({"msgtype": "text", "text": {"content": "x", "cc": 1}})
    assert "does not match any of the expected tags" in error_of({"msgtype": "sticker"})


def test_template_card_task_id() -> None:
    card = parse(
        {"msgtype": "template_card", "template_card": {
            "card_type": "text_notice", "main_title": {"title": "Release"}, "task_id": "t-1@x"}}
    )  # fmt: skip
    assert card.template_card.main_title() == "Release"
    no_task = {"card_type": "x", "task_id": None}
    unset = parse({"msgtype": "template_card", "template_card": no_task})
    assert (unset.template_card.task_id, unset.template_card.main_title()) == (None, None)
    assert "letters, digits" in error_of(
        {"msgtype": "template_card", "template_card": {"card_type": "x", "task_id": "a b"}}
    )
    assert "129 bytes" in error_of(
        {"msgtype": "template_card", "template_card": {"card_type": "x", "task_id": "a" * 129}}
    )


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"msgtype": "text", "text": {"content": "x" * 300}}, "x" * 200),
        ({"msgtype": "markdown_v2", "markdown_v2": {"content": "# Hi"}}, "# Hi"),
        ({"msgtype": "news", "news": {"articles": [{"title": "A", "url": "u"}] * 3}},
         "A (+2 more)"),
        ({"msgtype": "textcard", "textcard": {"title": "T", "description": "d", "url": "u"}}, "T"),
        ({"msgtype": "template_card", "template_card": {"card_type": "text_notice"}},
         "text_notice"),
        ({"msgtype": "miniprogram_notice", "miniprogram_notice": {"appid": "a", "title": "M"}},
         "M"),
        ({"msgtype": "mpnews", "mpnews": {"articles": [
            {"title": "P", "thumb_media_id": "m", "content": "<p>x</p>"}]}}, "P"),
        ({"msgtype": "video", "video": {"media_id": "m", "title": "Clip"}}, "Clip"),
        ({"msgtype": "file", "file": {"base64": IMAGE_BASE64, "filename": "a.png"}}, "a.png"),
        ({"msgtype": "image", "image": {"base64": IMAGE_BASE64}}, "uploaded file"),
        ({"msgtype": "voice", "voice": {"media_id": "m"}}, "media file"),
    ],
)  # fmt: skip
def test_preview_never_holds_file_contents(data: dict[str, Any], expected: str) -> None:
    preview = content.preview(parse(data))
    assert preview == expected
    assert IMAGE_BASE64 not in preview


def test_wire_body() -> None:
    text = parse({"msgtype": "text", "text": {"content": "hi"}})
    assert content.wire_body(text) == {"content": "hi"}
    mention = parse({"msgtype": "text", "text": {"content": "hi", "mentioned_list": ["@all"]}})
    assert content.wire_body(mention) == {"content": "hi", "mentioned_list": ["@all"]}
    video = parse({"msgtype": "video", "video": {"base64": IMAGE_BASE64, "title": "T"}})
    assert content.wire_body(video, "media-1") == {"title": "T", "media_id": "media-1"}
    card = parse({"msgtype": "template_card", "template_card": {
        "card_type": "text_notice", "card_action": {"type": 1, "url": "u"}}})  # fmt: skip
    assert content.wire_body(card) == {
        "card_type": "text_notice", "card_action": {"type": 1, "url": "u"}
    }
