"""The stateless engine routes: contracts, the interview round trip, and JSON errors."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from spasmcheck.config import Settings
from spasmcheck.server import create_app
from tests.api.conftest import answer_request


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    db = Path(tmp_path_factory.mktemp("engine-api")) / "db.sqlite3"
    app = create_app(
        Settings(environment="test", database_url=f"sqlite:///{db}", engine_rate_limit=0)
    )
    with TestClient(app) as client:
        yield client


def error_of(response: Any) -> dict[str, str]:
    body = response.json()
    assert set(body) == {"error"}, body
    assert body["error"]["code"] and body["error"]["message"]
    return body["error"]  # type: ignore[no-any-return]


def test_openapi_lists_the_routes(api: TestClient) -> None:
    paths = api.get("/openapi.json").json()["paths"]
    for path in (
        "/v1/parse",
        "/v1/assess",
        "/v1/interview",
        "/v1/triage",
        "/v1/explain",
        "/v1/conditions",
        "/v1/conditions/{condition_id}",
        "/v1/findings",
        "/v1/info",
    ):
        assert path in paths, path


def test_parse(api: TestClient) -> None:
    body = api.post("/v1/parse", json={"text": "calf cramps but no weakness"}).json()
    found = {(m["finding"], m["polarity"]) for m in body["mentions"]}
    assert {("cramp", "present"), ("weakness", "absent")} <= found


def test_assess_is_the_spec_object(api: TestClient) -> None:
    body = api.post(
        "/v1/assess", json={"text": "my face is drooping and my speech is slurred", "age": 70}
    ).json()
    assert body["triage"]["level"] == "emergency_ambulance"
    assert body["triage"]["do_now"]
    assert body["conditions"][0]["icd10"]


def test_interview_round_trip_to_a_result(api: TestClient) -> None:
    request: dict[str, Any] = {"text": "my eyelid keeps twitching", "age": 30, "sex": "female"}
    for _ in range(30):
        step = api.post("/v1/interview", json=request).json()
        if step["should_stop"]:
            break
        question = step["question"]
        assert question["why"]
        # None of the warning signs; "don't know" to the rest
        response: Any = "none" if question["id"] == "emergency_screen" else "dont_know"
        request = answer_request(step, response, {"age": 30, "sex": "female"})
    assert step["should_stop"]
    assert step["result"]["conditions"][0]["id"] == "eyelid_myokymia"


def test_the_emergency_screen_comes_first(api: TestClient) -> None:
    first = api.post(
        "/v1/interview", json={"text": "my calves cramp at night, no chest pain"}
    ).json()
    screen = first["question"]
    assert screen["id"] == "emergency_screen" and screen["kind"] == "multiple"
    assert screen["screening"] and screen["answers"] == ["none", "dont_know"]
    options = [o["id"] for o in screen["options"]]
    assert "trouble_breathing" in options and "chest_pain" not in options  # the text denied it

    def answer(response: Any) -> dict[str, Any]:
        body = {
            "evidence": first["evidence"],
            "answer": {
                "question_id": screen["id"],
                "kind": "multiple",
                "options": options,
                "screening": True,
                "response": response,
            },
        }
        result: dict[str, Any] = api.post("/v1/interview", json=body).json()
        return result

    ticked = answer(["seizure"])
    assert ticked["should_stop"] and ticked["stop_reason"] == "emergency_sign"
    assert ticked["result"]["triage"]["level"] == "emergency_ambulance"
    none = answer("none")
    assert not none["should_stop"] and none["question"]["id"] != "emergency_screen"
    statuses = {e["finding"]: e["status"] for e in none["evidence"]}
    assert all(statuses[o] == "absent" for o in options)
    # a client that forgets the screening flag: the screen's answers are still safety answers
    body = {
        "evidence": first["evidence"],
        "answer": {
            "question_id": "emergency_screen",
            "kind": "multiple",
            "options": options,
            "response": "none",
        },
    }
    unflagged = api.post("/v1/interview", json=body).json()
    assert all(e.get("screening") for e in unflagged["evidence"] if e["finding"] in options)


def test_emergency_sign_stops_the_interview(api: TestClient) -> None:
    step = api.post("/v1/interview", json={"text": "twitching and I can't breathe properly"}).json()
    assert step["should_stop"] and step["stop_reason"] == "emergency_sign"
    assert step["result"]["triage"]["level"] == "emergency_ambulance"


def test_triage_and_explain(api: TestClient) -> None:
    evidence = [
        {"finding": "calf_swelling", "status": "present"},
        {"finding": "calf_warm_red", "status": "present"},
        {"finding": "cramp", "status": "present"},
    ]
    triage = api.post("/v1/triage", json={"evidence": evidence}).json()
    assert triage["level"] == "emergency" and triage["do_now"]  # two Wells points (NICE NG158)
    one_sign = api.post("/v1/triage", json={"evidence": [evidence[0], evidence[2]]}).json()
    assert one_sign["level"] == "consultation_24"
    explained = api.post(
        "/v1/explain", json={"condition": "deep_vein_thrombosis", "evidence": evidence}
    ).json()
    assert {item["finding"] for item in explained["evidence_for"][:2]} == {
        "calf_swelling",
        "calf_warm_red",
    }
    assert any(item["finding"] == "hx_immobility" for item in explained["not_yet_asked"])


def test_conditions_findings_info(api: TestClient) -> None:
    conditions = api.get("/v1/conditions").json()
    assert len(conditions) >= 70 and all(c["icd10"] and c["sources"] for c in conditions)
    one = api.get("/v1/conditions/hypomagnesemia").json()
    assert one["icd10"] == ["E83.42"] or "E83.42" in one["icd10"]
    found = api.get("/v1/findings", params={"q": "calf", "kind": "location"}).json()
    assert any(item["id"] == "loc_calf" for item in found["items"])
    info = api.get("/v1/info").json()
    assert info["conditions"] == len(conditions)


@pytest.mark.parametrize(
    ("method", "path", "payload", "status"),
    [
        ("post", "/v1/parse", {"text": ""}, 422),
        ("post", "/v1/parse", {"text": "x" * 6000}, 422),
        ("post", "/v1/parse", {"text": "cramps", "extra": 1}, 422),
        ("post", "/v1/assess", {"text": "cramps", "age": 300}, 422),
        ("post", "/v1/assess", {"text": "cramps", "sex": "other"}, 422),
        ("post", "/v1/assess", {"text": "   "}, 422),
        ("post", "/v1/triage", {"text": ""}, 422),
        ("post", "/v1/triage", {"text": "   ", "evidence": []}, 422),
        ("post", "/v1/triage", {}, 422),
        (
            "post",
            "/v1/interview",
            {"evidence": [{"finding": "no_such_thing", "status": "present"}]},
            422,
        ),
        ("post", "/v1/interview", {"evidence": [{"finding": "cramp", "status": "maybe"}]}, 422),
        (
            "post",
            "/v1/interview",
            {"answer": {"question_id": "cramp", "kind": "yes_no", "response": "perhaps"}},
            422,
        ),
        (
            "post",
            "/v1/interview",
            {
                "answer": {
                    "question_id": "location",
                    "kind": "single",
                    "options": ["loc_calf"],
                    "response": ["loc_foot"],
                }
            },
            422,
        ),
        (
            "post",
            "/v1/interview",
            {"answer": {"question_id": "fainting", "kind": "yes_no", "response": "none"}},
            422,
        ),
        ("post", "/v1/explain", {"condition": "no_such_condition"}, 404),
        ("get", "/v1/conditions/nothing", None, 404),
        ("get", "/v1/findings?limit=100000", None, 422),
        ("get", "/v1/nowhere", None, 404),
        ("delete", "/v1/parse", None, 405),
    ],
)
def test_bad_input_is_a_json_4xx(
    api: TestClient, method: str, path: str, payload: Any, status: int
) -> None:
    response = (
        getattr(api, method)(path, json=payload)
        if payload is not None
        else getattr(api, method)(path)
    )
    assert response.status_code == status, response.text
    error_of(response)


def test_malformed_json_and_oversized_body(api: TestClient) -> None:
    response = api.post(
        "/v1/parse", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert response.status_code == 422
    assert error_of(response)["message"] == "the request body is not valid JSON"
    response = api.post(
        "/v1/parse",
        content=b'{"text": "' + b"a" * 70_000 + b'"}',
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 413
    assert error_of(response)["code"] == "payload_too_large"


def test_production_refuses_the_default_secret() -> None:
    from spasmcheck.config import SettingsError

    with pytest.raises(SettingsError, match="SECRET_KEY"):
        Settings(environment="production")
    Settings(environment="production", secret_key="x" * 40, public_url="https://example.org")
