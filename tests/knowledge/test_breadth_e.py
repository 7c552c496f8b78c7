"""Breadth batch e (issue 12, sixteenth session): bleeding on a blood thinner (including into a
muscle), a burst aortic aneurysm felt as back pain, a deep flesh infection (necrotising
fasciitis), a venomous fish sting, and the warning signs that come with them and with a sting
or an allergen.

Checks that each condition is present, billable-coded and cited beyond the estimation note,
that the new findings are read from lay words (and not from look-alikes), that the new rules
fire and stay quiet as the guidance they cite says, and that the cause that explains an
emergency is the one shown first.
"""

from __future__ import annotations

import pytest

from spasmcheck.knowledge.loader import KnowledgeBase
from spasmcheck.knowledge.schema import TriageLevel
from tests.knowledge.breadth_checks import (
    assert_explained_by,
    assert_fires,
    assert_quiet,
    findings_read,
)


def test_a_burst_aneurysm_is_placed_in_older_men(kb: KnowledgeBase) -> None:
    prior = kb.condition_by_id["ruptured_aaa"].prior

    def factor(age: int) -> float:
        return next((b.factor for b in prior.age if b.min_age <= age <= b.max_age), 1.0)

    assert factor(70) >= 100 * factor(30)
    assert prior.male > prior.female


def test_a_blood_thinner_still_reads_as_the_clot_history_it_used_to_be(
    kb: KnowledgeBase,
) -> None:
    """The anticoagulant's names moved from hx_blood_clot to on_anticoagulant, which implies
    the history and the clot risk: the calf rules read them as before."""
    implied = set(kb.finding_by_id["on_anticoagulant"].implies)
    assert implied == {"hx_blood_clot", "clot_risk"}
    read = findings_read("I take apixaban for my heart rhythm", age=70)
    assert {("on_anticoagulant", "present"), ("hx_blood_clot", "present")} <= read


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("she's on warfarin", "on_anticoagulant"),
        ("he takes eliquis", "on_anticoagulant"),
        ("my inr was high last week", "on_anticoagulant"),
        ("his nose has been bleeding for half an hour and won't stop", "bleeding_wont_stop"),
        ("we can't stop the bleeding", "bleeding_wont_stop"),
        ("there is blood everywhere", "bleeding_wont_stop"),
        ("her face is swelling up", "face_swelling"),
        ("tried to wake him and he mumbled and fell back asleep", "confusion"),
        ("the bite on my ankle is really sore", "bite_pain"),
        ("I trod on a stingray", "hx_venomous_fish_sting"),
        ("stood on a stonefish", "hx_stonefish_sting"),
    ],
)
def test_new_findings_are_read_from_lay_words(text: str, finding: str) -> None:
    assert (finding, "present") in findings_read(text)


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("the bleeding stopped after a few minutes", "bleeding_wont_stop"),
        ("my period won't come", "bleeding_wont_stop"),
        ("I bite my nails", "bite_pain"),
        ("I took a bite of toast", "bite_pain"),
        ("I woke him at six and he went back to sleep", "confusion"),
        ("heparin injections after my operation", "on_anticoagulant"),
        ("we had fish and chips", "hx_venomous_fish_sting"),
    ],
)
def test_look_alike_words_are_not_the_new_findings(text: str, finding: str) -> None:
    assert (finding, "present") not in findings_read(text)


@pytest.mark.parametrize(
    ("text", "age", "flag", "level"),
    [
        (
            "I cut my finger an hour ago and the bleeding won't stop",
            40,
            "bleeding_that_will_not_stop",
            TriageLevel.EMERGENCY,
        ),
        (
            "on rivaroxaban, tripped and banged my head on the door frame, I feel fine",
            78,
            "bleeding_or_head_injury_on_blood_thinner",
            TriageLevel.EMERGENCY,
        ),
        (
            "I take warfarin and there is blood in my pee today",
            70,
            "bleeding_or_head_injury_on_blood_thinner",
            TriageLevel.EMERGENCY,
        ),
        (
            "a wasp stung me on the hand and now I feel faint and my face is swelling",
            35,
            "body_reaction_after_sting_or_bite",
            TriageLevel.EMERGENCY_AMBULANCE,
        ),
        (
            "I'm allergic to peanuts, ate a cookie with nuts and now it's hard to swallow",
            19,
            "body_reaction_after_allergen",
            TriageLevel.EMERGENCY_AMBULANCE,
        ),
        (
            "sudden severe pain in my lower back, I feel faint and I'm sweating",
            68,
            "sudden_back_pain_with_faintness_over_50",
            TriageLevel.EMERGENCY_AMBULANCE,
        ),
    ],
)
def test_batch_e_red_flags_fire(text: str, age: int, flag: str, level: TriageLevel) -> None:
    assert_fires(text, age, flag, level)


@pytest.mark.parametrize(
    ("text", "age"),
    [
        # Small bleeds on warfarin are expected and stop (NHS, Side effects of warfarin).
        ("I'm on warfarin, my gums bleed a little when I brush, it stops straight away", 70),
        # A bee sting that stays local.
        ("stung by a bee on my arm, it is red and itchy, I feel fine otherwise", 30),
        # A known allergy with dizziness on standing is not a reaction to an exposure.
        ("I'm allergic to penicillin and feel dizzy when I stand up quickly", 45),
        # A weever fish sting eased by hot water, nothing else: a same-day wound check.
        ("stung by a weever fish, the pain eased in hot water, I feel fine otherwise", 40),
        # A sudden back spasm with faintness at 30 is not the aneurysm rule (min_age 50).
        ("my back suddenly went into a severe spasm and I felt faint for a moment", 30),
    ],
)
def test_batch_e_red_flags_stay_quiet(text: str, age: int) -> None:
    assert_quiet(text, age, "breadth_e")


@pytest.mark.parametrize(
    ("text", "age", "sex", "condition_id"),
    [
        (
            "on apixaban, since this morning my thigh has swollen up, very painful, with a big bruise",
            74,
            "female",
            "anticoagulant_bleeding",
        ),
        (
            "I'm 71 and smoke, sudden terrible pain in my back going into my tummy, grey and sweaty",
            71,
            "male",
            "ruptured_aaa",
        ),
    ],
)
def test_the_cause_shown_first_explains_the_emergency(
    text: str, age: int, sex: str, condition_id: str
) -> None:
    assert_explained_by(text, age, sex, condition_id)
