"""A plugin with one valid hook and one whose arguments do not match the hook's spec."""

from typing import Any

from hub import hookimpl


@hookimpl
def hub_health(ctx: Any) -> dict[str, str]:
    return {"status": "ok", "detail": "broken_spec must never be asked"}


@hookimpl
def hub_routes(self_app_typo: Any) -> None:
    raise AssertionError("a hook with a mismatched signature must never be called")
