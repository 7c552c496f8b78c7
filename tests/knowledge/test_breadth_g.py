"""Breadth batch g (issue 12, seventeenth session): burns and scalds (serious and minor), smoke
or chemical fumes breathed in, heat illness that cooling has not helped, cold with exhaustion,
bites on the face; with them the reading of injuries told by their mechanism (a fall from a
window or a stated height, a cyclist hit by a car, a gunshot, a limb trapped, a TV toppled, a
horse fall), a dislocated joint, a child who chewed tablets or got into magnets, someone
"fitting", and not knowing one's own name.

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
        ("my 17 month old pulled the kettle of boiling water over himself", "burn_scald"),
        ("she reached her hand straight into the fryer", "burn_blistered_or_deep"),
        ("a big oil bubble popped all over my face", "burn_blistered_or_deep"),
        (
            "oven cleaner got inside my gloves and chunks of skin are missing",
            "burn_blistered_or_deep",
        ),
        ("caught my finger on the oven tray", "burn_scald"),
        ("his legs got burnt in a bath that was too hot", "burn_scald"),
        ("chip fryer caught fire and i breathed in a lot of smoke", "smoke_or_fume_inhalation"),
        ("mixed bleach with the descaler and it started bubbling", "smoke_or_fume_inhalation"),
        (
            "been cooling him in the shade for an hour and he's hardly any better",
            "not_better_after_cooling",
        ),
        ("my son just fell out of the upstairs bedroom window", "serious_injury"),
        ("fell about 25 ft out of my tree stand", "serious_injury"),
        ("cycling to work he went into the bonnet of a car", "serious_injury"),
        ("i have bird shot in my arm and my stomach", "serious_injury"),
        ("the pallet truck trapped both my feet against the barrier", "serious_injury"),
        ("the tv fell and her legs were sticking out under the tv", "serious_injury"),
        ("thrown off her horse and landed with a huge thud", "serious_injury"),
        ("my shoulder has dislocated", "suspected_fracture"),
        ("her ankle is badly broken, bone out", "suspected_fracture"),
        ("found my toddler face down in our swimming pool", "near_drowning"),
        ("my 2 yr old just chewed some of our blood pressure pills", "overdose_taken"),
        ("he took some of his grandmothers blood pressure pills", "overdose_taken"),
        ("she had the limescale remover bottle in her mouth", "overdose_taken"),
        ("he got into a box of magnet balls and some are missing", "inhaled_object"),
        ("my brother fitting on the bench", "seizure"),
        ("he cant remember his name or address", "confusion"),
        ("hes lying on the rug and i cant lift him", "fall_cant_get_up"),
        ("slept out in well below zero in a thin jacket", "cold_exposure"),
        ("really cold and dont think i can carry on", "fatigue"),
        ("got heat exhaustion on the trail", "trigger_heat"),
        # read after the third blind round (batches 115-117)
        ("the bleach spray bounced back into my left eye", "chemical_in_eye"),
        ("got a big electric shock when the drill hit a wire", "electric_shock"),
        ("the digger hit an underground power cable", "high_voltage_shock"),
        ("near the end of his laps he lost power down one side", "weakness_one_side"),
        ("landed on my wrist, I think I've broken it", "suspected_fracture"),
        ("my toddler got hold of the calpol bottle", "overdose_taken"),
        ("she fell getting out of bed and she's on the floor", "fall_cant_get_up"),
        ("came off my bike and i dont remember the crash at all", "hx_head_injury"),
        ("loads of us have headaches and feel sick", "others_same_symptoms"),
        ("one boy got thrown out through the emergency door of the bus", "serious_injury"),
        ("the car rolled over into a ditch", "serious_injury"),
        # read after the fifth blind round (batches 121-123)
        ("my brother just dove in and hit his head on a sandbar", "serious_injury"),
        ("purple dots all over his arms", "non_blanching_rash"),
        ("they gave him haldol twice at the hospital", "med_new_or_changed"),
        ("hes started wetting the bed again", "new_bedwetting"),
        ("now my left achilles tendon has torn", "achilles_rupture_signs"),
        ("felt like someone kicked me in the back of the ankle", "achilles_rupture_signs"),
        # read after the sixth blind round (batches 124-126)
        ("i slid out of bed onto the floor and cant get myself back up", "fall_cant_get_up"),
        ("my left hand went numb and clumsy", "weakness"),
    ],
)
def test_new_findings_are_read_from_lay_words(text: str, finding: str) -> None:
    assert (finding, "present") in findings_read(text)


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("a burning pain in my feet at night", "burn_scald"),
        ("got sunburnt at the beach", "burn_scald"),
        ("i smoke a pack a day", "smoke_or_fume_inhalation"),
        ("my hair fell out and i look out the window all day", "serious_injury"),
        ("mum is 89 and chews her pills because she cant swallow them", "overdose_taken"),
        ("no changes to my tablets", "overdose_taken"),
        ("my mum takes a cocktail of tablets 5 times a day for parkinsons", "overdose_taken"),
        ("my sleep is broken and my legs cramp at night", "suspected_fracture"),
        ("my shoulder dislocates all the time, I have EDS", "suspected_fracture"),
        ("the new kitchen fitting went well", "seizure"),
        ("I got a flu shot in my arm", "serious_injury"),
        ("bleach got into her left eye", "overdose_taken"),
        ("I get electric shock pains down my leg", "electric_shock"),
        ("I don't remember where I put my keys", "hx_head_injury"),
        ("my achilles is sore and stiff in the mornings", "achilles_rupture_signs"),
    ],
)
def test_look_alike_words_are_not_the_new_findings(text: str, finding: str) -> None:
    assert (finding, "present") not in findings_read(text)


@pytest.mark.parametrize(
    ("text", "age", "flag", "level"),
    [
        (
            "spilt boiling water on my hand and it has blistered",
            30,
            "burn_blistered_deep_or_chemical",
            TriageLevel.EMERGENCY,
        ),
        (
            "my toddler touched the oven door and burnt her hand",
            2,
            "burn_in_young_child",
            TriageLevel.EMERGENCY,
        ),
        (
            "breathed in smoke from the kitchen fire",
            40,
            "smoke_or_fumes_breathed_in",
            TriageLevel.EMERGENCY,
        ),
        (
            "heat exhaustion, we've been cooling him for an hour and he's no better",
            60,
            "heat_illness_not_better_after_cooling",
            TriageLevel.EMERGENCY_AMBULANCE,
        ),
        (
            "out in the snow all night and now exhausted and shaking",
            30,
            "cold_with_exhaustion_or_shaking",
            TriageLevel.EMERGENCY,
        ),
        (
            "a dog bit my son on the face",
            7,
            "animal_bite_face_deep_or_bleeding",
            TriageLevel.EMERGENCY,
        ),
    ],
)
def test_batch_g_red_flags_fire(text: str, age: int, flag: str, level: TriageLevel) -> None:
    assert_fires(text, age, flag, level)


@pytest.mark.parametrize(
    ("text", "age"),
    [
        # A small adult burn with no blister is first aid at home (NHS Burns and scalds).
        ("burnt my finger on the oven tray, small red mark, no blister", 35),
        # A smoker's habit is not smoke inhalation.
        ("I smoke and my calves cramp when I walk", 60),
        # Cooling that worked.
        ("felt faint in the heat, rested in the shade with water and feel fine now", 30),
        # Cold hands that warm up.
        ("my fingers go white in the cold and warm up indoors", 40),
    ],
)
def test_batch_g_red_flags_stay_quiet(text: str, age: int) -> None:
    assert_quiet(text, age, "breadth_g")


@pytest.mark.parametrize(
    ("text", "age", "sex", "condition_id"),
    [
        (
            "my 2 year old pulled the kettle over, boiling water on his arm and it's blistering",
            2,
            "male",
            "serious_burn",
        ),
        (
            "I mixed bleach with the toilet cleaner and breathed the fumes, now coughing",
            45,
            "female",
            "smoke_fume_inhalation",
        ),
    ],
)
def test_the_cause_shown_first_explains_the_emergency(
    text: str, age: int, sex: str, condition_id: str
) -> None:
    assert_explained_by(text, age, sex, condition_id)


def test_a_small_burn_without_a_blister_is_self_care() -> None:
    result = assess("burnt my finger on the oven tray, small red mark, no blister", age=35)
    assert result.triage.level is TriageLevel.SELF_CARE
    assert result.conditions[0].condition.id == "minor_burn"
