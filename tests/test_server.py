"""The application factory: the API and the web side by side, each answering its own errors."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.api.conftest import BASE_URL, TestClient, make_app


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    app = make_app(Path(tmp_path_factory.mktemp("server")))
    with TestClient(app, base_url=BASE_URL, follow_redirects=False) as test_client:
        yield test_client


def is_json_error(response: object) -> bool:
    from httpx2 import Response

    assert isinstance(response, Response)
    body = response.json()
    return set(body) == {"error"} and bool(body["error"]["code"] and body["error"]["message"])


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("get", "/v1/no-such-route", 404),
        ("get", "/v1/conditions/no_such_condition", 404),
        ("delete", "/v1/parse", 405),
        ("post", "/v1/parse", 422),  # no body
        ("get", "/v1/me", 401),
        ("post", "/v1/accounts/register", 422),  # no body
    ],
)
def test_the_api_answers_its_errors_in_json(
    client: TestClient, method: str, path: str, status: int
) -> None:
    response = client.request(method.upper(), path)
    assert response.status_code == status
    assert response.headers["content-type"].startswith("application/json")
    assert is_json_error(response)
    assert "content-security-policy" not in response.headers
    assert response.headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("get", "/no-such-page", 404),
        ("get", "/static/no-such-file.css", 404),
        ("post", "/about", 405),
        ("get", "/diary/abc/edit", 303),  # sign in first: a redirect, not a 401
    ],
)
def test_the_web_answers_its_errors_with_pages(
    client: TestClient, method: str, path: str, status: int
) -> None:
    response = client.request(method.upper(), path)
    assert response.status_code == status
    if status == 303:
        assert response.headers["location"].startswith("/signin")
        return
    assert response.headers["content-type"].startswith("text/html")
    assert "<nav" in response.text or "<header" in response.text
    assert "script-src 'self'" in response.headers["content-security-policy"]


def test_a_method_a_web_page_does_not_take_names_the_ones_it_does(client: TestClient) -> None:
    response = client.post("/about")
    assert response.headers["allow"] == "GET"


def test_the_openapi_document_lists_only_the_api(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert paths and all(path.startswith("/v1/") for path in paths)
