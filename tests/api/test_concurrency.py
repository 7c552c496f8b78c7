"""No stall at any concurrency (issue 16): many signed-in requests at once all get answers.

Before, the SQLite pool held 15 connections (SQLAlchemy's 5 + 10) while Starlette ran up to
40 requests' dependencies on threads: at 41 concurrent signed-in requests every thread waited
for a connection that only a request waiting for a thread could give back, and the server
answered nothing for the pool's 30 s timeout. These tests run a real server (uvicorn on
127.0.0.1, in a thread of the test process) and send more concurrent requests than there are
threads, each with a timeout far below 30 s.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from sqlalchemy import event

from spasmcheck.storage.db import THREADS
from tests.api.conftest import PASSWORD, make_app

CONCURRENT = 60  # more than the 40 worker threads and far more than the old 15 connections
TIMEOUT_S = 10.0  # the stall lasted 30 s: any request caught in it fails


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class _Server(uvicorn.Server):
    def install_signal_handlers(self) -> None:  # a thread may not set signal handlers
        pass


def serve_in_thread(app: FastAPI) -> Iterator[str]:
    port = _free_port()
    server = _Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


@pytest.fixture
def live_app(tmp_path: Path) -> FastAPI:
    # development: the cookies are not marked Secure, as the server speaks plain http
    return make_app(tmp_path, environment="development")


@pytest.fixture
def base_url(live_app: FastAPI) -> Iterator[str]:
    yield from serve_in_thread(live_app)


def _token(base_url: str) -> str:
    with httpx.Client(base_url=base_url, timeout=TIMEOUT_S) as client:
        email = "load@example.org"
        created = client.post(
            "/v1/accounts/register",
            json={"email": email, "password": PASSWORD, "timezone": "UTC"},
        )
        assert created.status_code == 201, created.text
        signed = client.post("/v1/accounts/login", json={"email": email, "password": PASSWORD})
        assert signed.status_code == 200, signed.text
        return str(signed.json()["access_token"])


async def _burst(base_url: str, path: str, token: str, count: int) -> list[int | str]:
    limits = httpx.Limits(max_connections=count, max_keepalive_connections=count)
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=base_url, timeout=TIMEOUT_S, limits=limits) as client:

        async def one() -> int | str:
            try:
                return (await client.get(path, headers=headers)).status_code
            except httpx.HTTPError as error:
                return type(error).__name__

        return list(await asyncio.gather(*(one() for _ in range(count))))


@pytest.mark.parametrize("path", ["/v1/me", "/v1/episodes"])
def test_sixty_concurrent_signed_in_requests_all_answer(base_url: str, path: str) -> None:
    token = _token(base_url)
    for _ in range(3):  # several bursts: a stall can start in any of them
        began = time.monotonic()
        statuses = asyncio.run(_burst(base_url, path, token, CONCURRENT))
        assert statuses == [200] * CONCURRENT
        assert time.monotonic() - began < TIMEOUT_S


def test_a_request_holds_at_most_one_connection_and_releases_it(
    live_app: FastAPI, base_url: str
) -> None:
    """Sizing the pool to the threads is only safe if no request holds two connections, and
    each gives its connection back by the time it is answered."""
    token = _token(base_url)
    bind = live_app.state.session_factory.kw["bind"]
    lock = threading.Lock()
    open_now = {"n": 0, "max": 0}

    def opened(*_: object) -> None:
        with lock:
            open_now["n"] += 1
            open_now["max"] = max(open_now["max"], open_now["n"])

    def closed(*_: object) -> None:
        with lock:
            open_now["n"] -= 1

    event.listen(bind, "checkout", opened)
    event.listen(bind, "checkin", closed)
    try:
        statuses = asyncio.run(_burst(base_url, "/v1/me", token, CONCURRENT))
    finally:
        event.remove(bind, "checkout", opened)
        event.remove(bind, "checkin", closed)
    assert statuses == [200] * CONCURRENT
    assert open_now["n"] == 0
    assert 1 <= open_now["max"] <= THREADS


def test_anonymous_engine_and_interview_requests_open_no_connection(
    live_app: FastAPI, base_url: str
) -> None:
    bind = live_app.state.session_factory.kw["bind"]
    checkouts: list[object] = []

    def checked_out(*args: object) -> None:
        checkouts.append(args)

    event.listen(bind, "checkout", checked_out)
    try:
        with httpx.Client(base_url=base_url, timeout=TIMEOUT_S) as client:
            assert client.post("/v1/interview", json={"text": "calf cramps"}).status_code == 200
            assert client.post("/v1/triage", json={"text": "calf cramps"}).status_code == 200
            assert client.get("/").status_code == 200
            started = client.post(
                "/interview", data={"text": "my calf cramps at night", "action": "start"}
            )
            assert started.status_code == 303
            assert client.get(started.headers["location"]).status_code == 200
    finally:
        event.remove(bind, "checkout", checked_out)
    assert checkouts == []


def test_a_long_description_does_not_hold_the_other_requests(base_url: str) -> None:
    """A maximum-length text is parsed on a thread: a short request sent meanwhile is answered
    long before it."""
    long_text = ("my calf cramps at night after running, no numbness. " * 100)[:5000]

    async def race() -> tuple[float, float]:
        async with httpx.AsyncClient(base_url=base_url, timeout=60) as client:
            began = time.monotonic()

            async def timed(body: dict[str, str]) -> float:
                response = await client.post("/v1/parse", json=body)
                assert response.status_code == 200
                return time.monotonic() - began

            slow = asyncio.create_task(timed({"text": long_text}))
            await asyncio.sleep(0.01)  # the long one is in first
            quick = await timed({"text": "calf cramps"})
            return quick, await slow

    quick, slow = asyncio.run(race())
    assert quick < slow
