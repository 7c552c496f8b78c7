"""Policy as data: the numbers and lists that decide behaviour, kept out of the code.

Each file under ``knowledge/data/policy/`` is validated by one pydantic model here (unknown keys
are errors) and checked against the knowledge base by :func:`spasmcheck.knowledge.loader.collect`
— so ``spasmcheck kb check`` lists a misspelt finding id or an uncited medical rule, and the
engine refuses to load with one. Each model names what it refers to (:meth:`references`) and
the sources behind it (:meth:`citations`); the loader checks both the same way for every file.

The code reads a policy through its loader (:func:`interview_policy`, ...), which validates the
packaged file once and remembers it (from the build cache's plain form, when the command line
has one: :mod:`spasmcheck.knowledge.validated`).
"""

from __future__ import annotations

import string
from collections.abc import Iterator
from enum import StrEnum
from functools import cache
from typing import Annotated, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from spasmcheck._lazy import package_files
from spasmcheck.knowledge.parsed import YamlError
from spasmcheck.knowledge.schema import Category, Citation, Citations, Identifier, TriageLevel
from spasmcheck.knowledge.validated import validated

POLICY_PACKAGE = "spasmcheck.knowledge.data"
POLICY_FOLDER = "policy"

Count = Annotated[int, Field(ge=0, le=1000)]
Share = Annotated[float, Field(ge=0.0, le=1.0)]


class RefKind(StrEnum):
    """What a policy may refer to in the knowledge base."""

    FINDING = "finding"
    GROUP = "group"
    LOCATION = "location"  # a finding of kind location


Reference = tuple[RefKind, str]


class PolicyModel(BaseModel):
    """A policy file: strict, frozen, and able to list its references and citations."""

    # Validators are built on first validation, never on a cached start (knowledge/validated.py).
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    def references(self) -> Iterator[Reference]:
        return iter(())

    def citations(self) -> Iterator[Citation]:
        return iter(())


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
        if self.min_questions > self.max_questions:
            raise ValueError("min_questions is greater than max_questions")
        return self

    def references(self) -> Iterator[Reference]:
        for group in self.choice_groups:
            yield RefKind.GROUP, group

    def citations(self) -> Iterator[Citation]:
        yield from self.self_care_checks.cite
        yield from self.first_groups.cite


class DurationUnit(StrEnum):
    DAYS = "days"
    WEEKS = "weeks"
    MONTHS = "months"
    YEARS = "years"


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

    def references(self) -> Iterator[Reference]:
        for finding in [r.finding for r in self.regions] + list(self.non_spatial):
            yield RefKind.LOCATION, finding
        for finding in self.labels:
            yield RefKind.FINDING, finding


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

    def rule(self, pattern: PatternId) -> _Rule:
        rule: _Rule = getattr(self, pattern.value)
        return rule


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

    def references(self) -> Iterator[Reference]:
        ids = [f for p in PatternId for f in self.patterns.rule(p).findings]
        ids += [*self.kind_findings.values(), self.at_night, self.pregnancy]
        for finding in ids:
            yield RefKind.FINDING, finding

    def citations(self) -> Iterator[Citation]:
        yield from self.cite


P = TypeVar("P", bound=PolicyModel)

# Every policy file and its model; the loader validates exactly these (and refuses others).
POLICY_FILES: dict[str, type[PolicyModel]] = {
    "interview.yaml": InterviewPolicy,
    "durations.yaml": DurationPolicy,
    "doctor_questions.yaml": DoctorQuestionPolicy,
    "bodymap.yaml": BodyMapPolicy,
    "retriage.yaml": RetriagePolicy,
}


class PolicyError(Exception):
    """A packaged policy file is missing or invalid (``spasmcheck kb check`` lists why)."""


def validate_policy(raw: bytes, model: type[P], label: str) -> tuple[P | None, list[str]]:
    """Parse and validate one policy file; the problems name the file and the field."""
    try:
        return validated(raw, model), []
    except YamlError as error:
        return None, [f"{label}: not valid YAML: {error}".replace("\n", " ")]
    except ValidationError as error:
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
