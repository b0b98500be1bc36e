"""Errors that carry an HTTP status and a stable machine-readable code.

The web layer turns them into `{"code", "message", "details"?}` JSON and the CLI
into one line on stderr, so the same failure reads the same everywhere.
"""

from typing import Any


class HubError(Exception):
    status = 500
    code = "internal_error"

    def __init__(self, message: str, *, code: str | None = None, details: Any = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.details = details

    def to_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.details is not None:
            body["details"] = self.details
        return body


class BadRequest(HubError):
    status = 400
    code = "bad_request"


class Unauthorized(HubError):
    status = 401
    code = "unauthorized"


class Forbidden(HubError):
    status = 403
    code = "forbidden"


class NotFound(HubError):
    status = 404
    code = "not_found"


class Conflict(HubError):
    status = 409
    code = "conflict"


class PayloadTooLarge(HubError):
    status = 413
    code = "payload_too_large"


class ValidationFailed(HubError):
    status = 422
    code = "validation_failed"


class ConfigDisabled(Conflict):
    code = "config_disabled"


class SecretsUnreadable(HubError):
    status = 500
    code = "secrets_unreadable"


class SettingsError(HubError):
    """Process settings (environment, key files) are unusable."""

    code = "settings_error"


def validation_details(errors: list[dict[str, Any]], prefix: str = "") -> list[dict[str, Any]]:
    """Per-field errors from pydantic, without the submitted values (they may be secrets)."""
    out = []
    for err in errors:
        loc = ".".join(str(p) for p in err.get("loc", ()))
        if prefix:
            loc = f"{prefix}.{loc}" if loc else prefix
        message = str(err.get("msg", "invalid")).removeprefix("Value error, ")
        out.append({"field": loc, "message": message, "type": err.get("type")})
    return out
