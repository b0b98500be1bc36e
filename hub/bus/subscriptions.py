"""Who listens to which event types: exact names or fnmatch globs, ordered by priority."""

import fnmatch
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

Handler = Callable[[Any], Awaitable[object]]

NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,199}$"
_NAME_RE = re.compile(NAME_PATTERN)
_GLOB_CHARS = frozenset("*?[")
_CACHE_LIMIT = 4096


@dataclass(eq=False)
class Subscription:
    pattern: str
    handler: Handler
    name: str
    priority: int
    order: int
    exact: bool = field(init=False)

    def __post_init__(self) -> None:
        self.exact = not (_GLOB_CHARS & set(self.pattern))

    def matches(self, event_type: str) -> bool:
        if self.exact:
            return event_type == self.pattern
        return fnmatch.fnmatchcase(event_type, self.pattern)


class Subscriptions:
    """The handlers registered in this process; `for_type` is cached per event type.

    Names identify deliveries in the outbox, so they are unique and must stay
    stable across releases of the plugin that registers them.
    """

    def __init__(self) -> None:
        self._by_name: dict[str, Subscription] = {}
        self._cache: dict[str, tuple[Subscription, ...]] = {}

    def add(self, pattern: str, handler: Handler, *, name: str, priority: int = 0) -> Subscription:
        if not isinstance(pattern, str) or not pattern.strip():
            raise ValueError("a subscription needs an event type or a glob pattern")
        if not isinstance(name, str) or not _NAME_RE.match(name):
            raise ValueError(
                f"invalid subscriber name {name!r}: use 1-200 letters, digits, dots, "
                "dashes, underscores and colons, starting with a letter or digit"
            )
        if not callable(handler):
            raise TypeError(f"handler for subscriber {name!r} is not callable")
        if isinstance(priority, bool) or not isinstance(priority, int):
            raise TypeError(f"priority of subscriber {name!r} must be an integer")
        if name in self._by_name:
            raise ValueError(f"subscriber name {name!r} is already taken")
        sub = Subscription(pattern, handler, name, priority, len(self._by_name))
        self._by_name[name] = sub
        self._cache.clear()
        return sub

    def for_type(self, event_type: str) -> tuple[Subscription, ...]:
        """Matching subscriptions, highest priority first, then in registration order."""
        found = self._cache.get(event_type)
        if found is None:
            matching = [s for s in self._by_name.values() if s.matches(event_type)]
            matching.sort(key=lambda s: (-s.priority, s.order))
            if len(self._cache) >= _CACHE_LIMIT:
                self._cache.clear()
            found = self._cache[event_type] = tuple(matching)
        return found

    def get(self, name: str) -> Subscription | None:
        return self._by_name.get(name)

    @property
    def names(self) -> list[str]:
        return sorted(self._by_name)

    def all(self) -> list[Subscription]:
        return sorted(self._by_name.values(), key=lambda s: (-s.priority, s.order))
