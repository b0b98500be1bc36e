"""`/api/admin/sync`: jobs, status, runs (list, show, trigger, cancel), failures, checks."""

from aiohttp import web

from hub.context import CTX_KEY
from hub.sync.schemas import (
    CheckList,
    CheckRequest,
    FailureListQuery,
    FailurePage,
    JobList,
    RetryOut,
    RetryRequest,
    RunListQuery,
    RunOut,
    RunPage,
    RunRequest,
    SelectQuery,
    StatusList,
)
from hub.web.endpoint import endpoint

TAGS = ["sync"]
BASE = "/api/admin/sync"


@endpoint("List sync jobs", response=JobList, tags=TAGS)
async def list_jobs(request: web.Request) -> JobList:
    return JobList(items=request.app[CTX_KEY].sync.job_list())


@endpoint(
    "Sync status per config and entity",
    query=SelectQuery,
    response=StatusList,
    tags=TAGS,
    errors=[404],
    description="Last run, cursor, open failures and next due time of every (config, job).",
)
async def sync_status(request: web.Request, query: SelectQuery) -> StatusList:
    items = await request.app[CTX_KEY].sync.status(query.config_id, query.entity)
    return StatusList(items=items)


@endpoint("List sync runs, newest first", query=RunListQuery, response=RunPage, tags=TAGS)
async def list_runs(request: web.Request, query: RunListQuery) -> RunPage:
    return await request.app[CTX_KEY].sync.list_runs(
        config_id=query.config_id,
        entity=query.entity,
        status=query.status,
        limit=query.limit,
        cursor=query.cursor,
    )


@endpoint("Show a sync run", response=RunOut, tags=TAGS, errors=[404])
async def get_run(request: web.Request) -> RunOut:
    return await request.app[CTX_KEY].sync.get_run(request.match_info["run_id"])


@endpoint(
    "Start a sync run",
    body=RunRequest,
    response=RunOut,
    status=202,
    tags=TAGS,
    errors=[404, 409, 422],
    description="Starts the run in the background and answers once it holds its lock. "
    "409 `sync_running` when a run of the same config and entity is going on (in any "
    "process); 409 `config_disabled` for a disabled config.",
)
async def start_run(request: web.Request, body: RunRequest) -> RunOut:
    sync = request.app[CTX_KEY].sync
    job, record = (await sync.targets(body.config_id, body.entity))[0]
    return await sync.start(job, record.id, body.mode)


@endpoint(
    "Cancel a sync run",
    response=RunOut,
    tags=TAGS,
    errors=[404, 409],
    description="A run of this process stops at once; one of another process at its next batch "
    "or heartbeat (the answer then still says `running`, with `cancel_requested`). 409 when "
    "the run has already finished.",
)
async def cancel_run(request: web.Request) -> RunOut:
    return await request.app[CTX_KEY].sync.cancel(request.match_info["run_id"])


@endpoint(
    "List items that failed to sync", query=FailureListQuery, response=FailurePage, tags=TAGS,
    errors=[404],
)  # fmt: skip
async def list_failures(request: web.Request, query: FailureListQuery) -> FailurePage:
    return await request.app[CTX_KEY].sync.list_failures(
        config_id=query.config_id,
        entity=query.entity,
        include_resolved=query.include_resolved,
        limit=query.limit,
        cursor=query.cursor,
    )


@endpoint(
    "Retry failed items now",
    body=RetryRequest,
    response=RetryOut,
    status=202,
    tags=TAGS,
    errors=[404],
    description="Starts one retry run per (config, entity) with open failures, given-up ones "
    "included (a full run for jobs that cannot retry single items).",
)
async def retry_failures(request: web.Request, body: RetryRequest) -> RetryOut:
    runs, skipped = await request.app[CTX_KEY].sync.retry_failures(
        body.config_id, body.entity, background=True
    )
    return RetryOut(runs=runs, skipped=skipped)


@endpoint(
    "Compare remote and local data",
    body=CheckRequest,
    response=CheckList,
    tags=TAGS,
    errors=[404, 409],
    description="Runs each matching job's consistency check. With `repair`, starts a full "
    "re-sync (mode `repair`) of every pair that differs and returns it as `repair_run`.",
)
async def check(request: web.Request, body: CheckRequest) -> CheckList:
    sync = request.app[CTX_KEY].sync
    results = await sync.check(body.config_id, body.entity)
    if body.repair:
        results = await sync.repair(results, background=True)
    return CheckList(items=results)


def add_routes(app: web.Application) -> None:
    app.router.add_get(BASE + "/jobs", list_jobs)
    app.router.add_get(BASE + "/status", sync_status)
    app.router.add_get(BASE + "/runs", list_runs)
    app.router.add_post(BASE + "/runs", start_run)
    app.router.add_get(BASE + "/runs/{run_id}", get_run)
    app.router.add_post(BASE + "/runs/{run_id}/cancel", cancel_run)
    app.router.add_get(BASE + "/failures", list_failures)
    app.router.add_post(BASE + "/failures/retry", retry_failures)
    app.router.add_post(BASE + "/check", check)
