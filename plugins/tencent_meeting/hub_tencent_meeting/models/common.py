"""What every Tencent Meeting model shares.

Tencent adds fields to its answers without notice and the official SDK keeps
them (`**kwargs`), so every model accepts unknown fields (`extra="allow"`).
Ids such as `meeting_id` exceed 2^53 and must stay strings: a number sent
where a string is declared is turned into its decimal text, never a float.
Times come as numeric strings in some answers and integers in others
(reference §0), so `TimeValue` takes both and keeps what was sent.
"""

from typing import Any

from pydantic import BaseModel, ConfigDict

TimeValue = str | int
"""UNIX seconds (or milliseconds where the field says so), as text or integer."""


class TencentModel(BaseModel):
    """Base of every request and response model of the plugin."""

    model_config = ConfigDict(extra="allow", populate_by_name=True, coerce_numbers_to_str=True)


class NumberPage(TencentModel):
    """The counters of a `page`/`page_size` listing (reference §5)."""

    total_count: int | None = None
    total_page: int | None = None
    current_page: int | None = None
    current_size: int | None = None


class PosPage(TencentModel):
    """The counters of a `pos`/`size` listing: more follow while `has_remaining`."""

    has_remaining: bool | None = None
    next_pos: int | str | None = None


class UserRef(TencentModel):
    """A user named in a meeting (hosts, co-hosts, invitees, participants lists)."""

    userid: str | None = None
    operator_id: str | None = None
    operator_id_type: int | None = None
    is_anonymous: bool | None = None
    nick_name: str | None = None
    profile_photo: str | None = None


class TargetUser(TencentModel):
    """The member an in-meeting action is aimed at (`to_operator_id` + its type)."""

    instanceid: int = 1
    to_operator_id: str | None = None
    to_operator_id_type: int | None = None


class DownloadFile(TencentModel):
    """A downloadable file: minutes, transcripts, summaries."""

    download_address: str | None = None
    file_type: str | None = None


class JobResult(TencentModel):
    """Answer of the calls that start an asynchronous job."""

    job_id: str | None = None


def items_of(data: dict[str, Any], key: str) -> list[Any]:
    """The list under `key`, or [] when Tencent left it out or sent null."""
    value = data.get(key)
    return value if isinstance(value, list) else []
