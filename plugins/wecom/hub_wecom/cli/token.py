"""`hub wecom token show-state`: whether the running hub holds each app's access token.

Access tokens live in the memory of the hub process that fetched them, not
in the database, so this command asks the running hub (`GET
/api/wecom/status`, with the admin token this installation uses) rather than
looking itself. It shows whether a token is cached and how long it stays
valid; the token itself is never shown, not even to the administrator.
"""

from typing import Any

import aiohttp
import click
from hub.cli.common import emit_json, emit_table, state, with_hub
from hub.context import HubContext
from hub.errors import HubError

from hub_wecom.overview import StatusOverview

COLUMNS = ("id", "tenant", "name", "state", "token", "expires_in")


@click.group("token")
def token() -> None:
    """The access tokens of WeCom applications (their state only, never the token)."""


async def fetch_overview(ctx: HubContext, url: str) -> StatusOverview:
    headers = {"Authorization": f"Bearer {ctx.secrets.admin_token}"}
    try:
        async with ctx.http.session.get(url, headers=headers) as answer:
            status, text = answer.status, await answer.text()
    except (aiohttp.ClientError, TimeoutError) as exc:
        raise HubError(
            f"could not reach the hub at {url}: {type(exc).__name__} {exc}".strip(),
            code="hub_unreachable",
        ) from None
    if status != 200:
        raise HubError(f"the hub at {url} answered HTTP {status}: {text[:300]}",
                       code="hub_refused")  # fmt: skip
    return StatusOverview.model_validate_json(text)


@token.command("show-state")
@click.option("--config-id", help="Only this config.")
@click.option(
    "--url",
    help="Status URL of the running hub (default: http://127.0.0.1:<HUB_PORT>/api/wecom/status).",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def show_state(config_id: str | None, url: str | None, as_json: bool) -> None:
    """Show, per application, whether the running hub has a token and when it expires."""
    target = url or f"http://127.0.0.1:{state().settings.port}/api/wecom/status"
    overview = with_hub(lambda ctx: fetch_overview(ctx, target), migrate=False)
    rows: list[dict[str, Any]] = []
    for config in overview.configs:
        if config.token is None or (config_id and config.id != config_id):
            continue
        expires = config.token.expires_in
        rows.append(
            {
                "id": config.id,
                "tenant": config.tenant,
                "name": config.name,
                "state": config.state,
                "token": "cached" if config.token.cached else "none",
                "expires_in": None if expires is None else f"{expires:.0f} s",
                "expires_in_seconds": expires,
            }
        )
    if as_json:
        emit_json(rows)
    else:
        emit_table(rows, COLUMNS)
