"""What the `hub tencent-meeting` command groups share: picking a config, times, output.

Every command that talks to Tencent picks its config the way the core commands
do: `--config-id ID`, or `--tenant` with `--config NAME` (default: the tenant's
config named `default`, else its only Tencent Meeting config). Calls go
through the typed API (`hub_tencent_meeting.client.TencentMeeting`).

Times are entered as UNIX seconds, an ISO date/time (without an offset it is
the local time of the machine running the command) or `now`, and shown as
local ISO times with their offset.
"""

import re
import sys
import time
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any, TypeVar

import click
from hub.cli.common import with_hub
from hub.context import HubContext
from hub.errors import ValidationFailed

from hub_tencent_meeting import PROVIDER
from hub_tencent_meeting.client import TencentMeeting, open_api

T = TypeVar("T")
F = TypeVar("F", bound=Callable[..., Any])

MS_THRESHOLD = 100_000_000_000
"""Numbers above this are milliseconds (Tencent mixes both): 1973 in ms, year 5138 in s."""
_DURATION = re.compile(r"^(?:(\d+)h)?\s*(?:(\d+)m(?:in)?)?$")


def config_options(fn: F) -> F:
    """`--tenant`, `--config` (name) and `--config-id`: which Tencent Meeting config to use."""
    fn = click.option("--config-id", help="Config id (instead of --tenant/--config).")(fn)
    fn = click.option(
        "--config", "config_name", help="Config name within the tenant (default: its default)."
    )(fn)
    return click.option("--tenant", help="Tenant slug or id.")(fn)  # type: ignore[return-value]


def operator_option(fn: F) -> F:
    return click.option(  # type: ignore[return-value]
        "--operator", help="Acting userid (default: the config's operator_id)."
    )(fn)


async def select_api(
    ctx: HubContext, tenant: str | None, config_name: str | None, config_id: str | None
) -> TencentMeeting:
    """The typed API of the chosen config; a disabled config is refused with a clear error."""
    record, _ = await ctx.configs.select(
        config_id, tenant=tenant, provider=PROVIDER, name=config_name
    )
    return await open_api(ctx, record.id)


def with_api(
    selection: tuple[str | None, str | None, str | None],
    body: Callable[[TencentMeeting], Awaitable[T]],
) -> T:
    """Open the hub, pick the config of `selection` (tenant, name, id), run `body` with its API."""
    tenant, _, config_id = selection
    if not config_id and not tenant:
        raise click.UsageError("give --tenant (optionally with --config NAME) or --config-id")

    async def run(ctx: HubContext) -> T:
        return await body(await select_api(ctx, *selection))

    return with_hub(run)


def parse_time(value: str, option: str) -> int:
    """UNIX seconds from `now`, UNIX seconds, or an ISO date/time (local time without offset)."""
    text = value.strip()
    if text.lower() == "now":
        return int(time.time())
    if text.isdigit():
        number = int(text)
        return number // 1000 if number > MS_THRESHOLD else number
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        raise click.BadParameter(
            f"expected UNIX seconds, an ISO date/time (2025-03-01T14:00 or with +08:00) or "
            f"'now'; got {value!r}",
            param_hint=option,
        ) from None
    if when.tzinfo is None:
        when = when.astimezone()  # the local time zone
    return int(when.timestamp())


def parse_duration(value: str) -> int:
    """Seconds from minutes (`90`) or hours and minutes (`1h`, `45m`, `1h30m`)."""
    text = value.strip().lower()
    if text.isdigit():
        minutes = int(text)
    else:
        match = _DURATION.match(text)
        if not text or match is None or not any(match.groups()):
            raise click.BadParameter(
                f"expected minutes (90) or 1h30m; got {value!r}", param_hint="--duration"
            )
        minutes = int(match.group(1) or 0) * 60 + int(match.group(2) or 0)
    if minutes <= 0:
        raise click.BadParameter("must be longer than zero", param_hint="--duration")
    return minutes * 60


def show_time(value: Any) -> str | None:
    """A Tencent time (seconds or milliseconds, number or numeric text) as local ISO time."""
    if value in (None, "", 0, "0"):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        return str(value)
    if number > MS_THRESHOLD:
        number //= 1000
    return datetime.fromtimestamp(number).astimezone().isoformat(sep=" ")


def show_size(value: Any) -> str | None:
    """Bytes as a short human figure (1.5 MiB)."""
    if value in (None, ""):
        return None
    size = float(value)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if size < 1024 or unit == "GiB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    raise AssertionError("unreachable")  # pragma: no cover


def window(
    since: str | None, until: str | None, *, default_days: int, max_days: int, what: str
) -> tuple[int, int]:
    """A [since, until] window in UNIX seconds; defaults to the last `default_days` days."""
    end = parse_time(until, "--until") if until else int(time.time())
    start = parse_time(since, "--since") if since else end - default_days * 86_400
    if end < start:
        raise ValidationFailed(f"{what}: --until is before --since")
    if end - start > max_days * 86_400:
        raise ValidationFailed(
            f"{what}: Tencent answers for at most {max_days} days at a time "
            f"(asked for {timedelta(seconds=end - start).days} days)"
        )
    return start, end


def confirm(question: str, yes: bool, action: str) -> None:
    """Ask before an action that cannot be undone; without a terminal, `--yes` is required."""
    if yes:
        return
    if not sys.stdin.isatty():
        raise ValidationFailed(f"refusing to {action} without confirmation; pass --yes")
    click.confirm(question, abort=True)


MASKED_FIELDS = ("password", "host_key", "live_password", "pmi_pwd", "admin_password")


def masked(data: Any) -> Any:
    """Tencent's answer with meeting passwords and host keys shown as `***` when set."""
    if isinstance(data, dict):
        return {
            k: ("***" if k in MASKED_FIELDS and v not in (None, "") else masked(v))
            for k, v in data.items()
        }
    if isinstance(data, list):
        return [masked(v) for v in data]
    return data
