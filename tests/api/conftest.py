"""Shared fixtures of the API tests: an app over a fresh SQLite file, and signed-in users.

Cookies are marked Secure outside development, so the test client speaks https. Every app
shares the session's engine (``default_engine`` is built once per process) and starts from a
copy of one SQLite file migrated once per session, so a fresh database costs a file copy, not
a migration; passwords are hashed with argon2's cheapest profile
(``Settings.fast_password_hashing``), so a sign-up costs milliseconds, not half a second.

The ``app`` fixture hands each test an app object used before by another test of the same
process with the same settings (:func:`pooled_app`): FastAPI prepares an app's routes on its
first request (their dependencies and pydantic fields, 60-100 ms for the forty-odd routes),
which a new app per test paid again every time. The test still gets its own database, its own
settings object and the state and middleware ``create_app`` leaves; only the prepared routes
are kept. Tests that build apps themselves (``make_app``) get new ones.
"""

from __future__ import annotations

import shutil
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import pytest

# Starlette asks for its httpx fork in the test client; the warning is about the test
# harness, not the product. Imported once here, before any test module imports it.
with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient as TestClient  # re-exported for tests/web

from fastapi import FastAPI

from spasmcheck.config import Settings
from spasmcheck.reasoning.engine import default_engine
from spasmcheck.server import create_app
from spasmcheck.storage.db import make_session_factory
from tests.storage.conftest import migrated_database as migrated_database  # re-exported

BASE_URL = "https://testserver"
PASSWORD = "correct horse battery"


def _settings(tmp_path: Path, overrides: dict[str, Any]) -> Settings:
    """The test settings over a database in ``tmp_path`` (a copy of the migrated template)."""
    database = tmp_path / "db.sqlite3"
    if "database_url" not in overrides and not database.exists():
        database.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(migrated_database(), database)
    fields: dict[str, Any] = {
        "environment": "test",
        "database_url": f"sqlite:///{database}",
        "fast_password_hashing": True,
        "engine_rate_limit": 0,  # the tests send hundreds from one address; tests/security checks it
        "mail_dir": str(tmp_path / "outbox"),  # never the developer's own outbox folder
        **overrides,
    }
    return Settings(**fields)


def make_app(tmp_path: Path, **overrides: Any) -> FastAPI:
    """A new app over its own database in ``tmp_path`` (a copy of the migrated template)."""
    return create_app(_settings(tmp_path, overrides), engine=default_engine())


# Apps a finished test gave back, by their settings but for the per-test paths.
_idle: dict[tuple[tuple[str, Any], ...], list[FastAPI]] = {}
_PER_TEST = {"database_url", "mail_dir"}


def _close_database(app: FastAPI) -> None:
    bind = getattr(app.state.session_factory, "kw", {}).get("bind")
    if bind is not None:
        bind.dispose()


def pooled_app(request: pytest.FixtureRequest, tmp_path: Path, **overrides: Any) -> FastAPI:
    """An app as :func:`make_app` makes it, for this test alone, whose routes FastAPI has
    already prepared if an earlier test of this process had one with the same settings.

    The app is given back when the test is done. Before it is handed out again it gets what
    ``create_app`` gives a new app: the settings and a session factory over the new test's
    own database (migrated as ``create_app`` migrates it), no other state, and a middleware
    stack built afresh on its first request (no rate-limit window or request count of the
    test before).
    """
    settings = _settings(tmp_path, overrides)
    key = tuple(
        (f.name, getattr(settings, f.name)) for f in fields(settings) if f.name not in _PER_TEST
    )
    idle = _idle.setdefault(key, [])
    if idle:
        app = idle.pop()
        app.state._state.clear()
        app.state.settings = settings
        app.state.engine = default_engine()
        app.state.session_factory = make_session_factory(settings.database_url)
        app.middleware_stack = None
    else:
        app = create_app(settings, engine=default_engine())

    def give_back() -> None:
        _close_database(app)
        idle.append(app)

    request.addfinalizer(give_back)
    return app


@dataclass
class User:
    """A signed-in account: a client holding its session cookie, and its bearer token."""

    email: str
    token: str
    csrf: str
    client: TestClient

    @property
    def bearer(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


def answer_request(
    step: dict[str, Any], response: Any, person: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The next POST /v1/interview body: the step's evidence and its question answered."""
    question = step["question"]
    return {
        **(person or {}),
        "evidence": step["evidence"],
        "answer": {
            "question_id": question["id"],
            "kind": question["kind"],
            "options": [o["id"] for o in question["options"]],
            "screening": question["screening"],
            "escalation": question["escalation"],
            "response": response,
        },
    }


def register_and_sign_in(client: TestClient, email: str, timezone: str = "UTC") -> User:
    created = client.post(
        "/v1/accounts/register", json={"email": email, "password": PASSWORD, "timezone": timezone}
    )
    assert created.status_code == 201, created.text
    signed_in = client.post("/v1/accounts/login", json={"email": email, "password": PASSWORD})
    assert signed_in.status_code == 200, signed_in.text
    body = signed_in.json()
    return User(email, body["access_token"], body["csrf_token"], client)


@pytest.fixture
def app(request: pytest.FixtureRequest, tmp_path: Path) -> FastAPI:
    return pooled_app(request, tmp_path)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, base_url=BASE_URL) as test_client:
        yield test_client


@pytest.fixture
def alice(app: FastAPI) -> Iterator[User]:
    with TestClient(app, base_url=BASE_URL) as test_client:
        yield register_and_sign_in(test_client, "alice@example.org", "Europe/London")


@pytest.fixture
def bob(app: FastAPI) -> Iterator[User]:
    with TestClient(app, base_url=BASE_URL) as test_client:
        yield register_and_sign_in(test_client, "bob@example.org")


def error_of(response: Any) -> dict[str, str]:
    """The JSON error of ``response``, checked for its shape."""
    body = response.json()
    assert set(body) == {"error"}, body
    assert body["error"]["code"] and body["error"]["message"]
    return body["error"]  # type: ignore[no-any-return]


EPISODE: dict[str, Any] = {
    "started_at": "2026-11-02T02:30:00+00:00",
    "duration_seconds": 90,
    "locations": ["loc_calf"],
    "kind": "cramp",
    "severity": 6,
    "context": ["exercise"],
    "remedies": [{"name": "stretching", "helped": True}],
    "notes": "woke me up, left calf",
}
