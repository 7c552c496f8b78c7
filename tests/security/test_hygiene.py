"""Issue 15, item 10 (in part): hygiene.

- Several workers starting on a new SQLite file migrate it once (``--workers 2`` crashed one
  worker in 2 of 3 starts with "table alembic_version already exists").
- E-mail addresses are normalised (NFKC, zero-width and bidi characters removed), so one
  address cannot be registered twice in look-alike spellings.
- ``true`` is not an age.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
from pydantic import ValidationError

from spasmcheck.services.schemas import AccountCreate
from spasmcheck.storage.db import current_revision, head_revision, make_engine
from tests.api.conftest import BASE_URL, PASSWORD, TestClient, make_app

START_ONE = """
import sys, time
from spasmcheck.storage.db import make_session_factory
time.sleep(max(0.0, float(sys.argv[2]) - time.time()))
make_session_factory(sys.argv[1]).kw["bind"].dispose()
"""


def test_workers_starting_together_migrate_a_new_sqlite_file_once(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'new.sqlite3'}"
    start_at = time.time() + 3  # after every interpreter has imported the package
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", START_ONE, url, str(start_at)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for _ in range(4)
    ]
    # every worker is waited for before any is judged: a failure must not leave the others
    # running with open pipes into the next test
    results = [(worker.communicate(timeout=120)[1], worker.returncode) for worker in workers]
    for err, returncode in results:
        assert returncode == 0, err.decode()[-2000:]
    engine = make_engine(url)
    assert current_revision(engine) == head_revision()
    engine.dispose()


@pytest.mark.parametrize(
    "spelling",
    [
        "ann@example.org",
        "Ann@Example.org",
        "ann\u200b@example.org",  # zero-width space
        "\u202eann@example.org",  # right-to-left override
        "\uff41\uff4e\uff4e@example.org",  # full-width letters
        "ann\ufeff@example.org",  # zero-width no-break space
    ],
)
def test_look_alike_spellings_are_one_address(spelling: str) -> None:
    account = AccountCreate(email=spelling, password=PASSWORD)
    assert account.email == "ann@example.org"


def test_a_look_alike_cannot_register_twice(tmp_path: Path) -> None:
    with TestClient(make_app(tmp_path), base_url=BASE_URL) as client:
        first = {"email": "ann@example.org", "password": PASSWORD}
        assert client.post("/v1/accounts/register", json=first).status_code == 201
        again = {"email": "a\u200bnn@example.org", "password": PASSWORD}
        assert client.post("/v1/accounts/register", json=again).status_code == 409


@pytest.mark.parametrize("age", [True, False, "true"])
def test_a_boolean_is_not_an_age(tmp_path: Path, age: object) -> None:
    with TestClient(make_app(tmp_path), base_url=BASE_URL) as client:
        response = client.post("/v1/triage", json={"text": "calf cramps", "age": age})
        assert response.status_code == 422


def test_a_whole_number_is_an_age(tmp_path: Path) -> None:
    with TestClient(make_app(tmp_path), base_url=BASE_URL) as client:
        assert client.post("/v1/triage", json={"text": "calf cramps", "age": 1}).status_code == 200


def test_an_address_of_invisible_characters_only_is_refused() -> None:
    with pytest.raises(ValidationError):
        AccountCreate(email="\u200b@example.org", password=PASSWORD)
