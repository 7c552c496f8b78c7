"""What happened in the last days or weeks (groups/groups.yaml, ``what_happened``): one choice
question after the body map and "about you" (policy/interview.yaml, ``first_groups``).

Its rule: every option is the setting of an emergency warning sign (in a rule's ``all_of``)
or an emergency warning sign on its own (a rule with only ``any_of``), so that ticking one
either ends the interview with the emergency or lets the rules that need it ask their signs.
"""

from __future__ import annotations

import pytest

from spasmcheck.knowledge.loader import KnowledgeBase
from spasmcheck.knowledge.policy import interview_policy
from spasmcheck.reasoning.engine import Engine
from spasmcheck.reasoning.evidence import Evidence, EvidenceSet, Origin, Status
from spasmcheck.reasoning.interview import Interviewer, Step, answer_evidence

GROUP = "what_happened"
SIGNS = "other_warning_signs"


def _members(kb: KnowledgeBase) -> list[str]:
    return [f.id for f in kb.findings if f.group == GROUP]


def test_every_option_is_the_setting_of_an_emergency_sign_or_one(kb: KnowledgeBase) -> None:
    settings = {f for r in kb.red_flags if r.level.is_emergency for f in r.all_of}
    alone = {f for r in kb.red_flags if r.level.is_emergency and not r.all_of for f in r.any_of}
    members = _members(kb)
    assert len(members) >= 10
    assert [f for f in members if f not in settings | alone] == []


def test_it_is_asked_after_the_body_map_and_about_you() -> None:
    policy = interview_policy()
    assert GROUP in policy.choice_groups and SIGNS in policy.choice_groups
    assert list(policy.first_groups.groups) == ["location", "about_you", GROUP, SIGNS]


def test_every_other_warning_sign_needs_the_emergency_department_alone(kb: KnowledgeBase) -> None:
    # on its own, at any age, and not already on the emergency screen
    alone = {
        f
        for r in kb.red_flags
        if r.level.is_emergency and not r.all_of and r.min_age is None and r.max_age is None
        for f in r.any_of
    }
    members = [f.id for f in kb.findings if f.group == SIGNS]
    assert len(members) >= 10
    assert [f for f in members if f not in alone] == []
    assert kb.screen is not None
    assert not set(members) & {o.finding for o in kb.screen.options}
    assert all(kb.finding_by_id[f].kind.value in ("symptom", "movement") for f in members)


def _walk(
    engine: Engine, text: str, answers: dict[str, list[str] | str], age: int, sex: str
) -> tuple[list[str], Step]:
    """Steps from ``text``, each question answered from ``answers`` (else "don't know")."""
    _, items = engine.parse(text)
    evidence = EvidenceSet(items)
    interviewer = Interviewer(engine)
    asked: list[str] = []
    step = interviewer.step(evidence, age, sex)
    while not step.should_stop and step.question is not None and len(asked) < 25:
        asked.append(step.question.id)
        for item in answer_evidence(step.question, answers.get(step.question.id, "dont_know")):
            evidence.add(item)
        step = interviewer.step(evidence, age, sex)
    return asked, step


@pytest.mark.parametrize(
    ("text", "answers", "rule"),
    [
        # "caught his hand on the saw" names the hand; the finger hanging by skin is listed.
        (
            "my workmate caught his hand on the saw",
            {GROUP: ["severed_body_part"]},
            "body_part_cut_off",
        ),
        # A shock alone is a same-day ECG; with tingling after it, the emergency department.
        (
            "my hand has been tingling since this afternoon",
            {GROUP: ["electric_shock"]},
            "electric_shock_with_symptoms",
        ),
        (
            "my back has been in spasm since yesterday",
            {GROUP: "none", SIGNS: ["saddle_numbness"]},
            "cauda_equina_signs",
        ),
    ],
)
def test_a_ticked_option_reaches_its_emergency_rule(
    engine: Engine, text: str, answers: dict[str, list[str] | str], rule: str
) -> None:
    asked, step = _walk(engine, text, {"emergency_screen": "none", **answers}, 40, "male")
    assert set(answers) <= set(asked)
    assert step.assessment.triage.level.is_emergency
    assert rule in {f.flag.id for f in step.assessment.triage.red_flags}


def _until(engine: Engine, evidence: EvidenceSet, age: int, sex: str) -> Step:
    """The first step that asks "what happened", every question before it denied."""
    interviewer = Interviewer(engine)
    step = interviewer.step(evidence, age, sex)
    while step.question is not None and step.question.id != GROUP:
        for item in answer_evidence(step.question, "none" if step.question.options else "no"):
            evidence.add(item)
        step = interviewer.step(evidence, age, sex)
    assert step.question is not None
    return step


def test_none_of_these_records_every_option_shown_as_absent(engine: Engine) -> None:
    evidence = EvidenceSet(engine.parse("cramp in my calf at night")[1])
    question = _until(engine, evidence, 40, "male").question
    assert question is not None
    shown = [o.finding_id for o in question.options]
    for item in answer_evidence(question, "none"):
        evidence.add(item)
    items = [evidence.get(f) for f in shown]
    assert all(item is not None and item.status is Status.ABSENT for item in items)


def test_a_recent_birth_is_offered_only_to_someone_who_could_have_given_birth(
    engine: Engine,
) -> None:
    for sex, offered in (("female", True), ("male", False)):
        evidence = EvidenceSet(
            [
                Evidence("cramp", Status.PRESENT, Origin.TEXT),
                Evidence("loc_calf", Status.PRESENT, Origin.TEXT),
                Evidence("pregnant", Status.ABSENT, Origin.TEXT),
            ]
        )
        step = _until(engine, evidence, 30, sex)
        assert step.question is not None
        assert ("recent_birth" in [o.finding_id for o in step.question.options]) is offered


def test_an_event_told_in_the_text_leaves_the_others_asked(engine: Engine) -> None:
    # "fell off my horse" is a fall; a knock to the head is still to be asked.
    asked, _ = _walk(
        engine,
        "fell off my horse yesterday and my ribs hurt",
        {"emergency_screen": "none"},
        30,
        "female",
    )
    assert asked.count(GROUP) == 1
    evidence = EvidenceSet(engine.parse("fell off my horse yesterday and my ribs hurt")[1])
    step = _until(engine, evidence, 30, "female")
    assert step.question is not None
    shown = [o.finding_id for o in step.question.options]
    assert "hx_head_injury" in shown
    assert not [f for f in shown if f in evidence]


def test_the_options_are_shown_in_the_policys_order(kb: KnowledgeBase, engine: Engine) -> None:
    order = interview_policy().option_order
    for group, listed in order.items():
        members = {f.id for f in kb.findings if f.group == group}
        assert set(listed) <= members, group
    evidence = EvidenceSet(engine.parse("cramp in my calf at night")[1])
    question = _until(engine, evidence, 30, "female").question
    assert question is not None
    assert [o.finding_id for o in question.options] == order[GROUP]
