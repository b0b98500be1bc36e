"""Database access: async engine, declarative base, alembic migrations."""

from hub.db.base import Base
from hub.db.engine import Database

__all__ = ["Base", "Database"]
