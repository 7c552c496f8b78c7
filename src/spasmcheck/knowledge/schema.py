"""The knowledge-base schema: what a condition, finding, red flag and source look like.

Everything medical in spasmcheck is data (YAML files under ``knowledge/data``) validated
against pydantic models at load time (:mod:`spasmcheck.knowledge.models`: unknown keys are
errors rather than silently ignored values, every closed vocabulary — categories, triage
levels, finding kinds — is an enum, and each field has its constraints). The code reads the
validated data as the frozen records of this module, which have the models' fields and the
behaviour the engine needs; a start from the command line's cache makes them from their
validated plain form without importing the models or pydantic
(:mod:`spasmcheck.knowledge.validated`, issue 16 item 8).

Probabilities in this schema are read by :mod:`spasmcheck.reasoning.inference`:

* ``Finding.base_rate`` is P(finding present | a cause that is not linked to it): the
  background rate of the finding among people who seek help for spasm-like symptoms.
* ``FindingLink.p`` is P(finding present | this condition).
* ``Prior`` gives the relative frequency of a condition among the same population,
  multiplied by age-band and sex factors.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from enum import StrEnum

from spasmcheck.knowledge.validated import Record

# (the models check them: spasmcheck.knowledge.models)
ID_PATTERN = r"^[a-z][a-z0-9_]*$"
ICD10CM_PATTERN = re.compile(r"^[A-TV-Z][0-9][0-9AB](\.[0-9A-TV-Z]{1,4})?$")
SNOMED_PATTERN = re.compile(r"^[1-9][0-9]{5,17}$")
HPO_PATTERN = re.compile(r"^HP:[0-9]{7}$")

# The identifiers, probabilities and citation lists of the models (their constraints are
# the models'): plain types here.
Identifier = str
Probability = float

_MODELS = "spasmcheck.knowledge.models"


class TriageLevel(StrEnum):
    """The five triage levels of docs/contract.md, most urgent first."""

    EMERGENCY_AMBULANCE = "emergency_ambulance"
    EMERGENCY = "emergency"
    CONSULTATION_24 = "consultation_24"
    CONSULTATION = "consultation"
    SELF_CARE = "self_care"

    @property
    def urgency(self) -> int:
        """4 for the most urgent level down to 0 for self-care."""
        return _URGENCY[self]

    @classmethod
    def most_urgent(cls, levels: list[TriageLevel]) -> TriageLevel:
        return max(levels, key=lambda level: level.urgency, default=cls.SELF_CARE)

    @property
    def is_emergency(self) -> bool:
        return self in (TriageLevel.EMERGENCY_AMBULANCE, TriageLevel.EMERGENCY)


_URGENCY = {
    TriageLevel.EMERGENCY_AMBULANCE: 4,
    TriageLevel.EMERGENCY: 3,
    TriageLevel.CONSULTATION_24: 2,
    TriageLevel.CONSULTATION: 1,
    TriageLevel.SELF_CARE: 0,
}


class Category(StrEnum):
    BENIGN = "benign"
    LIFESTYLE = "lifestyle"
    MUSCULOSKELETAL = "musculoskeletal"
    OBSTETRIC_GYNAECOLOGICAL = "obstetric_gynaecological"
    ELECTROLYTE = "electrolyte"
    DEFICIENCY = "deficiency"
    METABOLIC = "metabolic"
    ENDOCRINE = "endocrine"
    MEDICATION = "medication"
    TOXIC = "toxic"
    INFECTION = "infection"
    NEUROLOGICAL = "neurological"
    MOVEMENT_DISORDER = "movement_disorder"
    DIGESTIVE = "digestive"
    UROLOGICAL = "urological"
    VASCULAR = "vascular"
    RESPIRATORY = "respiratory"
    PSYCHOLOGICAL = "psychological"
    OTHER = "other"


class Acuteness(StrEnum):
    ACUTE = "acute"  # hours to days, may be dangerous quickly
    SUBACUTE = "subacute"  # days to weeks
    CHRONIC = "chronic"  # months to years
    EPISODIC = "episodic"  # recurring attacks with normal spells between


class FindingKind(StrEnum):
    MOVEMENT = "movement"  # what the muscle does: cramp, twitch, jerk, twisting, rigidity, colic
    LOCATION = "location"
    TIMING = "timing"  # when episodes happen: night, exercise, after meals, periods
    COURSE = "course"  # episode length, how long it has been going on, frequency, trend
    TRIGGER = "trigger"
    RELIEF = "relief"
    SYMPTOM = "symptom"  # associated symptoms and signs
    MEDICINE = "medicine"
    SUBSTANCE = "substance"
    HISTORY = "history"  # past illness, surgery, pregnancy, exposures, diet
    DEMOGRAPHIC = "demographic"


class SourceKind(StrEnum):
    SEED = "seed"  # one of the two documents in shared/seeds
    GUIDELINE = "guideline"
    PAPER = "paper"
    REFERENCE = "reference"  # textbook, coding manual, reference site


def _record(name: str) -> str:
    return f"{_MODELS}.{name}"


class Source(Record):
    """An entry of the source catalogue (``sources.yaml``)."""

    __model__ = _record("Source")
    id: Identifier
    kind: SourceKind
    title: str
    publisher: str | None
    year: int
    file: str | None  # seed documents: their file name in shared/seeds
    sections: list[str]  # seed documents: their headings
    url: str | None


class Citation(Record):
    """A pointer to a source, and for seed documents to the section the fact comes from."""

    __model__ = _record("Citation")
    source: Identifier
    section: str | None


Citations = list[Citation]


class Codes(Record):
    __model__ = _record("Codes")
    snomed: str | None
    hpo: str | None


class Finding(Record):
    """Something a person can report: a kind of movement, a place, a time, a symptom...
    (the meaning of each field: :class:`spasmcheck.knowledge.models.Finding`)."""

    __model__ = _record("Finding")
    id: Identifier
    kind: FindingKind
    name: str
    question: str
    synonyms: list[str]
    misspellings: list[str]
    concepts: list[list[str]]
    denials: list[list[str]]
    figures: list[list[str]]
    codes: Codes
    base_rate: Probability
    group: Identifier | None
    ask: bool
    implies: list[Identifier]
    by_resemblance: bool
    context_synonyms: list[str]
    in_context_of: list[Identifier]
    context_unless: list[str]


class FindingLink(Record):
    """How likely a finding is when a condition is the cause."""

    __model__ = _record("FindingLink")
    id: Identifier  # the finding's id
    p: Probability  # P(finding present | condition)
    absence_informative: bool
    cite: Citations


class AgeFactor(Record):
    __model__ = _record("AgeFactor")
    min_age: int
    max_age: int
    factor: float


class Prior(Record):
    """Relative base rate among people with spasm-like symptoms, before any findings."""

    __model__ = _record("Prior")
    base: float
    age: list[AgeFactor]
    female: float
    male: float
    cite: Citations


class Advice(Record):
    __model__ = _record("Advice")
    text: str
    cite: Citations
    self_care_only: bool


class Condition(Record):
    __model__ = _record("Condition")
    id: Identifier
    name: str
    clinical_name: str
    category: Category
    icd10: list[str]
    snomed: str | None
    summary: str
    prior: Prior
    triage: TriageLevel
    acuteness: Acuteness
    findings: list[FindingLink]
    advice: list[Advice]
    sources: Citations
    is_other: bool
    told_with_any: list[Identifier]


class RedFlag(Record):
    """A finding, or a combination of findings, that sets a minimum triage level (the
    meaning of each field: :class:`spasmcheck.knowledge.models.RedFlag`)."""

    __model__ = _record("RedFlag")
    id: Identifier
    name: str
    level: TriageLevel
    all_of: list[Identifier]
    any_of: list[Identifier]
    unless: list[Identifier]
    unless_any: list[Identifier]
    still_when_any: list[Identifier]
    unless_alone: list[Identifier]
    alone_still_when_any: list[Identifier]
    unless_still_when_any: list[Identifier]
    reason: str
    do_now: str
    cite: Citations
    min_age: int | None
    max_age: int | None
    needs_age: bool
    screen_when: list[Identifier]

    def applies_to(self, age: int | None) -> bool:
        if age is None:
            return not self.needs_age
        return (self.min_age is None or age >= self.min_age) and (
            self.max_age is None or age <= self.max_age
        )

    @property
    def finding_ids(self) -> list[str]:
        return [*self.all_of, *self.any_of]

    @property
    def keeps_firing_on(self) -> bool:
        """True when some finding can keep this rule firing against a context (any of the
        ``still_when`` lists): a doubtful one then decides, so the affirmed-only reading may
        differ (reasoning.interview.affirmed_flags)."""
        return bool(self.still_when_any or self.alone_still_when_any or self.unless_still_when_any)

    @property
    def contextual(self) -> bool:
        """True when a context can silence this rule (:meth:`silenced_by` can return True)."""
        return bool(self.unless or self.unless_any or self.unless_alone)

    def silenced_by(self, affirmed: Collection[str], known: Collection[str] = ()) -> bool:
        """True when the affirmed findings give the context that makes this rule not apply.

        ``known``: the findings affirmed or given with doubt; one of ``still_when_any`` among
        them (or among ``affirmed``) keeps the rule firing whatever the context.
        """
        if any(f in affirmed or f in known for f in self.still_when_any):
            return False
        if any(f in affirmed for f in self.unless_alone) and not any(
            f in affirmed or f in known for f in self.alone_still_when_any
        ):
            return True
        if not self.unless and not self.unless_any:
            return False
        if any(f in affirmed or f in known for f in self.unless_still_when_any):
            return False
        return all(f in affirmed for f in self.unless) and (
            not self.unless_any or any(f in affirmed for f in self.unless_any)
        )


class FindingFamily(Record):
    """Findings that describe the same thing, whose evidence must count once (the model:
    :class:`spasmcheck.knowledge.models.FindingFamily`)."""

    __model__ = _record("FindingFamily")
    id: Identifier
    members: list[Identifier]
    reason: str


class FamilyFile(Record):
    __model__ = _record("FamilyFile")
    families: list[FindingFamily]


class ConditionFile(Record):
    __model__ = _record("ConditionFile")
    conditions: list[Condition]


class FindingFile(Record):
    __model__ = _record("FindingFile")
    findings: list[Finding]


class RedFlagFile(Record):
    __model__ = _record("RedFlagFile")
    red_flags: list[RedFlag]


class SourceFile(Record):
    __model__ = _record("SourceFile")
    sources: list[Source]


class QuestionGroup(Record):
    """A single- or multiple-choice question over findings that share ``Finding.group``."""

    __model__ = _record("QuestionGroup")
    id: Identifier
    question: str
    multiple: bool  # True: pick any; False: pick one
    cite: Citations | None


class QuestionGroupFile(Record):
    __model__ = _record("QuestionGroupFile")
    groups: list[QuestionGroup]


class LevelGuidance(Record):
    """What a triage level means for the person, and for emergencies what to do now."""

    __model__ = _record("LevelGuidance")
    level: TriageLevel
    label: str
    action: str
    do_now: str | None
    cite: Citations


class GuidanceFile(Record):
    __model__ = _record("GuidanceFile")
    disclaimer: str
    estimate_note: str
    levels: list[LevelGuidance]
    safety_net: list[Advice]


class ScreenOption(Record):
    """One warning sign on the emergency screen: a finding and its words for a lay person."""

    __model__ = _record("ScreenOption")
    finding: Identifier
    label: str


class EmergencyScreen(Record):
    """The first question of every interview: one multiple-choice list of warning signs."""

    __model__ = _record("EmergencyScreen")
    id: Identifier
    question: str
    why: str
    options: list[ScreenOption]
    cite: Citations


class EmergencyScreenFile(Record):
    __model__ = _record("EmergencyScreenFile")
    screen: EmergencyScreen
