"""Quick logging over HTTP, as a browser without JavaScript uses it (issue 14 item 12): no
silent defaults for severity and duration, and the "it is happening now" timer."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fastapi import FastAPI
from itsdangerous import URLSafeTimedSerializer

from spasmcheck.web.diary import TIMER_COOKIE, TIMER_NOT_RUNNING
from tests.api.conftest import User, register_and_sign_in
from tests.web.conftest import web_client
from tests.web.test_diary_pages import diary_alice, episode_form, stored

__all__ = ["diary_alice"]  # the fixture, used by name

START_VALUE = re.compile(r'name="started_at" value="([^"]+)"')


def quick_form(user: User, **fields: Any) -> dict[str, Any]:
    """Only where and what, as after two taps: severity and duration untouched."""
    form = episode_form(user, **fields)
    form.pop("severity")
    form.pop("duration_seconds")
    return form


# -- no silent defaults ------------------------------------------------------------------------
@pytest.mark.parametrize(
    "untouched",
    [
        {},  # the fields absent, as a browser sends an unchosen radio group
        {"severity": "", "duration_seconds": ""},  # "Not recorded" chosen
    ],
)
def test_an_untouched_severity_and_duration_are_saved_as_not_recorded(
    diary_alice: User, untouched: dict[str, str]
) -> None:
    response = diary_alice.client.post("/diary/new", data=quick_form(diary_alice, **untouched))
    assert response.status_code == 303
    (episode,) = stored(diary_alice)
    assert (episode["severity"], episode["duration_seconds"]) == (None, None)

    html = diary_alice.client.get("/diary").text
    assert "severity <strong>not recorded</strong> · duration not recorded" in html

    exported = diary_alice.client.get("/v1/diary/export.csv", headers=diary_alice.bearer)
    (row,) = csv.DictReader(io.StringIO(exported.text))
    assert (row["severity"], row["duration_seconds"]) == ("not recorded", "not recorded")


def test_a_chosen_severity_and_duration_are_saved_as_chosen(diary_alice: User) -> None:
    form = episode_form(diary_alice, severity="0", duration_seconds="5")
    assert diary_alice.client.post("/diary/new", data=form).status_code == 303
    (episode,) = stored(diary_alice)
    assert (episode["severity"], episode["duration_seconds"]) == (0, 5)


def test_editing_an_episode_without_severity_keeps_it_not_recorded(diary_alice: User) -> None:
    diary_alice.client.post("/diary/new", data=quick_form(diary_alice))
    (episode,) = stored(diary_alice)
    page = diary_alice.client.get(f"/diary/{episode['id']}/edit").text
    assert 'type="radio" name="severity" value="" checked' in page
    assert re.search(r'<option value=""\s+selected>Not recorded</option>', page)
    assert 'name="severity" value="5" checked' not in page


def test_the_api_takes_null_for_not_recorded_but_not_a_missing_field(
    diary_alice: User,
) -> None:
    body = {
        "started_at": "2026-11-02T02:30:00Z",
        "locations": ["loc_calf"],
        "kind": "cramp",
        "severity": None,
        "duration_seconds": None,
    }
    created = diary_alice.client.post("/v1/episodes", json=body, headers=diary_alice.bearer)
    assert created.status_code == 201, created.text
    assert (created.json()["severity"], created.json()["duration_seconds"]) == (None, None)
    for missing in ("severity", "duration_seconds"):
        partial = {k: v for k, v in body.items() if k != missing}
        refused = diary_alice.client.post("/v1/episodes", json=partial, headers=diary_alice.bearer)
        assert refused.status_code == 422
    path = f"/v1/episodes/{created.json()['id']}"
    rated = diary_alice.client.patch(path, json={"severity": 4}, headers=diary_alice.bearer)
    assert rated.json()["severity"] == 4
    cleared = diary_alice.client.patch(path, json={"severity": None}, headers=diary_alice.bearer)
    assert cleared.json()["severity"] is None


# -- the timer -----------------------------------------------------------------------------------
def start_timer(user: User) -> None:
    started = user.client.post("/diary/timer", data={"csrf_token": user.csrf})
    assert started.status_code == 303
    assert started.headers["location"] == "/diary/new"
    assert TIMER_COOKIE in started.headers["set-cookie"]
    assert "HttpOnly" in started.headers["set-cookie"]
    assert "Path=/diary" in started.headers["set-cookie"]


def test_the_timer_starts_shows_and_stops_without_javascript(diary_alice: User) -> None:
    form_page = diary_alice.client.get("/diary/new").text
    assert 'action="/diary/timer"' in form_page and "start a timer" in form_page

    start_timer(diary_alice)
    running = diary_alice.client.get("/diary/new").text
    assert "Timing since" in running
    assert 'name="timer" value="stop"' in running
    assert 'action="/diary/timer"' not in running  # one timer at a time

    # stopped with where and what already ticked: the form comes back filled in, unsaved
    stopped = diary_alice.client.post(
        "/diary/new", data=quick_form(diary_alice, timer="stop", started_at="")
    )
    assert stopped.status_code == 200
    assert stored(diary_alice) == []
    html = stopped.text
    assert "It lasted " in html and "then save" in html
    assert re.search(r'<option value="\d+"\s+selected>As logged: \d+ seconds</option>', html)
    assert re.search(r'name="locations" value="loc_calf"[^>]*checked', html)  # kept
    assert f"{TIMER_COOKIE}=" in stopped.headers["set-cookie"]  # deleted
    assert "Max-Age=0" in stopped.headers["set-cookie"] or "expires=" in (
        stopped.headers["set-cookie"].lower()
    )

    (value,) = START_VALUE.findall(html)
    saved = diary_alice.client.post(
        "/diary/new",
        data=episode_form(diary_alice, started_at=value, duration_seconds="3", severity=None),
    )
    assert saved.status_code == 303
    (episode,) = stored(diary_alice)
    assert episode["duration_seconds"] == 3


def test_the_stopped_timer_measures_from_its_start(app: FastAPI) -> None:
    with web_client(app) as client:
        user = register_and_sign_in(client, "timer@example.org", "Europe/London")
        me = client.get("/v1/me", headers=user.bearer).json()
        began = datetime.now(UTC) - timedelta(minutes=2, seconds=5)
        serializer = URLSafeTimedSerializer(app.state.settings.secret_key, "spasmcheck.diary-timer")
        client.cookies.set(
            TIMER_COOKIE,
            serializer.dumps({"user": me["id"], "start": began.isoformat()}),
            path="/diary",
        )
        stopped = client.post("/diary/new", data={"csrf_token": user.csrf, "timer": "stop"})
    assert stopped.status_code == 200
    match = re.search(r"It lasted (\d+) min (\d+) s", stopped.text)
    assert match is not None
    assert 125 <= int(match[1]) * 60 + int(match[2]) <= 135
    (value,) = START_VALUE.findall(stopped.text)  # the start, in the person's zone
    assert value == began.astimezone(ZoneInfo("Europe/London")).strftime("%Y-%m-%dT%H:%M")


@pytest.mark.parametrize(
    "cookie",
    [
        None,  # never started
        "forged.value.signature",
        "other-user",  # signed, but for another account
    ],
)
def test_stopping_a_timer_that_is_not_running_says_so(app: FastAPI, cookie: str | None) -> None:
    with web_client(app) as client:
        user = register_and_sign_in(client, "stop@example.org", "Europe/London")
        if cookie == "other-user":
            serializer = URLSafeTimedSerializer(
                app.state.settings.secret_key, "spasmcheck.diary-timer"
            )
            cookie = serializer.dumps({"user": 999_999, "start": datetime.now(UTC).isoformat()})
        if cookie is not None:
            client.cookies.set(TIMER_COOKIE, cookie, path="/diary")
        response = client.post("/diary/new", data={"csrf_token": user.csrf, "timer": "stop"})
    assert response.status_code == 422
    assert TIMER_NOT_RUNNING in response.text


def test_the_timer_needs_the_forms_csrf_token(diary_alice: User) -> None:
    refused = diary_alice.client.post("/diary/timer", data={"csrf_token": "wrong"})
    assert refused.status_code in (400, 403)
    assert TIMER_COOKIE not in refused.headers.get("set-cookie", "")


def test_saving_ends_a_running_timer(diary_alice: User) -> None:
    start_timer(diary_alice)
    saved = diary_alice.client.post("/diary/new", data=quick_form(diary_alice))
    assert saved.status_code == 303
    assert f"{TIMER_COOKIE}=" in saved.headers["set-cookie"]
    assert "Timing since" not in diary_alice.client.get("/diary/new").text
