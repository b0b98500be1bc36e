"""The real `hub` command line against the fake WeCom.

A command opens the hub's services itself (`with_hub`, its own event loop),
so the fake cannot live in the test's event loop, which the command would
block: it runs in a thread with a loop of its own, on 127.0.0.1. Its state is
only touched between commands. The commands run on SQLite only: they call the
same service as the API, whose queries are tested on SQLite and PostgreSQL
(tests/messages, tests/test_api.py).
"""

import asyncio
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiohttp import web
from click.testing import Result
from hub.testing import Invoke, as_json

from ..fake_wecom import AGENT_ID, CORP_ID, CORP_SECRET, ROBOT_KEY, FakeWeCom


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    return f"sqlite+aiosqlite:///{tmp_path}/hub.db"


@pytest.fixture
def fake() -> Iterator[FakeWeCom]:
    """The fake WeCom, served from a thread of its own."""
    fake = FakeWeCom()
    loop = asyncio.new_event_loop()
    ready = threading.Event()
    runner = web.AppRunner(fake.app(), access_log=None)

    def serve() -> None:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(runner.setup())
        loop.run_until_complete(web.TCPSite(runner, "127.0.0.1", 0).start())
        ready.set()
        loop.run_forever()
        loop.run_until_complete(runner.cleanup())
        loop.close()

    thread = threading.Thread(target=serve, name="fake-wecom", daemon=True)
    thread.start()
    assert ready.wait(10), "the fake did not start"
    host, port = runner.addresses[0][:2]
    fake.base_url = f"http://{host}:{port}"
    yield fake
    loop.call_soon_threadsafe(loop.stop)
    thread.join(10)


@pytest.fixture
def hub(invoke: Invoke) -> Invoke:
    """Run `hub ARGS...` in-process (hub.testing's `invoke`)."""
    return invoke


def wecom(hub: Invoke, *args: str, ok: bool = True, input: str | None = None) -> Result:
    """`hub wecom ARGS...`."""
    return hub("wecom", *args, ok=ok, input=input)


@pytest.fixture
def configs(hub: Invoke, fake: FakeWeCom) -> dict[str, str]:
    """Tenant `acme` with an app config `app` and a robot config `robot`, made with the CLI."""
    hub("tenants", "create", "acme", "--name", "Acme")
    app = wecom(
        hub, "config", "create", "--tenant", "acme", "--kind", "app", "--name", "app",
        f"--set=corp_id={CORP_ID}", f"--set=agent_id={AGENT_ID}",
        f"--set=base_url={fake.base_url}", f"--secret=corp_secret={CORP_SECRET}", "--json",
    )  # fmt: skip
    robot = wecom(
        hub, "config", "create", "--tenant", "acme", "--kind", "robot", "--name", "robot",
        f"--set=base_url={fake.base_url}", f"--secret=webhook_key={ROBOT_KEY}", "--json",
    )  # fmt: skip
    return {"app": str(as_json(app)["id"]), "robot": str(as_json(robot)["id"])}
