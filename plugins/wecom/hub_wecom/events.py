"""The bus events WeCom's callbacks become, and their payload models.

Naming (the shared contract of this plugin): a message is
`wecom.message.<MsgType>` (`wecom.message.text`, ...), an event
`wecom.event.<Event>` with WeCom's event name in lower case
(`wecom.event.click`, `wecom.event.template_card_event`, ...). A callback
this plugin has no model for, or one that does not fit its model, is published
as `wecom.event.unknown` with every field it carried: nothing WeCom sends is
dropped.

Every payload has the common fields (`to_user_name` = the CorpID,
`from_user_name` = the member's UserID, `create_time`, `msg_type`,
`agent_id`), the type's own fields in snake_case, and `raw`: every field of
the decrypted XML by its WeCom name, as text (nested elements as their XML).
Fields a payload model does not name are only in `raw`.

The event's `occurred_at` is `CreateTime`; its ordering key is the sender
(`wecom:<config id>:<FromUserName>`), so one member's messages and clicks
reach each subscriber in the order WeCom sent them.
"""

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any
from xml.etree import ElementTree as ET

from hub.bus import Bus
from hub.webhooks import EventDraft
from pydantic import BaseModel, ConfigDict, ValidationError, ValidationInfo, field_validator

from hub_wecom import callback_xml

MESSAGE_PREFIX = "wecom.message."
EVENT_PREFIX = "wecom.event."
UNKNOWN = "wecom.event.unknown"
MAX_XML_BYTES = 256 * 1024

_TYPE_PART = re.compile(r"^[a-z0-9_]{1,64}$")
_WORD_BREAK = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def snake(tag: str) -> str:
    """WeCom's field name in snake_case: `FromUserName` → `from_user_name`, `AgentID` →
    `agent_id`, `Location_X` → `location_x`."""
    return _WORD_BREAK.sub("_", tag).lower()


class WeComCallback(BaseModel):
    """The fields every decrypted callback has (reference §3.8)."""

    model_config = ConfigDict(extra="ignore")

    to_user_name: str = ""
    """The CorpID."""
    from_user_name: str = ""
    """The member's UserID (`sys` for address-book changes)."""
    create_time: int
    """Unix seconds; the event's `occurred_at`."""
    msg_type: str
    agent_id: str | None = None
    """The application's AgentID; absent for address-book callbacks."""
    raw: dict[str, str] = {}
    """Every field of the decrypted XML by its WeCom name."""

    @field_validator("*", mode="before")
    @classmethod
    def _empty_is_unset(cls, value: Any, info: ValidationInfo) -> Any:
        """WeCom sends empty elements for unset numbers; only text fields keep ""."""
        if value == "" and info.field_name not in _TEXT_FIELDS:
            return None
        return value


_TEXT_FIELDS = frozenset({"to_user_name", "from_user_name", "content", "event_key", "label"})


# -- messages -------------------------------------------------------------------------------


class WeComMessage(WeComCallback):
    msg_id: str | None = None
    """WeCom's id of the message; the de-duplication key of its callback."""


class TextMessage(WeComMessage):
    """`wecom.message.text`: a member wrote to the application."""

    content: str = ""


class ImageMessage(WeComMessage):
    """`wecom.message.image`."""

    pic_url: str | None = None
    media_id: str | None = None
    """Fetch the file with the media API within 3 days."""


class VoiceMessage(WeComMessage):
    """`wecom.message.voice`."""

    media_id: str | None = None
    format: str | None = None
    """`amr` or `speex`."""


class VideoMessage(WeComMessage):
    """`wecom.message.video`."""

    media_id: str | None = None
    thumb_media_id: str | None = None


class LocationMessage(WeComMessage):
    """`wecom.message.location`: a member shared a location."""

    location_x: float | None = None
    """Latitude."""
    location_y: float | None = None
    """Longitude."""
    scale: int | None = None
    label: str = ""
    app_type: str | None = None


class LinkMessage(WeComMessage):
    """`wecom.message.link`: a member shared a link."""

    title: str | None = None
    description: str | None = None
    url: str | None = None
    pic_url: str | None = None


class FileMessage(WeComMessage):
    """`wecom.message.file` [unverified field set: WeCom's receive-message page lists no file
    message; `media_id` is read when present, everything else is in `raw`]."""

    media_id: str | None = None


# -- events ---------------------------------------------------------------------------------


class WeComEvent(WeComCallback):
    event: str
    """WeCom's event name as sent (the bus type uses it in lower case)."""
    event_key: str | None = None


class Subscribe(WeComEvent):
    """`wecom.event.subscribe`: the member can now see the application."""


class Unsubscribe(WeComEvent):
    """`wecom.event.unsubscribe`: the member was removed from the application's range."""


class EnterAgent(WeComEvent):
    """`wecom.event.enter_agent`: the member opened the application."""


class MenuClick(WeComEvent):
    """`wecom.event.click`: a menu item was tapped; `event_key` is its key."""


class MenuView(WeComEvent):
    """`wecom.event.view`: a menu link was opened; `event_key` is the URL."""


class MenuMiniprogram(WeComEvent):
    """`wecom.event.view_miniprogram`: a menu opened a mini program; `event_key` its page."""


class LocationReport(WeComEvent):
    """`wecom.event.location`: the client reported its location (members who allowed it)."""

    latitude: float | None = None
    longitude: float | None = None
    precision: float | None = None


class ScanCode(WeComEvent):
    """`wecom.event.scancode_push` / `scancode_waitmsg`: a menu's scanner read a code."""

    scan_type: str | None = None
    scan_result: str | None = None


class PicturesSent(WeComEvent):
    """`wecom.event.pic_sysphoto` / `pic_photo_or_album` / `pic_weixin`."""

    pic_count: int | None = None
    pic_md5_sums: list[str] = []


class LocationSelected(WeComEvent):
    """`wecom.event.location_select`: a menu's location picker returned a place."""

    location_x: float | None = None
    location_y: float | None = None
    scale: int | None = None
    label: str = ""
    poiname: str | None = None


class SelectedItem(BaseModel):
    question_key: str
    option_ids: list[str] = []


class TemplateCardEvent(WeComEvent):
    """`wecom.event.template_card_event`: a button, vote or selection of a template card.

    `task_id` ties it to the message the hub sent; `response_code` (valid 72 h,
    single use) lets the card be updated with `update_template_card`.
    """

    task_id: str | None = None
    card_type: str | None = None
    """text_notice, news_notice, button_interaction, vote_interaction, multiple_interaction."""
    response_code: str | None = None
    selected_items: list[SelectedItem] = []


class TemplateCardMenuEvent(WeComEvent):
    """`wecom.event.template_card_menu_event`: the card's top-right menu was used."""

    task_id: str | None = None
    card_type: str | None = None
    response_code: str | None = None


class TaskCardClick(WeComEvent):
    """`wecom.event.taskcard_click`: a button of an (older) task card."""

    task_id: str | None = None


class ChangeContact(WeComEvent):
    """`wecom.event.change_contact`: the address book changed (no AgentID).

    `change_type` is create_user, update_user, delete_user, create_party,
    update_party, delete_party or update_tag; only the fields of that change
    are set. Lists arrive comma-separated and are split here.
    """

    change_type: str | None = None
    user_id: str | None = None
    new_user_id: str | None = None
    name: str | None = None
    """The member's name, or the department's for party changes."""
    department: list[str] = []
    main_department: str | None = None
    is_leader_in_dept: list[str] = []
    position: str | None = None
    mobile: str | None = None
    gender: str | None = None
    email: str | None = None
    biz_mail: str | None = None
    status: str | None = None
    """1 active, 2 disabled, 4 not activated, 5 left."""
    avatar: str | None = None
    alias: str | None = None
    telephone: str | None = None
    address: str | None = None
    ext_attr: list[dict[str, Any]] = []
    id: str | None = None
    """The department id of party changes."""
    parent_id: str | None = None
    order: str | None = None
    tag_id: str | None = None
    add_user_items: list[str] = []
    del_user_items: list[str] = []
    add_party_items: list[str] = []
    del_party_items: list[str] = []


class BatchJobResult(WeComEvent):
    """`wecom.event.batch_job_result`: an asynchronous address-book job finished."""

    job_id: str | None = None
    job_type: str | None = None
    err_code: int | None = None
    err_msg: str | None = None


class ApprovalChange(WeComEvent):
    """`wecom.event.open_approval_change`: an approval of the app changed state."""

    approval_info: dict[str, Any] = {}


class AppStateEvent(WeComEvent):
    """`share_agent_change`, `share_chain_change`, `close_inactive_agent`,
    `reopen_inactive_agent`: the application itself changed; details are in `raw`."""


class UnknownCallback(WeComCallback):
    """`wecom.event.unknown`: a callback without a model here, or one that did not fit it."""

    create_time: int = 0
    msg_type: str = ""
    event: str | None = None
    problem: str | None = None
    """Why it was not published under its own type, when it has one."""


MESSAGE_MODELS: Mapping[str, type[WeComMessage]] = {
    "text": TextMessage,
    "image": ImageMessage,
    "voice": VoiceMessage,
    "video": VideoMessage,
    "location": LocationMessage,
    "link": LinkMessage,
    "file": FileMessage,
}

EVENT_MODELS: Mapping[str, type[WeComEvent]] = {
    "subscribe": Subscribe,
    "unsubscribe": Unsubscribe,
    "enter_agent": EnterAgent,
    "click": MenuClick,
    "view": MenuView,
    "view_miniprogram": MenuMiniprogram,
    "location": LocationReport,
    "scancode_push": ScanCode,
    "scancode_waitmsg": ScanCode,
    "pic_sysphoto": PicturesSent,
    "pic_photo_or_album": PicturesSent,
    "pic_weixin": PicturesSent,
    "location_select": LocationSelected,
    "template_card_event": TemplateCardEvent,
    "template_card_menu_event": TemplateCardMenuEvent,
    "taskcard_click": TaskCardClick,
    "change_contact": ChangeContact,
    "batch_job_result": BatchJobResult,
    "open_approval_change": ApprovalChange,
    "share_agent_change": AppStateEvent,
    "share_chain_change": AppStateEvent,
    "close_inactive_agent": AppStateEvent,
    "reopen_inactive_agent": AppStateEvent,
}

MODELS: Mapping[str, type[WeComCallback]] = {
    **{MESSAGE_PREFIX + name: model for name, model in MESSAGE_MODELS.items()},
    **{EVENT_PREFIX + name: model for name, model in EVENT_MODELS.items()},
    UNKNOWN: UnknownCallback,
}
"""Every bus type this plugin publishes, with its payload model."""


def register_types(bus: Bus) -> None:
    """Declare the payload model of every `wecom.*` type, so publishing validates them."""
    for event_type, model in MODELS.items():
        bus.register_type(event_type, model)


def callback_type(fields: Mapping[str, str]) -> str:
    """The bus type of a decrypted callback: by MsgType, and Event for events."""
    msg_type = fields.get("MsgType", "").strip().lower()
    if msg_type == "event":
        event = fields.get("Event", "").strip().lower()
        known = EVENT_PREFIX + event
        return known if event in EVENT_MODELS else UNKNOWN
    return MESSAGE_PREFIX + msg_type if msg_type in MESSAGE_MODELS else UNKNOWN


_EVENT_KEY_FIELDS = ("EventKey", "TaskId", "ChangeType", "UserID", "Id", "TagId")


def dedup_key(fields: Mapping[str, str]) -> str | None:
    """WeCom's identity of a callback, the same for each of its (up to 3) redeliveries.

    Messages: `msg:<MsgId>`. Events have no id: FromUserName + CreateTime +
    Event, plus EventKey / TaskId / ChangeType / UserID / Id / TagId and the
    batch JobId where present (reference §3.5), so two different clicks in the
    same second still differ.
    """
    if fields.get("MsgType", "").strip().lower() != "event":
        msg_id = fields.get("MsgId", "").strip()
        if msg_id:
            return f"msg:{msg_id}"
    parts = [fields.get(name, "") for name in ("FromUserName", "CreateTime", "Event")]
    parts += [f"{name}={fields[name]}" for name in _EVENT_KEY_FIELDS if fields.get(name)]
    job = _batch_job(fields)
    if job.get("job_id"):
        parts.append(f"JobId={job['job_id']}")
    if not any(parts[:3]):
        return None
    return "event:" + "|".join(parts)


def _batch_job(fields: Mapping[str, str]) -> dict[str, Any]:
    text = fields.get("BatchJob")
    if not text:
        return {}
    try:
        job = callback_xml.plain(callback_xml.parse(text.encode("utf-8"), limit=MAX_XML_BYTES))
    except callback_xml.XmlRefused:  # <BatchJob> held text, not elements
        return {}
    if not isinstance(job, dict):
        return {}
    return {
        "job_id": job.get("JobId"),
        "job_type": job.get("JobType"),
        "err_code": job.get("ErrCode"),
        "err_msg": job.get("ErrMsg"),
    }


def _comma_list(value: Any) -> list[str]:
    if not isinstance(value, str):
        return []
    return [part.strip() for part in value.split(",") if part.strip()]


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _nested(root: ET.Element, tag: str) -> dict[str, Any]:
    """A nested element of the callback as a dict; {} when absent or not a structure."""
    element = root.find(tag)
    return _dict(callback_xml.plain(element)) if element is not None else {}


def _values(root: ET.Element, event_type: str) -> dict[str, Any]:
    """The payload's input: leaf fields in snake_case, `raw`, and the type's nested fields."""
    raw = callback_xml.fields(root)
    values: dict[str, Any] = {snake(c.tag): c.text or "" for c in root if not len(c)}
    values["raw"] = raw
    name = event_type.removeprefix(EVENT_PREFIX)
    if name in ("scancode_push", "scancode_waitmsg"):
        info = _nested(root, "ScanCodeInfo")
        values.update(scan_type=info.get("ScanType"), scan_result=info.get("ScanResult"))
    elif name in ("pic_sysphoto", "pic_photo_or_album", "pic_weixin"):
        info = _nested(root, "SendPicsInfo")
        pictures = callback_xml.as_list(_dict(info.get("PicList")).get("item"))
        values["pic_count"] = info.get("Count")
        values["pic_md5_sums"] = [p.get("PicMd5Sum", "") for p in pictures if isinstance(p, dict)]
    elif name == "location_select":
        info = _nested(root, "SendLocationInfo")
        values.update({snake(key): value for key, value in info.items()})
    elif name == "template_card_event":
        items = callback_xml.as_list(_nested(root, "SelectedItems").get("SelectedItem"))
        values["selected_items"] = [
            {
                "question_key": item.get("QuestionKey", ""),
                "option_ids": callback_xml.as_list(_dict(item.get("OptionIds")).get("OptionId")),
            }
            for item in items
            if isinstance(item, dict)
        ]
    elif name == "change_contact":
        for field in ("department", "is_leader_in_dept"):
            values[field] = _comma_list(values.get(field))
        for field in ("add_user_items", "del_user_items", "add_party_items", "del_party_items"):
            values[field] = _comma_list(values.get(field))
        attrs = callback_xml.as_list(_nested(root, "ExtAttr").get("Item"))
        values["ext_attr"] = [attr for attr in attrs if isinstance(attr, dict)]
    elif name == "batch_job_result":
        values.update(_batch_job(raw))
    elif name == "open_approval_change":
        values["approval_info"] = _nested(root, "ApprovalInfo")
    return values


def occurred_at(create_time: Any) -> datetime | None:
    """`CreateTime` as UTC; None (the hub then uses the receive time) when unreadable."""
    text = str(create_time).strip()
    if not text.isdigit() or len(text) > 12 or int(text) <= 0:
        return None
    return datetime.fromtimestamp(int(text), UTC)


def _describe(exc: ValidationError) -> str:
    names = ", ".join(".".join(str(p) for p in e["loc"]) for e in exc.errors()[:5])
    return f"the callback does not fit its model: {names}"


def payload_of(xml_text: str) -> tuple[str, WeComCallback]:
    """The bus type and typed payload of one decrypted callback."""
    root = callback_xml.parse(xml_text.encode("utf-8"), limit=MAX_XML_BYTES)
    fields = callback_xml.fields(root)
    event_type = callback_type(fields)
    values = _values(root, event_type)
    model = MODELS[event_type]
    try:
        return event_type, model.model_validate(values)
    except ValidationError as exc:
        problem = _describe(exc)
    fallback = {
        "to_user_name": fields.get("ToUserName", ""),
        "from_user_name": fields.get("FromUserName", ""),
        "create_time": _seconds_or_zero(fields.get("CreateTime")),
        "msg_type": fields.get("MsgType", ""),
        "agent_id": fields.get("AgentID"),
        "event": fields.get("Event"),
        "raw": fields,
        "problem": problem,
    }
    return UNKNOWN, UnknownCallback.model_validate(fallback)


def _seconds_or_zero(value: str | None) -> int:
    moment = occurred_at(value)
    return int(moment.timestamp()) if moment else 0


def draft(xml_text: str, config_id: str) -> EventDraft:
    """The bus event of one stored callback (its decrypted XML)."""
    event_type, payload = payload_of(xml_text)
    sender = payload.from_user_name
    return EventDraft(
        event_type,
        payload,
        occurred_at=occurred_at(payload.create_time),
        ordering_key=f"wecom:{config_id}:{sender}"[:200] if sender else None,
    )
