"""structlog set-up: JSON lines (console on a TTY), request ids, secret redaction.

Standard-library loggers (aiohttp, alembic) go through the same processors, so
every line has one format and passes the same redaction.
"""

import logging
import re
import sys
from collections.abc import Iterable
from typing import Any, TextIO

import structlog

SENSITIVE_KEY = re.compile(
    r"secret|token|passw|key|signature|authorization|credential|cookie", re.IGNORECASE
)
MASK = "***"
_NEVER_REDACTED = frozenset({"event", "level", "timestamp", "logger"})


class Redactor:
    """Drops values of secret-looking keys and scrubs known secret values from text."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self.values: set[str] = set()
        for value in secrets:
            self.add(value)

    def add(self, value: str | None) -> None:
        if value and len(value) >= 6:
            self.values.add(value)

    def _text(self, text: str) -> str:
        for value in self.values:
            if value in text:
                text = text.replace(value, MASK)
        return text

    def _clean(self, key: str | None, value: Any) -> Any:
        if key is not None and key not in _NEVER_REDACTED and SENSITIVE_KEY.search(key):
            return MASK if value not in (None, "", [], {}) else value
        if isinstance(value, str):
            return self._text(value)
        if isinstance(value, dict):
            return {k: self._clean(str(k), v) for k, v in value.items()}
        if isinstance(value, list | tuple | set):
            return [self._clean(None, v) for v in value]
        return value

    def __call__(self, _logger: Any, _method: str, event_dict: dict[str, Any]) -> dict[str, Any]:
        return {k: self._clean(k, v) for k, v in event_dict.items()}


def configure_logging(
    fmt: str = "auto",
    level: str = "info",
    stream: TextIO | None = None,
    secrets: Iterable[str] = (),
) -> Redactor:
    stream = stream or sys.stderr
    if fmt == "auto":
        fmt = "console" if stream.isatty() else "json"
    redactor = Redactor(secrets)
    shared: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.processors.format_exc_info,
        redactor,
    ]
    renderer: Any = (
        structlog.processors.JSONRenderer(ensure_ascii=False)
        if fmt == "json"
        else structlog.dev.ConsoleRenderer(colors=stream.isatty())
    )
    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=False,
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=shared,
        processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, renderer],
    )
    handler = logging.StreamHandler(stream)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(level.upper())
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    return redactor
