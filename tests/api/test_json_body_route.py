"""``JsonBodyRoute`` (``POST /v1/interview``) validates a JSON body from its bytes and leaves
everything else to FastAPI: each answer, error or not, must be the one an ordinary
``ApiRoute`` gives for the same request (issue 16)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import Response
from fastapi.testclient import TestClient

from spasmcheck.api.errors import ApiError, ApiRoute, JsonBodyRoute
from spasmcheck.api.schemas import InterviewRequest

CALLS: list[InterviewRequest] = []


async def endpoint(body: InterviewRequest, request: Request) -> Response:
    CALLS.append(body)
    if body.max_questions == 13:
        raise ApiError(422, "unknown_finding", "thirteen")
    return Response(body.model_dump_json(), media_type="application/json")


def client(route_class: type[ApiRoute]) -> TestClient:
    router = APIRouter(route_class=ApiRoute)
    router.add_api_route("/step", endpoint, methods=["POST"], route_class_override=route_class)
    app = FastAPI()
    app.include_router(router)
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
    answers: list[tuple[int, Any, list[InterviewRequest]]] = []
    for route_class in (ApiRoute, JsonBodyRoute):
        CALLS.clear()
        with client(route_class) as test_client:
            response = test_client.post("/step", content=body, headers=headers)
        answers.append((response.status_code, response.content, list(CALLS)))
    assert answers[1] == answers[0]


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
