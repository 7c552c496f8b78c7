"""``POST /v1/interview`` writes its JSON itself (issue 16: building the public model and having
FastAPI validate and dump it again was a third of the route's own cost), from fragments
encoded once per knowledge base (``spasmcheck.api.answer_json``). These tests hold it to the
same bytes as the model would give and as ``to_json`` of the engine's ``as_dict()``, on whole
interviews, so that the shortcut can never send a shape the OpenAPI document does not say."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic_core import to_json

from spasmcheck.api.answer_json import AnswerJson, answer_json, step_json
from spasmcheck.reasoning.engine import Engine, EvidenceNote
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
            written = step_json(step, engine)
            assert written == InterviewStepPublic.of(step).model_dump_json().encode()
            data = step.as_dict()
            data["evidence"] = [e.as_dict() for e in step.evidence]
            assert written == to_json(data)
            if step.should_stop or step.question is None:
                break
            question = step.question.as_dict()
            for item in answer_evidence(step.question, reply(question, number)):
                evidence.add(item)


def walked_steps(engine: Engine) -> list[Any]:
    """Every step of the walked interviews (the openings above, the replies above)."""
    interviewer = Interviewer(engine)
    steps = []
    for opening in OPENINGS:
        evidence = EvidenceSet(engine.parse(str(opening.get("text", "")))[1])
        for number in range(20):
            step = interviewer.step(evidence, opening.get("age"), opening.get("sex"))
            steps.append(step)
            if step.should_stop or step.question is None:
                break
            for item in answer_evidence(step.question, reply(step.question.as_dict(), number)):
                evidence.add(item)
    return steps


def test_fragments_are_the_engines_own(engine: Engine) -> None:
    """One writer per engine, made on first use."""
    assert answer_json(engine) is answer_json(engine)


def test_a_note_encodes_its_own_dict_and_sentence() -> None:
    note = EvidenceNote("calf_pain", 'Calf pain "sharp" ✓', True, 2.345678)
    assert note.json == to_json(note.as_dict())
    assert note.sentence_json == to_json(note.describe())


def test_what_is_not_the_engines_is_written_from_its_dict(engine: Engine) -> None:
    """A cause that is not the engine's own object (another knowledge base's, or a copy), and
    an assessment whose closing texts are not the engine's, are written from ``as_dict()``:
    the fragments never stand in for something they were not encoded from."""
    writer = AnswerJson(engine)
    step = next(s for s in walked_steps(engine) if s.assessment.conditions)
    ranked = step.assessment.conditions[0]
    renamed = ranked.condition.model_copy(update={"name": "Another name"})
    other = replace(ranked, condition=renamed)
    assert writer.condition(other) == to_json(other.as_dict())
    assert b"Another name" in writer.condition(other)
    changed = replace(step.assessment, disclaimer="Another disclaimer.")
    findings = to_json([e.as_dict() for e in changed.evidence])
    assert writer.assessment(changed, findings) == to_json(changed.as_dict())
    assert writer.assessment(step.assessment, findings) == to_json(step.assessment.as_dict())


def test_every_probability_is_written_as_the_dict_would_be(engine: Engine) -> None:
    """A cause's probability at every value it can take (four decimals) and both values of
    ``explains_level``: the same bytes as the cause's dict."""
    writer = AnswerJson(engine)
    step = next(s for s in walked_steps(engine) if s.assessment.conditions)
    ranked = step.assessment.conditions[0]
    for k in range(10_001):
        shown = replace(ranked, probability=k / 10_000, explains_level=k % 2 == 0)
        assert writer.condition(shown) == to_json(shown.as_dict())
