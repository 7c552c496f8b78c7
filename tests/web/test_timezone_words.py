"""The diary pages name the person's time zone as the account page does: "America/New York",
not the database spelling "America/New_York" (found in the usability walk-through of 5 Dec 2026).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from fastapi import FastAPI

from tests.api.conftest import register_and_sign_in
from tests.web.conftest import web_client

ZONE = "America/New_York"


def test_diary_and_episode_form_write_the_zone_in_words(app: FastAPI) -> None:
    with web_client(app) as client:
        user = register_and_sign_in(client, "zone@example.org", ZONE)
        form = client.get("/diary/new")
        started = (datetime.now(ZoneInfo(ZONE)) - timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M")
        saved = client.post(
            "/diary/new",
            data={
                "csrf_token": user.csrf,
                "locations": ["loc_calf"],
                "kind": "cramp",
                "started_at": started,
            },
            follow_redirects=False,
        )
        diary = client.get("/diary")
    assert form.status_code == 200
    assert saved.status_code == 303
    assert diary.status_code == 200
    assert "Your time (America/New York)" in form.text
    assert "times in America/New York." in diary.text
    assert "New_York" not in form.text + diary.text
