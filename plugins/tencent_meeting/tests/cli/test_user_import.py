"""The import's bookkeeping when it is interrupted (Ctrl-C cancels the command's task).

A provider that never answers holds the creates in flight; cancelling the
import must leave those rows `unknown` (they may have been created) and the
rest `not_attempted`, so the report tells the truth.
"""

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from hub.context import HubContext

from hub_tencent_meeting.cli import user_import
from hub_tencent_meeting.client import TencentMeeting
from hub_tencent_meeting.client.base import TencentMeetingClient
from hub_tencent_meeting.config import TencentMeetingConfig


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    return f"sqlite+aiosqlite:///{tmp_path}/hub.db"  # the database plays no part here


async def test_an_interrupted_import_reports_rows_in_flight_as_unknown(
    ctx: HubContext, aiohttp_server: Callable[..., Awaitable[TestServer]]
) -> None:
    arrived: list[bytes] = []
    release = asyncio.Event()

    async def create(request: web.Request) -> web.Response:
        arrived.append(await request.read())
        await release.wait()  # Tencent never answers
        return web.json_response({})

    app = web.Application()
    app.router.add_post("/v1/users", create)
    server = await aiohttp_server(app)
    config = TencentMeetingConfig(
        app_id="1", secret_id="id", secret_key="key", operator_id="admin01",
        base_url=str(server.make_url("")),
    )  # fmt: skip
    api = TencentMeeting(TencentMeetingClient(ctx.http, None, config))
    parsed = user_import.parse(
        "userid,username,phone\n" + "".join(f"c{i},C {i},1390000000{i}\n" for i in range(5))
    )
    importer = user_import.Importer(api, parsed.valid, batch_size=100, concurrency=2)
    task = asyncio.create_task(importer.run())
    for _ in range(500):
        if len(arrived) == 2:
            break
        await asyncio.sleep(0.01)
    assert len(arrived) == 2
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    release.set()
    outcomes = [(r.row, r.outcome) for r, _ in parsed.valid]
    assert outcomes == [
        (2, "unknown"), (3, "unknown"), (4, "not_attempted"), (5, "not_attempted"),
        (6, "not_attempted"),
    ]  # fmt: skip
    assert "check with `user show`" in (parsed.valid[0][0].error or "")
    report = user_import.report_csv([r for r, _ in parsed.valid]).splitlines()
    assert report[1].startswith("2,c0,unknown,interrupted while being created")
