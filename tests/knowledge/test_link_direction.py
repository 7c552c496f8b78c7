"""A warning sign never speaks for a cause that is not an emergency by accident.

The model compares a link's probability with the finding's background rate (docs/model.md):
P(sign | cause) below 0.05 reads as "rare" but is evidence *for* the cause whenever the sign is
rarer still in everyone else. Written as "worst headache 0.03" against migraine, it made a
thunderclap headache 6 times more likely to be a migraine (twenty-sixth session). Every link of
a self-care or routine-appointment cause to a finding of an emergency rule, at 0.05 or below,
must therefore lie below the finding's background rate, unless it is a true association listed
here with its reason.
"""

from __future__ import annotations

from spasmcheck.knowledge.loader import KnowledgeBase
from spasmcheck.knowledge.schema import TriageLevel

# (cause, finding): why the sign really is more common with this cause than in everyone else.
TRUE_ASSOCIATIONS = {
    ("hypothyroidism", "high_ck_result"): "hypothyroid myopathy raises CK",
    ("peptic_ulcer", "vomiting_blood"): "ulcers bleed",
    ("panic_attack", "fast_pulse_reading"): "a racing pulse is panic's",
    ("panic_attack", "fainting"): "overbreathing can make people faint",
    ("grief_reaction", "self_harm_or_suicidal"): "bereavement raises suicidal thoughts",
    ("lyme_disease", "face_droop"): "Lyme disease causes facial palsy",
    ("hypokalemia", "hx_liquorice"): "liquorice lowers potassium",
    ("hypokalemia", "fainting"): "low potassium causes arrhythmia",
    ("ppi_hypomagnesemia", "seizure"): "low magnesium causes fits",
    ("hypomagnesemia", "seizure"): "low magnesium causes fits",
    ("hyponatremia", "seizure"): "low sodium causes fits",
    ("benzodiazepine_withdrawal", "seizure"): "withdrawal fits",
    ("benzodiazepine_withdrawal", "confusion"): "withdrawal delirium",
    ("opioid_withdrawal", "seizure"): "withdrawal in newborns and with other drugs",
    ("opioid_withdrawal", "confusion"): "withdrawal",
    ("multiple_sclerosis", "face_droop"): "MS can weaken the face",
    ("dehydration", "confusion"): "dehydration confuses older people",
    ("dehydration", "fainting"): "low blood volume",
    ("inflammatory_myositis", "dark_urine"): "muscle breakdown",
    ("statin_myopathy", "dark_urine"): "statin rhabdomyolysis",
    ("interstitial_cystitis", "blood_in_urine"): "bladder wall bleeding",
    ("constipation", "blood_in_stool"): "a fissure from hard stools",
    ("constipation", "vomiting"): "severe constipation",
    ("hypercalcemia", "confusion"): "high calcium confuses",
    ("restless_legs", "hx_dialysis"): "kidney failure causes restless legs",
    ("stiff_person_syndrome", "locked_jaw"): "stiffness of the jaw",
    ("bursitis", "skin_red_hot_spreading"): "septic bursitis",
    ("epilepsy_usual_seizure", "hx_head_injury"): "head injury causes epilepsy",
    ("urinary_tract_infection", "confusion"): "infection confuses older people",
    ("urinary_tract_infection", "loc_flank"): "an infection rising to the kidney",
    ("tardive_dyskinesia", "eyes_roll_up"): "oculogyric movements",
    ("generalized_dystonia", "eyes_roll_up"): "oculogyric dystonia",
    ("menstrual_cramps", "fainting"): "painful periods can make people faint",
    ("breath_holding_spells", "confusion"): "drowsy after a spell",
    ("rem_sleep_behaviour_disorder", "confusion"): "confused on waking",
    ("reducible_hernia", "belly_swelling"): "the hernia's bulge",
    ("growing_pains", "bone_pain"): "the pain is felt in the bones",
    ("bladder_spasm", "loc_flank"): "referred pain",
    ("cervical_radiculopathy", "neck_turning"): "neck movement",
    ("cervical_radiculopathy", "balance_problems"): "myelopathy overlaps",
    ("gout", "hx_recent_trauma"): "a knock can set off gout",
    ("gout", "fever"): "an acute attack can bring a fever",
    ("frozen_shoulder", "hx_recent_trauma"): "an injury can start it",
    ("drug_induced_parkinsonism", "hx_parkinsons"): "mistaken for it",
    ("esophageal_spasm", "trouble_breathing"): "chest tightness",
    ("ectopic_beats", "trouble_breathing"): "a breathless feeling with the beats",
    ("caffeine_excess", "chest_pain"): "palpitations felt as chest pain",
    ("neck_strain_spasm", "twisting_pulling"): "a pulling neck",
    ("gastroenteritis_cramps", "weight_loss"): "weight lost with diarrhoea",
    ("haemorrhoids", "pregnant"): "piles are common in pregnancy",
    ("sunburn_cause", "fever"): "severe sunburn brings a fever",
    ("cold_sores", "fever"): "a first attack brings a fever",
    ("gord", "trouble_swallowing"): "reflux narrows the gullet",
}


def test_a_warning_sign_does_not_speak_for_a_calm_cause_unless_it_should(kb: KnowledgeBase) -> None:
    signs = {
        f for rule in kb.red_flags if rule.level.is_emergency for f in (*rule.all_of, *rule.any_of)
    }
    calm = {TriageLevel.SELF_CARE, TriageLevel.CONSULTATION}
    wrong = [
        (c.id, link.id, link.p, kb.finding_by_id[link.id].base_rate)
        for c in kb.conditions
        if c.triage in calm
        for link in c.findings
        if link.id in signs
        and link.p <= 0.05
        and link.p > kb.finding_by_id[link.id].base_rate
        and (c.id, link.id) not in TRUE_ASSOCIATIONS
    ]
    assert not wrong, wrong


def test_the_listed_associations_still_exist(kb: KnowledgeBase) -> None:
    links = {(c.id, link.id) for c in kb.conditions for link in c.findings}
    assert set(TRUE_ASSOCIATIONS) <= links, set(TRUE_ASSOCIATIONS) - links
