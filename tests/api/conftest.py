"""Shared fixtures of the API tests: an app over a fresh SQLite file, and signed-in users.

Cookies are marked Secure outside development, so the test client speaks https. Every app
shares the session's engine (``default_engine`` is built once per process) and starts from a
copy of one SQLite file migrated once per session, so a fresh database costs a file copy, not
a migration; passwords are hashed with argon2's cheapest profile
(``Settings.fast_password_hashing``), so a sign-up costs milliseconds, not half a second.
"""

from __future__ import annotations

import shutil
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
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
from tests.storage.conftest import migrated_database as migrated_database  # re-exported

BASE_URL = "https://testserver"
PASSWORD = "correct horse battery"


def make_app(tmp_path: Path, **overrides: Any) -> FastAPI:
    """An app over its own database in ``tmp_path`` (a copy of the migrated template)."""
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
    settings = Settings(**fields)
    return create_app(settings, engine=default_engine())


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
def app(tmp_path: Path) -> FastAPI:
    return make_app(tmp_path)


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
