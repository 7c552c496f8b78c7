"""``spasmcheck serve --workers N``: each worker listens on a socket of its own with
``SO_REUSEPORT``, so new connections spread over the workers (issue 16 item 2), and a port
something already listens on is refused in one line."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

REPO = Path(__file__).resolve().parents[1]

# The app each worker serves in the first test: it says which process answered.
app = FastAPI()


@app.get("/pid")
async def pid() -> int:
    return os.getpid()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def two_workers() -> Iterator[str]:
    port = _free_port()
    code = (
        "import sys; from spasmcheck.server import serve; "
        f"sys.exit(serve('127.0.0.1', {port}, 2, app='tests.test_serve_workers:app', "
        "factory=False))"
    )
    process = subprocess.Popen(
        [sys.executable, "-c", code], cwd=REPO, start_new_session=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        seen: set[int] = set()
        # One client for every poll (each new one loads the CA bundle, about 40 ms of CPU);
        # ``connection: close`` makes each poll a new connection, to either worker.
        with httpx.Client(headers={"connection": "close"}) as poll:
            while len(seen) < 2 and time.monotonic() < deadline:  # until both workers answer
                try:
                    seen.add(poll.get(f"{base}/pid").json())
                except httpx.HTTPError:
                    time.sleep(0.1)
        yield base
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def test_connections_spread_over_the_workers(two_workers: str) -> None:
    answered: list[int] = []
    for _ in range(16):  # 16 keep-alive connections, each asked several times
        with httpx.Client(base_url=two_workers, timeout=10) as client:
            pids = {client.get("/pid").json() for _ in range(3)}
            assert len(pids) == 1  # a connection stays with its worker
            answered += pids
    # the kernel hashes each connection to one of the two sockets: all 16 on one worker
    # would happen by chance once in 2**15 runs
    assert len(set(answered)) == 2


def test_a_port_in_use_is_refused_in_one_line() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        for workers in ("1", "2"):
            result = subprocess.run(
                [sys.executable, "-m", "spasmcheck", "serve", "--port", str(port),
                 "--workers", workers],
                capture_output=True, text=True, timeout=60,
                env={**os.environ, "SPASMCHECK_ENV": "development"},
            )  # fmt: skip
            assert result.returncode == 2
            assert result.stderr.strip().splitlines() == [
                f"spasmcheck: error: cannot listen on 127.0.0.1:{port}: Address already in use"
            ]
