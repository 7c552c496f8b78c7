"""schemathesis against the app's own OpenAPI schema, in process (ASGI).

For every operation of ``/openapi.json`` schemathesis generates requests from the schema, both
valid ones (positive mode) and ones that break it (negative mode), and checks that

- no response is a 5xx (``not_a_server_error``),
- every documented response body conforms to its schema (``response_schema_conformance``),
- the declared content type is the one sent (``content_type_conformance``).

It runs twice: without credentials, and with the bearer token of a freshly registered user who
already has a few diary episodes and a saved assessment, so the signed-in routes answer with
real data rather than 401. Each operation gets its own fresh user, so ``DELETE /v1/me`` or a
logout cannot spoil the token of the operations after it.

Example counts are bounded (``SPASMCHECK_FUZZ_EXAMPLES`` per operation and mode, default 10)
and generation is derandomised, so the module is fast and reproducible in CI; raise the count
locally to dig deeper. Hypothesis keeps no example database (``database=None``) and
schemathesis runs as a library, so no ``.hypothesis/`` or ``.schemathesis/`` folder is written.
"""

from __future__ import annotations

import itertools
import os
import re
import traceback
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.python.asgi import ASGIClient, get_client
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)

from spasmcheck.config import Settings
from spasmcheck.server import create_app
from tests.storage.conftest import _fresh_postgres_database, postgres_url  # noqa: F401

CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]
EXAMPLES = int(os.environ.get("SPASMCHECK_FUZZ_EXAMPLES", "10"))
PASSWORD = "correct horse battery staple 42"
CONDITION_ID = "nocturnal_leg_cramps"
_users = itertools.count(1)
# Operations that need a signed-in user (every one must succeed at least once with the token).
SIGNED_IN_ONLY = [
    "POST /v1/accounts/logout",
    "POST /v1/episodes",
    "GET /v1/episodes",
    "GET /v1/episodes/{episode_id}",
    "PATCH /v1/episodes/{episode_id}",
    "DELETE /v1/episodes/{episode_id}",
    "GET /v1/diary/summary",
    "POST /v1/assessments",
    "GET /v1/assessments",
    "GET /v1/assessments/{assessment_id}",
    "DELETE /v1/assessments/{assessment_id}",
    "GET /v1/me",
    "DELETE /v1/me",
    "GET /v1/me/export",
    "PATCH /v1/me",
    "POST /v1/me/password",
    "GET /v1/assessments/{assessment_id}/report",
    "GET /v1/diary/export.csv",
]


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def app(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[FastAPI]:
    """The app on SQLite and on PostgreSQL: some inputs only fail on one backend (a NUL
    character in text was a 500 on PostgreSQL alone, issue 15)."""
    if request.param == "sqlite":
        db = Path(tmp_path_factory.mktemp("schemathesis")) / "fuzz.sqlite3"
        url = f"sqlite:///{db}"
    else:
        url = _fresh_postgres_database(request.getfixturevalue("postgres_url"))
    # Generous limits: every operation signs a new user up and in from the same address.
    app = create_app(
        Settings(
            environment="test",
            database_url=url,
            login_rate_limit=10_000,
            address_login_rate_limit=10_000,
            account_login_rate_limit=10_000,
            register_rate_limit=10_000,
            engine_rate_limit=0,
            fast_password_hashing=True,
        )
    )
    yield app
    app.state.session_factory.kw["bind"].dispose()


@pytest.fixture(scope="module")
def client(app: FastAPI) -> Iterator[ASGIClient]:
    # schemathesis' own in-process client (requests over ASGI), the one its cases are sent with.
    with get_client(app) as asgi_client:  # type: ignore[arg-type]  # FastAPI is an ASGI app
        yield asgi_client


@pytest.fixture(scope="module")
def api_schema(app: FastAPI, client: ASGIClient) -> Any:
    return schemathesis.openapi.from_asgi("/openapi.json", app)


EPISODES: list[dict[str, Any]] = [
    {
        "started_at": "2026-11-02T06:30:00+00:00",
        "duration_seconds": 90,
        "locations": ["loc_calf"],
        "kind": "cramp",
        "severity": 7,
        "context": ["exercise", "dehydration"],
        "remedies": [{"name": "stretching", "helped": True}],
        "notes": "woke me up",
    },
    {
        "started_at": "2026-11-05T14:00:00+01:00",
        "duration_seconds": 20,
        "locations": ["loc_eyelid"],
        "kind": "twitch",
        "severity": 2,
        "context": ["caffeine", "poor_sleep"],
        "remedies": [],
        "notes": "",
    },
]


@dataclass
class User:
    """A signed-in user for one operation: the Authorization header and ids of real records."""

    headers: dict[str, str]
    email: str
    ids: dict[str, Any] = field(default_factory=dict)


def new_user(client: ASGIClient, condition_id: str) -> User:
    """Register and sign in a fresh user with two episodes and a saved assessment."""
    email = f"fuzz{next(_users)}@example.org"
    registered = client.post("/v1/accounts/register", json={"email": email, "password": PASSWORD})
    assert registered.status_code == 201, registered.text
    login = client.post("/v1/accounts/login", json={"email": email, "password": PASSWORD})
    assert login.status_code == 200, login.text
    user = User({"Authorization": f"Bearer {login.json()['access_token']}"}, email)
    for episode in EPISODES:
        created = client.post("/v1/episodes", json=episode, headers=user.headers)
        assert created.status_code == 201, created.text
        user.ids["episode_id"] = created.json()["id"]
    saved = client.post(
        "/v1/assessments",
        json={"text": "calf cramps at night after running", "age": 40},
        headers=user.headers,
    )
    assert saved.status_code == 201, saved.text
    user.ids["assessment_id"] = saved.json()["id"]
    user.ids["condition_id"] = condition_id
    return user


def known_good(operation: Any, user: User | None) -> dict[str, Any] | None:
    """Fixed parts that make a request valid beyond what the schema can say (real ids, real
    location ids, the user's own credentials); the rest is still generated. None: no such pass."""
    ids = user.ids if user else {"condition_id": CONDITION_ID}
    names = re.findall(r"{(\w+)}", operation.path)
    fixed: dict[str, Any] = {}
    if names and all(name in ids for name in names):
        fixed["path_parameters"] = {name: ids[name] for name in names}
    body = {
        "POST /v1/episodes": EPISODES[0],
        "PATCH /v1/episodes/{episode_id}": {"severity": 3, "notes": "better today"},
        "POST /v1/explain": {"condition": ids.get("condition_id"), "text": "calf cramps at night"},
        "POST /v1/accounts/register": {"email": "known@example.org", "password": PASSWORD},
        "DELETE /v1/me": {"password": PASSWORD},
        # Back to the same password: the fuzz's later sign-ins keep working.
        "POST /v1/me/password": {"current_password": PASSWORD, "new_password": PASSWORD},
        "POST /v1/accounts/login": {
            "email": user.email if user else "x@example.org",
            "password": PASSWORD,
        },
    }.get(operation.label)
    if body is not None:
        fixed["body"] = body
    return fixed or None


def fuzz(
    operation: Any,
    headers: dict[str, str] | None,
    mode: GenerationMode,
    statuses: Counter[int],
    fixed: dict[str, Any] | None = None,
) -> None:
    @settings(
        max_examples=EXAMPLES if fixed is None else max(3, EXAMPLES // 3),
        database=None,
        deadline=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate, Phase.shrink],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode, **(fixed or {})))
    def run(case: Any) -> None:
        response = case.call_and_validate(headers=headers, checks=CHECKS)
        statuses[response.status_code] += 1

    run()


def fuzz_all(
    api_schema: Any, user_for: Callable[[], User | None]
) -> tuple[list[str], dict[str, Counter[int]]]:
    """Fuzz every operation: positive, negative, then positive with known-good parts.

    Returns the failures (all of them, not only the first) and the statuses seen per operation.
    """
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 9
    failures: list[str] = []
    seen: dict[str, Counter[int]] = {}
    for operation in operations:
        user = user_for()
        headers = user.headers if user else None
        statuses = seen.setdefault(operation.label, Counter())
        passes: list[tuple[str, GenerationMode, dict[str, Any] | None]] = [
            ("positive", GenerationMode.POSITIVE, None),
            ("negative", GenerationMode.NEGATIVE, None),
        ]
        fixed = known_good(operation, user)
        if fixed is not None:
            passes.append(("known-good", GenerationMode.POSITIVE, fixed))
        for name, mode, parts in passes:
            try:
                fuzz(operation, headers, mode, statuses, parts)
            except Unsatisfiable:
                if mode is GenerationMode.NEGATIVE:
                    continue  # nothing to break in an operation without parameters or body
                failures.append(f"{operation.label} [{name}]: no request could be generated")
            except Exception as error:  # every failure is reported, not only the first
                detail = "".join(traceback.format_exception_only(error)).strip()
                failures.append(f"{operation.label} [{name}]:\n{detail}")
    return failures, seen


def test_no_server_error_and_schema_conformance_signed_out(api_schema: Any) -> None:
    failures, seen = fuzz_all(api_schema, lambda: None)
    assert not failures, "\n\n".join(failures)
    print({label: dict(statuses) for label, statuses in seen.items()})
    # Signed out, the signed-in routes answer 401 and never succeed; every route that answers
    # 401 is in SIGNED_IN_ONLY, so a new one is added there (and checked signed in) or fails here.
    assert all(not any(200 <= s < 300 for s in seen[label]) for label in SIGNED_IN_ONLY), seen
    answered_401 = {label for label, statuses in seen.items() if 401 in statuses}
    answered_401.discard("POST /v1/accounts/login")  # 401 there means a wrong password
    assert answered_401 == set(SIGNED_IN_ONLY), answered_401 ^ set(SIGNED_IN_ONLY)


def test_no_server_error_and_schema_conformance_signed_in(
    api_schema: Any, client: ASGIClient
) -> None:
    failures, seen = fuzz_all(api_schema, lambda: new_user(client, CONDITION_ID))
    assert not failures, "\n\n".join(failures)
    print({label: dict(statuses) for label, statuses in seen.items()})
    # The token works: every signed-in route answered with a success at least once.
    missed = [label for label in SIGNED_IN_ONLY if not any(200 <= s < 300 for s in seen[label])]
    assert not missed, {label: dict(seen[label]) for label in missed}
