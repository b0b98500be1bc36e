"""Recording files in the fake, served like the storage host behind a `download_address`.

Tencent's `download_address` is a pre-signed link to its storage: the query
carries an expiry and a signature, and the host answers Range requests (206
with Content-Range, 416 past the end) and honours If-Range with the file's
ETag. What exactly Tencent's link looks like is not protocol evidence; what
the fake checks is what any pre-signed storage link needs:

- `GET /cos/records/<record_file_id>.mp4?t=<expiry>&sign=<hex>`: a wrong
  signature or a past expiry is 403 (the link must be fetched again);
- `Range: bytes=N-` (or `N-M`) gives 206, unless `files(fake).ranges` is off
  (then always 200, as a host without range support answers);
- `files(fake).cut_after` lists, per request, after how many body bytes the
  connection is dropped (a broken download);
- failures before the body come from `fake.fail_next("/cos/", ...)`.

`serve_file(fake, file, content)` stores the bytes of a record file (from
`records.add_record`) and makes `/v1/addresses` hand out a link to them.
"""

import hashlib
import hmac
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aiohttp import web

if TYPE_CHECKING:
    from . import FakeTencentMeeting

STORAGE_KEY = b"fake-storage-signing-key"
LINK_LIFETIME = 3600


@dataclass
class Files:
    contents: dict[str, bytes] = field(default_factory=dict)
    ranges: bool = True
    cut_after: list[int] = field(default_factory=list)
    served: list[dict[str, str]] = field(default_factory=list)
    """Request headers of every file request, in order."""


def files(fake: "FakeTencentMeeting") -> Files:
    found: Files = fake.state.extra.setdefault("files", Files())
    return found


def _sign(file_id: str, expiry: int) -> str:
    return hmac.new(STORAGE_KEY, f"{file_id}:{expiry}".encode(), hashlib.sha256).hexdigest()


def signed_link(fake: "FakeTencentMeeting", file_id: str, expiry: int) -> str:
    """A download link for `file_id` that is valid until `expiry` (UNIX seconds)."""
    return f"{fake.base_url}/cos/records/{file_id}.mp4?t={expiry}&sign={_sign(file_id, expiry)}"


def etag(content: bytes) -> str:
    return '"' + hashlib.md5(content).hexdigest() + '"'


def serve_file(fake: "FakeTencentMeeting", file: dict[str, Any], content: bytes) -> str:
    """Store `content` as the bytes of record file `file`; returns its download link."""
    file_id = file["record_file_id"]
    files(fake).contents[file_id] = content
    file["record_size"] = len(content)
    link = signed_link(fake, file_id, int(fake.now()) + LINK_LIFETIME)
    file["_download_address"] = link
    return link


def _range(header: str, total: int) -> tuple[int, int] | None:
    """(first, last) of `bytes=first-[last]`; None when the header is not one such range."""
    unit, _, spec = header.partition("=")
    first, _, last = spec.partition("-")
    if unit.strip() != "bytes" or not first.strip().isdigit() or "," in spec:
        return None
    end = int(last) if last.strip().isdigit() else total - 1
    return int(first), min(end, total - 1)


def add_routes(fake: "FakeTencentMeeting", routes: web.RouteTableDef) -> None:
    @routes.get("/cos/records/{name}")
    async def download(request: web.Request) -> web.StreamResponse:
        store = files(fake)
        store.served.append(dict(request.headers))
        file_id = request.match_info["name"].rsplit(".", 1)[0]
        expiry = request.query.get("t", "")
        sign = request.query.get("sign", "")
        if not expiry.isdigit() or not hmac.compare_digest(sign, _sign(file_id, int(expiry))):
            return web.Response(status=403, text="AccessDenied: signature does not match")
        if int(expiry) < fake.now():
            return web.Response(status=403, text="AccessDenied: request has expired")
        content = store.contents.get(file_id)
        if content is None:
            return web.Response(status=404, text="NoSuchKey")
        total, tag = len(content), etag(content)
        first, last, status = 0, total - 1, 200
        wanted = request.headers.get("Range")
        if wanted and store.ranges and request.headers.get("If-Range", tag) == tag:
            picked = _range(wanted, total)
            if picked is not None and picked[0] >= total:
                return web.Response(status=416, headers={"Content-Range": f"bytes */{total}"})
            if picked is not None:
                (first, last), status = picked, 206
        body = content[first : last + 1]
        accepts = "bytes" if store.ranges else "none"
        response = web.StreamResponse(
            status=status, headers={"ETag": tag, "Accept-Ranges": accepts}
        )
        if status == 206:
            response.headers["Content-Range"] = f"bytes {first}-{last}/{total}"
        response.content_length = len(body)
        response.content_type = "video/mp4"
        await response.prepare(request)
        cut = store.cut_after.pop(0) if store.cut_after else None
        if cut is not None and cut < len(body):
            await response.write(body[:cut])
            assert request.transport is not None
            request.transport.close()  # the connection breaks mid-body
            return response
        await response.write(body)
        await response.write_eof()
        return response
