"""Policy as data: the numbers and lists that decide behaviour, kept out of the code.

Each file under ``knowledge/data/policy/`` is validated by one pydantic model
(:mod:`spasmcheck.knowledge.models`: unknown keys are errors) and read as a record of this
module, then checked against the knowledge base by :func:`spasmcheck.knowledge.loader.collect`
— so ``spasmcheck kb check`` lists a misspelt finding id or an uncited medical rule, and the
engine refuses to load with one. Each record names what it refers to (:meth:`references`) and
the sources behind it (:meth:`citations`); the loader checks both the same way for every file.

The code reads a policy through its loader (:func:`interview_policy`, ...), which validates the
packaged file once and remembers it (from the build cache's plain form, when the command line
has one, without importing the models or pydantic: :mod:`spasmcheck.knowledge.validated`).
"""

from __future__ import annotations

from collections.abc import Iterator
from enum import StrEnum
from functools import cache
from typing import TypeVar

from spasmcheck._lazy import package_files
from spasmcheck.knowledge.parsed import YamlError
from spasmcheck.knowledge.schema import Category, Citation, Citations, Identifier, TriageLevel
from spasmcheck.knowledge.validated import Record, is_validation_error, validated

POLICY_PACKAGE = "spasmcheck.knowledge.data"
POLICY_FOLDER = "policy"
_MODELS = "spasmcheck.knowledge.models"


class RefKind(StrEnum):
    """What a policy may refer to in the knowledge base."""

    FINDING = "finding"
    GROUP = "group"
    LOCATION = "location"  # a finding of kind location


Reference = tuple[RefKind, str]


class PolicyModel(Record):
    """A policy file: frozen, and able to list its references and citations."""

    def references(self) -> Iterator[Reference]:
        return iter(())

    def citations(self) -> Iterator[Citation]:
        return iter(())


class CitedGroups(Record):
    __model__ = f"{_MODELS}.CitedGroups"
    groups: list[Identifier]
    cite: Citations


class InterviewPolicy(PolicyModel):
    """``policy/interview.yaml``: the interview's thresholds and its choice groups
    (docs/model.md, "The interview"; each field's bounds: the model)."""

    __model__ = f"{_MODELS}.InterviewPolicy"
    measured_in: str
    max_questions: int
    max_screening: int
    max_unknown_answers: int
    max_escalation: int
    screen_lift: float
    screen_min_probability: float
    stop_top_probability: float
    min_gain_bits: float
    stability_candidates: int
    min_questions: int
    screen_levels: dict[TriageLevel, float]
    why_min_probability: float
    why_min_llr: float
    choice_groups: list[Identifier]
    duration_groups: list[Identifier]
    self_care_checks: CitedGroups
    # Asked first after the emergency screen, in this order, each only when the text has not
    # already answered any of its options: where, and about you (docs/model.md).
    first_groups: CitedGroups
    # The order a choice group's options are shown in (the listed ones first).
    option_order: dict[str, list[str]]

    def references(self) -> Iterator[Reference]:
        for group in self.choice_groups:
            yield RefKind.GROUP, group
        for group, order in self.option_order.items():
            yield RefKind.GROUP, group
            for finding in order:
                yield RefKind.FINDING, finding

    def citations(self) -> Iterator[Citation]:
        yield from self.self_care_checks.cite
        yield from self.first_groups.cite


class DurationUnit(StrEnum):
    DAYS = "days"
    WEEKS = "weeks"
    MONTHS = "months"
    YEARS = "years"


class EpisodeFindings(Record):
    __model__ = f"{_MODELS}.EpisodeFindings"
    seconds: Identifier
    minutes: Identifier
    hours: Identifier


class HistoryBand(Record):
    __model__ = f"{_MODELS}.HistoryBand"
    from_days: int
    finding: Identifier


class DurationPolicy(PolicyModel):
    """``policy/durations.yaml``: how a stated duration becomes a course finding, for the
    parser (:mod:`spasmcheck.language.durations`) and the diary's span alike."""

    __model__ = f"{_MODELS}.DurationPolicy"
    episode: EpisodeFindings
    started_recently: Identifier
    days_per_unit: dict[DurationUnit, int]
    history: list[HistoryBand]
    lifelong: Identifier
    for_ages: Identifier
    vague_amount: int
    numbers: dict[str, int]
    cite: Citations

    def history_finding(self, days: float) -> str:
        """The band a span of ``days`` falls in."""
        finding = self.history[0].finding
        for band in self.history:
            if days >= band.from_days:
                finding = band.finding
        return finding

    def references(self) -> Iterator[Reference]:
        ids = [self.episode.seconds, self.episode.minutes, self.episode.hours]
        ids += [self.started_recently, self.lifelong, self.for_ages]
        ids += [band.finding for band in self.history]
        for finding in ids:
            yield RefKind.FINDING, finding

    def citations(self) -> Iterator[Citation]:
        yield from self.cite


class PatternId(StrEnum):
    """The diary's re-triage patterns (:mod:`spasmcheck.diary.summary`), a closed vocabulary."""

    PERSISTENCE = "persistence"
    FREQUENT = "frequent"
    WORSENING = "worsening"
    SPREAD = "spread"
    NIGHT_DISTURBANCE = "night_disturbance"
    NEW_MEDICINE = "new_medicine"


class CategoryQuestion(Record):
    __model__ = f"{_MODELS}.CategoryQuestion"
    category: Category
    template: str
    cite: Citations


class BloodTestQuestion(Record):
    __model__ = f"{_MODELS}.BloodTestQuestion"
    categories: list[Category]
    template: str
    cite: Citations


class DiaryQuestion(Record):
    __model__ = f"{_MODELS}.DiaryQuestion"
    template: str
    patterns: dict[PatternId, str]
    cite: Citations


class ClosingQuestion(Record):
    __model__ = f"{_MODELS}.ClosingQuestion"
    text: str
    cite: Citations


class DoctorQuestionPolicy(PolicyModel):
    """``policy/doctor_questions.yaml``: the report's "questions for your doctor", one cited
    template per condition category (:func:`spasmcheck.export.report.doctor_questions`)."""

    __model__ = f"{_MODELS}.DoctorQuestionPolicy"
    categories: list[CategoryQuestion]
    blood_test: BloodTestQuestion
    diary: DiaryQuestion
    closing: ClosingQuestion

    @property
    def templates(self) -> dict[Category, str]:
        """Every category's template, the blood-test categories' included."""
        found = {q.category: q.template for q in self.categories}
        found.update(dict.fromkeys(self.blood_test.categories, self.blood_test.template))
        return found

    def citations(self) -> Iterator[Citation]:
        for question in self.categories:
            yield from question.cite
        for part in (self.blood_test, self.diary, self.closing):
            yield from part.cite


class MapView(StrEnum):
    FRONT = "front"
    BACK = "back"


class MapPart(Record):
    """One shape: SVG path data, an ellipse (cx, cy, rx, ry) or a named shape; with
    ``both_sides`` its mirror image about the figure's midline too."""

    __model__ = f"{_MODELS}.MapPart"
    views: list[MapView]
    path: str | None
    ellipse: tuple[float, float, float, float] | None
    shape: Identifier | None
    both_sides: bool


class MapRegion(Record):
    __model__ = f"{_MODELS}.MapRegion"
    finding: Identifier
    parts: list[MapPart]


class BodyMapPolicy(PolicyModel):
    """``policy/bodymap.yaml``: the body map's shapes and the location finding of each
    region (:mod:`spasmcheck.web.bodymap`)."""

    __model__ = f"{_MODELS}.BodyMapPolicy"
    shapes: dict[Identifier, str]
    outline: list[MapPart]
    regions: list[MapRegion]
    non_spatial: list[Identifier]
    labels: dict[Identifier, str]

    def references(self) -> Iterator[Reference]:
        for finding in [r.finding for r in self.regions] + list(self.non_spatial):
            yield RefKind.LOCATION, finding
        for finding in self.labels:
            yield RefKind.FINDING, finding


class _Rule(Record):
    __model__ = f"{_MODELS}._Rule"
    findings: list[Identifier]


class PersistenceRule(_Rule):
    __model__ = f"{_MODELS}.PersistenceRule"
    min_weeks: int
    of_last_weeks: int


class FrequentRule(_Rule):
    __model__ = f"{_MODELS}.FrequentRule"
    min_span_days: int
    min_days_per_week: int


class SpreadRule(_Rule):
    __model__ = f"{_MODELS}.SpreadRule"
    baseline_days: int
    min_span_days: int


class NightRule(_Rule):
    __model__ = f"{_MODELS}.NightRule"
    min_episodes: int
    min_share: float


class NewMedicineRule(_Rule):
    __model__ = f"{_MODELS}.NewMedicineRule"
    first_episodes: int
    first_days: int


class RetriagePatterns(Record):
    __model__ = f"{_MODELS}.RetriagePatterns"
    persistence: PersistenceRule
    frequent: FrequentRule
    worsening: _Rule
    spread: SpreadRule
    night_disturbance: NightRule
    new_medicine: NewMedicineRule

    def rule(self, pattern: PatternId) -> _Rule:
        rule: _Rule = getattr(self, pattern.value)
        return rule


class RetriagePolicy(PolicyModel):
    """``policy/retriage.yaml``: the diary patterns that become evidence, their thresholds and
    findings, and the diary's descriptive findings (:mod:`spasmcheck.diary.summary`)."""

    __model__ = f"{_MODELS}.RetriagePolicy"
    patterns: RetriagePatterns
    night_start_hour: int
    night_end_hour: int
    significance: float
    min_trend_weeks: int
    kind_findings: dict[Identifier, Identifier]
    at_night: Identifier
    pregnancy: Identifier
    cite: Citations

    def references(self) -> Iterator[Reference]:
        ids = [f for p in PatternId for f in self.patterns.rule(p).findings]
        ids += [*self.kind_findings.values(), self.at_night, self.pregnancy]
        for finding in ids:
            yield RefKind.FINDING, finding

    def citations(self) -> Iterator[Citation]:
        yield from self.cite


P = TypeVar("P", bound=PolicyModel)


# Every policy file and its model; the loader validates exactly these (and refuses others).
class MeasurementScale(Record):
    """How a number is read: its unit words (or, with none, the range that names it), and the
    conversion to the quantity's standard unit, ``(value + offset) × factor``."""

    __model__ = f"{_MODELS}.MeasurementScale"
    unit: str
    words: list[str]
    low: float
    high: float
    decimal: bool
    offset: float
    factor: float

    def holds(self, value: float) -> bool:
        return self.low <= value < self.high

    def standard(self, value: float) -> float:
        return (value + self.offset) * self.factor


class MeasurementPart(StrEnum):
    VALUE = "value"
    SYSTOLIC = "systolic"
    DIASTOLIC = "diastolic"


class MeasurementReading(StrEnum):
    PRESENT = "present"
    ABSENT = "absent"


class MeasurementBand(Record):
    """A standard value in ``[low, high)`` affirms or denies ``finding``."""

    __model__ = f"{_MODELS}.MeasurementBand"
    part: MeasurementPart
    low: float | None
    high: float | None
    finding: Identifier
    reading: MeasurementReading

    def holds(self, value: float) -> bool:
        return (self.low is None or value >= self.low) and (self.high is None or value < self.high)


class Quantity(Record):
    """One measured quantity: the words that name it, how its numbers are read, and what its
    values say (``policy/measurements.yaml``)."""

    __model__ = f"{_MODELS}.Quantity"
    id: Identifier
    pair: bool
    cues: list[str]
    phrases: list[str]
    alone: list[str]
    needs_unit: bool
    scales: list[MeasurementScale]
    bands: list[MeasurementBand]
    cite: Citations


class MeasurementPolicy(PolicyModel):
    """``policy/measurements.yaml``: measured values in free text ("temp 39.4", "sats 89%",
    "bp 190/125") and the findings their values affirm or deny, for the parser
    (:mod:`spasmcheck.language.measurements`)."""

    __model__ = f"{_MODELS}.MeasurementPolicy"
    quantities: list[Quantity]
    cite: Citations

    def references(self) -> Iterator[Reference]:
        for quantity in self.quantities:
            for band in quantity.bands:
                yield RefKind.FINDING, band.finding

    def citations(self) -> Iterator[Citation]:
        yield from self.cite
        for quantity in self.quantities:
            yield from quantity.cite


POLICY_FILES: dict[str, type[PolicyModel]] = {
    "interview.yaml": InterviewPolicy,
    "durations.yaml": DurationPolicy,
    "doctor_questions.yaml": DoctorQuestionPolicy,
    "bodymap.yaml": BodyMapPolicy,
    "retriage.yaml": RetriagePolicy,
    "measurements.yaml": MeasurementPolicy,
}


class PolicyError(Exception):
    """A packaged policy file is missing or invalid (``spasmcheck kb check`` lists why)."""


def validate_policy(raw: bytes, model: type[P], label: str) -> tuple[P | None, list[str]]:
    """Parse and validate one policy file; the problems name the file and the field."""
    try:
        return validated(raw, model), []
    except YamlError as error:
        return None, [f"{label}: not valid YAML: {error}".replace("\n", " ")]
    except Exception as error:
        if not is_validation_error(error):
            raise
        problems = []
        for item in error.errors():
            where = ".".join(str(part) for part in item["loc"]) or "(file)"
            problems.append(f"{label}: {where}: {item['msg']}")
        return None, problems


def _packaged(name: str, model: type[P]) -> P:
    entry = package_files(POLICY_PACKAGE) / POLICY_FOLDER / name
    label = f"{POLICY_FOLDER}/{name}"
    if not entry.is_file():
        raise PolicyError(f"{label}: missing")
    policy, problems = validate_policy(entry.read_bytes(), model, label)
    if policy is None:
        raise PolicyError(problems[0])
    return policy


@cache
def interview_policy() -> InterviewPolicy:
    """The packaged ``policy/interview.yaml``."""
    return _packaged("interview.yaml", InterviewPolicy)


@cache
def duration_policy() -> DurationPolicy:
    """The packaged ``policy/durations.yaml``."""
    return _packaged("durations.yaml", DurationPolicy)


@cache
def doctor_question_policy() -> DoctorQuestionPolicy:
    """The packaged ``policy/doctor_questions.yaml``."""
    return _packaged("doctor_questions.yaml", DoctorQuestionPolicy)


@cache
def body_map_policy() -> BodyMapPolicy:
    """The packaged ``policy/bodymap.yaml``."""
    return _packaged("bodymap.yaml", BodyMapPolicy)


@cache
def retriage_policy() -> RetriagePolicy:
    """The packaged ``policy/retriage.yaml``."""
    return _packaged("retriage.yaml", RetriagePolicy)


@cache
def measurement_policy() -> MeasurementPolicy:
    """The packaged ``policy/measurements.yaml``."""
    return _packaged("measurements.yaml", MeasurementPolicy)
