"""`hub.http.download`: streaming a file to disk, resumed with Range, retried, logged."""

import asyncio
import hashlib
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from hub.context import HubContext
from hub.errors import Conflict
from hub.http import Backoff, ProviderError, ServerError, TransportError
from hub.http.download import META_SUFFIX, PART_SUFFIX, download, shown_url
from hub.http.errors import InvalidResponse
from tests.http.conftest import CORP_SECRET, make_client
from tests.http.fake_provider import FakeProvider

FAST = Backoff(base=0.001, cap=0.004, floor_cap=0.01)
CONTENT = bytes(range(256)) * 40  # 10,240 bytes
SIGNED = "?sig=s3cr3t-signature&expires=1700000000&X-Credential=AKID123"


@dataclass
class Files:
    """A storage host serving one file the way CDNs do (Range, ETag, If-Range), with faults."""

    content: bytes = CONTENT
    ranges: bool = True
    etag: str = '"v1"'
    cut_after: list[int] = field(default_factory=list)
    """Per request (in order): close the connection after this many body bytes."""
    statuses: list[int] = field(default_factory=list)
    """Per request (in order): answer this status (with Retry-After 0) instead."""
    overlong: bool = False
    shifted: bool = False
    """Answer a range with bytes that do not start where asked."""
    stalls: list[float] = field(default_factory=list)
    """Per request (in order): wait this long before answering."""
    seen: list[dict[str, str]] = field(default_factory=list)
    base_url: str = ""

    def url(self, path: str = "/files/rec.mp4") -> str:
        return self.base_url + path + SIGNED

    async def serve(self, request: web.Request) -> web.StreamResponse:
        self.seen.append(dict(request.headers))
        if self.stalls:
            await asyncio.sleep(self.stalls.pop(0))
        if self.statuses:
            status = self.statuses.pop(0)
            return web.Response(status=status, headers={"Retry-After": "0"}, text="busy")
        if request.query.get("sig") != "s3cr3t-signature":
            return web.Response(status=403, text="AccessDenied: signature expired")
        total = len(self.content)
        start = 0
        status = 200
        wanted = request.headers.get("Range")
        if wanted and self.ranges and request.headers.get("If-Range", self.etag) == self.etag:
            start = int(wanted.removeprefix("bytes=").split("-")[0])
            if start >= total:
                return web.Response(status=416, headers={"Content-Range": f"bytes */{total}"})
            status = 206
            if self.shifted:
                start, self.shifted = start - 1, False
        body = self.content[start:]
        response = web.StreamResponse(status=status, headers={"ETag": self.etag})
        if status == 206:
            response.headers["Content-Range"] = f"bytes {start}-{total - 1}/{total}"
        response.content_length = len(body) + (7 if self.overlong else 0)
        await response.prepare(request)
        cut = self.cut_after.pop(0) if self.cut_after else None
        if cut is not None:
            await response.write(body[:cut])
            assert request.transport is not None
            request.transport.close()
            return response
        await response.write(body + (b"garbage" if self.overlong else b""))
        await response.write_eof()
        return response


@pytest.fixture
async def files(aiohttp_server: Callable[..., Awaitable[TestServer]]) -> Files:
    files = Files()
    app = web.Application()
    app.router.add_get("/files/{name}", files.serve)
    server = await aiohttp_server(app)
    files.base_url = str(server.make_url("")).rstrip("/")
    return files


def partial(dest: Path, size: int, etag: str | None = '"v1"', total: int = len(CONTENT)) -> None:
    """What an interrupted earlier run leaves: `size` bytes and the validator."""
    dest.with_name(dest.name + PART_SUFFIX).write_bytes(CONTENT[:size])
    dest.with_name(dest.name + META_SUFFIX).write_text(
        json.dumps({"etag": etag, "last_modified": None, "total": total})
    )


async def calls(ctx: HubContext) -> list[tuple[int | None, str, int]]:
    await ctx.http.calls.flush()
    rows = (await ctx.http.calls.list(provider="example")).items
    return [(r.status, r.outcome, r.attempt) for r in reversed(rows)]


async def fetch(ctx: HubContext, files: Files, dest: Path, **kwargs: object) -> object:
    kwargs.setdefault("backoff", FAST)
    return await download(ctx.http, files.url(), dest, provider="example", **kwargs)  # type: ignore[arg-type]


async def test_fresh_download_with_progress_and_a_masked_call_log(
    ctx: HubContext, files: Files, tmp_path: Path
) -> None:
    seen: list[tuple[int, int | None]] = []
    dest = tmp_path / "out" / "rec.mp4"
    result = await download(
        ctx.http, files.url(), dest, provider="example", config_id="cfg-1",
        progress=lambda done, total: seen.append((done, total)), chunk_size=1000,
    )  # fmt: skip
    assert dest.read_bytes() == CONTENT
    assert (result.size, result.resumed_from, result.attempts, result.restarts) == (
        len(CONTENT), 0, 1, 0,
    )  # fmt: skip
    assert not dest.with_name("rec.mp4" + PART_SUFFIX).exists()
    assert not dest.with_name("rec.mp4" + META_SUFFIX).exists()
    assert seen[0] == (0, len(CONTENT)) and seen[-1] == (len(CONTENT), len(CONTENT))
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    assert "Range" not in files.seen[0]
    assert files.seen[0]["Accept-Encoding"] == "identity"

    await ctx.http.calls.flush()
    (row,) = (await ctx.http.calls.list(config_id="cfg-1")).items
    assert (row.method, row.status, row.outcome, row.ok) == ("GET", 200, "ok", True)
    assert "s3cr3t" not in row.url and "AKID123" not in row.url
    assert row.url.endswith("/files/rec.mp4?sig=***&expires=***&X-Credential=***")


async def test_a_partial_file_is_continued_with_range_and_if_range(
    ctx: HubContext, files: Files, tmp_path: Path
) -> None:
    dest = tmp_path / "rec.mp4"
    partial(dest, 4000)
    result = await fetch(ctx, files, dest)
    assert dest.read_bytes() == CONTENT
    assert result.resumed_from == 4000 and result.restarts == 0  # type: ignore[attr-defined]
    assert files.seen[0]["Range"] == "bytes=4000-"
    assert files.seen[0]["If-Range"] == '"v1"'
    assert await calls(ctx) == [(206, "ok", 1)]


async def test_a_server_without_range_support_starts_over(
    ctx: HubContext, files: Files, tmp_path: Path
) -> None:
    files.ranges = False
    dest = tmp_path / "rec.mp4"
    partial(dest, 4000)
    result = await fetch(ctx, files, dest)
    assert dest.read_bytes() == CONTENT
    assert (result.resumed_from, result.restarts) == (0, 1)  # type: ignore[attr-defined]


async def test_a_changed_file_starts_over(ctx: HubContext, files: Files, tmp_path: Path) -> None:
    """The validator no longer matches: the server answers 200 to If-Range, not 206."""
    dest = tmp_path / "rec.mp4"
    partial(dest, 4000, etag='"v0"')
    await fetch(ctx, files, dest)
    assert dest.read_bytes() == CONTENT
    assert files.seen[0]["If-Range"] == '"v0"'


async def test_a_different_total_starts_over(
    ctx: HubContext, files: Files, tmp_path: Path
) -> None:
    dest = tmp_path / "rec.mp4"
    partial(dest, 4000, etag=None, total=99_999)
    result = await fetch(ctx, files, dest)
    assert dest.read_bytes() == CONTENT
    assert result.restarts == 1  # type: ignore[attr-defined]
    assert [s.get("Range") for s in files.seen] == ["bytes=4000-", None]
    assert await calls(ctx) == [(206, "restart", 1), (200, "ok", 2)]


async def test_a_complete_part_is_only_renamed(
    ctx: HubContext, files: Files, tmp_path: Path
) -> None:
    dest = tmp_path / "rec.mp4"
    partial(dest, len(CONTENT))
    result = await fetch(ctx, files, dest)
    assert dest.read_bytes() == CONTENT
    assert (result.attempts, result.resumed_from) == (1, len(CONTENT))  # type: ignore[attr-defined]
    assert await calls(ctx) == [(416, "ok", 1)]


async def test_a_part_longer_than_the_file_starts_over(
    ctx: HubContext, files: Files, tmp_path: Path
) -> None:
    dest = tmp_path / "rec.mp4"
    dest.with_name("rec.mp4" + PART_SUFFIX).write_bytes(CONTENT + b"extra bytes")
    await fetch(ctx, files, dest)
    assert dest.read_bytes() == CONTENT
    assert await calls(ctx) == [(416, "restart", 1), (200, "ok", 2)]


async def test_a_broken_connection_is_resumed_from_the_bytes_written(
    ctx: HubContext, files: Files, tmp_path: Path
) -> None:
    files.cut_after = [3000]
    dest = tmp_path / "rec.mp4"
    result = await fetch(ctx, files, dest)
    assert dest.read_bytes() == CONTENT
    assert result.attempts == 2  # type: ignore[attr-defined]
    assert files.seen[1]["Range"] == "bytes=3000-"
    assert await calls(ctx) == [(200, "transport_error", 1), (206, "ok", 2)]


async def test_progress_keeps_the_attempt_budget(
    ctx: HubContext, files: Files, tmp_path: Path
) -> None:
    """Six cut connections in a row, with max_attempts=2: each one brought bytes, so it goes on."""
    files.cut_after = [1500] * 6
    dest = tmp_path / "rec.mp4"
    result = await fetch(ctx, files, dest, max_attempts=2)
    assert dest.read_bytes() == CONTENT
    assert result.attempts == 7  # type: ignore[attr-defined]


async def test_server_errors_are_retried_then_fail_keeping_the_part(
    ctx: HubContext, files: Files, tmp_path: Path
) -> None:
    dest = tmp_path / "rec.mp4"
    files.statuses = [503, 500]
    await fetch(ctx, files, dest)
    assert dest.read_bytes() == CONTENT
    assert [o for _, o, _ in await calls(ctx)] == ["server_error", "server_error", "ok"]

    again = tmp_path / "again.mp4"
    partial(again, 2000)
    files.statuses = [502, 502, 502]
    with pytest.raises(ServerError) as failed:
        await fetch(ctx, files, again, max_attempts=3)
    assert failed.value.attempts == 3 and failed.value.http_status == 502
    assert "s3cr3t" not in failed.value.message and "sig=***" in failed.value.message
    assert again.with_name("again.mp4" + PART_SUFFIX).read_bytes() == CONTENT[:2000]


async def test_rate_limited_answers_are_retried(
    ctx: HubContext, files: Files, tmp_path: Path
) -> None:
    files.statuses = [429]
    await fetch(ctx, files, tmp_path / "rec.mp4")
    assert [o for _, o, _ in await calls(ctx)] == ["rate_limited", "ok"]


async def test_an_expired_link_fails_at_once(
    ctx: HubContext, files: Files, tmp_path: Path
) -> None:
    url = files.base_url + "/files/rec.mp4?sig=old&expires=1"
    with pytest.raises(ProviderError) as failed:
        await download(ctx.http, url, tmp_path / "rec.mp4", provider="example", backoff=FAST)
    assert failed.value.http_status == 403 and failed.value.attempts == 1
    assert "sig=***" in failed.value.message
    assert len(files.seen) == 1


async def test_an_unreachable_host_is_a_transport_error(
    ctx: HubContext, tmp_path: Path, unused_tcp_port: int
) -> None:
    url = f"http://127.0.0.1:{unused_tcp_port}/files/rec.mp4{SIGNED}"
    with pytest.raises(TransportError) as failed:
        await download(
            ctx.http, url, tmp_path / "rec.mp4", provider="example", backoff=FAST, max_attempts=2
        )
    assert failed.value.attempts == 2
    assert "s3cr3t" not in failed.value.message


async def test_more_data_than_announced_is_refused(
    ctx: HubContext, files: Files, tmp_path: Path
) -> None:
    dest = tmp_path / "rec.mp4"
    files.overlong = True
    partial(dest, 4000)
    with pytest.raises(InvalidResponse):
        await fetch(ctx, files, dest)
    assert not dest.exists()


async def test_an_existing_file_is_kept_unless_overwritten(
    ctx: HubContext, files: Files, tmp_path: Path
) -> None:
    dest = tmp_path / "rec.mp4"
    dest.write_bytes(b"old")
    with pytest.raises(Conflict) as exists:
        await fetch(ctx, files, dest)
    assert exists.value.code == "file_exists"
    assert files.seen == []
    await fetch(ctx, files, dest, overwrite=True)
    assert dest.read_bytes() == CONTENT


async def test_two_downloads_of_one_file_do_not_share_the_part(
    ctx: HubContext, files: Files, tmp_path: Path
) -> None:
    files.cut_after = [100]
    dest = tmp_path / "rec.mp4"
    started = asyncio.Event()

    def progress(done: int, total: int | None) -> None:
        started.set()

    first = asyncio.create_task(fetch(ctx, files, dest, progress=progress))
    await started.wait()
    with pytest.raises(Conflict) as busy:
        await fetch(ctx, files, dest)
    assert busy.value.code == "download_in_progress"
    await first
    assert dest.read_bytes() == CONTENT


async def test_provider_client_download_scrubs_the_config_secrets(
    ctx: HubContext, files: Files, fake: FakeProvider, tmp_path: Path
) -> None:
    from tests.http.conftest import make_config

    config = await make_config(ctx, fake)
    client = await make_client(ctx, config)
    url = files.base_url + f"/files/{CORP_SECRET}.mp4{SIGNED}"
    files.statuses = [404]
    with pytest.raises(ProviderError) as failed:
        await client.download(url, tmp_path / "rec.mp4")
    assert CORP_SECRET not in failed.value.message
    files.content = b"x" * 10
    result = await client.download(files.url(), tmp_path / "rec.mp4")
    assert hashlib.sha256((tmp_path / "rec.mp4").read_bytes()).digest() == hashlib.sha256(
        b"x" * 10
    ).digest()
    assert result.size == 10
    await ctx.http.calls.flush()
    rows = (await ctx.http.calls.list(config_id=config.id)).items
    assert [r.outcome for r in reversed(rows)] == ["http_error", "ok"]
    assert all(CORP_SECRET not in r.url for r in rows)


def test_shown_url_masks_every_query_value() -> None:
    assert shown_url("https://cos.example/a/b.mp4?x=1&token=2") == (
        "https://cos.example/a/b.mp4?x=***&token=***"
    )
    assert shown_url("https://u:p@cos.example/key-abcd/b.mp4", ["key-abcd"]) == (
        "https://cos.example/***/b.mp4"
    )


async def test_a_range_that_does_not_continue_the_file_starts_over(
    ctx: HubContext, files: Files, tmp_path: Path
) -> None:
    dest = tmp_path / "rec.mp4"
    partial(dest, 4000)
    dest.with_name("rec.mp4" + META_SUFFIX).write_text("[not, a validator")
    files.shifted = True
    result = await fetch(ctx, files, dest)
    assert dest.read_bytes() == CONTENT
    assert result.restarts == 1  # type: ignore[attr-defined]
    assert "If-Range" not in files.seen[0]  # the unreadable validator was ignored
    assert await calls(ctx) == [(206, "restart", 1), (200, "ok", 2)]


async def test_a_silent_server_times_out_and_is_asked_again(
    ctx: HubContext, files: Files, tmp_path: Path
) -> None:
    files.stalls = [2.0]
    dest = tmp_path / "rec.mp4"
    await fetch(ctx, files, dest, read_timeout=0.2)
    assert dest.read_bytes() == CONTENT
    assert [(s, o) for s, o, _ in await calls(ctx)] == [(None, "timeout"), (200, "ok")]
