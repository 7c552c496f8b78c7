"""The emergency forms of the salt and sugar disorders (conditions/electrolyte_emergencies.yaml).

An emergency rule fired by a salt or sugar emergency is explained by the matching severe form,
not by an unrelated emergency; the same complaint without its defining signs stays with the
milder form and its own level (docs/knowledge-base.md, "The emergency forms of the salt and
sugar disorders").
"""

from __future__ import annotations

import pytest

from spasmcheck.knowledge.loader import KnowledgeBase
from spasmcheck.reasoning.engine import Assessment, Engine
from spasmcheck.reasoning.evidence import Evidence, EvidenceSet, Origin, Status

# severe form -> its milder form (same disorder, same ICD-10-CM code)
SEVERE_FORMS = {
    "severe_hyponatremia": "hyponatremia",
    "acute_hypocalcemia": "hypocalcemia",
    "severe_hyperkalemia": "hyperkalemia",
    "severe_hypoglycemia": "hypoglycemia",
    "severe_hypercalcemia": "hypercalcemia",
}


@pytest.mark.parametrize(("severe", "mild"), SEVERE_FORMS.items())
def test_severe_form_is_an_emergency_beside_a_milder_form(
    kb: KnowledgeBase, severe: str, mild: str
) -> None:
    conditions = {c.id: c for c in kb.conditions}
    assert conditions[severe].triage.is_emergency
    assert not conditions[mild].triage.is_emergency
    assert set(conditions[severe].icd10) & set(conditions[mild].icd10) or severe.endswith(
        "hypoglycemia"
    )
    # the severe form is the rarer one: its prior is a share of the milder form's
    assert conditions[severe].prior.base < conditions[mild].prior.base


def _evaluate(
    engine: Engine, present: list[str], absent: tuple[str, ...] = (), age: int = 60
) -> Assessment:
    items = [Evidence(f, Status.PRESENT, Origin.ANSWER) for f in present]
    items += [Evidence(f, Status.ABSENT, Origin.ANSWER) for f in absent]
    return engine.evaluate(EvidenceSet(items), age=age)


@pytest.mark.parametrize(
    ("present", "expected"),
    [
        # thiazide, sickness, headache and new confusion (SfE 2016 severe hyponatraemia)
        (["med_diuretic", "nausea", "headache", "confusion"], "severe_hyponatremia"),
        # lips and fingers tingling, hands in a claw, after thyroid surgery (SfE 2016)
        (["hx_neck_surgery", "tingling_lips_fingers", "hand_claw_spasm"], "acute_hypocalcemia"),
        # weak and palpitations with kidney disease and spironolactone (UKKA 2020)
        (
            ["weakness", "palpitations", "hx_kidney_disease", "med_potassium_raising"],
            "severe_hyperkalemia",
        ),
        # on gliclazide, shaky and sweaty, now confused (ADA 2024 level 3)
        (
            ["hx_diabetes", "med_insulin_sulfonylurea", "shaky_sweaty_hungry", "confusion"],
            "severe_hypoglycemia",
        ),
        # cancer, very thirsty, vomiting and muddled (SfE 2016 acute hypercalcaemia)
        (["hx_cancer", "excessive_thirst", "vomiting", "confusion"], "severe_hypercalcemia"),
    ],
)
def test_the_emergency_is_explained_by_its_own_cause(
    engine: Engine, present: list[str], expected: str
) -> None:
    result = _evaluate(engine, present)
    assert result.triage.level.is_emergency
    first = result.conditions[0]
    assert first.explains_level
    assert first.condition.id == expected, [c.condition.id for c in result.conditions[:4]]


@pytest.mark.parametrize(
    ("present", "absent", "mild"),
    [
        # a hypo on insulin, not confused: the ordinary low, not an ambulance
        (
            ["hx_diabetes", "med_insulin_sulfonylurea", "shaky_sweaty_hungry"],
            ["confusion"],
            "hypoglycemia",
        ),
        # cramps and tiredness on a water tablet, not confused, no fit, not being sick
        (
            ["med_diuretic", "cramp", "fatigue", "nausea"],
            ["confusion", "seizure", "vomiting"],
            "hyponatremia",
        ),
    ],
)
def test_without_the_defining_signs_the_milder_form_leads(
    engine: Engine, present: list[str], absent: list[str], mild: str
) -> None:
    result = _evaluate(engine, present, tuple(absent))
    assert not result.triage.level.is_emergency
    ranked = [c.condition.id for c in result.conditions]
    severe = next(s for s, m in SEVERE_FORMS.items() if m == mild)
    # the severe form ranks below the mild one, or is not among the causes shown at all
    assert mild in ranked
    assert severe not in ranked or ranked.index(mild) < ranked.index(severe)
