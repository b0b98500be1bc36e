"""The hooks Integration Hub calls; the entry point `wecom` names this module."""

from pathlib import Path

import click
from aiohttp import web
from hub import hookimpl
from hub.bus import Bus
from hub.context import HubContext
from hub.providers import ConfigKind, Provider
from hub.tenants.records import ConfigRecord

from hub_wecom import PROVIDER, api, handlers
from hub_wecom.cli import group
from hub_wecom.client import check_app, check_robot
from hub_wecom.config import AppConfig, RobotConfig
from hub_wecom.events import register_types
from hub_wecom.messages import subscriber
from hub_wecom.webhooks import WEBHOOK_HANDLER

MIGRATIONS = Path(__file__).parent / "migrations"
CAPABILITIES = frozenset({"messages", "robots", "webhooks"})


@hookimpl
def hub_providers() -> Provider:
    """Kind `app` receives the callbacks; a group robot is push-only, so it has no handler."""
    app = ConfigKind(AppConfig, "app", "WeCom application", test=check_app, webhook=WEBHOOK_HANDLER)
    robot = ConfigKind(RobotConfig, "robot", "WeCom group robot", test=check_robot)
    return Provider(PROVIDER, "WeCom (企业微信)", (app, robot), capabilities=CAPABILITIES)


@hookimpl
def hub_migrations() -> Path:
    return MIGRATIONS


@hookimpl
def hub_subscribers(bus: Bus, ctx: HubContext) -> None:
    """Payload models of every `wecom.*` type; template card clicks move messages to interacted."""
    register_types(bus)
    subscriber.subscribe(bus, ctx)


@hookimpl
def hub_routes(app: web.Application) -> None:
    handlers.add_routes(app)
    api.add_routes(app)


@hookimpl
def hub_commands(cli: click.Group) -> None:
    """`hub wecom ...`."""
    cli.add_command(group)


@hookimpl
def hub_config_changed(ctx: HubContext, config: ConfigRecord) -> None:
    """New credentials: drop the cached access token, rate windows and health of the old ones."""
    if config.provider == PROVIDER:
        ctx.http.forget(config.id)
