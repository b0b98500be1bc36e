"""`hub tencent-meeting config ...`: the core's config commands for Tencent Meeting, plus OAuth.

`create|list|show|update|delete|enable|disable|test` are the core's
`hub configs` commands preset to provider `tencent_meeting`
(`hub.cli.configs.config_group`). An oauth config needs a user's consent
before it can make calls; `authorize-url` prints the page to send the user to
and `authorize` stores the grant for the `auth_code` Tencent appends to the
redirect.
"""

import sys

import click
from hub.cli.common import emit_json, read_stdin_lines, with_hub
from hub.cli.configs import config_group
from hub.context import HubContext
from hub.errors import NotFound, ValidationFailed
from pydantic import BaseModel

from hub_tencent_meeting import PROVIDER
from hub_tencent_meeting import auth as tm_auth
from hub_tencent_meeting.client.base import authorize as exchange_code
from hub_tencent_meeting.config import TencentMeetingConfig

config = config_group("config", PROVIDER, "Tencent Meeting")


async def _oauth_config(ctx: HubContext, config_id: str) -> TencentMeetingConfig:
    record, values = await ctx.configs.load(config_id, require_enabled=False)
    if record.provider != PROVIDER or not isinstance(values, TencentMeetingConfig):
        raise NotFound(
            f"config {config_id!r} is a {record.provider} config, not {PROVIDER}",
            code="config_not_found",
        )
    if not values.oauth:
        raise ValidationFailed(
            f"config {config_id} uses auth_mode {values.auth_mode!r}; only oauth configs are "
            "authorized by a user",
            code="not_oauth_config",
        )
    return values


@config.command("authorize-url")
@click.argument("config_id")
@click.option("--redirect-uri", required=True, help="Where Tencent sends the user back.")
@click.option("--state", help="Value echoed back on the redirect (default: random).")
def authorize_url(config_id: str, redirect_uri: str, state: str | None) -> None:
    """Print the page a user opens to authorize an oauth config's app (and the state)."""
    chosen = state or tm_auth.new_state()

    async def run(ctx: HubContext) -> str:
        values = await _oauth_config(ctx, config_id)
        try:
            return tm_auth.authorize_url(values, redirect_uri, chosen)
        except ValueError as exc:
            raise ValidationFailed(str(exc)) from None

    click.echo(with_hub(run))
    click.echo(f"state: {chosen}", err=True)


class Authorized(BaseModel):
    config_id: str
    open_id: str
    expires_at: int
    scopes: list[str]


@config.command("authorize")
@click.argument("config_id")
@click.option("--code", help="The auth_code of the redirect (default: read from stdin).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def authorize(config_id: str, code: str | None, as_json: bool) -> None:
    """Exchange the auth_code of the redirect for tokens and store them (encrypted)."""
    if code is not None:
        auth_code = code.strip()
    elif sys.stdin.isatty():
        auth_code = click.prompt("auth_code", hide_input=True).strip()
    else:
        auth_code = read_stdin_lines(1)[0].strip()

    async def run(ctx: HubContext) -> Authorized:
        await _oauth_config(ctx, config_id)
        grant = await exchange_code(ctx, config_id, auth_code)
        return Authorized(
            config_id=config_id,
            open_id=grant.open_id,
            expires_at=int(grant.expires_at),
            scopes=list(grant.scopes),
        )

    result = with_hub(run)
    if as_json:
        emit_json(result)
    else:
        click.echo(f"config {config_id} authorized by open_id {result.open_id}")
