"""Reading, replaying and clearing stored webhooks: what the CLI and the admin API do."""

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, func, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from hub.context import HubContext
from hub.errors import Conflict, HubError, NotFound
from hub.ids import new_id
from hub.tenants.records import Page
from hub.webhooks.handler import StoredWebhook
from hub.webhooks.models import (
    FAILED,
    PENDING,
    PROCESSED,
    WebhookRejectionRow,
    WebhookRow,
)
from hub.webhooks.processor import describe, draft_events, publish, to_stored
from hub.webhooks.schemas import (
    ClearOut,
    RejectionOut,
    ReplayOut,
    StatsOut,
    StatsRow,
    WebhookOut,
)
from hub.webhooks.targets import Targets

WEBHOOKS = WebhookRow.__table__
REJECTIONS = WebhookRejectionRow.__table__


def id_bound(moment: datetime) -> str:
    """The smallest UUIDv7 of `moment`'s millisecond: ids below it were made before."""
    ms = max(0, int(moment.timestamp() * 1000))
    return str(uuid.UUID(int=(ms & ((1 << 48) - 1)) << 80))


class WebhookStore:
    def __init__(self, ctx: HubContext) -> None:
        self.ctx = ctx

    async def list(
        self,
        *,
        config: str | None = None,
        provider: str | None = None,
        status: str | None = None,
        limit: int = 50,
        cursor: str | None = None,
    ) -> Page[WebhookOut]:
        """Newest first; `cursor` is the last id of the previous page."""
        query = select(WebhookRow).order_by(WebhookRow.id.desc()).limit(limit + 1)
        if config:
            query = query.where(WebhookRow.config_id == config)
        if provider:
            query = query.where(WebhookRow.provider == provider)
        if status:
            query = query.where(WebhookRow.status == status)
        if cursor:
            query = query.where(WebhookRow.id < cursor)
        async with self.ctx.db.session() as s:
            rows = list((await s.execute(query)).scalars())
        items = [WebhookOut.of(to_stored(r)) for r in rows[:limit]]
        return Page(items, items[-1].id if len(rows) > limit else None)

    async def get(self, webhook_id: str) -> StoredWebhook:
        async with self.ctx.db.session() as s:
            row = await s.get(WebhookRow, webhook_id)
            if row is None:
                raise NotFound(f"webhook {webhook_id!r} not found", code="webhook_not_found")
            return to_stored(row)

    async def stats(self) -> StatsOut:
        per: dict[tuple[str, str], StatsRow] = {}

        def row_for(provider: str, config_id: str) -> StatsRow:
            key = (provider, config_id)
            if key not in per:
                zero = dict.fromkeys(("received", "duplicates", "rejected"), 0)
                zero |= dict.fromkeys(("pending", "processed", "failed"), 0)
                per[key] = StatsRow(provider=provider, config_id=config_id, **zero)
            return per[key]

        by_status = select(
            WEBHOOKS.c.provider,
            WEBHOOKS.c.config_id,
            WEBHOOKS.c.status,
            func.count(),
            func.coalesce(func.sum(WEBHOOKS.c.duplicates), 0),
        ).group_by(WEBHOOKS.c.provider, WEBHOOKS.c.config_id, WEBHOOKS.c.status)
        rejected = select(REJECTIONS.c.provider, REJECTIONS.c.config_id, func.count()).group_by(
            REJECTIONS.c.provider, REJECTIONS.c.config_id
        )
        async with self.ctx.db.session() as s:
            for provider, config_id, status, count, duplicates in await s.execute(by_status):
                row = row_for(provider, config_id)
                row.received += count
                row.duplicates += int(duplicates)
                setattr(row, status, getattr(row, status) + count)
            for provider, config_id, count in await s.execute(rejected):
                row_for(provider, config_id).rejected += count
        return StatsOut(items=[per[k] for k in sorted(per)])

    async def rejections(
        self, *, config: str | None = None, limit: int = 50, cursor: str | None = None
    ) -> Page[RejectionOut]:
        query = select(WebhookRejectionRow).order_by(WebhookRejectionRow.id.desc())
        query = query.limit(limit + 1)
        if config:
            query = query.where(WebhookRejectionRow.config_id == config)
        if cursor:
            query = query.where(WebhookRejectionRow.id < cursor)
        async with self.ctx.db.session() as s:
            rows = list((await s.execute(query)).scalars())
        items = [RejectionOut.model_validate(r, from_attributes=True) for r in rows[:limit]]
        return Page(items, items[-1].id if len(rows) > limit else None)

    async def clear(
        self,
        *,
        before: datetime | None = None,
        config: str | None = None,
        include_pending: bool = False,
    ) -> ClearOut:
        """Delete stored webhooks (processed and failed unless told) and audit rows."""
        before = before or datetime.now(UTC)
        statuses = [PROCESSED, FAILED, *([PENDING] if include_pending else [])]
        webhooks = delete(WEBHOOKS).where(
            WEBHOOKS.c.id < id_bound(before + timedelta(seconds=1)),
            WEBHOOKS.c.received_at < before,
            WEBHOOKS.c.status.in_(statuses),
        )
        rejections = delete(REJECTIONS).where(REJECTIONS.c.at < before)
        if config:
            webhooks = webhooks.where(WEBHOOKS.c.config_id == config)
            rejections = rejections.where(REJECTIONS.c.config_id == config)
        async with self.ctx.db.transaction() as s:
            deleted = (await s.execute(webhooks)).rowcount  # type: ignore[attr-defined]
            audit = (await s.execute(rejections)).rowcount  # type: ignore[attr-defined]
        return ClearOut(webhooks=deleted, rejections=audit)

    async def replay(self, webhook_id: str, *, force: bool = False) -> ReplayOut:
        """Run the handler's `events()` again and publish what was not published yet.

        A processed webhook published `event_count` events; only drafts after
        those are published (none, unless the handler now yields more).
        `force` publishes every draft again as new events. Pending and failed
        webhooks are processed now.
        """
        webhook = await self.get(webhook_id)
        targets = Targets(self.ctx.configs, 0.0, self.ctx.settings.webhook_max_body_bytes)
        target = await targets.load(webhook.config_id)
        try:
            drafts = await draft_events(target.handler, webhook, target.values)
        except HubError:
            raise
        except Exception as exc:
            raise Conflict(
                f"the {webhook.provider} handler could not parse webhook {webhook_id}: "
                f"{describe(exc)}",
                code="webhook_replay_failed",
            ) from None
        async with self.ctx.db.transaction() as s:
            status, count = await self._lock(s, webhook_id)
            first = 0 if force or status != PROCESSED else count
            salt = new_id() if force else None
            events = await publish(
                self.ctx.bus, s, webhook, drafts, first=first, keyed=True, salt=salt
            )
            if force:
                total = count + len(events) if status == PROCESSED else len(events)
            else:
                total = max(count, len(drafts)) if status == PROCESSED else len(events)
            await s.execute(
                update(WEBHOOKS)
                .where(WEBHOOKS.c.id == webhook_id)
                .values(
                    status=PROCESSED,
                    processed_at=datetime.now(UTC),
                    event_count=total,
                    error=None,
                    next_attempt_at=None,
                )
            )
        return ReplayOut(
            webhook_id=webhook_id,
            forced=force,
            published=len(events),
            event_ids=[e.id for e in events],
            event_count=total,
        )

    async def _lock(self, s: AsyncSession, webhook_id: str) -> tuple[str, int]:
        """The row's status and event count, locked until the transaction ends."""
        query = select(WEBHOOKS.c.status, WEBHOOKS.c.event_count).where(
            WEBHOOKS.c.id == webhook_id
        )
        if self.ctx.db.dialect == "sqlite":
            await s.execute(text("BEGIN IMMEDIATE"))
        else:
            query = query.with_for_update()
        row = (await s.execute(query)).first()
        if row is None:
            raise NotFound(f"webhook {webhook_id!r} not found", code="webhook_not_found")
        return row.status, row.event_count
