"""Issue 15, item 5: a page on another site cannot sign the browser in or up (login CSRF).

Before, ``POST /signin`` from any origin signed the browser in: a hostile page could sign a
person into the attacker's account, where they would then log their diary. A browser says
where a request comes from (``Sec-Fetch-Site``, else ``Origin``); a cross-site one is refused
with 403 and no cookie. Requests without either header (API clients, curl) are not a
browser's and stay allowed.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.api.conftest import BASE_URL, PASSWORD, TestClient, pooled_app

ACCOUNT = {"email": "eve@example.org", "password": PASSWORD}
CROSS_SITE = [
    {"Sec-Fetch-Site": "cross-site"},
    {"Sec-Fetch-Site": "same-site"},
    {"Origin": "https://evil.example"},
    {"Origin": "null"},
    {"Origin": "https://testserver.evil.example"},
]
SAME_SITE = [
    {},
    {"Sec-Fetch-Site": "same-origin"},
    {"Sec-Fetch-Site": "none"},
    {"Origin": "https://testserver"},
]


@pytest.fixture
def client(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[TestClient]:
    app = pooled_app(request, tmp_path)
    with TestClient(app, base_url=BASE_URL, follow_redirects=False) as opened:
        assert opened.post("/v1/accounts/register", json=ACCOUNT).status_code == 201
        yield opened


@pytest.mark.parametrize("headers", CROSS_SITE)
def test_a_cross_site_sign_in_or_sign_up_is_refused(
    client: TestClient, headers: dict[str, str]
) -> None:
    other = {"email": "new@example.org", "password": PASSWORD}
    for path, data in (("/signin", ACCOUNT), ("/signup", other)):
        page = client.post(path, data=data, headers=headers)
        assert page.status_code == 403, (path, page.status_code)
        assert "set-cookie" not in page.headers
        assert "text/html" in page.headers["content-type"]
    for path, body in (("/v1/accounts/login", ACCOUNT), ("/v1/accounts/register", other)):
        response = client.post(path, json=body, headers=headers)
        assert response.status_code == 403, (path, response.status_code)
        assert response.json()["error"]["code"] == "cross_site"
        assert "set-cookie" not in response.headers


@pytest.mark.parametrize("headers", SAME_SITE)
def test_a_same_site_sign_in_works(client: TestClient, headers: dict[str, str]) -> None:
    page = client.post("/signin", data=ACCOUNT, headers=headers)
    assert page.status_code == 303
    assert "spasmcheck_session" in page.headers["set-cookie"]
    response = client.post("/v1/accounts/login", json=ACCOUNT, headers=headers)
    assert response.status_code == 200
