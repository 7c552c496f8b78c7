"""CPU per request in process: the ASGI app called directly, no server, no sockets.

The wrk figures (``benchmarks/http_wrk.py``) say how many answers a second the server gives;
this says where each answer's CPU goes. It builds spasmcheck's app over a throw-away SQLite
database, records the same requests as ``http_wrk.py`` (the 54-odd interview requests of
``benchmarks/load.py``, the web question page after one answer with its cookie), then sends
each scenario's requests straight to the ASGI callable in a loop on one event loop and prints
the CPU time (``time.process_time``) per request, beside the minimal app's
(``benchmarks/minimal_app.py``) measured the same way. ``--profile`` prints cProfile's top
functions for each scenario instead (cumulative and own time).

    .venv/bin/python benchmarks/asgi_profile.py --rounds 3
    .venv/bin/python benchmarks/asgi_profile.py --scenarios interview --profile 40
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import gc
import html
import json
import os
import pstats
import re
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

SCENARIOS = ("minimal", "interview", "web")
Request = tuple[str, str, list[tuple[bytes, bytes]], bytes]  # method, path?query, headers, body


async def call(app: Any, request: Request) -> int:
    """One request through the ASGI app; its status."""
    method, target, headers, body = request
    path, _, query = target.partition("?")
    scope = {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query.encode(),
        "root_path": "",
        "headers": [(b"host", b"127.0.0.1"), *headers],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
        "state": {},
    }
    sent = False
    status = 0

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if sent:
            await asyncio.sleep(3600)
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    await app(scope, receive, send)
    return status


def json_request(path: str, body: bytes) -> Request:
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    return ("POST", path, headers, body)


def record(app: Any, scenarios: list[str]) -> dict[str, list[Request]]:
    """Each scenario's requests, recorded through Starlette's test client."""
    from fastapi.testclient import TestClient
    from load import walk_interviews

    recorded: dict[str, list[Request]] = {}
    with TestClient(app, base_url="http://127.0.0.1") as client:
        if "interview" in scenarios:
            bodies = walk_interviews(client)
            recorded["interview"] = [json_request("/v1/interview", b) for b in bodies]
        if "web" in scenarios:
            started = client.post(
                "/interview",
                data={"text": "my calf cramps at night after running", "age": "45",
                      "sex": "male", "action": "start"},
                follow_redirects=False,
            )  # fmt: skip
            assert started.status_code == 303, started.text
            page = client.get(started.headers["location"])
            found = re.search(r'name="state" value="([^"]*)"', page.text)
            assert found, "no state on the first page"
            answer = "none" if 'value="none"' in page.text else "no"
            answered = client.post(
                "/interview",
                data={"state": html.unescape(found.group(1)), "answer": answer},
                follow_redirects=False,
            )
            assert answered.status_code == 303, answered.text
            cookie = client.cookies.get("spasmcheck_interview")
            assert cookie, "no interview cookie"
            location = urlsplit(answered.headers["location"])
            target = location.path + (f"?{location.query}" if location.query else "")
            headers = [(b"cookie", f"spasmcheck_interview={cookie}".encode())]
            recorded["web"] = [("GET", target, headers, b"")]
    return recorded


def measure(app: Any, requests: list[Request], count: int, profile: int) -> float:
    """CPU ms per request over ``count`` requests (cycling), after a warm-up round."""

    async def run(n: int) -> None:
        for i in range(n):
            status = await call(app, requests[i % len(requests)])
            if status >= 400:
                raise SystemExit(f"status {status} for {requests[i % len(requests)][:2]}")

    loop = asyncio.new_event_loop()
    try:
        loop.run_until_complete(run(max(len(requests), 50)))
        gc.collect()
        profiler = cProfile.Profile() if profile else None
        started = time.process_time()
        if profiler:
            profiler.enable()
        loop.run_until_complete(run(count))
        if profiler:
            profiler.disable()
        spent = time.process_time() - started
    finally:
        loop.close()
    if profiler:
        stats = pstats.Stats(profiler)
        stats.sort_stats("cumulative").print_stats(profile)
        stats.sort_stats("tottime").print_stats(profile)
    return 1000 * spent / count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scenarios", default=",".join(SCENARIOS))
    parser.add_argument("--count", type=int, default=2000, help="requests per measurement")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--profile", type=int, default=0, help="print this many functions")
    args = parser.parse_args(argv)
    scenarios = [s for s in args.scenarios.split(",") if s]
    if unknown := set(scenarios) - set(SCENARIOS):
        raise SystemExit(f"unknown scenario(s): {', '.join(sorted(unknown))}")

    with tempfile.TemporaryDirectory(prefix="spasmcheck-asgi-") as tmp:
        os.environ.update(
            {
                "SPASMCHECK_ENV": "development",
                "SPASMCHECK_DATABASE_URL": f"sqlite:///{Path(tmp) / 'db.sqlite3'}",
                "SPASMCHECK_ENGINE_RATE_LIMIT": "0",
            }
        )
        from minimal_app import app as minimal

        from spasmcheck.server import create_app

        app = create_app()
        recorded = record(app, scenarios)
        body = b'{"name": "calf", "count": 3, "tags": ["night", "running"]}'
        recorded["minimal"] = [json_request("/echo", body)]
        targets: dict[str, Callable[..., Any]] = {"minimal": minimal}
        for round_ in range(1, args.rounds + 1):
            for scenario in scenarios:
                ms = measure(
                    targets.get(scenario, app), recorded[scenario], args.count, args.profile
                )
                line = {"round": round_, "scenario": scenario, "cpu_ms_per_request": round(ms, 3)}
                print(json.dumps(line), flush=True)  # noqa: T201
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
