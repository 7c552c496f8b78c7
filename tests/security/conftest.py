"""Fixtures of the security tests: the storage tests' databases (SQLite and a throw-away
PostgreSQL server) and the API tests' apps, under the names those tests give them."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.api.conftest import (  # noqa: F401  (fixtures, found by pytest by name)
    alice,
    app,
    bob,
)
from tests.security.smtp_sink import Sink, smtp_sink
from tests.storage.conftest import (  # noqa: F401  (fixtures, found by pytest by name)
    database_url,
    migrated_database_url,
    postgres_url,
    session,
    session_factory,
)


@pytest.fixture
def sink() -> Iterator[Sink]:
    """A local SMTP server for the test, stopped after it."""
    with smtp_sink() as running:
        yield running
