"""The knowledge-base schema: what a condition, finding, red flag and source look like.

Everything medical in spasmcheck is data (YAML files under ``knowledge/data``) validated
against these pydantic models at load time. The models forbid unknown keys so that a
misspelt key is an error rather than a silently ignored value, and every closed
vocabulary (categories, triage levels, finding kinds) is an enum.

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
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

ID_PATTERN = r"^[a-z][a-z0-9_]*$"
ICD10CM_PATTERN = re.compile(r"^[A-TV-Z][0-9][0-9AB](\.[0-9A-TV-Z]{1,4})?$")
SNOMED_PATTERN = re.compile(r"^[1-9][0-9]{5,17}$")
HPO_PATTERN = re.compile(r"^HP:[0-9]{7}$")

Identifier = Annotated[str, Field(pattern=ID_PATTERN, min_length=2, max_length=64)]
Probability = Annotated[float, Field(gt=0.0, lt=1.0)]


class _Strict(BaseModel):
    # The validators are built on the first validation (``kb check``, a start without the
    # cache), not at import: a cached start never needs them (knowledge/validated.py).
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


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


class Source(_Strict):
    """An entry of the source catalogue (``sources.yaml``)."""

    id: Identifier
    kind: SourceKind
    title: str = Field(min_length=3)
    publisher: str | None = None
    year: int = Field(ge=1900, le=2030)
    file: str | None = None  # seed documents: their file name in shared/seeds
    sections: list[str] = Field(default_factory=list)  # seed documents: their headings
    url: str | None = None


class Citation(_Strict):
    """A pointer to a source, and for seed documents to the section the fact comes from."""

    source: Identifier
    section: str | None = None


Citations = Annotated[list[Citation], Field(min_length=1)]


class Codes(_Strict):
    snomed: str | None = None
    hpo: str | None = None

    @field_validator("snomed")
    @classmethod
    def _snomed(cls, value: str | None) -> str | None:
        if value is not None and not SNOMED_PATTERN.match(value):
            raise ValueError(f"not a SNOMED CT concept id: {value!r}")
        return value

    @field_validator("hpo")
    @classmethod
    def _hpo(cls, value: str | None) -> str | None:
        if value is not None and not HPO_PATTERN.match(value):
            raise ValueError(f"not an HPO id: {value!r}")
        return value


class Finding(_Strict):
    """Something a person can report: a kind of movement, a place, a time, a symptom..."""

    id: Identifier
    kind: FindingKind
    name: str = Field(min_length=3)  # short lay label, e.g. "Cramp in the calf"
    question: str = Field(min_length=8)  # interview question, answerable yes / no / don't know
    synonyms: list[str] = Field(min_length=1)  # lay phrases that mean this finding
    misspellings: list[str] = Field(default_factory=list)
    # Concepts: groups of words that must all occur in one clause, in any order, e.g.
    # ["swallow", "hard|difficult|trouble|wrong way"]; alternatives are separated by "|".
    # Read after stemming and normalisation (spasmcheck.language.concepts).
    concepts: list[list[str]] = Field(default_factory=list)
    # Denials: word groups that, together in one clause, say the finding is absent
    # ("his speech is normal", "I can breathe fine"). Same form as concepts.
    denials: list[list[str]] = Field(default_factory=list)
    codes: Codes = Field(default_factory=Codes)
    base_rate: Probability = 0.05
    # Question group for single / multiple choice questions (e.g. "location", "trigger").
    group: Identifier | None = None
    # False for findings that come only from text or the diary, never asked directly.
    ask: bool = True
    # When another finding implies this one (e.g. "calf" implies "leg"), list it here.
    implies: list[Identifier] = Field(default_factory=list)
    # False: only its own words read it, never the semantic fallback's resemblance (a
    # bystander's report such as "i think he's having a stroke" resembles the question "could
    # this be a stroke?", which must stay calm).
    by_resemblance: bool = True

    @field_validator("concepts", "denials")
    @classmethod
    def _concepts(cls, value: list[list[str]]) -> list[list[str]]:
        for concept in value:
            if concept and re.fullmatch(r"@[1-9]\d?", concept[0]):
                concept = concept[1:]  # "@N": the concept's own span limit, in tokens
            if not concept:
                raise ValueError("a concept needs at least one word group")
            for group in concept:
                alternatives = [a.strip() for a in group.split("|")]
                if not all(alternatives) or any(a != " ".join(a.split()) for a in alternatives):
                    raise ValueError(f"empty or badly spaced alternative in {group!r}")
        return value

    @field_validator("synonyms", "misspellings")
    @classmethod
    def _phrases(cls, value: list[str]) -> list[str]:
        for phrase in value:
            if not phrase.strip() or phrase != phrase.strip():
                raise ValueError(f"phrase has stray whitespace or is empty: {phrase!r}")
        return value


class FindingLink(_Strict):
    """How likely a finding is when a condition is the cause."""

    id: Identifier  # the finding's id
    p: Probability  # P(finding present | condition)
    # False where a "no" says little (the finding is often missed or not noticed).
    absence_informative: bool = True
    cite: Citations


class AgeFactor(_Strict):
    min_age: int = Field(ge=0, le=120)
    max_age: int = Field(ge=0, le=120)
    factor: float = Field(ge=0.0, le=100.0)

    @model_validator(mode="after")
    def _ordered(self) -> AgeFactor:
        if self.min_age > self.max_age:
            raise ValueError("min_age is greater than max_age")
        return self


class Prior(_Strict):
    """Relative base rate among people with spasm-like symptoms, before any findings."""

    base: float = Field(gt=0.0, le=1.0)
    age: list[AgeFactor] = Field(default_factory=list)
    female: float = Field(default=1.0, ge=0.0, le=100.0)
    male: float = Field(default=1.0, ge=0.0, le=100.0)
    cite: Citations


class Advice(_Strict):
    text: str = Field(min_length=10)
    cite: Citations
    # True for reassurance that only fits a self-care result ("harmless", "wait for it to
    # pass"): the engine leaves it out whenever the level is more urgent, so the advice never
    # contradicts "see a doctor" or "call now" (issue 11).
    self_care_only: bool = False


class Condition(_Strict):
    id: Identifier
    name: str = Field(min_length=3)  # lay name
    clinical_name: str = Field(min_length=3)
    category: Category
    icd10: list[str] = Field(min_length=1)
    snomed: str | None = None
    summary: str = Field(min_length=20)  # a lay explanation in two or three sentences
    prior: Prior
    triage: TriageLevel  # the usual level when this is the cause
    acuteness: Acuteness
    findings: list[FindingLink] = Field(min_length=1)
    advice: list[Advice] = Field(min_length=1)
    sources: Citations
    # True only for the explicit "other / unlisted cause".
    is_other: bool = False

    @field_validator("icd10")
    @classmethod
    def _icd10(cls, value: list[str]) -> list[str]:
        for code in value:
            if not ICD10CM_PATTERN.match(code):
                raise ValueError(f"not an ICD-10-CM code: {code!r}")
        return value

    @field_validator("snomed")
    @classmethod
    def _snomed(cls, value: str | None) -> str | None:
        if value is not None and not SNOMED_PATTERN.match(value):
            raise ValueError(f"not a SNOMED CT concept id: {value!r}")
        return value


class RedFlag(_Strict):
    """A finding, or a combination of findings, that sets a minimum triage level.

    The rule fires when every finding in ``all_of`` is present and, if ``any_of`` is not
    empty, at least one finding in it is present — unless every one of the ``unless``
    findings and, if ``unless_any`` is not empty, one of the ``unless_any`` findings is
    affirmed (e.g. breathlessness on exertion that has gone on for months is not an ambulance
    matter; severe pain that is a cramp with a cramp's course needs no same-day visit). The
    context is read from affirmed findings only: when it is not given, or given with doubt,
    the rule fires (the riskier reading); ``unless_alone`` is another context, enough on its
    own. A finding of ``still_when_any`` that is affirmed or given with doubt cancels the
    context: slurred speech that has been coming on for months is not a stroke, unless
    something came on suddenly too.
    """

    id: Identifier
    name: str = Field(min_length=3)
    level: TriageLevel
    all_of: list[Identifier] = Field(default_factory=list)
    any_of: list[Identifier] = Field(default_factory=list)
    unless: list[Identifier] = Field(default_factory=list)
    unless_any: list[Identifier] = Field(default_factory=list)
    still_when_any: list[Identifier] = Field(default_factory=list)
    # Another context, enough on its own: one of these affirmed silences the rule too.
    unless_alone: list[Identifier] = Field(default_factory=list)
    reason: str = Field(min_length=10)  # shown to the user: why this matters
    do_now: str = Field(min_length=10)  # shown to the user: what to do now
    cite: Citations
    # Optional age bounds (inclusive): the rule applies only within them; when the age is
    # unknown it applies (the safe side).
    min_age: int | None = Field(default=None, ge=0, le=120)
    max_age: int | None = Field(default=None, ge=0, le=120)
    # A rule about an age group whose findings are harmless at other ages ("twitching" is a
    # baby's rule only in a baby): with an unknown age it does not apply.
    needs_age: bool = False
    # Presentations that make this rule worth screening in the interview, whatever the
    # model's probabilities: a calf cramp is always asked about swelling (as NHS 111 and the
    # Manchester Triage System choose discriminators by presenting complaint).
    screen_when: list[Identifier] = Field(default_factory=list)

    def applies_to(self, age: int | None) -> bool:
        if age is None:
            return not self.needs_age
        return (self.min_age is None or age >= self.min_age) and (
            self.max_age is None or age <= self.max_age
        )

    @model_validator(mode="after")
    def _has_findings(self) -> RedFlag:
        if not self.all_of and not self.any_of:
            raise ValueError("a red flag needs all_of or any_of")
        if self.needs_age and self.min_age is None and self.max_age is None:
            raise ValueError("needs_age is for a rule with min_age or max_age")
        if self.needs_age and self.level.is_emergency:
            raise ValueError("an emergency rule applies when the age is unknown (the safe side)")
        return self

    @property
    def finding_ids(self) -> list[str]:
        return [*self.all_of, *self.any_of]

    def silenced_by(self, affirmed: Collection[str], known: Collection[str] = ()) -> bool:
        """True when the affirmed findings give the context that makes this rule not apply.

        ``known``: the findings affirmed or given with doubt; one of ``still_when_any`` among
        them (or among ``affirmed``) keeps the rule firing whatever the context.
        """
        if any(f in affirmed or f in known for f in self.still_when_any):
            return False
        if any(f in affirmed for f in self.unless_alone):
            return True
        if not self.unless and not self.unless_any:
            return False
        return all(f in affirmed for f in self.unless) and (
            not self.unless_any or any(f in affirmed for f in self.unless_any)
        )


class FindingFamily(_Strict):
    """Findings that describe the same thing, whose evidence must count once.

    A place and a movement in that place ("eyelid" and "eyelid twitching"), a symptom and its
    specific or severe form ("weakness" and "sudden weakness on one side"), an illness and its
    treatment. Naive Bayes would multiply their likelihood ratios as if they were independent;
    :mod:`spasmcheck.reasoning.inference` combines a family's members by one rule instead
    (docs/model.md). A finding belongs to at most one family.
    """

    id: Identifier
    members: list[Identifier] = Field(min_length=2)
    reason: str = Field(min_length=10)  # why these findings are not independent evidence


class FamilyFile(_Strict):
    families: list[FindingFamily]


class ConditionFile(_Strict):
    conditions: list[Condition]


class FindingFile(_Strict):
    findings: list[Finding]


class RedFlagFile(_Strict):
    red_flags: list[RedFlag]


class SourceFile(_Strict):
    sources: list[Source]


class QuestionGroup(_Strict):
    """A single- or multiple-choice question over findings that share ``Finding.group``."""

    id: Identifier
    question: str = Field(min_length=8)
    multiple: bool  # True: pick any; False: pick one
    cite: Citations | None = None


class QuestionGroupFile(_Strict):
    groups: list[QuestionGroup]


class LevelGuidance(_Strict):
    """What a triage level means for the person, and for emergencies what to do now."""

    level: TriageLevel
    label: str = Field(min_length=3)  # e.g. "Call an ambulance now"
    action: str = Field(min_length=10)  # what to do and how soon
    do_now: str | None = None  # emergencies: the immediate steps
    cite: Citations


class GuidanceFile(_Strict):
    disclaimer: str = Field(min_length=20)
    estimate_note: str = Field(min_length=20)
    levels: list[LevelGuidance]
    safety_net: list[Advice] = Field(min_length=1)


class ScreenOption(_Strict):
    """One warning sign on the emergency screen: a finding and its words for a lay person."""

    finding: Identifier
    label: str = Field(min_length=5)


class EmergencyScreen(_Strict):
    """The first question of every interview: one multiple-choice list of warning signs.

    Each option is a finding that fires an emergency red-flag rule on its own; the loader
    checks that, and that every finding that alone calls an ambulance is listed.
    """

    id: Identifier
    question: str = Field(min_length=8)
    why: str = Field(min_length=20)  # shown on "why are you asking?"
    options: list[ScreenOption] = Field(min_length=1)
    cite: Citations


class EmergencyScreenFile(_Strict):
    screen: EmergencyScreen
