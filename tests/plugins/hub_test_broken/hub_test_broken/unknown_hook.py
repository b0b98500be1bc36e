"""A plugin with one valid hook and one for a hook the hub does not have."""

from typing import Any

from hub import hookimpl


@hookimpl
def hub_health(ctx: Any) -> dict[str, str]:
    return {"status": "ok", "detail": "broken_unknown_hook must never be asked"}


@hookimpl
def hub_not_a_hook() -> None:
    raise AssertionError("a hook the hub does not define must never be called")
