"""Just after "Stop" the episode form does not offer "start a timer" again: on a phone that
button came back where "Stop" had been, so a second tap restarted the timer and lost the
measured length (usability walk-through of 5 Dec 2026). A fresh form still offers it."""

from __future__ import annotations

from fastapi import FastAPI

from tests.api.conftest import register_and_sign_in
from tests.web.conftest import web_client

TIMER_FORM = 'action="/diary/timer"'


def test_stop_shows_the_length_without_a_new_start_button(app: FastAPI) -> None:
    with web_client(app) as client:
        user = register_and_sign_in(client, "stop@example.org", "Europe/London")
        fresh = client.get("/diary/new").text
        started = client.post("/diary/timer", data={"csrf_token": user.csrf})
        stopped = client.post("/diary/new", data={"csrf_token": user.csrf, "timer": "stop"})
        after_stop = stopped.text
        later = client.get("/diary/new").text
    assert TIMER_FORM in fresh
    assert started.status_code == 303
    assert stopped.status_code == 200
    assert "It lasted " in after_stop
    assert TIMER_FORM not in after_stop
    assert TIMER_FORM in later  # the next episode can be timed again
