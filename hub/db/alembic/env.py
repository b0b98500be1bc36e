"""Alembic environment: always handed a live connection by hub.db.migrate."""

from alembic import context

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through `hub db upgrade`, not the alembic CLI")

context.configure(
    connection=connection,
    target_metadata=None,
    version_table=context.config.attributes.get("version_table", "alembic_version"),
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
