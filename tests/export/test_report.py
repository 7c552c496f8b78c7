"""The report's data assembly: grouping, medicine marking, red flags, questions, what changed."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from spasmcheck.diary.model import Episode
from spasmcheck.export.model import ReportInput
from spasmcheck.export.report import (
    build_report,
    doctor_questions,
    group_findings,
    medicines,
    probability_words,
    ranked_causes,
    red_flags_screened,
    what_changed,
)
from spasmcheck.reasoning.engine import Engine
from spasmcheck.reasoning.evidence import Evidence, Origin, Status
from spasmcheck.reasoning.public import (
    AssessmentInput,
    AssessmentPublic,
    ConditionPublic,
    EvidencePublic,
)

TZ = "Europe/London"


def episode(day: date, *, severity: int = 5, locations: tuple[str, ...] = ("loc_calf",)) -> Episode:
    return Episode(
        started_at=datetime(day.year, day.month, day.day, 23, 0, tzinfo=ZoneInfo(TZ)),
        duration_seconds=60,
        locations=list(locations),
        kind="cramp",
        severity=severity,
    )


def finding(fid: str, status: str = "present", **extra: Any) -> EvidencePublic:
    return EvidencePublic.model_validate(
        {"finding": fid, "status": status, "origin": "answer", **extra}
    )


@pytest.fixture(scope="module")
def diuretic_result(engine: Engine) -> AssessmentPublic:
    evidence = [
        Evidence(
            "calf_swelling", Status.ABSENT, Origin.ANSWER, question="calf_swelling", screening=True
        ),
        Evidence("numbness", Status.ABSENT, Origin.ANSWER, question="numbness"),
    ]
    return AssessmentPublic.of(
        engine.assess(
            "Calf cramps at night, I take a water pill. No weakness.",
            67,
            "female",
            evidence,
        )
    )


# -- findings -----------------------------------------------------------------------------------
def test_findings_grouped_by_kind_with_kb_names(engine: Engine) -> None:
    groups = group_findings(
        [
            finding("cramp"),
            finding("loc_calf"),
            finding("at_night"),
            finding("tingling", "absent"),
            finding("hx_kidney_disease", "unknown"),
            finding("med_diuretic"),  # medicines have their own section
        ],
        engine.kb,
    )
    positive = {g.label: g.names for g in groups.positive}
    assert positive == {
        "Movement": ["Painful muscle cramp"],
        "Where": ["Calf"],
        "When": ["At night"],
    }
    # tingling belongs to a red-flag rule: it is listed with the red flags, not here
    assert groups.negative == []
    assert groups.unsure == [engine.kb.finding_by_id["hx_kidney_disease"].name]


def test_negative_findings_that_are_not_warning_signs(engine: Engine) -> None:
    flag_ids = {fid for flag in engine.kb.red_flags for fid in flag.finding_ids}
    plain = next(f for f in engine.kb.findings if f.kind.value == "timing" and f.id not in flag_ids)
    groups = group_findings([finding(plain.id, "absent")], engine.kb)
    assert [(g.label, g.names) for g in groups.negative] == [("When", [plain.name])]


# -- medicines ----------------------------------------------------------------------------------
def test_medicine_linked_by_a_medication_condition_is_marked(engine: Engine) -> None:
    [diuretic] = medicines([finding("med_diuretic", text="water pill")], engine.kb)
    assert diuretic.known_to_cause
    assert diuretic.via[0] == engine.kb.condition_by_id["diuretic_side_effect"].name
    assert diuretic.words == "water pill"


def test_substance_only_linked_by_a_lifestyle_condition_is_not_marked(engine: Engine) -> None:
    [caffeine] = medicines([finding("caffeine_high")], engine.kb)
    assert not caffeine.known_to_cause and caffeine.via == []


def test_toxic_substance_is_marked(engine: Engine) -> None:
    [alcohol] = medicines([finding("alcohol_stopped")], engine.kb)
    assert alcohol.known_to_cause
    assert engine.kb.condition_by_id["alcohol_withdrawal"].name in alcohol.via


def test_marked_medicines_come_first_and_absent_ones_are_left_out(engine: Engine) -> None:
    items = medicines(
        [finding("caffeine_high"), finding("med_statin"), finding("med_ppi", "absent")], engine.kb
    )
    assert [m.finding for m in items] == ["med_statin", "caffeine_high"]


def test_marking_follows_the_knowledge_base(engine: Engine) -> None:
    """Every reported medicine/substance is marked exactly when a medication or toxic condition
    links it, or it is a medicine linked by any condition."""
    kb = engine.kb
    for f in kb.findings:
        if f.kind.value not in ("medicine", "substance"):
            continue
        linking = [c for c in kb.conditions if any(link.id == f.id for link in c.findings)]
        expected = any(c.category.value in ("medication", "toxic") for c in linking) or (
            f.kind.value == "medicine" and bool(linking)
        )
        [item] = medicines([finding(f.id)], kb)
        assert item.known_to_cause is expected, f.id


# -- red flags and causes ----------------------------------------------------------------------
def test_red_flags_denied_are_the_absent_warning_signs(
    engine: Engine, diuretic_result: AssessmentPublic
) -> None:
    flags = red_flags_screened(diuretic_result, engine.kb)
    assert flags.fired == []
    names = {d.name for d in flags.denied}
    kb = engine.kb
    assert kb.finding_by_id["calf_swelling"].name in names
    assert kb.finding_by_id["weakness"].name in names  # "no weakness" in the text
    clot = next(d for d in flags.denied if d.name == kb.finding_by_id["calf_swelling"].name)
    assert any("calf" in rule.lower() for rule in clot.rules)


def test_fired_red_flag_is_not_listed_as_denied(engine: Engine) -> None:
    result = AssessmentPublic.of(
        engine.assess("cramps in my calf and the calf is swollen, no numbness", 50, "male")
    )
    flags = red_flags_screened(result, engine.kb)
    assert flags.fired and all(f.name for f in flags.fired)
    fired_names = {f.name for f in flags.fired}
    assert all(not set(d.rules) & fired_names for d in flags.denied)


def test_ranked_causes_top_five_with_words(diuretic_result: AssessmentPublic) -> None:
    causes = ranked_causes(diuretic_result)
    assert len(causes) == 5
    assert [c.rank for c in causes] == [1, 2, 3, 4, 5]
    assert causes[0].name == diuretic_result.conditions[0].name
    assert causes[0].icd10 and causes[0].evidence_for
    assert all(line.startswith("no ") for c in causes for line in c.evidence_against)


@pytest.mark.parametrize(
    ("p", "words"),
    [
        # the wording every screen shares (reasoning.chance): hundredths below 1 in 10
        (0.001, "less than 1 in 100"),
        (0.06, "about 6 in 100"),
        (0.43, "about 4 in 10"),
        (0.96, "more than 9 in 10"),
    ],
)
def test_probability_words(p: float, words: str) -> None:
    assert probability_words(p) == words


# -- questions ----------------------------------------------------------------------------------
def test_questions_name_the_medicine_and_the_blood_tests(
    engine: Engine, diuretic_result: AssessmentPublic
) -> None:
    reported = medicines(diuretic_result.findings, engine.kb)
    questions = doctor_questions(diuretic_result, engine.kb, reported)
    text = " ".join(questions)
    assert "Could my water tablets (diuretics) be causing this" in text
    blood = next(q for q in questions if q.startswith("Should I have a blood test"))
    assert "low potassium" in blood and "low magnesium" in blood
    assert len(questions) == len(set(questions)) <= 6


def test_questions_follow_the_category_not_the_case(
    engine: Engine, diuretic_result: AssessmentPublic
) -> None:
    """A made-up result whose top cause is an electrolyte condition asks for that blood test."""
    kb = engine.kb
    low_calcium = kb.condition_by_id["hypocalcemia"]
    assert low_calcium.category.value == "electrolyte"
    cause = ConditionPublic(
        id=low_calcium.id,
        name=low_calcium.name,
        clinical_name=low_calcium.clinical_name,
        probability=0.6,
        icd10=low_calcium.icd10,
        snomed=low_calcium.snomed,
        category=low_calcium.category,
        usual_triage=low_calcium.triage,
        explains_level=False,
        summary=low_calcium.summary,
        evidence_for=[],
        evidence_against=[],
        evidence=[],
    )
    result = diuretic_result.model_copy(update={"conditions": [cause], "findings": []})
    questions = doctor_questions(result, kb, [])
    assert questions[0] == "Should I have a blood test for low calcium?"


# -- what changed -------------------------------------------------------------------------------
def test_what_changed_arithmetic(engine: Engine) -> None:
    start, end = date(2026, 1, 5), date(2026, 2, 1)  # 28 days: halves of 14
    first = [episode(start + timedelta(days=d), severity=4) for d in (0, 5, 10)]  # 3 in 14 days
    second = [
        episode(start + timedelta(days=d), severity=7, locations=("loc_calf", "loc_foot"))
        for d in (14, 16, 18, 20, 22, 24, 26)
    ]  # 7 in 14 days
    changed = what_changed([*first, *second], start, end, TZ, engine.kb)
    assert changed.first is not None and changed.second is not None
    assert (changed.first.start, changed.first.end) == (start, date(2026, 1, 18))
    assert (changed.second.start, changed.second.end) == (date(2026, 1, 19), end)
    assert changed.first.per_week == pytest.approx(1.5)
    assert changed.second.per_week == pytest.approx(3.5)
    assert changed.first.mean_severity == 4 and changed.second.mean_severity == 7
    assert changed.new_areas == [engine.kb.finding_by_id["loc_foot"].name]
    # The halves are shown for scale; the words are the diary summary's tests (issue 14 item
    # 22): weekly counts 2, 1, 3, 4 are no clear trend, severities 4 then 7 a clear rise.
    assert changed.sentences == [
        "No clear change in how often episodes come: 1.5 a week in the first half, 3.5 in the"
        " second (trend ×1.28 a week, p = 0.40).",
        "Episodes became stronger: mean severity 4.0 then 7.0 out of 10"
        " (slope +1.04 a week, p = 0.001).",
        "New body areas after the first weeks: Foot or toes.",
    ]


def test_what_changed_odd_days_and_no_change() -> None:
    start, end = date(2026, 3, 2), date(2026, 3, 16)  # 15 days: 7 then 8
    eps = [episode(start + timedelta(days=d), severity=5) for d in (1, 3, 8, 10)]
    changed = what_changed(eps, start, end, TZ)
    assert changed.first is not None and changed.second is not None
    assert (changed.first.days, changed.second.days) == (7, 8)
    assert changed.first.per_week == pytest.approx(2.0)
    assert changed.second.per_week == pytest.approx(1.75)
    assert changed.sentences == [
        "No clear change in how often episodes come: 2.0 a week in the first half, 1.8 in the"
        " second (trend ×0.76 a week, p = 0.74).",
        "No clear change in severity: mean severity 5.0 then 5.0 out of 10"
        " (slope +0.00 a week, p = 1.00).",
        "No new body areas.",
    ]


def test_what_changed_fewer_episodes_and_too_short() -> None:
    start = date(2026, 3, 2)
    eps = [episode(start + timedelta(days=d), severity=6) for d in range(0, 14, 2)]
    changed = what_changed(eps, start, start + timedelta(days=27), TZ)
    assert changed.sentences[0] == (
        "Episodes became less frequent: 3.5 a week in the first half, 0.0 in the second"
        " (trend ×0.32 a week, p = 0.01)."
    )
    short = what_changed(eps, start, start + timedelta(days=9), TZ)
    assert short.first is None and "too short" in short.sentences[0]


def test_what_changed_uses_the_local_date() -> None:
    # 00:30 in London on 19 Jan is 18 Jan in New York: the halves follow the timezone given.
    start, end = date(2026, 1, 5), date(2026, 2, 1)
    e = Episode(
        started_at=datetime(2026, 1, 19, 0, 30, tzinfo=ZoneInfo(TZ)),
        duration_seconds=60,
        locations=["loc_calf"],
        kind="cramp",
        severity=5,
    )
    london = what_changed([e], start, end, TZ)
    new_york = what_changed([e], start, end, "America/New_York")
    assert london.second is not None and london.second.episodes == 1
    assert new_york.first is not None and new_york.first.episodes == 1


# -- the whole report ---------------------------------------------------------------------------
def test_build_report_without_diary(engine: Engine, diuretic_result: AssessmentPublic) -> None:
    report = ReportInput(
        assessment_id=3,
        created_at=datetime(2026, 2, 1, 9, tzinfo=UTC),
        input=AssessmentInput(text="Calf cramps at night", age=67, sex="female"),
        result=diuretic_result,
    )
    data = build_report(report, engine)
    assert data.diary is None
    assert data.person.describe() == "age 67, female"  # no name unless the person adds one
    assert data.kb_version == diuretic_result.kb_version
    assert data.triage.label == diuretic_result.triage.label
    assert data.questions and data.questions[-1] == "What signs should make me seek help sooner?"


def test_build_report_names_the_person_only_when_given(
    engine: Engine, diuretic_result: AssessmentPublic
) -> None:
    report = ReportInput(
        assessment_id=3,
        created_at=datetime(2026, 2, 1, 9, tzinfo=UTC),
        input=AssessmentInput(text="cramps"),
        result=diuretic_result,
        person_label="Zoë",
    )
    assert build_report(report, engine).person.describe() == "Zoë, age not given, sex not given"


def test_medicine_not_taken_is_a_negative_finding_not_a_warning_sign(
    engine: Engine, diuretic_result: AssessmentPublic
) -> None:
    # med_statin belongs to a red-flag rule (statin muscle symptoms) but "no statins" is no sign
    result = diuretic_result.model_copy(
        update={"findings": [finding("med_statin", "absent")], "red_flags_detail": []}
    )
    assert red_flags_screened(result, engine.kb).denied == []
    groups = group_findings(result.findings, engine.kb)
    assert [(g.label, g.names) for g in groups.negative] == [
        ("Medicines", [engine.kb.finding_by_id["med_statin"].name])
    ]
