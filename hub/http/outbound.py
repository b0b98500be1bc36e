"""`ctx.http`: the process's one HTTP client session and everything calls share.

Provider clients are cheap objects made per use; what must be shared across
them lives here, once per process: the aiohttp `ClientSession` (connection
pooling), the rate-limit windows, the token cache, the call log writer and the
per-config health.
"""

import asyncio
import contextlib
from datetime import timedelta
from typing import Any

import aiohttp
import structlog

import hub
from hub.db.base import utcnow
from hub.db.engine import Database
from hub.http.calllog import CallLog
from hub.http.health import HealthTracker
from hub.http.ratelimit import RateLimiter
from hub.http.schemas import CallHealth, ConfigHealthOut
from hub.http.tokens import TokenCache
from hub.metrics import Metrics
from hub.settings import Settings

log = structlog.get_logger("hub.http")

PRUNE_INTERVAL_SECONDS = 3600.0
DEFAULT_DEGRADE_AFTER = 5


class OutboundHTTP:
    def __init__(
        self,
        settings: Settings,
        db: Database,
        metrics: Metrics,
        configs: Any = None,
        *,
        degrade_after: int = DEFAULT_DEGRADE_AFTER,
    ) -> None:
        self.settings = settings
        self.metrics = metrics
        self.limiter = RateLimiter()
        self.tokens = TokenCache()
        self.calls = CallLog(db)
        self.health = HealthTracker(configs, degrade_after)
        self._session: aiohttp.ClientSession | None = None
        self._pruner: asyncio.Task[None] | None = None
        if configs is not None:
            configs.listeners.append(self._config_changed)

    @property
    def session(self) -> aiohttp.ClientSession:
        """The shared session, created on first use (inside the running event loop)."""
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                timeout=aiohttp.ClientTimeout(total=self.settings.http_timeout_seconds),
                headers={"User-Agent": f"integration-hub/{hub.__version__}"},
                trust_env=False,
            )
        return self._session

    async def start(self) -> None:
        """Open the session and start pruning the call log (the app does this on start)."""
        _ = self.session
        if self._pruner is None or self._pruner.done():
            self._pruner = asyncio.get_running_loop().create_task(
                self.calls.prune_forever(
                    self.settings.call_log_retention_days, PRUNE_INTERVAL_SECONDS
                )
            )

    async def close(self) -> None:
        """Stop pruning, write the queued call log rows, close the session. Idempotent."""
        pruner, self._pruner = self._pruner, None
        if pruner is not None:
            pruner.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await pruner
        await self.calls.close()
        session, self._session = self._session, None
        if session is not None and not session.closed:
            await session.close()

    def is_degraded(self, config_id: str | None) -> bool:
        """True while a config's calls keep failing: serve local data instead of calling."""
        return self.health.is_degraded(config_id)

    def forget(self, config_id: str) -> None:
        """Drop a config's cached tokens, rate windows and health (credentials changed)."""
        self.tokens.forget(config_id)
        self.limiter.forget(config_id)
        self.health.forget(config_id)

    async def health_report(self, window: timedelta = timedelta(hours=1)) -> CallHealth:
        """Every config with recent calls or tracked failures: degraded or not, and why."""
        entries: dict[str, ConfigHealthOut] = {}
        for h in self.health.all():
            entries[h.config_id] = ConfigHealthOut(
                config_id=h.config_id,
                provider=h.provider,
                degraded=h.degraded,
                consecutive_failures=h.consecutive_failures,
                degraded_since=h.degraded_since,
                last_error=h.last_error,
                last_failure_at=h.last_failure_at,
                last_success_at=h.last_success_at,
            )
        for stat in await self.calls.stats(utcnow() - window):
            entry = entries.get(stat.config_id)
            if entry is None:
                entry = entries[stat.config_id] = ConfigHealthOut(
                    config_id=stat.config_id,
                    provider=stat.provider,
                    degraded=False,
                    consecutive_failures=0,
                )
            entry.calls_last_hour += stat.calls
            entry.failed_last_hour += stat.failed
        ordered = sorted(entries.values(), key=lambda e: (not e.degraded, e.config_id))
        return CallHealth(degrade_after=self.health.degrade_after, configs=ordered)

    def observe(self, provider: str, outcome: str, seconds: float) -> None:
        self.metrics.outbound_requests.labels(provider=provider, outcome=outcome).inc()
        self.metrics.outbound_duration.labels(provider=provider).observe(seconds)

    async def _config_changed(self, record: Any, change: str) -> None:
        if change in ("deleted", "disabled"):
            self.forget(record.id)
