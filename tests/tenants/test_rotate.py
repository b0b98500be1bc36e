from cryptography.fernet import Fernet
from sqlalchemy import select

from hub.context import HubContext
from hub.tenants.config_store import ConfigStore
from hub.tenants.crypto import KeyRing, key_id
from hub.tenants.models import ProviderConfig
from hub.tenants.rotate import key_usage, rotate_secrets
from hub.tenants.schemas import ConfigCreate
from tests.tenants.conftest import make_config, make_tenant


async def _key_ids(ctx: HubContext) -> dict[str, str | None]:
    async with ctx.db.session() as s:
        rows = await s.execute(select(ProviderConfig.id, ProviderConfig.secrets_key_id))
        return {r.id: r.secrets_key_id for r in rows}


async def test_rotation_moves_every_row_to_new_key(ctx: HubContext, secret_key: str) -> None:
    await make_tenant(ctx)
    created = [await make_config(ctx, name=f"c{i}", api_key=f"good-key-{i:06d}") for i in range(5)]
    app = await make_config(
        ctx, provider="multi", kind="app", name="app", config={"app_id": "a", "app_secret": "s"}
    )
    old_id = key_id(secret_key)
    assert await key_usage(ctx.db) == {old_id: 6}

    new_key = Fernet.generate_key().decode()
    ring = KeyRing([new_key, secret_key])
    report = await rotate_secrets(ctx.db, ring, batch_size=2)
    assert report.rotated == 6
    assert report.already_current == 0
    assert report.failed == []
    assert set((await _key_ids(ctx)).values()) == {key_id(new_key)}
    assert await key_usage(ctx.db) == {key_id(new_key): 6}

    again = await rotate_secrets(ctx.db, ring, batch_size=2)
    assert (again.rotated, again.already_current, again.failed) == (0, 6, [])

    only_new = ConfigStore(ctx.db, KeyRing([new_key]), ctx.providers)
    for i, record in enumerate(created):
        _, values = await only_new.load(record.id)
        assert values.api_key.get_secret_value() == f"good-key-{i:06d}"
    _, values = await only_new.load(app.id)
    assert values.app_secret.get_secret_value() == "s"


async def test_unreadable_row_is_reported_and_others_rotate(
    ctx: HubContext, secret_key: str
) -> None:
    await make_tenant(ctx)
    good = [await make_config(ctx, name=f"c{i}") for i in range(3)]
    foreign_key = Fernet.generate_key().decode()
    foreign_store = ConfigStore(ctx.db, KeyRing([foreign_key]), ctx.providers)
    foreign = await foreign_store.create(
        ConfigCreate(
            tenant="acme",
            provider="example",
            name="foreign",
            config={"api_key": "good-foreign-0001"},
        )
    )

    new_key = Fernet.generate_key().decode()
    report = await rotate_secrets(ctx.db, KeyRing([new_key, secret_key]), batch_size=1)
    assert report.rotated == 3
    assert [row_id for row_id, _ in report.failed] == [foreign.id]
    assert "cannot be decrypted" in report.failed[0][1]
    assert foreign_key not in report.failed[0][1]

    ids = await _key_ids(ctx)
    assert {ids[r.id] for r in good} == {key_id(new_key)}
    assert ids[foreign.id] == key_id(foreign_key)
    _, values = await foreign_store.load(foreign.id)
    assert values.api_key.get_secret_value() == "good-foreign-0001"
