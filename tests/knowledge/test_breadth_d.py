"""Breadth batch d (issue 12): a stuck hernia (and the everyday hernia beside it), a racing
heart (SVT), cardiac arrest in the young, heavy periods with anaemia, a child's wry neck,
hemiballismus and focal motor seizures.

Checks that each condition of the batch is present, billable-coded and cited beyond the
estimation note, that its new findings are read from lay words (and not from look-alike
words), that its red flags fire and stay quiet as a clinician would expect, and that the
existing warning-sign rules still set the level (a collapse still calls an ambulance).
"""

from __future__ import annotations

import pytest

from spasmcheck import assess
from spasmcheck.knowledge.loader import KnowledgeBase
from spasmcheck.knowledge.schema import TriageLevel
from tests.knowledge.breadth_checks import (
    assert_fires,
    assert_quiet,
    findings_read,
)


def test_heavy_periods_are_impossible_for_men_and_young_children(kb: KnowledgeBase) -> None:
    prior = kb.condition_by_id["heavy_periods_anaemia"].prior
    assert prior.male == 0
    assert next(b.factor for b in prior.age if b.min_age <= 5 <= b.max_age) == 0


def test_the_wry_neck_condition_is_the_childs(kb: KnowledgeBase) -> None:
    """An adult's wry neck is neck strain (self-care, NICE CKS); the same-day condition is
    placed in childhood, and neck strain itself explains 'cannot turn the head'."""
    prior = kb.condition_by_id["acute_torticollis_child"].prior

    def factor(age: int) -> float:
        return next((b.factor for b in prior.age if b.min_age <= age <= b.max_age), 1.0)

    assert factor(7) >= 10 * factor(40)
    strain = kb.condition_by_id["neck_strain_spasm"]
    assert any(link.id == "cannot_turn_head" and link.p >= 0.3 for link in strain.findings)


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("I have a lump in my groin", "hernia_lump"),
        ("his belly button hernia", "hernia_lump"),
        ("my hernia has gone hard and won't go back in", "hernia_stuck"),
        ("the bulge in her groin will not go back in", "hernia_stuck"),
        ("my heart suddenly started racing out of nowhere", "racing_heart_sudden"),
        ("she is unresponsive and only gasping", "not_breathing_normally"),
        ("I soak through a pad every hour", "soaking_pad_hourly"),
        ("passing huge clots", "soaking_pad_hourly"),
        ("he can't turn his head", "cannot_turn_head"),
        ("her right arm and leg are flinging about wildly", "flinging_one_side"),
        ("his left hand keeps jerking rhythmically", "one_side_jerking_awake"),
    ],
)
def test_new_findings_are_read_from_lay_words(text: str, finding: str) -> None:
    assert (finding, "present") in findings_read(text)


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        # Look-alike words that must not be read as the new findings.
        ("a lump of bread gets stuck in my throat", "hernia_stuck"),
        ("my left hand has been twitching for two days", "one_side_jerking_awake"),
        ("my arm jerks when I wake up in the morning", "one_side_jerking_awake"),
        ("my heart races when I am anxious", "racing_heart_sudden"),
        ("I gasped when the cramp hit", "not_breathing_normally"),
        ("my periods are heavy", "soaking_pad_hourly"),
        ("my neck is stiff after the gym", "cannot_turn_head"),
    ],
)
def test_look_alike_words_are_not_the_new_findings(text: str, finding: str) -> None:
    assert (finding, "present") not in findings_read(text)


@pytest.mark.parametrize(
    ("text", "age", "flag", "level"),
    [
        (
            "my hernia is hard and painful and won't go back",
            60,
            "hernia_stuck_flag",
            TriageLevel.EMERGENCY,
        ),
        (
            "he collapsed during sport and is unresponsive and gasping",
            17,
            "collapse_not_breathing_normally",
            TriageLevel.EMERGENCY_AMBULANCE,
        ),
        (
            "my right arm keeps jerking rhythmically and it has been going on for minutes",
            58,
            "one_side_jerking_ongoing",
            TriageLevel.EMERGENCY_AMBULANCE,
        ),
        (
            "since yesterday mum's left arm and leg are flinging about wildly",
            80,
            "flinging_one_side_new",
            TriageLevel.EMERGENCY,
        ),
        (
            "I soak through a pad every hour and feel dizzy",
            15,
            "heavy_bleeding_with_faintness",
            TriageLevel.CONSULTATION_24,
        ),
        ("my 5 year old can't turn his head", 5, "child_wry_neck", TriageLevel.CONSULTATION_24),
    ],
)
def test_batch_d_red_flags_fire(text: str, age: int, flag: str, level: TriageLevel) -> None:
    assert_fires(text, age, flag, level)


@pytest.mark.parametrize(
    ("text", "age"),
    [
        # A hernia that goes back in and does not hurt is a GP matter.
        ("I have a small hernia in my groin that goes back in when I lie down", 50),
        # An adult with a stiff neck after sleeping awkwardly.
        ("woke up with a stiff neck, I can't turn my head to the left", 30),
        # A brief racing heart that stopped by itself.
        ("my heart suddenly raced for a minute and then stopped by itself", 20),
        # A twitching eyelid for days.
        ("my left eyelid has been twitching for days", 35),
    ],
)
def test_batch_d_red_flags_stay_quiet(text: str, age: int) -> None:
    assert_quiet(text, age, "breadth_d")


def test_an_uncomplicated_hernia_is_not_read_as_the_stuck_one() -> None:
    result = assess(
        "I have a hernia in my groin that goes back in when I lie down", age=50, sex="male"
    )
    ranked = sorted(result.conditions, key=lambda c: -c.probability)
    assert ranked[0].condition.id == "reducible_hernia"
    assert not result.triage.level.is_emergency


def test_a_collapse_during_sport_still_calls_an_ambulance() -> None:
    result = assess("my son collapsed while running a race", age=16, sex="male")
    assert result.triage.level is TriageLevel.EMERGENCY_AMBULANCE


@pytest.mark.parametrize(
    ("text", "age", "sex", "condition_id"),
    [
        (
            "my groin hernia has gone hard and painful and I cannot push it back in, I have been sick",
            70,
            "male",
            "incarcerated_hernia",
        ),
        (
            "my heart suddenly started racing out of nowhere, pounding, and stopped suddenly after 10 minutes",
            22,
            "female",
            "supraventricular_tachycardia",
        ),
        (
            "my periods are very heavy, I soak through a pad every hour with big clots and I feel exhausted and dizzy",
            15,
            "female",
            "heavy_periods_anaemia",
        ),
        (
            "my 6 year old had a cold last week and now he can't turn his head, it is tilted and sore",
            6,
            "male",
            "acute_torticollis_child",
        ),
        (
            "my 80 year old mum has diabetes and her right arm and leg are flinging about wildly",
            80,
            "female",
            "hemiballismus",
        ),
        (
            "my left arm keeps jerking rhythmically again and again, I am awake and can talk",
            55,
            "male",
            "focal_motor_seizure",
        ),
        (
            "he collapsed during football, jerked for a few seconds and is unresponsive and gasping",
            16,
            "male",
            "sudden_cardiac_arrest",
        ),
    ],
)
def test_classic_presentations_rank_the_cause_in_the_top_three(
    text: str, age: int, sex: str, condition_id: str
) -> None:
    ranked = sorted(assess(text, age=age, sex=sex).conditions, key=lambda c: -c.probability)
    assert condition_id in [c.condition.id for c in ranked[:3]]
