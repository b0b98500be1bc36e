"""`hub configs ...`: provider configs, secrets given by prompt, stdin or --secret."""

import json
import sys
import typing
from typing import Any

import click
from pydantic import BaseModel

from hub.cli.common import (
    build,
    collect,
    confirm_or_abort,
    emit_json,
    emit_record,
    emit_records,
    read_stdin_lines,
    split_assignments,
    with_hub,
)
from hub.context import HubContext
from hub.errors import NotFound, ValidationFailed
from hub.providers import ConfigKind
from hub.tenants.records import ConfigRecord
from hub.tenants.schemas import ConfigCreate, ConfigUpdate, TestOutcome

COLUMNS = ("id", "tenant", "provider", "kind", "name", "enabled", "state")


def _is_plain_str(annotation: Any) -> bool:
    if annotation is str:
        return True
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    return bool(args) and all(a is str for a in args)


def _setting_value(model: type[BaseModel], name: str, raw: str) -> Any:
    """Strings stay strings; other fields take JSON (numbers, booleans, lists)."""
    field = model.model_fields.get(name)
    if field is not None and _is_plain_str(field.annotation):
        return raw
    try:
        return json.loads(raw)
    except ValueError:
        return raw


def collect_values(
    kind: ConfigKind,
    settings: tuple[str, ...],
    secrets: tuple[str, ...],
    stdin_secrets: tuple[str, ...],
    *,
    prompt_missing: bool,
) -> dict[str, Any]:
    values: dict[str, Any] = {}
    secret_fields = set(kind.secret_fields)
    for name, raw in split_assignments(settings, "--set"):
        if name in secret_fields:
            raise ValidationFailed(f"{name} is a secret; give it with --secret or --secret-stdin")
        if raw is None:
            raise ValidationFailed(f"--set expects NAME=VALUE for {name}")
        values[name] = _setting_value(kind.model, name, raw)
    to_prompt = []
    for name, raw in split_assignments(secrets, "--secret"):
        if name not in secret_fields:
            raise ValidationFailed(f"{name} is not a secret field of this config")
        if raw is None:
            to_prompt.append(name)
        else:
            values[name] = raw
    for name in stdin_secrets:
        if name not in secret_fields:
            raise ValidationFailed(f"{name} is not a secret field of this config")
    values.update(zip(stdin_secrets, read_stdin_lines(len(stdin_secrets)), strict=True))
    if prompt_missing:
        for name, field in kind.model.model_fields.items():
            if name in secret_fields and field.is_required() and name not in values:
                to_prompt.append(name)
    for name in to_prompt:
        if not sys.stdin.isatty():
            raise ValidationFailed(
                f"secret {name} is needed; give it with --secret {name}=VALUE or "
                f"--secret-stdin {name}"
            )
        values[name] = click.prompt(f"{name}", hide_input=True)
    return values


def _values_options(fn: Any) -> Any:
    fn = click.option(
        "--secret-stdin",
        "stdin_secrets",
        multiple=True,
        metavar="NAME",
        help="Read this secret from standard input (one line per name, in order).",
    )(fn)
    fn = click.option(
        "--secret",
        "secrets",
        multiple=True,
        metavar="NAME[=VALUE]",
        help="A secret field; without =VALUE it is prompted for, hidden.",
    )(fn)
    return click.option(
        "--set", "settings", multiple=True, metavar="NAME=VALUE", help="A non-secret field."
    )(fn)


def config_group(
    name: str = "configs", provider: str | None = None, title: str | None = None
) -> click.Group:
    """The `configs` commands; with `provider`, a plugin's preset of them for its configs only.

    A plugin adds `config_group("config", "<provider>", "<Title>")` to its own
    command group: `--provider` is then implied, listings show only that
    provider's configs, and the other commands refuse another provider's config.
    """
    what = f"{title or provider} configs" if provider else "provider configs"
    group = click.Group(name, help=f"Create and manage {what} (secrets are write-only).")

    async def load(ctx: HubContext, config_id: str) -> ConfigRecord:
        record = await ctx.configs.get(config_id)
        if provider is not None and record.provider != provider:
            raise NotFound(
                f"config {config_id!r} is a {record.provider} config, not {provider}",
                code="config_not_found",
            )
        return record

    @group.command("create")
    @click.option("--tenant", required=True, help="Tenant slug or id.")
    @_provider_option(provider)
    @click.option("--kind", help="Config kind, when the provider has several.")
    @click.option("--name", default="default", show_default=True)
    @click.option("--disabled", is_flag=True, help="Create it disabled.")
    @_values_options
    @click.option("--json", "as_json", is_flag=True, help="Print JSON.")
    def create(
        tenant: str,
        kind: str | None,
        name: str,
        disabled: bool,
        settings: tuple[str, ...],
        secrets: tuple[str, ...],
        stdin_secrets: tuple[str, ...],
        as_json: bool,
        provider_name: str | None = provider,
    ) -> None:
        """Create a config; missing required secrets are prompted for on a terminal."""
        chosen = provider or provider_name
        assert chosen is not None

        async def run(ctx: HubContext) -> ConfigRecord:
            config_kind = ctx.providers.get(chosen).kind(kind)
            values = collect_values(
                config_kind, settings, secrets, stdin_secrets, prompt_missing=True
            )
            body = build(
                ConfigCreate,
                tenant=tenant,
                provider=chosen,
                kind=config_kind.name,
                name=name,
                enabled=not disabled,
                config=values,
            )
            return await ctx.configs.create(body)

        emit_record(with_hub(run), as_json)

    @group.command("list")
    @click.option("--tenant", help="Only this tenant (slug or id).")
    @_provider_option(provider, required=False, help="Only this provider.")
    @click.option("--limit", type=click.IntRange(1, 10_000), default=1000, show_default=True)
    @click.option("--json", "as_json", is_flag=True, help="Print JSON.")
    def list_(
        tenant: str | None, limit: int, as_json: bool, provider_name: str | None = provider
    ) -> None:
        """List configs."""
        chosen = provider or provider_name

        async def run(ctx: HubContext) -> list[ConfigRecord]:
            return await collect(
                lambda n, cursor: ctx.configs.list(
                    tenant=tenant, provider=chosen, limit=n, cursor=cursor
                ),
                limit,
            )

        emit_records(with_hub(run), COLUMNS, as_json)

    @group.command("show")
    @click.argument("config_id")
    @click.option("--json", "as_json", is_flag=True, help="Print JSON.")
    def show(config_id: str, as_json: bool) -> None:
        """Show a config; secrets read ***."""

        async def run(ctx: HubContext) -> ConfigRecord:
            return await load(ctx, config_id)

        emit_record(with_hub(run), as_json)

    @group.command("update")
    @click.argument("config_id")
    @click.option("--name", help="New name.")
    @_values_options
    @click.option("--json", "as_json", is_flag=True, help="Print JSON.")
    def update(
        config_id: str,
        name: str | None,
        settings: tuple[str, ...],
        secrets: tuple[str, ...],
        stdin_secrets: tuple[str, ...],
        as_json: bool,
    ) -> None:
        """Change fields of a config; fields not given are kept."""

        async def run(ctx: HubContext) -> ConfigRecord:
            record = await load(ctx, config_id)
            kind = ctx.providers.get(record.provider).kind(record.kind)
            values = collect_values(kind, settings, secrets, stdin_secrets, prompt_missing=False)
            if not values and name is None:
                raise ValidationFailed("nothing to change; give --name, --set or --secret")
            body = build(ConfigUpdate, name=name, config=values or None)
            return await ctx.configs.update(config_id, body)

        emit_record(with_hub(run), as_json)

    @group.command("delete")
    @click.argument("config_id")
    @click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
    def delete(config_id: str, yes: bool) -> None:
        """Delete a config and its secrets."""
        confirm_or_abort(f"Delete config {config_id}?", yes)

        async def run(ctx: HubContext) -> ConfigRecord:
            await load(ctx, config_id)
            return await ctx.configs.delete(config_id)

        record = with_hub(run)
        click.echo(f"deleted {record.provider} config {record.name} ({record.id})")

    def toggle(config_id: str, enabled: bool) -> None:
        async def run(ctx: HubContext) -> ConfigRecord:
            await load(ctx, config_id)
            return await ctx.configs.set_enabled(config_id, enabled)

        record = with_hub(run)
        click.echo(f"{record.provider} config {record.name} ({record.id}) is now {record.state}")

    @group.command("enable")
    @click.argument("config_id")
    def enable(config_id: str) -> None:
        """Enable a config."""
        toggle(config_id, True)

    @group.command("disable")
    @click.argument("config_id")
    def disable(config_id: str) -> None:
        """Disable a config; plugins stop using it."""
        toggle(config_id, False)

    @group.command("test")
    @click.argument("config_id")
    @click.option("--json", "as_json", is_flag=True, help="Print JSON.")
    def test(config_id: str, as_json: bool) -> None:
        """Test a config's connection with the provider."""

        async def run(ctx: HubContext) -> TestOutcome:
            await load(ctx, config_id)
            return await ctx.configs.test(config_id)

        outcome = with_hub(run)
        if as_json:
            emit_json(outcome)
        else:
            verdict = "ok" if outcome.ok else f"failed ({outcome.state})"
            click.echo(f"{verdict}: {outcome.message}" if outcome.message else verdict)
        if not outcome.ok:
            sys.exit(1)

    return group


def _provider_option(
    provider: str | None, *, required: bool = True, help: str | None = None
) -> Any:
    """`--provider` unless the group is a provider's preset (then it is implied)."""
    if provider is not None:
        return lambda fn: fn
    return click.option("--provider", "provider_name", required=required, help=help)


configs = config_group()
