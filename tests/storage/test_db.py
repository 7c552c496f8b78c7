"""The engine and migrations: schema from nothing, on both backends, matching the models."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.orm import Session, sessionmaker

from spasmcheck.storage import db
from spasmcheck.storage.db import (
    StorageError,
    alembic_config,
    current_revision,
    head_revision,
    make_engine,
    make_session_factory,
    migrate,
)
from spasmcheck.storage.models import Base


def test_first_use_migrates_to_head(session_factory: sessionmaker[Session]) -> None:
    engine = session_factory.kw["bind"]
    assert current_revision(engine) == head_revision()
    tables = set(inspect(engine).get_table_names())
    assert {"users", "auth_tokens", "rate_counters", "episodes", "assessments"} <= tables


def test_migrations_match_the_models(session_factory: sessionmaker[Session]) -> None:
    with session_factory.kw["bind"].connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []


def test_a_second_start_is_a_no_op(database_url: str) -> None:
    make_session_factory(database_url).kw["bind"].dispose()
    factory = make_session_factory(database_url)
    assert current_revision(factory.kw["bind"]) == head_revision()
    factory.kw["bind"].dispose()


def test_downgrade_and_upgrade_again(session_factory: sessionmaker[Session]) -> None:
    engine = session_factory.kw["bind"]
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "base")
    assert "users" not in inspect(engine).get_table_names()
    migrate(engine)
    assert current_revision(engine) == head_revision()


def test_sqlite_is_wal_with_foreign_keys(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "er" / "db.sqlite3"
    factory = make_session_factory(f"sqlite:///{path}")
    assert path.exists()
    with factory() as session:
        assert session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert session.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert session.execute(text("PRAGMA busy_timeout")).scalar() == 10_000
    factory.kw["bind"].dispose()


def test_in_memory_sqlite_keeps_its_schema() -> None:
    factory = make_session_factory("sqlite://")
    with factory() as session:
        assert session.execute(text("SELECT count(*) FROM users")).scalar() == 0


@pytest.mark.parametrize("url", ["mysql://localhost/db", "not a url", "oracle://x"])
def test_unsupported_urls_are_refused(url: str) -> None:
    with pytest.raises(StorageError):
        make_engine(url)


class _LockedCursor:
    """A cursor whose journal-mode change finds the file locked ``times`` times."""

    def __init__(self, times: int, message: str = "database is locked") -> None:
        self.times, self.message, self.calls = times, message, 0

    def execute(self, statement: str) -> None:
        self.calls += 1
        if self.calls <= self.times:
            raise sqlite3.OperationalError(self.message)


def test_the_switch_to_wal_is_retried_while_another_worker_holds_the_lock() -> None:
    # SQLite may refuse the exclusive lock at once, without its busy handler, when workers
    # open a new file together (a CI run saw "database is locked" here)
    cursor = _LockedCursor(times=3)
    db._set_wal(cursor)
    assert cursor.calls == 4


def test_any_other_error_of_the_switch_is_raised_at_once() -> None:
    cursor = _LockedCursor(times=1, message="disk I/O error")
    with pytest.raises(sqlite3.OperationalError, match="disk I/O"):
        db._set_wal(cursor)
    assert cursor.calls == 1
