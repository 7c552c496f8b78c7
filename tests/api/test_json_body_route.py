"""``JsonBodyRoute`` (``POST /v1/interview``) validates a JSON body from its bytes and leaves
everything else to FastAPI, and ``JsonBodyShortcut`` answers the same requests before FastAPI's
routing: each answer, error or not, must be the one an ordinary ``ApiRoute`` gives for the
same request (issue 16)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import Response
from fastapi.testclient import TestClient

from spasmcheck.api.errors import ApiError, ApiRoute, JsonBodyRoute, JsonBodyShortcut
from spasmcheck.api.schemas import InterviewRequest

CALLS: list[InterviewRequest] = []


async def endpoint(body: InterviewRequest, request: Request) -> Response:
    CALLS.append(body)
    if body.max_questions == 13:
        raise ApiError(422, "unknown_finding", "thirteen")
    return Response(body.model_dump_json(), media_type="application/json")


def client(route_class: type[ApiRoute], *, shortcut: bool = False) -> TestClient:
    router = APIRouter(route_class=ApiRoute)
    router.add_api_route("/step", endpoint, methods=["POST"], route_class_override=route_class)
    app = FastAPI()
    app.include_router(router)
    if shortcut:
        (route,) = router.routes
        assert isinstance(route, JsonBodyRoute)
        app.add_middleware(JsonBodyShortcut, route=route, path="/step")
    return TestClient(app)


JSON = {"content-type": "application/json"}
EVIDENCE = [{"finding": "cramp", "status": "present", "origin": "text", "text": "cramp"}]
REQUESTS: list[tuple[bytes, dict[str, str]]] = [
    (b"{}", JSON),
    (json.dumps({"text": "calf cramps", "age": 40, "sex": "male"}).encode(), JSON),
    (json.dumps({"age": "40", "evidence": EVIDENCE}).encode(), JSON),  # lax: "40" is 40
    (json.dumps({"age": 40.0}).encode(), JSON),
    (json.dumps({"max_questions": 13}).encode(), JSON),  # the endpoint's own error
    (json.dumps({"age": True}).encode(), JSON),
    (json.dumps({"age": 121}).encode(), JSON),
    (json.dumps({"surprise": 1}).encode(), JSON),
    (json.dumps({"evidence": [{"finding": "Cramp!", "status": "present"}]}).encode(), JSON),
    (json.dumps({"answer": {"question_id": "cramp", "kind": "yes_no"}}).encode(), JSON),
    (json.dumps({"text": "a\u0000b"}).encode(), JSON),
    (json.dumps({"text": "\ud800"}).encode(), JSON),  # a lone surrogate, escaped
    (b'{"age": NaN}', JSON),
    (b'{"age": 40, "age": 41}', JSON),
    (b'{"text": "calf', JSON),
    (b"", JSON),
    (b"[]", JSON),
    (b"null", JSON),
    ('{"text": "café"}'.encode("latin-1"), JSON),  # not UTF-8
    (b'{"text": "calf"}', {"content-type": "application/json; charset=utf-8"}),
    (b'{"text": "calf"}', {"content-type": "text/plain"}),
    (b'{"text": "calf"}', {}),
]


@pytest.mark.parametrize(("body", "headers"), REQUESTS, ids=lambda r: repr(r)[:40])
def test_the_same_answer_as_fastapis_own_way(body: bytes, headers: dict[str, str]) -> None:
    answers: list[tuple[int, Any, Any, list[InterviewRequest]]] = []
    for route_class, shortcut in ((ApiRoute, False), (JsonBodyRoute, False), (JsonBodyRoute, True)):
        CALLS.clear()
        with client(route_class, shortcut=shortcut) as test_client:
            response = test_client.post("/step", content=body, headers=headers)
        answers.append(
            (response.status_code, response.headers.items(), response.content, list(CALLS))
        )
    assert answers[1] == answers[0]
    assert answers[2] == answers[0]


@pytest.mark.parametrize(
    ("method", "path"), [("GET", "/step"), ("PUT", "/step"), ("POST", "/step/"), ("POST", "/x")]
)
def test_the_shortcut_leaves_other_requests_alone(method: str, path: str) -> None:
    answers = []
    for shortcut in (False, True):
        with client(JsonBodyRoute, shortcut=shortcut) as test_client:
            response = test_client.request(
                method, path, content=b"{}", headers=JSON, follow_redirects=False
            )
        answers.append((response.status_code, response.headers.items(), response.content))
    assert answers[1] == answers[0]


def test_the_shortcut_answers_before_the_router(monkeypatch: pytest.MonkeyPatch) -> None:
    """A well-formed request never reaches FastAPI's routes; a refused one does, with its
    body whole."""
    routed: list[bytes] = []
    handle = JsonBodyRoute.handle

    async def counting(self: JsonBodyRoute, scope: Any, receive: Any, send: Any) -> None:
        routed.append(scope["path"].encode())
        await handle(self, scope, receive, send)

    monkeypatch.setattr(JsonBodyRoute, "handle", counting)
    with client(JsonBodyRoute, shortcut=True) as test_client:
        good = test_client.post("/step", json={"age": 40, "evidence": EVIDENCE})
        bad = test_client.post("/step", json={"age": 400})
    assert good.status_code == 200
    assert good.json()["evidence"][0]["finding"] == "cramp"
    assert bad.status_code == 422
    assert "age" in bad.json()["error"]["message"]
    assert routed == [b"/step"]  # the refused one only


def test_a_route_needs_one_model_body() -> None:
    async def no_body(request: Request) -> Response:
        return Response()

    router = APIRouter(route_class=JsonBodyRoute)
    with pytest.raises(TypeError, match="one pydantic body"):
        router.add_api_route("/nothing", no_body, methods=["POST"])


def test_a_well_formed_body_takes_the_short_way(monkeypatch: pytest.MonkeyPatch) -> None:
    read: list[bytes] = []
    validate = InterviewRequest.model_validate_json

    def counting(data: Any, **kwargs: Any) -> InterviewRequest:
        read.append(data)
        return validate(data, **kwargs)

    monkeypatch.setattr(InterviewRequest, "model_validate_json", counting)
    with client(JsonBodyRoute) as test_client:
        assert test_client.post("/step", json={"age": 40}).status_code == 200
        assert test_client.post("/step", json={"age": 400}).status_code == 422
    assert read == [b'{"age":40}', b'{"age":400}']


@pytest.mark.parametrize("body", [b'{"age": 40, "max_questions": 5}', b'{"age": 400}'])
def test_a_body_in_several_messages(body: bytes) -> None:
    """The shortcut reads every part of a body; when it refuses the body, the application
    receives the same parts."""
    import asyncio

    def answer(shortcut: bool) -> tuple[int, bytes]:
        app = client(JsonBodyRoute, shortcut=shortcut).app
        parts = [body[:5], body[5:9], body[9:]]
        messages: list[dict[str, Any]] = [
            {"type": "http.request", "body": p, "more_body": i < 2} for i, p in enumerate(parts)
        ]
        status, sent = 0, b""

        async def receive() -> dict[str, Any]:
            if messages:
                return messages.pop(0)
            return {"type": "http.disconnect"}

        async def send(message: dict[str, Any]) -> None:
            nonlocal status, sent
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body":
                sent += message.get("body", b"")

        scope = {
            "type": "http", "method": "POST", "path": "/step", "root_path": "",
            "query_string": b"", "headers": [(b"content-type", b"application/json")],
            "scheme": "http", "server": ("testserver", 80), "http_version": "1.1",
        }  # fmt: skip
        asyncio.run(app(scope, receive, send))  # type: ignore[arg-type]
        return status, sent

    assert answer(True) == answer(False)
    assert answer(True)[0] == (200 if b"400" not in body else 422)
