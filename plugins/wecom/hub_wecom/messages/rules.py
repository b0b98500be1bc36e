"""What robots and applications each accept, checked before anything is sent or stored.

WeCom answers 45002, 40009 or 40008 only after a message was put on the wire;
checking here first gives the caller a 422 naming the field, and leaves no
failed message behind for a request that could never have worked.
"""

from typing import Any

from hub.errors import ValidationFailed

from hub_wecom.messages.content import (
    MarkdownBody,
    MediaBody,
    NewsBody,
    TemplateCardBody,
    TextBody,
    WeComMessageBody,
    body_of,
    utf8_len,
)

ROBOT = "robot"
APP = "app"
CHANNELS = (ROBOT, APP)

ROBOT_TYPES = frozenset(
    {"text", "markdown", "markdown_v2", "image", "news", "file", "voice", "template_card"}
)
APP_TYPES = frozenset(
    {
        "text", "image", "voice", "video", "file", "textcard", "news", "mpnews", "markdown",
        "miniprogram_notice", "template_card",
    }
)  # fmt: skip
APP_MARKDOWN_MAX_BYTES = 2048
INTERACTIVE_CARDS = frozenset({"button_interaction", "vote_interaction", "multiple_interaction"})
CARD_TYPES = {ROBOT: frozenset({"text_notice", "news_notice"}),
              APP: frozenset({"text_notice", "news_notice"}) | INTERACTIVE_CARDS}  # fmt: skip
MAX_USERS, MAX_PARTIES, MAX_TAGS = 1000, 100, 100

WHO = {ROBOT: "a robot", APP: "an application"}
MB = 1024 * 1024
MIN_MEDIA_BYTES = 5
PNG, JPG, AMR = b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"#!AMR"
# (largest size, accepted formats) of inline media, per channel and type, as WeCom documents.
MEDIA_LIMITS: dict[tuple[str, str], tuple[int, tuple[str, ...]]] = {
    (ROBOT, "image"): (2 * MB, ("png", "jpg")),
    (ROBOT, "file"): (20 * MB, ()),
    (ROBOT, "voice"): (2 * MB, ("amr",)),
    (APP, "image"): (10 * MB, ("png", "jpg")),
    (APP, "voice"): (2 * MB, ("amr",)),
    (APP, "video"): (10 * MB, ("mp4",)),
    (APP, "file"): (20 * MB, ()),
}
EXTENSIONS = {"png": "png", "jpg": "jpg", "amr": "amr", "mp4": "mp4"}


def media_format(raw: bytes) -> str | None:
    """The format a file's first bytes announce, for the formats WeCom restricts."""
    if raw.startswith(PNG):
        return "png"
    if raw.startswith(JPG):
        return "jpg"
    if raw.startswith(AMR):
        return "amr"
    if raw[4:8] == b"ftyp":
        return "mp4"
    return None


def _size(size: int) -> str:
    return f"{size / MB:.1f} MB" if size >= MB else f"{size} bytes"


class Problems:
    """Collects every problem of a request, so the caller can fix them in one go."""

    def __init__(self) -> None:
        self.details: list[dict[str, Any]] = []

    def add(self, field: str, message: str) -> None:
        self.details.append({"field": field, "message": message, "type": "wecom"})

    def raise_any(self, what: str) -> None:
        if self.details:
            first = self.details[0]
            raise ValidationFailed(
                f"{what}: {first['field']}: {first['message']}", details=self.details
            )


def check_media(channel: str, msgtype: str, media: MediaBody, field: str, out: Problems) -> None:
    if media.base64 is None:
        if channel == ROBOT and msgtype == "image":
            out.add(f"{field}.media_id", "robot images are sent inline: give base64, not media_id")
        return
    raw = media.raw()
    limit, formats = MEDIA_LIMITS[(channel, msgtype)]
    if not MIN_MEDIA_BYTES <= len(raw) <= limit:
        out.add(
            f"{field}.base64",
            f"the {msgtype} is {_size(len(raw))}; {WHO[channel]} {msgtype} must be "
            f"{MIN_MEDIA_BYTES} bytes to {_size(limit)}",
        )
    if formats and media_format(raw) not in formats:
        shape = " or ".join(formats).upper()
        out.add(f"{field}.base64", f"{WHO[channel]} {msgtype} must be {shape}")
    if media.md5 is not None and media.md5.lower() != media.digest():
        out.add(f"{field}.md5", "is not the MD5 of the decoded bytes")


def check_message(channel: str, message: WeComMessageBody, out: Problems) -> None:
    msgtype = message.msgtype
    allowed = ROBOT_TYPES if channel == ROBOT else APP_TYPES
    if msgtype not in allowed:
        types = ", ".join(sorted(allowed))
        refusal = f"{WHO[channel]} cannot send {msgtype} messages; it sends {types}"
        out.add("message.msgtype", refusal)
        return
    body = body_of(message)
    field = f"message.{msgtype}"
    if (
        isinstance(body, TextBody)
        and channel == APP
        and (body.mentioned_list or body.mentioned_mobile_list)
    ):
        out.add(field, "mentions are for robots; an application message goes to its recipients")
    if isinstance(body, MarkdownBody) and channel == APP:
        size = utf8_len(body.content)
        if size > APP_MARKDOWN_MAX_BYTES:
            out.add(
                f"{field}.content",
                f"content is {size} bytes of UTF-8; WeCom allows at most "
                f"{APP_MARKDOWN_MAX_BYTES} in application markdown",
            )
    if isinstance(body, NewsBody) and channel == ROBOT:
        for n, article in enumerate(body.articles):
            if not article.url:
                out.add(f"{field}.articles.{n}.url", "robot news articles need a url")
    if isinstance(body, TemplateCardBody):
        if body.card_type not in CARD_TYPES[channel]:
            kinds = ", ".join(sorted(CARD_TYPES[channel]))
            out.add(f"{field}.card_type", f"{WHO[channel]} sends template cards of type {kinds}")
        if channel == ROBOT and not isinstance((body.model_extra or {}).get("card_action"), dict):
            out.add(f"{field}.card_action", "robot template cards need a card_action object")
    if isinstance(body, MediaBody):
        check_media(channel, msgtype, body, field, out)


def check_recipients(
    channel: str, users: list[str], parties: list[str], tags: list[str], out: Problems,
    *, batch: bool = False,
) -> None:  # fmt: skip
    if channel == ROBOT:
        if users or parties or tags:
            out.add(
                "touser",
                "a robot posts to its own group: @mention people with mentioned_list instead",
            )
        return
    if not (users or parties or tags):
        out.add("touser", "give at least one of touser, toparty and totag")
    if batch:
        return
    for name, ids, limit in (("touser", users, MAX_USERS), ("toparty", parties, MAX_PARTIES),
                             ("totag", tags, MAX_TAGS)):  # fmt: skip
        if len(ids) > limit:
            out.add(name, f"{len(ids)} given; one message takes at most {limit} (use batch)")


def filename_for(msgtype: str, media: MediaBody) -> str:
    """The upload's file name: as given, or one with the extension its format announces."""
    if media.filename:
        return media.filename
    found = media_format(media.raw())
    return f"{msgtype}.{EXTENSIONS[found]}" if found else msgtype
