"""Issue 15, item 7: passwords (OWASP ASVS 4.0 2.1.1, 2.1.7) and erasure behind the password.

A new password has at least 12 characters and zxcvbn must estimate it at 10^8 guesses or
more (score 3): common and breached passwords, their variants and the e-mail address are
refused. ``DELETE /v1/me`` asks for the password again, as the web form does, and counts
against the sign-in limits.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.api.conftest import BASE_URL, PASSWORD, TestClient, error_of, make_app, pooled_app

EMAIL = "marguerite.dupont@example.org"

# (password, why it is refused): each scores below 3 (measured with zxcvbn 4.5.0)
WEAK = [
    ("Password123!", "a common password with the usual decorations"),
    ("password1234", "a very common password"),
    ("qwertyuiop12", "a keyboard row"),
    ("iloveyou2024", "a common phrase and a year"),
    ("123456789012", "a sequence"),
    ("aaaaaaaaaaaa", "a repeat"),
    ("p@ssw0rd2024!", "l33t spelling of a common password"),
    ("marguerite.dupont", "the e-mail address"),
    ("example.org12345", "the e-mail's domain"),
    ("spasmcheck2026!", "the site's name"),
]
STRONG = ["correct horse battery", "blue whale jumps", "Tr0ub4dor&3xx"]


@pytest.fixture
def client(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[TestClient]:
    app = pooled_app(request, tmp_path)
    with TestClient(app, base_url=BASE_URL, follow_redirects=False) as opened:
        yield opened


@pytest.mark.parametrize(("password", "why"), WEAK)
def test_a_guessable_password_is_refused(client: TestClient, password: str, why: str) -> None:
    response = client.post("/v1/accounts/register", json={"email": EMAIL, "password": password})
    assert response.status_code == 422, why
    assert "too easy to guess" in error_of(response)["message"]
    assert password not in response.text
    page = client.post("/signup", data={"email": EMAIL, "password": password})
    assert page.status_code == 422
    assert "too easy to guess" in page.text and EMAIL in page.text
    assert f'value="{password}"' not in page.text  # the password is never sent back


@pytest.mark.parametrize("password", STRONG)
def test_a_strong_password_is_accepted(client: TestClient, password: str) -> None:
    response = client.post("/v1/accounts/register", json={"email": EMAIL, "password": password})
    assert response.status_code == 201


def test_eleven_characters_are_too_few(client: TestClient) -> None:
    response = client.post(
        "/v1/accounts/register", json={"email": EMAIL, "password": "Zq8#vLm2!pW"}
    )
    assert response.status_code == 422
    assert error_of(response)["message"].startswith("password:")


def signed_in(client: TestClient) -> dict[str, str]:
    account = {"email": EMAIL, "password": PASSWORD}
    assert client.post("/v1/accounts/register", json=account).status_code == 201
    login = client.post("/v1/accounts/login", json=account)
    client.cookies.clear()
    return {"Authorization": f"Bearer {login.json()['access_token']}"}


def test_erasing_through_the_api_asks_for_the_password(client: TestClient) -> None:
    bearer = signed_in(client)
    assert client.delete("/v1/me", headers=bearer).status_code == 422
    wrong = client.request("DELETE", "/v1/me", headers=bearer, json={"password": "not mine"})
    assert wrong.status_code == 401
    assert client.get("/v1/me", headers=bearer).status_code == 200  # nothing was erased
    right = client.request("DELETE", "/v1/me", headers=bearer, json={"password": PASSWORD})
    assert right.status_code == 204
    assert client.get("/v1/me", headers=bearer).status_code == 401


def test_erasing_shares_the_sign_in_limit(tmp_path: Path) -> None:
    with TestClient(make_app(tmp_path, login_rate_limit=2), base_url=BASE_URL) as client:
        bearer = signed_in(client)  # a right password gives its attempt back
        guess = {"password": "a stolen token's guess"}
        for _ in range(2):
            assert client.request("DELETE", "/v1/me", headers=bearer, json=guess).status_code == 401
        limited = client.request("DELETE", "/v1/me", headers=bearer, json={"password": PASSWORD})
        assert limited.status_code == 429
        assert client.get("/v1/me", headers=bearer).status_code == 200
