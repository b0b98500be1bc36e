"""`hub secrets ...`: key rotation for config secrets."""

import click

from hub.cli.common import emit_json, state, with_hub
from hub.context import HubContext
from hub.errors import HubError
from hub.keyfiles import KEYS_FILE, add_key_to_file
from hub.tenants.rotate import RotationReport, key_usage, rotate_secrets


@click.group("secrets")
def secrets() -> None:
    """Encryption keys of config secrets."""


@secrets.command("rotate")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def rotate(as_json: bool) -> None:
    """Re-encrypt every config's secrets with the primary (first) key.

    Safe to interrupt and run again; rows already under the primary key are skipped.
    """

    async def run(ctx: HubContext) -> tuple[RotationReport, str]:
        return await rotate_secrets(ctx.db, ctx.keyring), ctx.keyring.primary_id

    report, primary = with_hub(run)
    if as_json:
        emit_json(
            {
                "primary_key_id": primary,
                "rotated": report.rotated,
                "already_current": report.already_current,
                "failed": [{"config_id": i, "error": e} for i, e in report.failed],
            }
        )
    else:
        click.echo(
            f"rotated {report.rotated} config(s) to key {primary}; "
            f"{report.already_current} already used it"
        )
        for config_id, error in report.failed:
            click.echo(f"failed {config_id}: {error}", err=True)
    if report.failed:
        raise SystemExit(1)


@secrets.command("status")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def status(as_json: bool) -> None:
    """Show the configured key ids and how many configs each one encrypts."""

    async def run(ctx: HubContext) -> tuple[list[str], dict[str, int]]:
        return ctx.keyring.key_ids, await key_usage(ctx.db)

    key_ids, usage = with_hub(run)
    rows = [
        {"key_id": k, "primary": i == 0, "configs": usage.get(k, 0)}
        for i, k in enumerate(key_ids)
    ]
    unknown = sorted(set(usage) - set(key_ids))
    rows += [{"key_id": k, "primary": False, "configs": usage[k], "missing": True} for k in unknown]
    if as_json:
        emit_json(rows)
        return
    for row in rows:
        flag = " (primary)" if row["primary"] else (" (NOT CONFIGURED)" if "missing" in row else "")
        click.echo(f"{row['key_id']}{flag}: {row['configs']} config(s)")


@secrets.command("add-key")
def add_key() -> None:
    """Generate a new primary key in the data directory's key file.

    Only for keys kept in the data directory; with HUB_SECRET_KEYS set, put the
    new key first in that variable instead. Run `hub secrets rotate` afterwards.
    """
    settings = state().settings
    if settings.secret_keys:
        raise HubError(
            "keys come from HUB_SECRET_KEYS; put a new key first there, then run "
            "`hub secrets rotate`",
            code="keys_from_environment",
        )
    path = add_key_to_file(settings)
    click.echo(f"new primary key written to {path} ({KEYS_FILE}); now run `hub secrets rotate`")
