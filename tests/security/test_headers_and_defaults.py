"""Issue 15, item 8: headers and defaults.

- ``Cache-Control: no-store`` on every answer that can hold health data or account details
  (OWASP ASVS 4.0 8.2.1): the API, the pages; only the static files may be cached.
- HSTS outside development, and ``__Host-`` cookies in production.
- Production unless development is chosen by name: the published secret is refused.
- ``/docs`` (Swagger UI from a CDN, no integrity check) is off in production.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from spasmcheck.config import DEFAULT_SECRET, Settings, SettingsError
from tests.api.conftest import BASE_URL, PASSWORD, TestClient, make_app

SECRET = "a-test-secret-that-is-long-enough-0123456789"


def test_personal_answers_are_not_stored_by_caches(tmp_path: Path) -> None:
    with TestClient(make_app(tmp_path), base_url=BASE_URL) as client:
        account = {"email": "ann@example.org", "password": PASSWORD}
        assert client.post("/v1/accounts/register", json=account).status_code == 201
        login = client.post("/v1/accounts/login", json=account)
        bearer = {"Authorization": f"Bearer {login.json()['access_token']}"}
        for response in (
            login,
            client.get("/v1/me", headers=bearer),
            client.get("/v1/me/export", headers=bearer),
            client.get("/v1/episodes", headers=bearer),
            client.get("/v1/nowhere", headers=bearer),
            client.post("/v1/triage", json={"text": "calf cramps at night"}),
            client.get("/diary"),
            client.get("/account"),
            client.get("/"),
        ):
            assert response.headers["cache-control"] == "no-store", response.request.url
        static = client.get("/static/app.css")
        assert static.status_code == 200
        assert static.headers.get("cache-control") != "no-store"


@pytest.mark.parametrize(("environment", "hsts"), [("development", False), ("test", True)])
def test_hsts_outside_development(tmp_path: Path, environment: str, hsts: bool) -> None:
    with TestClient(make_app(tmp_path, environment=environment), base_url=BASE_URL) as client:
        response = client.get("/v1/info")
    assert ("strict-transport-security" in response.headers) is hsts
    if hsts:
        assert response.headers["strict-transport-security"].startswith("max-age=63072000")


def test_production_cookies_are_host_prefixed_and_work(tmp_path: Path) -> None:
    app = make_app(
        tmp_path,
        environment="production",
        secret_key=SECRET,
        fast_password_hashing=False,
        public_url="https://testserver",
        verify_email=False,  # the cookies are under test here; confirmation: test_enumeration
    )
    with TestClient(app, base_url=BASE_URL, follow_redirects=False) as client:
        signup = client.post("/signup", data={"email": "pat@example.org", "password": PASSWORD})
        assert signup.status_code == 303
        cookies = signup.headers.get_list("set-cookie")
        assert any(c.startswith("__Host-spasmcheck_session=") for c in cookies)
        assert any(c.startswith("__Host-spasmcheck_csrf=") for c in cookies)
        for cookie in cookies:
            lowered = cookie.lower()
            assert "secure" in lowered and "path=/" in lowered and "domain=" not in lowered
        page = client.get("/account")  # the prefixed cookie signs the page in
        assert page.status_code == 200 and "pat@example.org" in page.text
        assert client.get("/docs").status_code == 404


def test_production_is_the_default_and_refuses_the_published_secret(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with pytest.raises(SettingsError, match="SPASMCHECK_SECRET_KEY"):
        Settings()
    monkeypatch.delenv("SPASMCHECK_ENV", raising=False)
    monkeypatch.delenv("SPASMCHECK_SECRET_KEY", raising=False)
    with pytest.raises(SettingsError, match="SPASMCHECK_ENV=development"):
        Settings.from_env()
    monkeypatch.setenv("SPASMCHECK_ENV", "development")
    assert Settings.from_env().secret_key == DEFAULT_SECRET  # only when asked for by name


def test_swagger_ui_is_served_outside_production_only(tmp_path: Path) -> None:
    with TestClient(make_app(tmp_path, environment="development"), base_url=BASE_URL) as client:
        assert client.get("/docs").status_code == 200
        assert client.get("/openapi.json").status_code == 200
