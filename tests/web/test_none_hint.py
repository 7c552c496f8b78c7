"""A multiple-choice question says where "None of these" is: on a phone the emergency check's 14
signs push that button more than two screens down, and the hint above the list used to read as
if "None of these" were one of the boxes (usability walk-through of 5 Dec 2026)."""

from __future__ import annotations

from html import unescape

from tests.api.conftest import TestClient

HINT = "Choose every answer that applies, or “None of these” under the list."


def test_the_emergency_check_says_none_of_these_is_under_the_list(web: TestClient) -> None:
    started = web.post("/interview", data={"action": "start", "text": "calf cramps at night"})
    assert started.status_code == 303
    first = unescape(web.get(started.headers["location"]).text)
    assert "Emergency check" in first
    assert HINT in first
    # the hint and the button it points to are both on the page, the button after the list
    assert first.index(HINT) < first.index('value="none"')
