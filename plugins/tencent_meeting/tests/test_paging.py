"""The four paging iterators against the fake's paging, through real signed calls."""

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from hub_tencent_meeting.client.base import TencentMeetingClient
from hub_tencent_meeting.client.paging import (
    PagingStalled,
    pages_by_cursory,
    pages_by_number,
    pages_by_pid,
    pages_by_pos,
)
from hub_tencent_meeting.errors import TencentMeetingError

from .fake_server import FakeTencentMeeting

ITEMS = [{"id": str(7_000_000_000_000_000_001 + i)} for i in range(47)]
PARAGRAPHS = [{"pid": str(i), "text": f"p{i}"} for i in range(23)]


@pytest.fixture
async def fake(aiohttp_server: Callable[..., Awaitable[TestServer]]) -> FakeTencentMeeting:
    """The fake with test-only listing routes over 47 items, one per paging style."""
    fake = FakeTencentMeeting()
    app = fake.app()

    async def numbered(request: web.Request) -> web.Response:
        values = await fake.params(request)
        return fake.ok(fake.numbered_page(values, ITEMS, "items", max_page_size=20))

    async def by_pos(request: web.Request) -> web.Response:
        values = await fake.params(request)
        return fake.ok(fake.pos_page(values, ITEMS, "items", max_size=100))

    async def by_cursory(request: web.Request) -> web.Response:
        values = await fake.params(request)
        return fake.ok(fake.cursory_page(values, ITEMS, "items", size=10))

    async def by_pid(request: web.Request) -> web.Response:
        values = await fake.params(request)
        page, more = fake.pid_page(values, PARAGRAPHS)
        return fake.ok({"minutes": {"paragraphs": page}, "more": more})

    app.router.add_get("/v1/hub-test/numbered", numbered)
    app.router.add_get("/v1/hub-test/pos", by_pos)
    app.router.add_get("/v1/hub-test/cursory", by_cursory)
    app.router.add_get("/v1/hub-test/pid", by_pid)
    server = await aiohttp_server(app)
    fake.base_url = str(server.make_url("/")).rstrip("/")
    return fake


def fetcher(tm: TencentMeetingClient, path: str) -> Callable[[dict[str, Any]], Awaitable[Any]]:
    async def fetch(paging: dict[str, Any]) -> dict[str, Any]:
        return await tm.call("GET", path, query={"operator_id": "admin01", **paging})

    return fetch


async def collect(iterator: Any) -> list[dict[str, Any]]:
    return [item async for item in iterator]


@pytest.mark.parametrize("size", [1, 7, 20])
async def test_pages_by_number(
    tm: TencentMeetingClient, fake: FakeTencentMeeting, size: int
) -> None:
    items = await collect(pages_by_number(fetcher(tm, "/v1/hub-test/numbered"), "items",
                                          page_size=size))
    assert items == ITEMS
    assert len(fake.hits("/v1/hub-test/numbered")) == -(-len(ITEMS) // size)


async def test_pages_by_number_page_size_over_the_maximum(tm: TencentMeetingClient) -> None:
    with pytest.raises(TencentMeetingError) as caught:
        await collect(pages_by_number(fetcher(tm, "/v1/hub-test/numbered"), "items",
                                      page_size=21))
    assert caught.value.error_code == 190004


@pytest.mark.parametrize("size", [1, 10, 47, 100])
async def test_pages_by_pos(tm: TencentMeetingClient, fake: FakeTencentMeeting, size: int) -> None:
    items = await collect(pages_by_pos(fetcher(tm, "/v1/hub-test/pos"), "items", size=size))
    assert items == ITEMS
    assert len(fake.hits("/v1/hub-test/pos")) == -(-len(ITEMS) // size)


async def test_pages_by_cursory(tm: TencentMeetingClient, fake: FakeTencentMeeting) -> None:
    items = await collect(pages_by_cursory(fetcher(tm, "/v1/hub-test/cursory"), "items"))
    assert items == ITEMS
    hits = fake.hits("/v1/hub-test/cursory")
    assert len(hits) == 5
    assert "pos=0&cursory=0" in hits[0].raw_path and "cursory=40" in hits[-1].raw_path


@pytest.mark.parametrize("limit", [1, 5, 23, 100])
async def test_pages_by_pid(tm: TencentMeetingClient, fake: FakeTencentMeeting, limit: int) -> None:
    items = await collect(
        pages_by_pid(fetcher(tm, "/v1/hub-test/pid"), "minutes.paragraphs", limit=limit)
    )
    assert items == PARAGRAPHS
    assert len(fake.hits("/v1/hub-test/pid")) == -(-len(PARAGRAPHS) // limit)


# ---- answers the iterators must not loop on ---------------------------------------------------


def scripted(*pages: dict[str, Any]) -> tuple[Callable[[dict[str, Any]], Awaitable[Any]], list]:
    asked: list[dict[str, Any]] = []
    queue = list(pages)

    async def fetch(paging: dict[str, Any]) -> dict[str, Any]:
        asked.append(paging)
        return queue.pop(0)

    return fetch, asked


async def test_number_without_total_page() -> None:
    fetch, asked = scripted(
        {"total_count": 3, "items": [{"a": 1}, {"a": 2}]}, {"total_count": 3, "items": [{"a": 3}]}
    )
    assert len(await collect(pages_by_number(fetch, "items", page_size=2))) == 3
    assert asked == [{"page": 1, "page_size": 2}, {"page": 2, "page_size": 2}]
    fetch, asked = scripted({"items": [{"a": 1}, {"a": 2}]}, {"items": [{"a": 3}]})
    assert len(await collect(pages_by_number(fetch, "items", page_size=2))) == 3
    fetch, asked = scripted({"total_page": 9, "items": []})
    assert await collect(pages_by_number(fetch, "items")) == []
    assert len(asked) == 1


async def test_pos_and_cursory_and_pid_refuse_a_stalled_cursor() -> None:
    fetch, _ = scripted(
        {"has_remaining": True, "next_pos": 1, "items": [{"a": 1}]},
        {"has_remaining": "true", "next_pos": 1, "items": [{"a": 2}]},
    )
    with pytest.raises(PagingStalled):
        await collect(pages_by_pos(fetch, "items", size=1))
    fetch, _ = scripted(
        {"remaining": 5, "next_pos": 0, "next_cursory": 0, "items": [{"a": 1}]},
    )
    with pytest.raises(PagingStalled):
        await collect(pages_by_cursory(fetch, "items"))
    fetch, _ = scripted({"more": True, "minutes": {"paragraphs": [{"text": "x"}]}})
    with pytest.raises(PagingStalled, match="no pid"):
        await collect(pages_by_pid(fetch, "minutes.paragraphs"))


async def test_pos_without_next_pos_moves_by_the_page() -> None:
    fetch, asked = scripted(
        {"has_remaining": 1, "items": [{"a": 1}, {"a": 2}]},
        {"has_remaining": 0, "items": [{"a": 3}]},
    )
    assert len(await collect(pages_by_pos(fetch, "items", size=2))) == 3
    assert asked[1] == {"pos": 2, "size": 2}


async def test_items_missing_or_malformed() -> None:
    fetch, _ = scripted({"items": "nope"})
    assert await collect(pages_by_pos(fetch, "items")) == []
    fetch, _ = scripted({"items": [1, {"a": 1}], "total_page": 1})
    assert await collect(pages_by_number(fetch, "items")) == [{"a": 1}]


@pytest.mark.parametrize(
    "make",
    [
        lambda f: pages_by_number(f, "items", page_size=0),
        lambda f: pages_by_pos(f, "items", size=0),
        lambda f: pages_by_pid(f, "items", limit=0),
    ],
)
async def test_sizes_must_be_positive(make: Callable[[Any], Any]) -> None:
    fetch, asked = scripted()
    with pytest.raises(ValueError):
        await collect(make(fetch))
    assert asked == []
