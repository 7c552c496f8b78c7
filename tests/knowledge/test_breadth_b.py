"""Breadth batch b (issue 12): heat, toxins, metabolic, limb, chest, belly and pelvic causes.

Checks that each condition of the batch is present, billable-coded, cited, backed by a
vignette written from a public case, and that its new findings and red flags are read from
plain words the way a clinician would read them (including the cramps they must not fire on).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from spasmcheck import assess
from spasmcheck.knowledge.codes import icd10cm_problem
from spasmcheck.knowledge.loader import KnowledgeBase
from spasmcheck.knowledge.parsed import FAST_SAFE_LOADER
from spasmcheck.knowledge.schema import TriageLevel

REPO = Path(__file__).resolve().parents[2]
VIGNETTES = REPO / "vignettes" / "breadth-breadth_b.yaml"
DATA = REPO / "src" / "spasmcheck" / "knowledge" / "data"

BATCH_B = {
    # heat and toxins
    "heat_stroke": "T67.0",
    "heat_exhaustion": "T67.5",
    "malignant_hyperthermia": "T88.3",
    "organophosphate_poisoning": "T60.0",
    "lead_poisoning": "T56.0",
    "opioid_withdrawal": "F11.23",
    "benzodiazepine_withdrawal": "F13.23",
    # metabolic
    "lactic_acidosis": "E87.2",
    "diabetic_ketoacidosis": "E10.10",
    "hypophosphataemia": "E83.39",
    "addisons_disease": "E27.1",
    "hyperparathyroidism": "E21.3",
    "iron_deficiency_rls": "D50.9",
    "sickle_cell_crisis": "D57.00",
    # limb mimics
    "acute_compartment_syndrome": "T79.A2",
    "chronic_exertional_compartment_syndrome": "M79.A2",
    "calf_muscle_tear": "S86.11",
    "ruptured_bakers_cyst": "M71.2",
    "leg_cellulitis": "L03.11",
    # chest and belly mimics
    "heart_attack": "I21.9",
    "angina": "I20.9",
    "costochondritis": "M94.0",
    "panic_attack": "F41.0",
    "appendicitis": "K35.80",
    "bowel_obstruction": "K56.609",
    # pelvis and pregnancy
    "ectopic_pregnancy": "O00.90",
    "miscarriage": "O03.9",
    "preterm_labour": "O60.0",
    "false_labour": "O47.9",
    "endometriosis": "N80.9",
    "interstitial_cystitis": "N30.10",
    "vaginismus": "N94.2",
    "proctalgia_fugax": "K59.4",
}
PREGNANCY = ["ectopic_pregnancy", "miscarriage", "preterm_labour", "false_labour"]


def _vignettes() -> list[dict[str, object]]:
    # libyaml's safe loader, as load_vignettes reads them: the same data as yaml.safe_load,
    # a tenth of the CPU, and this runs once for each of about forty tests
    data = yaml.load(VIGNETTES.read_text(encoding="utf-8"), FAST_SAFE_LOADER)
    assert isinstance(data, list)
    return data


def _batch_b_flag_ids() -> set[str]:
    data = yaml.safe_load((DATA / "red_flags" / "breadth_b.yaml").read_text(encoding="utf-8"))
    return {flag["id"] for flag in data["red_flags"]}


@pytest.mark.parametrize(("condition_id", "code_prefix"), sorted(BATCH_B.items()))
def test_condition_is_present_with_billable_codes(
    kb: KnowledgeBase, condition_id: str, code_prefix: str
) -> None:
    condition = kb.condition_by_id[condition_id]
    assert any(code.startswith(code_prefix) for code in condition.icd10)
    for code in condition.icd10:
        assert icd10cm_problem(code) is None, f"{condition_id}: {code}"


@pytest.mark.parametrize("condition_id", sorted(BATCH_B))
def test_condition_is_cited_beyond_the_estimation_note(
    kb: KnowledgeBase, condition_id: str
) -> None:
    condition = kb.condition_by_id[condition_id]
    method = "breadth_b_estimation_method"
    assert any(c.source != method for c in condition.prior.cite)
    assert any(c.source != method for c in condition.sources)
    assert all(advice.cite for advice in condition.advice)
    # Every finding that argues for the cause (p >= 0.3) rests on a published source; only the
    # low p values that argue against it may rest on the estimation note alone.
    for link in condition.findings:
        if link.p >= 0.3:
            assert any(c.source != method for c in link.cite), f"{condition_id}: {link.id}"


@pytest.mark.parametrize("condition_id", PREGNANCY)
def test_pregnancy_conditions_are_impossible_for_men_and_children(
    kb: KnowledgeBase, condition_id: str
) -> None:
    prior = kb.condition_by_id[condition_id].prior
    assert prior.male == 0.0
    assert any(band.max_age <= 12 and band.factor == 0.0 for band in prior.age)


def test_every_vignette_cites_a_public_case_and_is_well_formed() -> None:
    vignettes = _vignettes()
    ids = [v["id"] for v in vignettes]
    assert len(ids) == len(set(ids))
    for v in vignettes:
        assert str(v["source"]).startswith("http"), v["id"]
        assert set(v) <= {"id", "source", "age", "sex", "text", "facts", "expect"}, v["id"]
        assert v["sex"] in ("female", "male")
        assert 0 <= int(str(v["age"])) <= 120
        expect = v["expect"]
        assert isinstance(expect, dict)
        assert TriageLevel(expect["triage"])


@pytest.mark.parametrize("condition_id", sorted(BATCH_B))
def test_every_condition_has_a_vignette(kb: KnowledgeBase, condition_id: str) -> None:
    codes = kb.condition_by_id[condition_id].icd10
    matching = [
        v["id"]
        for v in _vignettes()
        if any(code.startswith(prefix) for code in codes for prefix in v["expect"]["icd10"])  # type: ignore[index]
    ]
    assert matching, condition_id


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("I can't pass wind and my belly is swollen", "no_wind_or_stool"),
        ("my period is a week late", "missed_period"),
        ("I am 8 weeks pregnant", "pregnancy_early"),
        ("I am 8 weeks pregnant", "pregnant"),
        ("I am 33 weeks pregnant", "pregnancy_late"),
        ("I have pain at the tip of my shoulder", "shoulder_tip_pain"),
        ("I crave salt all the time", "salt_craving"),
        ("I stopped my oxycodone three days ago", "opioid_stopped"),
        ("I have been tapering off clonazepam", "benzo_stopped"),
        ("her breath smells of pear drops", "ketones_breath"),
        ("the pain started around my belly button and moved to the right", "pain_moved_to_right"),
        ("I felt a pop in my calf playing tennis", "felt_pop"),
        ("there is a lump behind my knee", "knee_lump"),
        ("I can't lift my foot up", "foot_drop"),
        ("I can't put a tampon in", "penetration_impossible"),
        ("a stabbing pain in my back passage at night", "loc_rectum"),
        ("my waters have broken", "waters_leaking"),
        ("he drank insect spray", "organophosphate_exposure"),
        ("my blood calcium came back high", "high_calcium_result"),
        ("she hasn't eaten since yesterday", "appetite_loss"),
        ("my husband says I have lost all my colour", "pale_skin"),
    ],
)
def test_new_findings_are_read_from_lay_words(text: str, finding: str) -> None:
    found = {
        (f["finding"], f["status"])
        for f in assess(text, age=30, sex="female").as_dict()["findings"]
    }
    assert (finding, "present") in found


def test_a_cramp_that_goes_rock_hard_is_not_a_tense_compartment() -> None:
    text = "I get woken at night by a cramp in my calf, the muscle is rock hard, stretching helps"
    found = {f["finding"] for f in assess(text, age=60, sex="female").as_dict()["findings"]}
    assert "limb_tight_swollen" not in found


@pytest.mark.parametrize(
    ("text", "age", "sex", "flag", "level"),
    [
        (
            "I am 6 weeks pregnant with pain on one side low in my belly",
            29,
            "female",
            "ectopic_signs_early_pregnancy",
            TriageLevel.EMERGENCY,
        ),
        (
            "my period is late and I have shoulder tip pain",
            31,
            "female",
            "ectopic_signs_late_period",
            TriageLevel.EMERGENCY,
        ),
        (
            "I have diabetes and my breath smells of pear drops",
            19,
            "male",
            "diabetes_ketones_or_fast_breathing",
            TriageLevel.EMERGENCY,
        ),
        (
            "I drank insect spray and now I'm drooling and twitching",
            40,
            "male",
            "insecticide_poisoning_signs",
            TriageLevel.EMERGENCY_AMBULANCE,
        ),
        (
            "cramping belly pain, vomiting and I can't pass wind",
            70,
            "female",
            "blocked_bowel_signs",
            TriageLevel.EMERGENCY,
        ),
        (
            "pain low on the right side of my belly and I am vomiting",
            16,
            "male",
            "lower_right_belly_pain_signs",
            TriageLevel.EMERGENCY,
        ),
        (
            "after the half marathon in the heat my son is burning hot to touch",
            17,
            "male",
            "overheated_in_heat_or_exertion",
            TriageLevel.EMERGENCY_AMBULANCE,
        ),
        (
            "since the long hike my shin is swollen and tense and my foot is numb",
            25,
            "male",
            "tense_limb_with_nerve_signs",
            TriageLevel.EMERGENCY,
        ),
        (
            "I am 30 weeks pregnant and my waters have broken",
            27,
            "female",
            "waters_breaking",
            TriageLevel.EMERGENCY,
        ),
        (
            "I have sickle cell and a fever",
            22,
            "male",
            "sickle_cell_fever_or_severe_pain",
            TriageLevel.EMERGENCY,
        ),
    ],
)
def test_batch_b_red_flags_fire(
    text: str, age: int, sex: str, flag: str, level: TriageLevel
) -> None:
    triage = assess(text, age=age, sex=sex).triage
    assert flag in {fired.flag.id for fired in triage.red_flags}
    assert triage.level.urgency >= level.urgency


@pytest.mark.parametrize(
    ("text", "age", "sex"),
    [
        # A denied warning sign never fires its rule.
        (
            "I am 6 weeks pregnant, I have no pain on one side and no shoulder tip pain",
            29,
            "female",
        ),
        # A night cramp released by stretching is not compartment syndrome.
        ("my calf cramps at night and the muscle is rock hard, stretching it helps", 60, "female"),
        # Feeling overheated indoors without heat exposure or exercise is not heat stroke.
        ("I always feel hot and sweaty and I can't stand the heat", 45, "female"),
    ],
)
def test_batch_b_red_flags_stay_quiet(text: str, age: int, sex: str) -> None:
    fired = {f.flag.id for f in assess(text, age=age, sex=sex).triage.red_flags}
    assert not fired & _batch_b_flag_ids()


@pytest.mark.parametrize(
    ("text", "age", "sex", "condition_id"),
    [
        (
            "collapsed during a run on a hot day, confused and burning hot to touch",
            24,
            "male",
            "heat_stroke",
        ),
        (
            "type 1 diabetes, vomiting since this morning, very thirsty and breathing fast",
            17,
            "female",
            "diabetic_ketoacidosis",
        ),
        (
            "pain started around my belly button yesterday and is now low on the right, no appetite",
            19,
            "male",
            "appendicitis",
        ),
        (
            "my period is two weeks late and I have bleeding and sharp pain on one side low down",
            27,
            "female",
            "ectopic_pregnancy",
        ),
        (
            "I felt a pop in my calf pushing off at tennis, now it is bruised and sore",
            48,
            "male",
            "calf_muscle_tear",
        ),
        (
            "crushing pressure across my chest going down my left arm, sweating",
            62,
            "male",
            "heart_attack",
        ),
        (
            "I stopped my methadone and now I have aches, yawning, runny nose, goosebumps and diarrhoea",
            35,
            "male",
            "opioid_withdrawal",
        ),
        (
            "I need to pee every hour day and night with bladder pain for years, urine tests are clear",
            44,
            "female",
            "interstitial_cystitis",
        ),
    ],
)
def test_classic_presentations_rank_the_cause_in_the_top_three(
    text: str, age: int, sex: str, condition_id: str
) -> None:
    ranked = [c.condition.id for c in assess(text, age=age, sex=sex).conditions[:3]]
    assert condition_id in ranked
