"""An in-process plugin whose sync jobs copy the fake catalog (tests/helpers/sync_remote.py).

`items` uses every part of the framework: full runs over pages, incremental
runs over the change feed (with deletions), per-item failures and their
retries, and a consistency check. `labels` is a full-only job with a higher
priority and its own `store`. The tables live in their own metadata; tests
create them with `create_tables`.
"""

from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from typing import Any

import aiohttp
import sqlalchemy as sa
from pydantic import BaseModel, SecretStr, ValidationError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from hub import hookimpl
from hub.db.base import UTCDateTime, utcnow
from hub.providers import Provider
from hub.sync import Batch, ConsistencyReport, SyncJob, SyncRun, checksum

metadata = sa.MetaData()

items_table = sa.Table(
    "catalog_items",
    metadata,
    sa.Column("config_id", sa.String(36), primary_key=True),
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("price", sa.Integer, nullable=False),
    sa.Column("tags", sa.JSON, nullable=False),
    sa.Column("active", sa.Boolean, nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("updated_at", UTCDateTime, nullable=False),
    sa.Column("synced_at", UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow),
)

labels_table = sa.Table(
    "catalog_labels",
    metadata,
    sa.Column("config_id", sa.String(36), primary_key=True),
    sa.Column("code", sa.String(32), primary_key=True),
    sa.Column("title", sa.String(100), nullable=False),
)


async def create_tables(engine: AsyncEngine) -> None:
    async with engine.begin() as conn:
        await conn.run_sync(metadata.create_all)


class CatalogConfig(BaseModel):
    base_url: str
    token: SecretStr
    page_size: int = 20


class RemoteItem(BaseModel):
    id: str
    name: str
    price: int
    tags: list[str]
    active: bool
    version: int
    updated_at: datetime


class CatalogError(Exception):
    pass


class Catalog:
    """A minimal client for the fake catalog: bearer token, JSON, errors as exceptions."""

    def __init__(self, config: CatalogConfig) -> None:
        self.config = config
        self.session = aiohttp.ClientSession(
            base_url=config.base_url,
            headers={"Authorization": f"Bearer {config.token.get_secret_value()}"},
            timeout=aiohttp.ClientTimeout(total=30),
        )

    async def get(self, path: str, **params: Any) -> Any:
        async with self.session.get(path, params=params) as resp:
            body = await resp.json()
            if resp.status == 404:
                return None
            if resp.status != 200:
                raise CatalogError(f"catalog answered {resp.status}: {body.get('error')}")
            return body

    async def __aenter__(self) -> "Catalog":
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.session.close()


def _client(run: SyncRun) -> Catalog:
    assert isinstance(run.values, CatalogConfig)
    return Catalog(run.values)


def _record(run: SyncRun, raw: dict[str, Any]) -> dict[str, Any] | None:
    try:
        item = RemoteItem.model_validate(raw)
    except ValidationError as exc:
        run.fail(raw.get("id"), exc)
        return None
    return {"config_id": run.config_id, **item.model_dump()}


class SyncTestPlugin:
    def __init__(self) -> None:
        self.calls: list[tuple[str, str, str]] = []  # (entity, mode, config_id)

    # ---- items ---------------------------------------------------------------

    async def full_items(self, run: SyncRun) -> AsyncIterator[Batch]:
        self.calls.append(("items", run.mode, run.config_id))
        async with _client(run) as catalog:
            start_seq: int | None = None
            for page in range(1, 10_000):
                data = await catalog.get("/v1/items", page=page, page_size=run.values.page_size)
                if start_seq is None:
                    start_seq = data["seq"]
                records = [r for raw in data["items"] if (r := _record(run, raw))]
                yield Batch(records, cursor=str(start_seq), total=data["total_count"])
                if data["current_page"] >= data["total_page"]:
                    break

    async def changed_items(self, run: SyncRun, cursor: str | None) -> AsyncIterator[Batch]:
        self.calls.append(("items", run.mode, run.config_id))
        pos = int(cursor or 0)
        async with _client(run) as catalog:
            for _ in range(10_000):
                data = await catalog.get("/v1/changes", pos=pos, size=run.values.page_size)
                latest: dict[str, dict[str, Any] | None] = {}
                for change in data["changes"]:
                    latest[change["id"]] = None if change["deleted"] else change["item"]
                records = [r for raw in latest.values() if raw and (r := _record(run, raw))]
                deleted = [
                    {"config_id": run.config_id, "id": item_id}
                    for item_id, raw in latest.items()
                    if raw is None
                ]
                pos = data["next_pos"]
                yield Batch(records, cursor=str(pos), deleted=deleted)
                if not data["has_remaining"]:
                    break

    async def retry_items(self, run: SyncRun, keys: list[str]) -> AsyncIterator[Batch]:
        self.calls.append(("items", run.mode, run.config_id))
        async with _client(run) as catalog:
            records, deleted = [], []
            for key in keys:
                raw = await catalog.get(f"/v1/items/{key}")
                if raw is None:
                    deleted.append({"config_id": run.config_id, "id": key})
                elif (record := _record(run, raw)) is not None:
                    records.append(record)
            yield Batch(records, deleted=deleted)

    async def check_items(self, run: SyncRun) -> ConsistencyReport:
        async with _client(run) as catalog:
            stats = await catalog.get("/v1/stats")
            pairs = []
            for page in range(1, 10_000):
                data = await catalog.get("/v1/items", page=page, page_size=100)
                pairs.extend((i["id"], i["version"]) for i in data["items"])
                if data["current_page"] >= data["total_page"]:
                    break
        return ConsistencyReport(
            remote_count=stats["count"],
            local_count=await run.local_count(items_table, config_id=run.config_id),
            remote_checksum=checksum(pairs),
            local_checksum=await run.local_checksum(
                items_table, ["id", "version"], config_id=run.config_id
            ),
        )

    # ---- labels --------------------------------------------------------------

    async def full_labels(self, run: SyncRun) -> AsyncIterator[Batch]:
        self.calls.append(("labels", run.mode, run.config_id))
        async with _client(run) as catalog:
            data = await catalog.get("/v1/labels")
        yield Batch([{"config_id": run.config_id, **label} for label in data["labels"]])

    async def store_labels(self, run: SyncRun, session: AsyncSession, batch: Batch) -> None:
        await run.upsert(session, labels_table, batch.records, ["config_id", "code"])

    # ---- hooks ---------------------------------------------------------------

    @hookimpl
    def hub_providers(self) -> Provider:
        return Provider.single("catalog", "Fake catalog", CatalogConfig)

    @hookimpl
    def hub_sync_jobs(self) -> list[SyncJob]:
        return [
            SyncJob(
                provider="catalog",
                entity="items",
                title="Catalog items",
                priority=10,
                interval=timedelta(minutes=5),
                full=self.full_items,
                incremental=self.changed_items,
                retry=self.retry_items,
                check=self.check_items,
                table=items_table,
                key_columns=("config_id", "id"),
            ),
            SyncJob(
                provider="catalog",
                entity="labels",
                title="Catalog labels",
                priority=50,
                interval=timedelta(minutes=10),
                full=self.full_labels,
                store=self.store_labels,
            ),
        ]
