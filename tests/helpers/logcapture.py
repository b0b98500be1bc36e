"""Capture the hub's log output (JSON lines) in memory for assertions."""

import io
import json
import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import structlog

from hub.logging import configure_logging


class CapturedLogs:
    def __init__(self, stream: io.StringIO) -> None:
        self.stream = stream

    @property
    def text(self) -> str:
        return self.stream.getvalue()

    def records(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.text.splitlines() if line.strip()]

    def events(self, event: str) -> list[dict[str, Any]]:
        return [r for r in self.records() if r.get("event") == event]


@contextmanager
def captured_logs(level: str = "debug", secrets: Iterable[str] = ()) -> Iterator[CapturedLogs]:
    """Configure hub logging (JSON) into a buffer; restore the previous set-up afterwards."""
    root = logging.getLogger()
    saved_handlers, saved_level = root.handlers[:], root.level
    quiet = [logging.getLogger(name) for name in ("aiohttp.access", "alembic")]
    saved_quiet = [logger.level for logger in quiet]
    saved_structlog = structlog.get_config()
    stream = io.StringIO()
    configure_logging("json", level, stream=stream, secrets=secrets)
    try:
        yield CapturedLogs(stream)
    finally:
        root.handlers = saved_handlers
        root.setLevel(saved_level)
        for logger, lvl in zip(quiet, saved_quiet, strict=True):
            logger.setLevel(lvl)
        structlog.configure(**saved_structlog)
