"""Alembic, driven in-process: the core branch plus one branch per plugin.

Plugins contribute version directories through `hub_migrations`; every branch
is upgraded to its head together (`heads`).
"""

import os
from collections.abc import Sequence
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection

from hub.db.engine import Database

ALEMBIC_DIR = Path(__file__).parent / "alembic"
CORE_VERSIONS = ALEMBIC_DIR / "versions"


def alembic_config(extra_locations: Sequence[str] = ()) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(ALEMBIC_DIR))
    cfg.set_main_option("path_separator", "os")
    locations = [str(CORE_VERSIONS), *(str(Path(p)) for p in extra_locations)]
    cfg.set_main_option("version_locations", _join(locations))
    return cfg


def _join(paths: Sequence[str]) -> str:
    return os.pathsep.join(dict.fromkeys(paths))


def _upgrade(conn: Connection, cfg: Config, target: str) -> None:
    cfg.attributes["connection"] = conn
    command.upgrade(cfg, target)


def _current(conn: Connection) -> set[str]:
    return set(MigrationContext.configure(conn).get_current_heads())


def head_revisions(cfg: Config) -> set[str]:
    return set(ScriptDirectory.from_config(cfg).get_heads())


async def upgrade(db: Database, extra_locations: Sequence[str] = (), target: str = "heads") -> None:
    cfg = alembic_config(extra_locations)
    async with db.engine.begin() as conn:
        await conn.run_sync(_upgrade, cfg, target)


async def current(db: Database) -> set[str]:
    async with db.engine.connect() as conn:
        return await conn.run_sync(_current)


async def pending(db: Database, extra_locations: Sequence[str] = ()) -> set[str]:
    """Heads not yet applied; empty when the database is at head on every branch."""
    cfg = alembic_config(extra_locations)
    heads = head_revisions(cfg)
    async with db.engine.connect() as conn:
        applied = await conn.run_sync(_current)
    if heads == applied:
        return set()
    script = ScriptDirectory.from_config(cfg)
    done: set[str] = set()
    for rev in applied:
        for ancestor in script.iterate_revisions(rev, "base"):
            done.add(ancestor.revision)
    return {h for h in heads if h not in done}
