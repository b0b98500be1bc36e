"""Tencent Meeting's four paging styles as async iterators over the raw items.

Each iterator calls `fetch(paging)` with the paging parameters to merge into the
request's query, and yields the dicts of the `items` list of each answer:

- `pages_by_number`: `page` (from 1) and `page_size`; the answer has
  `total_page` and `current_page`; the last page is `current_page >= total_page`.
- `pages_by_pos`: `pos` (0 first) and `size`; the answer has `has_remaining`
  and `next_pos`; the last page has `has_remaining` false.
- `pages_by_cursory` (GET /v1/meetings): `pos` and `cursory`; the answer has
  `remaining`, `next_pos` and `next_cursory`; the last page has `remaining` 0.
- `pages_by_pid` (transcripts): `pid` (0 first) and `limit`; the answer has
  `more`; the last page has `more` false.

An empty page ends every style. A cursor that does not move on is refused
(`PagingStalled`) instead of asking for the same page forever, and no
iteration goes past `MAX_PAGES`.
"""

from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from typing import Any

from hub.errors import HubError

Fetch = Callable[[dict[str, Any]], Awaitable[dict[str, Any]]]

MAX_PAGES = 100_000


class PagingStalled(HubError):
    """An answer's cursor pointed back at a page already read."""

    status = 502
    code = "tencent_meeting_paging_stalled"


def _items(data: Mapping[str, Any], items: str) -> list[dict[str, Any]]:
    """The list at `items`; a dotted name reaches into objects (`minutes.paragraphs`)."""
    value: Any = data
    for name in items.split("."):
        value = value.get(name) if isinstance(value, Mapping) else None
    if not isinstance(value, list):
        return []
    return [item for item in value if isinstance(item, dict)]


def _int(value: Any, default: int | None = None) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _truthy(value: Any) -> bool:
    """Tencent's booleans, also when they arrive as 0/1 or "true"/"false"."""
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1")
    return bool(value)


def _last_page(data: Mapping[str, Any], page: int, page_size: int, count: int) -> bool:
    total_page = _int(data.get("total_page"))
    if total_page is None:
        total_count = _int(data.get("total_count"))
        if total_count is None:
            return count < page_size
        total_page = -(-total_count // page_size)
    current = _int(data.get("current_page"), page) or page
    return current >= total_page


async def pages_by_number(
    fetch: Fetch, items: str, *, page_size: int = 20
) -> AsyncIterator[dict[str, Any]]:
    """`page`/`page_size`: pages 1, 2, ... until `current_page >= total_page`.

    Without `total_page`, `total_count` gives it; without either, a short page
    is the last.
    """
    if page_size < 1:
        raise ValueError("page_size must be at least 1")
    for page in range(1, MAX_PAGES + 1):
        data = await fetch({"page": page, "page_size": page_size})
        found = _items(data, items)
        for item in found:
            yield item
        if not found or _last_page(data, page, page_size, len(found)):
            return


async def pages_by_pos(
    fetch: Fetch, items: str, *, size: int = 100
) -> AsyncIterator[dict[str, Any]]:
    """`pos`/`size`: from position 0 while `has_remaining`, continuing at `next_pos`."""
    if size < 1:
        raise ValueError("size must be at least 1")
    pos = 0
    seen = {pos}
    for _ in range(MAX_PAGES):
        data = await fetch({"pos": pos, "size": size})
        found = _items(data, items)
        for item in found:
            yield item
        if not found or not _truthy(data.get("has_remaining")):
            return
        next_pos = _int(data.get("next_pos"))
        if next_pos is None:
            next_pos = pos + len(found)
        if next_pos in seen:
            raise PagingStalled(f"{items}: next_pos {next_pos} was already read")
        seen.add(next_pos)
        pos = next_pos


async def pages_by_cursory(fetch: Fetch, items: str) -> AsyncIterator[dict[str, Any]]:
    """`pos`/`cursory` (GET /v1/meetings): first 0 and 0, then `next_pos`/`next_cursory`
    until `remaining` is 0."""
    pos: Any = 0
    cursory: Any = 0
    seen = {(str(pos), str(cursory))}
    for _ in range(MAX_PAGES):
        data = await fetch({"pos": pos, "cursory": cursory})
        found = _items(data, items)
        for item in found:
            yield item
        if not found or not _int(data.get("remaining"), 0):
            return
        pos = data.get("next_pos", pos)
        cursory = data.get("next_cursory", cursory)
        key = (str(pos), str(cursory))
        if key in seen:
            raise PagingStalled(f"{items}: next_pos/next_cursory {key} were already read")
        seen.add(key)


async def pages_by_pid(
    fetch: Fetch, items: str, *, limit: int = 100
) -> AsyncIterator[dict[str, Any]]:
    """`pid`/`limit` (transcript details, items `minutes.paragraphs`) while `more`.

    Tencent documents `pid` as the first paragraph to return (inclusive,
    default 0), so the next page starts at the last paragraph's pid plus one.
    """
    if limit < 1:
        raise ValueError("limit must be at least 1")
    pid: Any = 0
    seen = {str(pid)}
    for _ in range(MAX_PAGES):
        data = await fetch({"pid": pid, "limit": limit})
        found = _items(data, items)
        for item in found:
            yield item
        if not found or not _truthy(data.get("more")):
            return
        last = found[-1].get("pid")
        if last is None:
            raise PagingStalled(f"{items}: the last item has no pid to continue from")
        next_pid = _int(last)
        pid = next_pid + 1 if next_pid is not None else last
        if str(pid) in seen:
            raise PagingStalled(f"{items}: pid {pid} was already read")
        seen.add(str(pid))
