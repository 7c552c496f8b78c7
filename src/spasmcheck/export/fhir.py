"""The FHIR R4 export: one saved assessment and its diary as an R4B ``Bundle`` (collection).

What goes in (docs/export.md has the full table):

* ``Patient``: administrative gender only, and a name only when the person added one
  (``ReportInput.person_label``). No birth date: the age goes in a separate ``Observation``
  coded LOINC 30525-0 "Age" with a UCUM quantity in years (``a``), the standard way to state
  an age without inventing a birth date or an extension.
* ``QuestionnaireResponse``: the interview (the person's words, age, sex, and every finding
  known present or absent), linked by canonical URL and version to :func:`questionnaire`.
* ``Observation`` per finding known present or absent (``valueBoolean``), coded SNOMED CT and
  HPO where the knowledge base has codes, otherwise a text-only ``CodeableConcept``.
* ``Condition`` only for a cause worth a clinician's differential (:func:`is_condition`): a
  probability of at least :data:`CONDITION_MIN_PROBABILITY`, or a cause that explains an
  emergency triage level; at most :data:`MAX_CONDITIONS`, verificationStatus ``differential``
  (nobody has examined the person). A Condition in a bundle can land on a problem list, so a
  coffee drinker's bundle must not carry stimulant intoxication at 1 %. Codings ICD-10-CM and
  SNOMED CT where present.
* ``RiskAssessment``: the full ranking, one prediction with ``probabilityDecimal`` per ranked
  cause (each says whether it is also a Condition), and the triage level as an extension
  holding a coding in the project code system :data:`TRIAGE_SYSTEM`, with the triage reasons
  as notes.
* ``Observation`` per diary episode in the report's range: effective time (a period when the
  episode has a duration), body site, and components for severity (``valueInteger`` 0-10),
  kind, body areas, context, remedies and medicine.
* ``Observation`` "diary trend": whether episodes come more or less often and grow stronger or
  milder, by the diary summary's tests, with the PDF's own "What changed" sentences.

Every ``fullUrl`` is a ``urn:uuid:`` made with :func:`uuid.uuid5` from the content, so the same
input always gives the same bundle. The bundle is validated with ``fhir.resources.R4B`` before
it is returned; the library checks structure and types, the project's tests check the codes.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from spasmcheck.diary.model import KIND_FINDINGS, Episode, Remedy
from spasmcheck.diary.summary import Direction
from spasmcheck.export.model import JsonObject, JsonValue, ReportInput
from spasmcheck.export.report import (
    FREQUENCY_WORDS,
    QUESTION_MIN_PROBABILITY,
    SEVERITY_WORDS,
    summarise_diary,
    what_changed,
)
from spasmcheck.knowledge.policy import interview_policy
from spasmcheck.knowledge.schema import Finding
from spasmcheck.reasoning.chance import chance_percent, chance_words
from spasmcheck.reasoning.evidence import Origin, Status
from spasmcheck.reasoning.public import ConditionPublic, EvidencePublic

if TYPE_CHECKING:
    from spasmcheck.reasoning.engine import Engine

# Standard code systems.
SNOMED = "http://snomed.info/sct"
HPO = "http://purl.obolibrary.org/obo/hp"
ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"
LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
GENDER_SYSTEM = "http://hl7.org/fhir/administrative-gender"
VER_STATUS_SYSTEM = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"

# Project code systems and canonical URLs (documented in docs/export.md).
BASE = "https://spasmcheck.org/fhir"
QUESTIONNAIRE_URL = f"{BASE}/Questionnaire/spasmcheck-interview"
TRIAGE_SYSTEM = f"{BASE}/CodeSystem/triage-level"
TRIAGE_EXTENSION = f"{BASE}/StructureDefinition/triage-level"
DIARY_SYSTEM = f"{BASE}/CodeSystem/diary"  # codes of the episode Observation and its parts
EPISODE_KIND_SYSTEM = f"{BASE}/CodeSystem/episode-kind"
CONTEXT_SYSTEM = f"{BASE}/CodeSystem/context-factor"
REMEDY_SYSTEM = f"{BASE}/CodeSystem/remedy"
# "Is it getting worse?": the diary summary's one answer (diary.summary.Direction).
TREND_SYSTEM = f"{BASE}/CodeSystem/trend-direction"
TREND_DISPLAY: dict[Direction, str] = {
    Direction.RISING: "Rising",
    Direction.FALLING: "Falling",
    Direction.NO_CLEAR_CHANGE: "No clear change",
    Direction.TOO_FEW_WEEKS: "Too few weeks to tell",
}
# FHIR R4's reason for a missing value (terminology.hl7.org CodeSystem data-absent-reason):
# the person logged the episode without a severity.
DATA_NOT_RECORDED: JsonObject = {
    "coding": [
        {
            "system": "http://terminology.hl7.org/CodeSystem/data-absent-reason",
            "code": "unknown",
            "display": "Unknown",
        }
    ],
    "text": "not recorded",
}

MAX_CONDITIONS = 5
# A cause becomes a Condition (a differential diagnosis a clinician may carry forward) only from
# this probability: the report's own cut-off for the causes that shape the questions for the
# doctor (export.report.QUESTION_MIN_PROBABILITY), so the PDF and the bundle put forward the
# same causes. Why a cut-off at all: Pauker & Kassirer's threshold approach (N Engl J Med
# 1980;302:1109-17) — below a testing threshold a diagnosis is not worked up, and that
# threshold is lower the more a missed disease harms; so a cause that explains an emergency
# triage level is a Condition whatever its probability. The number is the project's choice,
# not theirs (docs/export.md). Every cause stays in the RiskAssessment.
CONDITION_MIN_PROBABILITY = QUESTION_MIN_PROBABILITY
NOT_A_DIAGNOSIS = "estimate, not a diagnosis"

# linkIds of the Questionnaire that are not findings; finding ids never contain "." so these
# cannot collide with them.
LINK_TEXT = "input.text"
LINK_AGE = "input.age"
LINK_SEX = "input.sex"
GROUP_PREFIX = "group."


# Remedy outcome -> diary component code.
REMEDY_CODES = {True: "remedy-helped", False: "remedy-did-not-help", None: "remedy-tried"}

_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, BASE)


class FhirExportError(ValueError):
    """The bundle did not validate as FHIR R4B (a bug in this module, never the input)."""


# --- small builders ---------------------------------------------------------------------------


def _instant(value: datetime) -> str:
    """A FHIR dateTime in UTC written with ``Z``; naive values are taken as UTC."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _coding(system: str, code: str, display: str | None = None) -> JsonObject:
    coding: JsonObject = {"system": system, "code": code}
    if display:
        coding["display"] = display
    return coding


def _finding_codings(finding: Finding | None) -> list[JsonObject]:
    if finding is None:
        return []
    codings = []
    if finding.codes.snomed:
        codings.append(_coding(SNOMED, finding.codes.snomed))
    if finding.codes.hpo:
        codings.append(_coding(HPO, finding.codes.hpo))
    return codings


def _finding_concept(finding_id: str, finding: Finding | None) -> JsonObject:
    """SNOMED CT / HPO codings where the knowledge base has them, always the name as text."""
    concept: JsonObject = {}
    codings = _finding_codings(finding)
    if codings:
        concept["coding"] = codings
    concept["text"] = finding.name if finding is not None else finding_id.replace("_", " ")
    return concept


def _category(code: str, display: str) -> list[JsonObject]:
    return [{"coding": [_coding(OBSERVATION_CATEGORY, code, display)]}]


SURVEY = ("survey", "Survey")


def _ref(full_url: str) -> JsonObject:
    return {"reference": full_url}


class _Ids:
    """Deterministic urn:uuid identifiers, seeded by the report's content."""

    def __init__(self, seed: str) -> None:
        self.seed = seed

    def make(self, *parts: str) -> str:
        return str(uuid.uuid5(_NAMESPACE, "/".join((self.seed, *parts))))


def _digest(value: JsonValue) -> str:
    text = json.dumps(value, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _entry(uid: str, resource: JsonObject) -> JsonObject:
    ordered = {"resourceType": resource["resourceType"], "id": uid, **resource}
    return {"fullUrl": f"urn:uuid:{uid}", "resource": ordered}


# --- the Questionnaire ------------------------------------------------------------------------


def _finding_item(finding: Finding) -> JsonObject:
    item: JsonObject = {"linkId": finding.id}
    codings = _finding_codings(finding)
    if codings:
        item["code"] = codings
    item["text"] = finding.question
    item["type"] = "boolean"
    return item


def _layout(engine: Engine) -> list[tuple[str | None, list[Finding]]]:
    """The questionnaire's order: choice groups first, then the single yes/no questions.

    The choice groups are the interview's own (``policy/interview.yaml``): the findings of
    any other group are asked one at a time, so they are published one at a time."""
    kb = engine.kb
    asked = set(interview_policy().choice_groups)
    grouped: dict[str, list[Finding]] = {g.id: [] for g in kb.groups if g.id in asked}
    single: list[Finding] = []
    for finding in kb.findings:
        if not finding.ask:
            continue
        if finding.group is not None and finding.group in grouped:
            grouped[finding.group].append(finding)
        else:
            single.append(finding)
    layout: list[tuple[str | None, list[Finding]]] = [
        (group_id, members) for group_id, members in grouped.items() if members
    ]
    layout.append((None, single))
    return layout


def questionnaire(engine: Engine) -> JsonObject:
    """The canonical FHIR R4B ``Questionnaire`` of the interview (validated).

    One boolean item per askable finding (linkId = finding id, text = its question, code =
    its SNOMED CT / HPO codings), the choice groups as ``group`` items holding their findings'
    boolean items, and three items for the person's own words, age and sex.
    """
    from fhir.resources.R4B.questionnaire import Questionnaire

    kb = engine.kb
    items: list[JsonObject] = [
        {
            "linkId": LINK_TEXT,
            "text": "Describe your spasms in your own words.",
            "type": "text",
        },
        {"linkId": LINK_AGE, "text": "How old are you (years)?", "type": "integer"},
        {
            "linkId": LINK_SEX,
            "text": "What is your sex?",
            "type": "choice",
            "answerOption": [
                {"valueCoding": _coding(GENDER_SYSTEM, "female", "Female")},
                {"valueCoding": _coding(GENDER_SYSTEM, "male", "Male")},
            ],
        },
    ]
    for group_id, members in _layout(engine):
        if group_id is None:
            items.extend(_finding_item(f) for f in members)
            continue
        group = kb.group_by_id[group_id]
        hint = "choose every one that applies" if group.multiple else "choose one"
        items.append(
            {
                "linkId": GROUP_PREFIX + group.id,
                "text": f"{group.question} ({hint})",
                "type": "group",
                "item": [_finding_item(f) for f in members],
            }
        )
    resource: JsonObject = {
        "resourceType": "Questionnaire",
        "id": "spasmcheck-interview",
        "url": QUESTIONNAIRE_URL,
        "version": kb.version,
        "name": "SpasmcheckInterview",
        "title": "spasmcheck muscle spasm interview",
        "status": "active",
        "subjectType": ["Patient"],
        "description": (
            "The questions spasmcheck can ask about muscle spasms, cramps, twitches and jerks. "
            "Each finding is a yes/no question; choice groups list related findings."
        ),
        "item": items,
    }
    Questionnaire.model_validate(resource)
    return resource


# --- the Bundle -------------------------------------------------------------------------------


def _in_range(episode: Episode, report: ReportInput) -> bool:
    if report.start is None and report.end is None:
        return False
    day: date = episode.started_at.astimezone(ZoneInfo(report.timezone)).date()
    if report.start is not None and day < report.start:
        return False
    return report.end is None or day <= report.end


def diary_episodes(report: ReportInput) -> list[Episode]:
    """The report's episodes whose local start date is in its range, oldest first.

    No range (``start`` and ``end`` both None) means no diary section, hence no episodes.
    """
    chosen = [e for e in report.episodes if _in_range(e, report)]
    return sorted(chosen, key=lambda e: (e.started_at, e.id or 0))


def _patient(report: ReportInput) -> JsonObject:
    patient: JsonObject = {"resourceType": "Patient"}
    if report.person_label:
        patient["name"] = [{"text": report.person_label}]
    if report.input.sex is not None:
        patient["gender"] = report.input.sex
    return patient


def _age_observation(age: int, patient: str, when: str) -> JsonObject:
    return {
        "resourceType": "Observation",
        "status": "final",
        "category": _category(*SURVEY),
        "code": {"coding": [_coding(LOINC, "30525-0", "Age")], "text": "Age"},
        "subject": _ref(patient),
        "effectiveDateTime": when,
        "valueQuantity": {"value": age, "unit": "years", "system": UCUM, "code": "a"},
    }


def _known_findings(report: ReportInput) -> list[EvidencePublic]:
    """The result's findings known present or absent (unknown ones are skipped)."""
    return [f for f in report.result.findings if f.status is not Status.UNKNOWN and f.finding]


def _origin_note(item: EvidencePublic, finding: Finding | None) -> str:
    if item.origin is Origin.TEXT:
        text = item.text
        note = f'From the person\'s own words: "{text}"' if text else "From the person's words"
    elif item.origin is Origin.DIARY:
        note = "From the pattern of the symptom diary"
    else:
        question = item.question or (finding.question if finding else None)
        note = f'Answer to: "{question}"' if question else "Interview answer"
    if item.screening:
        note += " (warning sign screened)"
    return note


def _questionnaire_response(
    report: ReportInput,
    engine: Engine,
    patient: str,
    when: str,
    known: list[EvidencePublic],
) -> JsonObject:
    answers = {item.finding: item.status is Status.PRESENT for item in known}
    items: list[JsonObject] = []
    text = report.input.text
    if text.strip():
        items.append({"linkId": LINK_TEXT, "answer": [{"valueString": text}]})
    age = report.input.age
    if age is not None:
        items.append({"linkId": LINK_AGE, "answer": [{"valueInteger": age}]})
    sex = report.input.sex
    if sex is not None:
        display = "Female" if sex == "female" else "Male"
        items.append(
            {"linkId": LINK_SEX, "answer": [{"valueCoding": _coding(GENDER_SYSTEM, sex, display)}]}
        )

    def answered(finding: Finding) -> JsonObject:
        return {
            "linkId": finding.id,
            "text": finding.question,
            "answer": [{"valueBoolean": answers[finding.id]}],
        }

    for group_id, members in _layout(engine):
        inside = [answered(f) for f in members if f.id in answers]
        if not inside:
            continue
        if group_id is None:
            items.extend(inside)
        else:
            items.append({"linkId": GROUP_PREFIX + group_id, "item": inside})
    return {
        "resourceType": "QuestionnaireResponse",
        "questionnaire": f"{QUESTIONNAIRE_URL}|{engine.kb.version}",
        "status": "completed",
        "subject": _ref(patient),
        "source": _ref(patient),
        "authored": when,
        "item": items,
    }


def _finding_observation(
    item: EvidencePublic,
    finding: Finding | None,
    patient: str,
    when: str,
    response: str | None,
) -> JsonObject:
    observation: JsonObject = {
        "resourceType": "Observation",
        "status": "final",
        "category": _category(*SURVEY),
        "code": _finding_concept(item.finding, finding),
        "subject": _ref(patient),
        "effectiveDateTime": when,
        "valueBoolean": item.status is Status.PRESENT,
        "note": [{"text": _origin_note(item, finding)}],
    }
    if response is not None:
        observation["derivedFrom"] = [_ref(response)]
    return observation


def _condition_concept(cause: ConditionPublic) -> JsonObject:
    codings = [_coding(ICD10CM, code) for code in cause.icd10]
    if cause.snomed:
        codings.append(_coding(SNOMED, cause.snomed))
    concept: JsonObject = {}
    if codings:
        concept["coding"] = codings
    concept["text"] = cause.clinical_name or cause.name or cause.id
    return concept


def _percent(probability: float) -> str:
    """The shared wording (reasoning.chance): "about 4 in 10 (43 %)", never "100 %"."""
    return f"{chance_words(probability)} ({chance_percent(probability)})"


def is_condition(cause: ConditionPublic) -> bool:
    """Whether a ranked cause goes in the bundle as a ``Condition`` (the module docstring)."""
    return cause.probability >= CONDITION_MIN_PROBABILITY or cause.explains_level


def condition_causes(causes: Sequence[ConditionPublic]) -> list[ConditionPublic]:
    """The causes that become Conditions, in rank order, at most :data:`MAX_CONDITIONS`."""
    return [c for c in causes if is_condition(c)][:MAX_CONDITIONS]


def _condition(
    rank: int,
    cause: ConditionPublic,
    patient: str,
    when: str,
    observations: dict[str, str],
) -> JsonObject:
    probability = cause.probability
    status = "differential"  # an estimate for a person nobody has examined
    notes = [
        {
            "text": (
                f"Estimated probability {_percent(probability)} (rank {rank + 1}): "
                f"{NOT_A_DIAGNOSIS}."
            )
        }
    ]
    if cause.explains_level:
        notes.append({"text": "Explains the emergency triage level: listed before other causes."})
    if cause.evidence_for:
        notes.append({"text": "Evidence for: " + "; ".join(cause.evidence_for)})
    if cause.evidence_against:
        notes.append({"text": "Evidence against: " + "; ".join(cause.evidence_against)})
    condition: JsonObject = {
        "resourceType": "Condition",
        "verificationStatus": {"coding": [_coding(VER_STATUS_SYSTEM, status, status.capitalize())]},
        "code": _condition_concept(cause),
        "subject": _ref(patient),
        "recordedDate": when,
        "note": notes,
    }
    details = [_ref(observations[e.finding]) for e in cause.evidence if e.finding in observations]
    if details:
        condition["evidence"] = [{"detail": details}]
    return condition


def _risk_assessment(
    report: ReportInput,
    engine: Engine,
    patient: str,
    when: str,
    basis: list[str],
) -> JsonObject:
    result = report.result
    triage = result.triage
    level = triage.level.value
    label = triage.label or level
    listed = {c.id for c in condition_causes(result.conditions)}
    predictions: list[JsonObject] = [
        {
            "outcome": _condition_concept(cause),
            "probabilityDecimal": cause.probability,
            "rationale": (
                f"Rank {rank + 1}, {_percent(cause.probability)}: {NOT_A_DIAGNOSIS}; "
                + (
                    "also a Condition (differential)."
                    if cause.id in listed
                    else "not a Condition (below the differential threshold"
                    f" of {chance_percent(CONDITION_MIN_PROBABILITY)})."
                )
            ),
        }
        for rank, cause in enumerate(result.conditions)
    ]
    notes: list[JsonObject] = [{"text": f"Triage reason: {reason}"} for reason in triage.reasons]
    notes += [{"text": f"Do now: {step}"} for step in triage.do_now]
    notes += [{"text": f"Warning sign present: {flag}"} for flag in result.red_flags]
    denied = [f.finding for f in result.findings if f.screening and f.status is Status.ABSENT]
    if denied:
        names = [
            engine.kb.finding_by_id[i].name if i in engine.kb.finding_by_id else i for i in denied
        ]
        notes.append({"text": "Warning signs asked about and denied: " + "; ".join(names)})
    notes += [{"text": text} for text in (result.estimate_note, result.disclaimer) if text]
    risk: JsonObject = {
        "resourceType": "RiskAssessment",
        "status": "final",
        "code": {"text": "Likely causes of muscle spasms and triage (spasmcheck)"},
        "subject": _ref(patient),
        "occurrenceDateTime": when,
        "method": {
            "text": (
                "spasmcheck Bayesian model, knowledge base "
                f"{result.kb_version or engine.kb.version}"
            )
        },
        "basis": [_ref(b) for b in basis],
        "prediction": predictions,
        "note": notes,
    }
    if level:
        risk["extension"] = [
            {
                "url": TRIAGE_EXTENSION,
                "valueCodeableConcept": {
                    "coding": [_coding(TRIAGE_SYSTEM, level, label)],
                    "text": label,
                },
            }
        ]
    if triage.action:
        risk["mitigation"] = triage.action
    if not basis:
        del risk["basis"]
    if not predictions:
        del risk["prediction"]
    return risk


def _location_concept(location: str, engine: Engine) -> JsonObject:
    finding = engine.kb.finding_by_id.get(location)
    concept: JsonObject = {}
    if finding is not None and finding.codes.snomed:
        concept["coding"] = [_coding(SNOMED, finding.codes.snomed)]
    concept["text"] = finding.name if finding is not None else location.replace("_", " ")
    return concept


def _diary_code(code: str, display: str) -> JsonObject:
    return {"coding": [_coding(DIARY_SYSTEM, code, display)], "text": display}


def _remedy_component(remedy: Remedy) -> JsonObject:
    code = REMEDY_CODES[remedy.helped]
    display = {
        "remedy-helped": "Remedy tried, helped",
        "remedy-did-not-help": "Remedy tried, did not help",
        "remedy-tried": "Remedy tried, outcome not recorded",
    }[code]
    name = remedy.name.value
    return {
        "code": _diary_code(code, display),
        "valueCodeableConcept": {
            "coding": [_coding(REMEDY_SYSTEM, name)],
            "text": name.replace("_", " "),
        },
    }


def _episode_observation(episode: Episode, engine: Engine, patient: str) -> JsonObject:
    kind = episode.kind.value
    kind_finding = engine.kb.finding_by_id.get(KIND_FINDINGS[episode.kind])
    kind_concept: JsonObject = {
        "coding": [_coding(EPISODE_KIND_SYSTEM, kind), *_finding_codings(kind_finding)],
        "text": kind_finding.name if kind_finding is not None else kind.replace("_", " "),
    }
    severity: JsonObject = (
        {"valueInteger": episode.severity}
        if episode.severity is not None
        else {"dataAbsentReason": DATA_NOT_RECORDED}
    )
    components: list[JsonObject] = [
        {"code": _diary_code("severity", "Severity (0-10, self-rated)"), **severity},
        {
            "code": _diary_code("episode-kind", "Kind of episode"),
            "valueCodeableConcept": kind_concept,
        },
    ]
    components += [
        {
            "code": _diary_code("body-site", "Body area"),
            "valueCodeableConcept": _location_concept(location, engine),
        }
        for location in episode.locations
    ]
    components += [
        {
            "code": _diary_code("context", "Context"),
            "valueCodeableConcept": {
                "coding": [_coding(CONTEXT_SYSTEM, factor.value)],
                "text": factor.value.replace("_", " "),
            },
        }
        for factor in episode.context
    ]
    if episode.medicine_name:
        components.append(
            {
                "code": _diary_code("medicine", "New or changed medicine"),
                "valueString": episode.medicine_name,
            }
        )
    components += [_remedy_component(remedy) for remedy in episode.remedies]
    observation: JsonObject = {
        "resourceType": "Observation",
        "status": "final",
        "category": _category(*SURVEY),
        "code": _diary_code("spasm-episode", "Spasm episode (diary)"),
        "subject": _ref(patient),
    }
    start = episode.started_at
    if episode.duration_seconds:  # None: not recorded, so only the start is known
        end = start + timedelta(seconds=episode.duration_seconds)
        observation["effectivePeriod"] = {"start": _instant(start), "end": _instant(end)}
    else:
        observation["effectiveDateTime"] = _instant(start)
    observation["bodySite"] = _location_concept(episode.locations[0], engine)
    observation["component"] = components
    if episode.notes.strip():
        observation["note"] = [{"text": episode.notes}]
    if episode.id is not None:
        observation["identifier"] = [
            {"system": f"{BASE}/diary-episode-id", "value": str(episode.id)}
        ]
    return observation


def _trend_component(code: str, display: str, direction: Direction, words: str) -> JsonObject:
    return {
        "code": _diary_code(code, display),
        "valueCodeableConcept": {
            "coding": [_coding(TREND_SYSTEM, direction.value, TREND_DISPLAY[direction])],
            "text": words,
        },
    }


def _trend_observation(report: ReportInput, engine: Engine, patient: str) -> JsonObject | None:
    """The diary's answer to "is it getting worse?" — the same rule and the same sentences as
    the PDF's "What changed" and the web diary (diary.summary.Direction, issue 14 item 22)."""
    summary = summarise_diary(report)
    if summary is None or report.start is None or report.end is None or not summary.episodes:
        return None
    changed = what_changed(
        report.episodes, report.start, report.end, report.timezone, engine.kb, summary
    )
    frequency, severity = summary.trend.direction, summary.severity.direction
    components = [
        _trend_component(
            "frequency-trend", "How often episodes come", frequency, FREQUENCY_WORDS[frequency]
        )
    ]
    if summary.severity.mean is not None:
        components.append(
            _trend_component(
                "severity-trend", "How strong episodes are", severity, SEVERITY_WORDS[severity]
            )
        )
    return {
        "resourceType": "Observation",
        "status": "final",
        "category": _category(*SURVEY),
        "code": _diary_code("diary-trend", "Diary trend (is it getting worse?)"),
        "subject": _ref(patient),
        "effectivePeriod": {"start": report.start.isoformat(), "end": report.end.isoformat()},
        "component": components,
        "note": [{"text": sentence} for sentence in changed.sentences],
    }


def _seed(report: ReportInput) -> str:
    return _digest(
        {
            "assessment": report.assessment_id,
            "created_at": _instant(report.created_at),
            "input": report.input.model_dump(mode="json"),
            "result": report.result.model_dump(mode="json"),
            "person_label": report.person_label,
        }
    )


def fhir_bundle(report: ReportInput, *, engine: Engine) -> JsonObject:
    """The assessment and its diary range as a validated FHIR R4B ``Bundle`` (JSON-able dict).

    The same input always gives the same bundle: identifiers are uuid5 of the content, and the
    bundle's timestamp is ``report.generated_at`` when given, else the assessment's time.
    """
    from fhir.resources.R4B.bundle import Bundle

    kb = engine.kb
    ids = _Ids(_seed(report))
    when = _instant(report.created_at)
    entries: list[JsonObject] = []

    patient_id = ids.make("Patient")
    patient = f"urn:uuid:{patient_id}"
    entries.append(_entry(patient_id, _patient(report)))

    basis: list[str] = []
    age = report.input.age
    if age is not None:
        age_id = ids.make("Observation", "age")
        entries.append(_entry(age_id, _age_observation(age, patient, when)))
        basis.append(f"urn:uuid:{age_id}")

    known = _known_findings(report)
    response_id = ids.make("QuestionnaireResponse")
    response = f"urn:uuid:{response_id}"
    entries.append(
        _entry(response_id, _questionnaire_response(report, engine, patient, when, known))
    )
    asked = {f.id for _, members in _layout(engine) for f in members}

    observations: dict[str, str] = {}
    for item in known:
        finding_id = item.finding
        if finding_id in observations:
            continue
        finding = kb.finding_by_id.get(finding_id)
        uid = ids.make("Observation", "finding", finding_id)
        observations[finding_id] = f"urn:uuid:{uid}"
        source = response if finding_id in asked else None
        entries.append(_entry(uid, _finding_observation(item, finding, patient, when, source)))
    basis += observations.values()

    ranks = {c.id: rank for rank, c in enumerate(report.result.conditions)}
    for cause in condition_causes(report.result.conditions):
        rank = ranks[cause.id]
        uid = ids.make("Condition", cause.id)
        entries.append(_entry(uid, _condition(rank, cause, patient, when, observations)))

    risk_id = ids.make("RiskAssessment")
    entries.append(_entry(risk_id, _risk_assessment(report, engine, patient, when, basis)))

    for episode in diary_episodes(report):
        key = (
            str(episode.id) if episode.id is not None else _digest(episode.model_dump(mode="json"))
        )
        uid = ids.make("Observation", "episode", key)
        entries.append(_entry(uid, _episode_observation(episode, engine, patient)))

    trend = _trend_observation(report, engine, patient)
    if trend is not None:
        entries.append(_entry(ids.make("Observation", "diary-trend"), trend))

    bundle_id = ids.make("Bundle")
    bundle: JsonObject = {
        "resourceType": "Bundle",
        "id": bundle_id,
        "identifier": {"system": "urn:ietf:rfc:3986", "value": f"urn:uuid:{bundle_id}"},
        "type": "collection",
        "timestamp": _instant(report.generated_at or report.created_at),
        "entry": entries,
    }
    try:
        Bundle.model_validate(bundle)
    except ValueError as error:  # pydantic.ValidationError is a ValueError
        raise FhirExportError(f"the FHIR bundle does not validate: {error}") from error
    return bundle


def resources_of(bundle: JsonObject, resource_type: str) -> list[Mapping[str, JsonValue]]:
    """The bundle's resources of one type, in order (a helper for callers and tests)."""
    entries = bundle.get("entry")
    found: list[Mapping[str, JsonValue]] = []
    for entry in entries if isinstance(entries, list) else []:
        resource = entry.get("resource") if isinstance(entry, Mapping) else None
        if isinstance(resource, Mapping) and resource.get("resourceType") == resource_type:
            found.append(resource)
    return found


__all__ = [
    "FhirExportError",
    "condition_causes",
    "diary_episodes",
    "fhir_bundle",
    "is_condition",
    "questionnaire",
    "resources_of",
]
