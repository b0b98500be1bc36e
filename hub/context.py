"""The running hub's services, built once per process by the app or the CLI.

Plugins receive this object in their hooks (`ctx`); it is also stored on the
aiohttp application under `CTX_KEY`.
"""

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import structlog
from aiohttp import web

from hub.bus import Bus
from hub.db import migrate
from hub.db.engine import Database
from hub.http.outbound import OutboundHTTP
from hub.keyfiles import ProcessSecrets, load_process_secrets
from hub.metrics import Metrics
from hub.plugins import Plugins, flatten
from hub.providers import ProviderRegistry
from hub.settings import Settings
from hub.sync.jobs import collect_jobs
from hub.sync.service import SyncService
from hub.tenants.config_store import ConfigStore
from hub.tenants.crypto import KeyRing
from hub.tenants.tenant_store import TenantStore

log = structlog.get_logger("hub.context")


@dataclass
class HubContext:
    settings: Settings
    secrets: ProcessSecrets
    db: Database
    keyring: KeyRing
    plugins: Plugins
    providers: ProviderRegistry
    tenants: TenantStore
    configs: ConfigStore
    metrics: Metrics
    http: OutboundHTTP
    bus: Bus
    migration_branches: list[migrate.Branch] = field(default_factory=list)
    extras: dict[str, Any] = field(default_factory=dict)
    sync: SyncService = field(init=False, repr=False)

    async def migrate(self) -> None:
        before = await migrate.current(self.db, self.migration_branches)
        await migrate.upgrade(self.db, self.migration_branches)
        after = await migrate.current(self.db, self.migration_branches)
        if after != before:
            log.info("database migrated", revisions=sorted(after))

    async def pending_migrations(self) -> set[str]:
        return await migrate.pending(self.db, self.migration_branches)

    async def close(self) -> None:
        await self.sync.close()
        await self.bus.stop()
        await self.http.close()
        await self.db.dispose()


CTX_KEY = web.AppKey("hub_ctx", HubContext)


def load_plugins(settings: Settings, metrics: Metrics | None = None) -> Plugins:
    plugins = Plugins(
        disabled=settings.disable_plugins,
        on_hook_error=metrics.hook_error if metrics else None,
    )
    plugins.load_entry_points()
    return plugins


def collect_providers(plugins: Plugins) -> ProviderRegistry:
    registry = ProviderRegistry()
    for plugin, provider in flatten(plugins.call("hub_providers")):
        try:
            registry.add(plugin, provider)
        except TypeError as exc:
            plugins.record_error(plugin, "hub_providers", exc)
    return registry


def collect_migrations(plugins: Plugins) -> list[migrate.Branch]:
    """One migration history per plugin that returns version directories."""
    locations: dict[str, list[str]] = {}
    for plugin, location in flatten(plugins.call("hub_migrations")):
        path = Path(str(location))
        if not path.is_dir():
            plugins.record_error(
                plugin, "hub_migrations", NotADirectoryError(f"{path} is not a directory")
            )
            continue
        locations.setdefault(plugin, []).append(str(path))
    return [migrate.Branch(name, tuple(paths)) for name, paths in locations.items()]


def open_context(settings: Settings, plugins: Plugins | None = None) -> HubContext:
    """Build the services; nothing is connected until first use."""
    metrics = Metrics()
    if plugins is None:
        plugins = load_plugins(settings, metrics)
    else:
        plugins.on_hook_error = metrics.hook_error
    secrets = load_process_secrets(settings)
    keyring = KeyRing(secrets.keys)
    db = Database(settings.effective_database_url)
    providers = collect_providers(plugins)
    configs = ConfigStore(db, keyring, providers)
    ctx = HubContext(
        settings=settings,
        secrets=secrets,
        db=db,
        keyring=keyring,
        plugins=plugins,
        providers=providers,
        tenants=TenantStore(db),
        configs=configs,
        metrics=metrics,
        http=OutboundHTTP(settings, db, metrics, configs),
        bus=Bus(db, settings, metrics),
        migration_branches=collect_migrations(plugins),
    )
    configs.context = ctx
    ctx.sync = SyncService(ctx, collect_jobs(plugins, providers))
    plugins.call("hub_subscribers", bus=ctx.bus, ctx=ctx)
    return ctx
