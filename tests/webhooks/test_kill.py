"""The hub killed mid-burst: every acknowledged webhook survives, nothing happens twice.

A real `hub run` process with the HMAC test plugin gets 2,000 signed webhooks
from concurrent senders and is SIGKILLed while they arrive. After a restart,
every webhook that was answered 2xx must be stored and have its subscriber row
exactly once; resending all 2,000 must not create a single duplicate.

The kill comes once at least `KILL_AFTER` webhooks were answered, at a moment
when the bus has no delivery running: a delivery interrupted by a kill waits
for its 60-second lease before another run takes it over (the bus's own
recovery, tested with the bus), which would only make this test slow.
"""

import asyncio
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import aiohttp

HUB = str(Path(sys.executable).parent / "hub")
SECRET = "kill-test-secret-88e1"
TOTAL = 2000
KILL_AFTER = 700
CONCURRENCY = 48


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def api(method: str, url: str, token: str, body: Any = None) -> Any:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method)
    request.add_header("Authorization", f"Bearer {token}")
    request.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(request, timeout=10) as resp:
        return json.loads(resp.read())


class Hub:
    def __init__(self, tmp: Path, site: Path) -> None:
        self.tmp = tmp
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("HUB_")}
        self.env.update(
            PYTHONPATH=str(site),
            HUB_DATA_DIR=str(tmp / "var"),
            HUB_PORT=str(self.port),
            HUB_LOG_FORMAT="json",
            HUB_LOG_LEVEL="warning",
        )
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        log = (self.tmp / "hub.log").open("ab")
        self.proc = subprocess.Popen([HUB, "run"], cwd=self.tmp, env=self.env, stderr=log)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, (self.tmp / "hub.log").read_text()[-3000:]
            try:
                with urllib.request.urlopen(self.base + "/readyz", timeout=2) as resp:
                    if resp.status == 200:
                        return
            except OSError:
                time.sleep(0.05)
        raise AssertionError("hub did not become ready")

    def kill(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            self.proc.wait(timeout=30)

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        db = self.tmp / "var" / "hub.db"
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30) as conn:
            return conn.execute(sql).fetchall()


async def burst(url: str, bodies: list[bytes], sign: Any, on_ack: Any = None) -> list[int]:
    """POST every body concurrently; the status per body, 0 when no answer came."""
    statuses = [0] * len(bodies)
    queue = list(range(len(bodies)))
    timeout = aiohttp.ClientTimeout(total=20)
    async with aiohttp.ClientSession(timeout=timeout) as session:

        async def sender() -> None:
            while queue:
                n = queue.pop()
                headers = {**sign(SECRET, bodies[n]), "Content-Type": "application/json"}
                try:
                    async with session.post(url, data=bodies[n], headers=headers) as resp:
                        await resp.read()
                        statuses[n] = resp.status
                except (TimeoutError, aiohttp.ClientError):
                    continue
                if on_ack is not None and 200 <= resp.status < 300:
                    on_ack()

        await asyncio.gather(*(sender() for _ in range(CONCURRENCY)))
    return statuses


def wait_processed(hub: Hub, within: float = 90.0) -> None:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        [(pending,)] = hub.query("SELECT count(*) FROM hub_webhooks WHERE status = 'pending'")
        [(stored,)] = hub.query("SELECT count(*) FROM hub_webhooks")
        [(effects,)] = hub.query("SELECT count(*) FROM test_hmac_messages")
        if pending == 0 and effects == stored:
            return
        time.sleep(0.2)
    raise AssertionError(f"not processed: {pending} pending, {effects}/{stored} effects")


def test_kill_mid_burst(tmp_path: Path, installed_test_plugins: Path) -> None:
    sys.path.insert(0, str(installed_test_plugins))
    try:
        from hub_test_hmac.signing import message, sign
    finally:
        sys.path.remove(str(installed_test_plugins))
    hub = Hub(tmp_path, installed_test_plugins)
    hub.start()
    try:
        token = (tmp_path / "var" / "admin_token").read_text().strip()
        api("POST", hub.base + "/api/admin/tenants", token, {"slug": "acme", "name": "Acme"})
        config = api("POST", hub.base + "/api/admin/configs", token, {
            "tenant": "acme", "provider": "test_hmac", "name": "default",
            "config": {"secret": SECRET},
        })  # fmt: skip
        url = f"{hub.base}/webhooks/test_hmac/{config['id']}"
        ids = [f"kill-{n:04d}" for n in range(TOTAL)]
        bodies = [message(i, f"text {i}") for i in ids]
        acked = 0

        def on_ack() -> None:
            nonlocal acked
            acked += 1
            if hub.proc is None or hub.proc.poll() is not None:
                return
            if acked >= KILL_AFTER and (acked % 10 == 0 or acked > TOTAL * 0.9):
                running = hub.query("SELECT count(*) FROM hub_deliveries WHERE status = 'running'")
                if running[0][0] == 0 or acked > TOTAL * 0.9:
                    hub.kill()

        statuses = asyncio.run(burst(url, bodies, sign, on_ack))
        assert hub.proc is not None and hub.proc.returncode == -signal.SIGKILL
        answered = {ids[n] for n, status in enumerate(statuses) if 200 <= status < 300}
        assert KILL_AFTER <= len(answered) < TOTAL
        assert all(s in (0, 200) for s in statuses)

        hub.start()
        wait_processed(hub)
        stored = {key for (key,) in hub.query("SELECT dedup_key FROM hub_webhooks")}
        effects = dict(hub.query(
            "SELECT message_id, count(*) FROM test_hmac_messages GROUP BY message_id"
        ))  # fmt: skip
        assert answered <= stored
        assert answered <= set(effects)
        assert set(effects.values()) == {1}

        again = asyncio.run(burst(url, bodies, sign))
        assert set(again) == {200}
        wait_processed(hub)
        [(rows, distinct)] = hub.query(
            "SELECT count(*), count(DISTINCT dedup_key) FROM hub_webhooks"
        )
        assert rows == distinct == TOTAL
        [(effect_rows,)] = hub.query("SELECT count(*) FROM test_hmac_messages")
        assert effect_rows == TOTAL
        [(events,)] = hub.query(
            "SELECT count(*) FROM hub_events WHERE type = 'test_hmac.message.received'"
        )
        assert events == TOTAL
        [(duplicates,)] = hub.query("SELECT sum(duplicates) FROM hub_webhooks")
        assert duplicates >= len(answered)
    finally:
        hub.stop()
