"""The pydantic models that validate the knowledge base's files (``knowledge/data``).

Each model forbids unknown keys, so that a misspelt key is an error rather than a silently
ignored value, and holds its fields' constraints and the rules across them. The code reads
the validated files as the records of :mod:`spasmcheck.knowledge.schema` (the same fields,
and the behaviour); this module, and pydantic, are imported only where a file is validated:
``spasmcheck kb check``, a start without the command line's cache, the server, the tests
(:mod:`spasmcheck.knowledge.validated`, issue 16 item 8).
"""

from __future__ import annotations

import re
import string
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

from spasmcheck.knowledge.policy import (
    DurationUnit,
    MapView,
    MeasurementPart,
    MeasurementReading,
    PatternId,
)
from spasmcheck.knowledge.schema import (
    HPO_PATTERN,
    ICD10CM_PATTERN,
    ID_PATTERN,
    SNOMED_PATTERN,
    Acuteness,
    Category,
    FindingKind,
    SourceKind,
    TriageLevel,
)

Identifier = Annotated[str, Field(pattern=ID_PATTERN, min_length=2, max_length=64)]
Probability = Annotated[float, Field(gt=0.0, lt=1.0)]


class _Strict(BaseModel):
    # The validators are built on the first validation (``kb check``, a start without the
    # cache), not at import: a cached start never needs them (knowledge/validated.py).
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


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


def _snomed_id(value: str) -> str:
    if not SNOMED_PATTERN.match(value):
        raise ValueError(f"not a SNOMED CT concept id: {value!r}")
    return value


# A SNOMED CT concept id, checked for shape wherever a finding or a condition carries one.
SnomedId = Annotated[str, AfterValidator(_snomed_id)]


class Codes(_Strict):
    snomed: SnomedId | None = None
    hpo: str | None = None

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
    # Figures of speech: word groups (the same form as concepts) that hold this finding's words
    # and mean something else ("can't stop talking" is not lost speech, "blue in the face from
    # shouting" is not a child turning blue). A reading of this finding whose words fall inside
    # one is dropped, and the figure's words are not handed to the semantic fallback.
    figures: list[list[str]] = Field(default_factory=list)
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
    # Phrases that mean this finding only in a text that also affirms one of
    # ``in_context_of``: "bleeding" is vaginal bleeding when the person says she is pregnant,
    # and means nothing in particular otherwise (spasmcheck.language.parser).
    context_synonyms: list[str] = Field(default_factory=list)
    in_context_of: list[Identifier] = Field(default_factory=list)
    # Words that, in the same sentence, say a context phrase is about something else ("my
    # nose bled"): one word each, read after stemming.
    context_unless: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _context_pair(self) -> Finding:
        if bool(self.context_synonyms) != bool(self.in_context_of):
            raise ValueError("context_synonyms and in_context_of go together")
        if self.context_unless and not self.context_synonyms:
            raise ValueError("context_unless needs context_synonyms")
        if any(len(word.split()) != 1 for word in self.context_unless):
            raise ValueError("context_unless holds single words")
        if self.id in self.in_context_of:
            raise ValueError("a finding cannot be its own context")
        return self

    @field_validator("concepts", "denials", "figures")
    @classmethod
    def _concepts(cls, value: list[list[str]]) -> list[list[str]]:
        for concept in value:
            if concept and re.fullmatch(r"@[1-9]\d?s?", concept[0]):
                # "@N": the concept's own span limit, in tokens; "@Ns": within one sentence
                concept = concept[1:]
            if not concept:
                raise ValueError("a concept needs at least one word group")
            for group in concept:
                alternatives = [a.strip() for a in group.split("|")]
                if not all(alternatives) or any(a != " ".join(a.split()) for a in alternatives):
                    raise ValueError(f"empty or badly spaced alternative in {group!r}")
        return value

    @field_validator("synonyms", "misspellings", "context_synonyms")
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
    snomed: SnomedId | None = None
    summary: str = Field(min_length=20)  # a lay explanation in two or three sentences
    prior: Prior
    triage: TriageLevel  # the usual level when this is the cause
    acuteness: Acuteness
    findings: list[FindingLink] = Field(min_length=1)
    advice: list[Advice] = Field(min_length=1)
    sources: Citations
    # True only for the explicit "other / unlisted cause".
    is_other: bool = False
    # Findings of which one is nearly always told when this is the cause: the exposure or the
    # complaint that defines it (heat for heat stroke, a snake for a snake bite, diarrhoea or
    # vomiting for a tummy bug). A description that tells none of them weighs against the cause
    # (:data:`spasmcheck.reasoning.inference.UNTOLD_EXPOSURE_LR`, docs/model.md).
    told_with_any: list[Identifier] = Field(default_factory=list)

    @field_validator("icd10")
    @classmethod
    def _icd10(cls, value: list[str]) -> list[str]:
        for code in value:
            if not ICD10CM_PATTERN.match(code):
                raise ValueError(f"not an ICD-10-CM code: {code!r}")
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
    # What keeps the rule firing against ``unless_alone`` only (``still_when_any`` is shared by
    # every context): a new context can bring its own list without changing the others'.
    alone_still_when_any: list[Identifier] = Field(default_factory=list)
    # The same for the ``unless``/``unless_any`` context only.
    unless_still_when_any: list[Identifier] = Field(default_factory=list)
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

    @model_validator(mode="after")
    def _has_findings(self) -> RedFlag:
        if not self.all_of and not self.any_of:
            raise ValueError("a red flag needs all_of or any_of")
        if self.needs_age and self.min_age is None and self.max_age is None:
            raise ValueError("needs_age is for a rule with min_age or max_age")
        if self.needs_age and self.level.is_emergency:
            raise ValueError("an emergency rule applies when the age is unknown (the safe side)")
        return self


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


# --- the policy files (knowledge/data/policy; read as spasmcheck.knowledge.policy's records)

Count = Annotated[int, Field(ge=0, le=1000)]
Share = Annotated[float, Field(ge=0.0, le=1.0)]


class PolicyModel(BaseModel):
    """A policy file: strict, frozen, and able to list its references and citations."""

    # Validators are built on first validation, never on a cached start (knowledge/validated.py).
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class CitedGroups(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    groups: list[Identifier] = Field(min_length=1)
    cite: Citations


class InterviewPolicy(PolicyModel):
    """``policy/interview.yaml``: the interview's thresholds and its choice groups
    (docs/model.md, "The interview")."""

    measured_in: str = Field(min_length=10)
    max_questions: Annotated[int, Field(ge=1, le=100)]
    max_screening: Count
    max_unknown_answers: Count
    max_escalation: Count
    screen_lift: Annotated[float, Field(gt=0.0, le=100.0)]
    screen_min_probability: Share
    stop_top_probability: Share
    min_gain_bits: Annotated[float, Field(ge=0.0, le=10.0)]
    stability_candidates: Annotated[int, Field(ge=1, le=1000)]
    min_questions: Count
    screen_levels: dict[TriageLevel, Annotated[float, Field(gt=0.0, le=10.0)]]
    why_min_probability: Share
    why_min_llr: Annotated[float, Field(ge=0.0, le=10.0)]
    choice_groups: list[Identifier] = Field(min_length=1)
    duration_groups: list[Identifier]
    self_care_checks: CitedGroups
    # Asked first after the emergency screen, in this order, each only when the text has not
    # already answered any of its options: where, and about you (docs/model.md).
    first_groups: CitedGroups
    # The order a choice group's options are shown in, where the knowledge base's file order
    # would read at random (the findings of one group live in several files): the listed
    # findings first, in this order, then the group's others.
    option_order: dict[Identifier, list[Identifier]] = {}

    @model_validator(mode="after")
    def _subsets(self) -> InterviewPolicy:
        choice = set(self.choice_groups)
        if len(choice) != len(self.choice_groups):
            raise ValueError("choice_groups lists a group twice")
        for name, groups in (
            ("duration_groups", self.duration_groups),
            ("self_care_checks", self.self_care_checks.groups),
            ("first_groups", self.first_groups.groups),
        ):
            outside = [g for g in groups if g not in choice]
            if outside:
                raise ValueError(f"{name}: {outside[0]!r} is not one of the choice_groups")
        for group, order in self.option_order.items():
            if group not in choice:
                raise ValueError(f"option_order: {group!r} is not one of the choice_groups")
            if len(set(order)) != len(order):
                raise ValueError(f"option_order: {group!r} lists an option twice")
        if self.min_questions > self.max_questions:
            raise ValueError("min_questions is greater than max_questions")
        return self


class EpisodeFindings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    seconds: Identifier
    minutes: Identifier
    hours: Identifier


class HistoryBand(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    from_days: Annotated[int, Field(ge=0, le=36500)]
    finding: Identifier


class DurationPolicy(PolicyModel):
    """``policy/durations.yaml``: how a stated duration becomes a course finding, for the
    parser (:mod:`spasmcheck.language.durations`) and the diary's span alike."""

    episode: EpisodeFindings
    started_recently: Identifier
    days_per_unit: dict[DurationUnit, Annotated[int, Field(ge=1, le=366)]]
    history: list[HistoryBand] = Field(min_length=2)
    lifelong: Identifier
    for_ages: Identifier
    vague_amount: Annotated[int, Field(ge=1, le=100)]
    numbers: dict[Annotated[str, Field(pattern=r"^[a-z]+$")], Annotated[int, Field(ge=1)]]
    cite: Citations

    @model_validator(mode="after")
    def _bands(self) -> DurationPolicy:
        starts = [band.from_days for band in self.history]
        if starts[0] != 0 or starts != sorted(set(starts)):
            raise ValueError("history bands must start at day 0 and rise strictly")
        if set(self.days_per_unit) != set(DurationUnit):
            raise ValueError("days_per_unit needs days, weeks, months and years")
        return self


class MeasurementScale(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    unit: str = Field(pattern=r"^[a-z_]+$")
    # Words right after the number that name this scale ("c", "mg/dl", "%"); none: the scale
    # reads a bare number inside [low, high).
    words: list[Annotated[str, Field(min_length=1, max_length=12)]] = Field(default_factory=list)
    low: float
    high: float
    # Only a number written with a decimal point ("3.2", not "26").
    decimal: bool = False
    offset: float = 0.0
    factor: float = Field(default=1.0, gt=0.0)

    @model_validator(mode="after")
    def _range(self) -> MeasurementScale:
        if self.low >= self.high:
            raise ValueError("a scale's low must be below its high")
        return self


class MeasurementBand(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    part: MeasurementPart = MeasurementPart.VALUE
    low: float | None = None
    high: float | None = None
    finding: Identifier
    reading: MeasurementReading

    @model_validator(mode="after")
    def _bounds(self) -> MeasurementBand:
        if self.low is None and self.high is None:
            raise ValueError("a band needs low, high or both")
        if self.low is not None and self.high is not None and self.low >= self.high:
            raise ValueError("a band's low must be below its high")
        return self


class Quantity(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    id: Identifier
    # Two numbers, "systolic/diastolic" or "systolic over diastolic" (blood pressure).
    pair: bool = False
    # Single words that name the quantity, and phrases of several words.
    cues: list[Annotated[str, Field(pattern=r"^[a-z0-9]+$")]] = Field(min_length=1)
    phrases: list[Annotated[str, Field(pattern=r"^[a-z0-9 ]+$")]] = Field(default_factory=list)
    # Units that name the quantity without a cue word ("200 bpm").
    alone: list[Annotated[str, Field(pattern=r"^[a-z ]+$")]] = Field(default_factory=list)
    # A number is read only with one of the scales' unit words after it: "fell 20 feet" is a
    # height, "fell 3 times" is not.
    needs_unit: bool = False
    scales: list[MeasurementScale] = Field(min_length=1)
    bands: list[MeasurementBand] = Field(min_length=1)
    cite: Citations

    @model_validator(mode="after")
    def _parts(self) -> Quantity:
        if self.needs_unit and not all(scale.words for scale in self.scales):
            raise ValueError(f"{self.id}: a quantity that needs a unit names one on every scale")
        for band in self.bands:
            if (band.part is MeasurementPart.VALUE) == self.pair:
                raise ValueError(
                    f"{self.id}: a pair quantity's bands read systolic or diastolic, "
                    "any other's read the value"
                )
        return self


class MeasurementPolicy(PolicyModel):
    """``policy/measurements.yaml``: measured values in free text and the findings their
    values affirm or deny (:mod:`spasmcheck.language.measurements`)."""

    quantities: list[Quantity] = Field(min_length=1)
    cite: Citations

    @model_validator(mode="after")
    def _unique(self) -> MeasurementPolicy:
        ids = [q.id for q in self.quantities]
        if len(ids) != len(set(ids)):
            raise ValueError("quantity ids must be unique")
        return self


def _placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


def _template(template: str, allowed: set[str], needed: set[str]) -> str:
    found = _placeholders(template)
    if found - allowed:
        raise ValueError(f"unknown placeholder {sorted(found - allowed)[0]!r} in {template!r}")
    if needed - found:
        raise ValueError(f"{template!r} needs {{{sorted(needed - found)[0]}}}")
    if not template.endswith("?"):
        raise ValueError(f"a question must end with '?': {template!r}")
    return template


class CategoryQuestion(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    category: Category
    template: str = Field(min_length=10)
    cite: Citations

    @model_validator(mode="after")
    def _fields(self) -> CategoryQuestion:
        _template(self.template, {"names", "drugs"}, set())
        return self


class BloodTestQuestion(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    categories: list[Category] = Field(min_length=1)
    template: str = Field(min_length=10)
    cite: Citations

    @model_validator(mode="after")
    def _fields(self) -> BloodTestQuestion:
        _template(self.template, {"names"}, {"names"})
        return self


class DiaryQuestion(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    template: str = Field(min_length=10)
    patterns: dict[PatternId, Annotated[str, Field(min_length=5)]]
    cite: Citations

    @model_validator(mode="after")
    def _fields(self) -> DiaryQuestion:
        _template(self.template, {"patterns"}, {"patterns"})
        return self


class ClosingQuestion(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    text: str = Field(min_length=10)
    cite: Citations

    @model_validator(mode="after")
    def _fields(self) -> ClosingQuestion:
        _template(self.text, set(), set())
        return self


class DoctorQuestionPolicy(PolicyModel):
    """``policy/doctor_questions.yaml``: the report's "questions for your doctor", one cited
    template per condition category (:func:`spasmcheck.export.report.doctor_questions`)."""

    categories: list[CategoryQuestion]
    blood_test: BloodTestQuestion
    diary: DiaryQuestion
    closing: ClosingQuestion

    @model_validator(mode="after")
    def _each_category_once(self) -> DoctorQuestionPolicy:
        seen = [q.category for q in self.categories] + list(self.blood_test.categories)
        twice = sorted({c.value for c in seen if seen.count(c) > 1})
        if twice:
            raise ValueError(f"category {twice[0]!r} has two questions")
        return self


_SVG_PATH = r"^[MLCAZmlcaz0-9 ,.\-]+$"


class MapPart(BaseModel):
    """One shape: SVG path data, an ellipse (cx, cy, rx, ry) or a named shape; with
    ``both_sides`` its mirror image about the figure's midline too."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    views: list[MapView] = Field(default_factory=lambda: [MapView.FRONT, MapView.BACK])
    path: Annotated[str, Field(pattern=_SVG_PATH)] | None = None
    ellipse: tuple[float, float, float, float] | None = None
    shape: Identifier | None = None
    both_sides: bool = False

    @model_validator(mode="after")
    def _one_kind(self) -> MapPart:
        if sum(x is not None for x in (self.path, self.ellipse, self.shape)) != 1:
            raise ValueError("a part is exactly one of path, ellipse or shape")
        if not self.views:
            raise ValueError("a part needs at least one view")
        return self


class MapRegion(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    finding: Identifier
    parts: list[MapPart] = Field(min_length=1)


class BodyMapPolicy(PolicyModel):
    """``policy/bodymap.yaml``: the body map's shapes and the location finding of each
    region (:mod:`spasmcheck.web.bodymap`)."""

    shapes: dict[Identifier, Annotated[str, Field(pattern=_SVG_PATH)]]
    outline: list[MapPart] = Field(min_length=1)
    regions: list[MapRegion] = Field(min_length=1)
    non_spatial: list[Identifier]
    labels: dict[Identifier, Annotated[str, Field(min_length=3)]]

    @model_validator(mode="after")
    def _consistent(self) -> BodyMapPolicy:
        parts = [*self.outline, *(p for r in self.regions for p in r.parts)]
        unknown = sorted({p.shape for p in parts if p.shape and p.shape not in self.shapes})
        if unknown:
            raise ValueError(f"unknown shape {unknown[0]!r}")
        ids = [r.finding for r in self.regions] + list(self.non_spatial)
        twice = sorted({i for i in ids if ids.count(i) > 1})
        if twice:
            raise ValueError(f"{twice[0]!r} is listed twice (a region or non-spatial, once)")
        return self


class _Rule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    findings: list[Identifier] = Field(min_length=1)


class PersistenceRule(_Rule):
    min_weeks: Annotated[int, Field(ge=1, le=52)]
    of_last_weeks: Annotated[int, Field(ge=1, le=52)]

    @model_validator(mode="after")
    def _within(self) -> PersistenceRule:
        if self.min_weeks > self.of_last_weeks:
            raise ValueError("min_weeks is more than of_last_weeks")
        return self


class FrequentRule(_Rule):
    min_span_days: Annotated[int, Field(ge=1, le=3660)]
    min_days_per_week: Annotated[int, Field(ge=1, le=7)]


class SpreadRule(_Rule):
    baseline_days: Annotated[int, Field(ge=1, le=3660)]
    min_span_days: Annotated[int, Field(ge=1, le=3660)]


class NightRule(_Rule):
    min_episodes: Annotated[int, Field(ge=1, le=1000)]
    min_share: Share


class NewMedicineRule(_Rule):
    first_episodes: Annotated[int, Field(ge=1, le=1000)]
    first_days: Annotated[int, Field(ge=1, le=3660)]


class RetriagePatterns(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    persistence: PersistenceRule
    frequent: FrequentRule
    worsening: _Rule
    spread: SpreadRule
    night_disturbance: NightRule
    new_medicine: NewMedicineRule


Hour = Annotated[int, Field(ge=0, le=23)]


class RetriagePolicy(PolicyModel):
    """``policy/retriage.yaml``: the diary patterns that become evidence, their thresholds and
    findings, and the diary's descriptive findings (:mod:`spasmcheck.diary.summary`)."""

    patterns: RetriagePatterns
    night_start_hour: Hour
    night_end_hour: Hour
    significance: Annotated[float, Field(gt=0.0, lt=1.0)]
    min_trend_weeks: Annotated[int, Field(ge=2, le=520)]
    kind_findings: dict[Identifier, Identifier] = Field(min_length=1)
    at_night: Identifier
    pregnancy: Identifier
    cite: Citations
