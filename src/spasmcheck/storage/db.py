"""Engines and sessions: SQLite (embedded default, WAL mode) or PostgreSQL (psycopg 3).

:func:`make_session_factory` is the one entry point: it creates the engine, migrates the
database to the newest Alembic revision (the migrations ship inside the package, so a first
run needs no set-up) and returns a session factory. On PostgreSQL the migration holds an
advisory lock, so several app instances starting together migrate once.
"""

from __future__ import annotations

import fcntl
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import QueuePool, StaticPool

BUSY_TIMEOUT_MS = 10_000
# The threads that can hold a database connection at once in one server process: AnyIO's
# default thread limiter, on which Starlette runs every synchronous route and dependency
# (``spasmcheck.server`` sets the limiter to this number at start-up). A PostgreSQL pool of
# exactly this size means a thread never waits for a connection that only another request's
# thread can give back; a smaller pool (SQLAlchemy's 5 + 10) stalled every request for the
# pool's 30 s timeout at 41 concurrent signed-in requests (issue 16).
THREADS = 40
# An arbitrary constant naming this application's migration lock in PostgreSQL.
MIGRATION_LOCK_ID = 0x5350_4153


class StorageError(RuntimeError):
    """The database URL or the database itself cannot be used."""


def _set_wal(cursor: Any) -> None:
    """Switch the file to WAL, retrying while another process holds the lock.

    Changing the journal mode needs an exclusive lock, and SQLite may refuse it at once
    ("database is locked") without calling the busy handler, to avoid a deadlock: several
    workers opening a new file together could fail to start. Retried for as long as the busy
    timeout allows; any other error is raised at once."""
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() >= deadline:
                raise
            time.sleep(0.05)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        # Deleted content is overwritten with zeros, not left in free space: erasing an
        # account must erase it from the file (repository.purge_deleted empties the WAL).
        cursor.execute("PRAGMA secure_delete=ON")
        _set_wal(cursor)
        # In WAL mode NORMAL keeps every committed transaction through a crash of the
        # process; only a power loss can undo the newest commits.
        cursor.execute("PRAGMA synchronous=NORMAL")
    finally:
        cursor.close()


def make_engine(url: str) -> Engine:
    """Create the SQLAlchemy engine for ``url`` (``sqlite:///FILE`` or ``postgresql://...``).

    Every engine hides its statements' parameters from its errors: an error's text reaches the
    server log, and the parameters are episodes' notes, medicine names and e-mail addresses."""
    try:
        parsed = make_url(url)
    except Exception as error:  # sqlalchemy raises ArgumentError and ValueError alike
        raise StorageError(f"not a database URL: {error}") from error
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        database = parsed.database or ""
        if database in ("", ":memory:"):
            engine = create_engine(
                url,
                poolclass=StaticPool,
                connect_args={"check_same_thread": False},
                hide_parameters=True,
            )
        else:
            # A pool of THREADS connections and no overflow, as for PostgreSQL: the session
            # dependency opens at most THREADS sessions at once (services/deps.py), so a
            # checkout never waits. Not NullPool: opening the file and setting the pragmas
            # below cost 1.5-2.9 ms a request, against 0.18 ms for a pooled connection
            # (docs/benchmarks.md, "HTTP"). SQLAlchemy's default, 5 + 10, let 41 concurrent
            # signed-in requests stall the server for 30 s (issue 16).
            Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
            engine = create_engine(
                url,
                poolclass=QueuePool,
                pool_size=THREADS,
                max_overflow=0,
                connect_args={"check_same_thread": False},
                hide_parameters=True,
            )
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if backend == "postgresql":
        if parsed.drivername == "postgresql":
            parsed = parsed.set(drivername="postgresql+psycopg")
        # One connection per thread that can hold one (see THREADS), none beyond: a request
        # holds at most one session. PostgreSQL's max_connections must cover THREADS per
        # worker process (docs/deployment.md).
        return create_engine(
            parsed,
            pool_pre_ping=True,
            pool_size=THREADS,
            max_overflow=0,
            hide_parameters=True,
        )
    raise StorageError(f"unsupported database {backend!r}: use sqlite:// or postgresql://")


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", "spasmcheck.storage:migrations")
    return config


@cache
def head_revision() -> str:
    """The newest revision of the packaged migrations. Read once a process: finding it parses
    every migration script (about 6 ms), and the scripts are part of the installed package."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def migrate(engine: Engine, revision: str = "head") -> None:
    """Upgrade the database behind ``engine`` to ``revision`` (the newest by default)."""
    config = alembic_config()
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": MIGRATION_LOCK_ID})
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


@contextmanager
def _sqlite_migration_lock(engine: Engine) -> Iterator[None]:
    """Hold an exclusive lock on a file beside an SQLite database while it is migrated.

    ``serve --workers 2`` starts two processes that both find a new file unmigrated; without
    the lock both create ``alembic_version`` and one of them crashes (issue 15). PostgreSQL
    has its advisory lock in :func:`migrate`; an in-memory database has only one process."""
    database = engine.url.database or ""
    if engine.dialect.name != "sqlite" or database in ("", ":memory:"):
        yield
        return
    lock_path = Path(database).expanduser().with_name(Path(database).name + ".migrate-lock")
    with lock_path.open("a") as lock_file:
        fcntl.flock(lock_file, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock_file, fcntl.LOCK_UN)


def make_session_factory(url: str) -> sessionmaker[Session]:
    """An engine for ``url``, migrated to the newest schema, as a session factory.

    Several processes may start on one database at once: each migrates under a lock and
    looks again once it holds it, so the schema is migrated exactly once."""
    engine = make_engine(url)
    if current_revision(engine) != head_revision():
        with _sqlite_migration_lock(engine):
            if current_revision(engine) != head_revision():
                migrate(engine)
    return sessionmaker(bind=engine, expire_on_commit=False)
