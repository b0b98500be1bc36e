"""`hub sync ...` against a real database and the fake catalog."""

import asyncio
import io
import json
from collections.abc import Callable
from typing import Any

import pytest
from click.testing import CliRunner, Result
from rich.console import Console

from hub.cli import make_cli
from hub.cli.common import CliState
from hub.cli.sync import RunProgress
from hub.context import HubContext
from hub.db.engine import Database
from hub.plugins import Plugins
from hub.settings import Settings
from hub.tenants.records import ConfigRecord
from tests.helpers.sync_plugin import create_tables
from tests.helpers.sync_remote import TOKEN, CatalogRemote
from tests.sync.conftest import job

Invoke = Callable[..., Result]


@pytest.fixture
def invoke(settings: Settings, plugins: Plugins) -> Invoke:
    cli = make_cli()
    plugins.call("hub_commands", cli=cli)
    state = CliState(settings, plugins)

    def run(*args: str, ok: bool = True) -> Result:
        result = CliRunner().invoke(cli, list(args), obj=state)
        if ok:
            assert result.exit_code == 0, (result.output, result.exception)
        return result

    return run


def as_json(result: Result) -> Any:
    return json.loads(result.stdout)


@pytest.fixture
def config_id(invoke: Invoke, settings: Settings, remote: CatalogRemote) -> str:
    invoke("tenants", "create", "acme", "--name", "Acme")
    created = invoke(
        "configs", "create", "--tenant", "acme", "--provider", "catalog",
        "--set", f"base_url={remote.url}", "--secret", f"token={TOKEN}", "--json",
    )  # fmt: skip

    async def tables() -> None:
        db = Database(settings.effective_database_url)
        try:
            await create_tables(db.engine)
        finally:
            await db.dispose()

    asyncio.run(tables())
    return str(as_json(created)["id"])


def test_jobs_lists_what_plugins_declare(invoke: Invoke) -> None:
    jobs = as_json(invoke("sync", "jobs", "--json"))
    assert [(j["name"], j["priority"]) for j in jobs] == [
        ("catalog.labels", 50), ("catalog.items", 10),
    ]  # fmt: skip
    assert "catalog.items" in invoke("sync", "jobs").stdout
    idle = invoke("sync", "run")
    assert idle.stdout == ""
    assert "nothing to run: no enabled config has a matching sync job" in idle.stderr


def test_run_status_runs_and_show(invoke: Invoke, config_id: str, remote: CatalogRemote) -> None:
    runs = as_json(invoke("sync", "run", "--json"))
    assert [(r["job"], r["mode"], r["status"]) for r in runs] == [
        ("catalog.labels", "full", "succeeded"), ("catalog.items", "full", "succeeded"),
    ]  # fmt: skip
    remote.put("item-new")
    [again] = as_json(invoke("sync", "run", "--entity", "items", "--config", config_id, "--json"))
    assert (again["mode"], again["inserted"], again["cursor_after"]) == ("incremental", 1, "46")
    [full] = as_json(invoke("sync", "run", "--full", "--entity", "catalog.items", "--json"))
    assert (full["mode"], full["updated"]) == ("full", 46)
    table = invoke("sync", "run", "--entity", "labels")
    assert "catalog.labels" in table.stdout and "succeeded" in table.stdout
    assert "1 runs, 2 items" in table.stderr

    status = {s["entity"]: s for s in as_json(invoke("sync", "status", "--json"))}
    assert status["items"]["cursor"] == "46"
    assert status["items"]["last_run"]["id"] == full["id"]
    assert "catalog.items" in invoke("sync", "status").stdout

    listed = as_json(invoke("sync", "runs", "--entity", "items", "--json"))
    assert [r["mode"] for r in listed] == ["full", "incremental", "full"]
    assert listed[0]["id"] == full["id"]
    assert "status" in invoke("sync", "show", full["id"]).stdout
    assert as_json(invoke("sync", "show", full["id"], "--json"))["items"] == 46


def test_a_failed_run_exits_non_zero(invoke: Invoke, config_id: str, remote: CatalogRemote) -> None:
    remote.faults["/v1/items"] = [500]
    result = invoke("sync", "run", ok=False)
    assert result.exit_code == 1
    assert "error: 1 of 2 runs did not succeed" in result.stderr
    assert "catalog answered 500" in result.stdout


def test_failures_and_retry(invoke: Invoke, config_id: str, remote: CatalogRemote) -> None:
    remote.broken = {"item-00004"}
    invoke("sync", "run", "--entity", "items")
    [failure] = as_json(invoke("sync", "failures", "--json"))
    assert (failure["item_key"], failure["state"], failure["attempts"]) == (
        "item-00004", "pending", 1,
    )  # fmt: skip
    assert "item-00004" in invoke("sync", "failures").stdout
    remote.broken = set()
    retried = as_json(invoke("sync", "failures", "--retry", "--json"))
    assert retried["failures"] == [] and retried["skipped"] == []
    assert [(r["mode"], r["inserted"]) for r in retried["retry_runs"]] == [("retry", 1)]
    [resolved] = as_json(invoke("sync", "failures", "--all", "--json"))
    assert resolved["state"] == "resolved"


def test_check_and_repair(invoke: Invoke, config_id: str, remote: CatalogRemote) -> None:
    invoke("sync", "run")
    checked = {c["entity"]: c for c in as_json(invoke("sync", "check", "--json"))}
    assert checked["items"]["consistent"] is True
    assert checked["labels"]["error"] == "this job has no consistency check"
    remote.items["item-00001"]["version"] = 9  # changed without a change-feed entry
    differs = invoke("sync", "check", "--entity", "items", ok=False)
    assert differs.exit_code == 1 and "differs" in differs.stdout
    repaired = invoke("sync", "check", "--entity", "items", "--repair", "--json")
    [result] = as_json(repaired)
    assert result["repair_run"]["mode"] == "repair"
    assert result["repair_run"]["status"] == "succeeded"
    [after] = as_json(invoke("sync", "check", "--entity", "items", "--json"))
    assert after["consistent"] is True


def test_errors_are_one_line(invoke: Invoke, config_id: str) -> None:
    for args, message in [
        (("sync", "run", "--entity", "nope"), "error: no sync job for entity 'nope'"),
        (("sync", "cancel", "missing-run"), "error: sync run 'missing-run' not found"),
        (("sync", "run", "--config", "missing"), "error: config 'missing' not found"),
        (("sync", "show", "missing-run"), "error: sync run 'missing-run' not found"),
    ]:
        result = invoke(*args, ok=False)
        assert result.exit_code == 1
        assert result.stderr.strip() == message


def test_cancel_of_a_finished_run_says_so(invoke: Invoke, config_id: str) -> None:
    [run] = as_json(invoke("sync", "run", "--entity", "labels", "--json"))
    result = invoke("sync", "cancel", run["id"], ok=False)
    assert result.stderr.strip() == f"error: sync run {run['id']} has already succeeded"


def test_secrets_stay_out_of_the_output(invoke: Invoke, remote: CatalogRemote) -> None:
    wrong = "cli-wrong-token-1a2b3c4d"
    invoke("tenants", "create", "acme", "--name", "Acme")
    invoke(
        "configs", "create", "--tenant", "acme", "--provider", "catalog",
        "--set", f"base_url={remote.url}", "--secret", f"token={wrong}",
    )  # fmt: skip
    result = invoke("sync", "run", "--entity", "items", ok=False)
    assert "invalid token ***" in result.stdout
    assert wrong not in result.output


async def test_progress_shows_items_rate_and_eta(
    ctx: HubContext, remote: CatalogRemote, config: ConfigRecord
) -> None:
    out = io.StringIO()
    console = Console(file=out, force_terminal=True, width=200, color_system=None)
    with RunProgress(console) as progress:
        task = progress.add("catalog.items acme/default")
        seen: list[tuple[int, int | None]] = []
        update = progress.updater(task)

        def record(run: Any) -> None:
            seen.append((run.items, run.total))
            update(run)

        run = await ctx.sync.run(job(ctx), config.id, progress=record)
        progress.finish(task, "catalog.items acme/default", run)
    assert seen == [(20, 45), (40, 45), (45, 45)]
    text = out.getvalue()
    assert "45/45 items" in text and "items/s" in text and "ETA" in text
    assert "catalog.items acme/default [succeeded]" in text
