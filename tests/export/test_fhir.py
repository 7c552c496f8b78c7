"""The FHIR R4B export: validated by fhir.resources, round-tripped, and its codes checked here.

fhir.resources checks structure and types only, so the code systems and value sets the
resources use are checked by these tests against the knowledge base and the FHIR value sets.
"""

from __future__ import annotations

import json
import re
import uuid
from collections import Counter
from collections.abc import Mapping
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, cast
from zoneinfo import ZoneInfo

import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.patient import Patient
from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.riskassessment import RiskAssessment

from spasmcheck.diary.model import ContextFactor, Episode, EpisodeKind, RemedyName
from spasmcheck.export import fhir
from spasmcheck.export.model import ReportInput
from spasmcheck.knowledge.loader import KnowledgeBase
from spasmcheck.knowledge.policy import interview_policy
from spasmcheck.knowledge.schema import ICD10CM_PATTERN, TriageLevel
from spasmcheck.reasoning.chance import chance_percent, chance_words
from spasmcheck.reasoning.engine import Engine
from spasmcheck.reasoning.evidence import Evidence, Origin, Status
from spasmcheck.reasoning.public import AssessmentInput, AssessmentPublic

DOCS = Path(__file__).resolve().parents[2] / "docs" / "export.md"

# FHIR value sets (R4) the export draws from.
ADMINISTRATIVE_GENDER = {"male", "female", "other", "unknown"}
OBSERVATION_STATUS = {
    "registered",
    "preliminary",
    "final",
    "amended",
    "corrected",
    "cancelled",
    "entered-in-error",
    "unknown",
}
CONDITION_VER_STATUS = {
    "unconfirmed",
    "provisional",
    "differential",
    "confirmed",
    "refuted",
    "entered-in-error",
}
OBSERVATION_CATEGORY = {
    "social-history",
    "vital-signs",
    "imaging",
    "laboratory",
    "procedure",
    "survey",
    "exam",
    "therapy",
    "activity",
}
RISK_STATUS = {
    "registered",
    "preliminary",
    "final",
    "amended",
    "corrected",
    "cancelled",
    "entered-in-error",
    "unknown",
}
QR_STATUS = {"in-progress", "completed", "amended", "entered-in-error", "stopped"}
DIARY_CODES = {
    "spasm-episode",
    "severity",
    "episode-kind",
    "body-site",
    "context",
    "medicine",
    "remedy-helped",
    "remedy-did-not-help",
    "remedy-tried",
    "diary-trend",
    "frequency-trend",
    "severity-trend",
}
KNOWN_SYSTEMS = {
    fhir.SNOMED,
    fhir.HPO,
    fhir.ICD10CM,
    fhir.LOINC,
    fhir.UCUM,
    fhir.GENDER_SYSTEM,
    fhir.VER_STATUS_SYSTEM,
    fhir.OBSERVATION_CATEGORY,
    fhir.TRIAGE_SYSTEM,
    fhir.DIARY_SYSTEM,
    fhir.EPISODE_KIND_SYSTEM,
    fhir.CONTEXT_SYSTEM,
    fhir.REMEDY_SYSTEM,
    fhir.TREND_SYSTEM,
}
HPO_PATTERN = re.compile(r"^HP:[0-9]{7}$")
TZ = "Europe/Berlin"
TEXT = "I get painful cramps in my calves at night, I take a diuretic"


# The exporter types its JSON strictly (JsonObject); these tests read it as plain JSON.
def fhir_bundle(report: ReportInput, *, engine: Engine) -> dict[str, Any]:
    return cast(dict[str, Any], fhir.fhir_bundle(report, engine=engine))


def questionnaire(engine: Engine) -> dict[str, Any]:
    return cast(dict[str, Any], fhir.questionnaire(engine))


def resources_of(bundle: Mapping[str, Any], resource_type: str) -> list[dict[str, Any]]:
    return cast(list[dict[str, Any]], fhir.resources_of(cast(Any, bundle), resource_type))


def local(y: int, m: int, d: int, h: int = 12, mi: int = 0) -> datetime:
    return datetime(y, m, d, h, mi, tzinfo=ZoneInfo(TZ))


def episodes() -> list[Episode]:
    return [
        # 00:30 local on the first day is 23:30 UTC the day before: inside the range.
        Episode(
            id=11,
            started_at=local(2026, 11, 1, 0, 30),
            duration_seconds=90,
            locations=["loc_calf", "loc_foot"],
            kind="cramp",
            severity=8,
            context=["exercise", "new_medicine"],
            medicine_name="Bendroflumethiazide 2.5 mg",
            remedies=[{"name": "stretching", "helped": True}, {"name": "heat", "helped": None}],
            notes='woke me up, "worst yet"\nhad to stand',
        ),
        Episode(
            id=12,
            started_at=local(2026, 11, 9, 22, 15),
            duration_seconds=0,
            locations=["loc_legs_both"],
            kind="twitch",
            severity=2,
            remedies=[{"name": "massage", "helped": False}],
        ),
        Episode(
            started_at=local(2026, 11, 20, 23, 59),
            duration_seconds=300,
            locations=["loc_thigh"],
            kind="sustained_pull",
            severity=0,
            context=["caffeine"],
        ),
        # Outside the range: the day before the start and the day after the end (local).
        Episode(
            id=13,
            started_at=local(2026, 10, 31, 23, 59),
            duration_seconds=60,
            locations=["loc_calf"],
            kind="cramp",
            severity=5,
        ),
        Episode(
            id=14,
            started_at=local(2026, 11, 21, 0, 1),
            duration_seconds=60,
            locations=["loc_calf"],
            kind="jerk",
            severity=5,
        ),
    ]


IN_RANGE = 3


def result_json(report: ReportInput) -> dict[str, Any]:
    """The saved result as JSON, as an outside tool reads it."""
    return report.result.model_dump(mode="json")


def make_report(
    engine: Engine,
    text: str = TEXT,
    age: int | None = 50,
    sex: str | None = "female",
    evidence: tuple[Evidence, ...] = (),
    **extra: Any,
) -> ReportInput:
    result = AssessmentPublic.of(engine.assess(text, age, sex, evidence))
    defaults: dict[str, Any] = {
        "assessment_id": 7,
        "created_at": datetime(2026, 11, 21, 9, 30, tzinfo=UTC),
        "input": AssessmentInput.model_validate({"text": text, "age": age, "sex": sex}),
        "result": result,
        "episodes": episodes(),
        "start": date(2026, 11, 1),
        "end": date(2026, 11, 20),
        "timezone": TZ,
    }
    defaults.update(extra)
    return ReportInput(**defaults)


ANSWERS = (
    # A screened warning sign, denied; a "don't know"; an answered yes.
    Evidence("calf_swelling", Status.ABSENT, Origin.ANSWER, screening=True),
    Evidence("weakness", Status.UNKNOWN, Origin.ANSWER),
    Evidence("after_exercise", Status.PRESENT, Origin.ANSWER),
)


@pytest.fixture(scope="module")
def report(engine: Engine) -> ReportInput:
    return make_report(engine, evidence=ANSWERS)


@pytest.fixture(scope="module")
def bundle(report: ReportInput, engine: Engine) -> dict[str, Any]:
    return fhir_bundle(report, engine=engine)


@pytest.fixture(scope="module")
def canonical(engine: Engine) -> dict[str, Any]:
    return questionnaire(engine)


def codings(concept: dict[str, Any]) -> list[dict[str, Any]]:
    return list(concept.get("coding") or [])


def walk(value: Any) -> Any:
    """Every dict inside value (depth first)."""
    if isinstance(value, dict):
        yield value
        for item in value.values():
            yield from walk(item)
    elif isinstance(value, list):
        for item in value:
            yield from walk(item)


def episode_observations(bundle: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        o
        for o in resources_of(bundle, "Observation")
        if any(c["code"] == "spasm-episode" for c in codings(o["code"]))
    ]


def finding_observations(bundle: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        o
        for o in resources_of(bundle, "Observation")
        if "valueBoolean" in o  # findings are the yes/no observations
    ]


def components(observation: dict[str, Any], code: str) -> list[dict[str, Any]]:
    return [c for c in observation["component"] if codings(c["code"])[0]["code"] == code]


# --- structure ----------------------------------------------------------------------------------


def test_bundle_validates_as_r4b_collection(bundle: dict[str, Any]) -> None:
    parsed = Bundle.model_validate(bundle)
    assert parsed.type == "collection"
    counts = Counter(e["resource"]["resourceType"] for e in bundle["entry"])
    assert counts["Patient"] == 1
    assert counts["QuestionnaireResponse"] == 1
    assert counts["RiskAssessment"] == 1
    # the diuretic story: three causes from 5 % up (41 %, 26 %, 6 %); the fourth is at 4.6 %
    assert counts["Condition"] == 3
    assert set(counts) == {
        "Patient",
        "QuestionnaireResponse",
        "Observation",
        "Condition",
        "RiskAssessment",
    }


def test_full_urls_are_unique_uuids_and_every_reference_resolves(bundle: dict[str, Any]) -> None:
    urls = [e["fullUrl"] for e in bundle["entry"]]
    assert len(urls) == len(set(urls))
    for entry in bundle["entry"]:
        assert entry["fullUrl"].startswith("urn:uuid:")
        uid = entry["fullUrl"].removeprefix("urn:uuid:")
        assert str(uuid.UUID(uid)) == uid
        assert entry["resource"]["id"] == uid
    references = [d["reference"] for d in walk(bundle) if "reference" in d]
    assert references
    assert set(references) <= set(urls)


def test_the_same_input_gives_the_same_bundle(report: ReportInput, engine: Engine) -> None:
    first = fhir_bundle(report, engine=engine)
    assert fhir_bundle(report, engine=engine) == first
    other = fhir_bundle(make_report(engine, evidence=ANSWERS, assessment_id=8), engine=engine)
    assert {e["fullUrl"] for e in other["entry"]}.isdisjoint({e["fullUrl"] for e in first["entry"]})


def test_round_trip_gives_the_same_content(bundle: dict[str, Any]) -> None:
    text = json.dumps(bundle)
    parsed = Bundle.model_validate_json(text)
    back = json.loads(parsed.model_dump_json())
    assert back == bundle  # every resource, code and value survives
    assert parsed.entry is not None
    kinds = Counter(type(e.resource).__name__ for e in parsed.entry)
    assert kinds == Counter(e["resource"]["resourceType"] for e in bundle["entry"])


def test_round_trip_keeps_values_in_the_library_types(bundle: dict[str, Any]) -> None:
    parsed = Bundle.model_validate_json(json.dumps(bundle))
    assert parsed.entry is not None
    resources = [e.resource for e in parsed.entry]
    (risk,) = [r for r in resources if isinstance(r, RiskAssessment)]
    expected = [
        p["probabilityDecimal"] for p in resources_of(bundle, "RiskAssessment")[0]["prediction"]
    ]
    assert risk.prediction is not None
    assert [float(p.probabilityDecimal or 0) for p in risk.prediction] == expected
    severities = sorted(
        c.valueInteger
        for r in resources
        if isinstance(r, Observation) and r.component
        for c in r.component
        if c.code.coding and c.code.coding[0].code == "severity" and c.valueInteger is not None
    )
    assert severities == [0, 2, 8]
    (patient,) = [r for r in resources if isinstance(r, Patient)]
    assert patient.gender == "female"


# --- Patient ------------------------------------------------------------------------------------


def test_patient_has_gender_only_and_age_as_a_loinc_observation(bundle: dict[str, Any]) -> None:
    (patient,) = resources_of(bundle, "Patient")
    assert set(patient) == {"resourceType", "id", "gender"}
    assert patient["gender"] in ADMINISTRATIVE_GENDER
    assert patient["gender"] == "female"
    ages = [
        o
        for o in resources_of(bundle, "Observation")
        if codings(o["code"]) and codings(o["code"])[0]["system"] == fhir.LOINC
    ]
    (age,) = ages
    assert codings(age["code"])[0]["code"] == "30525-0"
    assert age["valueQuantity"] == {
        "value": 50,
        "unit": "years",
        "system": "http://unitsofmeasure.org",
        "code": "a",
    }


def test_name_only_when_the_person_adds_one(engine: Engine) -> None:
    named = fhir_bundle(make_report(engine, person_label="Ana B."), engine=engine)
    (patient,) = resources_of(named, "Patient")
    assert patient["name"] == [{"text": "Ana B."}]
    assert "birthDate" not in patient


def test_unknown_age_and_sex_are_left_out(engine: Engine) -> None:
    bundle = fhir_bundle(make_report(engine, age=None, sex=None), engine=engine)
    Bundle.model_validate(bundle)
    (patient,) = resources_of(bundle, "Patient")
    assert "gender" not in patient
    assert not any("valueQuantity" in o for o in resources_of(bundle, "Observation"))


# --- findings -----------------------------------------------------------------------------------


def test_an_observation_per_known_finding_with_knowledge_base_codes(
    bundle: dict[str, Any], report: ReportInput, kb: KnowledgeBase
) -> None:
    known = [f for f in result_json(report)["findings"] if f["status"] in ("present", "absent")]
    skipped = [f for f in result_json(report)["findings"] if f["status"] == "unknown"]
    assert skipped, "the fixture has a don't-know answer"
    observations = finding_observations(bundle)
    assert len(observations) == len(known)
    for item, observation in zip(known, observations, strict=True):
        finding = kb.finding_by_id[item["finding"]]
        assert observation["valueBoolean"] is (item["status"] == "present")
        assert observation["code"]["text"] == finding.name
        got = {(c["system"], c["code"]) for c in codings(observation["code"])}
        want = set()
        if finding.codes.snomed:
            want.add((fhir.SNOMED, finding.codes.snomed))
        if finding.codes.hpo:
            want.add((fhir.HPO, finding.codes.hpo))
        assert got == want  # text-only when the knowledge base has no code
    assert any(not codings(o["code"]) for o in observations) or all(
        kb.finding_by_id[i["finding"]].codes.snomed or kb.finding_by_id[i["finding"]].codes.hpo
        for i in known
    )
    denied = next(
        o for o in observations if o["code"]["text"] == kb.finding_by_id["calf_swelling"].name
    )
    assert denied["valueBoolean"] is False
    assert "warning sign screened" in denied["note"][0]["text"]


def test_a_finding_without_codes_is_text_only(engine: Engine, kb: KnowledgeBase) -> None:
    # loc_calf has no SNOMED CT or HPO code in the knowledge base.
    assert not kb.finding_by_id["loc_calf"].codes.snomed
    assert not kb.finding_by_id["loc_calf"].codes.hpo
    bundle = fhir_bundle(make_report(engine, "cramps in my calf"), engine=engine)
    calf = [o for o in finding_observations(bundle) if o["code"]["text"] == "Calf"]
    assert calf and calf[0]["code"] == {"text": "Calf"}


def test_an_older_result_with_ids_the_knowledge_base_lost_still_exports(engine: Engine) -> None:
    report = make_report(engine)
    result = result_json(report)
    result["findings"] = [
        *result["findings"],
        {"finding": "retired_finding", "status": "present", "origin": "answer"},
    ]
    gone = {**result["conditions"][0], "id": "retired_cause", "snomed": None}
    result["conditions"] = [gone, *result["conditions"][1:]]
    older = AssessmentPublic.model_validate(result)
    bundle = fhir_bundle(ReportInput(**{**report.__dict__, "result": older}), engine=engine)
    texts = [o["code"] for o in finding_observations(bundle)]
    assert {"text": "retired finding"} in texts
    (response,) = resources_of(bundle, "QuestionnaireResponse")
    assert "retired_finding" not in json.dumps(response)  # not a Questionnaire item


# --- conditions ---------------------------------------------------------------------------------


def test_conditions_are_the_causes_above_the_threshold_with_icd10_and_snomed(
    bundle: dict[str, Any], report: ReportInput, kb: KnowledgeBase
) -> None:
    conditions = resources_of(bundle, "Condition")
    ranked = [
        c
        for c in result_json(report)["conditions"]
        if c["probability"] >= fhir.CONDITION_MIN_PROBABILITY or c["explains_level"]
    ][: fhir.MAX_CONDITIONS]
    assert 0 < len(conditions) == len(ranked) < len(result_json(report)["conditions"])
    for cause, condition in zip(ranked, conditions, strict=True):
        source = kb.condition_by_id[cause["id"]]
        icd = [c["code"] for c in codings(condition["code"]) if c["system"] == fhir.ICD10CM]
        assert icd == source.icd10
        snomed = [c["code"] for c in codings(condition["code"]) if c["system"] == fhir.SNOMED]
        assert snomed == ([source.snomed] if source.snomed else [])
        assert condition["code"]["text"] == source.clinical_name
        assert any(fhir.NOT_A_DIAGNOSIS in n["text"] for n in condition["note"])
        # the narrative uses the wording every screen shares
        words = f"{chance_words(cause['probability'])} ({chance_percent(cause['probability'])})"
        assert words in condition["note"][0]["text"]
        (status,) = codings(condition["verificationStatus"])
        assert status["system"] == "http://terminology.hl7.org/CodeSystem/condition-ver-status"
        assert status["code"] in CONDITION_VER_STATUS
        assert "clinicalStatus" not in condition  # unknown: the export claims no more


def test_every_condition_is_differential(bundle: dict[str, Any]) -> None:
    statuses = [
        codings(c["verificationStatus"])[0]["code"] for c in resources_of(bundle, "Condition")
    ]
    assert statuses and set(statuses) == {"differential"}


def test_a_likely_top_cause_is_still_differential(engine: Engine) -> None:
    """Issue 14 item 21: nobody has examined the person, so even a cause the model favours
    clearly (at least one half) is a differential, never provisional."""
    report = make_report(
        engine,
        "my left eyelid keeps flickering for a few seconds at a time when I am tired and "
        "drink lots of coffee",
    )
    assert result_json(report)["conditions"][0]["probability"] >= 0.5
    bundle = fhir_bundle(report, engine=engine)
    statuses = [
        codings(c["verificationStatus"])[0]["code"] for c in resources_of(bundle, "Condition")
    ]
    assert statuses and set(statuses) == {"differential"}


def test_condition_evidence_points_at_finding_observations(bundle: dict[str, Any]) -> None:
    findings = {
        e["fullUrl"]
        for e in bundle["entry"]
        if e["resource"]["resourceType"] == "Observation" and "valueBoolean" in e["resource"]
    }
    details = [
        d["reference"]
        for c in resources_of(bundle, "Condition")
        for e in c.get("evidence", [])
        for d in e["detail"]
    ]
    assert details and set(details) <= findings


# --- risk assessment ----------------------------------------------------------------------------


def test_risk_assessment_has_every_probability_and_the_triage(
    bundle: dict[str, Any], report: ReportInput, kb: KnowledgeBase
) -> None:
    (risk,) = resources_of(bundle, "RiskAssessment")
    assert risk["status"] in RISK_STATUS
    predictions = risk["prediction"]
    assert [p["probabilityDecimal"] for p in predictions] == [
        c["probability"] for c in result_json(report)["conditions"]
    ]
    assert all(0 <= p["probabilityDecimal"] <= 1 for p in predictions)
    (extension,) = risk["extension"]
    assert extension["url"] == fhir.TRIAGE_EXTENSION
    (level,) = codings(extension["valueCodeableConcept"])
    assert level["system"] == fhir.TRIAGE_SYSTEM
    assert level["code"] in {t.value for t in TriageLevel}
    assert level["code"] == result_json(report)["triage"]["level"]
    notes = [n["text"] for n in risk["note"]]
    for reason in result_json(report)["triage"]["reasons"]:
        assert f"Triage reason: {reason}" in notes
    swelling = kb.finding_by_id["calf_swelling"].name
    assert any("denied" in n and swelling in n for n in notes)
    assert risk["mitigation"] == result_json(report)["triage"]["action"]


def test_red_flags_reach_the_risk_assessment(engine: Engine) -> None:
    report = make_report(
        engine, "sudden cramps in my legs with weakness and I cannot breathe properly"
    )
    assert result_json(report)["red_flags"]
    (risk,) = resources_of(fhir_bundle(report, engine=engine), "RiskAssessment")
    assert codings(risk["extension"][0]["valueCodeableConcept"])[0]["code"] == "emergency_ambulance"
    notes = [n["text"] for n in risk["note"]]
    for flag in result_json(report)["red_flags"]:
        assert f"Warning sign present: {flag}" in notes


# --- diary episodes -----------------------------------------------------------------------------


def test_only_the_episodes_in_the_local_range(bundle: dict[str, Any]) -> None:
    observations = episode_observations(bundle)
    assert len(observations) == IN_RANGE
    ids = [i["value"] for o in observations for i in o.get("identifier", [])]
    assert ids == ["11", "12"]  # the third has no id; 13 and 14 are outside the range


def test_episode_time_site_severity_kind_and_context(
    bundle: dict[str, Any], kb: KnowledgeBase
) -> None:
    first, second, third = episode_observations(bundle)
    assert first["effectivePeriod"] == {
        "start": "2026-10-31T23:30:00Z",
        "end": "2026-10-31T23:31:30Z",
    }
    assert second["effectiveDateTime"] == "2026-11-09T21:15:00Z"  # no duration: an instant
    assert "effectivePeriod" not in second
    assert first["bodySite"] == {"text": "Calf"}
    assert [c["valueCodeableConcept"]["text"] for c in components(first, "body-site")] == [
        "Calf",
        "Foot or toes",
    ]
    legs = components(second, "body-site")[0]["valueCodeableConcept"]
    assert codings(legs) == []  # no SNOMED CT body-site code in the knowledge base
    assert [
        c["valueInteger"] for o in (first, second, third) for c in components(o, "severity")
    ] == [
        8,
        2,
        0,
    ]
    (kind,) = components(first, "episode-kind")
    kind_codes = {(c["system"], c["code"]) for c in codings(kind["valueCodeableConcept"])}
    assert (fhir.EPISODE_KIND_SYSTEM, "cramp") in kind_codes
    assert (fhir.SNOMED, kb.finding_by_id["cramp"].codes.snomed) in kind_codes
    context = [codings(c["valueCodeableConcept"])[0]["code"] for c in components(first, "context")]
    assert context == ["exercise", "new_medicine"]
    assert components(first, "medicine")[0]["valueString"] == "Bendroflumethiazide 2.5 mg"
    assert [
        codings(c["valueCodeableConcept"])[0]["code"] for c in components(first, "remedy-helped")
    ] == ["stretching"]
    assert len(components(first, "remedy-tried")) == 1
    assert len(components(second, "remedy-did-not-help")) == 1
    assert first["note"] == [{"text": 'woke me up, "worst yet"\nhad to stand'}]


def test_no_range_means_no_diary(engine: Engine) -> None:
    bundle = fhir_bundle(make_report(engine, start=None, end=None), engine=engine)
    assert episode_observations(bundle) == []


# --- code systems and value sets ----------------------------------------------------------------


def test_every_coding_is_from_a_known_system_with_valid_codes(
    bundle: dict[str, Any], kb: KnowledgeBase
) -> None:
    snomed_ids = {f.codes.snomed for f in kb.findings} | {c.snomed for c in kb.conditions}
    hpo_ids = {f.codes.hpo for f in kb.findings}
    icd_codes = {code for c in kb.conditions for code in c.icd10}
    seen: set[str] = set()
    for item in walk(bundle):
        if "system" not in item or "code" not in item or item["system"] == "urn:ietf:rfc:3986":
            continue
        system, code = item["system"], item["code"]
        seen.add(system)
        assert system in KNOWN_SYSTEMS, system
        if system == fhir.SNOMED:
            assert code.isdigit() and code in snomed_ids
        elif system == fhir.HPO:
            assert HPO_PATTERN.match(code) and code in hpo_ids
        elif system == fhir.ICD10CM:
            assert ICD10CM_PATTERN.match(code) and code in icd_codes
        elif system == fhir.VER_STATUS_SYSTEM:
            assert code in CONDITION_VER_STATUS
        elif system == fhir.OBSERVATION_CATEGORY:
            assert code in OBSERVATION_CATEGORY
        elif system == fhir.GENDER_SYSTEM:
            assert code in ADMINISTRATIVE_GENDER
        elif system == fhir.TRIAGE_SYSTEM:
            assert code in {t.value for t in TriageLevel}
        elif system == fhir.DIARY_SYSTEM:
            assert code in DIARY_CODES
        elif system == fhir.EPISODE_KIND_SYSTEM:
            assert code in {k.value for k in EpisodeKind}
        elif system == fhir.CONTEXT_SYSTEM:
            assert code in {c.value for c in ContextFactor}
        elif system == fhir.REMEDY_SYSTEM:
            assert code in {r.value for r in RemedyName}
        elif system == fhir.LOINC:
            assert code == "30525-0"
        elif system == fhir.UCUM:
            assert code == "a"
    assert {fhir.SNOMED, fhir.HPO, fhir.ICD10CM, fhir.TRIAGE_SYSTEM} <= seen


def test_statuses_are_from_their_value_sets(bundle: dict[str, Any]) -> None:
    for observation in resources_of(bundle, "Observation"):
        assert observation["status"] in OBSERVATION_STATUS
        assert observation["category"][0]["coding"][0]["code"] in OBSERVATION_CATEGORY
        assert observation["code"].get("text")
    (response,) = resources_of(bundle, "QuestionnaireResponse")
    assert response["status"] in QR_STATUS


def test_every_system_is_documented() -> None:
    text = DOCS.read_text(encoding="utf-8")
    for system in KNOWN_SYSTEMS | {fhir.QUESTIONNAIRE_URL, fhir.TRIAGE_EXTENSION}:
        assert system in text, system
    for code in DIARY_CODES:
        assert f"`{code}`" in text, code


# --- Questionnaire ------------------------------------------------------------------------------


def items_of(items: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for item in items:
        assert item["linkId"] not in found, f"duplicate linkId {item['linkId']}"
        found[item["linkId"]] = item
        for link, child in items_of(item.get("item", [])).items():
            assert link not in found, f"duplicate linkId {link}"
            found[link] = child
    return found


def test_questionnaire_validates_and_asks_every_finding(
    canonical: dict[str, Any], kb: KnowledgeBase
) -> None:
    Questionnaire.model_validate(canonical)
    assert canonical["url"] == fhir.QUESTIONNAIRE_URL
    assert canonical["version"] == kb.version
    assert canonical["status"] == "active"
    items = items_of(canonical["item"])
    for finding in kb.findings:
        if finding.ask:
            item = items[finding.id]
            assert item["type"] == "boolean"
            assert item["text"] == finding.question
    groups = {i["linkId"] for i in canonical["item"] if i["type"] == "group"}
    # The interview's choice groups, and only those: a finding of any other group is asked,
    # and published, on its own (one list: policy/interview.yaml).
    asked = set(interview_policy().choice_groups)
    used = {f.group for f in kb.findings if f.ask and f.group in asked}
    assert groups == {fhir.GROUP_PREFIX + g for g in used}
    assert {"movement", "trigger"}.isdisjoint(used)
    for group in canonical["item"]:
        if group["type"] == "group":
            members = {i["linkId"] for i in group["item"]}
            expected = {
                f.id
                for f in kb.findings
                if f.ask and f.group == group["linkId"].removeprefix(fhir.GROUP_PREFIX)
            }
            assert members == expected


def test_questionnaire_item_codes_come_from_the_knowledge_base(
    canonical: dict[str, Any], kb: KnowledgeBase
) -> None:
    for link, item in items_of(canonical["item"]).items():
        for coding in item.get("code", []):
            finding = kb.finding_by_id[link]
            assert coding["code"] in (finding.codes.snomed, finding.codes.hpo)


def test_response_links_to_the_questionnaire_and_its_items(
    bundle: dict[str, Any], canonical: dict[str, Any], report: ReportInput
) -> None:
    (response,) = resources_of(bundle, "QuestionnaireResponse")
    assert response["questionnaire"] == f"{canonical['url']}|{canonical['version']}"
    items = items_of(canonical["item"])
    top = {i["linkId"] for i in canonical["item"]}

    def check(answered: list[dict[str, Any]], allowed: set[str]) -> None:
        for item in answered:
            assert item["linkId"] in items
            assert item["linkId"] in allowed  # nested exactly as in the Questionnaire
            definition = items[item["linkId"]]
            if definition["type"] == "group":
                check(item["item"], {i["linkId"] for i in definition["item"]})
                continue
            (answer,) = item["answer"]
            value_key = {
                "boolean": "valueBoolean",
                "text": "valueString",
                "integer": "valueInteger",
                "choice": "valueCoding",
            }[definition["type"]]
            assert set(answer) == {value_key}

    check(response["item"], top)
    answers = {
        link: item["answer"][0]
        for link, item in items_of(response["item"]).items()
        if "answer" in item
    }
    assert answers[fhir.LINK_TEXT] == {"valueString": TEXT}
    assert answers[fhir.LINK_AGE] == {"valueInteger": 50}
    assert answers[fhir.LINK_SEX]["valueCoding"]["code"] == "female"
    for finding in result_json(report)["findings"]:
        if finding["status"] == "unknown":
            assert finding["finding"] not in answers
        else:
            assert answers[finding["finding"]] == {"valueBoolean": finding["status"] == "present"}
