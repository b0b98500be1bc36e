"""What a message says: one model per WeCom message type, in WeCom's own JSON shape.

A message is `{"msgtype": T, T: {...}}` exactly as WeCom documents it, so
WeCom's examples work as they are. Media may instead be given inline
(`base64` and `filename`); the hub uploads it first. The limits that hold
for every channel are checked here, while the request is read; the ones that
differ between robots and applications are in `hub_wecom.messages.rules`.
Byte limits count UTF-8 bytes, as WeCom does.
"""

import base64
import binascii
import hashlib
import re
from typing import Annotated, Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

TEXT_MAX_BYTES = 2048
MARKDOWN_MAX_BYTES = 4096
TITLE_MAX_BYTES = 128
DESCRIPTION_MAX_BYTES = 512
TASK_ID_MAX_BYTES = 128
PREVIEW_CHARS = 200
_TASK_ID = re.compile(r"^[A-Za-z0-9_\-@]+$")


def utf8_len(value: str) -> int:
    return len(value.encode("utf-8"))


def at_most(value: str, limit: int, what: str) -> str:
    size = utf8_len(value)
    if size > limit:
        raise ValueError(f"{what} is {size} bytes of UTF-8; WeCom allows at most {limit}")
    return value


class _Body(BaseModel):
    """Unknown fields are refused: a misspelt option would otherwise vanish silently."""

    model_config = ConfigDict(extra="forbid")


class _Open(BaseModel):
    """WeCom's richer objects (cards, mini-program notices) pass through with all their fields."""

    model_config = ConfigDict(extra="allow")


class TextBody(_Body):
    content: str = Field(min_length=1, description="At most 2048 bytes of UTF-8.")
    mentioned_list: list[str] = Field(
        default=[], description="Robots only: user ids to @mention, or `@all`."
    )
    mentioned_mobile_list: list[str] = Field(
        default=[], description="Robots only: mobile numbers to @mention, or `@all`."
    )

    @field_validator("content")
    @classmethod
    def _size(cls, value: str) -> str:
        return at_most(value, TEXT_MAX_BYTES, "content")


class MarkdownBody(_Body):
    content: str = Field(
        min_length=1, description="At most 4096 bytes for robots, 2048 for applications."
    )

    @field_validator("content")
    @classmethod
    def _size(cls, value: str) -> str:
        return at_most(value, MARKDOWN_MAX_BYTES, "content")


class MediaBody(_Body):
    """A file WeCom already holds (`media_id`), or the file itself to upload first."""

    media_id: str | None = Field(default=None, min_length=1, max_length=256)
    base64: str | None = Field(default=None, description="The file, standard base64.")
    filename: str | None = Field(
        default=None, min_length=1, max_length=255, description="Name shown for an upload."
    )
    md5: str | None = Field(
        default=None,
        pattern=r"^[0-9a-fA-F]{32}$",
        description="Robot images: MD5 of the raw bytes; computed when left out.",
    )

    @model_validator(mode="after")
    def _one_source(self) -> Self:
        if (self.media_id is None) == (self.base64 is None):
            raise ValueError("give either media_id or base64 (the file itself)")
        if self.base64 is not None:
            self.raw()  # refuse what does not decode, while the request is read
        return self

    def raw(self) -> bytes:
        """The file's bytes (from `base64`)."""
        try:
            return base64.b64decode(self.base64 or "", validate=True)
        except (binascii.Error, ValueError):
            raise ValueError("base64 is not valid standard base64") from None

    def digest(self) -> str:
        return hashlib.md5(self.raw()).hexdigest()


class VideoBody(MediaBody):
    title: str | None = None
    description: str | None = None

    @field_validator("title")
    @classmethod
    def _title(cls, value: str | None) -> str | None:
        return None if value is None else at_most(value, TITLE_MAX_BYTES, "title")

    @field_validator("description")
    @classmethod
    def _description(cls, value: str | None) -> str | None:
        return None if value is None else at_most(value, DESCRIPTION_MAX_BYTES, "description")


class Article(_Body):
    title: str = Field(min_length=1)
    description: str | None = None
    url: str | None = Field(default=None, description="Required, unless appid is given.")
    picurl: str | None = None
    appid: str | None = Field(default=None, description="Applications: open a mini program.")
    pagepath: str | None = None

    @field_validator("title")
    @classmethod
    def _title(cls, value: str) -> str:
        return at_most(value, TITLE_MAX_BYTES, "title")

    @field_validator("description")
    @classmethod
    def _description(cls, value: str | None) -> str | None:
        return None if value is None else at_most(value, DESCRIPTION_MAX_BYTES, "description")

    @model_validator(mode="after")
    def _target(self) -> Self:
        if not self.url and not self.appid:
            raise ValueError("an article needs a url (or, in application messages, an appid)")
        return self


class NewsBody(_Body):
    articles: list[Article] = Field(min_length=1, max_length=8)


class MpArticle(_Body):
    title: str = Field(min_length=1)
    thumb_media_id: str = Field(min_length=1, description="An image uploaded as media.")
    author: str | None = None
    content_source_url: str | None = None
    content: str = Field(min_length=1, description="HTML.")
    digest: str | None = None

    @field_validator("title")
    @classmethod
    def _title(cls, value: str) -> str:
        return at_most(value, TITLE_MAX_BYTES, "title")

    @field_validator("digest")
    @classmethod
    def _digest(cls, value: str | None) -> str | None:
        return None if value is None else at_most(value, DESCRIPTION_MAX_BYTES, "digest")


class MpNewsBody(_Body):
    articles: list[MpArticle] = Field(min_length=1, max_length=8)


class TextCardBody(_Body):
    title: str = Field(min_length=1)
    description: str = Field(min_length=1)
    url: str = Field(min_length=1)
    btntxt: str | None = None

    @field_validator("title")
    @classmethod
    def _title(cls, value: str) -> str:
        return at_most(value, TITLE_MAX_BYTES, "title")

    @field_validator("description")
    @classmethod
    def _description(cls, value: str) -> str:
        return at_most(value, DESCRIPTION_MAX_BYTES, "description")


class MiniprogramNoticeBody(_Open):
    appid: str = Field(min_length=1)
    title: str = Field(min_length=1)
    page: str | None = None
    description: str | None = None


class TemplateCardBody(_Open):
    card_type: str = Field(min_length=1)
    task_id: str | None = Field(
        default=None,
        description="Ties interaction callbacks to the message; the hub makes one for "
        "interactive cards when left out.",
    )

    @field_validator("task_id")
    @classmethod
    def _task_id(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if not _TASK_ID.match(value):
            raise ValueError("task_id may hold letters, digits, '_', '-' and '@' only")
        return at_most(value, TASK_ID_MAX_BYTES, "task_id")

    def main_title(self) -> str | None:
        title = (self.model_extra or {}).get("main_title")
        if isinstance(title, dict) and isinstance(title.get("title"), str):
            return str(title["title"])
        return None


class WeComMessageBody(_Body):
    """A message: `msgtype`, and the object of that type under the same name."""

    msgtype: str


class TextMessage(WeComMessageBody):
    msgtype: Literal["text"]
    text: TextBody


class MarkdownMessage(WeComMessageBody):
    msgtype: Literal["markdown"]
    markdown: MarkdownBody


class MarkdownV2Message(WeComMessageBody):
    msgtype: Literal["markdown_v2"]
    markdown_v2: MarkdownBody


class ImageMessage(WeComMessageBody):
    msgtype: Literal["image"]
    image: MediaBody


class VoiceMessage(WeComMessageBody):
    msgtype: Literal["voice"]
    voice: MediaBody


class VideoMessage(WeComMessageBody):
    msgtype: Literal["video"]
    video: VideoBody


class FileMessage(WeComMessageBody):
    msgtype: Literal["file"]
    file: MediaBody


class NewsMessage(WeComMessageBody):
    msgtype: Literal["news"]
    news: NewsBody


class MpNewsMessage(WeComMessageBody):
    msgtype: Literal["mpnews"]
    mpnews: MpNewsBody


class TextCardMessage(WeComMessageBody):
    msgtype: Literal["textcard"]
    textcard: TextCardBody


class MiniprogramNoticeMessage(WeComMessageBody):
    msgtype: Literal["miniprogram_notice"]
    miniprogram_notice: MiniprogramNoticeBody


class TemplateCardMessage(WeComMessageBody):
    msgtype: Literal["template_card"]
    template_card: TemplateCardBody


Message = Annotated[
    TextMessage
    | MarkdownMessage
    | MarkdownV2Message
    | ImageMessage
    | VoiceMessage
    | VideoMessage
    | FileMessage
    | NewsMessage
    | MpNewsMessage
    | TextCardMessage
    | MiniprogramNoticeMessage
    | TemplateCardMessage,
    Field(discriminator="msgtype"),
]
MEDIA_TYPES = ("image", "voice", "video", "file")


def body_of(message: WeComMessageBody) -> BaseModel:
    """The type's own object (`message.text` for a text message, ...)."""
    body = getattr(message, message.msgtype)
    assert isinstance(body, BaseModel)
    return body


def media_of(message: WeComMessageBody) -> MediaBody | None:
    body = body_of(message)
    return body if isinstance(body, MediaBody) else None


def preview(message: WeComMessageBody) -> str:
    """A short text for people to recognise the message by: never file contents or keys."""
    body = body_of(message)
    text: str
    if isinstance(body, TextBody | MarkdownBody):
        text = body.content
    elif isinstance(body, NewsBody | MpNewsBody):
        text = body.articles[0].title
        if len(body.articles) > 1:
            text += f" (+{len(body.articles) - 1} more)"
    elif isinstance(body, TextCardBody | MiniprogramNoticeBody):
        text = body.title
    elif isinstance(body, TemplateCardBody):
        text = body.main_title() or body.card_type
    elif isinstance(body, VideoBody) and body.title:
        text = body.title
    else:
        assert isinstance(body, MediaBody)
        text = body.filename or ("uploaded file" if body.base64 else "media file")
    return text[:PREVIEW_CHARS]


def wire_body(message: WeComMessageBody, media_id: str | None = None) -> dict[str, Any]:
    """The type's object as WeCom wants it: inline media replaced by the uploaded media id."""
    body = body_of(message)
    if isinstance(body, MediaBody):
        data = body.model_dump(exclude_none=True, exclude={"base64", "filename", "md5"})
        if media_id is not None:
            data["media_id"] = media_id
        return data
    data = body.model_dump(exclude_none=True)
    if isinstance(body, TextBody):
        for name in ("mentioned_list", "mentioned_mobile_list"):
            if not data.get(name):
                data.pop(name, None)
    return data
