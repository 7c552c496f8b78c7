"""Issue 14 item 3: the interview asks what a clinician asks first, and skips what the text said.

After the emergency screen (which stays first), "where is it?" (the body map) and "about you"
(medicines, diabetes, kidney disease, pregnancy) come before the warning-sign screening, each
only when the text has not already answered one of its options.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pytest

from spasmcheck.reasoning.engine import Engine
from spasmcheck.reasoning.evidence import Evidence, EvidenceSet, Origin, Status
from spasmcheck.reasoning.interview import (
    FIRST_GROUPS,
    Answer,
    Interviewer,
    Question,
    answer_evidence,
    first_group,
    options_for,
)

MEMBERS = {"location": ["loc_calf", "loc_eyelid"], "about_you": ["hx_diabetes", "pregnant"]}
GROUPS = ("location", "about_you")


def known(*items: tuple[str, Status, Origin]) -> EvidenceSet:
    return EvidenceSet([Evidence(f, status, origin) for f, status, origin in items])


@pytest.mark.parametrize(
    ("evidence", "expected"),
    [
        (known(), "location"),
        # the text said where: straight to "about you"
        (known(("loc_eyelid", Status.PRESENT, Origin.TEXT)), "about_you"),
        # a denied place is an answer too
        (known(("loc_calf", Status.ABSENT, Origin.ANSWER)), "about_you"),
        # "don't know" to "about you" is not asked again
        (
            known(
                ("loc_calf", Status.PRESENT, Origin.TEXT),
                ("hx_diabetes", Status.UNKNOWN, Origin.ANSWER),
            ),
            None,
        ),
        (
            known(
                ("loc_calf", Status.PRESENT, Origin.TEXT),
                ("pregnant", Status.PRESENT, Origin.TEXT),
            ),
            None,
        ),
    ],
)
def test_first_group(evidence: EvidenceSet, expected: str | None) -> None:
    assert first_group(GROUPS, MEMBERS, evidence) == expected


@pytest.mark.parametrize(
    ("age", "sex", "offered"),
    [
        (30, "female", True),
        (None, None, True),  # unknown: offered, the person can leave it unticked
        (30, "male", False),
        (8, "female", False),
        (70, "female", False),
    ],
)
def test_pregnancy_is_offered_only_to_someone_who_could_be_pregnant(
    age: int | None, sex: str | None, offered: bool
) -> None:
    assert ("pregnant" in options_for(["hx_diabetes", "pregnant"], age, sex)) is offered
    assert "hx_diabetes" in options_for(["hx_diabetes", "pregnant"], age, sex)


def test_the_policy_asks_where_then_about_you_then_what_happened() -> None:
    assert FIRST_GROUPS == ("location", "about_you", "what_happened", "other_warning_signs")


Answerer = Callable[[Question], str | list[str]]


def walk(
    engine: Engine, text: str, age: int, sex: str, answer: Answerer, limit: int = 25
) -> list[Question]:
    interviewer = Interviewer(engine)
    _, from_text = engine.parse(text)
    evidence = EvidenceSet(from_text)
    asked: list[Question] = []
    for _ in range(limit):
        step = interviewer.step(evidence, age, sex)
        if step.should_stop or step.question is None:
            break
        asked.append(step.question)
        evidence = EvidenceSet([*evidence, *answer_evidence(step.question, answer(step.question))])
    return asked


def dont_know(question: Question) -> str | list[str]:
    return Answer.DONT_KNOW.value


def ids(questions: Sequence[Question]) -> list[str]:
    return [q.id for q in questions]


def test_my_left_eyelid_is_not_asked_where_or_which_side(engine: Engine) -> None:
    asked = ids(walk(engine, "my left eyelid keeps twitching", 35, "female", dont_know))
    assert asked[0] == "emergency_screen"
    assert asked[1] == "about_you"
    assert "one_sided" not in asked
    assert "location" not in asked


def test_stomach_cramps_get_the_belly_questions_not_a_string_of_unrelated_ones(
    engine: Engine,
) -> None:
    def person(question: Question) -> str | list[str]:
        if question.id == "location" and "loc_abdomen" in [o.finding_id for o in question.options]:
            return ["loc_abdomen"]
        return Answer.NONE.value if question.options else Answer.NO.value

    asked = walk(engine, "I keep getting stomach cramps", 30, "female", person)
    # "stomach" already names the place: the body map is not asked before the rest
    assert ids(asked[:2]) == ["emergency_screen", "about_you"]
    first_symptom = next(i for i, q in enumerate(asked) if i > 1 and not q.screening)
    safety = asked[2:first_symptom]
    # The belly's own warning signs (severe pain, pain moving to the right, fever, little
    # urine), and nothing else: without the body map's answer the other places stay open, so
    # up to five, where three were asked after "tummy" was picked on the map.
    assert len(safety) <= 5, ids(safety)
    # none of them about a stroke, weakness or a medicine already asked about
    unrelated = {"weakness", "weakness_one_side", "face_droop", "med_lithium", "med_statin"}
    assert not unrelated & set(ids(safety)), ids(safety)


def test_about_you_is_one_question_with_none_of_these(engine: Engine) -> None:
    asked = walk(engine, "my left eyelid keeps twitching", 35, "male", dont_know)
    about = next(q for q in asked if q.id == "about_you")
    options = [o.finding_id for o in about.options]
    assert "pregnant" not in options
    assert {"hx_diabetes", "hx_kidney_disease", "med_new_or_changed"} <= set(options)
    # "None of these" records every option shown as absent
    evidence = answer_evidence(about, Answer.NONE.value)
    assert {e.finding_id for e in evidence} == set(options)
    assert all(e.status is Status.ABSENT for e in evidence)


@pytest.mark.parametrize(
    ("text", "sign"),
    [
        # A stiff neck is what a clamped jaw (tetanus, a dystonia) comes with: the jaw is asked
        # although the ranking starts with a strained neck.
        ("my brother works in the fields and his neck is very stiff since yesterday", "locked_jaw"),
        # After an anti-sickness medicine, eyes locking upwards (acute dystonia) is asked.
        ("i started anti sickness tablets yesterday and feel jittery", "eyes_roll_up"),
    ],
)
def test_a_presentation_that_names_an_emergency_rule_gets_its_question(
    engine: Engine, text: str, sign: str
) -> None:
    def person(question: Question) -> str | list[str]:
        return Answer.NONE.value if question.options else Answer.DONT_KNOW.value

    asked = walk(engine, text, 42, "male", person)
    named = {q.id for q in asked} | {o.finding_id for q in asked for o in q.options}
    assert sign in named, ids(asked)
