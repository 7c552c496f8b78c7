"""The diary summary as a typed public model: ``GET /v1/diary/summary`` and the web's diary page.

Built from :meth:`spasmcheck.diary.summary.DiarySummary.as_dict`, the one place that decides
what a summary holds; ``tests/diary/test_public.py`` checks that dumping the model gives back
exactly that JSON, so the two cannot drift apart unnoticed.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from spasmcheck.diary.model import ContextFactor, RemedyName
from spasmcheck.knowledge.schema import TriageLevel
from spasmcheck.reasoning.public import EvidencePublic, Public

if TYPE_CHECKING:
    from spasmcheck.diary.summary import DiarySummary

# A 95 % interval; an end is None when it cannot be computed (too few data).
Interval = tuple[float | None, float | None]


class RangePublic(Public):
    start: date
    end: date
    timezone: str
    days: int


class WeekPublic(Public):
    week: str  # ISO week, e.g. "2024-W05"
    monday: date
    days_in_range: int
    episodes: int
    mean_severity: float | None


class TrendPublic(Public):
    """Are episodes becoming more frequent: a Poisson log-linear trend over the weeks."""

    method: str
    weeks: int
    rate_ratio_per_week: float | None
    ci95: Interval
    p_value: float | None
    rising: bool
    note: str


class PersistencePublic(Public):
    weeks_with_episodes: int
    weeks: int
    share: float | None
    longest_run_weeks: int


class NightPublic(Public):
    window: str
    episodes: int
    share: float | None


class NewAreaPublic(Public):
    location: str
    first_seen: date


class BodyAreasPublic(Public):
    counts: dict[str, int]
    baseline_until: date | None
    new: list[NewAreaPublic]


class SeverityPublic(Public):
    method: str
    mean: float | None
    slope_per_week: float | None
    ci95: Interval
    p_value: float | None
    rising: bool


class ContextPublic(Public):
    """Episodes on days with a factor against days without it (rates per day)."""

    factor: ContextFactor
    days_with: int
    days_without: int
    episodes_with: int
    episodes_without: int
    rate_with: float | None
    rate_without: float | None
    rate_ratio: float | None
    ci95: Interval
    note: str


class VersusOthersPublic(Public):
    share_helped_others: float | None
    difference: float | None
    ci95: Interval


class RemedyPublic(Public):
    remedy: RemedyName
    tried: int
    helped: int
    not_helped: int
    unknown: int
    share_helped: float | None
    vs_others: VersusOthersPublic | None
    note: str


class PatternPublic(Public):
    pattern: str
    findings: list[str]
    reason: str


class RetriagePublic(Public):
    """The diary's patterns as evidence, and the level they raise the assessment to."""

    patterns: list[PatternPublic]
    evidence: list[EvidencePublic]
    level: TriageLevel | None
    label: str | None
    action: str | None
    reasons: list[str]
    baseline_level: TriageLevel | None
    raised: bool


class DiarySummaryPublic(Public):
    """Patterns in a diary between two dates, with re-triage."""

    range: RangePublic
    episodes: int
    weeks: list[WeekPublic]
    trend: TrendPublic
    persistence: PersistencePublic
    night: NightPublic
    body_areas: BodyAreasPublic
    severity: SeverityPublic
    context: list[ContextPublic]
    context_rule: str
    remedies: list[RemedyPublic]
    retriage: RetriagePublic

    @classmethod
    def of(cls, summary: DiarySummary) -> DiarySummaryPublic:
        return cls.model_validate(summary.as_dict())
