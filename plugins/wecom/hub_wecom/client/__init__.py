"""WeCom's HTTP APIs on the hub's outbound layer, and "test connection" for both config kinds.

- `AppClient`: the corporate API of one application (token, message send and
  recall, template card updates, media upload).
- `RobotClient`: a group robot's webhook (send, media upload).
"""

from typing import Any

from hub.http import AuthFailed, OutboundError
from hub.providers import ConnectionTestFailed

from hub_wecom.client.answers import MEDIA_VALID_FOR, UploadedMedia
from hub_wecom.client.app import AppClient, SendResult, TokenState, token_state
from hub_wecom.client.robot import RobotClient
from hub_wecom.config import AppConfig, RobotConfig

__all__ = [
    "MEDIA_VALID_FOR",
    "AppClient",
    "RobotClient",
    "SendResult",
    "TokenState",
    "UploadedMedia",
    "check_app",
    "check_robot",
    "token_state",
]


def _failed(exc: OutboundError) -> ConnectionTestFailed:
    reason = exc.provider_message or exc.message
    if exc.provider_code:
        reason = f"WeCom answered {exc.provider_code}: {reason}"
    state = "needs_reauth" if isinstance(exc, AuthFailed) else "error"
    return ConnectionTestFailed(reason, state=state)


async def check_app(config: AppConfig, ctx: Any, config_id: str | None = None) -> str:
    """Fetch an access token now: proves the corp id, the secret and the caller's IP."""
    client = AppClient(ctx.http, config_id, config)
    try:
        issued = await client.fetch_token()
    except OutboundError as exc:
        raise _failed(exc) from None
    lifetime = f"; valid for {issued.expires_in:g} s" if issued.expires_in else ""
    return f"access token issued for corp {config.corp_id}, agent {config.agent_id}{lifetime}"


async def check_robot(config: RobotConfig, ctx: Any, config_id: str | None = None) -> str:
    """Ask WeCom whether it knows the webhook key; nothing is posted to the group."""
    client = RobotClient(ctx.http, config_id, config)
    try:
        await client.probe()
    except OutboundError as exc:
        raise _failed(exc) from None
    label = f" ({config.name})" if config.name else ""
    return f"webhook key accepted{label}"
