"""What the clinician report says, assembled from one assessment and the diary.

Everything here is a pure function from the saved assessment (``ReportInput.result``), the
knowledge base and the diary to small typed dataclasses; :mod:`.pdf` only lays them out and
:mod:`.charts` only draws. The rules:

* **Findings.** The assessment's findings, named from the knowledge base, split into what the
  person has (present), has not (absent, apart from warning signs, which are listed under the
  red flags screened) and was unsure of, each grouped by finding kind. Medicines and
  substances taken are listed on their own; those not taken are negative findings.
* **Medicines and substances.** A reported medicine or substance is *known to cause spasms*
  when a condition of category ``medication`` or ``toxic`` links it, or when it is a medicine
  that any condition links (a medicine is in the knowledge base only because it can play a
  part). The conditions named with it are the medication/toxic ones (else any) where the link
  is strong (P(finding | condition) at least :data:`STRONG_LINK`), or else the strongest one.
  Each says where it came from (the person's words or an interview answer). Medicines were
  *asked* when any medicine finding is known present or absent; otherwise the report says
  "not asked", never "none". The diary's medicines (an episode's ``medicine_name``, or a
  ``new_medicine``/``changed_medicine`` context with no name) are listed beside them, each
  with the episodes it was logged on and when it was first logged.
* **Red flags screened.** Fired rules come from ``red_flags_detail``. A warning sign counts as
  *asked and denied* when it is a finding of a red-flag rule that did not fire and the person
  answered or stated it absent (medicines and substances not taken are negative findings).
* **Causes.** The first :data:`MAX_CAUSES` ranked conditions, with their probability in words
  ("about 4 in 10") and as a percentage, both from :mod:`spasmcheck.reasoning.chance` (the
  wording every screen shares). At an emergency level the causes that explain it come first
  (``explains_level``) and the report lists the rest as other possibilities.
* **What changed.** "Is it getting worse?" has one answer, the diary summary's
  (:class:`~spasmcheck.diary.summary.Direction`): more or less frequent by its Poisson trend
  test, stronger or milder by its severity slope test, new body areas by its baseline rule;
  the web diary and the FHIR bundle give the same. For scale, the range is cut in two halves
  of whole days (the second gets the odd day), each with its episodes per week
  (episodes / days x 7) and mean severity; the halves never decide the wording (issue 14
  item 22: on 6 episodes in 28 days a half-against-half rule said "more frequent" beside a
  trend test that said not).
* **Questions for the doctor.** One template per condition category, filled from the top
  causes (and, for medicine-caused conditions, from the medicines reported), so that a new
  condition in the knowledge base gets its questions without new code.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from spasmcheck._version import __version__
from spasmcheck.diary.model import MEDICINE_FACTORS, ContextFactor, Episode, name_places
from spasmcheck.diary.public import ContextPublic, Interval, RemedyPublic
from spasmcheck.diary.summary import (
    NOT_ENOUGH_DAYS,
    NOT_ENOUGH_TRIES,
    DiarySummary,
    Direction,
    summarise,
)
from spasmcheck.export.model import ReportInput
from spasmcheck.knowledge.ids import NEW_OR_CHANGED_MEDICINE
from spasmcheck.knowledge.loader import KnowledgeBase
from spasmcheck.knowledge.policy import doctor_question_policy
from spasmcheck.knowledge.schema import Category, FindingKind, TriageLevel
from spasmcheck.reasoning.chance import chance_percent, chance_words
from spasmcheck.reasoning.engine import Engine
from spasmcheck.reasoning.evidence import Origin, Status
from spasmcheck.reasoning.public import (
    AssessmentPublic,
    ConditionPublic,
    EvidenceNotePublic,
    EvidencePublic,
)

MAX_CAUSES = 5
MAX_EVIDENCE_FOR = 3
MAX_EVIDENCE_AGAINST = 2
MAX_QUESTIONS = 6
MAX_TEXT_CHARS = 700
# Causes below this probability do not shape the questions for the doctor.
QUESTION_MIN_PROBABILITY = 0.05
QUESTION_CAUSES = 3
MIN_COMPARE_DAYS = 14
STRONG_LINK = 0.5

SPASM_CAUSING_CATEGORIES = frozenset({Category.MEDICATION, Category.TOXIC})
BLOOD_TEST_CATEGORIES = frozenset(doctor_question_policy().blood_test.categories)

KIND_LABELS: dict[FindingKind, str] = {
    FindingKind.MOVEMENT: "Movement",
    FindingKind.LOCATION: "Where",
    FindingKind.TIMING: "When",
    FindingKind.COURSE: "Course",
    FindingKind.TRIGGER: "Triggers",
    FindingKind.RELIEF: "Relief",
    FindingKind.SYMPTOM: "Other symptoms",
    FindingKind.HISTORY: "History",
    FindingKind.DEMOGRAPHIC: "About the person",
    FindingKind.MEDICINE: "Medicines",
    FindingKind.SUBSTANCE: "Substances",
}
_KIND_ORDER = list(KIND_LABELS)
# Where a reported medicine came from, in the report's words.
SOURCE_WORDS: dict[Origin, str] = {
    Origin.TEXT: "their words",
    Origin.ANSWER: "interview answer",
    Origin.DIARY: "diary",
}
_DRUG_KINDS = frozenset({FindingKind.MEDICINE, FindingKind.SUBSTANCE})

# One question template per category: "{names}" are the top causes of that category (lay
# names, lower case), "{drugs}" the reported medicines linked to them.
# The questions for the doctor are cited data: knowledge/data/policy/doctor_questions.yaml.
_QUESTIONS = doctor_question_policy()
CATEGORY_QUESTIONS: dict[Category, str] = _QUESTIONS.templates
# The diary patterns of the re-triage (diary.summary.Pattern.id) in the person's words.
PATTERN_PHRASES: dict[str, str] = {p.value: text for p, text in _QUESTIONS.diary.patterns.items()}


# -- result objects ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Person:
    age: int | None
    sex: str | None
    label: str | None

    def describe(self) -> str:
        parts = []
        if self.label:
            parts.append(self.label)
        parts.append(f"age {self.age}" if self.age is not None else "age not given")
        parts.append(self.sex if self.sex else "sex not given")
        return ", ".join(parts)


@dataclass(frozen=True)
class FindingGroup:
    label: str  # the finding kind in words
    names: list[str]


@dataclass(frozen=True)
class Findings:
    positive: list[FindingGroup]
    negative: list[FindingGroup]
    unsure: list[str]


@dataclass(frozen=True)
class Medicine:
    finding: str
    name: str
    kind: str  # "medicine" | "substance"
    known_to_cause: bool
    via: list[str]  # the conditions that link it (medication/toxic ones first)
    words: str | None  # what the person wrote, when it came from the text
    source: str = "interview answer"  # where it came from: "their words" or "interview answer"


@dataclass(frozen=True)
class DiaryMedicine:
    """A new or changed medicine logged in the diary range, as the person named it."""

    name: str | None  # None: logged as new or changed without a name
    change: str  # "new", "changed" or "new or changed"
    episodes: int  # episodes it was logged on
    total: int  # episodes in the range
    first_day: date  # local date of the first episode it was logged on
    first_episode: int  # that episode's place in the range, 1 = the first
    days_after_first: int  # days from the range's first episode to it

    def describe(self) -> str:
        name = self.name or f"a {self.change} medicine (not named)"
        when = f"first on {self.first_day.day} {self.first_day:%b %Y}"
        if self.first_episode == 1:
            when += ", the first episode"
        else:
            days = self.days_after_first
            when += (
                f", episode {self.first_episode} of {self.total},"
                f" {days} day{'s' if days != 1 else ''} after the first"
            )
        kind = "" if self.name is None else f"{self.change} medicine, "
        return (
            f"{name} (diary: {kind}logged on {self.episodes} of {self.total}"
            f" episode{'s' if self.total != 1 else ''}; {when})"
        )


@dataclass(frozen=True)
class FiredFlag:
    name: str
    level: str
    reason: str
    uncertain: bool


@dataclass(frozen=True)
class DeniedFlag:
    name: str  # the warning-sign finding stated absent
    rules: list[str]  # the red-flag rules it belongs to


@dataclass(frozen=True)
class RedFlags:
    fired: list[FiredFlag]
    denied: list[DeniedFlag]


@dataclass(frozen=True)
class Triage:
    level: str
    label: str
    action: str
    reasons: list[str]
    do_now: list[str]
    # Set when the diary, kept since the check, asks for more urgent care than the check did:
    # the first thing the reader sees then says so, instead of the check's calmer advice alone
    # with the diary's raise pages later (usability walkthrough 2026-12-05, B2).
    diary_raise: str | None = None


@dataclass(frozen=True)
class Cause:
    rank: int
    name: str
    clinical_name: str
    category: str
    probability: float
    words: str
    icd10: list[str]
    evidence_for: list[str]
    evidence_against: list[str]
    explains_level: bool = False  # shown first: it explains an emergency level


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    episodes: int
    mean_severity: float | None

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def per_week(self) -> float:
        return self.episodes / self.days * 7


@dataclass(frozen=True)
class WhatChanged:
    first: Period | None
    second: Period | None
    new_areas: list[str]
    sentences: list[str]


@dataclass(frozen=True)
class TableRow:
    cells: list[str]


@dataclass(frozen=True)
class DiarySection:
    summary: DiarySummary
    changed: WhatChanged
    context_rows: list[TableRow]
    context_note: str  # "", or which factors have not enough days yet
    remedy_rows: list[TableRow]
    remedy_note: str
    retriage: str
    facts: list[str]  # one-line facts: episodes, night share, persistence


@dataclass(frozen=True)
class ReportData:
    person: Person
    assessed_on: date
    generated_at: datetime
    product_version: str
    kb_version: str
    text: str
    findings: Findings
    medicines: list[Medicine]
    triage: Triage
    red_flags: RedFlags
    causes: list[Cause]
    estimate_note: str
    disclaimer: str
    diary: DiarySection | None
    questions: list[str]
    location_names: dict[str, str] = field(default_factory=dict)
    medicines_asked: bool = True  # False: no medicine finding was answered or stated
    diary_medicines: list[DiaryMedicine] = field(default_factory=list)


# "Is it getting worse?" in the report's words, from the summary's one rule.
FREQUENCY_WORDS: dict[Direction, str] = {
    Direction.RISING: "Episodes became more frequent",
    Direction.FALLING: "Episodes became less frequent",
    Direction.NO_CLEAR_CHANGE: "No clear change in how often episodes come",
    Direction.TOO_FEW_WEEKS: "Too few weeks to tell a change in how often episodes come",
}
SEVERITY_WORDS: dict[Direction, str] = {
    Direction.RISING: "Episodes became stronger",
    Direction.FALLING: "Episodes became milder",
    Direction.NO_CLEAR_CHANGE: "No clear change in severity",
    Direction.TOO_FEW_WEEKS: "Too few rated episodes or weeks to tell a change in severity",
}


# -- small helpers ----------------------------------------------------------------------------
# The one wording of a probability shared by the web, the CLI, the PDF and the FHIR narrative.
probability_words = chance_words
percent = chance_percent


def p_value(p: float) -> str:
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}" if p < 0.01 else f"p = {p:.2f}"


def finding_name(kb: KnowledgeBase, finding_id: str) -> str:
    finding = kb.finding_by_id.get(finding_id)
    return finding.name if finding is not None else finding_id.replace("_", " ")


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text[:1].isupper() and not text[1:2].isupper() else text


def join_words(items: Sequence[str], last: str = "and") -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {last} {items[-1]}"


def shorten(text: str, limit: int = MAX_TEXT_CHARS) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0]
    return cut + "…"


# -- findings ---------------------------------------------------------------------------------
def red_flag_finding_ids(kb: KnowledgeBase) -> frozenset[str]:
    return frozenset(fid for flag in kb.red_flags for fid in flag.finding_ids)


def group_findings(findings: Iterable[EvidencePublic], kb: KnowledgeBase) -> Findings:
    """Present, absent and unsure findings by kind. Medicines and substances taken, and denied
    warning signs (findings of red-flag rules other than medicines), have their own sections."""
    flag_ids = red_flag_finding_ids(kb)
    positive: dict[FindingKind, list[str]] = {}
    negative: dict[FindingKind, list[str]] = {}
    unsure: list[str] = []
    for item in findings:
        fid = item.finding
        finding = kb.finding_by_id.get(fid)
        kind = finding.kind if finding is not None else FindingKind.SYMPTOM
        name = finding_name(kb, fid)
        status = item.status
        if kind in _DRUG_KINDS and status is Status.PRESENT:
            continue
        if status is Status.PRESENT:
            positive.setdefault(kind, []).append(name)
        elif status is Status.ABSENT:
            if fid in flag_ids and kind not in _DRUG_KINDS:
                continue
            negative.setdefault(kind, []).append(name)
        elif item.possible or item.origin is Origin.ANSWER:
            unsure.append(name)

    def groups(by_kind: dict[FindingKind, list[str]]) -> list[FindingGroup]:
        return [
            FindingGroup(KIND_LABELS[kind], list(dict.fromkeys(by_kind[kind])))
            for kind in _KIND_ORDER
            if kind in by_kind
        ]

    return Findings(groups(positive), groups(negative), list(dict.fromkeys(unsure)))


def medicines(findings: Iterable[EvidencePublic], kb: KnowledgeBase) -> list[Medicine]:
    """The medicines and substances reported (present), with those known to cause spasms
    marked and the conditions linking them named (medication/toxic ones first)."""
    result: list[Medicine] = []
    seen: set[str] = set()
    for item in findings:
        fid = item.finding
        finding = kb.finding_by_id.get(fid)
        if finding is None or finding.kind not in _DRUG_KINDS or item.status is not Status.PRESENT:
            continue
        if fid in seen:
            continue
        seen.add(fid)
        links = sorted(
            ((link.p, c) for c in kb.conditions for link in c.findings if link.id == fid),
            key=lambda item: -item[0],
        )
        causal = [(p, c) for p, c in links if c.category in SPASM_CAUSING_CATEGORIES]
        known = bool(causal) or (finding.kind is FindingKind.MEDICINE and bool(links))
        # Name the conditions where the link is strong (or else the strongest one).
        named = causal or links
        ordered = [c for p, c in named if p >= STRONG_LINK] or [c for _, c in named[:1]]
        text = item.text
        result.append(
            Medicine(
                finding=fid,
                name=finding.name,
                kind=finding.kind.value,
                known_to_cause=known,
                via=[c.name for c in ordered] if known else [],
                words=text if text and text.lower() != finding.name.lower() else None,
                source=SOURCE_WORDS.get(item.origin, item.origin.value),
            )
        )
    result.sort(key=lambda m: (not m.known_to_cause, m.kind != "medicine"))
    return result


def medicines_asked(findings: Iterable[EvidencePublic], kb: KnowledgeBase) -> bool:
    """Whether the assessment knows anything about medicines: a medicine finding stated or
    answered present or absent. "Don't know" answers and no question at all are not asked."""
    for item in findings:
        finding = kb.finding_by_id.get(item.finding)
        if (
            finding is not None
            and finding.kind is FindingKind.MEDICINE
            and item.status in (Status.PRESENT, Status.ABSENT)
        ):
            return True
    return False


def diary_medicines(
    episodes: Sequence[Episode], start: date, end: date, timezone: str
) -> list[DiaryMedicine]:
    """The new or changed medicines logged on the episodes of ``[start, end]`` (local dates),
    one per name (case and spaces ignored), in the order they were first logged."""
    zone = ZoneInfo(timezone)
    in_range = sorted(
        (e for e in episodes if start <= _local_day(e, zone) <= end), key=lambda e: e.started_at
    )
    if not in_range:
        return []
    first_day = _local_day(in_range[0], zone)
    logged: dict[str, list[tuple[int, Episode]]] = {}
    names: dict[str, str | None] = {}
    for number, episode in enumerate(in_range, start=1):
        if not MEDICINE_FACTORS & set(episode.context):  # a medicine_name needs one of them
            continue
        name = " ".join(episode.medicine_name.split()) if episode.medicine_name else None
        key = name.casefold() if name else ""
        names.setdefault(key, name)
        logged.setdefault(key, []).append((number, episode))
    result = []
    for key, items in logged.items():
        ticked = {f for _, e in items for f in e.context if f in MEDICINE_FACTORS}
        change = (
            "new or changed"
            if len(ticked) != 1
            else "new"
            if ContextFactor.NEW_MEDICINE in ticked
            else "changed"
        )
        number, first = items[0]
        day = _local_day(first, zone)
        result.append(
            DiaryMedicine(
                name=names[key],
                change=change,
                episodes=len(items),
                total=len(in_range),
                first_day=day,
                first_episode=number,
                days_after_first=(day - first_day).days,
            )
        )
    return result


# -- triage and red flags ---------------------------------------------------------------------
def triage_section(result: AssessmentPublic) -> Triage:
    t = result.triage
    return Triage(
        level=t.level.value,
        label=t.label,
        action=t.action,
        reasons=list(t.reasons),
        do_now=list(t.do_now),
    )


def with_diary_raise(triage: Triage, diary: DiarySection | None) -> Triage:
    """``triage`` with :attr:`Triage.diary_raise` when the diary's re-triage is more urgent
    than the check's level: one story on the first page."""
    if diary is None or diary.summary.retriage.level is None:
        return triage
    raised = TriageLevel(diary.summary.retriage.level)
    if raised.urgency <= TriageLevel(triage.level).urgency:
        return triage
    return replace(triage, diary_raise=f"Since this check: {diary.retriage}")


def red_flags_screened(result: AssessmentPublic, kb: KnowledgeBase) -> RedFlags:
    """The red flags that fired, and the warning signs asked about and denied: the findings of
    red-flag rules (that did not fire) stated absent, each with the rules it belongs to. A
    medicine not taken is not a warning sign denied: it is listed with the negative findings."""
    details = result.red_flags_detail
    fired = [
        FiredFlag(name=d.name, level=d.level.value, reason=d.reason, uncertain=d.uncertain)
        for d in details
    ]
    fired_ids = {d.id for d in details}
    absent = [f.finding for f in result.findings if f.status is Status.ABSENT]
    denied: list[DeniedFlag] = []
    for fid in dict.fromkeys(absent):
        rules = [
            flag.name
            for flag in kb.red_flags
            if flag.id not in fired_ids and fid in flag.finding_ids
        ]
        finding = kb.finding_by_id.get(fid)
        if rules and (finding is None or finding.kind not in _DRUG_KINDS):
            denied.append(DeniedFlag(finding_name(kb, fid), rules))
    return RedFlags(fired, denied)


# -- causes -----------------------------------------------------------------------------------
def _evidence_line(item: EvidenceNotePublic) -> str:
    state = "" if item.status == "present" else "no "
    name = item.name or item.finding
    name = _lower_first(name) if state else name
    return f"{state}{name} (LR {item.likelihood_ratio:.1f})"


def ranked_causes(result: AssessmentPublic, limit: int = MAX_CAUSES) -> list[Cause]:
    causes = []
    for rank, c in enumerate(result.conditions[:limit], start=1):
        evidence = c.evidence
        p = c.probability
        causes.append(
            Cause(
                rank=rank,
                name=c.name,
                clinical_name=c.clinical_name,
                category=c.category.value,
                probability=p,
                words=probability_words(p),
                icd10=list(c.icd10),
                evidence_for=[_evidence_line(e) for e in evidence if e.likelihood_ratio > 1][
                    :MAX_EVIDENCE_FOR
                ],
                evidence_against=[_evidence_line(e) for e in evidence if e.likelihood_ratio < 1][
                    :MAX_EVIDENCE_AGAINST
                ],
                explains_level=c.explains_level,
            )
        )
    return causes


# -- questions for the doctor -----------------------------------------------------------------
_SEVERITY_WORDS = re.compile(
    r"^(?:(?:dangerously|severe(?:ly)?|very|acute(?:ly)?|sudden(?:ly)?|life-threatening)\s+)+",
    re.IGNORECASE,
)


def _blood_test_subject(name: str) -> str:
    """The thing a blood test measures, without the severity words of a condition's name."""
    subject = _SEVERITY_WORDS.sub("", name).strip()
    return subject[:1].upper() + subject[1:] if subject else name


def doctor_questions(
    result: AssessmentPublic,
    kb: KnowledgeBase,
    reported: Sequence[Medicine],
    diary: DiarySection | None = None,
    limit: int = MAX_QUESTIONS,
) -> list[str]:
    """Questions from the categories of the likeliest causes (see the module docstring)."""
    ranked = result.conditions
    top = [
        c for c in ranked[:QUESTION_CAUSES] if c.probability >= QUESTION_MIN_PROBABILITY
    ] or ranked[:1]
    present_drugs = {m.finding: m for m in reported}
    by_category: dict[Category, list[ConditionPublic]] = {}
    for c in top:
        by_category.setdefault(c.category, []).append(c)

    # Blood tests: conditions of the blood-test categories among the top causes, and those that
    # share a reported medicine with a medicine-caused top cause (water tablets -> potassium).
    tests: list[str] = []
    for category in BLOOD_TEST_CATEGORIES:
        tests += [c.name for c in by_category.get(category, [])]
    for c in by_category.get(Category.MEDICATION, []):
        condition = kb.condition_by_id.get(c.id)
        if condition is None:
            continue
        drugs = {link.id for link in condition.findings} & set(present_drugs)
        tests += [
            other.name
            for other in kb.conditions
            if other.category in BLOOD_TEST_CATEGORIES
            and drugs & {link.id for link in other.findings}
        ]
    # A blood test is for what it measures: "dangerously low sodium" and "low sodium" are one
    # test, asked once.
    tests = list(dict.fromkeys(_blood_test_subject(t) for t in tests))

    questions: list[str] = []
    asked_blood = False
    for category, conditions in by_category.items():
        template = CATEGORY_QUESTIONS.get(category)
        if template is None:
            continue
        names = join_words([_lower_first(c.name) for c in conditions], "or")
        drugs_text = ""
        if "{drugs}" in template:
            ids: set[str] = set()
            for c in conditions:
                condition = kb.condition_by_id.get(c.id)
                if condition is not None:
                    ids |= {link.id for link in condition.findings}
            linked = [
                _lower_first(m.name)
                for fid, m in present_drugs.items()
                if fid in ids and fid != NEW_OR_CHANGED_MEDICINE
            ]
            if not linked:
                linked = ["medicines" if category is Category.MEDICATION else "a substance"]
            drugs_text = join_words(linked, "or")
        if category in BLOOD_TEST_CATEGORIES:
            if asked_blood:
                continue
            asked_blood = True
            names = join_words([_lower_first(t) for t in tests], "or")
        questions.append(template.format(names=names, drugs=drugs_text))
    if tests and not asked_blood:
        names = join_words([_lower_first(t) for t in tests], "or")
        questions.append(_QUESTIONS.blood_test.template.format(names=names))
    if diary is not None and diary.summary.retriage.patterns:
        shown = [PATTERN_PHRASES.get(p.id, "") for p in diary.summary.retriage.patterns]
        shown = list(dict.fromkeys(p for p in shown if p))[:3]
        if shown:
            questions.append(_QUESTIONS.diary.template.format(patterns=join_words(shown)))
    questions.append(_QUESTIONS.closing.text)
    return list(dict.fromkeys(questions))[:limit]


# -- diary ------------------------------------------------------------------------------------
def _local_day(episode: Episode, zone: ZoneInfo) -> date:
    return episode.started_at.astimezone(zone).date()


def what_changed(
    episodes: Sequence[Episode],
    start: date,
    end: date,
    timezone: str,
    kb: KnowledgeBase | None = None,
    summary: DiarySummary | None = None,
) -> WhatChanged:
    """The halves of ``[start, end]`` for scale, worded by the diary summary's tests (see the
    module docstring); ``summary`` is that range's summary, made here when not given."""
    if summary is None:
        summary = summarise(episodes, start=start, end=end, timezone=timezone)
    if summary.weeks:  # the halves start where the summary's weeks do: when the diary began
        week = summary.weeks[0]
        kept = min(week.monday + timedelta(days=6), end) - timedelta(days=week.days_in_range - 1)
        start = max(start, kept)
    days = (end - start).days + 1
    zone = ZoneInfo(timezone)
    dated = [(e, _local_day(e, zone)) for e in episodes]
    areas = summary.body_areas
    new_areas = [finding_name(kb, loc) if kb else loc for loc in areas.new]
    if areas.new:
        spread = f"New body areas after the first weeks: {join_words(new_areas)}."
    elif summary.episodes and (areas.baseline_until is None or areas.baseline_until >= end):
        spread = "Too early to tell whether the spasms are spreading to new places."
    else:
        spread = "No new body areas." if summary.episodes else ""
    if days < MIN_COMPARE_DAYS:
        short = f"The diary range is under {MIN_COMPARE_DAYS} days: too short to compare halves."
        return WhatChanged(None, None, new_areas, [short, *([spread] if spread else [])])
    first_end = start + timedelta(days=days // 2 - 1)
    second_start = first_end + timedelta(days=1)
    first_eps = [e for e, d in dated if start <= d <= first_end]
    second_eps = [e for e, d in dated if second_start <= d <= end]

    def period(items: list[Episode], a: date, b: date) -> Period:
        rated = [e.severity for e in items if e.severity is not None]  # "not recorded" left out
        mean = sum(rated) / len(rated) if rated else None
        return Period(a, b, len(items), mean)

    first = period(first_eps, start, first_end)
    second = period(second_eps, second_start, end)

    sentences: list[str] = []
    r1, r2 = first.per_week, second.per_week
    if r1 == 0 and r2 == 0:
        sentences.append("No episodes in either half of the range.")
    else:
        fit = summary.trend.fit
        test = (
            f" (trend ×{fit.rate_ratio:.2f} a week, {p_value(fit.p_value)})"
            if fit.rate_ratio is not None and fit.p_value is not None
            else ""
        )
        sentences.append(
            f"{FREQUENCY_WORDS[summary.trend.direction]}: {r1:.1f} a week in the first half,"
            f" {r2:.1f} in the second{test}."
        )
    s1, s2 = first.mean_severity, second.mean_severity
    severity = summary.severity
    if severity.mean is not None:
        slope = severity.fit
        test = (
            f" (slope {slope.slope:+.2f} a week, {p_value(slope.p_value)})".replace("-", "−")
            if slope is not None
            else ""
        )
        means = (
            f"mean severity {s1:.1f} then {s2:.1f} out of 10"
            if s1 is not None and s2 is not None
            else f"mean severity {severity.mean:.1f} out of 10"
        )
        sentences.append(f"{SEVERITY_WORDS[severity.direction]}: {means}{test}.")
    if spread:
        sentences.append(spread)
    return WhatChanged(first, second, new_areas, sentences)


def _ratio(value: float | None, ci: Interval) -> str:
    if value is None:
        return "–"
    low, high = ci
    if low is not None and high is not None:
        return f"{value:.1f} ({low:.1f}–{high:.1f})"
    return f"{value:.1f}"


def _label(value: str) -> str:
    return value.replace("_", " ")


def context_table(summary: DiarySummary) -> tuple[list[TableRow], str]:
    rows: list[TableRow] = []
    short: list[str] = []
    for item in summary.context:
        d = ContextPublic.model_validate(item.as_dict())
        if not item.enough:
            short.append(_label(item.factor.value))
            continue
        rows.append(
            TableRow(
                [
                    _label(item.factor.value),
                    f"{item.days_with} / {item.days_without}",
                    f"{d.rate_with or 0:.1f} / {d.rate_without or 0:.1f}",
                    _ratio(d.rate_ratio, d.ci95),
                ]
            )
        )
    note = ""
    if short:
        note = f"{join_words(short).capitalize()}: {NOT_ENOUGH_DAYS}."
    if not summary.context:
        note = "No circumstances were logged with the episodes."
    return rows, note


def _signed(share: float) -> str:
    return f"{share * 100:+.0f}".replace("-", "−")


def remedy_table(summary: DiarySummary) -> tuple[list[TableRow], str]:
    rows: list[TableRow] = []
    for item in summary.remedies:
        d = RemedyPublic.model_validate(item.as_dict())
        share = d.share_helped
        vs = d.vs_others
        rows.append(
            TableRow(
                [
                    _label(item.remedy.value),
                    str(item.tried),
                    f"{item.helped} of {item.recorded}" if item.recorded else "not recorded",
                    f"{share * 100:.0f} %" if share is not None else "–",
                    (
                        f"{_signed(vs.difference)} points"
                        f" ({_signed(vs.ci95[0])} to {_signed(vs.ci95[1])})"
                        if vs is not None
                        and vs.difference is not None
                        and vs.ci95[0] is not None
                        and vs.ci95[1] is not None
                        else NOT_ENOUGH_TRIES
                    ),
                ]
            )
        )
    note = "" if summary.remedies else "No remedies were logged."
    return rows, note


def retriage_message(summary: DiarySummary, names: dict[str, str] | None = None) -> str:
    """The diary's re-triage in one sentence; ``names`` turns finding ids into names."""
    r = summary.retriage
    if not r.patterns:
        if summary.episodes == 0:
            return "No episodes in this range."
        return "The diary shows no pattern that changes the advice."
    found = "; ".join(name_places(p.reason.rstrip("."), names or {}) for p in r.patterns)
    if r.label and r.raised:
        return f"The diary raises the level to “{r.label}”: {found}."
    if r.label:
        return f"The diary patterns point to “{r.label}”: {found}."
    return f"The diary shows: {found}."


def diary_facts(summary: DiarySummary) -> list[str]:
    facts = [
        f"{summary.episodes} episode{'s' if summary.episodes != 1 else ''} in {summary.days} days"
        f" ({summary.episodes / summary.days * 7:.1f} a week)"
    ]
    if summary.episodes:
        weeks = summary.persistence
        facts.append(f"episodes in {weeks.weeks_with_episodes} of {weeks.weeks} weeks")
        share = summary.night.share or 0.0
        facts.append(f"{summary.night.episodes} at night ({share * 100:.0f} %)")
        unrated = summary.episodes - summary.severity.rated
        if summary.severity.mean is not None:
            facts.append(f"mean severity {summary.severity.mean:.1f}/10")
        if unrated:
            facts.append(f"severity not recorded on {unrated}")
    # the trend test is worded once, under "What changed" (one answer, issue 14 item 22)
    return facts


def summarise_diary(report: ReportInput, engine: Engine | None = None) -> DiarySummary | None:
    """The report's diary range summarised, re-triaged by ``engine`` for the person when one
    is given; None when the report has no diary range."""
    if report.start is None or report.end is None:
        return None
    return summarise(
        report.episodes,
        start=report.start,
        end=report.end,
        timezone=report.timezone,
        engine=engine,
        age=report.input.age,
        sex=report.input.sex,
        began=report.diary_began,
    )


def diary_section(report: ReportInput, engine: Engine) -> DiarySection | None:
    summary = summarise_diary(report, engine)
    if summary is None or report.start is None or report.end is None:
        return None
    context_rows, context_note = context_table(summary)
    remedy_rows, remedy_note = remedy_table(summary)
    return DiarySection(
        summary=summary,
        changed=what_changed(
            report.episodes, report.start, report.end, report.timezone, engine.kb, summary
        ),
        context_rows=context_rows,
        context_note=context_note,
        remedy_rows=remedy_rows,
        remedy_note=remedy_note,
        retriage=retriage_message(
            summary, {loc: finding_name(engine.kb, loc) for loc in summary.body_areas.counts}
        ),
        facts=diary_facts(summary),
    )


# -- everything -------------------------------------------------------------------------------
def build_report(report: ReportInput, engine: Engine) -> ReportData:
    kb = engine.kb
    result = report.result
    findings = result.findings
    reported = medicines(findings, kb)
    diary = diary_section(report, engine)
    generated = report.generated_at or datetime.now(UTC)
    locations = {f.id: f.name for f in kb.findings if f.kind is FindingKind.LOCATION}
    return ReportData(
        person=Person(
            age=report.input.age, sex=report.input.sex, label=report.person_label or None
        ),
        assessed_on=report.created_at.date(),
        generated_at=generated,
        product_version=__version__,
        kb_version=result.kb_version or kb.version,
        text=shorten(report.input.text),
        findings=group_findings(findings, kb),
        medicines=reported,
        triage=with_diary_raise(triage_section(result), diary),
        red_flags=red_flags_screened(result, kb),
        causes=ranked_causes(result),
        estimate_note=result.estimate_note,
        disclaimer=result.disclaimer,
        diary=diary,
        questions=doctor_questions(result, kb, reported, diary),
        location_names=locations,
        medicines_asked=medicines_asked(findings, kb),
        diary_medicines=(
            diary_medicines(report.episodes, report.start, report.end, report.timezone)
            if report.start is not None and report.end is not None
            else []
        ),
    )
