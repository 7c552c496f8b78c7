"""Breadth batch c (issue 12): fainting, postural dizziness, bleeding around the brain,
choking, breath-holding, intussusception, delirium, dream enactment, drunkenness, the stitch
and growing pains.

Checks that each condition of the batch is present, billable-coded and cited beyond the
estimation note, that its new findings are read from lay words (and not from look-alike
words), that its red flags fire and stay quiet as a clinician would expect, and that the
existing warning-sign rules still set the level (a faint still calls an ambulance).
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


@pytest.mark.parametrize(
    ("condition_id", "young", "old"),
    [
        ("breath_holding_spells", 2, 40),
        ("intussusception", 1, 40),
        ("growing_pains", 7, 40),
        ("rem_sleep_behaviour_disorder", 65, 20),
        ("delirium", 85, 30),
    ],
)
def test_age_bands_follow_the_epidemiology(
    kb: KnowledgeBase, condition_id: str, young: int, old: int
) -> None:
    """The first age is where the cited sources place the condition, the second where they
    do not: the prior must be at least ten times higher at the first."""
    prior = kb.condition_by_id[condition_id].prior

    def factor(age: int) -> float:
        return next((b.factor for b in prior.age if b.min_age <= age <= b.max_age), 1.0)

    assert factor(young) >= 10 * factor(old)


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("she felt hot and sick and then fainted", "faint_warning_signs"),
        ("he keeled over at the sight of blood", "trigger_blood_needles"),
        ("she came round within a minute and was back to herself", "quick_full_recovery"),
        ("when he is upset he holds his breath and goes blue", "holds_breath_when_crying"),
        ("her lips went blue", "turned_blue"),
        ("he screams every 15 minutes and pulls his legs up to his tummy", "screaming_bouts"),
        ("there is red jelly in her nappy", "blood_in_stool"),
        ("his diarrhoea has blood in it", "blood_in_stool"),
        ("she has been vomiting green", "green_vomit"),
        ("he was eating grapes and started choking", "inhaled_object"),
        ("my son swallowed a button battery", "inhaled_object"),
        ("grandma has been seeing people who are not there", "hallucinations"),
        ("the confusion comes and goes, lucid one minute", "confusion_fluctuates"),
        ("my husband punches and shouts in his sleep", "acts_out_dreams"),
        ("he acts out his dreams", "acts_out_dreams"),
        ("my friend is very drunk after a party", "drunk_now"),
        ("his legs ache at night but he is fine by morning", "fine_by_morning"),
        ("rubbing her legs helps", "relief_massage"),
    ],
)
def test_new_findings_are_read_from_lay_words(text: str, finding: str) -> None:
    assert (finding, "present") in findings_read(text)


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        # Look-alike words that must not be read as the new findings.
        ("my baby is fighting sleep every night", "acts_out_dreams"),
        ("my blood pressure tablets make me dizzy", "trigger_blood_needles"),
        ("I had two glasses of water today", "drunk_now"),
        ("I keep choking on food, it sticks in my chest", "inhaled_object"),
        ("my calf cramps are so bad I scream in pain every night", "screaming_bouts"),
        ("she didn't choke on anything", "inhaled_object"),
    ],
)
def test_look_alike_words_are_not_the_new_findings(text: str, finding: str) -> None:
    assert (finding, "present") not in findings_read(text)


@pytest.mark.parametrize(
    ("text", "age", "flag", "level"),
    [
        (
            "my 9 month old has screaming attacks every 20 minutes and has been sick twice",
            0,
            "baby_screaming_bouts_with_vomiting",
            TriageLevel.EMERGENCY,
        ),
        ("blood and mucus in her nappy", 1, "baby_blood_in_nappy", TriageLevel.EMERGENCY),
        ("my toddler is throwing up bile", 2, "child_green_vomit", TriageLevel.EMERGENCY),
        (
            "he choked on a sweet and now he is making a high pitched noise when he breathes",
            3,
            "choking_with_breathing_signs",
            TriageLevel.EMERGENCY_AMBULANCE,
        ),
        ("she swallowed a magnet", 4, "object_in_airway_or_swallowed", TriageLevel.EMERGENCY),
    ],
)
def test_batch_c_red_flags_fire(text: str, age: int, flag: str, level: TriageLevel) -> None:
    assert_fires(text, age, flag, level)


@pytest.mark.parametrize(
    ("text", "age"),
    [
        # An adult with blood in the stool is not a baby with intussusception.
        ("I noticed blood in my stool after constipation", 45),
        # Evening crying with no bouts of screaming, no vomiting and no blood.
        ("my baby cries every evening for hours, no vomiting and no blood in the nappy", 0),
        # A teenager who was sick once, not green.
        ("I was sick once after a night out, it was not green", 17),
    ],
)
def test_batch_c_red_flags_stay_quiet(text: str, age: int) -> None:
    assert_quiet(text, age, "breadth_c")


def test_an_uncomplicated_faint_is_a_gp_matter_unless_spasms_came_with_it() -> None:
    """NICE CG109: a faint with a trigger and a quick full recovery needs no emergency
    referral (faint_quick_recovery); with spasms it is still the seed's medical emergency.
    The ranking names the faint either way."""
    text = (
        "she fainted in church after standing a long time, felt hot and sick and then fainted, "
        "came round within a minute and is back to normal"
    )
    result = assess(text, age=15, sex="female")
    fired = {f.flag.id for f in result.triage.red_flags}
    assert "faint_quick_recovery" in fired and "loss_of_consciousness" not in fired
    assert result.triage.level.urgency <= TriageLevel.CONSULTATION_24.urgency
    likeliest = max(result.conditions, key=lambda c: c.probability)
    assert likeliest.condition.id == "vasovagal_syncope"
    with_spasms = assess(text + ", and her legs cramped as she went down", age=15, sex="female")
    assert "loss_of_consciousness" in {f.flag.id for f in with_spasms.triage.red_flags}
    assert with_spasms.triage.level is TriageLevel.EMERGENCY_AMBULANCE


@pytest.mark.parametrize(
    ("text", "age", "sex", "condition_id"),
    [
        (
            "sudden worst headache of my life while straining at the gym, then I vomited and my "
            "neck is stiff",
            48,
            "female",
            "subarachnoid_haemorrhage",
        ),
        (
            "my 2 year old was eating popcorn and started choking and coughing, now breathing fast",
            2,
            "male",
            "choking_foreign_body",
        ),
        (
            "my 18 month old cries, holds her breath, goes blue and floppy for a few seconds, "
            "then is fine",
            1,
            "female",
            "breath_holding_spells",
        ),
        (
            "our baby screams every 15 minutes pulling his legs up, pale and sleepy in between, "
            "vomiting",
            0,
            "male",
            "intussusception",
        ),
        (
            "dad is 86, has a chest infection and since yesterday is suddenly confused and seeing "
            "things",
            86,
            "male",
            "delirium",
        ),
        (
            "my husband is 68 and shouts, punches and kicks in his sleep as if acting out his "
            "dreams",
            68,
            "male",
            "rem_sleep_behaviour_disorder",
        ),
        (
            "when I stand up quickly I go dizzy and my vision goes dark for a few seconds",
            16,
            "female",
            "orthostatic_hypotension",
        ),
        (
            "my son is very drunk, vomiting and slurring his words",
            17,
            "male",
            "alcohol_intoxication",
        ),
        (
            "I get a stitch in my side when I run, it goes when I stop",
            25,
            "male",
            "exercise_stitch",
        ),
        (
            "my 6 year old has aching legs at night, both legs, fine by morning, rubbing helps",
            6,
            "female",
            "growing_pains",
        ),
    ],
)
def test_classic_presentations_rank_the_cause_in_the_top_three(
    text: str, age: int, sex: str, condition_id: str
) -> None:
    ranked = sorted(assess(text, age=age, sex=sex).conditions, key=lambda c: -c.probability)
    assert condition_id in [c.condition.id for c in ranked[:3]]
