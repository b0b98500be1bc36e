"""What WeCom's two APIs (corporate and robot webhook) answer alike.

Every answer is HTTP 200 with `errcode` (0 = ok) and `errmsg`, also for
failures, so the error code is read from the body whatever the status. Uploads
of both APIs answer a `media_id` that is valid for three days.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import aiohttp
from hub.http import ErrorCode, Response

MEDIA_VALID_FOR = timedelta(days=3)


def error_code(response: Response) -> ErrorCode | None:
    """WeCom's `errcode` when it is not 0; None for success (or a body without one)."""
    data = response.json_or_none()
    if isinstance(data, dict) and data.get("errcode") not in (None, 0, "0"):
        return ErrorCode(data["errcode"], str(data.get("errmsg", "")))
    return None


@dataclass(frozen=True)
class UploadedMedia:
    """A media file WeCom holds for us: usable in messages until `expires_at`."""

    media_id: str
    media_type: str
    created_at: datetime
    expires_at: datetime


def uploaded(data: dict[str, object], media_type: str) -> UploadedMedia:
    """The `media_id` answer of an upload; `created_at` is WeCom's, in UNIX seconds as text."""
    created = str(data.get("created_at") or "")
    at = datetime.fromtimestamp(int(created), UTC) if created.isdigit() else datetime.now(UTC)
    return UploadedMedia(str(data["media_id"]), media_type, at, at + MEDIA_VALID_FOR)


def media_form(filename: str, content: bytes) -> Callable[[], aiohttp.FormData]:
    """A fresh multipart body per attempt (a FormData can be sent once), one part named `media`."""

    def build() -> aiohttp.FormData:
        form = aiohttp.FormData()
        form.add_field("media", content, filename=filename, content_type="application/octet-stream")
        return form

    return build
