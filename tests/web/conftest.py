"""Shared fixtures of the web-page tests: an app over a fresh SQLite file (the API tests'
pooled app, see tests/api/conftest.py) and a test client that does not follow redirects (the
tests check where a page sends the browser)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI

from tests.api.conftest import BASE_URL, TestClient, pooled_app


def web_client(app: FastAPI) -> TestClient:
    return TestClient(app, base_url=BASE_URL, follow_redirects=False)


@pytest.fixture
def app(request: pytest.FixtureRequest, tmp_path: Path) -> FastAPI:
    return pooled_app(request, tmp_path)


@pytest.fixture
def web(app: FastAPI) -> Iterator[TestClient]:
    with web_client(app) as client:
        yield client
