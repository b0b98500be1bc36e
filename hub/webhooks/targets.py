"""Which config a webhook URL points at, cached so the ack path does not touch the database.

Loading a config decrypts its secrets and validates its model; doing that per
request would cost more than storing the webhook. Entries live for
`HUB_CONFIG_POLL_SECONDS` (the delay the rest of the hub accepts for changes
made by another process) and are dropped at once when this process changes the
config. Unknown ids are cached too, in a bounded map, so a flood of made-up URLs
cannot reach the database either.
"""

import asyncio
import ipaddress
import time
from collections import OrderedDict
from dataclasses import dataclass

import structlog
from pydantic import BaseModel

from hub.errors import Forbidden, HubError, NotFound
from hub.tenants.config_store import Change, ConfigStore
from hub.tenants.records import ConfigRecord
from hub.webhooks.allowlist import Network, parse_networks
from hub.webhooks.handler import WebhookHandler, max_body_bytes

log = structlog.get_logger("hub.webhooks")

MAX_ENTRIES = 10_000


@dataclass(frozen=True)
class Target:
    """A config that can receive webhooks, with what the intake needs from it."""

    record: ConfigRecord
    values: BaseModel
    handler: WebhookHandler
    networks: tuple[Network, ...] | None
    """None: every address may call; otherwise only these."""
    max_body_bytes: int

    def allows(self, address: str) -> bool:
        if self.networks is None:
            return True
        try:
            ip = ipaddress.ip_address(address.split("%", 1)[0])
        except ValueError:
            return False
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped
        return any(ip in net for net in self.networks)


def _fresh(error: HubError) -> HubError:
    """A new exception per request: a cached instance raised again would collect tracebacks."""
    copy = type(error)(error.message, code=error.code, details=error.details)
    copy.status = error.status
    return copy


@dataclass(frozen=True)
class _Entry:
    record: ConfigRecord | None
    target: Target | None
    error: HubError | None
    expires: float


class Targets:
    def __init__(self, configs: ConfigStore, ttl: float, default_limit: int) -> None:
        self.configs = configs
        self.ttl = ttl
        self.default_limit = default_limit
        self._entries: OrderedDict[str, _Entry] = OrderedDict()
        self._loading: dict[str, asyncio.Future[_Entry]] = {}

    async def get(self, provider: str, config_id: str) -> Target:
        """The target for `/webhooks/{provider}/{config_id}`, or the HubError to answer."""
        entry = self._entries.get(config_id)
        if entry is None or entry.expires < time.monotonic():
            entry = await self._load_once(config_id)
        record = entry.record
        if record is not None and record.provider != provider:
            raise NotFound(f"no {provider} config {config_id!r}", code="config_not_found")
        if entry.error is not None:
            raise _fresh(entry.error)
        if record is None or not record.enabled:
            name = record.name if record else config_id
            raise Forbidden(f"{provider} config {name!r} is disabled", code="config_disabled")
        assert entry.target is not None
        return entry.target

    async def load(self, config_id: str) -> Target:
        """The config's target whatever its state: accepted webhooks are processed even
        after their config was disabled."""
        entry = self._entries.get(config_id)
        if entry is None or entry.expires < time.monotonic():
            entry = await self._load_once(config_id)
        if entry.error is not None:
            raise _fresh(entry.error)
        assert entry.target is not None
        return entry.target

    async def _load_once(self, config_id: str) -> _Entry:
        """Single flight: concurrent requests for one config share one load."""
        running = self._loading.get(config_id)
        if running is not None:
            return await asyncio.shield(running)
        future: asyncio.Future[_Entry] = asyncio.get_running_loop().create_future()
        self._loading[config_id] = future
        try:
            entry = await self._load(config_id)
            future.set_result(entry)
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()  # retrieved here, so an unawaited failure is not reported
            raise
        finally:
            del self._loading[config_id]
        self._entries[config_id] = entry
        self._entries.move_to_end(config_id)
        while len(self._entries) > MAX_ENTRIES:
            self._entries.popitem(last=False)
        return entry

    async def _load(self, config_id: str) -> _Entry:
        expires = time.monotonic() + self.ttl
        try:
            record, values = await self.configs.load(config_id, require_enabled=False)
        except NotFound:
            error = NotFound(f"no config {config_id!r}", code="config_not_found")
            return _Entry(None, None, error, expires)
        except HubError as exc:
            return _Entry(None, None, exc, expires)
        kind = self.configs.providers.get(record.provider).kind(record.kind)
        handler = getattr(kind, "webhook", None)
        if handler is None:
            error = NotFound(
                f"{record.provider} configs of kind {record.kind!r} do not receive webhooks",
                code="webhooks_not_supported",
            )
            return _Entry(record, None, error, expires)
        limit = max_body_bytes(handler, self.default_limit)
        target = Target(record, values, handler, parse_networks(values, record.id), limit)
        return _Entry(record, target, None, expires)

    async def forget(self, record: ConfigRecord, change: Change) -> None:
        """ConfigStore listener: a change made in this process applies to the next request."""
        self._entries.pop(record.id, None)

    def clear(self) -> None:
        self._entries.clear()
