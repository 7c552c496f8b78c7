"""The conditions of breadth batches c to g and i: each present with billable codes at its usual
level, and cited beyond its batch's estimation note (the per-batch files test how each
batch's findings are read and its rules fire).
"""

from __future__ import annotations

import pytest

from spasmcheck.knowledge.loader import KnowledgeBase
from spasmcheck.knowledge.schema import TriageLevel
from tests.knowledge.breadth_checks import assert_cited_beyond, assert_coded_at_level

BATCH_C = {
    "vasovagal_syncope": ("R55", TriageLevel.CONSULTATION_24),
    "orthostatic_hypotension": ("I95.1", TriageLevel.SELF_CARE),
    "subarachnoid_haemorrhage": ("I60", TriageLevel.EMERGENCY_AMBULANCE),
    "choking_foreign_body": ("T17", TriageLevel.EMERGENCY_AMBULANCE),
    "breath_holding_spells": ("R06.89", TriageLevel.CONSULTATION),
    "intussusception": ("K56.1", TriageLevel.EMERGENCY),
    "delirium": ("F05", TriageLevel.EMERGENCY),
    "rem_sleep_behaviour_disorder": ("G47.52", TriageLevel.CONSULTATION),
    "alcohol_intoxication": ("F10.929", TriageLevel.EMERGENCY),
    "exercise_stitch": ("R10.11", TriageLevel.SELF_CARE),
    "growing_pains": ("M79.60", TriageLevel.SELF_CARE),
}

BATCH_D = {
    "incarcerated_hernia": ("K40.30", TriageLevel.EMERGENCY),
    "reducible_hernia": ("K40.90", TriageLevel.CONSULTATION),
    "supraventricular_tachycardia": ("I47.1", TriageLevel.CONSULTATION_24),
    "sudden_cardiac_arrest": ("I46.9", TriageLevel.EMERGENCY_AMBULANCE),
    "heavy_periods_anaemia": ("N92.0", TriageLevel.CONSULTATION_24),
    "acute_torticollis_child": ("M43.6", TriageLevel.CONSULTATION_24),
    "hemiballismus": ("G25.5", TriageLevel.EMERGENCY),
    "focal_motor_seizure": ("G40.1", TriageLevel.EMERGENCY),
}

BATCH_E = {
    "anticoagulant_bleeding": ("D68.32", TriageLevel.EMERGENCY),
    "ruptured_aaa": ("I71.3", TriageLevel.EMERGENCY_AMBULANCE),
    "necrotising_fasciitis": ("M72.6", TriageLevel.EMERGENCY),
    "stonefish_envenomation": ("T63.59", TriageLevel.EMERGENCY),
    "venomous_fish_sting": ("T63.51", TriageLevel.CONSULTATION_24),
    "limb_fracture": ("S52.90XA", TriageLevel.EMERGENCY),
    "major_trauma": ("T07", TriageLevel.EMERGENCY_AMBULANCE),
    "drowning_injury": ("T75.1", TriageLevel.EMERGENCY),
}

BATCH_F = {
    "severed_or_deep_wound": ("S68.619A", TriageLevel.EMERGENCY),
    "mushroom_plant_poisoning": ("T62.0X1A", TriageLevel.EMERGENCY),
    "orbital_cellulitis": ("L03.213", TriageLevel.EMERGENCY),
    "heat_rash": ("L74.0", TriageLevel.SELF_CARE),
}

BATCH_G = {
    "serious_burn": ("T31.0", TriageLevel.EMERGENCY),
    "minor_burn": ("T30.0", TriageLevel.SELF_CARE),
    "smoke_fume_inhalation": ("T59.811A", TriageLevel.EMERGENCY),
    "chemical_eye_injury": ("T26.60XA", TriageLevel.EMERGENCY),
    "achilles_rupture": ("S86.019A", TriageLevel.EMERGENCY),
}

BATCH_I = {
    "fall_older_person": ("R29.6", TriageLevel.CONSULTATION),
    "subdural_haematoma": ("S06.5", TriageLevel.EMERGENCY),
    "constipation": ("K59.0", TriageLevel.SELF_CARE),
    "croup": ("J05.0", TriageLevel.CONSULTATION_24),
    "peritonsillar_abscess": ("J36", TriageLevel.CONSULTATION_24),
    "sore_throat": ("J02", TriageLevel.SELF_CARE),
    "viral_illness": ("J06", TriageLevel.SELF_CARE),
    "post_stroke_spasticity": ("I69", TriageLevel.CONSULTATION),
    "carpal_tunnel": ("G56.0", TriageLevel.SELF_CARE),
}

# The twenty-first session's causes, estimated like batch e.
TWENTYFIRST = {
    "limb_sprain": ("S93.409A", TriageLevel.SELF_CARE),
    "septic_arthritis": ("M00.9", TriageLevel.EMERGENCY),
    "pneumonia": ("J18.9", TriageLevel.CONSULTATION_24),
    "rib_injury": ("S22", TriageLevel.CONSULTATION_24),
    "upper_gi_bleed": ("K92.0", TriageLevel.EMERGENCY),
    "viral_rash_child": ("B08.4", TriageLevel.SELF_CARE),
    "transient_global_amnesia": ("G45.4", TriageLevel.EMERGENCY),
}

# The twenty-second session's (conditions/twentysecond.yaml), on the same estimation note.
TWENTYSECOND = {
    "epilepsy_usual_seizure": ("G40.909", TriageLevel.CONSULTATION),
    "reduced_fetal_movements": ("O36.81", TriageLevel.EMERGENCY),
}

# Each batch's conditions and the estimation note its numbers rest on.
BATCHES = {
    "breadth_c_estimation_method": BATCH_C,
    "breadth_d_estimation_method": BATCH_D,
    "breadth_e_estimation_method": BATCH_E,
    "breadth_f_estimation_method": BATCH_F,
    "breadth_g_estimation_method": BATCH_G,
    "breadth_i_estimation_method": BATCH_I,
}
# Causes added after the breadth batches, on batch e's estimation note.
# Twenty-third session (knowledge breadth: the urinary tract, the ears, the eyes, balance).
TWENTYTHIRD = {
    "urinary_tract_infection": ("N39.0", TriageLevel.CONSULTATION),
    "kidney_infection": ("N10", TriageLevel.CONSULTATION_24),
    "acute_urinary_retention": ("R33", TriageLevel.EMERGENCY),
    "sudden_hearing_loss": ("H91.2", TriageLevel.CONSULTATION_24),
    "retinal_detachment": ("H33", TriageLevel.EMERGENCY),
    "bppv": ("H81.1", TriageLevel.CONSULTATION),
    "vestibular_neuritis": ("H81.2", TriageLevel.CONSULTATION),
    "dental_abscess": ("K04", TriageLevel.CONSULTATION_24),
}

TWENTYFOURTH = {
    "urticaria": ("L50", TriageLevel.SELF_CARE),
    "shingles": ("B02", TriageLevel.CONSULTATION_24),
    "skin_abscess": ("L02", TriageLevel.CONSULTATION),
    "acute_limb_ischaemia": ("I74", TriageLevel.EMERGENCY),
    "ectopic_beats": ("I49.4", TriageLevel.SELF_CARE),
    "atrial_fibrillation": ("I48", TriageLevel.CONSULTATION_24),
    "heart_failure": ("I50", TriageLevel.CONSULTATION),
    "encephalitis": ("G04", TriageLevel.EMERGENCY_AMBULANCE),
    "lyme_disease": ("A69.2", TriageLevel.CONSULTATION),
    "bronchiolitis": ("J21", TriageLevel.CONSULTATION_24),
    "copd_flare": ("J44", TriageLevel.CONSULTATION_24),
    "depression": ("F32", TriageLevel.CONSULTATION),
}

TWENTYFIFTH = {
    "migraine": ("G43", TriageLevel.SELF_CARE),
    "tension_type_headache": ("G44.2", TriageLevel.SELF_CARE),
    "cluster_headache": ("G44.0", TriageLevel.CONSULTATION),
    "medication_overuse_headache": ("G44.4", TriageLevel.CONSULTATION),
    "nosebleed": ("R04.0", TriageLevel.SELF_CARE),
    "immune_thrombocytopenia": ("D69", TriageLevel.CONSULTATION_24),
    "acute_leukaemia": ("C91", TriageLevel.CONSULTATION_24),
    "jaw_dislocation": ("S03.0", TriageLevel.EMERGENCY),
    "ciguatera": ("T61.0", TriageLevel.CONSULTATION_24),
    "dengue": ("A90", TriageLevel.CONSULTATION_24),
    "oropharyngeal_dysphagia": ("R13.1", TriageLevel.CONSULTATION),
    "exertional_headache": ("G44.8", TriageLevel.CONSULTATION),
    "peptic_ulcer": ("K27", TriageLevel.CONSULTATION),
    "gum_disease": ("K05", TriageLevel.SELF_CARE),
    "gout": ("M10", TriageLevel.CONSULTATION),
    "osteoarthritis": ("M19", TriageLevel.CONSULTATION),
    "rheumatoid_arthritis": ("M06", TriageLevel.CONSULTATION),
    "frozen_shoulder": ("M75.0", TriageLevel.CONSULTATION),
    "rotator_cuff_tendinopathy": ("M75", TriageLevel.SELF_CARE),
    "tennis_elbow": ("M77", TriageLevel.SELF_CARE),
    "trigger_finger": ("M65.3", TriageLevel.CONSULTATION),
    "plantar_fasciitis": ("M72.2", TriageLevel.SELF_CARE),
    "knee_cartilage_ligament_injury": ("S83", TriageLevel.CONSULTATION_24),
    "bursitis": ("M70", TriageLevel.SELF_CARE),
    "joint_dislocation": ("S43", TriageLevel.EMERGENCY),
    "menopause_symptoms": ("N95.1", TriageLevel.CONSULTATION),
    "pcos": ("E28.2", TriageLevel.CONSULTATION),
    "vaginal_thrush": ("B37", TriageLevel.SELF_CARE),
    "breast_lump_needs_check": ("N63", TriageLevel.CONSULTATION),
    "breast_pain_benign": ("N64.4", TriageLevel.SELF_CARE),
    "uterine_fibroids": ("D25", TriageLevel.CONSULTATION),
    "ovarian_torsion_or_cyst_rupture": ("N83", TriageLevel.EMERGENCY),
    "insomnia": ("G47.0", TriageLevel.SELF_CARE),
    "grief_reaction": ("Z63.4", TriageLevel.SELF_CARE),
    "postnatal_depression": ("F53", TriageLevel.CONSULTATION),
    "chickenpox": ("B01", TriageLevel.SELF_CARE),
    "scarlet_fever": ("A38", TriageLevel.CONSULTATION_24),
    "tonsillitis": ("J03", TriageLevel.SELF_CARE),
    "ear_infection": ("H66", TriageLevel.SELF_CARE),
    "conjunctivitis": ("H10", TriageLevel.SELF_CARE),
    "threadworms": ("B80", TriageLevel.SELF_CARE),
    "head_lice": ("B85", TriageLevel.SELF_CARE),
    "impetigo": ("L01", TriageLevel.CONSULTATION),
    "gord": ("K21", TriageLevel.SELF_CARE),
    "haemorrhoids": ("K64", TriageLevel.SELF_CARE),
    "coeliac_disease": ("K90.0", TriageLevel.CONSULTATION),
    "diverticulitis": ("K57", TriageLevel.CONSULTATION_24),
    "acute_pancreatitis": ("K85", TriageLevel.EMERGENCY),
    "lactose_intolerance": ("E73", TriageLevel.SELF_CARE),
    "atopic_eczema": ("L20", TriageLevel.SELF_CARE),
    "psoriasis": ("L40", TriageLevel.CONSULTATION),
    "acne": ("L70", TriageLevel.SELF_CARE),
    "fungal_skin_infection": ("B35", TriageLevel.SELF_CARE),
    "warts": ("B07", TriageLevel.SELF_CARE),
    "changing_mole_needs_check": ("D48", TriageLevel.CONSULTATION),
    "sunburn_cause": ("L55", TriageLevel.SELF_CARE),
    "contact_dermatitis": ("L25", TriageLevel.SELF_CARE),
    "cold_sores": ("B00.1", TriageLevel.SELF_CARE),
    "ingrown_toenail_cause": ("L60.0", TriageLevel.SELF_CARE),
    "stevens_johnson_syndrome": ("L51", TriageLevel.EMERGENCY),
    "benign_prostate_enlargement": ("N40", TriageLevel.CONSULTATION),
    "testicular_lump_needs_check": ("N50", TriageLevel.CONSULTATION),
    "balanitis": ("N48.1", TriageLevel.CONSULTATION),
    "urethritis_sti": ("N34.1", TriageLevel.CONSULTATION),
    "blood_in_semen_cause": ("R36.1", TriageLevel.CONSULTATION),
    "erectile_dysfunction": ("N52", TriageLevel.CONSULTATION),
    "sinusitis": ("J01", TriageLevel.SELF_CARE),
    "allergic_rhinitis": ("J30", TriageLevel.SELF_CARE),
    "otitis_externa": ("H60", TriageLevel.SELF_CARE),
    "earwax_buildup": ("H61.2", TriageLevel.SELF_CARE),
    "glandular_fever": ("B27", TriageLevel.CONSULTATION),
    "laryngitis": ("J04", TriageLevel.SELF_CARE),
    "reactive_lymph_nodes": ("R59", TriageLevel.SELF_CARE),
    "object_in_ear_nose": ("T16", TriageLevel.CONSULTATION_24),
    "sleep_apnoea": ("G47.33", TriageLevel.CONSULTATION),
    "me_cfs": ("G93.3", TriageLevel.CONSULTATION),
    "long_covid": ("B94.8", TriageLevel.CONSULTATION),
    "new_diabetes": ("E11", TriageLevel.CONSULTATION_24),
}

TWENTYSIXTH = {
    "pneumothorax": ("J93", TriageLevel.EMERGENCY),
    "angioedema": ("T78.3", TriageLevel.EMERGENCY),
    "epiglottitis": ("J05.1", TriageLevel.EMERGENCY_AMBULANCE),
    "toxic_shock_syndrome": ("A48.3", TriageLevel.EMERGENCY),
    "kawasaki_disease": ("M30.3", TriageLevel.CONSULTATION_24),
    "opioid_overdose": ("T40", TriageLevel.EMERGENCY_AMBULANCE),
    "postpartum_haemorrhage": ("O72", TriageLevel.EMERGENCY_AMBULANCE),
    "upper_limb_dvt": ("I82.6", TriageLevel.EMERGENCY),
    "spinal_epidural_abscess": ("G06.1", TriageLevel.EMERGENCY),
    "wernicke_encephalopathy": ("E51.2", TriageLevel.EMERGENCY),
    "neonatal_seizures": ("P90", TriageLevel.EMERGENCY_AMBULANCE),
    "brue": ("R68.13", TriageLevel.EMERGENCY),
    "vertebral_fracture": ("S22.0", TriageLevel.EMERGENCY_AMBULANCE),
    "dress_syndrome": ("D72.12", TriageLevel.EMERGENCY),
    "perforated_ulcer": ("K25.5", TriageLevel.EMERGENCY),
    "pulmonary_oedema": ("J81.0", TriageLevel.EMERGENCY_AMBULANCE),
    "newborn_jitters_sleep_myoclonus": ("G25.3", TriageLevel.CONSULTATION),
    "typhoid_fever": ("A01.0", TriageLevel.CONSULTATION_24),
    "chikungunya": ("A92.0", TriageLevel.CONSULTATION),
    "acute_angle_closure_glaucoma": ("H40.21", TriageLevel.EMERGENCY),
    "microbial_keratitis": ("H16", TriageLevel.CONSULTATION_24),
    "acute_iritis": ("H20", TriageLevel.CONSULTATION_24),
    "acute_cholecystitis": ("K81.0", TriageLevel.EMERGENCY),
    "acute_psychosis": ("F23", TriageLevel.CONSULTATION_24),
    "placental_abruption": ("O45", TriageLevel.EMERGENCY_AMBULANCE),
    "measles": ("B05", TriageLevel.CONSULTATION_24),
    "mumps": ("B26", TriageLevel.CONSULTATION_24),
    "swallowed_object": ("T18", TriageLevel.EMERGENCY),
    "broken_toe": ("S92", TriageLevel.SELF_CARE),
    "bruise_contusion": ("S80", TriageLevel.SELF_CARE),
    "fish_bone_stuck": ("T17.2", TriageLevel.EMERGENCY),
    "mouth_ulcers": ("K12.0", TriageLevel.SELF_CARE),
    "obstetric_cholestasis": ("O26.61", TriageLevel.CONSULTATION_24),
    "bladder_or_kidney_cancer": ("C67", TriageLevel.CONSULTATION),
    "swollen_ankles_oedema": ("R60.0", TriageLevel.SELF_CARE),
    "dementia": ("F03", TriageLevel.CONSULTATION),
    "wound_infection": ("T81.4", TriageLevel.CONSULTATION_24),
    "postnatal_womb_infection": ("O86.1", TriageLevel.CONSULTATION_24),
    "chilblains": ("T69.1", TriageLevel.SELF_CARE),
    "frostbite": ("T33", TriageLevel.EMERGENCY),
    # twenty-seventh session
    "gangrene": ("I96", TriageLevel.CONSULTATION_24),
    "motion_sickness": ("T75.3XXA", TriageLevel.SELF_CARE),
    "cutaneous_larva_migrans": ("B76.9", TriageLevel.CONSULTATION),
    "sea_urchin_injury": ("T63.691A", TriageLevel.SELF_CARE),
}

ON_BATCH_E_NOTE = {
    **TWENTYFIRST,
    **TWENTYSECOND,
    **TWENTYTHIRD,
    **TWENTYFOURTH,
    **TWENTYFIFTH,
    **TWENTYSIXTH,
}
CONDITIONS = [
    (method, condition_id, *batch[condition_id])
    for method, batch in [*BATCHES.items(), ("breadth_e_estimation_method", ON_BATCH_E_NOTE)]
    for condition_id in sorted(batch)
]


@pytest.mark.parametrize(
    ("method", "condition_id", "code_prefix", "level"), CONDITIONS, ids=[c[1] for c in CONDITIONS]
)
def test_condition_is_present_with_billable_codes_and_its_level(
    kb: KnowledgeBase, method: str, condition_id: str, code_prefix: str, level: TriageLevel
) -> None:
    assert_coded_at_level(kb, condition_id, code_prefix, level)


@pytest.mark.parametrize(
    ("method", "condition_id", "code_prefix", "level"), CONDITIONS, ids=[c[1] for c in CONDITIONS]
)
def test_condition_is_cited_beyond_the_estimation_note(
    kb: KnowledgeBase, method: str, condition_id: str, code_prefix: str, level: TriageLevel
) -> None:
    assert_cited_beyond(kb, condition_id, method)
