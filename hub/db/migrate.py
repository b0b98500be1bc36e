"""Alembic, driven in-process: the core's history plus one history per plugin.

Each history has its own version table (`alembic_version` for the core,
`alembic_version_<plugin>` for a plugin), so a plugin that is disabled or
uninstalled leaves its tables and its version row alone and never blocks the
others. The core is always upgraded first; a plugin's revisions may rely on the
core's tables.
"""

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection

from hub.db.engine import Database

ALEMBIC_DIR = Path(__file__).parent / "alembic"
CORE_VERSIONS = ALEMBIC_DIR / "versions"
CORE_VERSION_TABLE = "alembic_version"


@dataclass(frozen=True)
class Branch:
    """One migration history: the core's (`hub`) or a plugin's."""

    name: str
    locations: tuple[str, ...]

    @property
    def version_table(self) -> str:
        if self.name == "hub":
            return CORE_VERSION_TABLE
        return f"{CORE_VERSION_TABLE}_{re.sub(r'[^a-z0-9_]', '_', self.name.lower())}"


CORE = Branch("hub", (str(CORE_VERSIONS),))


def _all(branches: Sequence[Branch]) -> list[Branch]:
    return [CORE, *(b for b in branches if b.name != CORE.name)]


def alembic_config(branch: Branch) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(ALEMBIC_DIR))
    cfg.set_main_option("path_separator", "os")
    cfg.set_main_option("version_locations", os.pathsep.join(branch.locations))
    cfg.attributes["version_table"] = branch.version_table
    return cfg


def _upgrade(conn: Connection, cfg: Config) -> None:
    cfg.attributes["connection"] = conn
    command.upgrade(cfg, "heads")


def _current(conn: Connection, version_table: str) -> set[str]:
    context = MigrationContext.configure(conn, opts={"version_table": version_table})
    return set(context.get_current_heads())


async def upgrade(db: Database, branches: Sequence[Branch] = ()) -> None:
    for branch in _all(branches):
        async with db.engine.begin() as conn:
            await conn.run_sync(_upgrade, alembic_config(branch))


async def current_by_branch(db: Database, branches: Sequence[Branch] = ()) -> dict[str, set[str]]:
    out = {}
    async with db.engine.connect() as conn:
        for branch in _all(branches):
            out[branch.name] = await conn.run_sync(_current, branch.version_table)
    return out


async def current(db: Database, branches: Sequence[Branch] = ()) -> set[str]:
    """Every applied head revision, across the core's and the given plugins' histories."""
    return set().union(*(await current_by_branch(db, branches)).values())


async def pending(db: Database, branches: Sequence[Branch] = ()) -> set[str]:
    """Head revisions not yet applied; empty when every history is at its head."""
    applied = await current_by_branch(db, branches)
    missing: set[str] = set()
    for branch in _all(branches):
        script = ScriptDirectory.from_config(alembic_config(branch))
        done: set[str] = set()
        for rev in applied[branch.name]:
            done.update(r.revision for r in script.iterate_revisions(rev, "base"))
        missing.update(h for h in script.get_heads() if h not in done)
    return missing
