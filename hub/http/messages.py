"""What passes between the outbound layer and a provider client: answers, requests, verdicts."""

import json as jsonlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from yarl import URL


@dataclass(frozen=True)
class ErrorCode:
    """A provider's error code (and message) found in a response body."""

    code: str | int
    message: str = ""


@dataclass(frozen=True)
class Response:
    """A complete answer: status, headers and the whole body, already read."""

    status: int
    headers: Mapping[str, str]
    body: bytes
    url: str  # masked: safe to show
    attempt: int
    charset: str | None = None

    def text(self) -> str:
        return self.body.decode(self.charset or "utf-8", "replace")

    @cached_property
    def _parsed(self) -> tuple[bool, Any]:
        try:
            return True, jsonlib.loads(self.body) if self.body.strip() else None
        except (ValueError, UnicodeDecodeError, RecursionError):
            return False, None

    def json(self) -> Any:
        """The body as JSON; ValueError if it is not JSON."""
        ok, value = self._parsed
        if not ok:
            raise ValueError("response body is not JSON")
        return value

    def json_or_none(self) -> Any:
        """The body as JSON, or None when it is empty or not JSON (for error-code extractors)."""
        return self._parsed[1]


@dataclass
class Outgoing:
    """One attempt's request, handed to `apply_token` and `prepare` to adjust before sending."""

    method: str
    url: URL
    headers: dict[str, str]
    body: Any
    attempt: int
    token: str | None = field(default=None, repr=False)


@dataclass(frozen=True)
class Verdict:
    outcome: str
    retry: bool = False
    floor: float | None = None
    code: str | None = None
    message: str | None = None
    provider_message: str | None = None
