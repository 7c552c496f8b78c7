"""The typed public models give back exactly the engine's JSON, on every public vignette.

Each vignette is assessed in text mode, and every third one interviewed to the end with the
simulated patient; each :class:`AssessmentPublic`, and every step's
:class:`InterviewStepPublic` (its assessment included), must dump to the same JSON as
``as_dict()``, byte for byte once the keys are sorted. A key the engine adds, drops or
renames fails here until the models follow.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from spasmcheck.evaluation.vignettes import SimulatedPatient, Vignette, load_vignettes
from spasmcheck.reasoning.engine import Engine
from spasmcheck.reasoning.evidence import EvidenceSet
from spasmcheck.reasoning.interview import Interviewer, answer_evidence
from spasmcheck.reasoning.public import (
    SCHEMA_VERSION,
    AssessmentPublic,
    EvidencePublic,
    InterviewStepPublic,
    MentionPublic,
    StoredAssessment,
)

PUBLIC = Path(__file__).resolve().parents[2] / "vignettes" / "public.yaml"
VIGNETTES = load_vignettes(PUBLIC)


def canonical(value: object) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


@pytest.mark.parametrize("vignette", VIGNETTES, ids=lambda v: v.id)
def test_the_assessment_model_dumps_the_engines_json(engine: Engine, vignette: Vignette) -> None:
    text = "\n".join([vignette.text, *vignette.facts])
    assessment = engine.assess(text, vignette.age, vignette.sex)
    public = AssessmentPublic.of(assessment)
    assert canonical(public.model_dump(mode="json")) == canonical(assessment.as_dict())
    assert (
        public.model_dump_json()
        == AssessmentPublic.model_validate_json(public.model_dump_json()).model_dump_json()
    )


# Every third vignette is interviewed to the end: 60 interviews, 631 steps, every question kind
# and six stop reasons among them; all 178 cost 10 s more for the same shapes.
@pytest.mark.parametrize("vignette", VIGNETTES[::3], ids=lambda v: v.id)
def test_every_interview_step_dumps_the_engines_json(engine: Engine, vignette: Vignette) -> None:
    interviewer = Interviewer(engine)
    patient = SimulatedPatient(engine, vignette.facts)
    evidence = EvidenceSet(engine.parse(vignette.text)[1])
    while True:
        step = interviewer.step(evidence, vignette.age, vignette.sex)
        expected = step.as_dict()
        expected["evidence"] = [e.as_dict() for e in step.evidence]
        dumped = InterviewStepPublic.of(step).model_dump(mode="json")
        assert canonical(dumped) == canonical(expected)
        if step.should_stop or step.question is None:
            break
        for item in answer_evidence(step.question, patient.answer(step.question)):
            evidence.add(item)


def test_keys_written_only_when_set_stay_out() -> None:
    """``possible``, ``text``, ``question``, ``screening``, ``escalation`` of an evidence item
    and ``via``, ``similarity`` of a mention appear only when set, as the engine writes them."""
    bare = EvidencePublic.model_validate({"finding": "cramp", "status": "absent", "origin": "text"})
    assert bare.model_dump(mode="json") == {
        "finding": "cramp",
        "status": "absent",
        "origin": "text",
    }
    full = {
        "finding": "cramp",
        "status": "present",
        "origin": "answer",
        "possible": True,
        "text": "cramps",
        "question": "cramp",
        "screening": True,
        "escalation": True,
    }
    assert EvidencePublic.model_validate(full).model_dump(mode="json") == full
    mention = {"finding": "cramp", "polarity": "present", "span": [0, 5], "text": "cramp"}
    assert MentionPublic.model_validate({**mention, "trigger": None}).model_dump(mode="json") == {
        **mention,
        "trigger": None,
    }


def test_a_stored_assessment_carries_its_schema_version(engine: Engine) -> None:
    public = AssessmentPublic.of(engine.assess("my calves cramp at night", 60))
    stored = StoredAssessment.keep(public).model_dump(mode="json")
    assert stored["schema_version"] == SCHEMA_VERSION
    # Read back as the public result, the version is the storage's business, not the client's.
    assert AssessmentPublic.model_validate(stored).model_dump(mode="json") == public.model_dump(
        mode="json"
    )
