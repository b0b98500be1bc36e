from hub.context import CTX_KEY


async def test_healthz_is_alive(client) -> None:
    resp = await client.get("/healthz")
    assert resp.status == 200
    assert (await resp.json())["status"] == "ok"


async def test_readyz_reports_database_migrations_and_plugins(client) -> None:
    resp = await client.get("/readyz")
    body = await resp.json()
    assert resp.status == 200, body
    assert body["checks"]["database"]["status"] == "ok"
    assert body["checks"]["migrations"]["status"] == "ok"
    assert body["plugins"]["example"]["status"] == "ok"


async def test_readyz_degrades_on_plugin_error_without_failing(client, example_plugin) -> None:
    example_plugin.health = {"status": "error", "detail": "stream down"}
    resp = await client.get("/readyz")
    body = await resp.json()
    assert resp.status == 200
    assert body["status"] == "degraded"
    assert body["plugins"]["example"] == {"status": "error", "detail": "stream down"}


async def test_readyz_503_when_migrations_pending(client) -> None:
    ctx = client.app[CTX_KEY]
    async with ctx.db.engine.begin() as conn:
        await conn.exec_driver_sql("DELETE FROM alembic_version")
    resp = await client.get("/readyz")
    assert resp.status == 503
    body = await resp.json()
    assert body["checks"]["migrations"]["status"] == "error"


async def test_metrics_exposes_requests_plugins_and_configs(client) -> None:
    await client.get("/healthz")
    resp = await client.get("/metrics")
    assert resp.status == 200
    text = await resp.text()
    assert 'hub_http_requests_total{method="GET",route="/healthz",status="200"}' in text
    assert 'hub_plugin_status{plugin="example",status="loaded"} 1.0' in text
