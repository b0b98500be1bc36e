"""`hub sync ...`: run sync jobs with a live progress bar, inspect runs, failures, checks."""

import time
from collections.abc import Callable
from typing import Any

import click
from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    ProgressColumn,
    Task,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text

from hub.cli.common import emit_fields, emit_json, emit_table, with_hub
from hub.context import HubContext
from hub.errors import HubError
from hub.sync.run import SyncRun
from hub.sync.schemas import CheckOut, FailurePage, RunOut, RunPage, StatusOut

RUN_COLUMNS = (
    "id", "job", "config_id", "mode", "status", "items", "inserted", "updated", "deleted",
    "failed", "error",
)  # fmt: skip


class ItemsColumn(ProgressColumn):
    """`done/total items`, or `done items` while the total is unknown."""

    def render(self, task: Task) -> Text:
        done = int(task.completed)
        if task.total is None:
            return Text(f"{done:,} items")
        return Text(f"{done:,}/{int(task.total):,} items")


class RateColumn(ProgressColumn):
    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text("- items/s" if speed is None else f"{speed:,.0f} items/s")


class RunProgress:
    """One progress line per run: items, items/s, elapsed, and ETA when the job knows a total."""

    def __init__(self, console: Console, *, enabled: bool = True) -> None:
        self.progress = Progress(
            TextColumn("{task.description}", markup=False),
            BarColumn(bar_width=30),
            ItemsColumn(),
            RateColumn(),
            TimeElapsedColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            console=console,
            disable=not enabled,
            refresh_per_second=8,
        )

    def __enter__(self) -> "RunProgress":
        self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.stop()

    def add(self, label: str) -> TaskID:
        return self.progress.add_task(label, total=None)

    def updater(self, task: TaskID) -> Callable[[SyncRun], None]:
        def update(run: SyncRun) -> None:
            self.progress.update(task, completed=run.items, total=run.total)

        return update

    def finish(self, task: TaskID, label: str, run: RunOut | None) -> None:
        if run is None:
            self.progress.update(task, description=f"{label} [refused]")
            self.progress.stop_task(task)
            return
        total = run.total if run.total is not None else run.items
        self.progress.update(
            task, description=f"{label} [{run.status}]", completed=run.items, total=total
        )
        self.progress.stop_task(task)


def _short(text: str | None, limit: int = 100) -> str | None:
    """Errors fit on one table line; --json has them in full."""
    if text is None:
        return None
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _run_rows(runs: list[RunOut]) -> list[dict[str, Any]]:
    return [{**run.model_dump(), "error": _short(run.error)} for run in runs]


@click.group("sync")
def sync() -> None:
    """Copy provider data into local tables: run jobs, see status, failures and checks."""


@sync.command("jobs")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def jobs(as_json: bool) -> None:
    """List the sync jobs plugins declare, highest priority first."""

    async def run(ctx: HubContext) -> list[Any]:
        return ctx.sync.job_list()

    found = with_hub(run, migrate=False)
    if as_json:
        emit_json(found)
    else:
        columns = ("name", "plugin", "priority", "interval_seconds", "incremental", "retry")
        emit_table([j.model_dump() for j in found], (*columns, "check"))


@sync.command("run")
@click.option("--full", is_flag=True, help="Full runs, even where a cursor exists.")
@click.option("--config", "config_id", help="Only this config (id).")
@click.option("--entity", help="Only this entity (`entity` or `provider.entity`).")
@click.option("--json", "as_json", is_flag=True, help="Print the runs as JSON.")
def run_(full: bool, config_id: str | None, entity: str | None, as_json: bool) -> None:
    """Run jobs now, one after another, highest priority first.

    Without --config, every enabled config of each job's provider. A run
    already going on elsewhere is reported and skipped; the exit status is 1
    unless every run succeeded.
    """
    console = Console(stderr=True)
    refused: list[str] = []

    async def body(ctx: HubContext) -> list[RunOut]:
        targets = await ctx.sync.targets(config_id, entity)
        done = []
        with RunProgress(console, enabled=console.is_terminal) as progress:
            for job, record in targets:
                label = f"{job.name} {record.tenant_slug}/{record.name}"
                task = progress.add(label)
                try:
                    result = await ctx.sync.run(
                        job, record.id, "full" if full else "auto",
                        progress=progress.updater(task),
                    )  # fmt: skip
                except HubError as exc:
                    refused.append(f"{label}: {exc.message}")
                    progress.finish(task, label, None)
                    continue
                progress.finish(task, label, result)
                done.append(result)
        return done

    started = time.perf_counter()
    runs = with_hub(body)
    if as_json:
        emit_json(runs)
    elif runs:
        emit_table(_run_rows(runs), RUN_COLUMNS)
    for line in refused:
        click.echo(f"skipped {line}", err=True)
    if not runs and not refused:
        click.echo("nothing to run: no enabled config has a matching sync job", err=True)
        return
    bad = [r for r in runs if r.status != "succeeded"]
    if bad or refused:
        total = len(runs) + len(refused)
        click.echo(f"error: {len(bad) + len(refused)} of {total} runs did not succeed", err=True)
        raise SystemExit(1)
    if not as_json:
        items = sum(r.items for r in runs)
        seconds = time.perf_counter() - started
        click.echo(f"{len(runs)} runs, {items:,} items in {seconds:.1f} s", err=True)


@sync.command("status")
@click.option("--config", "config_id", help="Only this config (id).")
@click.option("--entity", help="Only this entity (`entity` or `provider.entity`).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def status(config_id: str | None, entity: str | None, as_json: bool) -> None:
    """Per config and entity: the last run, its status and counts, the cursor, what is due."""

    async def body(ctx: HubContext) -> list[StatusOut]:
        return await ctx.sync.status(config_id, entity)

    found = with_hub(body)
    if as_json:
        emit_json(found)
        return
    rows = []
    for item in found:
        last = item.last_run
        rows.append(
            {
                "config": f"{item.tenant}/{item.config_name}",
                "config_id": item.config_id,
                "job": item.job,
                "last_run": last.started_at if last else None,
                "status": ("running" if item.running else last.status) if last else "never run",
                "items": last.items if last else None,
                "ins/upd/del/fail": (
                    f"{last.inserted}/{last.updated}/{last.deleted}/{last.failed}" if last else None
                ),
                "cursor": item.cursor,
                "open_failures": item.failures_open,
                "next_due": item.next_due_at,
            }
        )
    emit_table(
        rows,
        ("config", "config_id", "job", "last_run", "status", "items", "ins/upd/del/fail",
         "cursor", "open_failures", "next_due"),
    )  # fmt: skip


@sync.command("runs")
@click.option("--config", "config_id", help="Only this config (id).")
@click.option("--entity", help="Only this entity (`entity` or `provider.entity`).")
@click.option(
    "--status", "status_", type=click.Choice(["running", "succeeded", "failed", "cancelled"])
)
@click.option("--limit", type=click.IntRange(1, 500), default=20, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def runs(
    config_id: str | None, entity: str | None, status_: str | None, limit: int, as_json: bool
) -> None:
    """Recent runs, newest first."""

    async def body(ctx: HubContext) -> RunPage:
        return await ctx.sync.list_runs(
            config_id=config_id, entity=entity, status=status_, limit=limit
        )

    page = with_hub(body)
    if as_json:
        emit_json(page.items)
    else:
        emit_table(_run_rows(page.items), RUN_COLUMNS)


@sync.command("show")
@click.argument("run_id")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def show(run_id: str, as_json: bool) -> None:
    """One run in full."""

    async def body(ctx: HubContext) -> RunOut:
        return await ctx.sync.get_run(run_id)

    found = with_hub(body)
    if as_json:
        emit_json(found)
    else:
        emit_fields(found.model_dump())


@sync.command("failures")
@click.option("--config", "config_id", help="Only this config (id).")
@click.option("--entity", help="Only this entity (`entity` or `provider.entity`).")
@click.option("--all", "include_resolved", is_flag=True, help="Include resolved failures.")
@click.option("--retry", is_flag=True, help="Retry the open failures now (given-up ones too).")
@click.option("--limit", type=click.IntRange(1, 500), default=100, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def failures(
    config_id: str | None,
    entity: str | None,
    include_resolved: bool,
    retry: bool,
    limit: int,
    as_json: bool,
) -> None:
    """Items that failed to sync; --retry retries them and shows what is still open."""
    retried: list[RunOut] = []
    skipped: list[str] = []

    async def body(ctx: HubContext) -> FailurePage:
        if retry:
            done, why = await ctx.sync.retry_failures(config_id, entity)
            retried.extend(done)
            skipped.extend(why)
        return await ctx.sync.list_failures(
            config_id=config_id, entity=entity, include_resolved=include_resolved, limit=limit
        )

    page = with_hub(body)
    if as_json:
        emit_json(
            {"failures": page.items, "retry_runs": retried, "skipped": skipped}
            if retry
            else page.items
        )
    else:
        if retry:
            click.echo(f"retried in {len(retried)} runs", err=True)
        emit_table(
            [{**f.model_dump(), "error": _short(f.error)} for f in page.items],
            ("config_id", "entity", "item_key", "state", "attempts", "next_attempt_at", "error"),
        )
    for line in skipped:
        click.echo(f"skipped {line}", err=True)


@sync.command("check")
@click.option("--config", "config_id", help="Only this config (id).")
@click.option("--entity", help="Only this entity (`entity` or `provider.entity`).")
@click.option("--repair", is_flag=True, help="Re-sync in full what differs.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def check(config_id: str | None, entity: str | None, repair: bool, as_json: bool) -> None:
    """Compare remote and local counts/checksums per entity; exit 1 if anything differs."""

    async def body(ctx: HubContext) -> list[CheckOut]:
        results = await ctx.sync.check(config_id, entity)
        if repair:
            results = await ctx.sync.repair(results)
        return results

    results = with_hub(body)
    if as_json:
        emit_json(results)
    else:
        rows = []
        for r in results:
            verdict = {True: "ok", False: "differs", None: "error"}[r.consistent]
            if r.consistent is None and r.error == "this job has no consistency check":
                verdict = "no check"
            rows.append(
                {
                    "config_id": r.config_id,
                    "job": r.job,
                    "result": verdict,
                    "remote": r.remote_count,
                    "local": r.local_count,
                    "differences": "; ".join(r.differences) or _short(r.error),
                    "repair": (
                        f"{r.repair_run.status} ({r.repair_run.id})" if r.repair_run else None
                    ),
                }
            )
        emit_table(
            rows, ("config_id", "job", "result", "remote", "local", "differences", "repair")
        )
    unresolved = [
        r
        for r in results
        if r.consistent is False and (r.repair_run is None or r.repair_run.status != "succeeded")
    ]
    if unresolved or any(
        r.consistent is None and r.error != "this job has no consistency check" for r in results
    ):
        raise SystemExit(1)


@sync.command("cancel")
@click.argument("run_id")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def cancel(run_id: str, as_json: bool) -> None:
    """Cancel a running run; its process stops it at the next batch or heartbeat."""

    async def body(ctx: HubContext) -> RunOut:
        return await ctx.sync.cancel(run_id)

    found = with_hub(body)
    if as_json:
        emit_json(found)
    elif found.status == "running":
        click.echo(f"cancel requested for run {found.id}; its process will stop it shortly")
    else:
        click.echo(f"run {found.id} is {found.status}")
