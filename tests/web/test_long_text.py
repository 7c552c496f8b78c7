"""Long text never loses what the person typed (issue 14 item 6).

A description over the limit comes back on the start page, in the box, with its length and
the limit; a body over the server's limit on a web page is an HTML page that keeps as much
of the text as arrived; no web page shows pydantic's own words or the API's JSON.
"""

from __future__ import annotations

import re
from html import unescape

import pytest

from tests.api.conftest import TestClient


def box(html: str) -> str:
    match = re.search(r'<textarea id="description"[^>]*>(.*?)</textarea>', html, re.S)
    assert match, "the start form is not on the page"
    return unescape(match.group(1))


def words(n: int) -> str:
    """``n`` characters of a plausible description, different all along (not one repeated
    letter), so that a kept prefix is checked against what was sent."""
    text = " ".join(f"cramp{i} in my calf at night" for i in range(n // 10 + 1))
    return text[:n]


@pytest.mark.parametrize("length", [5_001, 8_000, 12_000, 20_000, 50_000])
def test_a_description_over_the_limit_comes_back_in_the_box(web: TestClient, length: int) -> None:
    text = words(length)
    response = web.post("/interview", data={"action": "start", "text": text})
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("text/html")
    assert box(response.text) == text  # nothing lost
    assert f"{length:,} characters long" in response.text
    assert "5,000 characters or fewer" in response.text
    assert 'class="error-summary"' in response.text
    assert "String should have" not in response.text  # pydantic's words


def test_the_start_box_does_not_cut_a_paste_silently(web: TestClient) -> None:
    html = web.get("/").text
    textarea = re.search(r"<textarea[^>]*>", html)
    assert textarea and "maxlength" not in textarea.group(0)
    assert "up to 5,000 characters" in html


def test_a_body_over_the_server_limit_keeps_the_text_that_arrived(web: TestClient) -> None:
    text = words(100_000)  # about 100 kB: over the 64 kB default
    response = web.post("/interview", data={"action": "start", "text": text})
    assert response.status_code == 413
    assert response.headers["content-type"].startswith("text/html")
    assert "payload_too_large" not in response.text
    kept = box(response.text)
    assert len(kept) > 50_000 and text.startswith(kept)
    assert f"The first {len(kept):,} characters arrived" in response.text


def test_a_body_over_the_limit_elsewhere_is_a_page_and_the_api_keeps_json(
    web: TestClient,
) -> None:
    big = "x" * 100_000
    page = web.post("/diary/new", data={"notes": big})
    assert page.status_code == 413
    assert page.headers["content-type"].startswith("text/html")
    assert "too long for this server" in page.text
    api = web.post("/v1/parse", content=big, headers={"content-type": "application/json"})
    assert api.status_code == 413
    assert api.json()["error"] == "payload_too_large" or "payload_too_large" in api.text


def test_a_bad_age_or_sex_keeps_the_description(web: TestClient) -> None:
    text = words(300)
    response = web.post("/interview", data={"action": "start", "text": text, "age": "1" * 50})
    assert response.status_code == 422
    assert box(response.text) == text
    assert "between 0 and 120" in response.text
    response = web.post("/interview", data={"action": "start", "text": text, "sex": "s" * 50})
    assert response.status_code == 422
    assert box(response.text) == text


def test_a_refused_field_is_named_in_plain_words(web: TestClient) -> None:
    response = web.post("/interview", data={"action": "x" * 50, "text": "calf cramps"})
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("text/html")
    assert "too long: keep it under 20 characters" in response.text
    assert "String should have" not in response.text
