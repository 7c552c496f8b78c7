"""Accounts and security: register, sign in, sign out, cookies, CSRF, rate limit, tokens."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from .conftest import BASE_URL, EPISODE, PASSWORD, User, error_of, make_app


def register(client: TestClient, email: str, password: str = PASSWORD, **extra: str) -> object:
    return client.post(
        "/v1/accounts/register", json={"email": email, "password": password, **extra}
    )


def test_register_answers_the_public_account(client: TestClient) -> None:
    response = register(client, "Someone@Example.org", timezone="Europe/Paris")
    assert response.status_code == 201  # type: ignore[attr-defined]
    body = response.json()  # type: ignore[attr-defined]
    assert body["email"] == "someone@example.org"
    assert body["timezone"] == "Europe/Paris"
    assert set(body) == {"id", "email", "timezone", "created_at"}


def test_a_duplicate_email_is_409_whatever_its_case(client: TestClient) -> None:
    register(client, "a@example.org")
    response = client.post(
        "/v1/accounts/register", json={"email": "A@EXAMPLE.org", "password": PASSWORD}
    )
    assert response.status_code == 409
    assert error_of(response)["code"] == "conflict"


@pytest.mark.parametrize(
    "body",
    [
        {"email": "not-an-email", "password": PASSWORD},
        {"email": "a@example.org", "password": "short"},
        {"email": "a@example.org", "password": "x" * 257},
        {"email": "a@example.org", "password": PASSWORD, "timezone": "Mars/Olympus"},
        {"email": "a@example.org", "password": PASSWORD, "timezone": "../../etc/passwd"},
        {"email": "a@example.org", "password": PASSWORD, "admin": True},
        {"email": "a@" + "x" * 300 + ".org", "password": PASSWORD},
        {"email": "a@example.org"},
        {},
    ],
)
def test_bad_registrations_are_422(client: TestClient, body: dict[str, object]) -> None:
    response = client.post("/v1/accounts/register", json=body)
    assert response.status_code == 422
    error_of(response)


def test_sign_in_sets_a_safe_cookie_and_returns_tokens(client: TestClient) -> None:
    register(client, "a@example.org")
    response = client.post(
        "/v1/accounts/login", json={"email": "a@example.org", "password": PASSWORD}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "bearer" and body["access_token"] and body["csrf_token"]
    cookies = {c.split("=", 1)[0]: c.lower() for c in response.headers.get_list("set-cookie")}
    session = cookies["spasmcheck_session"]
    assert "httponly" in session and "samesite=lax" in session and "secure" in session
    assert "max-age=1209600" in session
    assert body["access_token"] not in session  # the cookie holds a different, signed token
    assert "httponly" not in cookies["spasmcheck_csrf"]  # the web app's scripts read it


def test_cookies_are_not_secure_in_development(tmp_path: Path) -> None:
    app = make_app(tmp_path, environment="development")
    with TestClient(app) as client:
        register(client, "a@example.org")
        response = client.post(
            "/v1/accounts/login", json={"email": "a@example.org", "password": PASSWORD}
        )
        assert all("secure" not in c.lower() for c in response.headers.get_list("set-cookie"))
        assert client.get("/v1/me").status_code == 200


@pytest.mark.parametrize(
    ("email", "password"),
    [("a@example.org", "wrong password"), ("nobody@example.org", PASSWORD)],
)
def test_wrong_credentials_are_one_401(client: TestClient, email: str, password: str) -> None:
    register(client, "a@example.org")
    response = client.post("/v1/accounts/login", json={"email": email, "password": password})
    assert response.status_code == 401
    assert error_of(response)["message"] == "wrong email or password"


def test_login_is_rate_limited_per_email_and_address(tmp_path: Path) -> None:
    app = make_app(tmp_path, login_rate_limit=3)
    with TestClient(app, base_url=BASE_URL) as client:
        register(client, "a@example.org")
        wrong = {"email": "a@example.org", "password": "wrong password"}
        assert [client.post("/v1/accounts/login", json=wrong).status_code for _ in range(3)] == [
            401
        ] * 3
        limited = client.post(
            "/v1/accounts/login", json={"email": "a@example.org", "password": PASSWORD}
        )
        assert limited.status_code == 429
        assert error_of(limited)["code"] == "too_many_requests"
        assert 1 <= int(limited.headers["retry-after"]) <= 61
        # Another email from the same address is counted on its own.
        register(client, "b@example.org")
        other = client.post(
            "/v1/accounts/login", json={"email": "b@example.org", "password": PASSWORD}
        )
        assert other.status_code == 200


def test_no_credentials_is_401(client: TestClient) -> None:
    for method, path in (
        ("GET", "/v1/me"),
        ("GET", "/v1/episodes"),
        ("POST", "/v1/accounts/logout"),
    ):
        response = client.request(method, path)
        assert response.status_code == 401, path
        assert response.headers["www-authenticate"] == "Bearer"
        error_of(response)


@pytest.mark.parametrize(
    "header",
    ["Bearer nonsense", "Bearer ", "Basic dXNlcjpwYXNz", "bearer " + "x" * 600, "Token abc"],
)
def test_bad_bearer_tokens_are_401(alice: User, header: str) -> None:
    # A bad Authorization header is judged alone, even with a valid session cookie.
    response = alice.client.get("/v1/me", headers={"Authorization": header})
    assert response.status_code == 401
    error_of(response)


def test_a_forged_or_foreign_cookie_is_401(app: FastAPI, alice: User) -> None:
    with TestClient(app, base_url=BASE_URL) as stranger:
        stranger.cookies.set("spasmcheck_session", "forged.value.here")
        assert stranger.get("/v1/me").status_code == 401
        # A signed cookie made with another secret is refused too.
        other = make_app(
            Path(app.state.settings.database_url.removeprefix("sqlite:///")).parent / "x",
            secret_key="another-secret",
        )
        with TestClient(other, base_url=BASE_URL) as other_client:
            register(other_client, "a@example.org")
            other_client.post(
                "/v1/accounts/login", json={"email": "a@example.org", "password": PASSWORD}
            )
            stranger.cookies.set("spasmcheck_session", other_client.cookies["spasmcheck_session"])
        assert stranger.get("/v1/me").status_code == 401


def test_cookie_writes_need_the_csrf_header(alice: User) -> None:
    client = alice.client
    assert client.get("/v1/me").status_code == 200  # reads need no CSRF token
    missing = client.post("/v1/episodes", json=EPISODE)
    assert missing.status_code == 403
    assert error_of(missing)["code"] == "csrf_failed"
    wrong = client.post("/v1/episodes", json=EPISODE, headers={"X-CSRF-Token": "guess"})
    assert wrong.status_code == 403
    assert client.get("/v1/episodes").json()["total"] == 0
    right = client.post("/v1/episodes", json=EPISODE, headers={"X-CSRF-Token": alice.csrf})
    assert right.status_code == 201


def test_bearer_writes_need_no_csrf_header(app: FastAPI, alice: User) -> None:
    with TestClient(app, base_url=BASE_URL) as api_client:  # no cookies at all
        response = api_client.post("/v1/episodes", json=EPISODE, headers=alice.bearer)
        assert response.status_code == 201


def test_sign_out_ends_the_cookie_and_the_token(app: FastAPI, alice: User) -> None:
    client = alice.client
    response = client.post("/v1/accounts/logout", headers={"X-CSRF-Token": alice.csrf})
    assert response.status_code == 204
    assert response.content == b""
    with TestClient(app, base_url=BASE_URL) as fresh:
        assert fresh.get("/v1/me", headers=alice.bearer).status_code == 401
    assert client.get("/v1/me").status_code == 401


def test_sign_out_by_cookie_needs_csrf(alice: User) -> None:
    assert alice.client.post("/v1/accounts/logout").status_code == 403
    assert alice.client.get("/v1/me").status_code == 200


def test_expired_sessions_are_refused(tmp_path: Path) -> None:
    app = make_app(tmp_path, session_max_age_s=0)
    with TestClient(app, base_url=BASE_URL) as client:
        register(client, "a@example.org")
        body = client.post(
            "/v1/accounts/login", json={"email": "a@example.org", "password": PASSWORD}
        ).json()
        assert (
            client.get(
                "/v1/me", headers={"Authorization": f"Bearer {body['access_token']}"}
            ).status_code
            == 401
        )
        assert client.get("/v1/me").status_code == 401
