"""`hub run` and the CLI as a user runs them: real processes, a real port, a real pty."""

import json
import os
import pty
import select
import signal
import socket
import stat
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest

HUB = str(Path(sys.executable).parent / "hub")
API_SECRET = "api-secret-value-5b1e77"
CLI_SECRET = "cli-secret-value-c0ffee"
PROMPT_SECRET = "prompt-secret-value-9d2"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _env(tmp_path: Path, site: Path, port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HUB_")}
    env.update(
        PYTHONPATH=str(site),
        HUB_DATA_DIR=str(tmp_path / "var"),
        HUB_PORT=str(port),
        HUB_LOG_FORMAT="json",
        HUB_CONFIG_POLL_SECONDS="0.2",
    )
    return env


def _http(method: str, url: str, token: str | None = None, body: Any = None) -> tuple[int, Any]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method)
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=10) as resp:
            return resp.status, json.loads(resp.read() or b"null")
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"null")


def _wait_ready(base: str, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"hub run exited early: {proc.communicate()}")
        try:
            if _http("GET", base + "/healthz")[0] == 200:
                return
        except OSError:
            time.sleep(0.1)
    raise AssertionError("hub run did not answer /healthz")


def test_hub_run_end_to_end(tmp_path: Path, installed_test_plugins: Path) -> None:
    port = _free_port()
    env = _env(tmp_path, installed_test_plugins, port)
    base = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen(
        [HUB, "run"], cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        _wait_ready(base, proc)
        var = tmp_path / "var"
        for name in ("secret_keys", "admin_token"):
            assert stat.S_IMODE((var / name).stat().st_mode) == 0o600
        token = (var / "admin_token").read_text().strip()

        status, plugins = _http("GET", base + "/api/admin/plugins", token)
        assert status == 200
        by_name = {p["name"]: p for p in plugins["items"]}
        assert by_name["test_example"]["status"] == "loaded"
        assert by_name["broken_import"]["status"] == "failed"
        assert _http("GET", base + "/api/test-example/hello")[0] == 200

        assert _http("POST", base + "/api/admin/tenants", token,
                     {"slug": "acme", "name": "Acme"})[0] == 201
        status, created = _http("POST", base + "/api/admin/configs", token, {
            "tenant": "acme", "provider": "test_example", "name": "api",
            "config": {"token": API_SECRET},
        })
        assert status == 201
        assert created["config"]["token"] == "***"

        cli = subprocess.run(
            [HUB, "configs", "create", "--tenant", "acme", "--provider", "test_example",
             "--name", "cli", "--secret", f"token={CLI_SECRET}", "--json"],
            cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60,
        )
        assert cli.returncode == 0, cli.stderr
        assert json.loads(cli.stdout)["config"]["token"] == "***"
        assert CLI_SECRET not in cli.stdout + cli.stderr

        status, listed = _http("GET", base + "/api/admin/configs?tenant=acme", token)
        assert [c["name"] for c in listed["items"]] == ["api", "cli"]
        assert API_SECRET not in json.dumps(listed) and CLI_SECRET not in json.dumps(listed)
        assert _http("GET", base + "/api/admin/configs", "wrong-token")[0] == 401
    finally:
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err.decode()[-2000:]
    logs = (out + err).decode()
    lines = [json.loads(line) for line in logs.splitlines() if line.startswith("{")]
    events = [line["event"] for line in lines]
    assert "starting" in events and "stopped" in events
    assert any(line.get("path") == str((tmp_path / "var" / "admin_token").resolve())
               for line in lines)
    keys = (tmp_path / "var" / "secret_keys").read_text().split()
    raw_db = b"".join(p.read_bytes() for p in (tmp_path / "var").glob("hub.db*"))
    for secret in (API_SECRET, CLI_SECRET, token, *keys):
        assert secret not in logs
        assert secret.encode() not in raw_db


def test_hub_run_refuses_bad_settings_in_one_line(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HUB_")}
    env["HUB_PORT"] = "not-a-port"
    result = subprocess.run([HUB, "run"], cwd=tmp_path, env=env, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 2
    assert result.stderr.startswith("error: invalid setting: HUB_PORT")
    assert "Traceback" not in result.stderr


def test_hub_run_reports_busy_port_in_one_line(tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        env = {k: v for k, v in os.environ.items() if not k.startswith("HUB_")}
        env.update(HUB_DATA_DIR=str(tmp_path / "var"), HUB_PORT=str(busy.getsockname()[1]))
        result = subprocess.run([HUB, "run"], cwd=tmp_path, env=env, capture_output=True,
                                text=True, timeout=60)
    assert result.returncode == 1
    assert "error:" in result.stderr
    assert "Traceback" not in result.stderr


def _run_in_pty(argv: list[str], env: dict[str, str], cwd: Path, answer: str) -> tuple[int, str]:
    master, slave = pty.openpty()
    proc = subprocess.Popen(argv, cwd=cwd, env=env, stdin=slave, stdout=slave, stderr=slave)
    os.close(slave)
    seen, answered = b"", False
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(master, 4096)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
        if not answered and b"token:" in seen:
            os.write(master, answer.encode() + b"\n")
            answered = True
        if proc.poll() is not None and not ready:
            break
    os.close(master)
    return proc.wait(timeout=30), seen.decode(errors="replace")


@pytest.mark.skipif(not hasattr(pty, "openpty"), reason="needs a pseudo-terminal")
def test_missing_secret_is_prompted_without_echo(
    tmp_path: Path, installed_test_plugins: Path
) -> None:
    env = _env(tmp_path, installed_test_plugins, _free_port())
    subprocess.run([HUB, "tenants", "create", "acme", "--name", "Acme"], cwd=tmp_path, env=env,
                   check=True, capture_output=True, timeout=60)
    code, screen = _run_in_pty(
        [HUB, "configs", "create", "--tenant", "acme", "--provider", "test_example", "--json"],
        env, tmp_path, PROMPT_SECRET,
    )
    assert code == 0, screen
    assert "token:" in screen
    assert '"token": "***"' in screen
    assert PROMPT_SECRET not in screen
