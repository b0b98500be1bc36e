"""The plugin in a running hub: provider, migrations, "test connection", config changes."""

from typing import Any

from aiohttp.test_utils import TestClient
from hub.context import CTX_KEY, HubContext
from hub.plugins import Plugins
from hub.tenants.records import ConfigRecord
from hub.tenants.schemas import ConfigUpdate
from sqlalchemy import inspect

import hub_tencent_meeting.plugin as plugin
from hub_tencent_meeting.client.base import TencentMeetingClient, check_connection
from hub_tencent_meeting.config import TencentMeetingConfig
from hub_tencent_meeting.webhooks import WEBHOOK_HANDLER

from .conftest import make_config, signature_values
from .fake_server import FakeTencentMeeting


def test_registered_hooks(plugins: Plugins) -> None:
    record = plugins.records["tencent_meeting"]
    assert record.status == "loaded"
    assert {"hub_providers", "hub_migrations", "hub_config_changed", "hub_subscribers"} <= set(
        record.hooks
    )


def test_provider() -> None:
    provider = plugin.hub_providers()
    assert provider.name == "tencent_meeting"
    (kind,) = provider.kinds
    assert kind.model is TencentMeetingConfig
    assert kind.test is check_connection
    assert kind.webhook is WEBHOOK_HANDLER
    assert sorted(kind.secret_fields) == ["encoding_aes_key", "secret_key", "webhook_token"]


async def test_migrations(ctx: HubContext) -> None:
    assert await ctx.pending_migrations() == set()
    async with ctx.db.engine.connect() as conn:
        tables, columns, version = await conn.run_sync(
            lambda sync: (
                inspect(sync).get_table_names(),
                {c["name"] for c in inspect(sync).get_columns("tencent_meeting_oauth_tokens")},
                sync.exec_driver_sql(
                    "SELECT version_num FROM alembic_version_tencent_meeting"
                ).scalar(),
            )
        )
    assert "tencent_meeting_oauth_tokens" in tables
    assert {"config_id", "open_id", "key_id", "ciphertext", "expires_at", "updated_at"} <= columns
    assert version == "tencent_meeting_0001"


def seed_operator(fake: FakeTencentMeeting, userid: str = "admin01") -> None:
    fake.state.users[userid] = {"userid": userid, "username": "Admin One", "status": "1"}


async def test_connection_test_ok(
    client: TestClient, admin_headers: dict[str, str], fake: FakeTencentMeeting
) -> None:
    ctx = client.app[CTX_KEY]
    seed_operator(fake)
    record = await make_config(ctx, signature_values(fake))
    response = await client.post(f"/api/admin/configs/{record.id}/test", headers=admin_headers)
    assert response.status == 200, await response.text()
    outcome = await response.json()
    assert outcome["ok"] is True
    assert outcome["message"] == f"connected to AppId {fake.app_id} as Admin One"
    assert fake.hits("/v1/users/info/basic")


async def test_connection_test_reports_tencents_message(
    ctx: HubContext, fake: FakeTencentMeeting
) -> None:
    record = await make_config(ctx, signature_values(fake, secret_key="wrong-key-0123"))
    outcome = await ctx.configs.test(record.id)
    assert (outcome.ok, outcome.state) == (False, "needs_reauth")
    assert outcome.message == (
        "Tencent Meeting refused the credentials: signature verification failed"
    )
    assert (await ctx.configs.get(record.id)).state == "needs_reauth"


async def test_connection_test_without_operator(
    ctx: HubContext, fake: FakeTencentMeeting
) -> None:
    record = await make_config(ctx, signature_values(fake, operator_id=None))
    outcome = await ctx.configs.test(record.id)
    assert outcome.ok, outcome.message
    assert outcome.message is not None
    assert outcome.message.startswith(f"credentials accepted by AppId {fake.app_id}")
    assert fake.hits("/v1/users/list")


async def test_connection_test_other_failures(ctx: HubContext, fake: FakeTencentMeeting) -> None:
    seed_operator(fake)
    record = await make_config(ctx, signature_values(fake))
    fake.fail_next("/v1/users/info/basic", (400, 9042, "no permission"))
    outcome = await ctx.configs.test(record.id)
    assert (outcome.ok, outcome.state) == (False, "error")
    assert outcome.message == "Tencent Meeting answered (9042): no permission"
    fake.clock_offset = 600
    outcome = await ctx.configs.test(record.id)
    assert not outcome.ok and outcome.message is not None and "clock" in outcome.message


async def test_config_change_drops_cached_state(
    ctx: HubContext, fake: FakeTencentMeeting, config: ConfigRecord, tm: TencentMeetingClient
) -> None:
    seed_operator(fake)
    await tm.call("GET", "/v1/users/info/basic", query=tm.operator())

    def used() -> int:
        limit = TencentMeetingClient.rate_limits[0]
        return ctx.http.limiter.window("tencent_meeting", config.id, limit).in_window

    assert used() == 1
    other: Any = type("Record", (), {"provider": "other", "id": config.id})()
    plugin.hub_config_changed(ctx, other)
    assert used() == 1  # another provider's config with the same id: none of ours
    plugin.hub_config_changed(ctx, await ctx.configs.get(config.id))
    assert used() == 0


async def test_disabled_in_a_running_hub(
    client: TestClient, admin_headers: dict[str, str], fake: FakeTencentMeeting
) -> None:
    ctx = client.app[CTX_KEY]
    record = await make_config(ctx, signature_values(fake))
    await ctx.configs.update(record.id, ConfigUpdate(enabled=False))
    response = await client.post(f"/api/admin/configs/{record.id}/test", headers=admin_headers)
    assert response.status == 409
    assert (await response.json())["code"] == "config_disabled"
