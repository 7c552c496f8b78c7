"""Whatever a browser (or anything else) posts to a page's form, the answer is a page with a
4xx or a redirect — never a 5xx, never JSON, never a traceback."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.api.conftest import BASE_URL, TestClient, make_app, register_and_sign_in

FORMS = [
    "/interview",
    "/result/save",
    "/signin",
    "/signup",
    "/diary/new",
    "/signout",
    "/account/delete",
    "/diary/1/edit",
    "/diary/1/delete",
    "/assessments/1/delete",
]
FIELDS = [
    "state",
    "action",
    "answer",
    "text",
    "age",
    "sex",
    "csrf_token",
    "email",
    "password",
    "timezone",
    "next",
    "locations",
    "kind",
    "severity",
    "context",
    "started_at",
    "duration_seconds",
    "helped",
    "tried",
    "notes",
    "medicine_name",
]
values = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        [
            "",
            "start",
            "back",
            "yes",
            "no",
            "dont_know",
            "loc_calf",
            "-1",
            "1e9",
            "2026-13-45T25:61",
            "female",
            "../../etc",
            "<script>",
            "\x00",
            "9" * 30,
        ]
    ),
)
forms = st.dictionaries(
    st.sampled_from(FIELDS), st.one_of(values, st.lists(values, max_size=4)), max_size=8
)


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    app = make_app(Path(tmp_path_factory.mktemp("fuzz")))
    with TestClient(app, base_url=BASE_URL, follow_redirects=False) as client:
        register_and_sign_in(client, "fuzz@example.org")
        yield client


@settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(path=st.sampled_from(FORMS), form=forms)
def test_any_form_post_gets_a_page_not_an_error(
    web: TestClient, path: str, form: dict[str, str | list[str]]
) -> None:
    response = web.post(path, data=form)
    assert response.status_code < 500, (path, form, response.text[:300])
    if response.status_code >= 400:
        assert response.headers["content-type"].startswith("text/html"), (path, form)
        assert "Traceback" not in response.text


PAGES = [
    "/",
    "/diary",
    "/diary/new",
    "/signin",
    "/signup",
    "/account",
    "/account/export",
    "/about",
    "/result/save",
    "/assessments/1",
    "/diary/1/edit",
]


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    path=st.sampled_from(PAGES),
    query=st.dictionaries(
        st.sampled_from(["weeks", "next", "saved", "done", "from", "to"]), values, max_size=3
    ),
)
def test_any_query_string_gets_a_page_not_an_error(
    web: TestClient, path: str, query: dict[str, str]
) -> None:
    response = web.get(path, params=query)
    assert response.status_code < 500, (path, query, response.text[:300])
    if response.status_code == 303:
        assert response.headers["location"].startswith("/"), "never a redirect off the site"
