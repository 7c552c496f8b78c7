"""Load generator for the interview route: steps per second and latency percentiles.

Starts the API itself (``uvicorn spasmcheck.server:create_app --factory --workers N`` on
127.0.0.1, a throw-away SQLite database), records a set of realistic interview requests by
walking a few lay descriptions through the interview on that server, warms up, then drives
``POST /v1/interview`` with those requests from ``concurrency`` asyncio clients (httpx, one
keep-alive connection each) for a fixed time, and prints one JSON object per concurrency
level: steps/s, p50/p90/p99/max latency in milliseconds and the error count. Then it stops
the server. Everything is bounded: the duration (at most 120 s per level), the request count
(``--max-requests``) and the address (127.0.0.1 only).

    .venv/bin/python benchmarks/load.py --workers 2 --concurrency 1,8,32 --duration 10

The client runs on the same machine as the server, so on a small machine it competes with the
server's workers for the same cores: the figures are a floor, not the server's ceiling.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

HOST = "127.0.0.1"
MAX_DURATION_S = 120.0
EVIDENCE_KEYS = ("finding", "status", "origin", "question", "screening", "possible")

# Lay descriptions the interviews start from; each is answered to the end in a few patterns,
# so the recorded steps carry evidence lists from empty to twenty-odd items.
OPENINGS: list[dict[str, Any]] = [
    {"text": "my calf cramps at night after running", "age": 45, "sex": "male"},
    {"text": "my eyelid keeps twitching", "age": 30, "sex": "female"},
    {"text": "painful cramps in my feet when I wake up", "age": 68, "sex": "female"},
    {"text": "muscles twitching all over my arms and legs", "age": 52, "sex": "male"},
    {"text": "my thigh cramps when I play football in the heat", "age": 22, "sex": "male"},
    {"text": "my neck pulls to one side and will not relax", "age": 40, "sex": "female"},
    {"text": "cramps in my hands since I started a new tablet", "age": 60, "sex": "female"},
    {"text": "tummy cramps that come and go", "age": 35, "sex": "male"},
    {"age": 50},
]


# ``uvicorn --workers N`` binds its listening socket with protocol 0, so asyncio does not set
# TCP_NODELAY on the connections the workers accept, and a keep-alive response written in two
# parts waits for the client's delayed ACK (~40 ms on Linux). This launcher binds the socket
# with IPPROTO_TCP and runs the same uvicorn supervisor (``--tcp-socket``), to show the cost.
TCP_LAUNCHER = """
import socket, sys
import uvicorn
from uvicorn.supervisors import Multiprocess
port, workers = int(sys.argv[1]), int(sys.argv[2])
config = uvicorn.Config("spasmcheck.server:create_app", factory=True, host="127.0.0.1",
                        port=port, workers=workers, log_level="warning", access_log=False)
sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
sock.bind(("127.0.0.1", port))
sock.set_inheritable(True)
Multiprocess(config, sockets=[sock]).run()
"""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


@contextmanager
def server(
    workers: int, database: Path, port: int, log: Path, tcp_socket: bool = False
) -> Iterator[str]:
    """Run uvicorn with ``workers`` processes on 127.0.0.1:port; always stop it."""
    env = {
        **os.environ,
        "SPASMCHECK_ENV": "test",
        "SPASMCHECK_DATABASE_URL": f"sqlite:///{database}",
        "SPASMCHECK_ENGINE_RATE_LIMIT": "0",  # every request comes from 127.0.0.1
    }
    command = [
        sys.executable, "-m", "uvicorn", "spasmcheck.server:create_app", "--factory",
        "--host", HOST, "--port", str(port), "--workers", str(workers),
        "--log-level", "warning", "--no-access-log",
    ]  # fmt: skip
    if tcp_socket:
        command = [sys.executable, "-c", TCP_LAUNCHER, str(port), str(workers)]
    with log.open("wb") as out:
        process = subprocess.Popen(
            command, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    base = f"http://{HOST}:{port}"
    try:
        wait_ready(base, process, log, workers)
        yield base
    finally:
        stop(process)


def wait_ready(base: str, process: subprocess.Popen[bytes], log: Path, workers: int) -> None:
    """Wait for /v1/info; with several workers, until each has answered once (startup done)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server exited with {process.returncode}:\n{log.read_text()}")
        try:
            if httpx.get(f"{base}/v1/info", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    else:
        raise SystemExit(f"the server did not answer within 60 s:\n{log.read_text()}")
    # Every worker loads the engine at start; give the others time to finish.
    if workers > 1:
        with httpx.Client(base_url=base, timeout=10) as client:
            for _ in range(20 * workers):
                client.get("/v1/info", headers={"connection": "close"})
        time.sleep(1.0)


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    except ProcessLookupError:
        pass


def clean_evidence(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: item[k] for k in EVIDENCE_KEYS if k in item} for item in items]


def record_interviews(base: str) -> list[bytes]:
    """Walk each opening through the interview (three answer patterns); keep every request."""
    with httpx.Client(base_url=base, timeout=10) as client:
        return walk_interviews(client)


def walk_interviews(client: Any) -> list[bytes]:
    """:func:`record_interviews` through ``client``: an httpx client or Starlette's test
    client (its own httpx), pointed at the app."""
    bodies: list[bytes] = []
    for opening in OPENINGS:
        for pattern in range(3):
            request: dict[str, Any] = dict(opening)
            for number in range(25):
                bodies.append(json.dumps(request).encode())
                response = client.post(
                    "/v1/interview", content=bodies[-1],
                    headers={"content-type": "application/json"},
                )  # fmt: skip
                if response.status_code != 200:
                    raise SystemExit(f"recording failed: {response.status_code} {response.text}")
                step = response.json()
                if step["should_stop"]:
                    break
                question = step["question"]
                options = [o["id"] for o in question["options"]]
                reply: Any
                if question["screening"] and question["kind"] != "yes_no":
                    # the emergency screen: "None of these", as most people answer it (a
                    # chosen warning sign ends the interview at its first answer)
                    reply = "none"
                elif question["kind"] == "yes_no":
                    reply = ("no", "yes", "dont_know")[(number + pattern) % 3 if pattern else 0]
                else:
                    reply = options[(number + pattern) % len(options) :][:1] or []
                request = {key: opening[key] for key in ("age", "sex") if key in opening}
                request["evidence"] = clean_evidence(step["evidence"])
                request["answer"] = {
                    "question_id": question["id"],
                    "kind": question["kind"],
                    "options": options,
                    "screening": question["screening"],
                    "response": reply,
                }
    return bodies


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    error_kinds: dict[str, int] = field(default_factory=dict)

    def error(self, kind: str) -> None:
        self.errors += 1
        self.error_kinds[kind] = self.error_kinds.get(kind, 0) + 1


async def drive(
    base: str, bodies: list[bytes], concurrency: int, duration: float, max_requests: int
) -> tuple[Tally, float]:
    tally = Tally()
    sent = 0
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    headers = {"content-type": "application/json"}
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as client:

        async def one_client(offset: int, deadline: float) -> None:
            nonlocal sent
            index = offset
            while time.perf_counter() < deadline and sent < max_requests:
                sent += 1
                body = bodies[index % len(bodies)]
                index += concurrency
                began = time.perf_counter()
                try:
                    response = await client.post("/v1/interview", content=body, headers=headers)
                except httpx.HTTPError as error:
                    tally.error(type(error).__name__)
                    continue
                tally.latencies.append(time.perf_counter() - began)
                if response.status_code != 200:
                    tally.error(str(response.status_code))

        started = time.perf_counter()
        deadline = started + duration
        await asyncio.gather(*(one_client(i * 7, deadline) for i in range(concurrency)))
        elapsed = time.perf_counter() - started
    return tally, elapsed


def percentile(sorted_values: list[float], fraction: float) -> float:
    if not sorted_values:
        return float("nan")
    index = min(len(sorted_values) - 1, max(0, round(fraction * len(sorted_values)) - 1))
    return sorted_values[index]


def summary(
    workers: int, concurrency: int, tally: Tally, elapsed: float, bodies: list[bytes]
) -> dict[str, Any]:
    values = sorted(tally.latencies)
    ok = len(values) - sum(v for k, v in tally.error_kinds.items() if k.isdigit())

    def ms(x: float) -> float:
        return round(x * 1000, 2)

    return {
        "workers": workers,
        "concurrency": concurrency,
        "duration_s": round(elapsed, 2),
        "steps": len(values),
        "ok": ok,
        "steps_per_s": round(ok / elapsed, 1) if elapsed else 0.0,
        "p50_ms": ms(percentile(values, 0.50)),
        "p90_ms": ms(percentile(values, 0.90)),
        "p99_ms": ms(percentile(values, 0.99)),
        "max_ms": ms(values[-1]) if values else None,
        "errors": tally.errors,
        "error_kinds": tally.error_kinds,
        "distinct_requests": len(bodies),
        "mean_evidence_items": round(
            sum(len(json.loads(b).get("evidence", [])) for b in bodies) / len(bodies), 1
        ),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    parser.add_argument(
        "--concurrency", default="8", help="client connections; a comma list runs each in turn"
    )
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per level")
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds before measuring")
    parser.add_argument(
        "--tcp-socket",
        action="store_true",
        help="bind the socket with IPPROTO_TCP (TCP_NODELAY) instead of `uvicorn --workers`",
    )
    parser.add_argument("--max-requests", type=int, default=500_000, help="cap per level")
    args = parser.parse_args(argv)
    levels = [int(x) for x in str(args.concurrency).split(",") if x.strip()]
    if not 1 <= args.workers <= 16 or not levels or any(not 1 <= c <= 512 for c in levels):
        parser.error("--workers must be 1..16 and --concurrency 1..512")
    duration = min(max(args.duration, 1.0), MAX_DURATION_S)
    warmup = min(max(args.warmup, 0.0), 30.0)

    with tempfile.TemporaryDirectory(prefix="spasmcheck-load-") as tmp:
        folder = Path(tmp)
        port = free_port()
        log = folder / "server.log"
        with server(args.workers, folder / "load.sqlite3", port, log, args.tcp_socket) as base:
            bodies = record_interviews(base)
            results = []
            for concurrency in levels:
                if warmup:
                    asyncio.run(drive(base, bodies, concurrency, warmup, args.max_requests))
                tally, elapsed = asyncio.run(
                    drive(base, bodies, concurrency, duration, args.max_requests)
                )
                result = summary(args.workers, concurrency, tally, elapsed, bodies)
                result["tcp_socket"] = args.tcp_socket
                result["cpu_count"] = os.cpu_count()
                result["python"] = platform.python_version()
                results.append(result)
                print(json.dumps(result), flush=True)  # noqa: T201
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
