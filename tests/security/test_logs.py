"""Issue 15, item 1: health data never reaches a log.

- A database error's text names the statement but never its parameters (notes, medicine
  names, e-mail addresses): every engine is made with ``hide_parameters=True``.
- The PDF library logs each glyph its font lacks, which spells out what the person typed:
  its loggers are silenced.
- A real server (uvicorn, with its access log on) is driven through every route with marker
  strings in every free-text field; no marker may appear in any log record.
"""

from __future__ import annotations

import html
import logging
import re
import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session

from spasmcheck.export.model import ReportInput
from spasmcheck.export.pdf import needs_fallback_font, render_pdf
from spasmcheck.reasoning.engine import Engine
from spasmcheck.reasoning.public import AssessmentInput, AssessmentPublic
from spasmcheck.storage import repository
from spasmcheck.storage.models import User
from tests.api.conftest import BASE_URL, TestClient, make_app

MARKER = "zqxmarker"


def test_a_database_error_does_not_carry_its_parameters(session: Session) -> None:
    email = f"{MARKER}@example.org"
    repository.create_user(session, email=email, password_hash="x", timezone="UTC")
    session.commit()
    session.add(User(email=email, password_hash=f"{MARKER}-hash", timezone="UTC"))
    with pytest.raises(IntegrityError) as raised:
        session.flush()
    # PostgreSQL's own DETAIL names the duplicate key; the statement's parameters are hidden,
    # and no such error text reaches the log (test_an_unexpected_error_logs_no_message).
    assert f"{MARKER}-hash" not in str(raised.value)
    assert "parameters hidden" in str(raised.value)


def test_a_nul_character_error_does_not_carry_its_parameters(session: Session) -> None:
    session.add(User(email=f"{MARKER}\x00@example.org", password_hash="x", timezone="UTC"))
    try:
        session.flush()
    except (DBAPIError, ValueError) as error:  # PostgreSQL refuses NUL; SQLite stores it
        assert MARKER not in str(error)
    session.rollback()


def test_an_unexpected_error_logs_no_message(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    app = make_app(tmp_path)

    @app.post("/v1/boom")
    def boom() -> None:
        raise RuntimeError(f"failing row contains ({MARKER})") from ValueError(MARKER)

    caplog.set_level(logging.DEBUG)
    with TestClient(app, base_url=BASE_URL, raise_server_exceptions=False) as client:
        response = client.post("/v1/boom")
    assert response.status_code == 500
    assert response.json()["error"]["code"] == "internal_error"
    assert MARKER not in caplog.text
    assert "RuntimeError" in caplog.text and "ValueError" in caplog.text
    assert "test_logs.py" in caplog.text  # where it was raised is kept


def test_an_unexpected_error_on_a_page_is_a_page(tmp_path: Path) -> None:
    app = make_app(tmp_path)

    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError(MARKER)

    with TestClient(app, base_url=BASE_URL, raise_server_exceptions=False) as client:
        page = client.get("/boom")
    assert page.status_code == 500
    assert page.headers["content-type"].startswith("text/html")
    assert "Something went wrong on our side" in page.text and MARKER not in page.text


# -- every route, driven through a real server with its access log on ---------------------------
CJK = "腿抽筋怀孕"  # spelled out glyph by glyph when a PDF font lacked them
TEXT = f"calf cramps at night {MARKER} {CJK} started PrEP {MARKER}"
PASSWORD = f"{MARKER} correct horse battery staple"
CLIENT_LOGGERS = ("httpx", "httpcore")  # the test's own client, not the server


@contextmanager
def running_server(app: FastAPI) -> Iterator[str]:
    config = uvicorn.Config(
        app, host="127.0.0.1", port=0, log_config=None, log_level="debug", lifespan="off"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


def hidden(page: str, name: str) -> str:
    found = re.search(rf'name="{name}"\s+value="([^"]*)"', page)
    assert found, f"no hidden {name} field"
    return html.unescape(found.group(1))


def sweep(base: str) -> set[str]:
    """Every route once with the markers in its free text; the paths it asked."""
    asked: set[str] = set()

    def ask(client: httpx.Client, method: str, route: str, path: str, **kw: Any) -> httpx.Response:
        asked.add(f"{method} {route}")
        response = client.request(method, path, **kw)
        assert response.status_code < 500, (method, path, response.status_code)
        return response

    episode = {
        "started_at": "2026-11-02T02:30:00+00:00",
        "duration_seconds": 90,
        "locations": ["loc_calf"],
        "kind": "cramp",
        "severity": 6,
        "context": ["exercise", "new_medicine"],
        "remedies": [{"name": "stretching", "helped": True}],
        "medicine_name": f"{MARKER}-pill",
        "notes": TEXT,
    }
    with httpx.Client(base_url=base, follow_redirects=False, timeout=60) as api:
        v = "/v1"
        ask(api, "POST", f"{v}/parse", f"{v}/parse", json={"text": TEXT})
        ask(api, "POST", f"{v}/assess", f"{v}/assess", json={"text": TEXT, "age": 40})
        ask(api, "POST", f"{v}/interview", f"{v}/interview", json={"text": TEXT})
        ask(api, "POST", f"{v}/triage", f"{v}/triage", json={"text": TEXT})
        ask(api, "POST", f"{v}/explain", f"{v}/explain", json={"text": TEXT, "condition": "x"})
        conditions = ask(api, "GET", f"{v}/conditions", f"{v}/conditions").json()
        first = conditions[0]["id"] if isinstance(conditions, list) else "cond_x"
        ask(api, "GET", f"{v}/conditions/{{condition_id}}", f"{v}/conditions/{first}")
        ask(api, "GET", f"{v}/findings", f"{v}/findings")
        ask(api, "GET", f"{v}/info", f"{v}/info")
        email = f"{MARKER}@example.org"
        account = {"email": email, "password": PASSWORD, "timezone": "Asia/Shanghai"}
        ask(api, "POST", f"{v}/accounts/register", f"{v}/accounts/register", json=account)
        ask(api, "POST", f"{v}/accounts/register", f"{v}/accounts/register", json=account)
        wrong = {"email": email, "password": f"{MARKER}-wrong"}
        ask(api, "POST", f"{v}/accounts/login", f"{v}/accounts/login", json=wrong)
        login = {"email": email, "password": PASSWORD}
        token = ask(api, "POST", f"{v}/accounts/login", f"{v}/accounts/login", json=login).json()
        api.headers["Authorization"] = f"Bearer {token['access_token']}"
        api.cookies.clear()
        made = ask(api, "POST", f"{v}/episodes", f"{v}/episodes", json=episode).json()
        ask(api, "POST", f"{v}/episodes", f"{v}/episodes", json={**episode, "notes": "\x00" + TEXT})
        ask(api, "GET", f"{v}/episodes", f"{v}/episodes")
        one = f"{v}/episodes/{{episode_id}}"
        ask(api, "GET", one, f"{v}/episodes/{made['id']}")
        ask(api, "PATCH", one, f"{v}/episodes/{made['id']}", json={"notes": TEXT + "!"})
        ask(api, "GET", f"{v}/diary/summary", f"{v}/diary/summary")
        saved = ask(api, "POST", f"{v}/assessments", f"{v}/assessments", json={"text": TEXT})
        ask(api, "GET", f"{v}/assessments", f"{v}/assessments")
        kept = f"{v}/assessments/{{assessment_id}}"
        ask(api, "GET", kept, f"{v}/assessments/{saved.json()['id']}")
        report = f"{v}/assessments/{{assessment_id}}/report"
        ask(api, "GET", report, f"{v}/assessments/{saved.json()['id']}/report")
        ask(api, "GET", report, f"{v}/assessments/{saved.json()['id']}/report?format=fhir")
        ask(api, "GET", f"{v}/diary/export.csv", f"{v}/diary/export.csv")
        ask(api, "GET", f"{v}/fhir/Questionnaire", f"{v}/fhir/Questionnaire")
        ask(api, "GET", f"{v}/me", f"{v}/me")
        ask(api, "GET", f"{v}/me/export", f"{v}/me/export")
        ask(api, "DELETE", one, f"{v}/episodes/{made['id']}")
        ask(api, "DELETE", kept, f"{v}/assessments/{saved.json()['id']}")
        me = f"{v}/me"
        ask(api, "PATCH", me, me, json={"email": f"{MARKER}2@example.org", "password": "no"})
        ask(api, "PATCH", me, me, json={"timezone": "Asia/Shanghai"})
        change = {"current_password": f"{MARKER}-no", "new_password": PASSWORD + "!"}
        ask(api, "POST", f"{me}/password", f"{me}/password", json=change)
        bad_link = {"token": f"{MARKER}" * 3, "password": PASSWORD}
        reset = f"{v}/accounts/password-reset"
        ask(api, "POST", reset, reset, json={"email": email})
        ask(api, "POST", f"{reset}/confirm", f"{reset}/confirm", json=bad_link)
        confirm = f"{v}/accounts/confirm"
        ask(api, "POST", confirm, confirm, json={"token": bad_link["token"]})
        ask(api, "POST", f"{v}/accounts/logout", f"{v}/accounts/logout")
        api.headers.pop("Authorization")
        token = ask(api, "POST", f"{v}/accounts/login", f"{v}/accounts/login", json=login).json()
        api.headers["Authorization"] = f"Bearer {token['access_token']}"
        api.cookies.clear()
        ask(api, "DELETE", f"{v}/me", f"{v}/me", json={"password": PASSWORD})

    with httpx.Client(base_url=base, follow_redirects=False, timeout=60) as web:
        ask(web, "GET", "/", "/")
        ask(web, "GET", "/about", "/about")
        ask(web, "POST", "/interview", "/interview", data={"action": "start", "text": ""})
        started = ask(
            web, "POST", "/interview", "/interview", data={"action": "start", "text": TEXT}
        )
        page = ask(web, "GET", "/interview", started.headers["location"]).text
        state = hidden(page, "state")
        ask(web, "POST", "/interview", "/interview", data={"state": state, "action": "stop"})
        for form in ({"state": state, "format": "pdf"}, {"state": state, "format": "fhir"}):
            ask(web, "POST", "/result/report", "/result/report", data=form)
        ask(web, "POST", "/result/save", "/result/save", data={"state": state})
        ask(web, "GET", "/signup", "/signup")
        ask(web, "GET", "/signin", "/signin")
        email = f"web-{MARKER}@example.org"
        signup = {"email": email, "password": PASSWORD, "timezone": "America/New_York"}
        ask(web, "POST", "/signup", "/signup", data={**signup, "email": f"{MARKER} at home"})
        ask(web, "POST", "/signup", "/signup", data=signup)
        ask(
            web, "POST", "/signout", "/signout", data={"csrf_token": web.cookies["spasmcheck_csrf"]}
        )
        ask(web, "POST", "/signin", "/signin", data={"email": email, "password": f"{MARKER}-no"})
        ask(web, "POST", "/signin", "/signin", data={"email": email, "password": PASSWORD})
        csrf = web.cookies["spasmcheck_csrf"]
        ask(web, "GET", "/result/save", "/result/save")
        saved = ask(
            web, "POST", "/result/save", "/result/save", data={"state": state, "csrf_token": csrf}
        )
        kept = saved.headers["location"].split("?")[0]
        ask(web, "GET", "/assessments/{assessment_id}", kept)
        ask(
            web,
            "POST",
            "/assessments/{assessment_id}/delete",
            f"{kept}/delete",
            data={"csrf_token": csrf},
        )
        ask(web, "GET", "/diary/new", "/diary/new")
        ask(web, "POST", "/diary/timer", "/diary/timer", data={"csrf_token": csrf})
        entry = {
            "csrf_token": csrf,
            "locations": "loc_calf",
            "kind": "cramp",
            "severity": "5",
            "duration_seconds": "60",
            "started_at": "2026-11-02T02:30",
            "context": "new_medicine",
            "medicine_name": f"{MARKER}-pill",
            "notes": TEXT,
        }
        ask(
            web,
            "POST",
            "/diary/new",
            "/diary/new",
            data={**entry, "started_at": "9999-12-31T23:59"},
        )
        ask(web, "POST", "/diary/new", "/diary/new", data=entry)
        ask(web, "GET", "/diary", "/diary")
        listed = ask(web, "GET", "/diary", "/diary").text
        found = re.search(r"/diary/(\d+)/edit", listed)
        assert found, "the diary lists no episode"
        edit = f"/diary/{found.group(1)}"
        ask(web, "GET", "/diary/{episode_id}/edit", f"{edit}/edit")
        ask(
            web,
            "POST",
            "/diary/{episode_id}/edit",
            f"{edit}/edit",
            data={**entry, "notes": TEXT + "!"},
        )
        ask(web, "POST", "/diary/{episode_id}/delete", f"{edit}/delete", data={"csrf_token": csrf})
        ask(web, "GET", "/account", "/account")
        ask(web, "GET", "/account/export", "/account/export")
        moved = {"csrf_token": csrf, "email": f"{MARKER}3@example.org", "timezone": "UTC"}
        ask(web, "POST", "/account/settings", "/account/settings", data={**moved, "password": "no"})
        change = {"csrf_token": csrf, "current_password": f"{MARKER}-no", "new_password": PASSWORD}
        ask(web, "POST", "/account/password", "/account/password", data=change)
        ask(web, "GET", "/account/email", f"/account/email?token={MARKER}")
        ask(web, "GET", "/forgot", "/forgot")
        ask(web, "POST", "/forgot", "/forgot", data={"email": email})
        ask(web, "GET", "/reset", f"/reset?token={MARKER * 3}")
        ask(web, "POST", "/reset", "/reset", data={"token": MARKER * 3, "password": PASSWORD})
        ask(web, "GET", "/confirm", f"/confirm?token={MARKER * 3}")
        ask(web, "POST", "/confirm", "/confirm", data={"token": MARKER * 3})
        wrong = {"csrf_token": csrf, "password": f"{MARKER}-no"}
        ask(web, "POST", "/account/delete", "/account/delete", data=wrong)
        ask(web, "POST", "/account/delete", "/account/delete", data={**wrong, "password": PASSWORD})
    return asked


def every_route() -> set[str]:
    from spasmcheck.api.routes import ROUTERS
    from spasmcheck.web import accounts, diary, pages

    routes = {
        f"{method} /v1{route.path}"  # type: ignore[attr-defined]
        for router in ROUTERS
        for route in router.routes
        for method in route.methods  # type: ignore[attr-defined]
    }
    for module in (pages, accounts, diary):
        for route in module.router.routes:
            routes |= {f"{m} {route.path}" for m in route.methods}
    return routes


def test_no_marker_reaches_any_log(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    # uvicorn's default logging config (applied by any earlier server in this process) stops
    # its loggers propagating to the root, where caplog listens
    for name in ("uvicorn", "uvicorn.access", "uvicorn.error"):
        monkeypatch.setattr(logging.getLogger(name), "propagate", True)
        monkeypatch.setattr(logging.getLogger(name), "disabled", False)
    caplog.set_level(logging.DEBUG)
    app = make_app(tmp_path, environment="development")
    with running_server(app) as base:
        asked = sweep(base)
    assert asked >= every_route(), sorted(every_route() - asked)
    assert any(r.name == "uvicorn.access" for r in caplog.records), "no access log was captured"
    server = [r for r in caplog.records if not r.name.startswith(CLIENT_LOGGERS)]
    logged = "\n".join(f"{r.name} {r.getMessage()} {r.exc_text or ''}" for r in server)
    for marker in (MARKER, *CJK, "PrEP"):
        assert marker not in logged, marker
    assert "GET /reset HTTP" in logged  # the path is logged, its one-time token is not


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_cjk_and_hangul_render_in_the_pdf_instead_of_vanishing(
    engine: Engine, tmp_path: Path
) -> None:
    text = "calf cramps at night 腿抽筋 怀孕 다리 경련 こむら返り"
    result = AssessmentPublic.of(engine.assess(text, 40, "female", []))
    when = datetime(2026, 2, 16, tzinfo=UTC)
    report = ReportInput(
        assessment_id=1,
        created_at=when,
        input=AssessmentInput(text=text, age=40, sex="female"),
        result=result,
        generated_at=when,
    )
    assert needs_fallback_font(report)
    path = tmp_path / "report.pdf"
    path.write_bytes(render_pdf(report, engine=engine))
    shown = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    for words in ("腿抽筋", "怀孕", "다리 경련", "こむら返り"):
        assert words in shown, words
    latin = AssessmentPublic.of(engine.assess("calf cramps at night", 40, "female", []))
    latin_only = ReportInput(
        assessment_id=1,
        created_at=when,
        input=AssessmentInput(text="calf cramps at night"),
        result=latin,
    )
    assert not needs_fallback_font(latin_only)  # the big font is loaded only when needed
