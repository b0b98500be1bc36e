"""The `hub` command line. Plugins add their own groups through `hub_commands`."""

import socket
from pathlib import Path
from typing import Any

import click
import structlog
from aiohttp import web
from pydantic import ValidationError
from sqlalchemy.engine.url import make_url
from sqlalchemy.exc import SQLAlchemyError

import hub
from hub.cli.calls import calls
from hub.cli.common import CliState, emit_json, emit_table, state, with_hub
from hub.cli.configs import configs
from hub.cli.events import events
from hub.cli.secrets import secrets
from hub.cli.sync import sync
from hub.cli.tenants import tenants
from hub.cli.webhooks import webhooks
from hub.context import HubContext, load_plugins, open_context
from hub.db import migrate
from hub.errors import HubError
from hub.logging import configure_logging
from hub.settings import Settings

log = structlog.get_logger("hub.cli")


def _fail(message: str) -> None:
    click.echo(f"error: {message}", err=True)
    raise SystemExit(1)


class HubGroup(click.Group):
    """Turns every failure into one line on stderr and a non-zero exit."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except HubError as exc:
            message = exc.message
            if isinstance(exc.details, list):
                fields = [f"{d.get('field')}: {d.get('message')}" for d in exc.details]
                message += " (" + "; ".join(fields) + ")"
            _fail(message)
        except SQLAlchemyError as exc:
            _fail(f"database error: {type(exc).__name__}: {str(exc).splitlines()[0]}")
        except OSError as exc:
            _fail(f"{type(exc).__name__}: {exc}")
        except (click.exceptions.ClickException, click.exceptions.Exit, click.Abort, SystemExit):
            raise
        except Exception as exc:
            log.debug("command failed", exc_info=True)
            _fail(
                f"unexpected {type(exc).__name__}: {exc} "
                "(HUB_LOG_LEVEL=debug shows the details)"
            )


@click.command()
@click.option("--host", help="Listen address (default HUB_HOST or 127.0.0.1).")
@click.option("--port", type=click.IntRange(1, 65535), help="Port (default HUB_PORT or 8080).")
@click.option("--no-migrate", is_flag=True, help="Do not upgrade the database on start.")
def run(host: str | None, port: int | None, no_migrate: bool) -> None:
    """Run the hub's HTTP server until SIGTERM/SIGINT."""
    current = state()
    updates: dict[str, Any] = {}
    if host is not None:
        updates["host"] = host
    if port is not None:
        updates["port"] = port
    if no_migrate:
        updates["auto_migrate"] = False
    settings = current.settings.model_copy(update=updates)
    redactor = configure_logging(settings.log_format, settings.log_level)
    # Listen before anything starts: a busy port then fails at once, not after the
    # database, the plugins and the background loops have started and must be torn down.
    sock = listening_socket(settings.host, settings.port)
    ctx = open_context(settings, current.plugins)
    for value in [*ctx.secrets.keys, ctx.secrets.admin_token]:
        redactor.add(value)
    from hub.app import create_app

    app = create_app(settings, ctx=ctx)
    url = make_url(settings.effective_database_url).render_as_string(hide_password=True)
    log.info(
        "starting",
        version=hub.__version__,
        listen=f"http://{settings.host}:{settings.port}",
        database=url,
        plugins={r.name: r.status for r in ctx.plugins.all()},
    )
    source = ctx.secrets.token_source
    if source != "HUB_ADMIN_TOKEN":
        source = str(Path(source).resolve())
    log.info("admin API bearer location", path=source)
    web.run_app(app, sock=sock, access_log=None, print=None, shutdown_timeout=10)
    log.info("stopped")


def listening_socket(host: str, port: int) -> socket.socket:
    """A TCP socket listening on host:port (IPv4 or IPv6, as the host resolves)."""
    try:
        family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
        return socket.create_server((host, port), family=family, backlog=1024)
    except OSError as exc:
        raise OSError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None


@click.command("plugins")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def plugins_(as_json: bool) -> None:
    """List installed plugins, what they implement and why any failed."""
    records = [r.to_dict() for r in state().plugins.all()]
    if as_json:
        emit_json(records)
        return
    for row in records:
        row["hooks"] = ", ".join(row["hooks"])
        if row["degraded"]:
            row["status"] = "degraded"
    emit_table(records, ("name", "version", "status", "hooks", "error"))


@click.group()
def db() -> None:
    """Database schema migrations."""


@db.command("upgrade")
def db_upgrade() -> None:
    """Upgrade the core's and every loaded plugin's tables to their latest revision."""

    async def run_(ctx: HubContext) -> dict[str, set[str]]:
        await ctx.migrate()
        return await migrate.current_by_branch(ctx.db, ctx.migration_branches)

    for branch, revisions in with_hub(run_, migrate=False).items():
        click.echo(f"{branch}: {', '.join(sorted(revisions))}")


@db.command("current")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def db_current(as_json: bool) -> None:
    """Show the applied revision of each migration history and anything pending."""

    async def run_(ctx: HubContext) -> tuple[dict[str, set[str]], set[str]]:
        applied = await migrate.current_by_branch(ctx.db, ctx.migration_branches)
        return applied, await ctx.pending_migrations()

    applied, pending = with_hub(run_, migrate=False)
    if as_json:
        emit_json(
            {
                "current": {name: sorted(revs) for name, revs in applied.items()},
                "pending": sorted(pending),
            }
        )
        return
    for name, revisions in applied.items():
        click.echo(f"{name}: {', '.join(sorted(revisions)) or '(not created)'}")
    click.echo("pending: " + (", ".join(sorted(pending)) or "none, at head"))


def make_cli() -> click.Group:
    """A fresh `hub` group with the core commands (plugins add theirs to it)."""

    @click.group(cls=HubGroup)
    @click.version_option(hub.__version__, prog_name="hub")
    def cli() -> None:
        """Integration Hub: connect your systems to collaboration platforms."""

    for command in (run, plugins_, db, tenants, configs, secrets, events, calls, sync, webhooks):
        cli.add_command(command)
    return cli


def build_cli(settings: Settings) -> tuple[click.Group, CliState]:
    plugins = load_plugins(settings)
    cli = make_cli()
    plugins.call("hub_commands", cli=cli)
    return cli, CliState(settings, plugins)


def main(argv: list[str] | None = None) -> None:
    try:
        settings = Settings()
    except ValidationError as exc:
        problems = "; ".join(
            f"HUB_{'_'.join(str(p) for p in e['loc']).upper()}: {e['msg']}" for e in exc.errors()
        )
        click.echo(f"error: invalid setting: {problems}", err=True)
        raise SystemExit(2) from None
    configure_logging(settings.log_format, "warning" if settings.log_level == "info" else
                      settings.log_level)
    group, cli_state = build_cli(settings)
    try:
        group.main(args=argv, prog_name="hub", obj=cli_state, standalone_mode=True)
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        raise SystemExit(130) from None


