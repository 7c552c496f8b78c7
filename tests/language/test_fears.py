"""Fears, questions and 'normal as ever': a warning sign named but not described stays calm.

Our own phrasings (none from the real-world corpus or the probes). Each row names a finding
that must not come out present or possible — the riskier readings that fire a red flag —
and, beside it, rows whose sign is really there, so a fix cannot simply stop reading it.
"""

from __future__ import annotations

import pytest

from spasmcheck.language.context import Polarity
from spasmcheck.reasoning.engine import Engine

RAISING = {Polarity.PRESENT, Polarity.POSSIBLE}

CALM = [
    # A diagnosis asked about or feared is not a sign described.
    ("my foot keeps twitching, is this a seizure?", "seizure"),
    ("could this be a sign of a stroke? my eyelid flickers", "face_droop"),
    ("my cheek jumps, i read online it can be bells palsy", "face_droop"),
    ("i looked up twitching and read about muscle atrophy", "muscle_wasting"),
    ("scared its a seizure thing, my leg jerked once falling asleep", "seizure"),
    ("my calf twitches and im worried that its muscle wasting", "muscle_wasting"),
    ("i thought i was having a heart attack but it was a rib cramp", "hx_heart_disease"),
    # Normal as ever.
    ("cramps in both feet, my eyesight is unchanged", "vision_change"),
    ("hamstring cramp, my grip is as strong as ever", "weakness"),
    ("toe cramps, my speech is the same as always", "slurred_speech"),
    ("sore neck spasm, breathing as usual", "trouble_breathing"),
    # A word that shares a topic with a warning sign but not its point (semantic fallback).
    ("my back spasmed when i bent over and he hit his head on the shelf", "worst_headache"),
    ("the spasm in my calf, the whole area is painful", "severe_pain"),
    ("my thumb twitches when i try to hold a knife properly", "agitation"),
    ("my calf cramps when i make tea in the morning", "dark_urine"),
    # Words the stemmer folds onto ordinary ones, and a body part that owns its own colour.
    ("went to fetch water from the kitchen and my foot cramped", "waters_leaking"),
    ("the lower and upper eyelid both flicker", "stimulant_use"),
    ("he brought up yellow bile after the cramps", "jaundice"),
    ("she tugs at her pant legs when the cramps come", "fast_breathing"),
    ("felt queasy and light-headed with it", "confusion"),
    ("his legs jerked, his face red from crying", "calf_warm_red"),
    # About to faint is not a faint; pain that stops walking is not weakness.
    ("cramps so bad i felt like i might pass out", "fainting"),
    ("i can hardly walk for the pain in my calf", "rapidly_spreading_weakness"),
    ("back seized up and i cant stand up straight", "weakness"),
    ("read that stiff neck can be meningitis, mine is just sore", "stiff_neck"),
    ("my hands shake so i cannot go to the front of the class and talk", "slurred_speech"),
    ("my shoulder was sore, kept me awake", "persistent"),
    # Puzzled is not disorientated; a slow jaw is not a slow mind.
    ("im confused why my calves cramp at night", "confusion"),
    ("confused by what the doctor said about my eyelid twitch", "confusion"),
    ("my jaw is slow to respond and really stiff", "confusion"),
    # The right side of the back, or a right calf, is not the right of the belly.
    ("right side of my back hurts when i twist", "loc_lower_right_abdomen"),
    ("my stomach is fine, my right side calf cramps", "loc_lower_right_abdomen"),
    ("i fell down on my back and hurt my leg", "back_pain_to_leg"),
    # Dark yellow pee is concentrated, not the cola of muscle breakdown; a fizzy drink does
    # not tingle.
    ("my urine is dark yellow and my calves twinge", "dark_urine"),
    ("hiccups for an hour after a fizzy drink", "tingling"),
    ("my face went red when i peed", "blood_in_urine"),
    ("my calcium came back normal, my calves cramp at night", "lab_low_calcium"),
    ("it never happens when I'm awake", "confusion"),
    ("always my left calf, wakes me up screaming", "disturbs_sleep"),
    ("I take metformin and I am not breathing fast", "fast_breathing"),
    ("im fit and healthy, just calf cramps", "seizure"),
    ("no head nods and he hasn't stopped smiling", "developmental_regression"),
    ("her left side is moving normally", "weakness_one_side"),
    ("my face is moving fine on both sides", "face_droop"),
    ("my back keeps seizing up", "seizure"),
    ("my throat feels tight when im anxious about exams", "stridor"),
    ("a rash that fades under a glass", "non_blanching_rash"),
    # A calf tender after a cramp is muscle tenderness, not a warm or red calf.
    ("my calf is a bit tender after the cramp", "calf_warm_red"),
    # A cramping muscle is hard; that is the cramp, not a tense compartment.
    ("woken in the night by agony in my calf, the muscle is rock hard", "limb_tight_swollen"),
    # Barely walking for pain is disabling pain, not weakness spreading; a back that will not
    # straighten is a back in spasm.
    ("my leg is swollen and purple and I can barely walk", "rapidly_spreading_weakness"),
    ("lifted a sofa and my back seized up, can hardly stand straight", "severe_pain"),
]

AFFIRMED = [
    ("is this normal? my face is drooping on one side", "face_droop"),
    ("i thought it was a cramp but now she cant lift her arm", "weakness"),
    ("worst headache of my life, like being hit on the head with a bat", "worst_headache"),
    ("my eyesight went blurry all of a sudden", "vision_change"),
    ("35 weeks and my waters have broken", "waters_leaking"),
    ("the whites of my eyes are yellowing", "jaundice"),
    ("my calf is swollen and red", "calf_warm_red"),
    ("she passed out in the kitchen", "fainting"),
    ("my problem is that my hands tremble when i pour tea", "tremor"),
    ("my legs are so weak i cant stand up", "weakness"),
    ("since the dog bite my jaw has been getting tighter", "jaw_ache"),
    ("tightness in my jaw in the mornings", "jaw_ache"),
    ("got a small cut on my shin from the bike chain", "hx_recent_wound"),
    ("the ache has now shifted over to the lower right", "pain_moved_to_right"),
    ("her belly pain is unbearable tonight", "abdominal_pain_severe"),
    ("she is confused and drowsy", "confusion"),
    ("hes reacting really slowly, like hes barely with us", "confusion"),
    ("i cant open my bowels and my belly is swollen", "no_wind_or_stool"),
    ("her left leg and hand are numb", "weakness_one_side"),
    ("now his eyeballs keep turning and rolling", "eyes_roll_up"),
    ("my neck is all twisted and i cant straighten it", "neck_turning"),
    ("her stomach hurts on the right side", "loc_lower_right_abdomen"),
    (
        "whole tummy hurt yesterday, today the pain is now on her right side",
        "loc_lower_right_abdomen",
    ),
    ("shooting pain from my bum down the back of my leg to my foot", "back_pain_to_leg"),
    ("my pee is dark brown like cola after the gym", "dark_urine"),
    ("my urine is dark yellow", "low_fluid_intake"),
    ("I get breathless when I walk up the stairs", "walking_distance_pain"),
    ("I get breathless when I walk up the stairs", "trouble_breathing"),
    ("settled now, but my wee looks pinkish", "blood_in_urine"),
    ("extreme pain in my back and tummy, i can barely walk", "severe_pain"),
    # A side between a concept's words qualifies its body part; it is not another one.
    ("pain at the tip of my right shoulder", "shoulder_tip_pain"),
    ("he dropped to the floor in the middle of the game", "fainting"),
    ("next morning my arms were hugely swollen after the workout", "limb_tight_swollen"),
    ("MS for 10 yrs, legs go stiff", "hx_ms"),
    ("the spasms are worse lately", "worsening"),
    ("my right eyelid started twitching last month", "eyelid_twitch"),
    ("tonight the cramp is so bad i cant sleep", "disturbs_sleep"),
    ("her calcium was low on her last blood test", "lab_low_calcium"),
    ("my magnesium came back low last month", "lab_low_magnesium"),
    ("the hospital said my potassium is low", "lab_low_potassium"),
    ("the pain is severe", "severe_pain"),
    ("since this morning he can barely talk", "slurred_speech"),
    ("shes off her food and sleepy", "appetite_loss"),
    ("fewer wet diapers today", "little_urine"),
    ("he couldnt be settled all night, nothing soothes him", "inconsolable_crying"),
    # The negation is the emergency itself.
    ("he is not breathing", "not_breathing_normally"),
    ("my baby stopped breathing", "not_breathing_normally"),
    ("he is not responding and only gasping", "not_breathing_normally"),
    ("the fit has not stopped", "seizure_not_stopping"),  # which implies seizure
    ("she is fitting", "seizure"),
    ("i cant move my right arm", "weakness_one_side"),
    ("she isnt moving her left side", "weakness_one_side"),
    ("the left side of her face is not moving", "face_droop"),
    ("he is turning blue", "turned_blue"),
    ("my tongue is swelling up after the bee sting", "stridor"),
    ("he is seizing", "seizure"),
    ("my toddler is floppy and wont wake properly", "confusion"),
    ("i was stung and my throat feels tight", "stridor"),
    ("purple spots that do not fade under a glass", "non_blanching_rash"),
]


@pytest.mark.parametrize(("text", "finding"), CALM, ids=[t for t, _ in CALM])
def test_named_but_not_described(engine: Engine, text: str, finding: str) -> None:
    got = {m.polarity for m in engine.parser.parse(text) if m.finding_id == finding}
    assert not got & RAISING, got


@pytest.mark.parametrize(("text", "finding"), AFFIRMED, ids=[t for t, _ in AFFIRMED])
def test_described_signs_stay(engine: Engine, text: str, finding: str) -> None:
    got = {m.polarity for m in engine.parser.parse(text) if m.finding_id == finding}
    assert Polarity.PRESENT in got, got


# When a time word dates something else: a medicine, an operation, a past event.
DATED = [
    ("had my gallbladder out 3 years ago, now my eyelid twitches", "history_months"),
    ("stopped smoking 2 years ago and get calf cramps", "history_months"),
    ("started a new statin and my thighs ache", "sudden_onset"),
    ("on a new inhaler, my hands tremble, no shortness of breath", "sudden_onset"),
]
KEPT = [
    ("the twitching started 2 weeks ago", "history_weeks"),
    ("had my gallbladder out 3 days ago and now my hands cramp", "history_days"),
    ("a new weakness in my right leg", "sudden_onset"),
]


@pytest.mark.parametrize(("text", "finding"), DATED, ids=[t for t, _ in DATED])
def test_time_words_date_the_event_they_follow(engine: Engine, text: str, finding: str) -> None:
    assert finding not in {m.finding_id for m in engine.parser.parse(text)}


@pytest.mark.parametrize(("text", "finding"), KEPT, ids=[t for t, _ in KEPT])
def test_time_words_of_the_symptom_stay(engine: Engine, text: str, finding: str) -> None:
    assert finding in {m.finding_id for m in engine.parser.parse(text)}


# Long ago, or someone else's: the sign is not the patient's now.
NOT_NOW = [
    ("calf cramps at night. i had a seizure as a teenager but none since", "seizure"),
    ("i fainted once when i was 15, now my calves cramp", "fainting"),
    ("my dad has slurred speech from parkinsons, i get cramps in my feet", "slurred_speech"),
    ("my wife had chest pain last week, i have hand cramps", "chest_pain"),
]
STILL_NOW = [
    ("my husband has slurred speech since this morning", "slurred_speech"),
    ("had a seizure years ago and it started again today, i cant stop jerking", "jerks"),
    ("my face drooped for an hour last month", "face_droop"),
    ("my mum says i've gone very pale and i fainted", "fainting"),
    # someone else's sign told as it happens is the emergency being reported
    (
        "my son is next to me and i feel him start convulsing. im pregnant and shaking myself",
        "seizure",
    ),
    ("my dad is slurring his words, i have cramps in my hands from the stress", "slurred_speech"),
]


@pytest.mark.parametrize(("text", "finding"), NOT_NOW, ids=[t for t, _ in NOT_NOW])
def test_not_the_patients_sign_now(engine: Engine, text: str, finding: str) -> None:
    got = {m.polarity for m in engine.parser.parse(text) if m.finding_id == finding}
    assert got and not got & RAISING, got


@pytest.mark.parametrize(("text", "finding"), STILL_NOW, ids=[t for t, _ in STILL_NOW])
def test_the_patients_sign_now(engine: Engine, text: str, finding: str) -> None:
    got = {m.polarity for m in engine.parser.parse(text) if m.finding_id == finding}
    assert Polarity.PRESENT in got, got


@pytest.mark.parametrize(
    "text",
    ["hes autistic and has never had a fit before", "never had a seizure like this before"],
)
def test_never_before_is_a_first_time_not_a_denial(engine: Engine, text: str) -> None:
    """ "never had a fit before" says it is the first: nothing against a fit now."""
    got = {m.polarity for m in engine.parser.parse(text) if m.finding_id == "seizure"}
    assert Polarity.ABSENT not in got, got


def test_not_often_is_how_often_not_whether(engine: Engine) -> None:
    """ "i don't get cramps often, but this was a doozy": nothing against a cramp now."""
    got = {
        m.polarity
        for m in engine.parser.parse("i dont get cramps often but this was a doozy")
        if m.finding_id == "cramp"
    }
    assert got and Polarity.ABSENT not in got, got
    assert {m.polarity for m in engine.parser.parse("no cramps") if m.finding_id == "cramp"} == {
        Polarity.ABSENT
    }
