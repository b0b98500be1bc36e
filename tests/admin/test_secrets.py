"""A secret given to the admin API never comes back out: not in responses, not in
the log, not in the database files."""

from pathlib import Path

from aiohttp.test_utils import TestClient
from sqlalchemy import text

from hub.app import create_app
from hub.context import CTX_KEY, HubContext
from hub.plugins import Plugins
from hub.settings import Settings
from tests.admin.conftest import CONFIGS, Admin
from tests.helpers.logcapture import captured_logs

API_KEY = "good-Sx7kQ2vR9mLw4Tz"
WEBHOOK = "hook-Pn3jF8cY1bHd6Ua"
NEW_KEY = "good-Ge5wN0tZ7qKr2Vi"
BAD_KEY = "bad-Lm4sD9xA2pWc7Fo"
CRASH_KEY = "crash-Yb6hJ1rE8nTq3Kx"
SECRETS = (API_KEY, WEBHOOK, NEW_KEY, BAD_KEY, CRASH_KEY)


async def raw_storage(ctx: HubContext, settings: Settings, tmp_path: Path) -> bytes:
    """What the database holds, as bytes: the SQLite files, or PostgreSQL's raw rows."""
    if ctx.db.dialect == "sqlite":
        files = [tmp_path / "hub.db", tmp_path / "hub.db-wal"]
        return b"".join(f.read_bytes() for f in files if f.exists())
    async with ctx.db.engine.connect() as conn:
        rows = (await conn.execute(text("SELECT * FROM hub_provider_configs"))).all()
    return "\n".join(repr(tuple(row)) for row in rows).encode()


async def test_secrets_never_leave_the_hub(
    aiohttp_client,
    settings: Settings,
    plugins: Plugins,
    admin_headers: dict,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    responses: list[str] = []
    with captured_logs("debug") as logs:
        client: TestClient = await aiohttp_client(create_app(settings, plugins=plugins))
        admin = Admin(client, admin_headers)

        async def call(method: str, path: str, expect: int, json: object = None) -> dict:
            resp = await client.request(method, path, json=json, headers=admin_headers)
            body = await resp.text()
            responses.append(body)
            assert resp.status == expect, body
            return await resp.json() if body else {}

        await admin.tenant("acme")
        good = await call(
            "POST",
            CONFIGS,
            201,
            {
                "tenant": "acme",
                "provider": "example",
                "name": "good",
                "config": {"api_key": API_KEY, "webhook_secret": WEBHOOK},
            },
        )
        failing = []
        for name, key in (("bad", BAD_KEY), ("crash", CRASH_KEY)):
            failing.append(
                await call(
                    "POST",
                    CONFIGS,
                    201,
                    {
                        "tenant": "acme",
                        "provider": "example",
                        "name": name,
                        "config": {"api_key": key},
                    },
                )
            )
        # Rejected submissions carrying the secrets.
        await call(
            "POST",
            CONFIGS,
            422,
            {
                "tenant": "acme",
                "provider": "example",
                "name": "x",
                "config": {"api_key": API_KEY, "retries": API_KEY, "region": WEBHOOK},
            },
        )
        await call(
            "POST",
            CONFIGS,
            409,
            {
                "tenant": "acme",
                "provider": "example",
                "name": "good",
                "config": {"api_key": API_KEY},
            },
        )
        await call("PATCH", f"{CONFIGS}/{good['id']}", 422, {"config": {"retries": NEW_KEY}})

        await call("GET", f"{CONFIGS}/{good['id']}", 200)
        await call("GET", CONFIGS, 200)
        await call("PATCH", f"{CONFIGS}/{good['id']}", 200, {"config": {"region": "intl"}})
        await call("PATCH", f"{CONFIGS}/{good['id']}", 200, {"config": {"api_key": NEW_KEY}})
        await call("POST", f"{CONFIGS}/{good['id']}/test", 200)
        for cfg in failing:
            outcome = await call("POST", f"{CONFIGS}/{cfg['id']}/test", 200)
            assert outcome["ok"] is False
            stored = await call("GET", f"{CONFIGS}/{cfg['id']}", 200)
            assert stored["last_error"]
        await call("POST", f"{CONFIGS}/{good['id']}/disable", 200)
        await call("POST", f"{CONFIGS}/{good['id']}/enable", 200)
        await call("GET", "/api/admin/providers", 200)

        ctx = client.app[CTX_KEY]
        _, values = await ctx.configs.load(good["id"])
        assert values.api_key.get_secret_value() == NEW_KEY  # the secrets are really stored
        raw = await raw_storage(ctx, settings, tmp_path)
        async with ctx.db.session() as s:
            ciphertexts = (
                (await s.execute(text("SELECT secrets_ciphertext FROM hub_provider_configs")))
                .scalars()
                .all()
            )

    assert logs.events("config created") and logs.events("config tested")
    assert all(c and c.encode() in raw for c in ciphertexts)  # we read the right storage
    for secret in SECRETS:
        for body in responses:
            assert secret not in body
        assert secret not in logs.text, secret
        assert secret.encode() not in raw, secret
