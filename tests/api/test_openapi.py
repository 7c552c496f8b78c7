"""The OpenAPI document describes every answer: each 2xx with a schema, each error with the one
error model (issue 13 "How it is checked"; issue 15 item 10).

The document is walked as a client would: every ``$ref`` is followed, and a schema that says
nothing (``{}``, or an object with no properties at all) counts as missing.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI

from spasmcheck.api.openapi import error_statuses
from tests.api.conftest import TestClient

METHODS = ("get", "post", "put", "patch", "delete")
ERROR_REF = "#/components/schemas/ErrorPublic"


@pytest.fixture(scope="module")
def document(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    from tests.api.conftest import make_app

    app: FastAPI = make_app(tmp_path_factory.mktemp("openapi"))
    with TestClient(app) as client:
        body: dict[str, Any] = client.get("/openapi.json").json()
    return body


def operations(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in document["paths"].items():
        if path.startswith("/v1"):
            for method in METHODS:
                if method in item:
                    yield method.upper(), path, item[method]


def resolve(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        target: Any = document
        for part in schema["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        schema = target
    return schema


def says_something(document: dict[str, Any], schema: dict[str, Any]) -> bool:
    schema = resolve(document, schema)
    if not schema:
        return False
    if schema.get("type") == "object" and not schema.get("properties"):
        # dict[str, Any] is {"type": "object", "additionalProperties": true}: anything goes
        extra = schema.get("additionalProperties", True)
        return isinstance(extra, dict) and says_something(document, extra)
    if schema.get("type") == "array":
        return says_something(document, schema.get("items") or {})
    return True


def test_every_v1_operation_is_walked(document: dict[str, Any]) -> None:
    found = {f"{method} {path}" for method, path, _ in operations(document)}
    assert {"POST /v1/assess", "POST /v1/interview", "GET /v1/diary/summary"} <= found
    assert len(found) >= 25


def test_every_2xx_answer_has_a_schema(document: dict[str, Any]) -> None:
    missing = []
    for method, path, operation in operations(document):
        successes = {c: r for c, r in operation["responses"].items() if c.startswith("2")}
        assert successes, f"{method} {path} documents no success"
        for code, response in successes.items():
            if code == "204":
                assert not response.get("content"), f"{method} {path}: a 204 has no body"
                continue
            content = response.get("content") or {}
            if not content:
                missing.append(f"{method} {path} {code}: no content")
            for media, body in content.items():
                if not says_something(document, body.get("schema") or {}):
                    missing.append(f"{method} {path} {code} {media}: empty schema")
    assert not missing, "\n".join(missing)


def test_the_main_answers_are_the_public_models(document: dict[str, Any]) -> None:
    def schema_of(method: str, path: str, code: str = "200") -> str:
        response = document["paths"][path][method]["responses"][code]
        ref: str = response["content"]["application/json"]["schema"]["$ref"]
        return ref.rsplit("/", 1)[-1]

    assert schema_of("post", "/v1/assess") == "AssessmentPublic"
    assert schema_of("post", "/v1/interview") == "InterviewStepPublic"
    assert schema_of("get", "/v1/diary/summary") == "DiarySummaryPublic"
    assert schema_of("post", "/v1/assessments", "201") == "SavedAssessmentPublic"
    saved = document["components"]["schemas"]["SavedAssessmentPublic"]["properties"]
    assert saved["result"]["$ref"].endswith("/AssessmentPublic")
    # The contract's keys are in the schema, as required.
    assessment = document["components"]["schemas"]["AssessmentPublic"]
    assert {"conditions", "triage", "red_flags", "advice", "not_understood"} <= set(
        assessment["required"]
    )
    condition = resolve(document, assessment["properties"]["conditions"]["items"])
    assert {"id", "name", "probability", "icd10", "evidence_for", "evidence_against"} <= set(
        condition["required"]
    )


def test_errors_are_documented_with_the_one_error_model(document: dict[str, Any]) -> None:
    problems = []
    for method, path, operation in operations(document):
        responses = operation["responses"]
        expected = set()
        if "requestBody" in operation:
            expected |= {"400", "413", "422"}
        if "{" in path:
            expected |= {"404", "422"}
        if operation.get("parameters"):
            expected.add("422")
        for code in expected - set(responses):
            problems.append(f"{method} {path}: {code} not documented")
        for code, response in responses.items():
            if code.startswith(("4", "5")):
                schema = response.get("content", {}).get("application/json", {}).get("schema")
                if schema != {"$ref": ERROR_REF}:
                    problems.append(f"{method} {path} {code}: not the error model ({schema})")
    assert not problems, "\n".join(problems)
    error = document["components"]["schemas"]["ErrorPublic"]
    assert error["required"] == ["error"]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/v1/me"),
        ("GET", "/v1/episodes"),
        ("GET", "/v1/assessments/{assessment_id}"),
        ("GET", "/v1/diary/summary"),
        ("GET", "/v1/assessments/{assessment_id}/report"),
    ],
)
def test_signed_in_operations_document_401(
    document: dict[str, Any], method: str, path: str
) -> None:
    assert "401" in document["paths"][path][method.lower()]["responses"]


@pytest.mark.parametrize(
    ("method", "path"), [("POST", "/v1/assess"), ("GET", "/v1/conditions"), ("GET", "/v1/info")]
)
def test_anonymous_operations_do_not_document_401(
    document: dict[str, Any], method: str, path: str
) -> None:
    assert "401" not in document["paths"][path][method.lower()]["responses"]


def test_the_documented_401_is_what_the_api_answers(client: TestClient) -> None:
    response = client.get("/v1/me")
    assert response.status_code == 401
    assert set(response.json()) == {"error"}
    assert set(response.json()["error"]) == {"code", "message"}


def test_error_statuses_reads_the_route() -> None:
    from fastapi.routing import APIRoute

    from spasmcheck.api.routes import assessments, engine

    by_path = {
        (r.path, sorted(r.methods or ())[0]): r
        for router in (engine.router, assessments.router)
        for r in router.routes
        if isinstance(r, APIRoute)
    }
    assert error_statuses(by_path[("/info", "GET")]) == []
    assert error_statuses(by_path[("/parse", "POST")]) == [400, 413, 422]
    assert error_statuses(by_path[("/assessments/{assessment_id}", "GET")]) == [401, 404, 422]


@pytest.mark.parametrize(
    "text",
    [
        "my calves cramp at night",
        "one side of my face has drooped and my eyelid keeps twitching",
        "my zorblat is flimflam and my stomach cramps after meals",
    ],
)
def test_the_http_answers_are_the_engines_json(client: TestClient, text: str) -> None:
    """Through HTTP too: the typed answer is the JSON ``as_dict()`` gave (docs/contract.md)."""
    from spasmcheck.reasoning.engine import default_engine
    from spasmcheck.reasoning.evidence import EvidenceSet
    from spasmcheck.reasoning.interview import Interviewer

    engine = default_engine()
    assessed = client.post("/v1/assess", json={"text": text, "age": 60})
    assert assessed.status_code == 200
    assert assessed.json() == engine.assess(text, 60).as_dict()
    step = Interviewer(engine).step(EvidenceSet(engine.parse(text)[1]), 60, None)
    expected = step.as_dict()
    expected["evidence"] = [e.as_dict() for e in step.evidence]
    interviewed = client.post("/v1/interview", json={"text": text, "age": 60})
    assert interviewed.json() == expected
