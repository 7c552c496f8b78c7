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

Every generated request goes to the app on SQLite and to the app on PostgreSQL (some inputs
only fail on one backend: a NUL character in text was a 500 on PostgreSQL alone, issue 15).
The requests are generated once for both: generation is most of this module's time, and the
derandomised generation made the same requests for each backend anyway. Only the known-good
pass, whose fixed parts name each backend's own records, is generated for each.

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
from contextlib import ExitStack
from dataclasses import dataclass, field
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


@dataclass
class Backend:
    """The app on one database, and schemathesis' in-process client (requests over ASGI) for
    setting up its users."""

    name: str
    app: FastAPI
    client: ASGIClient


@dataclass
class Backends:
    apps: list[Backend]
    missing: str | None  # why PostgreSQL is not among them (no server binaries), if it is not


@pytest.fixture(scope="module")
def backends(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Backends]:
    """The app on SQLite and on PostgreSQL. Without PostgreSQL's binaries the SQLite half still
    runs, and the test is then reported skipped (a failure under SPASMCHECK_NO_SKIPS=1)."""
    urls = {"sqlite": f"sqlite:///{tmp_path_factory.mktemp('schemathesis') / 'fuzz.sqlite3'}"}
    missing = None
    try:
        urls["postgresql"] = _fresh_postgres_database(request.getfixturevalue("postgres_url"))
    except pytest.skip.Exception as skipped:
        missing = f"PostgreSQL half not run: {skipped}"
    with ExitStack() as stack:
        apps = []
        for name, url in urls.items():
            # Generous limits: every operation signs a new user up and in from one address.
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
            stack.callback(app.state.session_factory.kw["bind"].dispose)
            client = stack.enter_context(get_client(app))  # type: ignore[arg-type]  # ASGI app
            apps.append(Backend(name, app, client))
        yield Backends(apps, missing)


@pytest.fixture(scope="module")
def api_schema(backends: Backends) -> Any:
    first = backends.apps[0].app
    # One schema for both: the requests generated from it go to each backend's app.
    assert all(b.app.openapi() == first.openapi() for b in backends.apps)
    return schemathesis.openapi.from_asgi("/openapi.json", first)


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


# Where one generated request goes: a backend, with the headers of its user (or none).
Target = tuple[Backend, dict[str, str] | None]


def fuzz(
    operation: Any,
    targets: list[Target],
    mode: GenerationMode,
    statuses: dict[str, Counter[int]],
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
        for backend, headers in targets:
            try:
                # ``app``: schemathesis' ASGI transport sends the case to this app instead of
                # the schema's, with a new client each call (no cookie carried over).
                response = case.call_and_validate(headers=headers, checks=CHECKS, app=backend.app)
            except (Exception, BaseExceptionGroup) as error:  # schemathesis' FailureGroup too
                error.add_note(f"(on {backend.name})")
                raise
            statuses[backend.name][response.status_code] += 1

    run()


def fuzz_all(
    api_schema: Any, backends: Backends, user_for: Callable[[Backend], User | None]
) -> tuple[list[str], dict[str, dict[str, Counter[int]]]]:
    """Fuzz every operation on every backend: positive, negative, then positive with known-good
    parts (generated for each backend when they differ, e.g. its user's record ids).

    Returns the failures (all of them, not only the first) and the statuses seen per backend
    and operation.
    """
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 9
    failures: list[str] = []
    seen: dict[str, dict[str, Counter[int]]] = {b.name: {} for b in backends.apps}
    for operation in operations:
        users = [(backend, user_for(backend)) for backend in backends.apps]
        targets = [(backend, user.headers if user else None) for backend, user in users]
        statuses = {
            name: labels.setdefault(operation.label, Counter()) for name, labels in seen.items()
        }
        passes: list[tuple[str, GenerationMode, list[Target], dict[str, Any] | None]] = [
            ("positive", GenerationMode.POSITIVE, targets, None),
            ("negative", GenerationMode.NEGATIVE, targets, None),
        ]
        fixed = [known_good(operation, user) for _, user in users]
        if all(parts == fixed[0] for parts in fixed):
            if fixed[0] is not None:
                passes.append(("known-good", GenerationMode.POSITIVE, targets, fixed[0]))
        else:
            for target, parts in zip(targets, fixed, strict=True):
                passes.append(
                    (f"known-good {target[0].name}", GenerationMode.POSITIVE, [target], parts)
                )
        for name, mode, to, parts in passes:
            try:
                fuzz(operation, to, mode, statuses, parts)
            except Unsatisfiable:
                if mode is GenerationMode.NEGATIVE:
                    continue  # nothing to break in an operation without parameters or body
                failures.append(f"{operation.label} [{name}]: no request could be generated")
            # every failure is reported, not only the first (schemathesis' FailureGroup, what a
            # failed check raises, is a BaseExceptionGroup)
            except (Exception, BaseExceptionGroup) as error:
                detail = "".join(traceback.format_exception_only(error)).strip()
                failures.append(f"{operation.label} [{name}]:\n{detail}")
    return failures, seen


def test_no_server_error_and_schema_conformance_signed_out(
    api_schema: Any, backends: Backends
) -> None:
    failures, seen = fuzz_all(api_schema, backends, lambda backend: None)
    assert not failures, "\n\n".join(failures)
    for backend, labels in seen.items():
        print(backend, {label: dict(statuses) for label, statuses in labels.items()})
        # Signed out, the signed-in routes answer 401 and never succeed; every route that
        # answers 401 is in SIGNED_IN_ONLY, so a new one is added there (and checked signed
        # in) or fails here.
        succeeded = [
            label for label in SIGNED_IN_ONLY if any(200 <= s < 300 for s in labels[label])
        ]
        assert not succeeded, (backend, succeeded)
        answered_401 = {label for label, statuses in labels.items() if 401 in statuses}
        answered_401.discard("POST /v1/accounts/login")  # 401 there means a wrong password
        assert answered_401 == set(SIGNED_IN_ONLY), (backend, answered_401 ^ set(SIGNED_IN_ONLY))
    if backends.missing:
        pytest.skip(backends.missing)


def test_no_server_error_and_schema_conformance_signed_in(
    api_schema: Any, backends: Backends
) -> None:
    failures, seen = fuzz_all(
        api_schema, backends, lambda backend: new_user(backend.client, CONDITION_ID)
    )
    assert not failures, "\n\n".join(failures)
    for backend, labels in seen.items():
        print(backend, {label: dict(statuses) for label, statuses in labels.items()})
        # The token works: every signed-in route answered with a success at least once.
        missed = [op for op in SIGNED_IN_ONLY if not any(200 <= s < 300 for s in labels[op])]
        assert not missed, (backend, {label: dict(labels[label]) for label in missed})
    if backends.missing:
        pytest.skip(backends.missing)
