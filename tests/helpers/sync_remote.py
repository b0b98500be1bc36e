"""A fake "catalog" service on loopback for the sync tests, run in its own thread.

It serves items with the two pagination styles providers use (page/page_size
with totals for full listings; pos/size with has_remaining for a change feed),
single-item lookups, label lists and stats; it checks a bearer token and can
inject faults or hold a request until the test lets it go. Running in a thread
with its own event loop lets both async tests and CLI tests (which start their
own loop) talk to it.
"""

import asyncio
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from aiohttp import web

TOKEN = "catalog-token-5f1e9a7c3b"
BASE_TIME = datetime(2026, 1, 1, tzinfo=UTC)


@dataclass
class Hold:
    """Blocks requests to `path` (from the `after`-th on) until `release` is set."""

    path: str
    after: int = 0
    arrived: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)
    seen: int = 0


class CatalogRemote:
    def __init__(self, items: int = 0, token: str = TOKEN) -> None:
        self.token = token
        self.lock = threading.Lock()
        self.items: dict[str, dict[str, Any]] = {}
        self.changes: list[dict[str, Any]] = []  # {"seq", "id", "deleted"}
        self.labels: dict[str, str] = {"red": "Red", "blue": "Blue"}
        self.broken: set[str] = set()  # ids served without a name: the job must fail them
        self.faults: dict[str, list[int]] = {}  # path -> statuses for the next requests
        self.requests: list[str] = []
        self.hold: Hold | None = None
        self._holds: list[Hold] = []
        self.url = ""
        self._loop: asyncio.AbstractEventLoop | None = None
        self._runner: web.AppRunner | None = None
        self._thread: threading.Thread | None = None
        for i in range(items):
            self.put(f"item-{i:05d}", name=f"Item {i}", price=i)

    # ---- data ----------------------------------------------------------------

    @property
    def seq(self) -> int:
        return len(self.changes)

    def put(self, item_id: str, **fields: Any) -> dict[str, Any]:
        with self.lock:
            current = self.items.get(item_id)
            version = (current["version"] + 1) if current else 1
            item = {
                "id": item_id,
                "name": f"Item {item_id}",
                "price": 0,
                "tags": [],
                "active": True,
                **(current or {}),
                **fields,
                "version": version,
                "updated_at": (BASE_TIME + timedelta(seconds=len(self.changes))).isoformat(),
            }
            self.items[item_id] = item
            self.changes.append({"seq": len(self.changes) + 1, "id": item_id, "deleted": False})
            return item

    def remove(self, item_id: str) -> None:
        with self.lock:
            del self.items[item_id]
            self.changes.append({"seq": len(self.changes) + 1, "id": item_id, "deleted": True})

    def _served(self, item: dict[str, Any]) -> dict[str, Any]:
        if item["id"] in self.broken:
            return {k: v for k, v in item.items() if k != "name"}
        return dict(item)

    # ---- HTTP ----------------------------------------------------------------

    async def _gate(self, request: web.Request) -> web.Response | None:
        self.requests.append(request.path_qs)
        if request.headers.get("Authorization") != f"Bearer {self.token}":
            sent = request.headers.get("Authorization", "").removeprefix("Bearer ")
            return web.json_response({"error": f"invalid token {sent}"}, status=401)
        hold = self.hold
        if hold is not None and request.path == hold.path:
            self._holds.append(hold)
            hold.seen += 1
            if hold.seen > hold.after:
                hold.arrived.set()
                await asyncio.to_thread(hold.release.wait, 30)
        queued = self.faults.get(request.path)
        if queued:
            status = queued.pop(0)
            if status:
                return web.json_response({"error": "injected"}, status=status)
        return None

    async def list_items(self, request: web.Request) -> web.Response:
        if (stop := await self._gate(request)) is not None:
            return stop
        page = int(request.query.get("page", "1"))
        size = int(request.query.get("page_size", "20"))
        with self.lock:
            ordered = [self._served(self.items[k]) for k in sorted(self.items)]
            seq = self.seq
        total_page = max(1, -(-len(ordered) // size))
        chunk = ordered[(page - 1) * size : page * size]
        return web.json_response(
            {
                "items": chunk,
                "total_count": len(ordered),
                "total_page": total_page,
                "current_page": page,
                "current_size": len(chunk),
                "seq": seq,
            }
        )

    async def list_changes(self, request: web.Request) -> web.Response:
        if (stop := await self._gate(request)) is not None:
            return stop
        pos = int(request.query.get("pos") or "0")
        size = int(request.query.get("size", "20"))
        with self.lock:
            window = self.changes[pos : pos + size]
            out = []
            for change in window:
                item = self.items.get(change["id"])
                out.append(
                    {
                        **change,
                        "item": None if change["deleted"] or item is None else self._served(item),
                    }
                )
            remaining = len(self.changes) > pos + size
        return web.json_response(
            {"changes": out, "next_pos": pos + len(window), "has_remaining": remaining}
        )

    async def get_item(self, request: web.Request) -> web.Response:
        if (stop := await self._gate(request)) is not None:
            return stop
        with self.lock:
            item = self.items.get(request.match_info["item_id"])
            served = None if item is None else self._served(item)
        if served is None:
            return web.json_response({"error": "not found"}, status=404)
        return web.json_response(served)

    async def list_labels(self, request: web.Request) -> web.Response:
        if (stop := await self._gate(request)) is not None:
            return stop
        with self.lock:
            labels = [{"code": c, "title": t} for c, t in sorted(self.labels.items())]
        return web.json_response({"labels": labels})

    async def stats(self, request: web.Request) -> web.Response:
        if (stop := await self._gate(request)) is not None:
            return stop
        with self.lock:
            return web.json_response({"count": len(self.items)})

    # ---- lifetime ------------------------------------------------------------

    def _app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/v1/items", self.list_items)
        app.router.add_get("/v1/items/{item_id}", self.get_item)
        app.router.add_get("/v1/changes", self.list_changes)
        app.router.add_get("/v1/labels", self.list_labels)
        app.router.add_get("/v1/stats", self.stats)
        return app

    def start(self) -> None:
        ready = threading.Event()

        def serve() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop

            async def boot() -> None:
                self._runner = web.AppRunner(self._app(), access_log=None)
                await self._runner.setup()
                site = web.TCPSite(self._runner, "127.0.0.1", 0)
                await site.start()
                port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
                self.url = f"http://127.0.0.1:{port}"
                ready.set()

            loop.run_until_complete(boot())
            loop.run_forever()
            loop.run_until_complete(self._runner.cleanup())  # type: ignore[union-attr]
            loop.close()

        self._thread = threading.Thread(target=serve, name="catalog-remote", daemon=True)
        self._thread.start()
        if not ready.wait(10):
            raise RuntimeError("the fake catalog did not start")

    def stop(self) -> None:
        for hold in [*self._holds, *([self.hold] if self.hold else [])]:
            hold.release.set()
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
        if self._thread is not None:
            self._thread.join(10)


@contextmanager
def running_remote(items: int = 0) -> Iterator[CatalogRemote]:
    remote = CatalogRemote(items)
    remote.start()
    try:
        yield remote
    finally:
        remote.stop()
