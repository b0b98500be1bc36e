"""Passive replies: what a subscriber may return to answer a WeCom callback in its response.

WeCom lets the application answer a message or an interactive event inside
the HTTP response to the callback (被动回复), within its 5 s limit. A `wecom.*`
subscriber returns one of the models below (or a dict of the same shape, e.g.
`{"msg_type": "text", "content": "done"}`, so it needs no import of this
plugin); the hub builds the inner XML (ToUserName = the member,
FromUserName = the CorpID, CreateTime, MsgType and the type's fields),
encrypts it with the config's EncodingAESKey and signs it with its token
(reference §3.6). The first usable reply in subscriber priority order wins.

WeCom's passive reply types are text, image, voice, video, news and, for
template card events, update_button (the clicked button's new label). There is
no passive markdown: a `MarkdownReply` is refused with a warning in the log and
the callback is answered with the next usable reply or an empty 200. A
subscriber that wants markdown sends it as an application message instead
(the messages API of this plugin), which WeCom shows the same way. A whole new
template card is not a passive reply here either: use `update_template_card`
with the event's `response_code`.
"""

import secrets
import time
from collections.abc import Iterable, Mapping
from typing import Annotated, Any, Literal

import structlog
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, field_validator

from hub_wecom import callback_xml
from hub_wecom.crypto import WeComCrypto
from hub_wecom.events import EVENT_PREFIX, MESSAGE_MODELS, MESSAGE_PREFIX

log = structlog.get_logger("hub_wecom.replies")

MAX_TEXT_BYTES = 2048
"""WeCom truncates longer text replies; the hub refuses them instead, so nothing is cut
silently."""

CARD_EVENTS = frozenset({EVENT_PREFIX + "template_card_event"})

REPLYABLE: frozenset[str] = frozenset(
    {MESSAGE_PREFIX + name for name in MESSAGE_MODELS}
    | {
        EVENT_PREFIX + name
        for name in (
            "subscribe",
            "enter_agent",
            "click",
            "scancode_push",
            "scancode_waitmsg",
            "pic_sysphoto",
            "pic_photo_or_album",
            "pic_weixin",
            "location_select",
            "taskcard_click",
            "template_card_event",
        )
    }
)
"""Callback types the hub waits for subscribers' replies on (messages and the events a
member triggers in the app). [unverified: WeCom's docs say passive replies work for
"events that support them" without one list; these are the member-triggered ones.]
Address-book, approval, batch-job, location-report, unsubscribe and link-open events are
answered at once, without waiting."""


class _Reply(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    def fields(self) -> dict[str, Any]:
        """The XML children after MsgType."""
        raise NotImplementedError


class TextReply(_Reply):
    msg_type: Literal["text"] = "text"
    content: str = Field(min_length=1)

    @field_validator("content")
    @classmethod
    def _size(cls, value: str) -> str:
        if len(value.encode("utf-8")) > MAX_TEXT_BYTES:
            raise ValueError(f"a text reply holds at most {MAX_TEXT_BYTES} bytes of UTF-8")
        return value

    def fields(self) -> dict[str, Any]:
        return {"Content": self.content}


class ImageReply(_Reply):
    msg_type: Literal["image"] = "image"
    media_id: str = Field(min_length=1, description="From the media upload API.")

    def fields(self) -> dict[str, Any]:
        return {"Image": {"MediaId": self.media_id}}


class VoiceReply(_Reply):
    msg_type: Literal["voice"] = "voice"
    media_id: str = Field(min_length=1)

    def fields(self) -> dict[str, Any]:
        return {"Voice": {"MediaId": self.media_id}}


class VideoReply(_Reply):
    msg_type: Literal["video"] = "video"
    media_id: str = Field(min_length=1)
    title: str = ""
    description: str = ""

    def fields(self) -> dict[str, Any]:
        video = {"MediaId": self.media_id, "Title": self.title, "Description": self.description}
        return {"Video": video}


class Article(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    title: str = Field(min_length=1)
    description: str = ""
    url: str = ""
    pic_url: str = ""


class NewsReply(_Reply):
    msg_type: Literal["news"] = "news"
    articles: list[Article] = Field(min_length=1, max_length=8)

    def fields(self) -> dict[str, Any]:
        items = [
            {"Title": a.title, "Description": a.description, "PicUrl": a.pic_url, "Url": a.url}
            for a in self.articles
        ]
        return {"ArticleCount": len(items), "Articles": items}


class UpdateButtonReply(_Reply):
    """Relabel the button the member clicked (only as the answer to a template_card_event)."""

    msg_type: Literal["update_button"] = "update_button"
    replace_name: str = Field(min_length=1, max_length=64)

    def fields(self) -> dict[str, Any]:
        return {"Button": {"ReplaceName": self.replace_name}}


class MarkdownReply(BaseModel):
    """Recognised so the refusal is explicit: WeCom has no passive markdown reply."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    msg_type: Literal["markdown"] = "markdown"
    content: str = Field(min_length=1)


PassiveReply = TextReply | ImageReply | VoiceReply | VideoReply | NewsReply | UpdateButtonReply
AnyReply = Annotated[PassiveReply | MarkdownReply, Field(discriminator="msg_type")]
_ADAPTER: TypeAdapter[Any] = TypeAdapter(AnyReply)
_MODELS = (TextReply, ImageReply, VoiceReply, VideoReply, NewsReply, UpdateButtonReply)


def as_reply(value: Any) -> PassiveReply | MarkdownReply | None:
    """A subscriber's return value as a reply; None for anything that is not one.

    An invalid dict that says it is a reply (it has `msg_type`) is logged and
    skipped rather than answered half-built.
    """
    if isinstance(value, (*_MODELS, MarkdownReply)):
        return value
    if not isinstance(value, Mapping) or "msg_type" not in value:
        return None
    try:
        reply: PassiveReply | MarkdownReply = _ADAPTER.validate_python(dict(value))
    except ValidationError as exc:
        problems = ", ".join(".".join(str(p) for p in e["loc"]) for e in exc.errors()[:5])
        log.warning("ignoring an invalid wecom reply from a subscriber", fields=problems)
        return None
    return reply


def choose(results: Iterable[Any], callback_type: str) -> PassiveReply | None:
    """The first reply usable for a callback of `callback_type`, in the order given."""
    for value in results:
        reply = as_reply(value)
        if reply is None:
            continue
        if isinstance(reply, MarkdownReply):
            log.warning(
                "wecom has no passive markdown reply; send it as an app message instead",
                callback_type=callback_type,
            )
            continue
        if isinstance(reply, UpdateButtonReply) and callback_type not in CARD_EVENTS:
            log.warning(
                "update_button only answers a template_card_event", callback_type=callback_type
            )
            continue
        return reply
    return None


def inner_xml(reply: PassiveReply, to_user: str, corp_id: str, create_time: int) -> str:
    """The plaintext reply (reference §3.6): ToUserName = the member, FromUserName = CorpID."""
    return callback_xml.document(
        {
            "ToUserName": to_user,
            "FromUserName": corp_id,
            "CreateTime": create_time,
            "MsgType": reply.msg_type,
            **reply.fields(),
        }
    )


def envelope(
    crypto: WeComCrypto,
    plaintext: str,
    *,
    timestamp: str | None = None,
    nonce: str | None = None,
    random16: bytes | None = None,
) -> str:
    """The encrypted, signed XML WeCom expects as the response body.

    `timestamp` defaults to now and `nonce` to a fresh random number; tests fix
    them (and `random16`) to reproduce the reference's vector V3.
    """
    timestamp = timestamp or str(int(time.time()))
    nonce = nonce or str(secrets.randbelow(9 * 10**9) + 10**9)
    encrypted, signature = crypto.seal(plaintext.encode("utf-8"), timestamp, nonce, random16)
    fields = {"Encrypt": encrypted, "MsgSignature": signature, "TimeStamp": int(timestamp)}
    return callback_xml.document({**fields, "Nonce": nonce})
