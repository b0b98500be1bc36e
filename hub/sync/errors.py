"""Errors of the sync framework, with stable codes for the API and the CLI."""

from hub.errors import Conflict


class SyncRunning(Conflict):
    """Another run of the same (config, entity) holds the lock, in this process or another."""

    code = "sync_running"


class RunNotRunning(Conflict):
    code = "sync_run_not_running"


class RunCancelled(Exception):
    """Raised between batches when the run's cancel flag is set."""


class NotDue(Exception):
    """A scheduled run found, once holding the lock, that another process just ran the job."""
