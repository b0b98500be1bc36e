"""Job descriptors are checked when declared; a bad one degrades only its plugin."""

from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest
from pydantic import BaseModel

from hub import hookimpl
from hub.context import collect_providers, open_context
from hub.errors import NotFound
from hub.plugins import Plugins
from hub.providers import Provider
from hub.settings import Settings
from hub.sync import Batch, ConsistencyReport, SyncJob
from hub.sync.jobs import JobRegistry, collect_jobs
from tests.helpers.sync_plugin import SyncTestPlugin, items_table


async def nothing(run: Any) -> AsyncIterator[Batch]:
    yield Batch()


def make(**changes: Any) -> SyncJob:
    fields: dict[str, Any] = {
        "provider": "catalog", "entity": "things", "full": nothing, "table": items_table,
        "key_columns": ["config_id", "id"],
    }  # fmt: skip
    fields.update(changes)
    return SyncJob(**fields)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"entity": "Bad Name"}, "SyncJob.entity must be"),
        ({"provider": ""}, "SyncJob.provider must be"),
        ({"full": None}, "needs a full function"),
        ({"incremental": "not callable"}, "must be callable"),
        ({"table": None}, "needs a table and key_columns, or a store"),
        ({"key_columns": ()}, "needs a table and key_columns, or a store"),
        ({"key_columns": "id"}, "must be a list of names"),
        ({"interval": timedelta(0)}, "positive timedelta"),
        ({"interval": 60}, "positive timedelta"),
    ],
)
def test_malformed_jobs_are_refused(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(TypeError, match=message):
        make(**changes)


def test_a_store_replaces_table_and_keys() -> None:
    async def store(run: Any, session: Any, batch: Batch) -> None:
        return None

    job = make(table=None, key_columns=(), store=store, interval=None)
    assert (job.name, job.interval) == ("catalog.things", None)


def test_registry_finds_jobs_by_entity_or_full_name() -> None:
    registry = JobRegistry()
    registry.add("a", make(priority=1))
    registry.add("b", make(provider="other", priority=5))
    registry.add("c", make(entity="users"))
    assert [j.name for j in registry.find("things")] == ["other.things", "catalog.things"]
    assert [j.name for j in registry.find("other.things")] == ["other.things"]
    assert registry.find("nothing") == []
    assert registry.plugin_of(registry.get("other", "things")) == "b"
    with pytest.raises(NotFound):
        registry.get("catalog", "nothing")


def test_consistency_report_differences() -> None:
    assert ConsistencyReport(3, 3).consistent
    assert ConsistencyReport(3, 3, "a", None).consistent
    report = ConsistencyReport(3, 2, "a", "b")
    assert report.differences == ["remote has 3 items, local 2", "checksums differ"]


class BadConfig(BaseModel):
    token: str


class BadJobs:
    @hookimpl
    def hub_providers(self) -> Provider:
        return Provider.single("bad", "Bad", BadConfig)

    @hookimpl
    def hub_sync_jobs(self) -> list[Any]:
        return [make(provider="bad", entity="extra"), "not a job", make(provider="ghost")]


class CrashingJobs:
    @hookimpl
    def hub_sync_jobs(self) -> list[SyncJob]:
        return [make(entity="Bad Name")]


async def test_bad_declarations_are_hook_errors_of_their_plugin(settings: Settings) -> None:
    plugins = Plugins()
    plugins.register(SyncTestPlugin(), "catalog", "1.0.0")
    plugins.register(BadJobs(), "bad", "1.0.0")
    plugins.register(CrashingJobs(), "crashing", "1.0.0")
    ctx = open_context(settings, plugins)
    try:
        names = [j.name for j in ctx.sync.jobs.all()]
        assert names == ["catalog.labels", "catalog.items", "bad.extra"]
        records = {r.name: r for r in plugins.all()}
        assert records["catalog"].runtime_errors == 0
        assert records["bad"].runtime_errors == 2
        assert "unknown provider 'ghost'" in (records["bad"].last_runtime_error or "")
        assert records["crashing"].degraded
    finally:
        await ctx.close()


def test_only_the_plugin_serving_a_provider_declares_its_jobs() -> None:
    plugins = Plugins()
    plugins.register(SyncTestPlugin(), "catalog", "1.0.0")
    plugins.register(SyncTestPlugin(), "copycat", "1.0.0")
    providers = collect_providers(plugins)
    owner = providers.plugin_of("catalog")
    registry = collect_jobs(plugins, providers)
    assert len(registry) == 2
    assert {registry.plugin_of(j) for j in registry.all()} == {owner}
    [intruder] = [r for r in plugins.all() if r.name != owner]
    assert intruder.runtime_errors == 2
    assert f"which plugin {owner!r} serves" in (intruder.last_runtime_error or "")


def test_a_job_declared_twice_keeps_the_first() -> None:
    registry = JobRegistry()
    registry.add("a", make(priority=1))
    registry.add("a", make(priority=9))
    assert [j.priority for j in registry.all()] == [1]
