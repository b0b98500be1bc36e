"""Sync framework: plugins declare jobs; the core schedules, locks, records and retries them.

See docs/sync.md. Plugins use `SyncJob`, `Batch`, `SyncRun`, `ConsistencyReport`,
`upsert` and `checksum`; the hub uses `SyncService` (as `ctx.sync`).
"""

from hub.sync.checksum import checksum
from hub.sync.errors import SyncRunning
from hub.sync.jobs import Batch, ConsistencyReport, SyncJob
from hub.sync.run import SyncRun
from hub.sync.upsert import UpsertResult, delete_keys, upsert

__all__ = [
    "Batch",
    "ConsistencyReport",
    "SyncJob",
    "SyncRun",
    "SyncRunning",
    "UpsertResult",
    "checksum",
    "delete_keys",
    "upsert",
]
