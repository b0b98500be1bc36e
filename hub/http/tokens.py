"""Access tokens: cached until shortly before they expire, refreshed once for all callers.

Token endpoints are slow and frequency-limited, and some providers invalidate
the previous token when a new one is issued. So a token is shared by every
caller of a (provider, config, name), a refresh starts ahead of expiry, and
however many callers find the token stale at once, exactly one refresh runs and
they all receive its result (or its error). A token the provider rejected is
dropped only if it is still the cached one, so fifty calls failing with the same
old token cause one refresh, not fifty.

Token values are secrets: `Token` never shows its value in a repr, and nothing
here logs it.
"""

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import structlog

Clock = Callable[[], float]
Key = tuple[str, str, str]

log = structlog.get_logger("hub.http.tokens")


@dataclass(frozen=True, repr=False)
class IssuedToken:
    """What a provider client's `fetch_token` returns: the value and its lifetime in seconds."""

    value: str
    expires_in: float | None = None

    def __repr__(self) -> str:
        return f"IssuedToken(expires_in={self.expires_in})"


@dataclass(frozen=True, repr=False)
class Token:
    value: str
    generation: int
    expires_at: float | None
    lifetime: float | None

    def __repr__(self) -> str:
        return f"Token(generation={self.generation}, expires_at={self.expires_at})"


@dataclass
class _Entry:
    token: Token | None = None
    pending: "asyncio.Task[Token] | None" = None
    generation: int = 0
    refreshes: int = 0


Fetch = Callable[[], Awaitable[IssuedToken]]


class TokenCache:
    """Tokens of the whole process.

    A token is refreshed when less than `min(margin_seconds, margin_fraction *
    lifetime)` of its lifetime is left, so a two-hour token is renewed five
    minutes early and a two-second test token shortly before it runs out.
    """

    def __init__(
        self,
        *,
        margin_seconds: float = 300.0,
        margin_fraction: float = 0.2,
        clock: Clock = time.monotonic,
    ) -> None:
        self.margin_seconds = margin_seconds
        self.margin_fraction = margin_fraction
        self._clock = clock
        self._entries: dict[Key, _Entry] = {}

    def _fresh(self, token: Token, margin_seconds: float | None) -> bool:
        if token.expires_at is None:
            return True
        margin = self.margin_seconds if margin_seconds is None else margin_seconds
        if token.lifetime is not None:
            margin = min(margin, token.lifetime * self.margin_fraction)
        return self._clock() < token.expires_at - margin

    async def get(self, key: Key, fetch: Fetch, *, margin_seconds: float | None = None) -> Token:
        """The cached token, or the result of the one refresh every stale caller shares."""
        entry = self._entries.setdefault(key, _Entry())
        token = entry.token
        if token is not None and entry.pending is None and self._fresh(token, margin_seconds):
            return token
        if entry.pending is None:
            entry.token = None  # a refresh replaces the previous token for good
            task = asyncio.get_running_loop().create_task(self._refresh(key, entry, fetch))
            task.add_done_callback(_consume)
            entry.pending = task
        return await asyncio.shield(entry.pending)

    async def _refresh(self, key: Key, entry: _Entry, fetch: Fetch) -> Token:
        try:
            issued = await fetch()
            if not isinstance(issued, IssuedToken) or not issued.value:
                raise TypeError("fetch_token must return an IssuedToken with a value")
            now = self._clock()
            lifetime = None if issued.expires_in is None else max(0.0, float(issued.expires_in))
            entry.generation += 1
            entry.refreshes += 1
            token = Token(
                issued.value,
                entry.generation,
                None if lifetime is None else now + lifetime,
                lifetime,
            )
            entry.token = token
            log.info(
                "access token obtained",
                provider=key[0],
                config_id=key[1] or None,
                name=key[2],
                expires_in=lifetime,
            )
            return token
        finally:
            entry.pending = None

    def invalidate(self, key: Key, token: Token) -> bool:
        """Drop `token` because the provider rejected it; False if it was already replaced."""
        entry = self._entries.get(key)
        if entry is None or entry.token is None or entry.token.generation != token.generation:
            return False
        entry.token = None
        return True

    def peek(self, key: Key) -> Token | None:
        entry = self._entries.get(key)
        return entry.token if entry else None

    def refreshes(self, key: Key) -> int:
        """How many times this process obtained a token for `key`."""
        entry = self._entries.get(key)
        return entry.refreshes if entry else 0

    def values(self) -> list[str]:
        """Every cached token value, for scrubbing texts; never for display."""
        return [e.token.value for e in self._entries.values() if e.token is not None]

    def forget(self, config_id: str) -> None:
        """Drop a config's tokens (its credentials changed, or it is gone).

        A refresh already running finishes for its waiters but is not cached.
        """
        for key in [k for k in self._entries if k[1] == config_id]:
            del self._entries[key]


def _consume(task: "asyncio.Task[Token]") -> None:
    """Mark a refresh's failure as seen; its waiters received it already."""
    if not task.cancelled():
        task.exception()
