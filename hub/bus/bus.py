"""`Bus`: register payload types, subscribe handlers, publish events.

Durable events go to the outbox (`hub_events` + one `hub_deliveries` row per
matching subscriber) and are handed to handlers by the `Dispatcher`, which
retries failures and survives restarts. `durable=False` events are handed to
the handlers right away, in the publisher's task, and never stored.
"""

import asyncio
import inspect
import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import structlog
from pydantic import BaseModel, ValidationError
from pydantic_core import PydanticSerializationError, to_jsonable_python
from sqlalchemy.ext.asyncio import AsyncSession

from hub.bus import outbox
from hub.bus.counters import BusCounters
from hub.bus.dispatcher import Dispatcher, describe_error
from hub.bus.envelope import STOP, TYPE_RULE, Event, valid_type
from hub.bus.store import EventStore
from hub.bus.subscriptions import Handler, Subscription, Subscriptions
from hub.db.engine import Database
from hub.errors import ValidationFailed, validation_details
from hub.metrics import Metrics
from hub.settings import Settings

log = structlog.get_logger("hub.bus")


def _limit(name: str, value: str | None, length: int, *, required: bool = False) -> None:
    if value is None:
        if required:
            raise ValidationFailed(f"event {name} is required")
        return
    if not isinstance(value, str) or not value or len(value) > length:
        raise ValidationFailed(f"event {name} must be a string of 1-{length} characters")


def _storable(event_type: str, data: dict[str, Any]) -> None:
    """Refuse what the JSON column would not store the same on every database (NaN, inf)."""
    try:
        json.dumps(data, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise ValidationFailed(
            f"payload of {event_type!r} is not storable as JSON: {exc}",
            code="invalid_event_payload",
        ) from None


class Bus:
    def __init__(self, db: Database, settings: Settings, metrics: Metrics) -> None:
        self.db = db
        self.settings = settings
        self.metrics = metrics
        self.subscriptions = Subscriptions()
        self.types: dict[str, type[BaseModel]] = {}
        self.dispatcher = Dispatcher(self)
        self.store = EventStore(self)
        self.outbox = outbox.Outbox(db, self.wake)
        self._wake: asyncio.Event | None = None
        self.counters = BusCounters(metrics.registry)
        self._valid_types: set[str] = set()

    # -- registration -------------------------------------------------------------------

    def register_type(self, event_type: str, model: type[BaseModel]) -> None:
        """Declare the payload model of `event_type`; publishing validates against it."""
        if not valid_type(event_type):
            raise ValueError(f"invalid event type {event_type!r}: {TYPE_RULE}")
        if not (isinstance(model, type) and issubclass(model, BaseModel)):
            raise TypeError(f"payload model for {event_type!r} must be a pydantic model class")
        known = self.types.get(event_type)
        if known is not None and known is not model:
            raise ValueError(
                f"event type {event_type!r} already has payload model {known.__name__}"
            )
        self.types[event_type] = model

    def subscribe(
        self, pattern: str, handler: Handler, *, name: str, priority: int = 0
    ) -> Subscription:
        """Call `handler(event)` for events whose type is `pattern` or matches it as a glob.

        `name` identifies the subscriber's deliveries in the outbox: keep it
        stable. Higher `priority` runs first; a handler returning `STOP` keeps
        lower-priority handlers from running for that event.
        """
        return self.subscriptions.add(pattern, handler, name=name, priority=priority)

    # -- publishing -----------------------------------------------------------------------

    async def publish(
        self,
        type: str,
        payload: BaseModel | dict[str, Any],
        *,
        source: str,
        tenant_id: str | None = None,
        config_id: str | None = None,
        occurred_at: datetime | None = None,
        ordering_key: str | None = None,
        idempotency_key: str | None = None,
        durable: bool = True,
        session: AsyncSession | None = None,
    ) -> Event:
        """Publish an event; see docs/events.md. Invalid input raises `ValidationFailed`."""
        if not isinstance(type, str) or type not in self._valid_types:
            if not isinstance(type, str) or not valid_type(type):
                raise ValidationFailed(f"invalid event type {type!r}: {TYPE_RULE}")
            if len(self._valid_types) < 10_000:
                self._valid_types.add(type)
        _limit("source", source, 100, required=True)
        if tenant_id is not None or config_id is not None:
            _limit("tenant_id", tenant_id, 36)
            _limit("config_id", config_id, 36)
        if ordering_key is not None or idempotency_key is not None:
            _limit("ordering_key", ordering_key, 200)
            _limit("idempotency_key", idempotency_key, 200)
        model = self.types.get(type)
        data = self._payload(type, payload, model, durable)
        if durable:
            _storable(type, data)
        now = datetime.now(UTC)
        if occurred_at is None:
            occurred_at = now
        elif not isinstance(occurred_at, datetime):
            raise ValidationFailed("event occurred_at must be a datetime")
        elif occurred_at.tzinfo is None:
            occurred_at = occurred_at.replace(tzinfo=UTC)
        elif occurred_at.utcoffset():
            occurred_at = occurred_at.astimezone(UTC)
        event = Event.trusted(
            {
                "id": outbox.next_id(),
                "type": type,
                "tenant_id": tenant_id,
                "config_id": config_id,
                "source": source,
                "occurred_at": occurred_at,
                "received_at": now,
                "payload": data,
                "ordering_key": ordering_key,
                "idempotency_key": idempotency_key,
            },
            model,
        )
        subscriptions = self.subscriptions.for_type(type)
        if not durable:
            self.counters.published["memory"] += 1
            await self.deliver_now(event, subscriptions)
            return event
        if session is not None:
            existing = await self.outbox.add(session, event, subscriptions)
        else:
            existing = await self.outbox.store(event, subscriptions)
        if existing is not None:
            existing._payload_model = self.types.get(existing.type)
            return existing
        self.counters.published["outbox"] += 1
        return event

    def _payload(
        self,
        event_type: str,
        payload: BaseModel | dict[str, Any],
        model: type[BaseModel] | None,
        durable: bool,
    ) -> dict[str, Any]:
        if model is not None:
            if not isinstance(payload, model):
                if isinstance(payload, BaseModel):
                    payload = payload.model_dump()
                if not isinstance(payload, dict):
                    raise ValidationFailed(f"payload of {event_type!r} must be an object")
                try:
                    payload = model.model_validate(payload)
                except ValidationError as exc:
                    raise ValidationFailed(
                        f"payload of event type {event_type!r} is invalid",
                        code="invalid_event_payload",
                        details=validation_details(exc.errors(), prefix="payload"),
                    ) from None
            return payload.model_dump(mode="json")
        if isinstance(payload, BaseModel):
            return payload.model_dump(mode="json")
        if not isinstance(payload, dict):
            raise ValidationFailed(f"payload of {event_type!r} must be an object")
        if not durable:
            return payload
        try:
            # What is stored is what handlers get back: plain JSON.
            data = to_jsonable_python(payload)
        except PydanticSerializationError as exc:
            raise ValidationFailed(
                f"payload of {event_type!r} is not JSON-serializable: {exc}",
                code="invalid_event_payload",
            ) from None
        if not all(isinstance(k, str) for k in data):
            raise ValidationFailed(f"payload of {event_type!r} must have string keys")
        return data  # type: ignore[no-any-return]

    # -- in-process delivery ------------------------------------------------------------

    async def deliver_now(self, event: Event, subscriptions: Sequence[Subscription]) -> None:
        """Run handlers in priority order in this task; errors are logged, never raised."""
        stop_below: int | None = None
        for sub in subscriptions:
            if stop_below is not None and sub.priority < stop_below:
                self.count(sub.name, "skipped")
                continue
            try:
                result = sub.handler(event)
                if inspect.isawaitable(result):
                    result = await result
            except Exception as exc:
                self.count(sub.name, "failed")
                log.error(
                    "event handler failed",
                    subscriber=sub.name,
                    event_type=event.type,
                    event_id=event.id,
                    durable=False,
                    error=describe_error(exc),
                )
                continue
            self.count(sub.name, "done")
            if result is STOP:
                stop_below = sub.priority

    # -- dispatcher control ---------------------------------------------------------------

    def wake(self) -> None:
        """Tell this process's dispatcher that new work was committed."""
        if self._wake is not None:
            self._wake.set()

    def wake_signal(self) -> asyncio.Event:
        if self._wake is None:
            self._wake = asyncio.Event()
        return self._wake

    def start(self) -> None:
        """Run the dispatcher in the background (the server does this at start-up)."""
        self.dispatcher.start()

    async def stop(self) -> None:
        await self.dispatcher.stop()

    async def drain(self, *, wait: float = 0.0) -> int:
        """Deliver everything due now (and retries due within `wait` seconds); see Dispatcher."""
        return await self.dispatcher.drain(wait=wait)

    # -- metrics --------------------------------------------------------------------------

    def count(self, subscriber: str, outcome: str) -> None:
        """Count one delivery outcome of `subscriber` (done, skipped, retry, dead, failed)."""
        self.counters.deliveries[subscriber, outcome] += 1
        if outcome == "dead":
            self.counters.dead_letters[subscriber] += 1
