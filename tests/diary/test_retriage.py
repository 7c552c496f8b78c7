"""Re-triage: diary patterns become Origin.DIARY evidence and the real engine decides."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from spasmcheck.diary import Episode, summarise
from spasmcheck.knowledge.schema import TriageLevel
from spasmcheck.reasoning.engine import Engine, default_engine
from spasmcheck.reasoning.evidence import Origin, Status
from tests.diary.builders import at, ep

START = date(2024, 1, 1)  # a Monday


@pytest.fixture(scope="module")
def real_engine() -> Engine:
    return default_engine()


def nightly_calf_cramps(days: int) -> list[Episode]:
    return [ep(at(2024, 1, 1, 2) + timedelta(days=d)) for d in range(days)]


def three_in_one_week() -> list[Episode]:
    return [ep(at(2024, 1, d, 15)) for d in (1, 3, 5)]


def new_medicine_first() -> list[Episode]:
    first = ep(at(2024, 1, 1, 15), context=["new_medicine"], medicine_name="atorvastatin")
    return [first, ep(at(2024, 1, 3, 15)), ep(at(2024, 1, 5, 15))]


def spreading() -> list[Episode]:
    calf = [ep(at(2024, 1, d, 15)) for d in (1, 3)]
    return [*calf, ep(at(2024, 1, 22, 15), locations=["loc_thigh"])]


def rising_counts() -> list[Episode]:
    return [
        ep(at(2024, 1, 1, 12) + timedelta(weeks=w, hours=i))
        for w, n in enumerate([1, 2, 4, 8])
        for i in range(n)
    ]


def persistent_weeks() -> list[Episode]:
    return [ep(at(2024, 1, 3, 15) + timedelta(weeks=w)) for w in (0, 1, 3)]


CASES = [
    # (name, episodes, days in range, patterns expected, findings expected, least level, raised)
    (
        "nightly cramps for 4 weeks",
        nightly_calf_cramps(28),
        28,
        {"persistence", "frequent", "night_disturbance"},
        {
            "persistent",
            "frequent_daily",
            "disturbs_sleep",
            "history_weeks",
            "at_night",
            "loc_calf",
            "cramp",
        },
        TriageLevel.CONSULTATION,
        True,
    ),
    (
        "three episodes in one week",
        three_in_one_week(),
        7,
        set(),
        {"loc_calf", "cramp"},
        TriageLevel.SELF_CARE,
        False,
    ),
    (
        "onset with a new medicine",
        new_medicine_first(),
        7,
        {"new_medicine"},
        {"med_new_or_changed"},
        TriageLevel.CONSULTATION,
        True,
    ),
    (
        "spread to the thigh",
        spreading(),
        28,
        {"spread"},
        {"spreading", "loc_thigh", "history_weeks"},
        TriageLevel.CONSULTATION,
        True,
    ),
    (
        "weekly counts 1, 2, 4, 8",
        rising_counts(),
        28,
        {"worsening", "persistence"},
        {"worsening", "persistent"},
        TriageLevel.CONSULTATION,
        True,
    ),
    (
        "episodes in 3 of the last 4 weeks",
        persistent_weeks(),
        28,
        {"persistence"},
        {"persistent", "history_weeks"},
        TriageLevel.CONSULTATION,
        True,
    ),
]


@pytest.mark.parametrize(
    ("name", "episodes", "days", "patterns", "findings", "least", "raised"),
    CASES,
    ids=[c[0] for c in CASES],
)
def test_retriage_with_the_real_engine(
    real_engine: Engine,
    name: str,
    episodes: list[Episode],
    days: int,
    patterns: set[str],
    findings: set[str],
    least: TriageLevel,
    raised: bool,
) -> None:
    s = summarise(
        episodes, start=START, end=START + timedelta(days=days - 1), engine=real_engine, age=45
    )
    r = s.retriage
    assert {p.id for p in r.patterns} == patterns
    assert findings <= {e.finding_id for e in r.evidence}
    assert all(e.origin is Origin.DIARY and e.status is Status.PRESENT for e in r.evidence)
    assert r.level is not None and r.baseline_level is not None
    assert TriageLevel(r.level).urgency >= least.urgency
    if least is TriageLevel.SELF_CARE:
        assert r.level == "self_care"
    assert r.raised is raised
    assert r.reasons


def test_the_engines_reason_names_the_diary_pattern(real_engine: Engine) -> None:
    r = summarise(
        nightly_calf_cramps(28), start=START, end=date(2024, 1, 28), engine=real_engine
    ).as_dict()["retriage"]
    assert (
        r["level"] == "consultation" and r["baseline_level"] == "self_care" and r["raised"] is True
    )
    assert any("persist" in reason for reason in r["reasons"])
    assert any("28 of 28" in p["reason"] for p in r["patterns"])


def test_without_an_engine_only_the_patterns_are_reported() -> None:
    r = summarise(nightly_calf_cramps(28), start=START, end=date(2024, 1, 28)).as_dict()["retriage"]
    assert {p["pattern"] for p in r["patterns"]} == {"persistence", "frequent", "night_disturbance"}
    assert (r["level"], r["reasons"], r["baseline_level"], r["raised"]) == (None, [], None, False)


def test_the_same_diary_in_another_range_sees_less(real_engine: Engine) -> None:
    # the first week only of the nightly diary: 7 nights, not yet persistent
    s = summarise(nightly_calf_cramps(28), start=START, end=date(2024, 1, 7), engine=real_engine)
    assert "persistence" not in {p.id for p in s.retriage.patterns}
    assert "frequent" not in {p.id for p in s.retriage.patterns}


def test_night_disturbance_needs_four_night_episodes() -> None:
    few = summarise(nightly_calf_cramps(3), start=START, end=date(2024, 1, 7))
    many = summarise(nightly_calf_cramps(4), start=START, end=date(2024, 1, 7))
    assert "night_disturbance" not in {p.id for p in few.retriage.patterns}
    assert "night_disturbance" in {p.id for p in many.retriage.patterns}


def test_a_medicine_logged_later_is_not_onset() -> None:
    episodes = [*three_in_one_week(), ep(at(2024, 1, 20, 15), context=["changed_medicine"])]
    s = summarise(episodes, start=START, end=date(2024, 1, 21))
    assert "new_medicine" not in {p.id for p in s.retriage.patterns}


def test_age_and_sex_reach_the_engine(real_engine: Engine) -> None:
    episodes = [ep(at(2024, 1, d, 15), context=["pregnancy"]) for d in (1, 3, 5)]
    s = summarise(
        episodes, start=START, end=date(2024, 1, 7), engine=real_engine, age=30, sex="female"
    )
    assert "pregnant" in {e.finding_id for e in s.retriage.evidence}
    assert s.retriage.level == "self_care"
