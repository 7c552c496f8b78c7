"""Acknowledged writes survive a SIGKILL of the server.

A real server (uvicorn, one process, SQLite file in a temp folder) takes episodes from four
writer threads as fast as it can answer. Every episode whose ``201 Created`` reached a writer
is recorded with the body the server returned. The server is SIGKILLed mid-stream (no
shutdown, no flush), restarted on the same database file, and every acknowledged episode must
be there with exactly the content acknowledged. Episodes the server committed but never
acknowledged (in flight at the kill) may be there or not; nothing else may. The database must
also pass SQLite's integrity check and the old bearer token must still work.

Bounded in time (about 10 s, writes at most 5 s); the fixture kills every server it started.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

HOST = "127.0.0.1"
WRITERS = 4
KILL_AFTER_ACKS = 300  # kill once this many writes are acknowledged...
MAX_WRITE_S = 5.0  # ...or after this long, whichever comes first
START_TIMEOUT_S = 30.0
PASSWORD = "correct horse battery staple 42"
LOCATIONS = ["loc_calf", "loc_eyelid", "loc_foot", "loc_thigh", "loc_hand"]
KINDS = ["cramp", "twitch", "jerk", "sustained_pull"]
CONTEXT = ["exercise", "heat", "caffeine", "alcohol", "poor_sleep", "stress", "dehydration"]
REMEDIES = ["stretching", "heat", "cold", "massage", "walking", "hydration", "rest"]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


class Server:
    def __init__(self, process: subprocess.Popen[bytes], base_url: str, log: Path) -> None:
        self.process = process
        self.base_url = base_url
        self.log = log

    def kill(self) -> None:
        """SIGKILL the whole process group (uvicorn and anything it started); reap it."""
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)


@pytest.fixture
def start_server(tmp_path: Path) -> Iterator[Callable[[Path], Server]]:
    """Start ``uvicorn spasmcheck.server:create_app --factory`` on a free 127.0.0.1 port."""
    started: list[Server] = []

    def start(database: Path) -> Server:
        port = free_port()
        log = tmp_path / f"server-{len(started)}.log"
        env = {
            **os.environ,
            "SPASMCHECK_ENV": "test",
            "SPASMCHECK_DATABASE_URL": f"sqlite:///{database}",
        }
        command = [
            sys.executable, "-m", "uvicorn", "spasmcheck.server:create_app", "--factory",
            "--host", HOST, "--port", str(port), "--log-level", "warning", "--no-access-log",
        ]  # fmt: skip
        with log.open("wb") as out:
            process = subprocess.Popen(
                command, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )
        server = Server(process, f"http://{HOST}:{port}", log)
        started.append(server)
        deadline = time.monotonic() + START_TIMEOUT_S
        # One client for every poll: each new httpx client loads the CA bundle (about 40 ms of
        # CPU), and a start polls about sixty times.
        with httpx.Client(timeout=1) as poll:
            while time.monotonic() < deadline:
                if process.poll() is not None:
                    pytest.fail(f"the server exited with {process.returncode}:\n{log.read_text()}")
                try:
                    if poll.get(f"{server.base_url}/v1/info").status_code == 200:
                        return server
                except httpx.HTTPError:
                    pass
                time.sleep(0.05)
        pytest.fail(f"the server did not answer within {START_TIMEOUT_S} s:\n{log.read_text()}")

    yield start
    for server in started:
        server.kill()


def episode(writer: int, number: int) -> dict[str, Any]:
    """A distinct, fully filled-in episode: every field differs between writes."""
    n = writer * 100_000 + number
    started = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=7 * n, seconds=n % 60)
    return {
        "started_at": started.isoformat(),
        "duration_seconds": (n * 13) % 3600,
        "locations": [LOCATIONS[n % len(LOCATIONS)], LOCATIONS[(n + 2) % len(LOCATIONS)]],
        "kind": KINDS[n % len(KINDS)],
        "severity": n % 11,
        "context": [CONTEXT[n % len(CONTEXT)]],
        "remedies": [{"name": REMEDIES[n % len(REMEDIES)], "helped": [True, False, None][n % 3]}],
        "notes": f"writer {writer} episode {number} — durable?",
    }


def sign_in(base_url: str, email: str) -> str:
    response = httpx.post(
        f"{base_url}/v1/accounts/login", json={"email": email, "password": PASSWORD}, timeout=10
    )
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


def test_every_acknowledged_episode_survives_sigkill(
    tmp_path: Path, start_server: Callable[[Path], Server]
) -> None:
    database = tmp_path / "durable.sqlite3"
    server = start_server(database)
    email = "durable@example.org"
    registered = httpx.post(
        f"{server.base_url}/v1/accounts/register",
        json={"email": email, "password": PASSWORD},
        timeout=10,
    )
    assert registered.status_code == 201, registered.text
    token = sign_in(server.base_url, email)
    auth = {"Authorization": f"Bearer {token}"}

    acknowledged: dict[int, tuple[dict[str, Any], dict[str, Any]]] = {}  # id -> (sent, answer)
    lock = threading.Lock()
    stop = threading.Event()
    unexpected: list[str] = []

    def write(writer: int) -> None:
        with httpx.Client(base_url=server.base_url, headers=auth, timeout=5) as client:
            number = 0
            while not stop.is_set():
                sent = episode(writer, number)
                number += 1
                try:
                    response = client.post("/v1/episodes", json=sent)
                except httpx.HTTPError:
                    return  # the server is gone: this write was never acknowledged
                if response.status_code != 201:
                    with lock:
                        unexpected.append(f"{response.status_code} {response.text[:200]}")
                    return
                answer = response.json()
                with lock:
                    acknowledged[answer["id"]] = (sent, answer)

    threads = [threading.Thread(target=write, args=(w,), daemon=True) for w in range(WRITERS)]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    while time.monotonic() - began < MAX_WRITE_S and not unexpected:
        with lock:
            if len(acknowledged) >= KILL_AFTER_ACKS:
                break
        time.sleep(0.005)
    # Kill while the writers are still sending: no shutdown hook, no flush, no commit.
    server.kill()
    stop.set()
    for thread in threads:
        thread.join(timeout=10)
    assert not any(thread.is_alive() for thread in threads)
    assert not unexpected, unexpected
    print(f"acknowledged {len(acknowledged)} in {time.monotonic() - began:.2f} s")
    assert len(acknowledged) >= 20, f"only {len(acknowledged)} writes acknowledged before the kill"

    with sqlite3.connect(database) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)

    restarted = start_server(database)
    with httpx.Client(base_url=restarted.base_url, headers=auth, timeout=10) as client:
        # The token issued before the crash was committed too.
        listing = client.get("/v1/episodes", params={"limit": 500})
        assert listing.status_code == 200, listing.text
        stored: dict[int, dict[str, Any]] = {}
        offset = 0
        while True:
            page = client.get("/v1/episodes", params={"limit": 500, "offset": offset}).json()
            stored.update({item["id"]: item for item in page["items"]})
            offset += len(page["items"])
            if not page["items"] or offset >= page["total"]:
                break

        missing = sorted(set(acknowledged) - set(stored))
        assert not missing, f"{len(missing)} acknowledged episodes lost, e.g. {missing[:10]}"
        for episode_id, (sent, answer) in acknowledged.items():
            assert stored[episode_id] == answer, episode_id
            one = client.get(f"/v1/episodes/{episode_id}")
            assert one.status_code == 200 and one.json() == answer, episode_id
            for key in ("duration_seconds", "locations", "kind", "severity", "context", "notes"):
                assert answer[key] == sent[key], (episode_id, key)
            assert answer["remedies"] == sent["remedies"], episode_id
            assert datetime.fromisoformat(answer["started_at"]) == datetime.fromisoformat(
                sent["started_at"]
            )
        # At most one unacknowledged write per writer can have been committed at the kill,
        # and everything stored is one of the episodes the writers sent.
        extra = set(stored) - set(acknowledged)
        assert len(extra) <= WRITERS, sorted(extra)
        for episode_id in extra:
            assert stored[episode_id]["notes"].endswith("— durable?"), stored[episode_id]
