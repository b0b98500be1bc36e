"""Webhook intake: durable webhooks/s and ack latency, against a bare aiohttp handler.

Starts `hub run` on SQLite in a temporary directory with the HMAC test plugin
(tests/plugins/hub_test_hmac, installed into that directory), creates a config,
and has concurrent senders on loopback POST signed webhooks for a fixed time.
A 2xx means the webhook was verified and committed. The same load then goes to
a bare aiohttp server whose handler reads the body and answers `{"ok": true}`.
Prints requests/s and p50/p99 latency of both, the ratio, and how long the hub
took to turn the stored webhooks into events and subscriber rows afterwards.

The load generator is one Python process on the same cores as the server, so
the figures are a floor for what the server alone can do.

    .venv/bin/python bench/webhook_ingest.py [--seconds 10] [--concurrency 48]
"""

import argparse
import asyncio
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PLUGIN = ROOT / "tests" / "plugins" / "hub_test_hmac"
HUB = str(Path(sys.executable).parent / "hub")
SECRET = "bench-webhook-secret-0123456789"

BARE_SERVER = """
import sys
from aiohttp import web

async def ok(request):
    await request.read()
    return web.json_response({"ok": True})

app = web.Application()
app.router.add_post("/webhooks/{provider}/{config_id}", ok)
app.router.add_get("/healthz", lambda request: web.json_response({"status": "ok"}))
web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), access_log=None, print=None)
"""


@dataclass
class Result:
    requests: int
    errors: int
    seconds: float
    latencies: list[float]

    @property
    def rate(self) -> float:
        return self.requests / self.seconds

    def pct(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_ready(url: str, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server exited early: {proc.communicate()}")
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("server did not become ready")


def install_plugin(target: Path) -> None:
    sources = target.parent / "plugin-src"
    subprocess.run(["cp", "-r", str(PLUGIN), str(sources)], check=True)
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation",
         "--no-index", "--disable-pip-version-check", "--target", str(target), str(sources)],
        check=True,
    )  # fmt: skip


def request_bytes(path: str, port: int, body: bytes, headers: dict[str, str]) -> bytes:
    head = [f"POST {path} HTTP/1.1", f"Host: 127.0.0.1:{port}",
            f"Content-Length: {len(body)}", "Content-Type: application/json"]  # fmt: skip
    head += [f"{name}: {value}" for name, value in headers.items()]
    return ("\r\n".join(head) + "\r\n\r\n").encode() + body


async def exchange(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes
) -> int:
    """One request on a kept-alive connection; returns the response status."""
    writer.write(request)
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    length = 0
    for line in head.split(b"\r\n"):
        if line[:15].lower() == b"content-length:":
            length = int(line[15:])
    await reader.readexactly(length)
    return status


async def load(port: int, path: str, seconds: float, concurrency: int, run: str) -> Result:
    """Concurrent keep-alive senders, each a minimal HTTP/1.1 client on one connection.

    Requests (signed bodies with unique message ids) are built before the
    clock starts. A minimal client costs a fraction of a full one, so more of
    the shared cores is left to the server under test.
    """
    sys.path.insert(0, str(PLUGIN))
    from hub_test_hmac.signing import message
    from hub_test_hmac.signing import sign as plugin_sign

    per_sender = int(seconds * 12_000 / concurrency) + 100
    requests = [
        [
            request_bytes(path, port, body, plugin_sign(SECRET, body))
            for body in (message(f"{run}-{n}-{i}", "benchmark message")
                         for i in range(per_sender))
        ]
        for n in range(concurrency)
    ]  # fmt: skip
    latencies: list[float] = []
    errors = 0
    deadline = 0.0

    async def sender(mine: list[bytes]) -> None:
        nonlocal errors
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            for request in mine:
                if time.perf_counter() >= deadline:
                    return
                start = time.perf_counter()
                status = await exchange(reader, writer, request)
                if status >= 300:
                    errors += 1
                    continue
                latencies.append(time.perf_counter() - start)
        finally:
            writer.close()

    started = time.perf_counter()
    deadline = started + seconds
    await asyncio.gather(*(sender(r) for r in requests))
    elapsed = time.perf_counter() - started
    return Result(len(latencies), errors, elapsed, latencies)


def hub_env(tmp: Path, site: Path, port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HUB_")}
    env.update(
        PYTHONPATH=str(site),
        HUB_DATA_DIR=str(tmp / "var"),
        HUB_PORT=str(port),
        HUB_LOG_LEVEL="warning",
        HUB_LOG_FORMAT="json",
    )
    return env


def counts(db: Path) -> tuple[int, int, int]:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30) as conn:
        pending = conn.execute("SELECT count(*) FROM hub_webhooks WHERE status='pending'")
        total = conn.execute("SELECT count(*) FROM hub_webhooks")
        effects = conn.execute("SELECT count(*) FROM test_hmac_messages")
        return pending.fetchone()[0], total.fetchone()[0], effects.fetchone()[0]


def wait_drained(db: Path, within: float = 600.0) -> float:
    """Seconds until every stored webhook has its subscriber row."""
    started = time.perf_counter()
    while time.perf_counter() - started < within:
        pending, total, effects = counts(db)
        if pending == 0 and effects >= total:
            break
        time.sleep(0.2)
    return time.perf_counter() - started


def bench_hub(tmp: Path, seconds: float, concurrency: int) -> tuple[Result, float, int]:
    site = tmp / "site"
    install_plugin(site)
    port = free_port()
    env = hub_env(tmp, site, port)

    def cli(*args: str) -> str:
        done = subprocess.run([HUB, *args], env=env, cwd=tmp, capture_output=True, text=True)
        if done.returncode != 0:
            raise SystemExit(f"hub {' '.join(args[:2])} failed: {done.stderr}")
        return done.stdout

    cli("tenants", "create", "bench", "--name", "Bench")
    config = json.loads(
        cli("configs", "create", "--tenant", "bench", "--provider", "test_hmac",
            "--secret", f"secret={SECRET}", "--json")
    )  # fmt: skip
    with (tmp / "hub.log").open("wb") as log:
        proc = subprocess.Popen([HUB, "run"], env=env, cwd=tmp, stderr=log)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_ready(base, proc)
        path = f"/webhooks/test_hmac/{config['id']}"
        db = tmp / "var" / "hub.db"
        asyncio.run(load(port, path, 1.0, concurrency, "warmup"))
        # Start the measured burst from a settled hub, as a burst after a quiet time.
        wait_drained(db)
        result = asyncio.run(load(port, path, seconds, concurrency, "run"))
        drained = wait_drained(db)
        total = counts(db)[1]
        return result, drained, total
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=60)


def bench_bare(seconds: float, concurrency: int) -> Result:
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-c", BARE_SERVER, str(port)])
    try:
        base = f"http://127.0.0.1:{port}"
        wait_ready(base, proc)
        path = "/webhooks/test_hmac/bare"
        asyncio.run(load(port, path, 1.0, concurrency, "warmup"))
        return asyncio.run(load(port, path, seconds, concurrency, "run"))
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--concurrency", type=int, default=48)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="hub-bench-") as tmp:
        hub, drained, stored = bench_hub(Path(tmp), args.seconds, args.concurrency)
    bare = bench_bare(args.seconds, args.concurrency)
    print(f"webhook intake, SQLite, {args.concurrency} concurrent senders, {args.seconds:.0f} s, "
          f"{os.cpu_count()} cores shared with the load generator")  # fmt: skip
    print(f"{'':10} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}")
    for name, r in (("hub", hub), ("bare", bare)):
        print(f"{name:10} {r.rate:8.0f} {r.pct(0.50):8.2f} {r.pct(0.99):8.2f} {r.errors:7d}")
    print(f"ratio hub/bare throughput: {hub.rate / bare.rate:.2f}")
    print(f"stored webhooks: {stored}; processed into events and subscriber rows "
          f"{drained:.1f} s after the burst ended")  # fmt: skip


if __name__ == "__main__":
    main()
