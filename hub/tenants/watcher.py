"""Tell plugins about config changes made in this process or any other.

Changes made through this process's stores are announced at once. Changes made
elsewhere (the `hub` CLI, another instance) are found by polling every config's
version and announced the same way, so a plugin reacts without a restart.
"""

import asyncio
from typing import Any

import structlog

from hub.errors import NotFound
from hub.tenants.config_store import Change
from hub.tenants.records import ConfigRecord

log = structlog.get_logger("hub.configs.watcher")


class ConfigWatcher:
    def __init__(self, ctx: Any) -> None:
        self.ctx = ctx
        self.known: dict[str, ConfigRecord] = {}
        self.gone: set[str] = set()

    async def prime(self) -> None:
        cursor = None
        while True:
            page = await self.ctx.configs.list(limit=500, cursor=cursor)
            self.known.update((r.id, r) for r in page.items)
            cursor = page.next_cursor
            if cursor is None:
                return

    async def announce(self, record: ConfigRecord, change: Change) -> bool:
        """Tell plugins about a change once; False if it was already announced.

        A poll can run after a change commits but before the store calls its
        listeners, so both paths may report the same change.
        """
        if record.id in self.gone:
            return False
        old = self.known.get(record.id)
        if change == "deleted":
            self.gone.add(record.id)
            self.known.pop(record.id, None)
        elif old is not None and old.version >= record.version:
            return False
        else:
            self.known[record.id] = record
        await self.ctx.plugins.acall(
            "hub_config_changed", ctx=self.ctx, config=record, change=change
        )
        return True

    async def poll_once(self) -> int:
        """Announce changes made outside this process; returns how many were found."""
        versions = await self.ctx.configs.versions()
        found = 0
        for config_id, version in versions.items():
            old = self.known.get(config_id)
            if old is not None and old.version == version:
                continue
            try:
                record = await self.ctx.configs.get(config_id)
            except NotFound:
                continue
            if old is None:
                change: Change = "created"
            elif old.enabled != record.enabled:
                change = "enabled" if record.enabled else "disabled"
            else:
                change = "updated"
            found += await self.announce(record, change)
        for config_id in set(self.known) - set(versions):
            if config_id in self.known:
                found += await self.announce(self.known[config_id], "deleted")
        return found

    async def run(self, interval: float) -> None:
        while True:
            await asyncio.sleep(interval)
            try:
                await self.poll_once()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("config poll failed", error=f"{type(exc).__name__}: {exc}")
