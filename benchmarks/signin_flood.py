"""A sign-in flood against a real server, and what it does to everyone else (issue 15).

Starts ``uvicorn spasmcheck.server:create_app --factory`` (one worker, real argon2id
hashing, a throw-away SQLite database) on 127.0.0.1, measures a normal triage request's
latency while nothing else happens, then floods sign-ups and sign-ins with new e-mail
addresses from ``--connections`` asyncio clients (a separate process) and measures the same
triage request again (from a third process, so the flood's client does not slow the probe).
Prints the latencies, the server's memory before and at its peak, and what the flood was
answered. ``--no-limits`` raises every sign-in limit, as for an attacker with many addresses,
so that only the bounded hashing and the sign-in gate stand in the way.

    .venv/bin/python benchmarks/signin_flood.py --connections 100 --duration 15
    .venv/bin/python benchmarks/signin_flood.py --connections 100 --duration 15 --no-limits

Everything runs on one machine: the figures include the clients' share of the cores.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

HOST = "127.0.0.1"
PASSWORD = "correct horse battery staple"
TRIAGE = {"text": "calf cramps at night"}
NO_LIMITS = {
    name: "1000000"
    for name in (
        "SPASMCHECK_LOGIN_RATE_LIMIT",
        "SPASMCHECK_ADDRESS_LOGIN_RATE_LIMIT",
        "SPASMCHECK_ACCOUNT_LOGIN_RATE_LIMIT",
        "SPASMCHECK_REGISTER_RATE_LIMIT",
    )
}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def rss_mb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) // 1024
    return 0


def probe(base: str, seconds: float) -> dict[str, float]:
    """Sequential triage requests, 20 a second: p50 and p99 in milliseconds."""
    times: list[float] = []
    with httpx.Client(base_url=base, timeout=60) as client:
        stop = time.monotonic() + seconds
        while time.monotonic() < stop:
            began = time.perf_counter()
            response = client.post("/v1/triage", json=TRIAGE)
            times.append((time.perf_counter() - began) * 1000)
            response.raise_for_status()
            time.sleep(0.05)
    cuts = statistics.quantiles(times, n=100)
    return {"p50_ms": round(cuts[49], 1), "p99_ms": round(cuts[98], 1), "n": len(times)}


async def flood(base: str, seconds: float, connections: int) -> dict[int, int]:
    """New e-mails, half signing up and half signing in, as fast as the server answers."""
    numbers = itertools.count()
    answers: dict[int, int] = {}

    async def attacker(client: httpx.AsyncClient, stop: float) -> None:
        while time.monotonic() < stop:
            n = next(numbers)
            path = "/v1/accounts/register" if n % 2 else "/v1/accounts/login"
            body = {"email": f"flood{n}@example.org", "password": PASSWORD}
            try:
                status = (await client.post(path, json=body)).status_code
            except httpx.HTTPError:
                status = 0
            answers[status] = answers.get(status, 0) + 1

    limits = httpx.Limits(max_connections=connections)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as client:
        stop = time.monotonic() + seconds
        await asyncio.gather(*(attacker(client, stop) for _ in range(connections)))
    return dict(sorted(answers.items()))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--connections", type=int, default=100, choices=range(1, 1001))
    parser.add_argument("--duration", type=float, default=15.0)
    parser.add_argument("--no-limits", action="store_true")
    parser.add_argument("--role", choices=["main", "flood", "probe"], default="main")
    parser.add_argument("--base", default="")
    args = parser.parse_args()
    duration = min(max(args.duration, 3.0), 120.0)
    if args.role == "flood":
        print(json.dumps(asyncio.run(flood(args.base, duration, args.connections))))  # noqa: T201
        return 0
    if args.role == "probe":
        print(json.dumps(probe(args.base, duration)))  # noqa: T201
        return 0

    port = free_port()
    base = f"http://{HOST}:{port}"
    with tempfile.TemporaryDirectory(prefix="spasmcheck-flood-") as folder:
        env = {
            **os.environ,
            "SPASMCHECK_ENV": "development",
            "SPASMCHECK_DATABASE_URL": f"sqlite:///{Path(folder) / 'flood.sqlite3'}",
            # the probe stands for many people's requests, not one address's
            "SPASMCHECK_ENGINE_RATE_LIMIT": "0",
            **(NO_LIMITS if args.no_limits else {}),
        }
        server = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "spasmcheck.server:create_app", "--factory",
             "--host", HOST, "--port", str(port), "--log-level", "warning", "--no-access-log",
             "--no-proxy-headers"],
            env=env,
        )  # fmt: skip
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    if httpx.get(f"{base}/v1/info", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline:
                    raise SystemExit("the server did not start")
                time.sleep(0.3)
            me = [sys.executable, __file__, "--base", base]
            quiet = json.loads(subprocess.check_output([*me, "--role", "probe", "--duration", "5"]))
            before = rss_mb(server.pid)
            attackers = subprocess.Popen(
                [*me, "--role", "flood", "--duration", str(duration + 4),
                 "--connections", str(args.connections)],
                stdout=subprocess.PIPE,
            )  # fmt: skip
            time.sleep(2)
            prober = subprocess.Popen(
                [*me, "--role", "probe", "--duration", str(duration)], stdout=subprocess.PIPE
            )
            peak = before
            while prober.poll() is None:
                peak = max(peak, rss_mb(server.pid))
                time.sleep(0.1)
            during = json.loads(prober.communicate()[0])
            answered = json.loads(attackers.communicate()[0])
        finally:
            server.terminate()
            server.wait(timeout=30)
    print(  # noqa: T201
        json.dumps(
            {
                "connections": args.connections,
                "limits": not args.no_limits,
                "triage_quiet": quiet,
                "triage_during_flood": during,
                "server_rss_mb": {"before": before, "peak": peak},
                "flood_answered": answered,
                "load_average": os.getloadavg(),
            }
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
