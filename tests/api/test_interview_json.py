"""``POST /v1/interview`` writes its JSON straight from the engine's ``as_dict()`` (issue 16:
building the public model and having FastAPI validate and dump it again was a third of the
route's own cost). These tests hold it to the same bytes as the model would give, on whole
interviews, so that the shortcut can never send a shape the OpenAPI document does not say."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from spasmcheck.api.routes.engine import step_json
from spasmcheck.reasoning.engine import Engine
from spasmcheck.reasoning.evidence import EvidenceSet
from spasmcheck.reasoning.interview import Interviewer, answer_evidence
from spasmcheck.reasoning.public import InterviewStepPublic
from tests.api.conftest import answer_request

OPENINGS: list[dict[str, Any]] = [
    {"text": "my calf cramps at night after running", "age": 45, "sex": "male"},
    {"text": "my eyelid keeps twitching, not sure if my face drooped", "age": 30},
    {"text": "sudden weakness in my arm and my speech is slurred", "age": 70, "sex": "female"},
    {"age": 50},
]


def reply(question: dict[str, Any], number: int) -> Any:
    """An answer that walks on: "none" to the emergency screen, then varied answers."""
    if question["kind"] == "yes_no":
        return ("no", "yes", "dont_know")[number % 3]
    if question["screening"]:
        return "none"
    return [question["options"][number % len(question["options"])]["id"]]


@pytest.mark.parametrize("opening", OPENINGS, ids=lambda o: str(o.get("text", "no text"))[:20])
def test_each_answer_is_the_public_models_json(client: TestClient, opening: dict[str, Any]) -> None:
    request: dict[str, Any] = dict(opening)
    for number in range(20):
        response = client.post("/v1/interview", json=request)
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == "application/json"
        model = InterviewStepPublic.model_validate_json(response.content)
        # the model keeps no key it does not declare: a key as_dict() added would be lost here
        assert model.model_dump_json().encode() == response.content
        step = response.json()
        if step["should_stop"]:
            return
        person: dict[str, Any] = {k: opening[k] for k in ("age", "sex") if k in opening}
        request = answer_request(step, reply(step["question"], number), person)
    pytest.fail("the interview did not stop within 20 steps")


def test_step_json_is_the_bytes_of_the_model(engine: Engine) -> None:
    """In process: every step of a walked interview, the shortcut against the model."""
    interviewer = Interviewer(engine)
    for opening in OPENINGS:
        evidence = EvidenceSet(engine.parse(str(opening.get("text", "")))[1])
        for number in range(20):
            step = interviewer.step(evidence, opening.get("age"), opening.get("sex"))
            assert step_json(step) == InterviewStepPublic.of(step).model_dump_json().encode()
            if step.should_stop or step.question is None:
                break
            question = step.question.as_dict()
            for item in answer_evidence(step.question, reply(question, number)):
                evidence.add(item)
