"""An episode logged without a severity or duration is "not recorded" in every export, never a
0 or a made-up value (issue 14 item 12): the PDF's figures, the half-against-half comparison,
the CSV (tests/web/test_quick_log_pages.py) and the FHIR Observation."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from fhir.resources.R4B.bundle import Bundle

from spasmcheck.diary.model import Episode
from spasmcheck.diary.summary import summarise
from spasmcheck.export.fhir import fhir_bundle
from spasmcheck.export.report import diary_facts, what_changed
from spasmcheck.reasoning.engine import Engine
from tests.export.test_fhir import components, episode_observations, make_report

TZ = "Europe/London"
START = date(2026, 1, 5)
END = date(2026, 2, 1)  # 28 days: halves of 14


def episode(day: int, severity: int | None, duration: int | None = 60) -> Episode:
    moment = START + timedelta(days=day)
    return Episode(
        started_at=datetime(moment.year, moment.month, moment.day, 21, 0, tzinfo=ZoneInfo(TZ)),
        duration_seconds=duration,
        locations=["loc_calf"],
        kind="cramp",
        severity=severity,
    )


EPISODES = [
    episode(1, 4),
    episode(3, None),  # not a 0: left out of every severity figure
    episode(15, 6),
    episode(17, None, duration=None),
    episode(20, 8),
]


def test_the_halves_average_only_the_severities_recorded() -> None:
    changed = what_changed(EPISODES, START, END, TZ)
    assert changed.first is not None and changed.second is not None
    assert (changed.first.episodes, changed.second.episodes) == (2, 3)  # all counted
    assert changed.first.mean_severity == 4  # 4 alone, not (4 + 0) / 2
    assert changed.second.mean_severity == (6 + 8) / 2


def test_the_summary_and_the_pdf_facts_say_how_many_were_not_rated() -> None:
    summary = summarise(EPISODES, start=START, end=END, timezone=TZ)
    assert summary.episodes == 5
    assert summary.severity.rated == 3
    assert summary.severity.mean == (4 + 6 + 8) / 3
    assert [w.mean_severity for w in summary.weeks if w.episodes] == [4, (6 + 8) / 2]
    facts = diary_facts(summary)
    assert "mean severity 6.0/10" in facts
    assert "severity not recorded on 2" in facts


def test_fhir_marks_the_missing_severity_and_keeps_only_the_start(engine: Engine) -> None:
    report = make_report(
        engine,
        episodes=[episode(1, None, duration=None), episode(2, 7)],
        start=START,
        end=END,
    )
    bundle = fhir_bundle(report, engine=engine)
    Bundle.model_validate(bundle)
    unrated, rated = episode_observations(bundle)
    (absent,) = components(unrated, "severity")
    assert "valueInteger" not in absent
    reason: dict[str, Any] = absent["dataAbsentReason"]
    assert reason["coding"][0]["code"] == "unknown"
    assert reason["text"] == "not recorded"
    assert "effectivePeriod" not in unrated and "effectiveDateTime" in unrated
    assert [c["valueInteger"] for c in components(rated, "severity")] == [7]
    assert "effectivePeriod" in rated
