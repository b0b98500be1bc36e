"""Requests and answers of the messages API; the CLI builds and prints the same models."""

from datetime import datetime
from typing import Any, Literal

from hub.tenants.schemas import ListQuery
from pydantic import BaseModel, ConfigDict, Field, field_validator

from hub_wecom.messages.content import Message

Status = Literal["queued", "sent", "failed", "recalled", "interacted"]
Channel = Literal["robot", "app"]


class _Input(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ConfigRef(_Input):
    """Which WeCom config sends: by id, or by tenant and (optionally) config name."""

    config_id: str | None = Field(default=None, max_length=64)
    tenant: str | None = Field(default=None, max_length=100, description="Tenant slug or id.")
    config: str | None = Field(
        default=None,
        max_length=100,
        description="Config name within the tenant; default: the one named `default`, "
        "else the tenant's only WeCom config.",
    )


def _ids(value: Any) -> Any:
    """Recipients as a list, or as WeCom's own `a|b|c` string."""
    if isinstance(value, str):
        return [part.strip() for part in value.split("|") if part.strip()]
    return value


class SendRequest(ConfigRef):
    touser: list[str] = Field(
        default=[], description="Applications: user ids (`@all`: everyone the app can reach)."
    )
    toparty: list[str] = Field(default=[], description="Applications: department ids.")
    totag: list[str] = Field(default=[], description="Applications: tag ids.")
    message: Message = Field(
        description='WeCom\'s message object, `{"msgtype": T, T: {...}}`; media may be '
        "given inline as base64 (with a filename) instead of a media_id."
    )
    safe: bool = Field(default=False, description="Applications: confidential message.")
    enable_id_trans: bool = False
    enable_duplicate_check: bool = False
    duplicate_check_interval: int | None = Field(default=None, ge=1, le=14400)

    _split = field_validator("touser", "toparty", "totag", mode="before")(_ids)

    @field_validator("touser", "toparty", "totag")
    @classmethod
    def _unique(cls, value: list[str]) -> list[str]:
        for item in value:
            if not item or len(item) > 255 or "|" in item:
                raise ValueError("ids are 1-255 characters without '|'")
        return list(dict.fromkeys(value))


class RecipientOut(BaseModel):
    kind: Literal["user", "party", "tag"]
    id: str
    status: Literal["ok", "invalid", "unlicensed"] = Field(
        description="What WeCom's send result said: ok, or listed as invalid or unlicensed."
    )


class MessageOut(BaseModel):
    id: str
    config_id: str
    tenant_id: str
    channel: Channel
    batch_id: str | None
    msg_type: str
    recipients: dict[str, list[str]] = Field(
        description="Applications: touser/toparty/totag; robots: the @mentions."
    )
    preview: str = Field(description="The first 200 characters of the text, or a title.")
    msgid: str | None = Field(description="WeCom's message id; robots get none.")
    task_id: str | None
    status: Status
    error_code: str | None
    error_message: str | None
    sent_at: datetime | None
    created_at: datetime
    updated_at: datetime


class StatusEntryOut(BaseModel):
    from_status: Status | None
    to_status: Status
    reason: str | None
    at: datetime


class MessageDetail(MessageOut):
    results: list[RecipientOut] = Field(description="Per recipient, from WeCom's send result.")
    history: list[StatusEntryOut]


class StatusOut(BaseModel):
    id: str
    channel: Channel
    status: Status
    msgid: str | None
    error_code: str | None
    error_message: str | None
    sent_at: datetime | None
    updated_at: datetime
    results: list[RecipientOut]
    possible: list[Status] = Field(description="The statuses this message can still reach.")


class HistoryOut(BaseModel):
    message_id: str
    items: list[StatusEntryOut]


class MessagePage(BaseModel):
    items: list[MessageOut]
    next_cursor: str | None = None


class MessageListQuery(ListQuery):
    config: str | None = Field(default=None, max_length=64, description="Only this config id.")
    channel: Channel | None = None
    status: Status | None = None
    type: str | None = Field(default=None, max_length=32, description="WeCom's msgtype.")
    since: datetime | None = Field(default=None, description="Created at or after (ISO 8601).")


class BatchRecipientOut(BaseModel):
    kind: Literal["user", "party", "tag"]
    id: str
    status: Literal["ok", "invalid", "unlicensed", "failed"] = Field(
        description="`failed`: the message carrying this recipient failed as a whole."
    )
    message_id: str


class BatchOut(BaseModel):
    batch_id: str
    messages: list[MessageOut] = Field(description="One per call: 1000 users, 100 parties, tags.")
    recipients: list[BatchRecipientOut]


class CardUpdate(_Input):
    """A template card update (message/update_template_card), with the stored response code."""

    userids: list[str] = Field(default=[], description="Whose card; none: every recipient.")
    partyids: list[str] = []
    tagids: list[str] = []
    atall: bool = False
    replace_name: str | None = Field(
        default=None, min_length=1, max_length=64, description="New text of the pressed button."
    )
    template_card: dict[str, Any] | None = Field(
        default=None, description="A whole new card instead of a button text."
    )


class CardUpdateOut(BaseModel):
    message_id: str
    invalid_users: list[str]
