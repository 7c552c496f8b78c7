"""The emergency screen asks about a serious accident, a bone that may be broken, bleeding that
will not stop (NHS "When to call 999", 2023; NICE NG39 and NG38, 2016) and an overdose (NHS
"Overdose"): a person knows they were run over even when the words they typed first are not
read."""

from __future__ import annotations

import pytest

from spasmcheck.knowledge.schema import TriageLevel
from spasmcheck.reasoning.engine import Engine
from spasmcheck.reasoning.evidence import EvidenceSet
from spasmcheck.reasoning.interview import Interviewer, answer_evidence

INJURIES = ["serious_injury", "suspected_fracture", "bleeding_wont_stop"]
LAST = [*INJURIES, "overdose_taken"]
# Told in words the reader does not take as an injury, so the screen still lists them.
UNREAD = "the quad tipped on the slope and she is lying in the field"


def first_step(engine: Engine, text: str) -> tuple[Interviewer, EvidenceSet]:
    _, items = engine.parse(text)
    return Interviewer(engine), EvidenceSet(items)


@pytest.mark.parametrize("finding", LAST)
def test_ticking_an_injury_ends_the_interview_at_an_emergency(engine: Engine, finding: str) -> None:
    interviewer, evidence = first_step(engine, UNREAD)
    screen = interviewer.step(evidence, 70, "female").question
    assert screen is not None and screen.id == "emergency_screen"
    assert finding in [o.finding_id for o in screen.options]
    for item in answer_evidence(screen, [finding]):
        evidence.add(item)
    step = interviewer.step(evidence, 70, "female")
    assert step.should_stop and step.stop_reason == "emergency_sign"
    assert step.assessment.triage.level.is_emergency


def test_the_injuries_come_after_the_signs_that_call_an_ambulance(engine: Engine) -> None:
    interviewer, evidence = first_step(engine, "my calves cramp at night")
    screen = interviewer.step(evidence, 60, "male").question
    assert screen is not None
    shown = [o.finding_id for o in screen.options]
    assert shown[-4:] == LAST
    levels = {r.id: r.level for r in engine.kb.red_flags}
    assert levels["serious_injury_flag"] is TriageLevel.EMERGENCY


def test_none_of_these_denies_the_injuries_and_a_calm_cramp_stays_calm(engine: Engine) -> None:
    interviewer, evidence = first_step(engine, "my calves cramp at night")
    screen = interviewer.step(evidence, 60, "male").question
    assert screen is not None
    for item in answer_evidence(screen, "none"):
        evidence.add(item)
    for finding in LAST:
        denied = evidence.get(finding)
        assert denied is not None and denied.status.value == "absent"
    step = interviewer.step(evidence, 60, "male")
    assert not step.assessment.triage.level.is_emergency


def test_an_injury_the_text_already_told_is_not_asked_again(engine: Engine) -> None:
    interviewer, evidence = first_step(engine, "i think i broke my wrist")
    step = interviewer.step(evidence, 30, "male")
    # already the emergency department; the screen still asks for the ambulance signs
    assert step.assessment.triage.level is TriageLevel.EMERGENCY
    assert step.question is not None and step.question.id == "emergency_screen"
    shown = [o.finding_id for o in step.question.options]
    assert "suspected_fracture" not in shown and "face_droop" in shown
    interviewer, evidence = first_step(engine, "cramp in my calf, the bleeding has stopped")
    screen = interviewer.step(evidence, 30, "male").question
    assert screen is not None
    assert "bleeding_wont_stop" not in [o.finding_id for o in screen.options]
