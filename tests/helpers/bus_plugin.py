"""An in-process plugin whose event handlers record what they saw and fail on demand."""

from collections.abc import Awaitable, Callable
from typing import Any

from pydantic import BaseModel, Field

from hub import hookimpl
from hub.bus import STOP, Bus, Event
from hub.plugins import Plugins

ITEM_CREATED = "demo.item.created"
ITEM_DELETED = "demo.item.deleted"

# (pattern, subscriber name, priority)
Subscriptions = tuple[tuple[str, str, int], ...]
DEFAULT_SUBSCRIPTIONS: Subscriptions = (
    ("demo.item.*", "demo.audit", 10),
    ("demo.*.deleted", "demo.cleanup", 5),
    (ITEM_CREATED, "demo.index", 0),
)


class ItemCreated(BaseModel):
    item_id: str
    title: str = Field(min_length=1)
    quantity: int = Field(default=1, ge=0)


class Recorder:
    """Shared by every context a test opens, so it sees deliveries across "restarts"."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str, str]] = []  # (subscriber, event id, "ok"/"failed")
        self.failures: dict[str, int] = {}  # subscriber -> failures left; -1 fails forever
        self.stops: set[str] = set()
        self.models: list[Any] = []
        self.listeners: list[Callable[[str, Event], None]] = []

    def fail(self, subscriber: str, times: int = -1) -> None:
        self.failures[subscriber] = times

    def handler(self, name: str) -> Callable[[Event], Awaitable[object]]:
        async def handle(event: Event) -> object:
            left = self.failures.get(name, 0)
            if left:
                if left > 0:
                    self.failures[name] = left - 1
                self.calls.append((name, event.id, "failed"))
                raise RuntimeError(f"{name} could not handle the event")
            self.calls.append((name, event.id, "ok"))
            if event.type == ITEM_CREATED and name == "demo.index":
                self.models.append(event.model())
            for listener in self.listeners:
                listener(name, event)
            return STOP if name in self.stops else None

        return handle

    def done(self, subscriber: str | None = None) -> list[str]:
        """Event ids handled successfully (by one subscriber), in order."""
        return [e for s, e, r in self.calls if r == "ok" and subscriber in (None, s)]

    def order(self, event_id: str) -> list[str]:
        """Subscribers that handled `event_id` successfully, in order."""
        return [s for s, e, r in self.calls if r == "ok" and e == event_id]


class BusPlugin:
    def __init__(
        self,
        recorder: Recorder,
        subscriptions: Subscriptions = DEFAULT_SUBSCRIPTIONS,
    ) -> None:
        self.recorder = recorder
        self.subscriptions = subscriptions

    @hookimpl
    def hub_subscribers(self, bus: Bus) -> None:
        bus.register_type(ITEM_CREATED, ItemCreated)
        for pattern, name, priority in self.subscriptions:
            bus.subscribe(pattern, self.recorder.handler(name), name=name, priority=priority)


def item(item_id: str = "i-1", title: str = "Chair", quantity: int = 1) -> dict[str, Any]:
    return {"item_id": item_id, "title": title, "quantity": quantity}


def demo_plugins(
    recorder: Recorder, subscriptions: Subscriptions = DEFAULT_SUBSCRIPTIONS
) -> Plugins:
    plugins = Plugins()
    plugins.register(BusPlugin(recorder, subscriptions), "demo", "1.0.0")
    return plugins
