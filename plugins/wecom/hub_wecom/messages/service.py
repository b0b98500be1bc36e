"""Sending, batch sending, recalling and card updates, each recorded as it happens.

A message is checked first (`rules`): a request that cannot work is refused
with 422 and leaves nothing behind. Then it is stored as `queued` and
committed, so a message whose sending is under way (or was cut off) is
visible; then inline media is uploaded, the message sent, and the outcome
(`sent` with WeCom's msgid and per-recipient result, or `failed` with the
error) stored in one transaction with its history row and event.
"""

import base64
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import structlog
from hub.context import HubContext
from hub.db.base import utcnow
from hub.errors import Conflict, NotFound, ValidationFailed
from hub.http import Backoff, OutboundError
from hub.ids import new_id
from hub.tenants.records import ConfigRecord
from pydantic import BaseModel

from hub_wecom import PROVIDER
from hub_wecom.client import AppClient, RobotClient, SendResult
from hub_wecom.config import AppConfig, RobotConfig
from hub_wecom.messages import content, rules, store
from hub_wecom.messages.models import (
    FAILED,
    INTERACTED,
    QUEUED,
    RECALLED,
    RECIPIENT_INVALID,
    RECIPIENT_OK,
    RECIPIENT_UNLICENSED,
    SENT,
    WeComMessage,
    WeComMessageRecipient,
)
from hub_wecom.messages.schemas import (
    BatchOut,
    BatchRecipientOut,
    CardUpdate,
    CardUpdateOut,
    ConfigRef,
    MessageDetail,
    MessageOut,
    SendRequest,
)
from hub_wecom.messages.status import move

log = structlog.get_logger("hub_wecom.messages")

RECALL_WINDOW = timedelta(hours=24)
ALL_INVALID = "81013"
KINDS = (("user", "touser", rules.MAX_USERS), ("party", "toparty", rules.MAX_PARTIES),
         ("tag", "totag", rules.MAX_TAGS))  # fmt: skip


@dataclass(frozen=True)
class Target:
    """The config a message goes out through, with its values (secrets included)."""

    record: ConfigRecord
    config: BaseModel

    @property
    def channel(self) -> str:
        return rules.ROBOT if isinstance(self.config, RobotConfig) else rules.APP


@dataclass(frozen=True)
class Chunk:
    """The recipients of one message/send call."""

    users: list[str]
    parties: list[str]
    tags: list[str]

    def recipients(self) -> dict[str, list[str]]:
        return {"touser": self.users, "toparty": self.parties, "totag": self.tags}

    def each(self) -> Iterator[tuple[str, str]]:
        for kind, ids in (("user", self.users), ("party", self.parties), ("tag", self.tags)):
            for recipient in ids:
                yield kind, recipient


def chunks(request: SendRequest) -> list[Chunk]:
    """WeCom takes at most 1000 users, 100 parties and 100 tags per call: split into calls."""
    lists = [request.touser, request.toparty, request.totag]
    sizes = [rules.MAX_USERS, rules.MAX_PARTIES, rules.MAX_TAGS]
    count = max(1, *(-(-len(ids) // size) for ids, size in zip(lists, sizes, strict=True)))
    return [
        Chunk(*(ids[n * size : (n + 1) * size] for ids, size in zip(lists, sizes, strict=True)))
        for n in range(count)
    ]


def new_task_id() -> str:
    return f"hub-{secrets.token_hex(12)}"


def task_ids(message: content.WeComMessageBody, count: int) -> list[str | None]:
    """A task id per call for template cards: interactive ones need one, and each must be new."""
    body = content.body_of(message)
    if not isinstance(body, content.TemplateCardBody):
        return [None] * count
    base = body.task_id
    if base is None and body.card_type not in rules.INTERACTIVE_CARDS:
        return [None] * count
    base = base or new_task_id()
    if count == 1:
        return [base]
    return [f"{base[: content.TASK_ID_MAX_BYTES - 8]}-{n + 1}" for n in range(count)]


class MessageService:
    """Make one per use; `backoff` shortens WeCom's waits (tests)."""

    def __init__(self, ctx: HubContext, *, backoff: Backoff | None = None) -> None:
        self.ctx = ctx
        self.backoff = backoff
        self.store = store.MessageStore(ctx)

    # ---- configs and clients --------------------------------------------------------

    async def target(self, ref: ConfigRef) -> Target:
        if ref.config_id is None and ref.tenant is None:
            raise ValidationFailed("give config_id, or tenant (and optionally config)")
        if ref.config_id is not None:
            record = await self.ctx.configs.get(ref.config_id)
            if record.provider != PROVIDER:
                raise NotFound(f"config {ref.config_id!r} is not a WeCom config",
                               code="config_not_found")  # fmt: skip
        record, values = await self.ctx.configs.select(
            ref.config_id, tenant=ref.tenant, provider=PROVIDER, name=ref.config
        )
        return Target(record, values)

    def app_client(self, target: Target) -> AppClient:
        assert isinstance(target.config, AppConfig)
        return AppClient(self.ctx.http, target.record.id, target.config, backoff=self.backoff)

    def robot_client(self, target: Target) -> RobotClient:
        assert isinstance(target.config, RobotConfig)
        return RobotClient(self.ctx.http, target.record.id, target.config, backoff=self.backoff)

    # ---- checks -------------------------------------------------------------------------

    @staticmethod
    def check(channel: str, request: SendRequest, *, batch: bool = False) -> None:
        problems = rules.Problems()
        rules.check_message(channel, request.message, problems)
        rules.check_recipients(
            channel, request.touser, request.toparty, request.totag, problems, batch=batch
        )
        app_only = [
            name
            for name in ("safe", "enable_id_trans", "enable_duplicate_check")
            if getattr(request, name)
        ]
        if request.duplicate_check_interval is not None:
            app_only.append("duplicate_check_interval")
        if channel == rules.ROBOT and app_only:
            problems.add(app_only[0], f"{', '.join(app_only)}: options of application messages")
        problems.raise_any("the message cannot be sent")

    # ---- sending ------------------------------------------------------------------------

    async def send(self, request: SendRequest) -> MessageDetail:
        """Send one message; WeCom's refusal is recorded, then raised with the message id."""
        target = await self.target(request)
        self.check(target.channel, request)
        (chunk,) = chunks(request)
        (task_id,) = task_ids(request.message, 1)
        (message_id,) = await self._create(target, request, [chunk], [task_id], None)
        try:
            media_id = await self._upload(target, request.message)
        except Exception as exc:
            await self._failed(message_id, exc, chunk)
            raise
        await self._deliver(target, request, message_id, chunk, task_id, media_id, reraise=True)
        return await self.store.detail(message_id)

    async def send_batch(self, request: SendRequest) -> BatchOut:
        """An application message to any number of recipients, one call per 1000/100/100.

        A call that fails does not stop the others; each recipient's outcome is
        in the answer and in its message's results.
        """
        target = await self.target(request)
        if target.channel != rules.APP:
            raise ValidationFailed(
                "batch sending is for applications; a robot posts to its own group",
                code="batch_needs_app",
            )
        self.check(target.channel, request, batch=True)
        parts = chunks(request)
        ids = task_ids(request.message, len(parts))
        batch_id = new_id()
        message_ids = await self._create(target, request, parts, ids, batch_id)
        try:
            media_id = await self._upload(target, request.message)
        except Exception as exc:
            for message_id, chunk in zip(message_ids, parts, strict=True):
                await self._failed(message_id, exc, chunk)
            raise
        for message_id, chunk, task_id in zip(message_ids, parts, ids, strict=True):
            await self._deliver(target, request, message_id, chunk, task_id, media_id)
        messages, recipients = [], []
        for message_id, chunk in zip(message_ids, parts, strict=True):
            detail = await self.store.detail(message_id)
            messages.append(detail)
            found = {(r.kind, r.id): r.status for r in detail.results}
            for kind, recipient in chunk.each():
                status = found.get((kind, recipient), "failed")
                recipients.append(
                    BatchRecipientOut(
                        kind=kind,  # type: ignore[arg-type]
                        id=recipient,
                        status=status,  # type: ignore[arg-type]
                        message_id=message_id,
                    )
                )
        plain = [MessageOut(**m.model_dump(exclude={"results", "history"})) for m in messages]
        return BatchOut(batch_id=batch_id, messages=plain, recipients=recipients)

    async def _create(
        self,
        target: Target,
        request: SendRequest,
        parts: list[Chunk],
        task_ids: list[str | None],
        batch_id: str | None,
    ) -> list[str]:
        """Store the messages as `queued`, committed before anything goes to WeCom."""
        msgtype = request.message.msgtype
        preview = content.preview(request.message)
        created = []
        async with self.ctx.db.transaction() as session:
            for chunk, task_id in zip(parts, task_ids, strict=True):
                now = utcnow()
                row = WeComMessage(
                    id=new_id(),
                    config_id=target.record.id,
                    tenant_id=target.record.tenant_id,
                    channel=target.channel,
                    batch_id=batch_id,
                    recipients=self._recipients(target.channel, request, chunk),
                    msg_type=msgtype,
                    preview=preview,
                    task_id=task_id,
                    created_at=now,
                    updated_at=now,
                )
                session.add(row)
                await move(self.ctx.bus, session, row, QUEUED, "accepted by the hub")
                created.append(row.id)
        return created

    @staticmethod
    def _recipients(channel: str, request: SendRequest, chunk: Chunk) -> dict[str, list[str]]:
        if channel == rules.APP:
            return chunk.recipients()
        body = content.body_of(request.message)
        if isinstance(body, content.TextBody):
            return {
                "mentioned_list": body.mentioned_list,
                "mentioned_mobile_list": body.mentioned_mobile_list,
            }
        return {}

    async def _upload(self, target: Target, message: content.WeComMessageBody) -> str | None:
        """Upload inline media (robot images excepted: they travel inside the message)."""
        media = content.media_of(message)
        msgtype = message.msgtype
        if media is None or media.base64 is None:
            return None
        if target.channel == rules.ROBOT and msgtype == "image":
            return None
        filename = rules.filename_for(msgtype, media)
        if target.channel == rules.ROBOT:
            uploaded = await self.robot_client(target).upload_media(msgtype, filename, media.raw())
        else:
            uploaded = await self.app_client(target).upload_media(msgtype, filename, media.raw())
        log.info("media uploaded", config_id=target.record.id, media_type=msgtype)
        return uploaded.media_id

    @staticmethod
    def _wire(
        request: SendRequest, channel: str, task_id: str | None, media_id: str | None
    ) -> dict[str, Any]:
        message = request.message
        msgtype = message.msgtype
        body = content.wire_body(message, media_id)
        media = content.media_of(message)
        if channel == rules.ROBOT and msgtype == "image" and media is not None:
            raw = media.raw()
            body = {"base64": base64.b64encode(raw).decode(), "md5": media.digest()}
        if task_id is not None:
            body["task_id"] = task_id
        return {"msgtype": msgtype, msgtype: body}

    async def _deliver(
        self,
        target: Target,
        request: SendRequest,
        message_id: str,
        chunk: Chunk,
        task_id: str | None,
        media_id: str | None,
        *,
        reraise: bool = False,
    ) -> None:
        wire = self._wire(request, target.channel, task_id, media_id)
        result: SendResult | None = None
        try:
            if target.channel == rules.ROBOT:
                await self.robot_client(target).send(wire)
            else:
                for name, ids in chunk.recipients().items():
                    if ids:
                        wire[name] = "|".join(ids)
                wire["safe"] = int(request.safe)
                wire["enable_id_trans"] = int(request.enable_id_trans)
                wire["enable_duplicate_check"] = int(request.enable_duplicate_check)
                if request.duplicate_check_interval is not None:
                    wire["duplicate_check_interval"] = request.duplicate_check_interval
                result = await self.app_client(target).send(wire)
        except Exception as exc:
            await self._failed(message_id, exc, chunk)
            if reraise:
                raise
            return
        await self._sent(message_id, result, chunk)

    async def _sent(self, message_id: str, result: SendResult | None, chunk: Chunk) -> None:
        async with self.ctx.db.transaction() as session:
            row = await store.load(session, message_id, lock=True)
            reason = "WeCom accepted it"
            if result is not None:
                row.msgid = result.msgid
                row.response_code = result.response_code
                refused = self._results(session, message_id, chunk, result)
                if refused:
                    reason += f"; refused: {', '.join(refused)}"
            await move(self.ctx.bus, session, row, SENT, reason[:1000])

    @staticmethod
    def _results(session: Any, message_id: str, chunk: Chunk, result: SendResult) -> list[str]:
        """One row per recipient; returns the refused ones as `kind id (why)`."""
        status_of = {
            **{("user", u): RECIPIENT_INVALID for u in result.invalid_users},
            **{("party", p): RECIPIENT_INVALID for p in result.invalid_parties},
            **{("tag", t): RECIPIENT_INVALID for t in result.invalid_tags},
            **{("user", u): RECIPIENT_UNLICENSED for u in result.unlicensed_users},
        }
        refused = []
        for kind, recipient in chunk.each():
            status = status_of.get((kind, recipient), RECIPIENT_OK)
            session.add(
                WeComMessageRecipient(
                    message_id=message_id, kind=kind, recipient_id=recipient, status=status
                )
            )
            if status != RECIPIENT_OK:
                refused.append(f"{kind} {recipient} ({status})")
        return refused

    async def _failed(self, message_id: str, exc: Exception, chunk: Chunk) -> None:
        """Record the failure; an OutboundError gets the message id for the caller to follow."""
        if isinstance(exc, OutboundError):
            code = exc.provider_code or exc.code
            text = exc.message
        else:
            code, text = "internal_error", f"{type(exc).__name__}: the hub failed to send it"
            log.error("sending failed", message_id=message_id, error=type(exc).__name__)
        async with self.ctx.db.transaction() as session:
            row = await store.load(session, message_id, lock=True)
            row.error_code = code[:100]
            row.error_message = text[:2000]
            if code == ALL_INVALID:
                for kind, recipient in chunk.each():
                    session.add(
                        WeComMessageRecipient(
                            message_id=message_id,
                            kind=kind,
                            recipient_id=recipient,
                            status=RECIPIENT_INVALID,
                        )
                    )
            await move(self.ctx.bus, session, row, FAILED, f"{code}: {text}"[:1000])
        if isinstance(exc, OutboundError):
            exc.details = {"message_id": message_id, "status": FAILED}

    # ---- after sending --------------------------------------------------------------

    async def recall(self, message_id: str) -> MessageDetail:
        """Take an application message back (WeCom allows it for 24 hours)."""
        message = await self.store.get(message_id)
        if message.channel == rules.ROBOT:
            raise Conflict(
                "robot messages cannot be recalled: WeCom answers no message id for them and "
                "has no recall for robots",
                code="not_recallable",
            )
        if message.status not in (SENT, INTERACTED) or message.msgid is None:
            raise Conflict(
                f"message {message_id} is {message.status}; only sent messages can be recalled",
                code="not_recallable",
            )
        if message.sent_at is None or utcnow() - message.sent_at > RECALL_WINDOW:
            raise Conflict(
                "the message was sent more than 24 hours ago; WeCom recalls messages only "
                "within 24 hours of sending",
                code="recall_window_passed",
            )
        target = await self.target(ConfigRef(config_id=message.config_id))
        await self.app_client(target).recall(message.msgid)
        async with self.ctx.db.transaction() as session:
            row = await store.load(session, message_id, lock=True)
            if row.status != RECALLED:
                await move(self.ctx.bus, session, row, RECALLED, "recalled through the hub")
        return await self.store.detail(message_id)

    async def update_card(self, message_id: str, update: CardUpdate) -> CardUpdateOut:
        """Change a sent template card with the response code WeCom gave (single use, 72 h)."""
        async with self.ctx.db.session() as session:
            row = await store.load(session, message_id)
            channel, msg_type, code = row.channel, row.msg_type, row.response_code
            config_id = row.config_id
        if channel != rules.APP or msg_type != "template_card" or code is None:
            raise Conflict(
                "only an application's interactive template card with an unused response code "
                "can be updated",
                code="not_updatable",
            )
        if (update.replace_name is None) == (update.template_card is None):
            raise ValidationFailed("give either replace_name or template_card")
        body: dict[str, Any] = {
            "userids": update.userids,
            "partyids": update.partyids,
            "tagids": update.tagids,
            "atall": int(update.atall),
            "response_code": code,
        }
        if update.replace_name is not None:
            body["button"] = {"replace_name": update.replace_name}
        else:
            body["template_card"] = update.template_card
        target = await self.target(ConfigRef(config_id=config_id))
        invalid = await self.app_client(target).update_template_card(body)
        async with self.ctx.db.transaction() as session:
            row = await store.load(session, message_id, lock=True)
            if row.response_code == code:
                row.response_code = None  # WeCom accepts each code once
                row.updated_at = utcnow()
        return CardUpdateOut(message_id=message_id, invalid_users=invalid)
