"""Issue 14 item 21: the FHIR bundle validates against HL7's R4 JSON schema, and only causes
worth a clinician's differential become Conditions; the RiskAssessment keeps the full ranking.

The schema (tests/data/fhir/README.md says where it comes from and its licence) ships with the
tests, so they run offline. It checks what fhir.resources' models may let through: the element
names of every resource (``additionalProperties: false``), required elements, types and
primitive formats.
"""

from __future__ import annotations

import copy
import gzip
import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest

from spasmcheck.export import fhir
from spasmcheck.export.fhir import fhir_bundle, questionnaire, resources_of
from spasmcheck.export.model import ReportInput
from spasmcheck.reasoning.engine import Engine
from spasmcheck.reasoning.public import AssessmentInput, AssessmentPublic
from tests.export.test_fhir import episodes

SCHEMA = Path(__file__).resolve().parents[1] / "data" / "fhir" / "fhir.schema.json.gz"

STORIES = {
    # the coffee drinker, and causes from 14 % down to 2 %
    "coffee": "my arm muscles twitch all day, I drink a lot of coffee",
    # an emergency: the stroke and TIA explain the level; stimulant intoxication is at 1 %
    "droop": "one side of my face has drooped and my eyelid keeps twitching",
    "diuretic": "I get painful cramps in my calves at night, I take a diuretic",
}


@pytest.fixture(scope="module")
def validator() -> Any:
    with gzip.open(SCHEMA, "rt", encoding="utf-8") as handle:
        schema = json.load(handle)
    assert schema["id"] == "http://hl7.org/fhir/json-schema/4.0"  # R4
    return jsonschema_rs.Draft6Validator(schema)


def problems(validator: Any, document: dict[str, Any]) -> list[str]:
    return [f"{list(e.instance_path)}: {e.message[:200]}" for e in validator.iter_errors(document)]


def make(engine: Engine, story: str, *, diary: bool = True) -> ReportInput:
    text = STORIES[story]
    return ReportInput(
        assessment_id=5,
        created_at=datetime(2026, 11, 21, 9, 30, tzinfo=UTC),
        input=AssessmentInput(text=text, age=50, sex="female"),
        result=AssessmentPublic.of(engine.assess(text, 50, "female")),
        episodes=episodes() if diary else (),
        start=date(2026, 11, 1) if diary else None,
        end=date(2026, 11, 20) if diary else None,
        timezone="Europe/Berlin",
        person_label="Ana" if diary else None,
    )


def as_dicts(bundle: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [dict(r) for r in resources_of(bundle, kind)]


# -- the schema ---------------------------------------------------------------------------------
@pytest.mark.parametrize("story", sorted(STORIES))
@pytest.mark.parametrize("diary", [True, False])
def test_bundles_validate_against_the_r4_schema(
    validator: Any, engine: Engine, story: str, diary: bool
) -> None:
    bundle: dict[str, Any] = fhir_bundle(make(engine, story, diary=diary), engine=engine)
    assert problems(validator, bundle) == []
    kinds = {e["resource"]["resourceType"] for e in bundle["entry"]}
    assert {"Patient", "QuestionnaireResponse", "Condition", "RiskAssessment"} <= kinds


def test_the_questionnaire_validates(validator: Any, engine: Engine) -> None:
    assert problems(validator, questionnaire(engine)) == []


@pytest.mark.parametrize(
    ("kind", "spoil"),
    [
        # a coding where a CodeableConcept belongs (the schema's datatypes declare no
        # "type": "object", so a bare string would pass; an unknown element does not)
        ("Condition", lambda r: r.update(verificationStatus={"code": "differential"})),
        ("Condition", lambda r: r.update(probability=0.4)),  # no such element
        ("RiskAssessment", lambda r: r["prediction"][0].update(probabilityDecimal="40 %")),
        ("Observation", lambda r: r.pop("code")),  # required
        ("Patient", lambda r: r.update(gender="f")),  # not in the value set
        ("Patient", lambda r: r.update(gender=1)),
    ],
)
def test_the_schema_catches_a_broken_resource(
    validator: Any, engine: Engine, kind: str, spoil: Any
) -> None:
    """So the test above can fail: each of these is a real mistake an exporter could make."""
    bundle: dict[str, Any] = copy.deepcopy(fhir_bundle(make(engine, "diuretic"), engine=engine))
    resource = next(e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind)
    spoil(resource)
    assert problems(validator, bundle)


# -- which causes are Conditions ----------------------------------------------------------------
@pytest.mark.parametrize("story", sorted(STORIES))
def test_only_causes_from_the_threshold_are_conditions(engine: Engine, story: str) -> None:
    report = make(engine, story, diary=False)
    bundle = fhir_bundle(report, engine=engine)
    ranked = report.result.conditions
    expected = [
        c.clinical_name
        for c in ranked
        if c.probability >= fhir.CONDITION_MIN_PROBABILITY or c.explains_level
    ][: fhir.MAX_CONDITIONS]
    conditions = as_dicts(bundle, "Condition")
    assert [c["code"]["text"] for c in conditions] == expected
    assert {c["verificationStatus"]["coding"][0]["code"] for c in conditions} == {"differential"}
    # below the threshold: in the ranking, never a Condition
    small = [c for c in ranked if c.probability < 0.05 and not c.explains_level]
    assert small
    assert not {c.clinical_name for c in small} & {c["code"]["text"] for c in conditions}


def test_the_droop_bundle_has_no_unlikely_condition(engine: Engine) -> None:
    """The issue's example: a cause at about 1 in 100 (then F15.929) must not land on a
    problem list; it stays in the full ranking."""
    report = make(engine, "droop", diary=False)
    unlikely = [
        c
        for c in report.result.conditions
        if c.probability < fhir.CONDITION_MIN_PROBABILITY and not c.explains_level
    ]
    assert unlikely
    bundle = fhir_bundle(report, engine=engine)
    codes = {
        coding["code"] for c in as_dicts(bundle, "Condition") for coding in c["code"]["coding"]
    }
    assert not {code for c in unlikely for code in c.icd10} & codes
    explaining = {c.icd10[0] for c in report.result.conditions if c.explains_level}
    assert "I63.9" in explaining <= codes  # the causes that explain the ambulance
    (risk,) = as_dicts(bundle, "RiskAssessment")
    outcomes = {c["code"] for p in risk["prediction"] for c in p["outcome"].get("coding", [])}
    assert {c.icd10[0] for c in unlikely} <= outcomes  # still in the full ranking


def test_the_risk_assessment_keeps_the_full_ranking_and_says_which_are_conditions(
    engine: Engine,
) -> None:
    report = make(engine, "coffee", diary=False)
    bundle = fhir_bundle(report, engine=engine)
    (risk,) = as_dicts(bundle, "RiskAssessment")
    predictions = risk["prediction"]
    assert [p["probabilityDecimal"] for p in predictions] == [
        c.probability for c in report.result.conditions
    ]
    listed = {c["code"]["text"] for c in as_dicts(bundle, "Condition")}
    for prediction in predictions:
        in_list = prediction["outcome"]["text"] in listed
        assert ("also a Condition" in prediction["rationale"]) is in_list
        assert ("not a Condition" in prediction["rationale"]) is not in_list


def test_an_emergency_cause_is_a_condition_whatever_its_probability(engine: Engine) -> None:
    """The threshold is lower the worse a missed disease (Pauker & Kassirer 1980): a cause
    that explains an emergency level is a Condition even at 1 %."""
    cause = make(engine, "droop", diary=False).result.conditions[0]
    assert fhir.is_condition(cause.model_copy(update={"probability": 0.01}))
    assert not fhir.is_condition(
        cause.model_copy(update={"probability": 0.01, "explains_level": False})
    )
    assert fhir.is_condition(
        cause.model_copy(
            update={"probability": fhir.CONDITION_MIN_PROBABILITY, "explains_level": False}
        )
    )
