"""``GET /interview``, the question page every answer lands on, is answered by
:class:`~spasmcheck.web.errors.PageShortcut` before FastAPI's routing (issue 16, fifth pass).
These tests hold it to the route's own way: the same status, headers and page for the same
requests through an app with the shortcut and one without, whatever the state; other
methods still reach the router; and only an endpoint that takes nothing but the request can
be taken this way."""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

import pytest
from fastapi import APIRouter, FastAPI, Query, Request
from fastapi.responses import Response

from spasmcheck.web import pages
from spasmcheck.web.errors import PageShortcut, WebRoute
from tests.api.conftest import make_app, register_and_sign_in
from tests.web.conftest import web_client

STATE = re.compile(r'name="state" value="([^"]*)"')
Answer = tuple[int, list[tuple[str, str]], bytes]


def without_shortcut(app: FastAPI) -> FastAPI:
    """``app`` with the page's way through FastAPI only (its middleware stack not yet built)."""
    shortcut: object = PageShortcut  # a middleware factory's type is a protocol, not this class
    app.user_middleware = [m for m in app.user_middleware if m.cls is not shortcut]
    return app


# A cookie that is cleared carries the clock's time ("expires=... 04:47:05 GMT"): two apps
# answering a second apart differ there and nowhere else.
EXPIRES = re.compile(r"expires=[^;]*")


def answered(response: Any) -> Answer:
    headers = [
        (name, EXPIRES.sub("expires=<time>", value) if name == "set-cookie" else value)
        for name, value in response.headers.multi_items()
    ]
    return response.status_code, headers, response.content


def walk(app: FastAPI) -> list[Answer]:
    """An interview begun, its pages shown and answered, old and odd links followed."""
    seen: list[Answer] = []
    with web_client(app) as client:
        seen.append(answered(client.get("/interview")))  # no state: to the start page
        client.cookies.set("spasmcheck_interview", "not-a-state", path="/interview")
        seen.append(answered(client.get("/interview")))  # a state this server did not make
        client.cookies.clear()
        form = {"text": "cramp in my calf at night", "age": "60", "action": "start"}
        response = client.post("/interview", data=form)
        for number in range(6):
            assert response.status_code == 303, response.text
            page = client.get(response.headers["location"])
            seen.append(answered(page))
            found = STATE.search(page.text)
            if found is None:
                break
            state = html.unescape(found.group(1))
            response = client.post("/interview", data={"state": state, "answer": "dont_know"})
            if number == 2:
                for query in ("?step=0", "?step=1&step=0", "?step=zz", "?step=999", "?step="):
                    seen.append(answered(client.get(f"/interview{query}")))
    return seen


def test_the_page_is_the_routes_own(tmp_path: Path) -> None:
    ours = walk(make_app(tmp_path / "shortcut"))
    theirs = walk(without_shortcut(make_app(tmp_path / "router")))
    assert len(ours) > 8
    assert ours == theirs
    assert {status for status, _, _ in ours} >= {200, 303}


def test_a_signed_in_visitor_sees_the_page_signed_in(tmp_path: Path) -> None:
    with web_client(make_app(tmp_path)) as client:
        register_and_sign_in(client, "page@example.org")
        started = client.post("/interview", data={"text": "my eyelid twitches", "action": "start"})
        page = client.get(started.headers["location"])
    assert page.status_code == 200
    assert "Sign out" in page.text and "content-security-policy" in page.headers


def test_only_the_pages_get_skips_the_router(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    routed: list[str] = []
    handle = WebRoute.handle

    async def counted(self: WebRoute, scope: Any, receive: Any, send: Any) -> None:
        routed.append(f"{scope['method']} {scope['path']}")
        await handle(self, scope, receive, send)

    monkeypatch.setattr(WebRoute, "handle", counted)
    with web_client(make_app(tmp_path)) as client:
        assert client.get("/interview?step=2").status_code == 303
        assert client.head("/interview").status_code == 405
        assert client.get("/").status_code == 200
    assert routed == ["HEAD /interview", "GET /"]


def test_the_route_it_takes_is_the_question_pages() -> None:
    route = pages.current_page_route()
    assert route.path == "/interview" and route.endpoint is pages.current_page


def test_an_endpoint_with_parameters_cannot_be_taken_this_way() -> None:
    router = APIRouter(route_class=WebRoute)

    @router.get("/page")
    async def page(request: Request, step: str = Query("")) -> Response:
        return Response(step)

    route = router.routes[0]
    assert isinstance(route, WebRoute)
    with pytest.raises(TypeError, match="more than the request"):
        route.request_only_handler()
