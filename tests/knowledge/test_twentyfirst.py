"""The twenty-first session's knowledge (docs/knowledge-base.md, "Twenty-first session"): a leg
that cannot take weight, an injury told in everyday words, a swollen joint; the three rules
that join them from anywhere in the text (red_flags/twentyfirst.yaml); a sprain and an
infected joint as causes.

The rules' phrases both ways are in tests/reasoning/data/red_flag_phrases*.yaml and the
readings in tests/language/data/generalisation.yaml; here: the story told over two sentences,
the level each rule gives, and that the causes shown explain it.
"""

from __future__ import annotations

import pytest

from spasmcheck import assess
from spasmcheck.knowledge.loader import KnowledgeBase
from spasmcheck.knowledge.schema import TriageLevel
from tests.knowledge.breadth_checks import assert_explained_by, findings_read


def test_the_injury_and_the_leg_may_be_told_in_different_sentences() -> None:
    # The reading's concepts never join two sentences; the rule joins findings from anywhere.
    text = (
        "fell hard on the bathroom tiles this morning. hours later I cant put any weight on my leg"
    )
    result = assess(text, age=50, sex="female")
    assert "injury_cannot_bear_weight" in {f.flag.id for f in result.triage.red_flags}
    assert result.triage.level is TriageLevel.EMERGENCY


def test_a_leg_that_will_not_take_weight_without_an_injury_is_a_same_day_matter() -> None:
    result = assess("my knee suddenly wont take any weight today", age=45, sex="male")
    assert result.triage.level is TriageLevel.CONSULTATION_24


def test_weeks_of_it_are_not_a_same_day_matter() -> None:
    # cannot_bear_weight_new is silenced by a course of weeks or months (a GP matter)
    result = assess("for months I cant put weight on my foot first thing in the morning", age=50)
    assert "cannot_bear_weight_new" not in {f.flag.id for f in result.triage.red_flags}


def test_a_leg_that_cannot_take_weight_reads_as_a_severe_pain() -> None:
    # it implies severe_pain, as "can't walk on it" was read before the finding existed
    assert ("severe_pain", "present") in findings_read("I cant walk on it at all", age=30)


def test_a_sprain_that_takes_weight_is_self_care_and_shown_first() -> None:
    result = assess(
        "rolled my ankle on the kerb yesterday, its swollen and bruised but I can walk on it",
        age=30,
        sex="female",
    )
    assert result.triage.level is TriageLevel.SELF_CARE
    assert result.conditions[0].condition.id == "limb_sprain"


def test_a_sprain_is_not_raised_without_an_injury() -> None:
    # told_with_any: a sprain is told with the injury ("Untold exposures", docs/model.md)
    result = assess("my calf cramps at night", age=40)
    assert "limb_sprain" not in [c.condition.id for c in result.conditions[:5]]


@pytest.mark.parametrize(
    ("text", "age", "sex"),
    [
        ("my knee is swollen and hot, I have a fever and I cant put any weight on it", 70, "male"),
        (
            "my 3 year old has a high temperature and wont put weight on his leg, his knee is swollen",
            3,
            "male",
        ),
    ],
)
def test_a_hot_swollen_joint_with_a_fever_is_explained_by_an_infected_joint(
    text: str, age: int, sex: str
) -> None:
    assert_explained_by(text, age, sex, "septic_arthritis")


def test_the_new_causes_are_linked_to_the_new_findings(kb: KnowledgeBase) -> None:
    sprain = {link.id for link in kb.condition_by_id["limb_sprain"].findings}
    joint = {link.id for link in kb.condition_by_id["septic_arthritis"].findings}
    assert {"recent_injury", "cannot_bear_weight", "joint_swollen"} <= sprain
    assert {"fever", "cannot_bear_weight", "joint_swollen"} <= joint


def test_a_named_dementia_still_reads_as_memory_trouble() -> None:
    # hx_dementia took memory_problems' words for a diagnosis and implies that finding
    assert ("memory_problems", "present") in findings_read("grandad has alzheimer's", age=80)


def test_repeated_questions_in_a_known_dementia_are_not_an_emergency() -> None:
    result = assess("mum has dementia and keeps asking the same questions", age=84)
    assert not result.triage.level.is_emergency
