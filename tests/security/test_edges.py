"""Issue 15, item 4: the 500s found by hand are clear 4xx answers on SQLite and PostgreSQL.

Date ranges at the calendar's edge (the local day's bounds in UTC overflow: year 9999, or
year 1 in a zone east of UTC), the web diary form with year 9999 in a zone west of UTC, and
the NUL character in any stored text (PostgreSQL refuses it). Each is refused at the edge with
the same bounds as everywhere else: 422 JSON from the API, the form again from the web.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.api.conftest import BASE_URL, EPISODE, PASSWORD, TestClient, error_of, pooled_app


@pytest.fixture
def client(
    request: pytest.FixtureRequest, tmp_path: Path, migrated_database_url: str
) -> Iterator[TestClient]:
    app = pooled_app(request, tmp_path, database_url=migrated_database_url)
    with TestClient(app, base_url=BASE_URL, follow_redirects=False) as opened:
        yield opened
    app.state.session_factory.kw["bind"].dispose()


def sign_up(client: TestClient, email: str, timezone: str) -> dict[str, str]:
    account = {"email": email, "password": PASSWORD, "timezone": timezone}
    assert client.post("/v1/accounts/register", json=account).status_code == 201
    login = client.post("/v1/accounts/login", json={"email": email, "password": PASSWORD})
    client.cookies.clear()
    return {"Authorization": f"Bearer {login.json()['access_token']}"}


RANGES = ["from=9999-12-30&to=9999-12-31", "from=0001-01-01&to=0001-01-02"]


@pytest.mark.parametrize("zone", ["Asia/Tokyo", "Pacific/Kiritimati", "Pacific/Pago_Pago"])
@pytest.mark.parametrize("query", RANGES)
def test_a_range_at_the_calendars_edge_is_a_422(client: TestClient, zone: str, query: str) -> None:
    bearer = sign_up(client, "edge@example.org", zone)
    saved = client.post("/v1/assessments", json={"text": "calf cramps at night"}, headers=bearer)
    assert saved.status_code == 201, saved.text
    for path in (
        f"/v1/assessments/{saved.json()['id']}/report?format=csv&{query}",
        f"/v1/assessments/{saved.json()['id']}/report?{query}",
        f"/v1/diary/export.csv?{query}",
        f"/v1/diary/summary?{query}",
    ):
        response = client.get(path, headers=bearer)
        assert response.status_code == 422, (path, response.status_code)
        assert "year" in error_of(response)["message"]


NUL_BODIES: list[tuple[str, str, dict[str, Any]]] = [
    ("POST", "/v1/episodes", {**EPISODE, "notes": "woke me\x00up"}),
    (
        "POST",
        "/v1/episodes",
        {**EPISODE, "context": ["new_medicine"], "medicine_name": "statin\x00"},
    ),
    ("POST", "/v1/assessments", {"text": "calf cramps\x00 at night"}),
    (
        "POST",
        "/v1/assessments",
        {
            "text": "calf cramps",
            "evidence": [{"finding": "night_time", "status": "present", "text": "\x00"}],
        },
    ),
    ("POST", "/v1/parse", {"text": "calf\x00"}),
    ("POST", "/v1/triage", {"text": "calf\x00"}),
    ("POST", "/v1/assess", {"text": "calf\x00"}),
]


@pytest.mark.parametrize(("method", "path", "body"), NUL_BODIES)
def test_a_nul_character_is_a_422(
    client: TestClient, method: str, path: str, body: dict[str, Any]
) -> None:
    bearer = sign_up(client, "nul@example.org", "UTC")
    response = client.request(method, path, json=body, headers=bearer)
    assert response.status_code == 422, response.text
    assert "NUL" in error_of(response)["message"] or "nul" in response.text.lower()


def test_a_nul_character_in_a_change_is_a_422(client: TestClient) -> None:
    bearer = sign_up(client, "patch@example.org", "UTC")
    made = client.post("/v1/episodes", json=EPISODE, headers=bearer)
    assert made.status_code == 201
    changed = client.patch(
        f"/v1/episodes/{made.json()['id']}", json={"notes": "a\x00b"}, headers=bearer
    )
    assert changed.status_code == 422


def web_sign_up(client: TestClient, timezone: str) -> str:
    account = {"email": "web@example.org", "password": PASSWORD, "timezone": timezone}
    assert client.post("/signup", data=account).status_code == 303
    return str(client.cookies["spasmcheck_csrf"])


@pytest.mark.parametrize("zone", ["America/Los_Angeles", "Pacific/Pago_Pago", "Asia/Tokyo"])
@pytest.mark.parametrize("when", ["9999-12-31T23:59", "0001-01-01T00:00", "2201-01-01T00:00"])
def test_the_diary_form_refuses_a_year_at_the_edge(
    client: TestClient, zone: str, when: str
) -> None:
    csrf = web_sign_up(client, zone)
    form = {
        "csrf_token": csrf,
        "locations": "loc_calf",
        "kind": "cramp",
        "severity": "5",
        "duration_seconds": "60",
        "started_at": when,
        "notes": "kept as typed",
    }
    page = client.post("/diary/new", data=form)
    assert page.status_code == 422
    assert "after 1900" in page.text or "in the future" in page.text
    assert "kept as typed" in page.text


def test_the_web_forms_refuse_a_nul_character_keeping_the_text(client: TestClient) -> None:
    csrf = web_sign_up(client, "UTC")
    form = {
        "csrf_token": csrf,
        "locations": "loc_calf",
        "kind": "cramp",
        "severity": "5",
        "duration_seconds": "60",
        "started_at": "2026-11-02T02:30",
        "notes": "left calf\x00 kept",
    }
    page = client.post("/diary/new", data=form)
    assert page.status_code == 422
    assert "NUL" in page.text and "left calf" in page.text
    start = client.post("/interview", data={"action": "start", "text": "calf\x00 cramps kept"})
    assert start.status_code == 422
    assert "NUL" in start.text and "cramps kept" in start.text
