"""Storage fixtures: every storage test runs on SQLite and on a real PostgreSQL server.

The PostgreSQL server is started once per test session on 127.0.0.1, in a temporary
directory (``initdb`` refuses to run as root, so as root it runs as the ``postgres`` user),
each test gets a database of its own, and the server is stopped at the end.

``database_url`` is an empty database (the storage tests migrate it themselves);
``migrated_database_url`` one already at the newest schema, for tests of what the app does
with it: a copy of a database migrated once per process (a file copy on SQLite, ``CREATE
DATABASE ... TEMPLATE`` on PostgreSQL) rather than a migration per test.
"""

from __future__ import annotations

import atexit
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from spasmcheck.storage.db import make_session_factory

PG_USER = "spasmcheck"
_numbers = itertools.count()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _as_postgres(command: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


def _run(command: list[str]) -> None:
    subprocess.run(_as_postgres(command), check=True, capture_output=True)


def _start_postgres() -> tuple[str, Callable[[], None]]:
    """Start a throw-away PostgreSQL server; return its maintenance database's URL and how
    to stop it (and remove its files)."""
    base = Path(tempfile.mkdtemp(prefix="spasmcheck-pg-"))
    data = base / "data"
    if os.geteuid() == 0:
        shutil.chown(base, user="postgres")
    port = _free_port()
    _run(["initdb", "-D", str(data), "-U", PG_USER, "--auth=trust"])
    options = f"-c listen_addresses=127.0.0.1 -p {port} -k {base} -c fsync=off"
    _run(["pg_ctl", "-D", str(data), "-l", str(base / "server.log"), "-o", options, "-w", "start"])

    def stop() -> None:
        # Stopped at once (nothing in it is kept: no shutdown checkpoint), and its files, tens
        # of thousands after a session's databases, removed by a background ``rm`` that the
        # session's end does not wait for (2 s of a worker's last seconds).
        try:
            _run(["pg_ctl", "-D", str(data), "-m", "immediate", "-w", "stop"])
        finally:
            subprocess.run(["sh", "-c", 'rm -rf -- "$1" &', "sh", str(base)], check=True)

    return f"postgresql+psycopg://{PG_USER}@127.0.0.1:{port}/postgres", stop


_servers: dict[str, str] = {}


@pytest.fixture(scope="session")
def postgres_url(request: pytest.FixtureRequest) -> str:
    """The URL of a throw-away PostgreSQL server's maintenance database.

    One server for the whole session: test modules and conftests that import this fixture
    each get a fixture of their own, so the server is kept here and stopped when the session
    ends, rather than started anew (initdb, 3 s or more) for every importer.
    """
    if shutil.which("initdb") is None or shutil.which("pg_ctl") is None:
        if os.environ.get("CI"):
            pytest.fail(
                "PostgreSQL binaries (initdb, pg_ctl) are not on PATH; .ci/run installs them"
            )
        pytest.skip("PostgreSQL binaries (initdb, pg_ctl) are not on PATH")
    if "url" not in _servers:
        url, stop = _start_postgres()
        _servers["url"] = url

        def forget_and_stop() -> None:
            _servers.pop("url", None)
            stop()

        request.config.add_cleanup(forget_and_stop)
    return _servers["url"]


def _fresh_postgres_database(server_url: str) -> str:
    import psycopg

    name = f"test_{os.getpid()}_{next(_numbers)}"
    plain = server_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    return server_url.rsplit("/", 1)[0] + f"/{name}"


_templates: dict[str, str] = {}


@cache
def migrated_database() -> Path:
    """An SQLite file at the newest schema, made once per test process."""
    folder = Path(tempfile.mkdtemp(prefix="spasmcheck-template-"))
    atexit.register(shutil.rmtree, folder, True)
    path = folder / "db.sqlite3"
    make_session_factory(f"sqlite:///{path}").kw["bind"].dispose()
    return path


def _migrated_postgres_database(server_url: str) -> str:
    """A new database at the newest schema, copied from one migrated once per process (no
    connection stays open on it, as ``TEMPLATE`` requires)."""
    import psycopg

    if server_url not in _templates:
        template = _fresh_postgres_database(server_url)
        make_session_factory(template).kw["bind"].dispose()
        _templates[server_url] = template.rsplit("/", 1)[1]
    name = f"test_{os.getpid()}_{next(_numbers)}"
    plain = server_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}" TEMPLATE "{_templates[server_url]}"')
    return server_url.rsplit("/", 1)[0] + f"/{name}"


@pytest.fixture(params=["sqlite", "postgresql"])
def migrated_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A URL of a database at the newest schema with no rows, once for each backend."""
    if request.param == "sqlite":
        path = tmp_path / "migrated" / "db.sqlite3"
        path.parent.mkdir()
        shutil.copyfile(migrated_database(), path)
        return f"sqlite:///{path}"
    return _migrated_postgres_database(request.getfixturevalue("postgres_url"))


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A URL of an empty database, once for each backend."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'nested' / 'db.sqlite3'}"
    server: str = request.getfixturevalue("postgres_url")
    return _fresh_postgres_database(server)


@pytest.fixture
def session_factory(database_url: str) -> Iterator[sessionmaker[Session]]:
    factory = make_session_factory(database_url)
    yield factory
    bind = factory.kw["bind"]
    bind.dispose()


@pytest.fixture
def session(session_factory: sessionmaker[Session]) -> Iterator[Session]:
    with session_factory() as opened:
        yield opened
