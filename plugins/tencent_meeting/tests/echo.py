"""Test-only routes on the fake that echo what arrived (not Tencent endpoints).

They let the client tests compare what was signed with what the server
received, and give OAuth tests an authenticated route of no particular API.
"""

from collections.abc import Awaitable, Callable

from aiohttp import web
from aiohttp.test_utils import TestServer

from .fake_server import FakeTencentMeeting

ECHO = "/v1/hub-test/echo"


def add_echo_routes(fake: FakeTencentMeeting, app: web.Application) -> None:
    async def echo(request: web.Request) -> web.Response:
        body = await request.read()
        return fake.ok(
            {
                "method": request.method,
                "raw_path": request.raw_path,
                "query": dict(request.query),
                "body": body.decode(),
                "open_id": request.headers.get("OpenId"),
            }
        )

    async def empty(request: web.Request) -> web.Response:
        return web.Response(status=200)

    async def not_object(request: web.Request) -> web.Response:
        return web.json_response([1, 2])

    async def text(request: web.Request) -> web.Response:
        return web.Response(text="<html>gateway</html>")

    for method in ("GET", "POST", "PUT", "DELETE"):
        app.router.add_route(method, ECHO, echo)
        app.router.add_route(method, ECHO + "/{item}", echo)
    app.router.add_post("/v1/hub-test/empty", empty)
    app.router.add_get("/v1/hub-test/list", not_object)
    app.router.add_get("/v1/hub-test/text", text)


async def echo_fake(aiohttp_server: Callable[..., Awaitable[TestServer]]) -> FakeTencentMeeting:
    """A started fake with the echo routes."""
    fake = FakeTencentMeeting()
    app = fake.app()
    add_echo_routes(fake, app)
    server = await aiohttp_server(app)
    fake.base_url = str(server.make_url("/")).rstrip("/")
    return fake
