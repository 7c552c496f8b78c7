"""Alembic environment: migrations always run on a connection handed over by
:func:`spasmcheck.storage.db.migrate` (no alembic.ini, no logging set-up of its own)."""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from spasmcheck.storage.models import Base

connection: Connection | None = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through spasmcheck.storage.db.migrate")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
