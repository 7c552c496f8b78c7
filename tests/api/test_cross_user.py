"""User B against user A's data, on every route and method the app has.

The routes are enumerated from ``app.routes``: a new route that is not classified in
``ROUTES`` below fails :func:`test_every_route_is_classified`, so none can be forgotten.
B tries each one with A's ids, by bearer token and by cookie (with B's own CSRF token);
afterwards A's export is exactly what it was.
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient

from .conftest import BASE_URL, EPISODE, PASSWORD, User

# How each route touches personal data:
#   owned    - names one of someone's records by id: B must get 404 for A's id
#   mine     - answers about the caller's own data: B must see none of A's
#   public   - stateless engine and account routes: no personal data at all
#   ends_own - ends B's own sign-in or account: run last, must leave A alone
ROUTES: dict[tuple[str, str], str] = {
    ("GET", "/openapi.json"): "public",
    ("GET", "/docs"): "public",
    ("GET", "/docs/oauth2-redirect"): "public",
    ("POST", "/v1/parse"): "public",
    ("POST", "/v1/assess"): "public",
    ("POST", "/v1/interview"): "public",
    ("POST", "/v1/triage"): "public",
    ("POST", "/v1/explain"): "public",
    ("GET", "/v1/conditions"): "public",
    ("GET", "/v1/conditions/{condition_id}"): "public",
    ("GET", "/v1/findings"): "public",
    ("GET", "/v1/info"): "public",
    ("POST", "/v1/accounts/register"): "public",
    ("POST", "/v1/accounts/login"): "public",
    ("POST", "/v1/accounts/logout"): "ends_own",
    ("POST", "/v1/accounts/confirm"): "public",
    ("POST", "/v1/accounts/password-reset"): "public",
    ("POST", "/v1/accounts/password-reset/confirm"): "public",
    ("POST", "/v1/episodes"): "mine",
    ("GET", "/v1/episodes"): "mine",
    ("GET", "/v1/episodes/{episode_id}"): "owned",
    ("PATCH", "/v1/episodes/{episode_id}"): "owned",
    ("DELETE", "/v1/episodes/{episode_id}"): "owned",
    ("GET", "/v1/diary/summary"): "mine",
    ("POST", "/v1/assessments"): "mine",
    ("GET", "/v1/assessments"): "mine",
    ("GET", "/v1/assessments/{assessment_id}"): "owned",
    ("DELETE", "/v1/assessments/{assessment_id}"): "owned",
    ("GET", "/v1/assessments/{assessment_id}/report"): "owned",
    ("GET", "/v1/diary/export.csv"): "mine",
    ("GET", "/v1/fhir/Questionnaire"): "public",
    ("GET", "/v1/me"): "mine",
    ("GET", "/v1/me/export"): "mine",
    ("PATCH", "/v1/me"): "mine",
    ("POST", "/v1/me/password"): "ends_own",  # ends every other sign-in of the caller
    ("DELETE", "/v1/me"): "ends_own",
}

# The web app's pages (cookie session, CSRF in a form field), classified the same way;
# "anyone" pages answer signed out too, "static" is the stylesheet and scripts.
WEB_ROUTES: dict[tuple[str, str], str] = {
    ("*", "/static"): "static",
    ("GET", "/"): "anyone",
    ("GET", "/about"): "anyone",
    ("GET", "/signin"): "anyone",
    ("GET", "/signup"): "anyone",
    ("POST", "/signin"): "anyone",
    ("POST", "/signup"): "anyone",
    ("POST", "/interview"): "anyone",
    ("GET", "/interview"): "anyone",  # the interview in this browser's own cookie, or the start
    ("POST", "/result/save"): "anyone",
    ("POST", "/result/report"): "anyone",
    ("GET", "/result/save"): "mine",
    ("GET", "/account"): "mine",
    ("GET", "/account/export"): "mine",
    ("GET", "/diary"): "mine",
    ("GET", "/diary/new"): "mine",
    ("POST", "/diary/new"): "mine",
    ("GET", "/assessments/{assessment_id}"): "owned",
    ("POST", "/assessments/{assessment_id}/delete"): "owned",
    ("GET", "/diary/{episode_id}/edit"): "owned",
    ("POST", "/diary/{episode_id}/edit"): "owned",
    ("POST", "/diary/{episode_id}/delete"): "owned",
    ("POST", "/signout"): "ends_own",
    ("POST", "/account/delete"): "ends_own",
    ("GET", "/forgot"): "anyone",
    ("POST", "/forgot"): "anyone",
    ("GET", "/reset"): "anyone",
    ("POST", "/reset"): "anyone",
    ("GET", "/confirm"): "anyone",
    ("POST", "/confirm"): "anyone",
    ("POST", "/account/settings"): "mine",
    ("POST", "/account/password"): "mine",
    ("GET", "/account/email"): "mine",
    ("POST", "/diary/timer"): "mine",
}

SECRET_NOTE = "alice's private note about her calf"

BODIES: dict[tuple[str, str], Any] = {
    ("POST", "/v1/parse"): {"text": "calf cramps"},
    ("POST", "/v1/assess"): {"text": "calf cramps at night"},
    ("POST", "/v1/interview"): {"text": "calf cramps"},
    ("POST", "/v1/triage"): {"text": "calf cramps"},
    ("POST", "/v1/explain"): {"condition": "nocturnal_leg_cramps"},
    ("POST", "/v1/accounts/register"): {"email": "alice@example.org", "password": PASSWORD},
    ("POST", "/v1/accounts/login"): {"email": "alice@example.org", "password": "not her password"},
    ("POST", "/v1/episodes"): EPISODE,
    ("PATCH", "/v1/episodes/{episode_id}"): {"severity": 0, "notes": "changed by bob"},
    ("POST", "/v1/assessments"): {"text": "calf cramps"},
    ("DELETE", "/v1/me"): {"password": PASSWORD},
    ("PATCH", "/v1/me"): {"timezone": "Europe/Paris"},
    ("POST", "/v1/me/password"): {"current_password": PASSWORD, "new_password": PASSWORD + " 2"},
}
QUERIES: dict[tuple[str, str], dict[str, str]] = {
    ("GET", "/v1/diary/summary"): {"from": "2026-01-01", "to": "2026-12-31"},
}


def app_routes(app: FastAPI) -> set[tuple[str, str]]:
    """Every (method, path) the app answers, through included routers too (FastAPI now
    includes routers lazily, so ``app.routes`` alone holds only their wrappers)."""
    found = set()
    for route in iter_route_contexts(app.routes):
        for method in route.methods or {"*"}:
            if method != "HEAD":  # answered by the GET route
                found.add((method, route.path or repr(route)))
    return found


def test_every_route_is_classified(app: FastAPI) -> None:
    routes = app_routes(app)
    assert ("DELETE", "/v1/episodes/{episode_id}") in routes  # the walk reaches included routers
    assert routes == set(ROUTES) | set(WEB_ROUTES), "classify the new route in (WEB_)ROUTES"


def alice_export(alice: User) -> dict[str, Any]:
    body = alice.client.get("/v1/me/export", headers=alice.bearer).json()
    body.pop("exported_at")
    return body  # type: ignore[no-any-return]


def fill(path: str, ids: dict[str, int]) -> str:
    return (
        path.replace("{episode_id}", str(ids["episode_id"]))
        .replace("{assessment_id}", str(ids["assessment_id"]))
        .replace("{condition_id}", "nocturnal_leg_cramps")
    )


def call(
    client: TestClient, key: tuple[str, str], ids: dict[str, int], headers: dict[str, str]
) -> Any:
    method, path = key
    return client.request(
        method, fill(path, ids), json=BODIES.get(key), params=QUERIES.get(key), headers=headers
    )


@pytest.fixture
def alices_data(alice: User) -> dict[str, int]:
    episode = alice.client.post(
        "/v1/episodes", json={**EPISODE, "notes": SECRET_NOTE}, headers=alice.bearer
    )
    assessment = alice.client.post(
        "/v1/assessments", json={"text": "calf cramps, " + SECRET_NOTE}, headers=alice.bearer
    )
    assert episode.status_code == assessment.status_code == 201
    return {"episode_id": episode.json()["id"], "assessment_id": assessment.json()["id"]}


def bob_ways(bob: User) -> list[dict[str, str]]:
    """Bob by bearer token, and Bob by his session cookie with his own CSRF token."""
    return [bob.bearer, {"X-CSRF-Token": bob.csrf}]


def assert_no_alice(response: Any, alice: User) -> None:
    assert response.status_code < 500, response.text
    assert SECRET_NOTE not in response.text
    if response.request.url.path != "/v1/accounts/register":
        assert alice.email not in response.text
    assert alice.token not in response.text


def test_bob_can_never_read_change_or_delete_alices_data(
    app: FastAPI, alice: User, bob: User, alices_data: dict[str, int]
) -> None:
    before = alice_export(alice)
    tried = 0
    for key in sorted(set(ROUTES)):
        kind = ROUTES[key]
        if kind == "ends_own":
            continue
        for headers in bob_ways(bob):
            tried += 1
            response = call(bob.client, key, alices_data, headers)
            assert_no_alice(response, alice)
            if kind == "owned":
                assert response.status_code == 404, (key, response.status_code)
            if kind == "mine":
                assert response.status_code in (200, 201), (key, response.text)
    assert tried == 2 * sum(kind != "ends_own" for kind in ROUTES.values())
    # And Bob ends his own sign-in and account: Alice keeps hers.
    for key in (("POST", "/v1/accounts/logout"), ("DELETE", "/v1/me")):
        assert call(bob.client, key, alices_data, bob.bearer).status_code in (204, 401)
    assert bob.client.get("/v1/me", headers=bob.bearer).status_code == 401
    assert alice_export(alice) == before
    assert before["episodes"][0]["notes"] == SECRET_NOTE
    assert len(before["assessments"]) == 1


def test_without_credentials_no_personal_route_answers(
    app: FastAPI, alices_data: dict[str, int]
) -> None:
    with TestClient(app, base_url=BASE_URL) as anonymous:
        for key, kind in ROUTES.items():
            if kind == "public":
                continue
            response = call(anonymous, key, alices_data, {})
            assert response.status_code == 401, key
            assert SECRET_NOTE not in response.text


def test_bobs_cookie_without_csrf_changes_nothing(
    app: FastAPI, alice: User, bob: User, alices_data: dict[str, int]
) -> None:
    before = alice_export(alice)
    for key, kind in ROUTES.items():
        if kind == "public" or key[0] == "GET":
            continue
        response = call(bob.client, key, alices_data, {})
        assert response.status_code == 403, key
    assert alice_export(alice) == before
    assert bob.client.get("/v1/me").status_code == 200  # Bob's own session is intact too


WEB_FORMS: dict[tuple[str, str], dict[str, str]] = {
    ("POST", "/diary/{episode_id}/edit"): {
        "started_at": "2026-11-20T02:30",
        "duration_seconds": "60",
        "locations": "loc_calf",
        "kind": "cramp",
        "severity": "0",
        "notes": "changed by bob",
    },
    ("POST", "/diary/new"): {
        "started_at": "2026-11-20T02:30",
        "duration_seconds": "60",
        "locations": "loc_calf",
        "kind": "cramp",
        "severity": "3",
    },
}


def test_bob_cannot_reach_alices_data_through_the_web_pages(
    app: FastAPI, alice: User, bob: User, alices_data: dict[str, int]
) -> None:
    """Bob, signed in by cookie and sending his own form token, on every web page."""
    before = alice_export(alice)
    for key, kind in sorted(WEB_ROUTES.items()):
        if kind in ("static", "ends_own"):
            continue
        method, path = key
        data = {"csrf_token": bob.csrf, **WEB_FORMS.get(key, {})}
        response = bob.client.request(
            method,
            fill(path, alices_data),
            data=data if method == "POST" else None,
            follow_redirects=False,
        )
        assert_no_alice(response, alice)
        if kind == "owned":
            assert response.status_code == 404, (key, response.status_code)
            assert response.headers["content-type"].startswith("text/html")
    for path in ("/account/delete", "/signout"):
        bob.client.post(path, data={"csrf_token": bob.csrf, "password": PASSWORD})
    assert alice_export(alice) == before


def test_signed_out_web_pages_with_personal_data_send_to_sign_in(
    app: FastAPI, alices_data: dict[str, int]
) -> None:
    with TestClient(app, base_url=BASE_URL, follow_redirects=False) as anonymous:
        for (method, path), kind in WEB_ROUTES.items():
            if kind not in ("mine", "owned") or method != "GET":
                continue
            response = anonymous.get(fill(path, alices_data))
            assert response.status_code == 303, path
            assert response.headers["location"].startswith("/signin?next=")
            assert SECRET_NOTE not in response.text
