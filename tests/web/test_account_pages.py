"""Account pages: sign up, sign in and out, the account page, export and erasure.

The app runs in development settings, so its cookies are not Secure and the plain-http test
client keeps them. Every form post that changes something carries the sign-in's CSRF token,
read here from its cookie as the page's hidden field repeats it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx2 import Response  # what starlette.testclient answers with

from spasmcheck.services.security import CSRF_COOKIE, SESSION_COOKIE
from tests.api.conftest import pooled_app

PASSWORD = "correct horse battery"
EMAIL = "alice@example.org"
EPISODE: dict[str, Any] = {
    "started_at": "2026-11-02T02:30:00+00:00",
    "duration_seconds": 90,
    "locations": ["loc_calf"],
    "kind": "cramp",
    "severity": 6,
}
RATE_LIMIT = 3


@pytest.fixture
def app(request: pytest.FixtureRequest, tmp_path: Path) -> FastAPI:
    return pooled_app(request, tmp_path, environment="development", login_rate_limit=RATE_LIMIT)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, follow_redirects=False) as test_client:
        yield test_client


def sign_up(client: TestClient, email: str = EMAIL, **extra: str) -> Response:
    form = {"email": email, "password": PASSWORD, "timezone": "Europe/London", **extra}
    response: Response = client.post("/signup", data=form)
    return response


@pytest.fixture
def alice(client: TestClient) -> TestClient:
    """The client, signed up and signed in through the sign-up form."""
    assert sign_up(client).status_code == 303
    return client


def csrf(client: TestClient) -> str:
    token = client.cookies.get(CSRF_COOKIE)
    assert token
    return str(token)


def signed_in(client: TestClient) -> bool:
    page = client.get("/account")
    return page.status_code == 200 and ">Sign out</button>" in page.text


def bearer(client: TestClient, email: str = EMAIL) -> dict[str, str]:
    """A bearer token from the JSON API, for a separate client sharing the same database."""
    with TestClient(client.app) as api:
        answer = api.post("/v1/accounts/login", json={"email": email, "password": PASSWORD})
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def error_summary(page: Response) -> str:
    found = re.search(r'<div class="error-summary".*?</div>', page.text, re.S)
    assert found, page.text
    return found.group(0)


# -- sign up -----------------------------------------------------------------------------------
def test_the_sign_up_form_has_its_fields_and_defaults_to_utc(client: TestClient) -> None:
    page = client.get("/signup")
    assert page.status_code == 200
    for name in ("email", "password", "timezone"):
        assert f'name="{name}"' in page.text
    assert '<label for="password">Password</label>' in page.text
    assert "At least 12 characters" in page.text
    assert '<option value="UTC" selected>' in page.text
    assert ">Create account</button>" in page.text


def test_sign_up_signs_in_and_shows_the_account(client: TestClient) -> None:
    response = sign_up(client)
    assert response.status_code == 303
    assert response.headers["location"] == "/diary"
    assert client.cookies.get(SESSION_COOKIE)
    page = client.get("/account")
    assert page.status_code == 200
    assert ">Sign out</button>" in page.text
    assert EMAIL in page.text
    assert "Europe/London" in page.text
    assert 'aria-current="page">Account' in page.text


def test_sign_up_returns_to_a_same_site_next(client: TestClient) -> None:
    response = sign_up(client, next="/result/save")
    assert response.headers["location"] == "/result/save"


def test_a_duplicate_email_is_a_friendly_error_whatever_its_case(client: TestClient) -> None:
    sign_up(client)
    client.cookies.clear()
    page = sign_up(client, email="Alice@Example.org")
    assert page.status_code == 422
    assert "already exists" in error_summary(page)
    assert not client.cookies.get(SESSION_COOKIE)


@pytest.mark.parametrize(
    ("form", "fields", "words"),
    [
        ({"email": "not-an-email"}, ["email"], "name@example.com"),
        ({"email": ""}, ["email"], "name@example.com"),
        ({"password": "short"}, ["password"], "12 to 256 characters"),
        ({"timezone": "Mars/Olympus"}, ["timezone"], "time zone"),
        (
            {"email": "x", "password": "", "timezone": "Nowhere"},
            ["email", "password", "timezone"],
            "",
        ),
    ],
)
def test_sign_up_problems_are_shown_on_the_form(
    client: TestClient, form: dict[str, str], fields: list[str], words: str
) -> None:
    page = sign_up(client, **form)
    assert page.status_code == 422
    summary = error_summary(page)
    assert words in summary
    for name in fields:
        assert f'href="#{name}"' in summary
        assert re.search(rf'id="{name}"[^>]*aria-invalid="true"', page.text)
    assert "Mars/Olympus" not in page.text and "Nowhere" not in page.text
    assert "pydantic" not in page.text and "String should" not in page.text
    assert not client.cookies.get(SESSION_COOKIE)


def test_a_refused_sign_up_keeps_the_email_and_never_echoes_the_password(
    client: TestClient,
) -> None:
    page = sign_up(client, email="me@example.org", password="secret7")
    assert page.status_code == 422
    assert 'value="me@example.org"' in page.text
    assert "secret7" not in page.text


# -- sign in and out ---------------------------------------------------------------------------
def test_sign_out_ends_the_sign_in(alice: TestClient) -> None:
    old_session = alice.cookies.get(SESSION_COOKIE)
    response = alice.post("/signout", data={"csrf_token": csrf(alice)})
    assert response.status_code == 303
    assert response.headers["location"] == "/"
    assert not alice.cookies.get(SESSION_COOKIE)
    assert not signed_in(alice)
    # The old cookie is dead on the server too, not only forgotten by the browser.
    alice.cookies.set(SESSION_COOKIE, old_session or "")
    assert not signed_in(alice)


def test_sign_out_without_its_csrf_token_changes_nothing(alice: TestClient) -> None:
    for form in ({}, {"csrf_token": "forged"}):
        page = alice.post("/signout", data=form)
        assert page.status_code == 403
        assert "Nothing was changed" in page.text
    assert signed_in(alice)


def test_sign_in_with_the_right_password(alice: TestClient) -> None:
    alice.cookies.clear()
    page = alice.get("/signin?next=/account")
    assert page.status_code == 200
    assert '<input type="hidden" name="next" value="/account">' in page.text
    assert ">Sign in</button>" in page.text
    response = alice.post(
        "/signin", data={"email": "ALICE@example.org", "password": PASSWORD, "next": "/account"}
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/account"
    assert signed_in(alice)


def test_sign_in_with_a_wrong_password_is_refused(alice: TestClient) -> None:
    alice.cookies.clear()
    page = alice.post("/signin", data={"email": EMAIL, "password": "wrong password"})
    assert page.status_code == 422
    assert "Wrong email or password" in page.text
    assert 'value="alice@example.org"' in page.text
    assert "wrong password" not in page.text
    assert "set-cookie" not in page.headers
    assert not signed_in(alice)


def test_an_unknown_email_gets_the_same_answer(client: TestClient) -> None:
    page = client.post("/signin", data={"email": "nobody@example.org", "password": PASSWORD})
    assert page.status_code == 422
    assert "Wrong email or password" in page.text


def test_an_empty_sign_in_form_names_both_fields(client: TestClient) -> None:
    page = client.post("/signin", data={})
    assert page.status_code == 422
    summary = error_summary(page)
    assert 'href="#email"' in summary and 'href="#password"' in summary


@pytest.mark.parametrize(
    "target",
    ["//evil.example", "https://evil.example", "/\\evil.example", "evil.example", ""],
)
def test_next_never_leaves_the_site(alice: TestClient, target: str) -> None:
    alice.cookies.clear()
    response = alice.post("/signin", data={"email": EMAIL, "password": PASSWORD, "next": target})
    assert response.status_code == 303
    assert response.headers["location"] == "/diary"
    page = alice.get(f"/signin?next={target}")
    assert page.headers["location"] == "/diary"


def test_the_sign_in_form_drops_a_foreign_next(client: TestClient) -> None:
    page = client.get("/signin?next=//evil.example")
    assert "evil.example" not in page.text


def test_a_signed_in_visit_to_sign_in_goes_to_the_diary(alice: TestClient) -> None:
    assert alice.get("/signin").headers["location"] == "/diary"
    assert alice.get("/signup").headers["location"] == "/diary"


def test_too_many_sign_in_attempts_are_refused_for_a_minute(alice: TestClient) -> None:
    alice.cookies.clear()
    for _ in range(RATE_LIMIT):
        wrong = alice.post("/signin", data={"email": EMAIL, "password": "wrong password"})
        assert wrong.status_code == 422
    page = alice.post("/signin", data={"email": EMAIL, "password": PASSWORD})
    assert page.status_code == 429
    assert 1 <= int(page.headers["retry-after"]) <= 61
    assert "Wait a minute" in error_summary(page)
    assert not signed_in(alice)


# -- the account page, export, erasure -------------------------------------------------------
def test_signed_out_the_account_page_asks_to_sign_in(client: TestClient) -> None:
    for path in ("/account", "/account/export"):
        response = client.get(path)
        assert response.status_code == 303
        assert response.headers["location"] == f"/signin?next={path}"


def test_the_account_page_lists_saved_checks(alice: TestClient) -> None:
    assert "You have not saved any checks yet" in alice.get("/account").text
    saved = alice.post(
        "/v1/assessments",
        json={"text": "cramp in my calf at night after running"},
        headers=bearer(alice),
    )
    assert saved.status_code == 201, saved.text
    result = saved.json()["result"]
    page = alice.get("/account").text
    assert f'href="/assessments/{saved.json()["id"]}"' in page
    assert result["triage"]["label"] in page
    assert result["conditions"][0]["name"] in page


def test_export_is_the_api_export_as_a_download(alice: TestClient) -> None:
    headers = bearer(alice)
    assert alice.post("/v1/episodes", json=EPISODE, headers=headers).status_code == 201
    response = alice.get("/account/export")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.headers["content-disposition"].startswith(
        'attachment; filename="spasmcheck-export-'
    )
    data = json.loads(response.text)
    assert data["account"]["email"] == EMAIL
    assert [episode["kind"] for episode in data["episodes"]] == ["cramp"]
    from_api = alice.get("/v1/me/export", headers=headers).json()
    assert {**data, "exported_at": None} == {**from_api, "exported_at": None}


def test_the_delete_form_says_what_will_be_deleted(alice: TestClient) -> None:
    def listed() -> str:
        page = alice.get("/account").text
        return re.sub(r"\s+", " ", page.split('id="delete"')[1].split("</ul>")[0])

    assert "your diary (it is empty)," in listed()
    assert "your saved checks (you have none)." in listed()
    headers = bearer(alice)
    alice.post("/v1/episodes", json=EPISODE, headers=headers)
    check = {"text": "cramp in my calf at night after running"}
    assert alice.post("/v1/assessments", json=check, headers=headers).status_code == 201
    assert "your diary, with its 1 episode," in listed()
    assert "your 1 saved check." in listed()
    for _ in range(2):
        alice.post("/v1/episodes", json=EPISODE, headers=headers)
        alice.post("/v1/assessments", json=check, headers=headers)
    assert "your diary, with all 3 episodes," in listed()
    assert "your 3 saved checks." in listed()
    page = alice.get("/account").text
    assert 'action="/account/delete"' in page
    assert f'name="csrf_token" value="{csrf(alice)}"' in page


def test_delete_with_a_wrong_password_keeps_everything(alice: TestClient) -> None:
    headers = bearer(alice)
    alice.post("/v1/episodes", json=EPISODE, headers=headers)
    page = alice.post("/account/delete", data={"csrf_token": csrf(alice), "password": "nope"})
    assert page.status_code == 422
    assert "Nothing was deleted" in error_summary(page)
    assert re.search(r'id="delete-password"[^>]*aria-invalid="true"', page.text)
    assert signed_in(alice)
    assert len(alice.get("/v1/episodes", headers=headers).json()["items"]) == 1


def test_delete_without_its_csrf_token_changes_nothing(alice: TestClient) -> None:
    for token in ("", "forged"):
        page = alice.post("/account/delete", data={"csrf_token": token, "password": PASSWORD})
        assert page.status_code == 403
    assert signed_in(alice)


def test_delete_with_the_password_erases_the_account_and_signs_out(alice: TestClient) -> None:
    headers = bearer(alice)
    alice.post("/v1/episodes", json=EPISODE, headers=headers)
    page = alice.post("/account/delete", data={"csrf_token": csrf(alice), "password": PASSWORD})
    assert page.status_code == 200
    assert "Your account was deleted" in page.text
    assert ">Sign out</button>" not in page.text
    assert not alice.cookies.get(SESSION_COOKIE)
    assert not signed_in(alice)
    assert alice.get("/v1/me", headers=headers).status_code == 401
    refused = alice.post("/signin", data={"email": EMAIL, "password": PASSWORD})
    assert refused.status_code == 422
    # The address is free again: nothing of the old account is left to collide with.
    assert sign_up(alice).status_code == 303
    fresh = alice.get("/account/export").json()
    assert fresh["episodes"] == [] and fresh["assessments"] == []
