"""Two app servers on two ports against one PostgreSQL, as behind a load balancer (issue 16,
docs/deployment.md): whatever one server stores or signs, the other reads.

Each server is ``spasmcheck serve`` in a process of its own (the first with two workers, so
its ``SO_REUSEPORT`` sockets are exercised too), with the same secret key and database URL, on
127.0.0.1. A person signs in on one, logs and edits the diary on both, carries an interview
from one to the other, and signs out on the second: the first no longer knows the session.
"""

from __future__ import annotations

import html
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import httpx
import pytest

from tests.api.conftest import EPISODE, PASSWORD
from tests.storage.conftest import (  # noqa: F401  (fixtures, found by pytest by name)
    _free_port,
    _fresh_postgres_database,
    postgres_url,
)

SECRET = "two-servers-test-secret-0123456789abcdef"
START_TIMEOUT_S = 180  # each worker builds the engine; the machine may be busy


@contextmanager
def running_server(
    database_url: str, workers: int, log: Path
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    port = _free_port()
    env = {
        **os.environ,
        "SPASMCHECK_ENV": "development",  # plain http on 127.0.0.1: cookies without Secure
        "SPASMCHECK_SECRET_KEY": SECRET,
        "SPASMCHECK_DATABASE_URL": database_url,
        "SPASMCHECK_ENGINE_RATE_LIMIT": "0",
    }
    command = [sys.executable, "-m", "spasmcheck", "serve", "--port", str(port)]
    command += ["--workers", str(workers)]
    with log.open("wb") as out:
        process = subprocess.Popen(
            command, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        yield f"http://127.0.0.1:{port}", process
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def wait_until_up(server: tuple[str, subprocess.Popen[bytes]], workers: int, log: Path) -> str:
    """Until every worker answers: each new connection goes to one worker's socket. A server
    that exits fails the test at once, not after the start-up timeout."""
    base, process = server
    deadline = time.monotonic() + START_TIMEOUT_S
    answered = 0
    # One client for every poll (``connection: close`` still makes each a new connection):
    # each new httpx client loads the CA bundle, about 40 ms of CPU, and a start polls often.
    with httpx.Client(timeout=5, headers={"connection": "close"}) as poll:
        while answered < 10 * workers:
            if process.poll() is not None:
                pytest.fail(
                    f"the server on {base} exited ({process.returncode}):\n"
                    f"{log.read_text()[-2000:]}"
                )
            if time.monotonic() > deadline:
                pytest.fail(f"the server on {base} did not start:\n{log.read_text()[-2000:]}")
            try:
                answered += poll.get(f"{base}/v1/info").status_code == 200
            except httpx.HTTPError:
                time.sleep(0.3)
    return base


def hidden_state(page: str) -> str:
    found = re.search(r'name="state" value="([^"]*)"', page)
    assert found, "no interview state on the page"
    return html.unescape(found.group(1))


def test_two_servers_share_one_postgresql(postgres_url: str, tmp_path: Path) -> None:  # noqa: F811
    database = _fresh_postgres_database(postgres_url)
    with ExitStack() as stack:
        # the first migrates the database; the second starts on the migrated schema
        first_server = stack.enter_context(running_server(database, 2, tmp_path / "first.log"))
        first = wait_until_up(first_server, 2, tmp_path / "first.log")
        second_server = stack.enter_context(running_server(database, 1, tmp_path / "second.log"))
        second = wait_until_up(second_server, 1, tmp_path / "second.log")
        a = stack.enter_context(httpx.Client(base_url=first, timeout=30))
        b = stack.enter_context(httpx.Client(base_url=second, timeout=30))

        # signed up and in on the first: the bearer token and the cookie work on the second
        account = {"email": "two@example.org", "password": PASSWORD, "timezone": "UTC"}
        assert a.post("/v1/accounts/register", json=account).status_code == 201
        login = a.post("/v1/accounts/login", json={"email": account["email"], "password": PASSWORD})
        assert login.status_code == 200, login.text
        bearer = {"Authorization": f"Bearer {login.json()['access_token']}"}
        csrf = {"X-CSRF-Token": login.json()["csrf_token"]}
        b.cookies.update(a.cookies)
        assert b.get("/v1/me", headers=bearer).json()["email"] == account["email"]
        assert b.get("/v1/me").json()["email"] == account["email"]  # the cookie session
        diary = b.get("/diary")  # the web page, signed in (signed out: a redirect to sign in)
        assert diary.status_code == 200
        assert 'action="/signout"' in diary.text

        # the diary: logged on one, listed, changed and summarised on the other
        logged = a.post("/v1/episodes", json=EPISODE, headers=bearer)
        assert logged.status_code == 201, logged.text
        episode = logged.json()
        listed = b.get("/v1/episodes", headers=bearer).json()
        assert [e["id"] for e in listed["items"]] == [episode["id"]]
        changed = b.patch(f"/v1/episodes/{episode['id']}", json={"severity": 3}, headers=csrf)
        assert changed.status_code == 200, changed.text
        assert a.get(f"/v1/episodes/{episode['id']}", headers=bearer).json()["severity"] == 3
        assert b.post("/v1/episodes", json=EPISODE, headers=bearer).status_code == 201
        assert a.get("/v1/episodes", headers=bearer).json()["total"] == 2

        # an interview begun on the first goes on on the second (the state is signed with
        # the shared key): the answer is taken, and the next page is a question or the result
        started = a.post("/interview", data={"text": "my calf cramps at night", "action": "start"})
        assert started.status_code == 303
        question = a.get(started.headers["location"])
        assert question.status_code == 200
        answer = "none" if 'value="none"' in question.text else "no"
        answered = b.post(
            "/interview", data={"state": hidden_state(question.text), "answer": answer}
        )
        assert answered.status_code == 303, answered.text
        assert answered.headers["location"] == "/interview?step=1"

        # signed out on the second: the first refuses the token and the cookie from then on
        assert b.post("/v1/accounts/logout", headers=bearer).status_code == 204
        assert a.get("/v1/me", headers=bearer).status_code == 401
        a.cookies.clear()
        a.cookies.update(b.cookies)
        assert a.get("/v1/me").status_code == 401
