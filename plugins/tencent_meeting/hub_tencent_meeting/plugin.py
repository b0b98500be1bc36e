"""The hooks Integration Hub calls; the entry point `tencent_meeting` names this module."""

from pathlib import Path

import click
from hub import hookimpl
from hub.bus import Bus
from hub.context import HubContext
from hub.providers import ConfigKind, Provider
from hub.tenants.records import ConfigRecord

from hub_tencent_meeting import PROVIDER
from hub_tencent_meeting.cli import group
from hub_tencent_meeting.client.base import check_connection
from hub_tencent_meeting.config import TencentMeetingConfig
from hub_tencent_meeting.events import register_types
from hub_tencent_meeting.webhooks import WEBHOOK_HANDLER

MIGRATIONS = Path(__file__).parent / "migrations"
CAPABILITIES = frozenset({"meetings", "users", "recordings", "rooms", "webhooks"})


@hookimpl
def hub_providers() -> Provider:
    kind = ConfigKind(
        TencentMeetingConfig,
        title="Tencent Meeting application",
        test=check_connection,
        webhook=WEBHOOK_HANDLER,
    )
    return Provider(PROVIDER, "Tencent Meeting", (kind,), capabilities=CAPABILITIES)


@hookimpl
def hub_migrations() -> Path:
    return MIGRATIONS


@hookimpl
def hub_subscribers(bus: Bus) -> None:
    """Payload models of the `tencent_meeting.*` event types, so every event is validated."""
    register_types(bus)


@hookimpl
def hub_commands(cli: click.Group) -> None:
    """`hub tencent-meeting ...`."""
    cli.add_command(group)


@hookimpl
def hub_config_changed(ctx: HubContext, config: ConfigRecord) -> None:
    """New credentials: drop the cached access token, rate windows and health of the old ones.

    OAuth tokens live in the plugin's own table, not in the config, so storing a
    refreshed token never announces a config change that would drop it again.
    """
    if config.provider == PROVIDER:
        ctx.http.forget(config.id)
