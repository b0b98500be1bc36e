"""After the reply: stored webhooks become bus events.

A webhook row is `pending` until its handler's `events()` ran and every event
was published to the bus in the SAME transaction that marks the row
`processed`, so a crash either leaves the row pending (and it is processed on
the next start) or leaves it processed with its events committed; never half.
Failures are retried with exponential backoff and jitter, then marked `failed`
(`hub webhooks replay` runs them again).

A webhook's `event_count` records how many events it published, so a replay
publishes only what was not published before (`--force` publishes everything
again); see `event_key` for the idempotency keys.
"""

import asyncio
import contextlib
import hashlib
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import structlog
from pydantic import BaseModel
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from hub.bus import Bus, Event
from hub.context import HubContext
from hub.errors import HubError
from hub.webhooks.handler import EventDraft, StoredWebhook, WebhookHandler
from hub.webhooks.models import FAILED, PENDING, PROCESSED, WebhookRow
from hub.webhooks.targets import Targets

log = structlog.get_logger("hub.webhooks.processor")

WEBHOOKS = WebhookRow.__table__
SOURCE = "webhook"
KEY_MAX = 200
ERROR_MAX = 2000
RETRY_CAP_SECONDS = 600.0
# SQLite: a batch is processed at least this often, however busy the intake is.
MAX_DEFER_SECONDS = 30.0
IDLE_POLL_SECONDS = 0.01


def to_stored(row: Any) -> StoredWebhook:
    return StoredWebhook(
        id=row.id,
        config_id=row.config_id,
        tenant_id=row.tenant_id,
        provider=row.provider,
        method=row.method,
        path=row.path,
        query=row.query,
        headers=dict(row.headers or {}),
        body=bytes(row.body or b""),
        remote_ip=row.remote_ip,
        received_at=row.received_at,
        dedup_key=row.dedup_key,
        messages=list(row.messages or []),
        status=row.status,
        attempts=row.attempts,
        duplicates=row.duplicates,
        event_count=row.event_count,
        error=row.error,
        processed_at=row.processed_at,
    )


def event_key(
    webhook: StoredWebhook, index: int, draft: EventDraft, *, keyed: bool, salt: str | None
) -> str | None:
    """The idempotency key a draft is published under.

    A key the handler gave is always used, scoped to the config. Otherwise first
    processing publishes without one: the row lock and the same-transaction
    status change already make it once-only, and a keyless publish is several
    times cheaper for the bus. Replays use `webhook:<id>:<index>`; a forced
    replay adds a salt so the bus takes the events as new.
    """
    if draft.idempotency_key:
        key = f"{webhook.config_id}:{draft.idempotency_key}"
    elif keyed or salt:
        key = f"webhook:{webhook.id}:{index}"
    else:
        return None
    if salt:
        key = f"{key}:replay:{salt}"
    if len(key) > KEY_MAX:
        key = "sha256:" + hashlib.sha256(key.encode("utf-8")).hexdigest()
    return key


async def publish(
    bus: Bus,
    session: AsyncSession,
    webhook: StoredWebhook,
    drafts: Sequence[EventDraft],
    *,
    first: int = 0,
    keyed: bool = False,
    salt: str | None = None,
) -> list[Event]:
    """Publish `drafts[first:]` in `session`'s transaction (see `claim`)."""
    events = []
    for index, draft in enumerate(drafts):
        if index < first:
            continue
        events.append(
            await bus.publish(
                draft.type,
                draft.payload if isinstance(draft.payload, BaseModel) else dict(draft.payload),
                source=SOURCE,
                tenant_id=webhook.tenant_id,
                config_id=webhook.config_id,
                occurred_at=draft.occurred_at or webhook.received_at,
                ordering_key=draft.ordering_key,
                idempotency_key=event_key(webhook, index, draft, keyed=keyed, salt=salt),
                session=session,
            )
        )
    return events


async def claim(session: AsyncSession, event_counts: dict[str, int]) -> set[str]:
    """Mark still-pending webhooks processed in `session`'s transaction; returns their ids.

    The UPDATE is the transaction's first statement: on SQLite it takes the
    write lock right away (no read snapshot that could go stale first), on
    PostgreSQL it locks the rows, so a webhook claimed elsewhere is skipped.
    One statement per distinct event count.
    """
    by_count: dict[int, list[str]] = {}
    for webhook_id, count in event_counts.items():
        by_count.setdefault(count, []).append(webhook_id)
    now = datetime.now(UTC)
    claimed: set[str] = set()
    for count, ids in by_count.items():
        result = await session.execute(
            update(WEBHOOKS)
            .where(WEBHOOKS.c.id.in_(ids), WEBHOOKS.c.status == PENDING)
            .values(
                status=PROCESSED,
                processed_at=now,
                event_count=count,
                error=None,
                next_attempt_at=None,
            )
            .returning(WEBHOOKS.c.id)
        )
        claimed.update(result.scalars())
    return claimed


async def draft_events(
    handler: WebhookHandler, webhook: StoredWebhook, config: Any
) -> list[EventDraft]:
    drafts = await handler.events(webhook, config)
    drafts = list(drafts or [])
    for draft in drafts:
        if not isinstance(draft, EventDraft):
            raise TypeError(f"events() returned {type(draft).__name__}, not EventDraft")
    return drafts


def describe(exc: BaseException) -> str:
    if isinstance(exc, HubError):
        text_ = exc.message
        if isinstance(exc.details, list):
            fields = "; ".join(f"{d.get('field')}: {d.get('message')}" for d in exc.details)
            text_ += f" ({fields})"
        return text_[:ERROR_MAX]
    first = str(exc).splitlines()[0] if str(exc) else ""
    return (f"{type(exc).__name__}: {first}" if first else type(exc).__name__)[:ERROR_MAX]


@dataclass
class _Work:
    webhook: StoredWebhook
    drafts: list[EventDraft]


class Processor:
    """Processes pending webhooks in the background; woken by the writer after each commit."""

    def __init__(
        self,
        ctx: HubContext,
        targets: Targets,
        *,
        batch_size: int = 64,
        poll_seconds: float = 1.0,
    ) -> None:
        self.ctx = ctx
        self.targets = targets
        self.batch_size = batch_size
        self.poll_seconds = poll_seconds
        self.max_attempts = ctx.settings.webhook_max_attempts
        self.retry_base = ctx.settings.webhook_retry_base_seconds
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._sqlite = ctx.db.dialect == "sqlite"
        self._last_round = time.monotonic()
        self.intake_idle: Callable[[], bool] | None = None

    def wake(self) -> None:
        self._wake.set()

    def start(self) -> None:
        self._task = asyncio.create_task(self._loop(), name="hub-webhook-processor")

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _yield_to_intake(self) -> None:
        """On SQLite, start a batch only in a pause of the intake.

        Publishing takes several statements under SQLite's single write lock, and
        on a busy event loop each statement waits a loop turn, so a processing
        transaction during a burst would hold the lock long enough to stall
        every acknowledgement. The webhooks are stored already; processing them
        in the pauses (at moderate traffic there are many) or after the burst
        loses nothing. After `MAX_DEFER_SECONDS` one batch runs anyway.
        PostgreSQL locks rows, not the database, and never waits here.
        """
        if not self._sqlite or self.intake_idle is None:
            return
        while time.monotonic() - self._last_round < MAX_DEFER_SECONDS:
            if self.intake_idle():
                return
            await asyncio.sleep(IDLE_POLL_SECONDS)

    async def _loop(self) -> None:
        failures = 0
        while True:
            self._wake.clear()
            try:
                await self._yield_to_intake()
                self._last_round = time.monotonic()
                done = await self.run_once()
                failures = 0
            except Exception as exc:
                failures += 1
                delay = min(30.0, self.poll_seconds * 2.0 ** min(failures, 5))
                log.warning("webhook processing round failed", error=describe(exc), retry_in=delay)
                await asyncio.sleep(delay)
                continue
            if done >= self.batch_size:
                await asyncio.sleep(0)
                continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.poll_seconds)

    async def drain(self, *, max_rounds: int = 10_000) -> int:
        """Process everything due now; returns how many webhooks were handled (tests, CLI)."""
        total = 0
        for _ in range(max_rounds):
            done = await self.run_once()
            total += done
            if done == 0:
                break
        return total

    def _handled_providers(self) -> list[str]:
        return [
            p.name for p in self.ctx.providers.all() if any(k.webhook for k in p.kinds)
        ]

    async def run_once(self) -> int:
        """Process one batch of due webhooks; returns how many were attempted."""
        providers = self._handled_providers()
        if not providers:
            return 0
        now = datetime.now(UTC)
        async with self.ctx.db.session() as s:
            rows = (
                await s.execute(
                    select(WebhookRow)
                    .where(
                        WebhookRow.status == PENDING,
                        WebhookRow.provider.in_(providers),
                        (WebhookRow.next_attempt_at.is_(None))
                        | (WebhookRow.next_attempt_at <= now),
                    )
                    .order_by(WebhookRow.id)
                    .limit(self.batch_size)
                )
            ).scalars().all()
            webhooks = [to_stored(r) for r in rows]
        if not webhooks:
            return 0
        work: list[_Work] = []
        failures: list[tuple[StoredWebhook, BaseException]] = []
        for webhook in webhooks:
            try:
                target = await self.targets.load(webhook.config_id)
                drafts = await draft_events(target.handler, webhook, target.values)
            except Exception as exc:
                failures.append((webhook, exc))
                continue
            work.append(_Work(webhook, drafts))
        if work:
            try:
                await self._commit(work)
            except Exception:
                # Find the one that fails; the others go through on their own.
                for item in work:
                    try:
                        await self._commit([item])
                    except Exception as exc:
                        failures.append((item.webhook, exc))
        if failures:
            await self._record_failures(failures)
        processed = self.ctx.metrics.webhooks_processed
        for item in work:
            processed.labels(item.webhook.provider, "processed").inc()
        return len(webhooks)

    async def _commit(self, work: list[_Work]) -> None:
        """Claim the webhooks and publish their events in one short transaction.

        Events without their own idempotency key are buffered by the bus and
        inserted at commit, so SQLite's write lock is held for a handful of
        statements whatever the batch size.
        """
        counts = {item.webhook.id: len(item.drafts) for item in work}
        async with self.ctx.db.transaction() as s:
            mine = await claim(s, counts)
            for item in work:
                if item.webhook.id in mine:
                    await publish(self.ctx.bus, s, item.webhook, item.drafts)

    async def _record_failures(self, failures: list[tuple[StoredWebhook, BaseException]]) -> None:
        metric = self.ctx.metrics.webhooks_processed
        now = datetime.now(UTC)
        async with self.ctx.db.transaction() as s:
            for webhook, exc in failures:
                attempts = webhook.attempts + 1
                error = describe(exc)
                if attempts >= self.max_attempts:
                    values: dict[str, Any] = {"status": FAILED, "next_attempt_at": None}
                    metric.labels(webhook.provider, "failed").inc()
                    log.error(
                        "webhook processing failed for good",
                        webhook_id=webhook.id, provider=webhook.provider, attempts=attempts,
                        error=error,
                    )
                else:
                    delay = min(RETRY_CAP_SECONDS, self.retry_base * 2.0 ** (attempts - 1))
                    delay *= random.uniform(0.5, 1.0)
                    values = {"next_attempt_at": now + timedelta(seconds=delay)}
                    metric.labels(webhook.provider, "retry").inc()
                    log.warning(
                        "webhook processing failed; will retry",
                        webhook_id=webhook.id, provider=webhook.provider, attempts=attempts,
                        retry_in=round(delay, 2), error=error,
                    )
                await s.execute(
                    update(WEBHOOKS)
                    .where(WEBHOOKS.c.id == webhook.id, WEBHOOKS.c.status == PENDING)
                    .values(attempts=attempts, error=error, **values)
                )
