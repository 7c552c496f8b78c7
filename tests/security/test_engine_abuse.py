"""Issue 15, item 9 (in part): one address cannot take every worker with engine requests.

200 connections of maximum-length texts brought triage to 16 requests/s with a median of 9 s.
The anonymous routes that run the engine or draw a PDF now take at most
``engine_rate_limit`` requests a minute per client address; the next one is a 429 with
``Retry-After``, JSON from the API and a page from the web, and other addresses and routes
are not affected. A connection that does not finish a request's headers in time is closed
(uvicorn has no such deadline: 2,000 slow connections were held open).
"""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

import uvicorn

from spasmcheck.server import SlowHeadersTimeout
from tests.api.conftest import BASE_URL, TestClient, error_of, make_app


def test_engine_requests_are_limited_per_address(tmp_path: Path) -> None:
    app = make_app(tmp_path, engine_rate_limit=3)
    body = {"text": "calf cramps at night"}
    with TestClient(app, base_url=BASE_URL, follow_redirects=False) as client:
        statuses = [client.post("/v1/triage", json=body).status_code for _ in range(3)]
        assert statuses == [200, 200, 200]
        refused = client.post("/v1/parse", json=body)  # one budget for every engine route
        assert refused.status_code == 429
        assert error_of(refused)["code"] == "too_many_requests"
        assert 1 <= int(refused.headers["retry-after"]) <= 61
        page = client.post("/interview", data={"action": "start", "text": "calf cramps"})
        assert page.status_code == 429 and "text/html" in page.headers["content-type"]
        assert client.get("/v1/info").status_code == 200  # not an engine run
        assert client.get("/").status_code == 200
    other = TestClient(app, base_url=BASE_URL, client=("203.0.113.9", 4321))
    with other:
        assert other.post("/v1/triage", json=body).status_code == 200  # its own budget


class QuickHeadersTimeout(SlowHeadersTimeout):
    header_timeout_s = 0.5


def closed_within(sock: socket.socket, seconds: float) -> bool:
    """Whether the server closes ``sock`` within ``seconds`` (reads until EOF)."""
    sock.settimeout(seconds)
    try:
        while sock.recv(4096):
            pass
    except TimeoutError:
        return False
    return True


def test_a_connection_that_sends_its_headers_too_slowly_is_closed(tmp_path: Path) -> None:
    config = uvicorn.Config(
        make_app(tmp_path), host="127.0.0.1", port=0, log_config=None, lifespan="off",
        http=QuickHeadersTimeout,
    )  # fmt: skip
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline
        time.sleep(0.02)
    address = server.servers[0].sockets[0].getsockname()[:2]
    try:
        with socket.create_connection(address) as silent:  # sends nothing at all
            assert closed_within(silent, 3)
        with socket.create_connection(address) as slow:  # half the headers, then nothing
            slow.sendall(b"GET /v1/info HTTP/1.1\r\nHost: x\r\n")
            assert closed_within(slow, 3)
        with socket.create_connection(address) as fine:  # a whole request is answered
            fine.sendall(b"GET /v1/info HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            fine.settimeout(5)
            assert fine.recv(12).startswith(b"HTTP/1.1 200")
    finally:
        server.should_exit = True
        thread.join(10)
