""" "Why are you asking this?" reads like a clinician wrote it (issue 14 item 5).

Names keep their capitals inside a sentence ("irritable bowel syndrome (IBS)", never
"(ibs)"); a reason names only causes still in the running (at least 5 % likely) that the
answer clearly moves; a choice question is not explained with "a yes".
"""

from __future__ import annotations

import pytest

from spasmcheck.reasoning.engine import Engine, default_engine
from spasmcheck.reasoning.evidence import EvidenceSet
from spasmcheck.reasoning.interview import (
    WHY_MIN_PROBABILITY,
    Interviewer,
    QuestionKind,
    answer_evidence,
    lower_first,
)


@pytest.mark.parametrize(
    ("name", "in_a_sentence"),
    [
        ("Irritable bowel syndrome (IBS)", "irritable bowel syndrome (IBS)"),
        ("Low vitamin D", "low vitamin D"),
        ("IBS", "IBS"),
        ("MDMA (ecstasy) toxicity", "MDMA (ecstasy) toxicity"),
        ("B12 deficiency", "B12 deficiency"),
        ("Night-time leg cramps", "night-time leg cramps"),
        ("", ""),
    ],
)
def test_lower_first_keeps_acronyms(name: str, in_a_sentence: str) -> None:
    assert lower_first(name) == in_a_sentence


@pytest.fixture(scope="module")
def engine() -> Engine:
    return default_engine()


@pytest.mark.parametrize(
    "text",
    [
        "my eyelid keeps twitching",
        "stomach cramps and bloating after meals",
        "painful cramps low in my belly",
        "calf cramps at night",
        "my legs feel weak and I get cramps",
    ],
)
def test_every_reason_names_likely_causes_in_their_own_spelling(engine: Engine, text: str) -> None:
    interviewer = Interviewer(engine)
    names = {c.id: c.name for c in engine.kb.conditions}
    evidence = EvidenceSet(engine.parse(text)[1])
    for _ in range(12):
        step = interviewer.step(evidence)
        question = step.question
        if question is None or step.should_stop:
            break
        why = question.why
        assert why and why[0].isupper() and why.endswith("."), why
        for name in names.values():
            if name.lower() in why.lower():  # named: with its capitals, not lower-cased
                assert lower_first(name) in why or name in why, (name, why)
        ranked = step.assessment.as_dict()["conditions"]
        probability = {c["id"]: c["probability"] for c in ranked}
        for condition in question.separates:
            assert probability[condition] >= WHY_MIN_PROBABILITY, (condition, why)
        if question.kind is not QuestionKind.YES_NO:
            assert "A yes" not in why, why
        if question.kind is QuestionKind.YES_NO:
            response: str | list[str] = "no"
        elif question.kind is QuestionKind.MULTIPLE:
            response = "none"
        else:
            response = [question.options[0].finding_id]
        for item in answer_evidence(question, response):
            evidence.add(item)
