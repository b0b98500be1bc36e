"""Fixtures of the CLI tests: the real `hub` command line against the fake Tencent Meeting.

A command runs the way a user runs it: `CliRunner` invokes the hub's click
group (with the plugin's `hub_commands`) and `CliState`, and the command opens
the hub's services itself (`with_hub`, its own event loop). So the fake
cannot live in the test's event loop, which the command would block: it runs
in a thread with a loop of its own, on 127.0.0.1. Its state is only touched
between commands. The database is SQLite and, with `HUB_TEST_POSTGRES_URL`,
PostgreSQL.
"""

import asyncio
import threading
import time
from collections.abc import Iterator

import pytest
from aiohttp import web
from click.testing import Result
from hub.testing import Invoke, as_json

from ..fake_server import FakeTencentMeeting
from ..fake_server.users import add_user

ADMIN = "admin01"


@pytest.fixture
def fake() -> Iterator[FakeTencentMeeting]:
    """The fake Tencent Meeting, served from a thread of its own, with the operator `admin01`."""
    fake = FakeTencentMeeting()
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

    thread = threading.Thread(target=serve, name="fake-tencent-meeting", daemon=True)
    thread.start()
    assert ready.wait(10), "the fake did not start"
    host, port = runner.addresses[0][:2]
    fake.base_url = f"http://{host}:{port}"
    add_user(fake, ADMIN, "Admin", phone="13800000000", role_code="super_admin")
    yield fake
    loop.call_soon_threadsafe(loop.stop)
    thread.join(10)


@pytest.fixture(autouse=True)
def shanghai_time(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Commands show local times; make "local" the same on every machine."""
    monkeypatch.setenv("TZ", "Asia/Shanghai")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def hub(invoke: Invoke) -> Invoke:
    """Run `hub ARGS...` in-process (hub.testing's `invoke`)."""
    return invoke


def tm(hub: Invoke, *args: str, ok: bool = True, input: str | None = None) -> Result:
    """`hub tencent-meeting ARGS...`."""
    return hub("tencent-meeting", *args, ok=ok, input=input)


def signature_settings(fake: FakeTencentMeeting) -> list[str]:
    """`--set`/`--secret` options of a signature-mode config for the fake."""
    values = {
        "auth_mode": "signature", "app_id": fake.app_id, "sdk_id": fake.sdk_id,
        "secret_id": fake.secret_id, "operator_id": ADMIN, "base_url": fake.base_url,
    }  # fmt: skip
    options = [f"--set={k}={v}" for k, v in values.items()]
    return [*options, f"--secret=secret_key={fake.secret_key}"]


@pytest.fixture
def config_id(hub: Invoke, fake: FakeTencentMeeting) -> str:
    """Tenant `acme` with its default Tencent Meeting config, created through the CLI."""
    hub("tenants", "create", "acme", "--name", "Acme")
    created = tm(hub, "config", "create", "--tenant", "acme", *signature_settings(fake), "--json")
    return str(as_json(created)["id"])


ACME = ("--tenant", "acme")


def fields(text: str) -> dict[str, str]:
    """The `name  value` lines of a command's detail output (nested lines left out)."""
    out = {}
    for line in text.splitlines():
        if line and not line.startswith(" ") and not line.endswith(":"):
            name, _, value = line.partition(" ")
            out[name] = value.strip()
    return out
