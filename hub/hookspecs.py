"""Every hook a plugin may implement. Documented one-to-one in docs/plugin_hooks.md.

Hooks that return things may return a value or a list; hooks named for run-time
events may be plain functions or coroutines. A hook that raises is isolated:
it is logged with the plugin's name and marks that plugin degraded.
"""

from pluggy import HookimplMarker, HookspecMarker

hookspec = HookspecMarker("integration_hub")
hookimpl = HookimplMarker("integration_hub")


@hookspec
def hub_providers():  # type: ignore[no-untyped-def]
    """Return the `hub.providers.Provider` descriptors (name, title, config kinds) served."""


@hookspec
def hub_routes(app, ctx):  # type: ignore[no-untyped-def]
    """Add HTTP routes to the aiohttp application `app`; `ctx` is the running `HubContext`."""


@hookspec
def hub_commands(cli):  # type: ignore[no-untyped-def]
    """Add click commands or groups to the `hub` command group `cli`."""


@hookspec
def hub_migrations():  # type: ignore[no-untyped-def]
    """Return the directory (or directories) holding this plugin's own alembic branch."""


@hookspec
def hub_startup(ctx):  # type: ignore[no-untyped-def]
    """Start long-lived work once the database is migrated; may be a coroutine."""


@hookspec
def hub_shutdown(ctx):  # type: ignore[no-untyped-def]
    """Stop what `hub_startup` started, before the database closes; may be a coroutine."""


@hookspec
def hub_config_changed(ctx, config, change):  # type: ignore[no-untyped-def]
    """React to a provider config being created, updated, enabled, disabled or deleted."""


@hookspec
def hub_health(ctx):  # type: ignore[no-untyped-def]
    """Return this plugin's health for `/readyz`: a `hub.plugins.Health` or a dict like it."""


@hookspec
def hub_subscribers(bus, ctx):  # type: ignore[no-untyped-def]
    """Subscribe event handlers with `bus.subscribe(pattern, handler, name=..., priority=...)`."""


@hookspec
def hub_sync_jobs():  # type: ignore[no-untyped-def]
    """Return the `hub.sync.SyncJob` descriptors (entity, priority, interval, run functions)."""
