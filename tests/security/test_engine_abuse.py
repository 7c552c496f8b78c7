"""Issue 15, item 9 (in part): one address cannot take every worker with engine requests.

200 connections of maximum-length texts brought triage to 16 requests/s with a median of 9 s.
The anonymous routes that run the engine or draw a PDF now take at most
``engine_rate_limit`` requests a minute per client address; the next one is a 429 with
``Retry-After``, JSON from the API and a page from the web, and other addresses and routes
are not affected.
"""

from __future__ import annotations

from pathlib import Path

from tests.api.conftest import BASE_URL, TestClient, error_of, make_app


def test_engine_requests_are_limited_per_address(tmp_path: Path) -> None:
    app = make_app(tmp_path, engine_rate_limit=3)
    body = {"text": "calf cramps at night"}
    with TestClient(app, base_url=BASE_URL, follow_redirects=False) as client:
        statuses = [client.post("/v1/triage", json=body).status_code for _ in range(3)]
        assert statuses == [200, 200, 200]
        refused = client.post("/v1/parse", json=body)  # one budget for every engine route
        assert refused.status_code == 429
        assert error_of(refused)["code"] == "too_many_requests"
        assert 1 <= int(refused.headers["retry-after"]) <= 61
        page = client.post("/interview", data={"action": "start", "text": "calf cramps"})
        assert page.status_code == 429 and "text/html" in page.headers["content-type"]
        assert client.get("/v1/info").status_code == 200  # not an engine run
        assert client.get("/").status_code == 200
    other = TestClient(app, base_url=BASE_URL, client=("203.0.113.9", 4321))
    with other:
        assert other.post("/v1/triage", json=body).status_code == 200  # its own budget
