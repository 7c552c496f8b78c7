"""The interview step: safety first, information gain, stopping, answers."""

from __future__ import annotations

import pytest

from spasmcheck.reasoning.engine import Engine
from spasmcheck.reasoning.evidence import Evidence, EvidenceSet, Origin, Status
from spasmcheck.reasoning.interview import (
    Interviewer,
    Option,
    Question,
    QuestionKind,
    answer_evidence,
    questions_asked,
)


def test_affirmed_emergency_stops_at_once(tiny_engine: Engine) -> None:
    step = Interviewer(tiny_engine).step(EvidenceSet([Evidence("face_droop", Status.PRESENT, Origin.TEXT)]))
    assert step.should_stop and step.stop_reason == "emergency_sign"
    assert step.assessment.triage.level.is_emergency
    assert step.assessment.triage.do_now


def test_doubtful_emergency_sign_is_asked_first(tiny_engine: Engine) -> None:
    evidence = EvidenceSet([Evidence("face_droop", Status.UNKNOWN, Origin.TEXT, possible=True), Evidence("cramp", Status.PRESENT, Origin.TEXT)])
    step = Interviewer(tiny_engine).step(evidence)
    assert step.question is not None and step.question.id == "face_droop" and step.question.screening


def test_plausible_red_flag_is_screened_before_information_gain(tiny_engine: Engine) -> None:
    step = Interviewer(tiny_engine).step(EvidenceSet([Evidence("cramp", Status.PRESENT, Origin.TEXT)]))
    assert step.question is not None and step.question.screening
    assert step.question.id == "tingling_lips_fingers"


def test_known_findings_are_never_asked_again(tiny_engine: Engine) -> None:
    interviewer = Interviewer(tiny_engine)
    evidence = EvidenceSet([Evidence("cramp", Status.PRESENT, Origin.TEXT)])
    seen = set()
    for _ in range(10):
        step = interviewer.step(evidence)
        if step.should_stop:
            break
        assert step.question is not None and step.question.id not in seen
        seen.add(step.question.id)
        for item in answer_evidence(step.question, "dont_know"):
            evidence.add(item)
    assert step.should_stop


def test_dont_know_is_not_no(tiny_engine: Engine) -> None:
    q = Question("at_night", QuestionKind.YES_NO, "At night?", "why", False)
    (item,) = answer_evidence(q, "dont_know")
    assert item.status is Status.UNKNOWN
    model = tiny_engine.model
    assert model.posterior(["cramp"]) == pytest.approx(tiny_engine.posterior(EvidenceSet([Evidence("cramp", Status.PRESENT), item]), None, None))


def test_choice_answers() -> None:
    single = Question("episode_length", QuestionKind.SINGLE, "How long?", "why", False, (Option("a", "A"), Option("b", "B")))
    items = {e.finding_id: e.status for e in answer_evidence(single, ["a"])}
    assert items == {"a": Status.PRESENT, "b": Status.ABSENT}
    multiple = Question("location", QuestionKind.MULTIPLE, "Where?", "why", False, (Option("a", "A"), Option("b", "B")))
    items = {e.finding_id: e.status for e in answer_evidence(multiple, ["a"])}
    assert items == {"a": Status.PRESENT, "b": Status.UNKNOWN}
    assert {e.status for e in answer_evidence(multiple, "dont_know")} == {Status.UNKNOWN}
    assert questions_asked(answer_evidence(multiple, ["a"])) == 1
    with pytest.raises(ValueError):
        answer_evidence(single, ["a", "b"])
    with pytest.raises(ValueError):
        answer_evidence(multiple, ["zzz"])
    with pytest.raises(ValueError):
        answer_evidence(Question("x", QuestionKind.YES_NO, "X?", "why", False), "maybe")


def test_every_question_says_why(engine: Engine) -> None:
    _, items = engine.parse("my calves cramp at night")
    step = Interviewer(engine).step(EvidenceSet(items), 55, "female")
    assert step.question is not None and len(step.question.why) > 20


def test_question_cap(engine: Engine) -> None:
    interviewer = Interviewer(engine, max_questions=3)
    evidence = EvidenceSet(engine.parse("twitching")[1])
    for _ in range(10):
        step = interviewer.step(evidence)
        if step.should_stop:
            break
        assert step.question is not None
        for item in answer_evidence(step.question, "dont_know"):
            evidence.add(item)
    assert step.should_stop and step.questions_asked <= 3


def test_step_benchmark(benchmark, engine: Engine) -> None:  # type: ignore[no-untyped-def]
    evidence = EvidenceSet(engine.parse("cramps in my calves at night, no weakness")[1])
    interviewer = Interviewer(engine)
    interviewer.step(evidence, 60, "female")
    benchmark(interviewer.step, evidence, 60, "female")
