"""`hub calls list` and `hub calls prune`."""

import asyncio
import json
from datetime import timedelta

from click.testing import CliRunner, Result

from hub.cli import make_cli
from hub.cli.common import CliState
from hub.context import open_context
from hub.db.base import utcnow
from hub.plugins import Plugins
from hub.settings import Settings
from tests.http.test_calllog import row


def hub(settings: Settings, plugins: Plugins, *args: str, ok: bool = True) -> Result:
    result = CliRunner().invoke(make_cli(), list(args), obj=CliState(settings, plugins))
    if ok:
        assert result.exit_code == 0, (result.output, result.exception)
    return result


def seed(settings: Settings, plugins: Plugins) -> None:
    async def run() -> None:
        ctx = open_context(settings, plugins)
        try:
            await ctx.migrate()
            ctx.http.calls.record(**row(config_id="cfg-a", url="https://h.invalid/a?key=***"))
            ctx.http.calls.record(
                **row(config_id="cfg-a", ok=False, status=503, outcome="server_error")
            )
            ctx.http.calls.record(**row(config_id="cfg-b", at=utcnow() - timedelta(days=30)))
        finally:
            await ctx.close()  # writes the queued rows

    asyncio.run(run())


def test_calls_list_filters_and_prints_json(settings: Settings, plugins: Plugins) -> None:
    seed(settings, plugins)

    rows = json.loads(hub(settings, plugins, "calls", "list", "--json").stdout)
    assert len(rows) == 3
    failed = json.loads(hub(settings, plugins, "calls", "list", "--failed", "--json").stdout)
    assert [(r["config_id"], r["status"], r["outcome"]) for r in failed] == [
        ("cfg-a", 503, "server_error")
    ]
    mine = json.loads(hub(settings, plugins, "calls", "list", "--config", "cfg-b", "--json")
                      .stdout)
    assert [r["config_id"] for r in mine] == ["cfg-b"]

    table = hub(settings, plugins, "calls", "list", "--config", "cfg-a").stdout
    assert table.splitlines()[0].split()[:3] == ["AT", "PROVIDER", "CONFIG_ID"]
    assert "https://h.invalid/a?key=***" in table


def test_calls_prune_deletes_rows_past_the_retention(
    settings: Settings, plugins: Plugins
) -> None:
    seed(settings, plugins)

    assert hub(settings, plugins, "calls", "prune").stdout.strip() == "deleted 1 call log rows"
    rows = json.loads(hub(settings, plugins, "calls", "list", "--json").stdout)
    assert {r["config_id"] for r in rows} == {"cfg-a"}


def test_a_bad_option_is_one_line_and_a_non_zero_exit(
    settings: Settings, plugins: Plugins
) -> None:
    result = hub(settings, plugins, "calls", "list", "--limit", "0", ok=False)
    assert result.exit_code != 0
    assert "Invalid value for '--limit'" in result.output
