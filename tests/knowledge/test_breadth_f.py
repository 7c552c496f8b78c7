"""Breadth batch f (issue 12, seventeenth session): a finger or other part cut off or a deep cut,
poisoning by wild mushrooms or plants, an infection around the eye, and heat rash (the calm
look-alike of a rash); with them the reading of a suspect can, a fall from a ladder, a long lie
and the commonest lay words of a few standard warning signs.

Checks that each condition is present, billable-coded and cited beyond the estimation note,
that the new findings are read from lay words (and not from look-alikes), that the new rules
fire and stay quiet as the guidance they cite says, and that the cause that explains an
emergency is the one shown first.
"""

from __future__ import annotations

import pytest

from spasmcheck import assess
from spasmcheck.knowledge.schema import TriageLevel
from tests.knowledge.breadth_checks import (
    assert_explained_by,
    assert_fires,
    assert_quiet,
    findings_read,
)


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("put my hand into the saw and half a finger is off", "severed_body_part"),
        ("the blade took the tips off two fingers", "severed_body_part"),
        ("his thumb is hanging by a thread", "severed_body_part"),
        ("the tip is torn open and the nail is shattered", "deep_cut"),
        ("a deep gash on my shin from the trailer", "deep_cut"),
        ("we picked mushrooms in the woods and cooked them", "ate_wild_mushrooms_or_plants"),
        ("she ate berries off a bush in the park", "ate_wild_mushrooms_or_plants"),
        ("woke up with a puffy eye", "eye_swelling"),
        ("her eyelid has swollen shut", "eye_swelling"),
        ("he has prickly heat on his back", "heat_rash"),
        # a can later recalled or bulging carries botulinum toxin (CDC 2021)
        ("ate a can of chili that turned out to be recalled", "home_canned_food"),
        # a generator in a closed garage is a carbon monoxide source (NHS 2022)
        ("the generator was running in the garage overnight", "co_source"),
        # a fall from a ladder onto something hard is a fall from a height (NICE NG41)
        ("she lost her footing on the ladder and fell onto the path", "serious_injury"),
        # a person lying where nobody lies by choice, and cold to touch: a long lie
        ("shes lying in the hallway, shes frozen", "fall_cant_get_up"),
        ("shes lying in the hallway, shes frozen", "cold_exposure"),
        # the glass test told without the glass (NHS Meningitis)
        ("a rash that doesnt go away when i press it", "non_blanching_rash"),
        # shivering that cannot be stopped is rigors, not shivering that stopped
        ("cant stop shivering even under three blankets", "tremor"),
        ("my legs have gone all blotchy", "mottled_grey_skin"),
        ("grandma fell and now one leg looks shorter and turned out", "suspected_fracture"),
        ("sprained my ankle, its swollen and i cant put weight on it", "suspected_fracture"),
        ("my tongue and cheeks wont move properly", "weakness"),
        ("she has a temp", "fever"),
    ],
)
def test_new_findings_are_read_from_lay_words(text: str, finding: str) -> None:
    assert (finding, "present") in findings_read(text)


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("cut my finger on a piece of paper", "severed_body_part"),
        ("took my rings off my fingers because they swelled", "severed_body_part"),
        ("a small cut, not deep, on my hand", "deep_cut"),
        ("bought mushrooms at the supermarket for tea", "ate_wild_mushrooms_or_plants"),
        ("my eyes are tired and twitchy", "eye_swelling"),
        ("cant stop shivering even under three blankets", "stopped_shivering"),
        ("no carbon monoxide detector in the house but the boiler is new", "co_source"),
        ("fell off a ladder last year and my back still aches", "serious_injury"),
        ("the rash fades when i press a glass on it", "non_blanching_rash"),
        ("my calf cramps and standing on it, putting weight on it, helps", "suspected_fracture"),
        # "severe" is not "severed", "deep sleep" is not a deep cut, "turns out" is no leg
        # turned out, and "the saw ... two of" is the tool, not double vision
        ("at halfway severe cramps, toes curling in", "severed_body_part"),
        ("charley horses jar me out of deep sleep, legs and toes", "deep_cut"),
        ("turns out some hot grease fell on my thighs", "suspected_fracture"),
        ("the saw severed two of my fingers", "double_vision"),
    ],
)
def test_look_alike_words_are_not_the_new_findings(text: str, finding: str) -> None:
    assert (finding, "present") not in findings_read(text)


@pytest.mark.parametrize(
    ("text", "age", "flag", "level"),
    [
        ("the saw took the tip off my finger", 45, "body_part_cut_off", TriageLevel.EMERGENCY),
        (
            "two fingers cut off by the machine, he's pale and faint",
            40,
            "body_part_cut_off_with_bleeding",
            TriageLevel.EMERGENCY_AMBULANCE,
        ),
        ("deep gaping cut across my palm", 30, "deep_or_gaping_cut", TriageLevel.EMERGENCY),
        (
            "my son ate berries from a bush in the garden",
            3,
            "wild_mushrooms_or_plants_eaten",
            TriageLevel.CONSULTATION_24,
        ),
        (
            "we ate wild mushrooms and now we are both vomiting",
            50,
            "unwell_after_wild_mushrooms_or_plants",
            TriageLevel.EMERGENCY,
        ),
        (
            "my eye is swollen and I have a fever",
            35,
            "swollen_eye_with_fever_or_sight_change",
            TriageLevel.EMERGENCY,
        ),
        (
            "she had a cold and now her eyelid is puffy and getting worse",
            4,
            "swollen_eye_child_getting_worse",
            TriageLevel.EMERGENCY,
        ),
        (
            "the jar of home canned beans fizzed, now my eyelids droop and I see double",
            50,
            "botulism_signs_after_suspect_food",
            TriageLevel.EMERGENCY,
        ),
    ],
)
def test_batch_f_red_flags_fire(text: str, age: int, flag: str, level: TriageLevel) -> None:
    assert_fires(text, age, flag, level)


@pytest.mark.parametrize(
    ("text", "age"),
    [
        # A small kitchen cut is first aid at home (NHS Cuts and grazes).
        ("nicked my finger with a knife, small cut, stopped bleeding with a plaster", 30),
        # Shop-bought mushrooms are not a wild exposure.
        ("had mushrooms from the supermarket on toast and now calf cramps", 40),
        # A puffy eye on waking in an adult, nothing else: not the infection rules.
        ("my eyes are a bit puffy in the morning", 40),
        # The child rule needs the swelling, not only a cold.
        ("my 5 year old has a cold and a runny nose", 5),
    ],
)
def test_batch_f_red_flags_stay_quiet(text: str, age: int) -> None:
    assert_quiet(text, age, "breadth_f")


@pytest.mark.parametrize(
    ("text", "age", "sex", "condition_id"),
    [
        (
            "caught my hand in the table saw, the end of my finger is off and my hand is cramping",
            45,
            "male",
            "severed_or_deep_wound",
        ),
        (
            "we picked mushrooms in the woods and ate them, now vomiting and diarrhoea",
            38,
            "female",
            "mushroom_plant_poisoning",
        ),
        (
            "my 3 year old's eyelid is swollen and red after a cold and she has a temperature",
            3,
            "female",
            "orbital_cellulitis",
        ),
    ],
)
def test_the_cause_shown_first_explains_the_emergency(
    text: str, age: int, sex: str, condition_id: str
) -> None:
    assert_explained_by(text, age, sex, condition_id)


def test_a_heat_rash_that_fades_when_pressed_is_self_care() -> None:
    """The calm look-alike of a rash: the glass test's reassuring result, on the neck, in a
    small child (NHS Heat rash; NHS Meningitis)."""
    result = assess("heat rash on her neck that fades when pressed", age=4)
    assert result.triage.level is TriageLevel.SELF_CARE
    assert result.conditions[0].condition.id == "heat_rash"
