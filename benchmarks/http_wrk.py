"""HTTP throughput with wrk: spasmcheck's routes against a minimal FastAPI app, in one run.

Starts two servers on 127.0.0.1 with the same server code (:func:`spasmcheck.server.serve`,
what ``spasmcheck serve --workers N`` runs: one ``SO_REUSEPORT`` socket per worker):
``benchmarks/minimal_app.py`` (one POST route, a small pydantic body) and spasmcheck over a
throw-away SQLite database. Then, for each round, it drives each scenario with wrk for
``--duration`` seconds, the minimal app first, and prints one JSON line per measurement:
requests/s, latency percentiles (wrk's ``--latency``), errors (socket errors, timeouts,
non-2xx/3xx answers), the share of the minimal app's rate of the same round, and the load
average of the machine when the measurement began.

Scenarios:

``interview``  ``POST /v1/interview`` with the requests recorded by walking nine lay
               descriptions through the interview (the same as ``benchmarks/load.py``),
               cycled by a wrk Lua script.
``web``        ``GET /interview?step=N`` with its state cookie: the question page the
               browser is sent to after answering (render included).
``web_answer`` ``POST /interview`` answering that question (a 303 to the page above).
``me``         ``GET /v1/me`` with a bearer token: a signed-in route that reads the
               database (authenticate, then load the account).
``episodes``   ``GET /v1/episodes`` for an account with a few episodes.

    .venv/bin/python benchmarks/http_wrk.py --workers 2 --connections 64 --duration 10 \\
        --rounds 2 --scenarios interview,web,web_answer
    .venv/bin/python benchmarks/http_wrk.py --workers 2 --connections 200 --duration 10 \\
        --scenarios me,episodes

wrk runs on the same cores as the servers: every figure is what the server does while
sharing the CPU with the load generator. On a machine shared with other jobs, requests/s
also depend on how much CPU the scheduler gives each server (a process with more runnable
threads gets more of an oversubscribed machine), so each line also gives the server's own CPU
time per answer (user + system, from /proc, the server and its workers) and the minimal
app's CPU per answer over the route's (``cpu_share_of_minimal``): the share of the minimal
app's rate the route would reach on cores of its own.
"""

from __future__ import annotations

import argparse
import html
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import httpx

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from load import HOST, TCP_LAUNCHER, free_port, record_interviews  # noqa: E402

PASSWORD = "correct horse battery staple"
SCENARIOS = ("interview", "web", "web_answer", "me", "episodes")
MINIMAL_BODY = '{"name": "calf", "count": 3, "tags": ["night", "running"]}'
WRK_TIMEOUT_S = 5


SERVER_PIDS: dict[str, int] = {}  # base URL → the server's process (its workers are children)
TICKS_PER_S = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) used so far by ``pid`` and every process below it."""
    total = 0.0
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / TICKS_PER_S
            for task in Path(f"/proc/{current}/task").iterdir():
                pending += [int(c) for c in (task / "children").read_text().split()]
        except (FileNotFoundError, ProcessLookupError):
            continue
    return total


def lua_string(text: str) -> str:
    level = "=" * 4
    assert f"]{level}]" not in text
    return f"[{level}[{text}]{level}]"


def lua_script(
    method: str, path: str, headers: dict[str, str], bodies: list[str], timeline: bool = False
) -> str:
    """A wrk script: each connection cycles through ``bodies`` from its own offset."""
    header_lines = "\n".join(
        f"wrk.headers[ {lua_string(k)} ] = {lua_string(v)}" for k, v in headers.items()
    )
    items = ",\n".join(lua_string(b) for b in bodies) if bodies else ""
    return f"""
wrk.method = {lua_string(method)}
{header_lines}
local path = {lua_string(path)}
local bodies = {{ {items} }}
local count = #bodies
local index = 0
local counter = 0
function setup(thread)
  counter = counter + 1
  thread:set("index", counter * 37)
end
function request()
  if count == 0 then
    return wrk.format(nil, path)
  end
  index = index + 1
  return wrk.format(nil, path, nil, bodies[(index % count) + 1])
end
""" + (TIMELINE if timeline else "")


# Answers per wall-clock second, counted by each wrk thread and summed at the end: a stall
# shows as a second with no answer. (Each answer costs a Lua call, so only on request.)
TIMELINE = """
local threads = {}
local setup_counter = setup
function setup(thread)
  setup_counter(thread)
  table.insert(threads, thread)
end
seconds = {}
function response(status, headers, body)
  local now = os.time()
  seconds[now] = (seconds[now] or 0) + 1
end
function done(summary, latency, requests)
  local total = {}
  local first, last = nil, nil
  for _, thread in ipairs(threads) do
    for second, n in pairs(thread:get("seconds")) do
      total[second] = (total[second] or 0) + n
      if first == nil or second < first then first = second end
      if last == nil or second > last then last = second end
    end
  end
  local fewest, counts = nil, {}
  if first ~= nil then
    for second = first, last do
      local n = total[second] or 0
      table.insert(counts, n)
      -- the first and last seconds are partial
      if second > first and second < last and (fewest == nil or n < fewest) then fewest = n end
    end
  end
  io.write("TIMELINE " .. table.concat(counts, ",") .. "\\n")
  io.write("FEWEST_PER_SECOND " .. tostring(fewest or -1) .. "\\n")
end
"""


@contextmanager
def serving(
    command: list[str], env: dict[str, str], log: Path, port: int, ready: str
) -> Iterator[str]:
    with log.open("wb") as out:
        process = subprocess.Popen(
            command, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    base = f"http://{HOST}:{port}"
    SERVER_PIDS[base] = process.pid
    try:
        deadline = time.monotonic() + 120
        while True:
            if process.poll() is not None:
                raise SystemExit(f"server exited {process.returncode}:\n{log.read_text()}")
            try:
                method, path = ready.split(" ", 1)
                probe = httpx.request(
                    method, base + path, timeout=2, json={"name": "x", "count": 1}
                )
                if probe.status_code < 500:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit(f"server did not answer:\n{log.read_text()}")
            time.sleep(0.2)
        time.sleep(3.0)  # the other workers finish loading
        yield base
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def parse_wrk(output: str) -> dict[str, Any]:
    def number_ms(value: str) -> float:
        match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value)
        assert match, value
        scale = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}[match.group(2)]
        return round(float(match.group(1)) * scale, 2)

    result: dict[str, Any] = {}
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    result["req_per_s"] = float(rate.group(1)) if rate else 0.0
    total = re.search(r"(\d+) requests in ([\d.]+\w+)", output)
    result["requests"] = int(total.group(1)) if total else 0
    latency = re.search(r"Latency\s+(\S+)\s+(\S+)\s+(\S+)", output)
    if latency:
        result["max_ms"] = number_ms(latency.group(3))
    for pct in ("50", "90", "99"):
        found = re.search(rf"\s{pct}%\s+(\S+)", output)
        if found:
            result[f"p{pct}_ms"] = number_ms(found.group(1))
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    errors = {"connect": 0, "read": 0, "write": 0, "timeout": 0}
    if sockets:
        errors = dict(zip(errors, map(int, sockets.groups()), strict=True))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors["status"] = int(bad.group(1)) if bad else 0
    result["errors"] = sum(errors.values())
    result["error_kinds"] = {k: v for k, v in errors.items() if v}
    fewest = re.search(r"FEWEST_PER_SECOND (-?\d+)", output)
    if fewest:
        # the fewest answers in any whole second of the run: 0 is a gap, a stall
        result["fewest_answers_in_a_second"] = int(fewest.group(1))
        timeline = re.search(r"TIMELINE ([\d,]*)", output)
        result["answers_per_second"] = timeline.group(1) if timeline else ""
    return result


def run_wrk(
    base: str, script: str, path: str, connections: int, duration: float, threads: int, folder: Path
) -> dict[str, Any]:
    lua = folder / "script.lua"
    lua.write_text(script)
    command = [
        "wrk", f"-t{threads}", f"-c{connections}", f"-d{duration:g}s",
        f"--timeout={WRK_TIMEOUT_S}s", "--latency", "-s", str(lua), f"{base}{path}",
    ]  # fmt: skip
    load = os.getloadavg()[0]
    cpu_before = cpu_seconds(SERVER_PIDS[base])
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    cpu = cpu_seconds(SERVER_PIDS[base]) - cpu_before
    result = parse_wrk(output)
    result["load_1min"] = round(load, 2)
    # The server's own CPU time per answer: unlike requests/s, it does not depend on how
    # much of the shared cores the other jobs on the machine left to the server.
    if result["requests"]:
        result["server_cpu_ms_per_request"] = round(1000 * cpu / result["requests"], 3)
    return result


def cpu_share(yardstick: dict[str, Any], measured: dict[str, Any]) -> float | None:
    """The minimal app's CPU per request over the route's: the share of the minimal app's
    rate the route would reach on cores of its own."""
    mine = measured.get("server_cpu_ms_per_request")
    minimal = yardstick.get("server_cpu_ms_per_request")
    return round(minimal / mine, 3) if mine and minimal else None


def sign_up(client: httpx.Client, email: str) -> str:
    created = client.post(
        "/v1/accounts/register", json={"email": email, "password": PASSWORD, "timezone": "UTC"}
    )
    if created.status_code != 201:
        raise SystemExit(f"sign-up failed: {created.status_code} {created.text}")
    signed = client.post("/v1/accounts/login", json={"email": email, "password": PASSWORD})
    if signed.status_code != 200:
        raise SystemExit(f"sign-in failed: {signed.status_code} {signed.text}")
    return str(signed.json()["access_token"])


def record_web(base: str) -> tuple[str, str, str]:
    """The question page's address and cookie after one answer, and the form that answers it."""
    with httpx.Client(base_url=base, timeout=30) as client:
        started = client.post(
            "/interview",
            data={
                "text": "my calf cramps at night after running",
                "age": "45",
                "sex": "male",
                "action": "start",
            },
        )
        assert started.status_code == 303, started.text
        page = client.get(started.headers["location"])
        state = html.unescape(re.search(r'name="state" value="([^"]*)"', page.text).group(1))  # type: ignore[union-attr]
        answer = "none" if 'value="none"' in page.text else "no"
        answered = client.post("/interview", data={"state": state, "answer": answer})
        assert answered.status_code == 303, answered.text
        cookie = answered.cookies.get("spasmcheck_interview") or client.cookies.get(
            "spasmcheck_interview"
        )
        assert cookie, "no interview cookie"
        question = client.get(answered.headers["location"])
        assert question.status_code == 200 and 'name="state"' in question.text
        state2 = html.unescape(re.search(r'name="state" value="([^"]*)"', question.text).group(1))  # type: ignore[union-attr]
        answer2 = "none" if 'value="none"' in question.text else "no"
        form = httpx.QueryParams({"state": state2, "answer": answer2})
        return answered.headers["location"], cookie, str(form)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--scenarios", default="interview,web")
    parser.add_argument(
        "--shared-socket",
        action="store_true",
        help="serve spasmcheck as `serve --workers` did before issue 16: one listening socket "
        "shared by uvicorn's worker processes (bound with IPPROTO_TCP), not one per worker",
    )
    parser.add_argument(
        "--compare-src",
        type=Path,
        help="also serve spasmcheck from this source folder (same database and key) and "
        "measure it right after the first in every round: an interleaved A/B",
    )
    parser.add_argument(
        "--app-src",
        type=Path,
        help="run spasmcheck from this source folder (a `git worktree` of another commit's "
        "src/) to compare commits; the minimal app always runs on this one",
    )
    args = parser.parse_args(argv)
    scenarios = [s for s in args.scenarios.split(",") if s]
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (apt-get install wrk)")
    if unknown := set(scenarios) - set(SCENARIOS):
        raise SystemExit(f"unknown scenario(s): {', '.join(sorted(unknown))}")
    if not 1 <= args.workers <= 16 or not 1 <= args.connections <= 1000:
        raise SystemExit("--workers 1..16, --connections 1..1000")
    duration = min(max(args.duration, 1.0), 120.0)

    with tempfile.TemporaryDirectory(prefix="spasmcheck-wrk-") as tmp:
        folder = Path(tmp)
        env = {
            **os.environ,
            "SPASMCHECK_ENV": "development",
            "SPASMCHECK_DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
            "SPASMCHECK_ENGINE_RATE_LIMIT": "0",  # every request comes from 127.0.0.1
            "PYTHONPATH": os.pathsep.join([str(HERE), os.environ.get("PYTHONPATH", "")]),
        }
        minimal_port, app_port = free_port(), free_port()
        minimal_cmd = [
            sys.executable, "-c",
            "import sys; from spasmcheck.server import serve; sys.exit(serve('127.0.0.1', "
            "int(sys.argv[1]), int(sys.argv[2]), app='minimal_app:app', factory=False))",
            str(minimal_port), str(args.workers),
        ]  # fmt: skip
        app_env = dict(env)
        if args.app_src is not None:
            app_env["PYTHONPATH"] = os.pathsep.join([str(args.app_src.resolve()), str(HERE)])
        app_cmd = [
            sys.executable,
            "-m",
            "spasmcheck",
            "serve",
            "--port",
            str(app_port),
            "--workers",
            str(args.workers),
        ]
        if args.shared_socket:
            app_cmd = [sys.executable, "-c", TCP_LAUNCHER, str(app_port), str(args.workers)]
        with ExitStack() as stack:
            minimal = stack.enter_context(
                serving(minimal_cmd, env, folder / "minimal.log", minimal_port, "POST /echo")
            )
            base = stack.enter_context(
                serving(app_cmd, app_env, folder / "app.log", app_port, "GET /v1/info")
            )
            apps = {"app": base}
            if args.compare_src is not None:
                compare_port = free_port()
                compare_env = dict(env)
                compare_env["PYTHONPATH"] = os.pathsep.join(
                    [str(args.compare_src.resolve()), str(HERE)]
                )
                compare_cmd = [*app_cmd[: app_cmd.index("--port") + 1], str(compare_port)]
                compare_cmd += ["--workers", str(args.workers)]
                compare_env["SPASMCHECK_DATABASE_URL"] = f"sqlite:///{folder / 'compare.sqlite3'}"
                compare_log = folder / "compare.log"
                apps["compare"] = stack.enter_context(
                    serving(compare_cmd, compare_env, compare_log, compare_port, "GET /v1/info")
                )
            plans: dict[str, tuple[str, str]] = {}
            json_headers = {"Content-Type": "application/json"}
            if "interview" in scenarios:
                bodies = [b.decode() for b in record_interviews(base)]
                plans["interview"] = (
                    "/v1/interview",
                    lua_script("POST", "/v1/interview", json_headers, bodies),
                )
            if {"web", "web_answer"} & set(scenarios):
                page, cookie, form = record_web(base)
                plans["web"] = (
                    page,
                    lua_script("GET", page, {"Cookie": f"spasmcheck_interview={cookie}"}, []),
                )
                plans["web_answer"] = (
                    "/interview",
                    lua_script(
                        "POST",
                        "/interview",
                        {"Content-Type": "application/x-www-form-urlencoded"},
                        [form],
                    ),
                )
            if {"me", "episodes"} & set(scenarios):
                with httpx.Client(base_url=base, timeout=30) as client:
                    token = sign_up(client, "load@example.org")
                    auth = {"Authorization": f"Bearer {token}"}
                    for day in range(1, 6):
                        made = client.post(
                            "/v1/episodes",
                            headers=auth,
                            json={"started_at": f"2026-11-0{day}T22:00:00Z", "duration_seconds": 60,
                                  "severity": 5, "locations": ["loc_calf"], "kind": "cramp"},
                        )  # fmt: skip
                        if made.status_code != 201:
                            raise SystemExit(f"episode: {made.status_code} {made.text}")
                plans["me"] = ("/v1/me", lua_script("GET", "/v1/me", auth, [], timeline=True))
                plans["episodes"] = (
                    "/v1/episodes",
                    lua_script("GET", "/v1/episodes", auth, [], timeline=True),
                )
            minimal_script = lua_script("POST", "/echo", json_headers, [MINIMAL_BODY])
            for round_number in range(1, args.rounds + 1):
                for scenario in scenarios:
                    path, script = plans[scenario]
                    # the yardstick first, then the route, back to back
                    yardstick = run_wrk(
                        minimal,
                        minimal_script,
                        "/echo",
                        args.connections,
                        duration,
                        args.threads,
                        folder,
                    )
                    order = list(apps.items())
                    if round_number % 2 == 0:  # alternate which goes first
                        order.reverse()
                    for name, url in order:
                        measured = run_wrk(
                            url, script, path, args.connections, duration, args.threads, folder
                        )
                        share = (
                            measured["req_per_s"] / yardstick["req_per_s"]
                            if yardstick["req_per_s"]
                            else 0.0
                        )
                        print(  # noqa: T201
                            json.dumps(
                                {
                                    "round": round_number,
                                    "app": name,
                                    "scenario": scenario,
                                    "workers": args.workers,
                                    "connections": args.connections,
                                    **measured,
                                    "minimal_req_per_s": yardstick["req_per_s"],
                                    "minimal_p99_ms": yardstick.get("p99_ms"),
                                    "minimal_errors": yardstick["errors"],
                                    "share_of_minimal": round(share, 3),
                                    "minimal_server_cpu_ms_per_request": yardstick.get(
                                        "server_cpu_ms_per_request"
                                    ),
                                    "cpu_share_of_minimal": cpu_share(yardstick, measured),
                                }
                            ),
                            flush=True,
                        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
