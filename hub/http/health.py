"""Per-config outbound health: degraded after N consecutive failed calls, healthy again on success.

Only failures that say the provider or the credentials are unusable count
(unreachable, timeouts, 5xx, rate limits that never cleared, rejected
credentials). A provider refusing one request for its content proves the
provider is reachable, so it counts as a success here.

A config that becomes degraded gets state `error` (`needs_reauth` when its
credentials were refused) and a `last_error` beginning with `MARK` in the
config store, where operators already look; a later success sets it back to
`ok`. The mark lets a restarted process recognise a state it set itself.
"""

import asyncio
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import structlog

from hub.db.base import utcnow
from hub.errors import HubError
from hub.http.errors import AuthFailed, OutboundError

MARK = "outbound calls failing:"

log = structlog.get_logger("hub.http.health")


@dataclass
class ConfigHealth:
    config_id: str
    provider: str
    consecutive_failures: int = 0
    degraded: bool = False
    degraded_since: datetime | None = None
    last_error: str | None = None
    last_failure_at: datetime | None = None
    last_success_at: datetime | None = None
    needs_reauth: bool = False


class HealthTracker:
    def __init__(self, configs: Any = None, degrade_after: int = 5) -> None:
        if degrade_after < 1:
            raise ValueError("degrade_after must be at least 1")
        self.configs = configs  # a ConfigStore, or None to keep health in memory only
        self.degrade_after = degrade_after
        self._health: dict[str, ConfigHealth] = {}
        self._written: dict[str, bool] = {}  # config id -> degraded state last stored
        self._locks: dict[str, asyncio.Lock] = {}
        self._checked: set[str] = set()

    def _entry(self, config_id: str, provider: str) -> ConfigHealth:
        entry = self._health.get(config_id)
        if entry is None:
            entry = self._health[config_id] = ConfigHealth(config_id, provider)
        return entry

    def is_degraded(self, config_id: str | None) -> bool:
        entry = self._health.get(config_id or "")
        return bool(entry and entry.degraded)

    def get(self, config_id: str) -> ConfigHealth | None:
        return self._health.get(config_id)

    def all(self) -> list[ConfigHealth]:
        return sorted(self._health.values(), key=lambda h: h.config_id)

    def degraded(self) -> list[ConfigHealth]:
        return [h for h in self.all() if h.degraded]

    def forget(self, config_id: str) -> None:
        self._health.pop(config_id, None)
        self._written.pop(config_id, None)
        self._checked.discard(config_id)

    async def success(self, config_id: str, provider: str) -> None:
        entry = self._entry(config_id, provider)
        entry.last_success_at = utcnow()
        entry.consecutive_failures = 0
        was_degraded = entry.degraded
        entry.degraded = False
        entry.degraded_since = None
        entry.needs_reauth = False
        if was_degraded:
            log.info("config outbound health recovered", config_id=config_id, provider=provider)
            await self._store(config_id)
        elif config_id not in self._checked:
            await self._clear_stale_mark(config_id)

    async def failure(self, config_id: str, provider: str, error: OutboundError) -> None:
        if not error.degrades:
            await self.success(config_id, provider)
            return
        entry = self._entry(config_id, provider)
        entry.consecutive_failures += 1
        entry.last_failure_at = utcnow()
        entry.last_error = error.message[:500]
        entry.needs_reauth = isinstance(error, AuthFailed)
        if not entry.degraded and entry.consecutive_failures >= self.degrade_after:
            entry.degraded = True
            entry.degraded_since = entry.last_failure_at
            log.warning(
                "config outbound health degraded",
                config_id=config_id,
                provider=provider,
                consecutive_failures=entry.consecutive_failures,
                last_error=entry.last_error,
            )
            await self._store(config_id)

    async def _store(self, config_id: str) -> None:
        """Bring the config's stored state in line with the current one, in order."""
        if self.configs is None:
            return
        lock = self._locks.setdefault(config_id, asyncio.Lock())
        async with lock:
            entry = self._health.get(config_id)
            if entry is None or self._written.get(config_id) == entry.degraded:
                return
            degraded = entry.degraded
            if degraded:
                state = "needs_reauth" if entry.needs_reauth else "error"
                message = (
                    f"{MARK} {entry.consecutive_failures} consecutive calls failed; "
                    f"last: {entry.last_error}"
                )
            else:
                state, message = "ok", None
            try:
                await self.configs.set_state(config_id, state, message)
            except HubError as exc:  # e.g. the config was deleted meanwhile
                log.info("config state not stored", config_id=config_id, reason=exc.code)
            except Exception as exc:
                log.warning(
                    "config state not stored",
                    config_id=config_id,
                    error=f"{type(exc).__name__}: {exc}"[:300],
                )
                return
            self._written[config_id] = degraded
            self._checked.add(config_id)

    async def _clear_stale_mark(self, config_id: str) -> None:
        """After a restart: a config this layer marked degraded earlier works again."""
        self._checked.add(config_id)
        if self.configs is None:
            return
        try:
            record = await self.configs.get(config_id)
        except Exception:
            return
        if record.state in ("error", "needs_reauth") and (record.last_error or "").startswith(
            MARK
        ):
            self._written[config_id] = True
            await self._store(config_id)
