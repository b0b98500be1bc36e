"""Streaming a provider's file to disk: resumable, retried, logged, with progress.

Recordings, exports and attachments are too big to hold in memory and too
costly to fetch again from the start after a broken connection. `download`
streams the body into `<dest>.part` and

- continues a `.part` left by an earlier attempt or run with an HTTP Range
  request: a 206 answer is appended, a 200 (the server ignores ranges, or the
  file changed: `If-Range` carries the validator the first answer gave) starts
  the file over;
- checks the size against Content-Range / Content-Length and renames the file
  to `dest` only once it is complete, so a file at `dest` is always whole;
- retries network errors, timeouts, 5xx and 429 with the core `Backoff`
  (`Retry-After` honoured), each time from the bytes already written; an
  attempt that made progress does not use up the attempt budget;
- writes one call-log row per attempt, with every query value of the URL
  masked (a download link's query string is usually its signature);
- reports progress through a callback, `progress(done, total)`.

Downloads go through the process's one session (`ctx.http.session`) but not
through a provider's rate limits or token: download links are pre-signed URLs
on a storage host, not API calls. Failures do not count against the config's
outbound health for the same reason.
"""

import asyncio
import contextlib
import json
import os
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

import aiohttp
import structlog
from yarl import URL

from hub.db.base import utcnow
from hub.errors import Conflict
from hub.http.errors import (
    InvalidResponse,
    OutboundError,
    OutboundTimeout,
    ProviderError,
    RateLimited,
    ServerError,
    TransportError,
)
from hub.http.outbound import OutboundHTTP
from hub.http.redact import mask_url, scrub
from hub.http.retry import Backoff, parse_retry_after
from hub.ids import new_id

try:  # advisory lock against two downloads writing one `.part` (POSIX)
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

log = structlog.get_logger("hub.http.download")

PART_SUFFIX = ".part"
META_SUFFIX = ".part.json"
CHUNK_SIZE = 256 * 1024
MAX_ROUNDS = 200
"""Hard bound on attempts of one download, progress or not."""
MESSAGE_LIMIT = 300

Progress = Callable[[int, int | None], None]
_CONTENT_RANGE = re.compile(r"^bytes\s+(\d+)-(\d+)/(\d+|\*)$", re.IGNORECASE)
_UNSATISFIED_RANGE = re.compile(r"^bytes\s+\*/(\d+)$", re.IGNORECASE)


@dataclass(frozen=True)
class Downloaded:
    """What `download` did: the file, its size, and how it got there."""

    path: Path
    size: int
    resumed_from: int
    """Bytes of an earlier run's `.part` that were kept (0: fetched from the start)."""
    attempts: int
    restarts: int
    """How often a partial file was discarded (no range support, or the file changed)."""


@dataclass
class _Validator:
    """What identifies the remote file, kept next to the `.part` between runs."""

    etag: str | None = None
    last_modified: str | None = None
    total: int | None = None

    def if_range(self) -> str | None:
        """A strong ETag, else Last-Modified (weak ETags are not allowed in If-Range)."""
        if self.etag and not self.etag.startswith("W/"):
            return self.etag
        return self.last_modified

    @classmethod
    def read(cls, path: Path) -> "_Validator":
        try:
            data = json.loads(path.read_text("utf-8"))
        except (OSError, ValueError):
            return cls()
        if not isinstance(data, dict):
            return cls()
        total = data.get("total")
        return cls(
            etag=data.get("etag") if isinstance(data.get("etag"), str) else None,
            last_modified=(
                data.get("last_modified") if isinstance(data.get("last_modified"), str) else None
            ),
            total=total if isinstance(total, int) else None,
        )

    def write(self, path: Path) -> None:
        path.write_text(json.dumps(self.__dict__), "utf-8")


@dataclass
class _PartFile:
    """The `.part` file, opened for appending and locked for the whole download."""

    path: Path
    handle: BinaryIO = field(init=False)

    def __post_init__(self) -> None:
        # Unbuffered: the file's size on disk is always what was written (the resume offset).
        self.handle = open(self.path, "a+b", buffering=0)  # noqa: SIM115 - closed by close()
        if fcntl is not None:
            try:
                fcntl.flock(self.handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                self.handle.close()
                raise Conflict(
                    f"another download is writing {self.path}", code="download_in_progress"
                ) from None

    @property
    def size(self) -> int:
        return os.fstat(self.handle.fileno()).st_size

    def truncate(self) -> None:
        self.handle.truncate(0)

    def write(self, chunk: bytes) -> None:
        view = memoryview(chunk)
        while view:
            written = self.handle.write(view)
            view = view[written or 0 :]

    def finish(self) -> None:
        os.fsync(self.handle.fileno())

    def close(self) -> None:
        self.handle.close()


@dataclass
class _Attempt:
    """The outcome of one attempt, for the call log and the retry decision."""

    outcome: str = "ok"
    status: int | None = None
    message: str | None = None
    retry: bool = False
    floor: float | None = None
    progressed: bool = False
    done: bool = False


class _WriteFailed(Exception):
    """Writing to the local disk failed: not the provider's fault, never retried."""

    def __init__(self, error: OSError) -> None:
        super().__init__(str(error))
        self.error = error


def _describe(exc: BaseException) -> str:
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def shown_url(url: str | URL, secrets: Iterable[str] = ()) -> str:
    """The URL as logs may show it: every query value masked, known secrets scrubbed."""
    parsed = url if isinstance(url, URL) else URL(str(url))
    return mask_url(parsed, secrets, sensitive_params=tuple(parsed.query.keys()))


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


class _Download:
    def __init__(
        self,
        http: OutboundHTTP,
        url: URL,
        dest: Path,
        *,
        provider: str,
        config_id: str | None,
        headers: Mapping[str, str],
        secrets: list[str],
        progress: Progress | None,
        max_attempts: int,
        backoff: Backoff,
        read_timeout: float,
        chunk_size: int,
    ) -> None:
        self.http = http
        self.url = url
        self.dest = dest
        self.provider = provider
        self.config_id = config_id
        self.headers = dict(headers)
        self.secrets = secrets
        self.progress = progress
        self.max_attempts = max_attempts
        self.backoff = backoff
        self.read_timeout = read_timeout
        self.chunk_size = chunk_size
        self.shown = shown_url(url, secrets)
        self.meta_path = dest.with_name(dest.name + META_SUFFIX)
        self.validator = _Validator()
        self.restarts = 0
        self.total: int | None = None

    async def run(self) -> Downloaded:
        part = _PartFile(self.dest.with_name(self.dest.name + PART_SUFFIX))
        try:
            kept = part.size
            self.validator = _Validator.read(self.meta_path) if kept else _Validator()
            attempts = await self._attempts(part)
            await asyncio.to_thread(part.finish)
            size = part.size
        finally:
            part.close()
        os.replace(part.path, self.dest)
        with contextlib.suppress(FileNotFoundError):
            self.meta_path.unlink()
        log.info(
            "download complete", provider=self.provider, config_id=self.config_id,
            url=self.shown, size=size, attempts=attempts, resumed_from=kept,
            restarts=self.restarts,
        )  # fmt: skip
        return Downloaded(
            self.dest, size, kept if not self.restarts else 0, attempts, self.restarts
        )

    async def _attempts(self, part: _PartFile) -> int:
        call_id = new_id()
        failures = 0
        for attempt in range(1, MAX_ROUNDS + 1):
            result = await self._attempt(part, call_id, attempt)
            if result.done:
                return attempt
            if result.outcome == "restart":
                continue
            if result.progressed:
                failures = 0
            failures += 1
            if not result.retry or failures >= self.max_attempts:
                raise self._error(result, attempt)
            delay = self.backoff.delay(failures, result.floor)
            log.warning(
                "download attempt failed; resuming", provider=self.provider,
                config_id=self.config_id, url=self.shown, status=result.status,
                outcome=result.outcome, written=part.size, retry_in=round(delay, 3),
            )  # fmt: skip
            await asyncio.sleep(delay)
        raise self._error(_Attempt("transport_error", message="too many attempts"), MAX_ROUNDS)

    async def _attempt(self, part: _PartFile, call_id: str, attempt: int) -> _Attempt:
        offset = part.size
        headers = {**self.headers, "Accept-Encoding": "identity"}
        if offset:
            headers["Range"] = f"bytes={offset}-"
            validator = self.validator.if_range()
            if validator:
                headers["If-Range"] = validator
        loop = asyncio.get_running_loop()
        started, at = loop.time(), utcnow()
        result = _Attempt()
        try:
            async with self.http.session.get(
                self.url,
                headers=headers,
                timeout=aiohttp.ClientTimeout(
                    total=None, sock_connect=self.read_timeout, sock_read=self.read_timeout
                ),
                auto_decompress=False,
            ) as response:
                result.status = response.status
                await self._receive(response, part, offset, result)
        except _WriteFailed as exc:
            result.outcome, result.message = "local_error", _describe(exc.error)
            self._record(call_id, attempt, result, loop.time() - started, at)
            raise exc.error from None
        except TimeoutError:
            result.outcome, result.retry = "timeout", True
            result.message = f"no data within {self.read_timeout:g} s"
        except (aiohttp.ClientSSLError, aiohttp.ClientConnectorCertificateError) as exc:
            result.outcome, result.message = "transport_error", _describe(exc)
        except (aiohttp.ClientError, OSError) as exc:
            result.outcome, result.retry = "transport_error", True
            result.message = _describe(exc)
        result.progressed = result.progressed or part.size > offset
        self._record(call_id, attempt, result, loop.time() - started, at)
        return result

    async def _receive(
        self, response: aiohttp.ClientResponse, part: _PartFile, offset: int, result: _Attempt
    ) -> None:
        status = response.status
        if status == 416 and offset:
            self._unsatisfiable(response, part, offset, result)
            return
        if status == 429 or status >= 500:
            result.outcome = "rate_limited" if status == 429 else "server_error"
            result.retry = True
            result.floor = parse_retry_after(response.headers.get("Retry-After"))
            result.message = f"HTTP {status}"
            return
        if status >= 300:
            result.outcome, result.message = "http_error", f"HTTP {status}"
            return
        if status == 206:
            expected = self._continue(response, part, offset, result)
            if expected is None:
                return
        else:
            if offset:
                await self._restart(part, "the server sent the whole file")
            length = _int(response.headers.get("Content-Length"))
            self.total = length
            expected = length
            self._remember(response, length)
        await self._stream(response, part, expected, result)

    def _continue(
        self, response: aiohttp.ClientResponse, part: _PartFile, offset: int, result: _Attempt
    ) -> int | None:
        """The size the file will have after this 206; None when the answer is unusable."""
        match = _CONTENT_RANGE.match(response.headers.get("Content-Range", "").strip())
        if match is None or int(match.group(1)) != offset:
            result.outcome, result.message = "restart", "Content-Range does not continue the file"
            part.truncate()
            self.restarts += 1
            self._drop_validator()
            return None
        total = None if match.group(3) == "*" else int(match.group(3))
        if total is not None and self.validator.total not in (None, total):
            result.outcome, result.message = "restart", "the file's size changed"
            part.truncate()
            self.restarts += 1
            self._drop_validator()
            return None
        self.total = total
        if total is not None:
            self.validator.total = total
        return int(match.group(2)) + 1

    def _unsatisfiable(
        self, response: aiohttp.ClientResponse, part: _PartFile, offset: int, result: _Attempt
    ) -> None:
        """416: the `.part` is already whole (rename it), or longer than the file (restart)."""
        match = _UNSATISFIED_RANGE.match(response.headers.get("Content-Range", "").strip())
        total = int(match.group(1)) if match else None
        if total is not None and total == offset and self.validator.total in (None, total):
            self.total = total
            result.done = True
            return
        part.truncate()
        self.restarts += 1
        self._drop_validator()
        result.outcome, result.message = "restart", f"HTTP 416 with {offset} bytes on disk"

    async def _restart(self, part: _PartFile, reason: str) -> None:
        await asyncio.to_thread(part.truncate)
        self.restarts += 1
        self._drop_validator()
        log.info("download restarted", provider=self.provider, url=self.shown, reason=reason)

    def _remember(self, response: aiohttp.ClientResponse, total: int | None) -> None:
        self.validator = _Validator(
            etag=response.headers.get("ETag"),
            last_modified=response.headers.get("Last-Modified"),
            total=total,
        )
        self.validator.write(self.meta_path)

    def _drop_validator(self) -> None:
        self.validator = _Validator()
        with contextlib.suppress(FileNotFoundError):
            self.meta_path.unlink()

    async def _stream(
        self,
        response: aiohttp.ClientResponse,
        part: _PartFile,
        expected: int | None,
        result: _Attempt,
    ) -> None:
        done = part.size
        self._report(done)
        async for chunk in response.content.iter_chunked(self.chunk_size):
            if expected is not None and done + len(chunk) > expected:
                result.outcome = "invalid_response"
                result.message = f"more data than announced ({expected} bytes)"
                await self._restart(part, "too much data")
                return
            try:
                await asyncio.to_thread(part.write, chunk)
            except OSError as exc:
                raise _WriteFailed(exc) from None
            done += len(chunk)
            result.progressed = True
            self._report(done)
        if expected is not None and done != expected:
            result.outcome, result.retry = "transport_error", True
            result.message = f"connection closed after {done} of {expected} bytes"
            return
        result.done = True

    def _report(self, done: int) -> None:
        if self.progress is not None:
            self.progress(done, self.total)

    def _record(
        self, call_id: str, attempt: int, result: _Attempt, elapsed: float, at: datetime
    ) -> None:
        outcome = "ok" if result.done else result.outcome
        message = scrub(result.message, self.secrets)[:MESSAGE_LIMIT] if result.message else None
        self.http.calls.record(
            id=new_id(),
            call_id=call_id,
            config_id=self.config_id,
            provider=self.provider,
            method="GET",
            url=self.shown,
            status=result.status,
            outcome=outcome,
            error_code=None,
            error=None if result.done else message,
            duration_ms=round(elapsed * 1000, 3),
            attempt=attempt,
            ok=result.done,
            at=at,
        )
        self.http.observe(self.provider, outcome, elapsed)

    def _error(self, result: _Attempt, attempts: int) -> OutboundError:
        text = f"{self.provider} download {self.shown} failed"
        if attempts > 1:
            text += f" after {attempts} attempts"
        if result.message:
            text += f": {scrub(result.message, self.secrets)[:MESSAGE_LIMIT]}"
        cls: type[OutboundError] = {
            "timeout": OutboundTimeout,
            "transport_error": TransportError,
            "server_error": ServerError,
            "rate_limited": RateLimited,
            "invalid_response": InvalidResponse,
        }.get(result.outcome, ProviderError)
        return cls(
            text,
            provider=self.provider,
            config_id=self.config_id,
            method="GET",
            url=self.shown,
            attempts=attempts,
            http_status=result.status,
        )


def _target(dest: Path, overwrite: bool) -> Path:
    if dest.exists() and not overwrite:
        raise Conflict(f"{dest} exists already; remove it or overwrite it", code="file_exists")
    dest.parent.mkdir(parents=True, exist_ok=True)
    return dest


async def download(
    http: OutboundHTTP,
    url: str | URL,
    dest: str | Path,
    *,
    provider: str,
    config_id: str | None = None,
    headers: Mapping[str, str] | None = None,
    secrets: Iterable[str] = (),
    progress: Progress | None = None,
    max_attempts: int | None = None,
    backoff: Backoff | None = None,
    read_timeout: float | None = None,
    overwrite: bool = False,
    chunk_size: int = CHUNK_SIZE,
) -> Downloaded:
    """Stream `url` to the file `dest`, continuing a `.part` an earlier run left.

    `read_timeout` bounds the wait for each piece of data (not the whole
    download; default `HUB_HTTP_TIMEOUT_SECONDS`). `max_attempts` (default
    `HUB_HTTP_MAX_ATTEMPTS`) counts consecutive attempts that brought no new
    byte. An existing `dest` is refused unless `overwrite`. Raises the
    outbound errors of `hub.http` (`TransportError`, `ServerError`,
    `ProviderError` for a 4xx such as an expired link, ...), with the URL's
    query masked; the `.part` stays for the next run.
    """
    target = _target(Path(dest), overwrite)
    job = _Download(
        http,
        url if isinstance(url, URL) else URL(str(url), encoded=True),
        target,
        provider=provider,
        config_id=config_id,
        headers=headers or {},
        secrets=[s for s in secrets if s],
        progress=progress,
        max_attempts=max(1, max_attempts or http.settings.http_max_attempts),
        backoff=backoff or Backoff(),
        read_timeout=read_timeout or http.settings.http_timeout_seconds,
        chunk_size=chunk_size,
    )
    return await job.run()
