"""Breadth batch i (issues 10 and 12, nineteenth session): a fall in an older person, a
subdural haematoma after a knock, constipation, croup, quinsy, a plain sore throat and carpal
tunnel syndrome; the
two findings they brought (a fall told as a fall, a barking cough); and the ICD-10-CM codes
the existing conditions lacked for what they already describe (a snake by species, sciatica,
food anaphylaxis, paracetamol taken in excess).

Checks that the new findings are read from lay words and not from look-alikes, that each
cause is ranked among the first three on a plain telling of it (and first when the result is
an emergency), and that the added codes are present and billable (the conditions' levels and
citations are in test_breadth_conditions).
"""

from __future__ import annotations

import pytest

from spasmcheck import assess
from spasmcheck.knowledge.codes import icd10cm_problem
from spasmcheck.knowledge.loader import KnowledgeBase
from tests.knowledge.breadth_checks import assert_explained_by, findings_read


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("my mum is 84 and has fallen twice this week", "falls"),
        ("gran has had three falls since christmas", "falls"),
        ("he's been falling a lot lately", "falls"),
        ("she fell down in the garden yesterday", "falls"),
        ("dad had a fall at home on tuesday", "falls"),
        ("my son has a barking cough like a seal", "barking_cough"),
        ("she's coughing like a seal at night", "barking_cough"),
        ("the doctor said it sounds like croup", "barking_cough"),
    ],
)
def test_new_findings_are_read_from_lay_words(text: str, finding: str) -> None:
    assert (finding, "present") in findings_read(text, age=70)


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("i fell asleep on the sofa and woke with a stiff neck", "falls"),
        ("she fell pregnant last year", "falls"),
        ("my phone fell down the back of the sofa", "falls"),
        ("my dog barks all night and i cant sleep", "barking_cough"),
    ],
)
def test_new_findings_are_not_read_from_look_alikes(text: str, finding: str) -> None:
    assert finding not in {f for f, _ in findings_read(text, age=40)}


def test_a_fall_is_still_read_as_unsteadiness() -> None:
    # "had a fall" and "keep falling" were balance_problems' phrases before falls took them
    assert ("balance_problems", "present") in findings_read("i keep falling over", age=75)


@pytest.mark.parametrize(
    ("text", "age", "sex", "condition_id"),
    [
        (
            "my mum is 84 and has fallen twice this week, no injuries but shaken",
            84,
            "female",
            "fall_older_person",
        ),
        ("havent had a poo in 6 days, tummy bloated and crampy", 70, "female", "constipation"),
        (
            "my hands go numb and tingly at night and wake me up, i have to shake them",
            45,
            "female",
            "carpal_tunnel",
        ),
        (
            "my 2 year old has a barking cough like a seal tonight and a temperature",
            2,
            "male",
            "croup",
        ),
        (
            "really sore throat on one side after tonsillitis, cant open my mouth properly, "
            "swallowing is agony",
            22,
            "male",
            "peritonsillar_abscess",
        ),
    ],
)
def test_each_cause_is_among_the_first_three(
    text: str, age: int, sex: str, condition_id: str
) -> None:
    result = assess(text, age=age, sex=sex)
    assert condition_id in [c.condition.id for c in result.conditions[:3]]


def test_a_plain_sore_throat_is_self_care() -> None:
    # NICE NG84: most sore throats settle within a week; quinsy needs one side, a jaw that
    # will not open or trouble swallowing, not the throat alone
    result = assess("ive had a sore throat since monday and now it really hurts", age=30)
    assert result.triage.level.value == "self_care"
    assert "sore_throat" in [c.condition.id for c in result.conditions[:2]]


@pytest.mark.parametrize(
    ("text", "age", "condition_id"),
    [
        ("my son is 12 and has had a viral thing with a fever for 2 days", 12, "sore_throat"),
        ("my 4 year old has a temperature and a runny nose", 4, "croup"),
        ("tummy ache and bloated since yesterday", 40, "constipation"),
        ("numb and tingly feet at night", 50, "carpal_tunnel"),
    ],
)
def test_a_cause_is_not_raised_when_what_defines_it_is_not_told(
    text: str, age: int, condition_id: str
) -> None:
    # inference.py "Untold exposures": silence about what defines a cause counts against it,
    # so a fever is not a sore throat and a cold is not croup
    result = assess(text, age=age)
    assert condition_id not in [c.condition.id for c in result.conditions[:3]]


def test_spasms_after_a_past_stroke_are_post_stroke_spasticity_and_a_new_stroke_is_not() -> None:
    # NICE NG236: spasticity after a stroke is a matter for the GP or stroke team; NICE NG128:
    # anything new and sudden is a new stroke
    old = assess("since my stroke last year my left leg goes stiff and jerks at night", age=58)
    assert old.conditions[0].condition.id == "post_stroke_spasticity"
    assert not old.triage.level.is_emergency
    new = assess("she had a stroke this morning and her arm is weak", age=70)
    assert new.triage.level.is_emergency
    assert "post_stroke_spasticity" not in [c.condition.id for c in new.conditions[:3]]


def test_a_knock_on_blood_thinners_then_confusion_is_a_subdural_first() -> None:
    assert_explained_by(
        "on warfarin, bumped my head on a cupboard a week ago and now getting more confused "
        "and sleepy with a headache",
        78,
        "male",
        "subdural_haematoma",
    )


def test_a_fall_with_no_getting_up_stays_an_ambulance_with_the_hip_first() -> None:
    # NICE CG124: a hip fracture after a fall from standing; the falls cause does not take
    # its place under the ambulance banner
    assert_explained_by(
        "dad fell in the bathroom last night and couldnt get up for two hours",
        79,
        "male",
        "hip_fracture",
    )


@pytest.mark.parametrize(
    ("condition_id", "code"),
    [
        ("back_strain_spasm", "M54.50"),
        ("lumbar_radiculopathy", "M54.30"),
        ("lumbar_radiculopathy", "M54.40"),
        ("lumbar_radiculopathy", "M51.26"),
        ("snake_envenomation", "T63.011A"),
        ("snake_envenomation", "T63.041A"),
        ("anaphylaxis", "T78.05XA"),
        ("anaphylaxis", "T88.6XXA"),
        ("anaphylaxis", "T63.461A"),
        ("peripheral_neuropathy", "G62.1"),
        ("hypoglycemia", "E10.649"),
        ("rabies", "Z20.3"),
        ("poisoning_ingestion", "T39.1X1A"),
    ],
)
def test_existing_causes_carry_their_specific_codes(
    kb: KnowledgeBase, condition_id: str, code: str
) -> None:
    assert code in kb.condition_by_id[condition_id].icd10
    assert icd10cm_problem(code) is None
