"""``POST /v1/interview`` answered through the whole app, request by request: the status, the
headers and the body of each, as SHA-256 lines, so that two source trees can be compared byte
for byte (``PYTHONPATH=<tree>/src``; docs/benchmarks.md, "HTTP interview: what is not the
engine").

The requests: every step of the vignettes' interviews as its evidence list (the simulated
patient of ``spasmcheck eval --mode interview``, as ``benchmarks/step_walks.py`` records them),
each vignette's text as a first step, the load walk of ``benchmarks/load.py`` (answers
included), and malformed or misdirected ones (invalid JSON, not UTF-8, unknown fields and
findings, a text over the limit, other content types, methods and paths). Each is sent
straight to the ASGI app of ``spasmcheck.server.create_app`` over a throw-away SQLite file.

    PYTHONPATH=/tmp/before/src .venv/bin/python benchmarks/interview_bodies.py /tmp/before.txt
    PYTHONPATH=/tmp/after/src .venv/bin/python benchmarks/interview_bodies.py /tmp/after.txt
    cmp /tmp/before.txt /tmp/after.txt
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

Request = tuple[str, str, list[tuple[bytes, bytes]], bytes]  # method, path, headers, body
JSON_HEADERS = [(b"content-type", b"application/json")]
MALFORMED = [
    b"{}",
    b'{"age": true}',
    b'{"age": 121}',
    b'{"surprise": 1}',
    b'{"evidence": [{"finding": "nope_nope", "status": "present"}]}',
    b'{"answer": {"question_id": "cramp", "kind": "yes_no"}}',
    b'{"answer": {"question_id": "zz_unknown", "kind": "yes_no", "response": "yes"}}',
    b'{"text": "calf',
    b"",
    b"[]",
    b"null",
    '{"text": "café"}'.encode("latin-1"),  # not UTF-8
    b'{"age": NaN}',
    b'{"text": "' + b"x" * 6000 + b'"}',  # over the text limit
]
OTHERS: list[Request] = [
    ("POST", "/v1/interview", [(b"content-type", b"text/plain")], b'{"text": "calf cramps"}'),
    (
        "POST",
        "/v1/interview",
        [(b"content-type", b"application/json; charset=utf-8")],
        b'{"text": "calf cramps"}',
    ),
    ("POST", "/v1/interview/", JSON_HEADERS, b"{}"),
    ("GET", "/v1/interview", [], b""),
    ("PUT", "/v1/interview", JSON_HEADERS, b"{}"),
]


def requests(app: Any, vignettes: list[Path]) -> list[Request]:
    import asgi_profile
    import step_walks

    from spasmcheck.evaluation.vignettes import load_vignettes

    out: list[Request] = []
    for evidence, age, sex in step_walks.record(app.state.engine, vignettes):
        body: dict[str, Any] = {"evidence": [e.as_dict() for e in evidence]}
        if age is not None:
            body["age"] = age
        if sex is not None:
            body["sex"] = sex
        out.append(("POST", "/v1/interview", JSON_HEADERS, json.dumps(body).encode()))
    for path in vignettes:
        for v in load_vignettes(path):
            body = {"text": v.text, "age": v.age, "sex": v.sex}
            out.append(("POST", "/v1/interview", JSON_HEADERS, json.dumps(body).encode()))
    out += asgi_profile.record(app, ["interview"])["interview"]
    out += [("POST", "/v1/interview", JSON_HEADERS, body) for body in MALFORMED]
    return out + OTHERS


async def answer(app: Any, request: Request) -> tuple[int, list[Any], bytes]:
    """The status, headers and body the app sends for ``request``."""
    method, path, headers, body = request
    scope = {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"127.0.0.1"), *headers],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
        "state": {},
    }
    sent = False
    status, response_headers, content = 0, [], b""

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if sent:
            await asyncio.sleep(3600)
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status, response_headers, content
        if message["type"] == "http.response.start":
            status = message["status"]
            response_headers = [tuple(h) for h in message.get("headers", [])]
        elif message["type"] == "http.response.body":
            content += message.get("body", b"")

    await app(scope, receive, send)
    return status, response_headers, content


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("output", type=Path, help="where to write one line per request")
    parser.add_argument(
        "--vignettes", nargs="*", type=Path, default=[HERE.parent / "vignettes" / "public.yaml"]
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="spasmcheck-bodies-") as tmp:
        os.environ.update(
            {
                "SPASMCHECK_ENV": "development",
                "SPASMCHECK_DATABASE_URL": f"sqlite:///{Path(tmp) / 'db.sqlite3'}",
                "SPASMCHECK_ENGINE_RATE_LIMIT": "0",
            }
        )
        from spasmcheck.server import create_app

        app = create_app()
        sent = requests(app, args.vignettes)
        loop = asyncio.new_event_loop()
        with args.output.open("w") as out:
            for request in sent:
                status, headers, content = loop.run_until_complete(answer(app, request))
                header_hash = hashlib.sha256(repr(headers).encode()).hexdigest()[:16]
                out.write(f"{status} {header_hash} {hashlib.sha256(content).hexdigest()}\n")
        loop.close()
    print(f"{len(sent)} requests", file=sys.stderr)  # noqa: T201
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
