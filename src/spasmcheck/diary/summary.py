"""The diary summary: what a range of logged episodes shows, and whether it changes triage.

:func:`summarise` works on the episodes of one person for a closed range of local dates
``[start, end]`` in that person's IANA timezone. Episodes whose local start date falls outside
the range are ignored. The pieces, and the exact rules:

* **Weeks.** Every ISO week (Monday to Sunday) that overlaps the range is listed, zeros
  included, with the number of its days inside the range (its *exposure*: the first and last
  weeks may be partial).
* **Trend.** A Poisson log-linear regression of weekly counts on week index with
  ``log(days in range)`` as offset (:func:`.stats.poisson_trend`): the rate ratio per week with
  a Wald 95 % interval, and a score-test p-value. ``rising`` is true only when p < 0.05, the
  ratio is above 1, and the range spans at least 3 weeks.
* **Persistence.** Weeks with at least one episode over weeks in range, and the longest run of
  consecutive weeks with episodes.
* **Night.** An episode is a night episode when it starts between 22:00 and 05:59 local time
  (the local wall clock, so daylight-saving changes are respected).
* **Body areas.** Counts per location. A location is *new* when its first episode comes after
  the baseline: the first 14 days from the first episode in range, shortened to the first half
  of the days from that episode to the end of the range when that is under four weeks. When
  that is under two weeks nothing counts as new: too short to tell spread from the first days.
* **Severity.** Mean severity per week, and the least-squares slope of each episode's severity
  on its time (in weeks since the start of the range) with a t test (:func:`.stats.ols_slope`);
  ``rising`` when p < 0.05, the slope is positive and the range spans at least 3 weeks. Only
  the severities recorded count here (``SeverityTrend.rated``); an episode logged without one is
  left out of this part alone.
* **Context associations.** The unit is a *diary day* that runs from 06:00 to 06:00 the next
  morning in local time: the night belongs to the evening before, so the coffee logged on an
  episode at 20:00 (any time from 06:00 on) counts for the cramp at 02:00 the following night.
  A factor is known only from the episodes it is logged on, so a day without any episode tells
  nothing about the factor; the comparison is therefore made among diary days with at least
  one episode: days with the factor (logged on any of that day's episodes) against days
  without it. The effect size is the ratio of episodes per day on each
  (:func:`.stats.rate_ratio`, Wilson interval via the conditional binomial), reported only
  with at least 3 days of each; otherwise "not enough days yet". Diary days run from ``start``
  to ``end``, so episodes before 06:00 on ``start`` belong to the day before the range and are
  left out of this part only. This is an association within one person's diary, not a cause.
* **What helped** (n-of-1). Per remedy: times tried, times it helped, did not help, outcome not
  recorded, and the share that helped among tries with a recorded outcome. With at least 3
  recorded tries of the remedy and of all other remedies together, the difference in share
  against the others, with Newcombe's hybrid score interval.
* **Re-triage.** Diary patterns become evidence (``Origin.DIARY``) for the same findings the
  interview asks about, and the same :class:`~spasmcheck.reasoning.engine.Engine` decides:

  - *persistence* — episodes in at least 3 of the last 4 weeks of the range → ``persistent``;
  - *frequent* — the diary spans 14 days or more (first to last episode) with episodes on at
    least 5 of every 7 days → ``frequent_daily`` and ``persistent``;
  - *worsening* — a rising episode trend or a rising severity slope → ``worsening``;
  - *spread* — at least one new body area → ``spreading``;
  - *night disturbance* — at least 4 night episodes making up at least half → ``disturbs_sleep``;
  - *new medicine* — ``new_medicine`` or ``changed_medicine`` logged on one of the first three
    episodes or any episode in the first 7 days of the diary → ``med_new_or_changed``.

  Descriptive evidence goes in as well: the body locations logged, the kind of spasm (cramp →
  ``cramp``, twitch → ``twitching``, jerk → ``jerks``, sustained pull → ``twisting_pulling``,
  internal/colicky → ``colicky_pain``), ``at_night`` when at least half the episodes are at
  night, ``pregnant`` when pregnancy was logged, and how long it has been going on (a diary
  span of 14 days or more → ``history_weeks``; of 60 days or more → ``history_months``).
  The engine is run twice — with the descriptive evidence alone (the *baseline*) and with the
  pattern findings added — so the summary can say whether the diary patterns raised the level.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any, NamedTuple, Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from spasmcheck.diary.model import (
    KIND_FINDINGS,
    MEDICINE_FACTORS,
    ContextFactor,
    EpisodeKind,
    Remedy,
    RemedyName,
)
from spasmcheck.diary.stats import (
    PoissonTrend,
    Slope,
    newcombe_difference,
    ols_slope,
    poisson_trend,
    rate_ratio,
)
from spasmcheck.knowledge.policy import duration_policy, retriage_policy
from spasmcheck.reasoning.engine import Engine
from spasmcheck.reasoning.evidence import Evidence, EvidenceSet, Origin, Status

MAX_RANGE_DAYS = 3660  # ten years: keeps a summary bounded whatever a client asks for
# The re-triage rules and their thresholds are data: knowledge/data/policy/retriage.yaml.
_RULES = retriage_policy()
_PATTERNS = _RULES.patterns
SIGNIFICANCE = _RULES.significance
MIN_TREND_WEEKS = _RULES.min_trend_weeks
MIN_DAYS_EACH = 3  # context: days with and days without the factor
MIN_TRIES = 3  # remedies: recorded outcomes
NIGHT_START_HOUR = _RULES.night_start_hour
NIGHT_END_HOUR = _RULES.night_end_hour
DIARY_DAY_START_HOUR = 6
BASELINE_DAYS = _PATTERNS.spread.baseline_days
MIN_SPREAD_SPAN_DAYS = _PATTERNS.spread.min_span_days
MIN_NIGHT_EPISODES = _PATTERNS.night_disturbance.min_episodes
NIGHT_SHARE = _PATTERNS.night_disturbance.min_share
FREQUENT_DAYS_PER_WEEK = _PATTERNS.frequent.min_days_per_week
MEDICINE_ONSET_EPISODES = _PATTERNS.new_medicine.first_episodes
MEDICINE_ONSET_DAYS = _PATTERNS.new_medicine.first_days

NOT_ENOUGH_DAYS = "not enough days yet"
NOT_ENOUGH_TRIES = "not enough tries yet"


class RemedyOutcome(Protocol):
    """What the summary reads of one remedy tried."""

    @property
    def name(self) -> RemedyName: ...

    @property
    def helped(self) -> bool | None: ...


class Logged(Protocol):
    """What the summary reads of an episode: an :class:`~spasmcheck.diary.model.Episode`, or
    the lighter :class:`EpisodeFacts` that storage reads for a summary."""

    @property
    def started_at(self) -> datetime: ...

    @property
    def kind(self) -> EpisodeKind: ...

    @property
    def severity(self) -> int | None: ...

    @property
    def locations(self) -> Sequence[str]: ...

    @property
    def context(self) -> Collection[ContextFactor]: ...

    @property
    def medicine_name(self) -> str | None: ...

    @property
    def remedies(self) -> Sequence[RemedyOutcome]: ...


class EpisodeFacts(NamedTuple):
    """The fields of a stored episode that the summary reads, and nothing else.

    Storage builds these from rows it validated as :class:`~spasmcheck.diary.model.Episode`
    when they were written, so a summary of 20,000 episodes does not validate them again
    (issue 16 item 7); a named tuple, as it is made by the thousand (a frozen dataclass's
    ``__init__`` costs several times more). ``started_at`` is aware, in UTC; ``severity``
    None: not recorded.
    """

    started_at: datetime
    kind: EpisodeKind
    severity: int | None
    locations: tuple[str, ...]
    context: frozenset[ContextFactor]
    medicine_name: str | None
    remedies: tuple[Remedy, ...]


class DiaryError(ValueError):
    """A summary request that cannot be answered (bad range or unknown timezone)."""


def _r(value: float | None, digits: int = 4) -> float | None:
    if value is None or math.isinf(value) or math.isnan(value):
        return None
    return round(value, digits)


# -- result objects ---------------------------------------------------------------------------
@dataclass(frozen=True)
class WeekRow:
    iso_week: str  # "2024-W05"
    monday: date
    days_in_range: int
    episodes: int
    mean_severity: float | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "week": self.iso_week,
            "monday": self.monday.isoformat(),
            "days_in_range": self.days_in_range,
            "episodes": self.episodes,
            "mean_severity": _r(self.mean_severity, 2),
        }


class Direction(StrEnum):
    """The one answer to "are episodes getting more frequent (or stronger)?": the web diary,
    the PDF report and the FHIR bundle all word it from :attr:`Trend.direction` and
    :attr:`SeverityTrend.direction`, never from a comparison of their own (issue 14 item 22:
    a half-against-half rule said "more frequent" beside a trend test that said not)."""

    RISING = "rising"
    FALLING = "falling"
    NO_CLEAR_CHANGE = "no_clear_change"
    TOO_FEW_WEEKS = "too_few_weeks"


@dataclass(frozen=True)
class Trend:
    weeks: int
    fit: PoissonTrend
    rising: bool

    @property
    def direction(self) -> Direction:
        """Rising as :attr:`rising`; falling by the same test the other way (p below
        :data:`SIGNIFICANCE`, a negative score, at least :data:`MIN_TREND_WEEKS` weeks)."""
        f = self.fit
        if self.rising:
            return Direction.RISING
        if self.weeks < MIN_TREND_WEEKS or f.p_value is None or f.z is None:
            return Direction.TOO_FEW_WEEKS
        if f.p_value < SIGNIFICANCE and f.z < 0:
            return Direction.FALLING
        return Direction.NO_CLEAR_CHANGE

    def as_dict(self) -> dict[str, Any]:
        f = self.fit
        return {
            "method": "Poisson log-linear regression (IRLS), score test",
            "weeks": self.weeks,
            "rate_ratio_per_week": _r(f.rate_ratio),
            "ci95": [_r(f.ci_low), _r(f.ci_high)],
            "p_value": _r(f.p_value, 6),
            "rising": self.rising,
            "note": f.note,
        }


@dataclass(frozen=True)
class Persistence:
    weeks_with_episodes: int
    weeks: int
    longest_run_weeks: int

    @property
    def share(self) -> float:
        return self.weeks_with_episodes / self.weeks

    def as_dict(self) -> dict[str, Any]:
        return {
            "weeks_with_episodes": self.weeks_with_episodes,
            "weeks": self.weeks,
            "share": _r(self.share),
            "longest_run_weeks": self.longest_run_weeks,
        }


@dataclass(frozen=True)
class Night:
    episodes: int
    total: int

    @property
    def share(self) -> float | None:
        return self.episodes / self.total if self.total else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "window": f"{NIGHT_START_HOUR:02d}:00-{NIGHT_END_HOUR:02d}:00",
            "episodes": self.episodes,
            "share": _r(self.share),
        }


@dataclass(frozen=True)
class BodyAreas:
    counts: dict[str, int]
    first_seen: dict[str, date]
    baseline_until: date | None  # last day of the baseline
    new: list[str]

    def as_dict(self) -> dict[str, Any]:
        return {
            "counts": dict(self.counts),
            "baseline_until": self.baseline_until.isoformat() if self.baseline_until else None,
            "new": [
                {"location": loc, "first_seen": self.first_seen[loc].isoformat()}
                for loc in self.new
            ],
        }


@dataclass(frozen=True)
class SeverityTrend:
    mean: float | None
    weeks: int
    fit: Slope | None
    rising: bool
    rated: int = 0  # episodes with a severity recorded; the mean and the slope use only these

    @property
    def direction(self) -> Direction:
        """Rising as :attr:`rising`; falling by the same t test with a negative slope."""
        f = self.fit
        if self.rising:
            return Direction.RISING
        if f is None or self.weeks < MIN_TREND_WEEKS:
            return Direction.TOO_FEW_WEEKS
        if f.p_value < SIGNIFICANCE and f.slope < 0:
            return Direction.FALLING
        return Direction.NO_CLEAR_CHANGE

    def as_dict(self) -> dict[str, Any]:
        f = self.fit
        return {
            "method": "least-squares slope of severity on time, t test",
            "mean": _r(self.mean, 2),
            "slope_per_week": _r(f.slope) if f else None,
            "ci95": [_r(f.ci_low), _r(f.ci_high)] if f else [None, None],
            "p_value": _r(f.p_value, 6) if f else None,
            "rising": self.rising,
        }


@dataclass(frozen=True)
class ContextAssociation:
    factor: ContextFactor
    days_with: int
    days_without: int
    episodes_with: int
    episodes_without: int

    @property
    def enough(self) -> bool:
        return self.days_with >= MIN_DAYS_EACH and self.days_without >= MIN_DAYS_EACH

    def as_dict(self) -> dict[str, Any]:
        item: dict[str, Any] = {
            "factor": self.factor.value,
            "days_with": self.days_with,
            "days_without": self.days_without,
            "episodes_with": self.episodes_with,
            "episodes_without": self.episodes_without,
        }
        if not self.enough:
            item.update(rate_with=None, rate_without=None, rate_ratio=None, ci95=[None, None])
            item["note"] = NOT_ENOUGH_DAYS
            return item
        rr = rate_ratio(
            self.episodes_with, self.days_with, self.episodes_without, self.days_without
        )
        item.update(
            rate_with=_r(self.episodes_with / self.days_with),
            rate_without=_r(self.episodes_without / self.days_without),
            rate_ratio=_r(rr.ratio),
            ci95=[_r(rr.ci_low), _r(rr.ci_high)],
            note="",
        )
        return item


@dataclass(frozen=True)
class RemedyResult:
    remedy: RemedyName
    tried: int
    helped: int
    not_helped: int
    others_helped: int  # among recorded tries of every other remedy
    others_recorded: int

    @property
    def recorded(self) -> int:
        return self.helped + self.not_helped

    @property
    def enough(self) -> bool:
        return self.recorded >= MIN_TRIES and self.others_recorded >= MIN_TRIES

    def as_dict(self) -> dict[str, Any]:
        item: dict[str, Any] = {
            "remedy": self.remedy.value,
            "tried": self.tried,
            "helped": self.helped,
            "not_helped": self.not_helped,
            "unknown": self.tried - self.recorded,
            "share_helped": _r(self.helped / self.recorded) if self.recorded else None,
        }
        if self.enough:
            d, low, high = newcombe_difference(
                self.helped, self.recorded, self.others_helped, self.others_recorded
            )
            item["vs_others"] = {
                "share_helped_others": _r(self.others_helped / self.others_recorded),
                "difference": _r(d),
                "ci95": [_r(low), _r(high)],
            }
            item["note"] = ""
        else:
            item["vs_others"] = None
            item["note"] = NOT_ENOUGH_TRIES
        return item


@dataclass(frozen=True)
class Pattern:
    id: str  # persistence | frequent | worsening | spread | night_disturbance | new_medicine
    findings: tuple[str, ...]
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {"pattern": self.id, "findings": list(self.findings), "reason": self.reason}


@dataclass(frozen=True)
class Retriage:
    patterns: list[Pattern]
    evidence: list[Evidence]
    level: str | None = None
    label: str | None = None
    action: str | None = None
    reasons: list[str] = field(default_factory=list)
    baseline_level: str | None = None
    raised: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "patterns": [p.as_dict() for p in self.patterns],
            "evidence": [e.as_dict() for e in self.evidence],
            "level": self.level,
            "label": self.label,
            "action": self.action,
            "reasons": list(self.reasons),
            "baseline_level": self.baseline_level,
            "raised": self.raised,
        }


@dataclass(frozen=True)
class DiarySummary:
    start: date
    end: date
    timezone: str
    episodes: int
    weeks: list[WeekRow]
    trend: Trend
    persistence: Persistence
    night: Night
    body_areas: BodyAreas
    severity: SeverityTrend
    context: list[ContextAssociation]
    remedies: list[RemedyResult]
    retriage: Retriage

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def as_dict(self) -> dict[str, Any]:
        return {
            "range": {
                "start": self.start.isoformat(),
                "end": self.end.isoformat(),
                "timezone": self.timezone,
                "days": self.days,
            },
            "episodes": self.episodes,
            "weeks": [w.as_dict() for w in self.weeks],
            "trend": self.trend.as_dict(),
            "persistence": self.persistence.as_dict(),
            "night": self.night.as_dict(),
            "body_areas": self.body_areas.as_dict(),
            "severity": self.severity.as_dict(),
            "context": [c.as_dict() for c in self.context],
            "context_rule": (
                "Diary days run 06:00 to 06:00 local time, so a factor logged in the evening"
                " counts for that night's episodes; days with the factor are compared with days"
                " without it among days with at least one episode."
            ),
            "remedies": [r.as_dict() for r in self.remedies],
            "retriage": self.retriage.as_dict(),
        }


# -- the summary --------------------------------------------------------------------------------
class _Local(NamedTuple):
    """An episode with its local wall-clock time and the days it belongs to, worked out once."""

    episode: Logged
    at: datetime  # local wall-clock time
    day: date
    diary_day: date  # 06:00 to 06:00: the night belongs to the evening before
    at_night: bool


def _localise(episode: Logged, zone: ZoneInfo) -> _Local:
    at = episode.started_at.astimezone(zone)
    day, hour = at.date(), at.hour
    return _Local(
        episode,
        at,
        day,
        day if hour >= DIARY_DAY_START_HOUR else day - timedelta(days=1),
        hour >= NIGHT_START_HOUR or hour < NIGHT_END_HOUR,
    )


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def fitted_weekly_rates(summary: DiarySummary) -> list[float] | None:
    """The Poisson trend as episodes per 7 days for each week, or None when not estimable
    (what the charts of the web page and the PDF draw as the trend line).

    The fit has an intercept, so its fitted counts add up to the observed total; that fixes
    the intercept from the rate ratio alone.
    """
    rr = summary.trend.fit.rate_ratio
    weeks = summary.weeks
    total = sum(w.episodes for w in weeks)
    if rr is None or rr <= 0 or not total or len(weeks) < 2:
        return None
    b = math.log(rr)
    scale = sum(w.days_in_range * math.exp(b * i) for i, w in enumerate(weeks))
    a = math.log(total / scale)
    return [7 * math.exp(a + b * i) for i in range(len(weeks))]


def summarise(
    episodes: Sequence[Logged],
    *,
    start: date,
    end: date,
    timezone: str = "UTC",
    engine: Engine | None = None,
    age: int | None = None,
    sex: str | None = None,
    began: date | None = None,
) -> DiarySummary:
    """Summarise the episodes whose local start date lies in ``[start, end]``.

    ``began`` is the local day the diary was started (the account's creation, or an earlier
    episode logged after the fact): weeks before it are not weeks without spasms, only weeks
    nobody was writing, so the weekly counts, the trend and the persistence start there. A
    new diary with a few episodes this week used to read as "becoming more frequent" against
    seven empty weeks before it existed.

    Raises :class:`DiaryError` for a reversed or over-long range or an unknown timezone; the
    engine raises :class:`~spasmcheck.reasoning.engine.InputError` for an impossible age or sex.
    """
    if end < start:
        raise DiaryError(f"the range ends ({end}) before it starts ({start})")
    if (end - start).days + 1 > MAX_RANGE_DAYS:
        raise DiaryError(f"the range is longer than {MAX_RANGE_DAYS} days")
    try:
        zone = ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise DiaryError(f"unknown timezone {timezone!r}") from exc

    local = sorted(
        (_localise(e, zone) for e in episodes),
        key=lambda item: item.episode.started_at,  # UTC: the repeated autumn hour sorts right
    )
    local = [item for item in local if start <= item.day <= end]
    kept_from = start
    if began is not None:
        earliest = min([began, *(item.day for item in local)])
        kept_from = min(max(start, earliest), end)

    weeks = _weeks(local, kept_from, end)
    trend = _trend(weeks)
    persistence = _persistence(weeks)
    night = Night(sum(item.at_night for item in local), len(local))
    areas = _body_areas(local, end)
    severity = _severity(local, start, len(weeks))
    context = _context(local, start, end)
    remedies = _remedies(local)
    retriage = _retriage(
        local, weeks, trend, severity, night, areas, engine=engine, age=age, sex=sex
    )
    return DiarySummary(
        start=start,
        end=end,
        timezone=timezone,
        episodes=len(local),
        weeks=weeks,
        trend=trend,
        persistence=persistence,
        night=night,
        body_areas=areas,
        severity=severity,
        context=context,
        remedies=remedies,
        retriage=retriage,
    )


def _weeks(local: list[_Local], start: date, end: date) -> list[WeekRow]:
    by_week: dict[date, list[_Local]] = defaultdict(list)
    for item in local:
        by_week[_monday(item.day)].append(item)
    rows = []
    monday = _monday(start)
    while monday <= end:
        first, last = max(monday, start), min(monday + timedelta(days=6), end)
        items = by_week.get(monday, [])
        severities = [i.episode.severity for i in items if i.episode.severity is not None]
        iso = monday.isocalendar()
        rows.append(
            WeekRow(
                iso_week=f"{iso.year}-W{iso.week:02d}",
                monday=monday,
                days_in_range=(last - first).days + 1,
                episodes=len(items),
                mean_severity=sum(severities) / len(severities) if severities else None,
            )
        )
        monday += timedelta(days=7)
    return rows


def _trend(weeks: list[WeekRow]) -> Trend:
    fit = poisson_trend([w.episodes for w in weeks], [w.days_in_range for w in weeks])
    rising = (
        len(weeks) >= MIN_TREND_WEEKS
        and fit.p_value is not None
        and fit.z is not None
        and fit.p_value < SIGNIFICANCE
        and fit.z > 0
    )
    return Trend(len(weeks), fit, rising)


def _persistence(weeks: list[WeekRow]) -> Persistence:
    longest = run = 0
    for week in weeks:
        run = run + 1 if week.episodes else 0
        longest = max(longest, run)
    return Persistence(sum(1 for w in weeks if w.episodes), len(weeks), longest)


def _body_areas(local: list[_Local], end: date) -> BodyAreas:
    counts: Counter[str] = Counter()
    first_seen: dict[str, date] = {}
    for item in local:
        for loc in item.episode.locations:
            counts[loc] += 1
            first_seen.setdefault(loc, item.day)
    if not local:
        return BodyAreas({}, {}, None, [])
    first = local[0].day
    span = (end - first).days + 1
    if span >= 2 * BASELINE_DAYS:
        baseline_days = BASELINE_DAYS
    elif span >= MIN_SPREAD_SPAN_DAYS:
        baseline_days = span // 2
    else:  # too short to tell a new area from the first ones
        baseline_days = span
    baseline_until = first + timedelta(days=baseline_days - 1)
    new = [loc for loc, day in first_seen.items() if day > baseline_until]
    ordered = dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
    return BodyAreas(ordered, first_seen, baseline_until, new)


def _severity(local: list[_Local], start: date, n_weeks: int) -> SeverityTrend:
    """The trend of the severities that were recorded (an episode logged without one counts
    for every other part of the summary, but says nothing about strength)."""
    rated = [
        (item.at, float(item.episode.severity))
        for item in local
        if item.episode.severity is not None
    ]
    if not rated:
        return SeverityTrend(None, n_weeks, None, False)
    origin = datetime.combine(start, datetime.min.time(), tzinfo=rated[0][0].tzinfo)
    times = [(at - origin).total_seconds() / (7 * 86_400) for at, _ in rated]
    values = [value for _, value in rated]
    fit = ols_slope(times, values)
    rising = (
        fit is not None
        and n_weeks >= MIN_TREND_WEEKS
        and fit.p_value < SIGNIFICANCE
        and fit.slope > 0
    )
    return SeverityTrend(sum(values) / len(values), n_weeks, fit, rising, len(values))


def _context(local: list[_Local], start: date, end: date) -> list[ContextAssociation]:
    days: dict[date, list[_Local]] = defaultdict(list)
    for item in local:
        if start <= item.diary_day <= end:
            days[item.diary_day].append(item)
    logged = {factor for item in local for factor in item.episode.context}
    day_factors = {
        day: {factor for item in items for factor in item.episode.context}
        for day, items in days.items()
    }
    result = []
    for factor in ContextFactor:
        if factor not in logged:
            continue
        with_days = [d for d, factors in day_factors.items() if factor in factors]
        without_days = [d for d, factors in day_factors.items() if factor not in factors]
        result.append(
            ContextAssociation(
                factor=factor,
                days_with=len(with_days),
                days_without=len(without_days),
                episodes_with=sum(len(days[d]) for d in with_days),
                episodes_without=sum(len(days[d]) for d in without_days),
            )
        )
    return result


def _remedies(local: list[_Local]) -> list[RemedyResult]:
    tried: Counter[RemedyName] = Counter()
    helped: Counter[RemedyName] = Counter()
    not_helped: Counter[RemedyName] = Counter()
    for item in local:
        for remedy in item.episode.remedies:
            tried[remedy.name] += 1
            if remedy.helped is True:
                helped[remedy.name] += 1
            elif remedy.helped is False:
                not_helped[remedy.name] += 1
    all_helped = sum(helped.values())
    all_recorded = all_helped + sum(not_helped.values())
    result = []
    for name in RemedyName:
        if not tried[name]:
            continue
        own_recorded = helped[name] + not_helped[name]
        result.append(
            RemedyResult(
                remedy=name,
                tried=tried[name],
                helped=helped[name],
                not_helped=not_helped[name],
                others_helped=all_helped - helped[name],
                others_recorded=all_recorded - own_recorded,
            )
        )
    return result


def _retriage(
    local: list[_Local],
    weeks: list[WeekRow],
    trend: Trend,
    severity: SeverityTrend,
    night: Night,
    areas: BodyAreas,
    *,
    engine: Engine | None,
    age: int | None,
    sex: str | None,
) -> Retriage:
    if not local:
        return Retriage([], [])
    patterns: list[Pattern] = []

    recent = weeks[-_PATTERNS.persistence.of_last_weeks :]
    recent_with = sum(1 for w in recent if w.episodes)
    if recent_with >= _PATTERNS.persistence.min_weeks:
        patterns.append(
            Pattern(
                "persistence",
                tuple(_PATTERNS.persistence.findings),
                f"Episodes in {recent_with} of the last {len(recent)} weeks.",
            )
        )

    first_day, last_day = local[0].day, local[-1].day
    span = (last_day - first_day).days + 1
    episode_days = len({item.day for item in local})
    if (
        span >= _PATTERNS.frequent.min_span_days
        and episode_days * 7 >= FREQUENT_DAYS_PER_WEEK * span
    ):
        patterns.append(
            Pattern(
                "frequent",
                tuple(_PATTERNS.frequent.findings),
                f"Episodes on {episode_days} of {span} days.",
            )
        )

    if trend.rising and trend.fit.rate_ratio is not None:
        patterns.append(
            Pattern(
                "worsening",
                tuple(_PATTERNS.worsening.findings),
                f"Episodes are becoming more frequent (about {trend.fit.rate_ratio:.2f} times"
                f" as many each week, {_p(trend.fit.p_value)}).",
            )
        )
    elif trend.rising:
        patterns.append(
            Pattern(
                "worsening",
                tuple(_PATTERNS.worsening.findings),
                "Episodes are becoming more frequent.",
            )
        )
    if severity.rising and severity.fit is not None:
        patterns.append(
            Pattern(
                "worsening",
                tuple(_PATTERNS.worsening.findings),
                f"Episodes are getting stronger (severity up {severity.fit.slope:.2f} points a"
                f" week, {_p(severity.fit.p_value)}).",
            )
        )

    if areas.new:
        patterns.append(
            Pattern(
                "spread",
                tuple(_PATTERNS.spread.findings),
                f"New body areas: {', '.join(areas.new)}.",
            )
        )

    share = night.share
    if share is not None and night.episodes >= MIN_NIGHT_EPISODES and share >= NIGHT_SHARE:
        patterns.append(
            Pattern(
                "night_disturbance",
                tuple(_PATTERNS.night_disturbance.findings),
                f"{night.episodes} of {night.total} episodes were at night.",
            )
        )

    onset_until = first_day + timedelta(days=MEDICINE_ONSET_DAYS - 1)
    onset: list[_Local] = []
    for i, item in enumerate(local):  # oldest first: the onset is a prefix
        if i >= MEDICINE_ONSET_EPISODES and item.day > onset_until:
            break
        onset.append(item)
    medicine = [
        (number, item)
        for number, item in enumerate(onset, start=1)
        if MEDICINE_FACTORS & set(item.episode.context)
    ]
    if medicine:
        patterns.append(
            Pattern(
                "new_medicine",
                tuple(_PATTERNS.new_medicine.findings),
                _medicine_onset(*medicine[0], first_day),
            )
        )

    descriptive: list[str] = list(areas.counts)
    kinds = {i.episode.kind for i in local}
    descriptive += [KIND_FINDINGS[k] for k in EpisodeKind if k in kinds]
    if share is not None and share >= NIGHT_SHARE:
        descriptive.append(_RULES.at_night)
    if ContextFactor.PREGNANCY in {f for i in local for f in i.episode.context}:
        descriptive.append(_RULES.pregnancy)
    # How long it has been going on, by the parser's own day bands (policy/durations.yaml); a
    # diary shorter than the first band says nothing about when the problem began.
    bands = duration_policy()
    if span >= bands.history[1].from_days:
        descriptive.append(bands.history_finding(span))

    pattern_findings = [f for p in patterns for f in p.findings]
    baseline_ids = list(dict.fromkeys(descriptive))
    all_ids = list(dict.fromkeys([*baseline_ids, *pattern_findings]))
    evidence = [Evidence(fid, Status.PRESENT, Origin.DIARY) for fid in all_ids]
    if engine is None:
        return Retriage(patterns, evidence)

    known = engine.kb.finding_by_id
    evidence = [e for e in evidence if e.finding_id in known]
    assessment = engine.evaluate(EvidenceSet(evidence), age, sex)
    baseline = engine.evaluate(
        EvidenceSet(e for e in evidence if e.finding_id in set(baseline_ids)), age, sex
    )
    level, base_level = assessment.triage.level, baseline.triage.level
    return Retriage(
        patterns,
        evidence,
        level=level.value,
        label=assessment.level_label,
        action=assessment.level_action,
        reasons=list(assessment.triage.reasons),
        baseline_level=base_level.value,
        raised=level.urgency > base_level.urgency,
    )


_ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth")


def _medicine_onset(number: int, item: _Local, first_day: date) -> str:
    """The new-medicine pattern in exact words: which episode first had the medicine logged
    and how long after the first episode (issue 14 item 19: "the first episodes came with it"
    was said of a medicine first ticked on the third episode, 19 days later)."""
    name = item.episode.medicine_name
    medicine = "a new" if ContextFactor.NEW_MEDICINE in item.episode.context else "a changed"
    which = f"{medicine} medicine ({name})" if name else f"{medicine} medicine"
    if number == 1:
        return f"The first episode came with {which}."
    days = (item.day - first_day).days
    after = (
        "the same day as the first"
        if days == 0
        else f"{days} day{'s' if days != 1 else ''} after the first"
    )
    place = (
        f"the {_ORDINALS[number - 1]} episode" if number <= len(_ORDINALS) else f"episode {number}"
    )
    return f"{which[0].upper()}{which[1:]} was first noted on {place}, {after}."


def _p(value: float | None) -> str:
    """A p-value for people: never "p = 0.000"."""
    if value is None:
        return "p not available"
    return "p < 0.001" if value < 0.001 else f"p = {value:.3f}"
