"""Issue 14 items 18, 19 and 22: the clinician report of one diary tells one true story.

The diary of the issue: six calf cramps over 28 days, two in the first half and four in the
second, and atorvastatin first ticked as a new medicine on the third episode, 19 days after
the first; the assessment never asked about medicines.
"""

from __future__ import annotations

import shutil
import subprocess
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from spasmcheck.diary.model import Episode
from spasmcheck.diary.summary import MIN_TREND_WEEKS, SIGNIFICANCE, Direction, summarise
from spasmcheck.export.fhir import fhir_bundle, resources_of
from spasmcheck.export.model import ReportInput
from spasmcheck.export.pdf import medicines_note, render_pdf
from spasmcheck.export.report import build_report, diary_medicines, medicines_asked, what_changed
from spasmcheck.reasoning.engine import Engine
from spasmcheck.reasoning.evidence import Evidence, Origin, Status
from spasmcheck.reasoning.public import AssessmentInput, AssessmentPublic
from spasmcheck.web.diary import summary_lines

TZ = "Europe/London"
START = date(2026, 11, 2)
END = START + timedelta(days=27)  # 28 days: halves of 14
DAYS = (0, 10, 19, 20, 24, 27)  # 2 in the first half, 4 in the second
STATIN_FROM = 2  # the third episode
TEXT = "Painful calf cramps at night"


def diary() -> list[Episode]:
    episodes = []
    for i, day in enumerate(DAYS):
        statin = i >= STATIN_FROM and i != 4  # logged on episodes 3, 4 and 6
        episodes.append(
            Episode(
                started_at=datetime.combine(
                    START + timedelta(days=day), datetime.min.time(), ZoneInfo(TZ)
                ).replace(hour=23),
                duration_seconds=120,
                locations=["loc_calf"],
                kind="cramp",
                severity=6,
                context=["new_medicine"] if statin else [],
                medicine_name=(" Atorvastatin" if i == 3 else "atorvastatin") if statin else None,
            )
        )
    return episodes


def report(engine: Engine, evidence: tuple[Evidence, ...] = (), text: str = TEXT) -> ReportInput:
    result = AssessmentPublic.of(engine.assess(text, 64, "male", list(evidence)))
    return ReportInput(
        assessment_id=3,
        created_at=datetime(2026, 11, 30, 9, tzinfo=UTC),
        input=AssessmentInput(text=text, age=64, sex="male"),
        result=result,
        episodes=diary(),
        start=START,
        end=END,
        timezone=TZ,
        generated_at=datetime(2026, 11, 30, 9, 5, tzinfo=UTC),
    )


def pdf_text(data: bytes, tmp_path: Path) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(data)
    out = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True)
    return " ".join(out.stdout.split())


needs_poppler = pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler not installed")


# -- item 18: medicines not asked are not "none" ------------------------------------------------
def test_medicines_never_asked_are_not_reported_as_none(engine: Engine) -> None:
    data = build_report(report(engine), engine)
    assert not data.medicines_asked
    assert data.medicines == []
    assert medicines_note(data) == "not asked in the check; the diary names the medicines below."


def test_an_answer_about_a_medicine_means_asked(engine: Engine) -> None:
    no_statin = Evidence("med_statin", Status.ABSENT, Origin.ANSWER, question="med_statin")
    data = build_report(report(engine, (no_statin,)), engine)
    assert data.medicines_asked
    assert medicines_note(data) == "none taken of those asked about in the check."
    # "don't know" is not an answer about medicines
    unsure = Evidence("med_statin", Status.UNKNOWN, Origin.ANSWER, question="med_statin")
    result = AssessmentPublic.of(engine.assess(TEXT, 64, "male", [unsure]))
    assert not medicines_asked(result.findings, engine.kb)


def test_a_medicine_in_their_words_says_so(engine: Engine) -> None:
    data = build_report(
        report(engine, text="Calf cramps at night since I take a water pill"), engine
    )
    assert data.medicines_asked
    water = next(m for m in data.medicines if m.finding == "med_diuretic")
    assert water.source == "their words"
    assert medicines_note(data) == ""


def test_the_diary_medicines_are_carried_with_when_they_were_first_logged() -> None:
    (statin,) = diary_medicines(diary(), START, END, TZ)
    assert statin.name == "atorvastatin"  # " Atorvastatin" is the same medicine
    assert (statin.episodes, statin.total) == (3, 6)
    assert statin.first_episode == 3
    assert statin.first_day == START + timedelta(days=19)
    assert statin.days_after_first == 19
    assert statin.describe() == (
        "atorvastatin (diary: new medicine, logged on 3 of 6 episodes;"
        " first on 21 Nov 2026, episode 3 of 6, 19 days after the first)"
    )


def test_an_unnamed_medicine_is_listed_and_episodes_outside_the_range_are_not() -> None:
    episodes = diary()
    unnamed = episodes[0].model_copy(update={"context": ["changed_medicine"]})
    (item,) = diary_medicines([unnamed], START, END, TZ)
    assert item.name is None and item.first_episode == 1
    assert item.describe().startswith("a changed medicine (not named) (diary: logged on 1 of 1")
    # only the fifth episode (day 24, no medicine) is in 21 to 26 days from the start
    assert (
        diary_medicines(episodes, START + timedelta(days=21), START + timedelta(days=26), TZ) == []
    )


@needs_poppler
def test_the_pdf_says_not_asked_and_names_the_diary_medicine(
    engine: Engine, tmp_path: Path
) -> None:
    text = pdf_text(render_pdf(report(engine), engine=engine), tmp_path)
    assert "none reported" not in text
    assert "Medicines: not asked in the check" in text
    assert "atorvastatin (diary: new medicine, logged on 3 of 6 episodes" in text


# -- item 19: the onset claim is exact ----------------------------------------------------------
def medicine_pattern(engine: Engine, episodes: list[Episode]) -> str:
    summary = summarise(episodes, start=START, end=END, timezone=TZ, engine=engine)
    (pattern,) = [p for p in summary.retriage.patterns if p.id == "new_medicine"]
    return pattern.reason


def test_a_medicine_first_ticked_on_the_third_episode_is_not_the_first_episodes(
    engine: Engine,
) -> None:
    assert medicine_pattern(engine, diary()) == (
        "A new medicine (atorvastatin) was first noted on the third episode,"
        " 19 days after the first."
    )


def test_a_medicine_on_the_first_episode_came_with_it(engine: Engine) -> None:
    episodes = diary()
    episodes[0] = episodes[0].model_copy(
        update={"context": ["changed_medicine"], "medicine_name": "amlodipine"}
    )
    assert medicine_pattern(engine, episodes) == (
        "The first episode came with a changed medicine (amlodipine)."
    )


@needs_poppler
def test_the_pdf_makes_no_first_episodes_claim(engine: Engine, tmp_path: Path) -> None:
    text = pdf_text(render_pdf(report(engine), engine=engine), tmp_path)
    assert "first episodes came with" not in text
    assert "first noted on the third episode, 19 days after the first" in text


# -- item 22: one answer to "is it getting worse?" ----------------------------------------------
def test_six_episodes_in_28_days_have_one_answer(engine: Engine) -> None:
    """Two episodes in the first 14 days and four in the last 14: twice the rate by halves,
    but the summary's Poisson trend test finds no clear change, and every export says so."""
    summary = summarise(diary(), start=START, end=END, timezone=TZ)
    fit = summary.trend.fit
    assert summary.episodes == 6 and summary.trend.weeks >= MIN_TREND_WEEKS
    assert fit.rate_ratio is not None and fit.rate_ratio > 1  # more in the later weeks...
    assert fit.p_value is not None and fit.p_value >= SIGNIFICANCE  # ...but not beyond chance
    assert summary.trend.direction is Direction.NO_CLEAR_CHANGE

    data = build_report(report(engine), engine)
    assert data.diary is not None
    changed = data.diary.changed
    assert changed.first is not None and changed.second is not None
    assert (changed.first.per_week, changed.second.per_week) == (1.0, 2.0)
    assert changed.sentences[0].startswith(
        "No clear change in how often episodes come: 1.0 a week in the first half, 2.0 in the"
        f" second (trend ×{fit.rate_ratio:.2f} a week, p = "
    )
    assert not any("more frequent" in s for s in changed.sentences)
    assert not any(p.id == "worsening" for p in data.diary.summary.retriage.patterns)

    # the web diary, from the same rule
    lines = summary_lines(summary, {})
    assert any(line.startswith("No clear change in how often episodes come") for line in lines)
    assert not any("more frequent" in line for line in lines)

    # the FHIR bundle: the same direction and the PDF's own sentences
    bundle = fhir_bundle(report(engine), engine=engine)
    observations: list[dict[str, Any]] = [dict(o) for o in resources_of(bundle, "Observation")]
    (trend,) = [
        o for o in observations if o["code"].get("coding", [{}])[0].get("code") == "diary-trend"
    ]
    frequency = trend["component"][0]["valueCodeableConcept"]
    assert frequency["coding"][0]["code"] == "no_clear_change"
    assert [n["text"] for n in trend["note"]] == changed.sentences


def test_a_clear_rise_is_rising_everywhere(engine: Engine) -> None:
    """The other way round: weekly counts 1, 2, 4, 8 are a rise by the test, and the report,
    the web diary and FHIR all say so."""
    start = date(2026, 11, 2)  # a Monday
    episodes = [
        diary()[0].model_copy(
            update={
                "started_at": datetime(2026, 11, 2, 12, tzinfo=ZoneInfo(TZ))
                + timedelta(weeks=w, hours=i),
                "context": [],
                "medicine_name": None,
            }
        )
        for w, n in enumerate([1, 2, 4, 8])
        for i in range(n)
    ]
    summary = summarise(episodes, start=start, end=start + timedelta(days=27), timezone=TZ)
    assert summary.trend.direction is Direction.RISING
    changed = what_changed(episodes, start, start + timedelta(days=27), TZ, summary=summary)
    assert changed.sentences[0].startswith("Episodes became more frequent:")
    assert any(
        line.startswith("Episodes are becoming more frequent")
        for line in summary_lines(summary, {})
    )


@needs_poppler
def test_the_pdf_gives_one_answer(engine: Engine, tmp_path: Path) -> None:
    text = pdf_text(render_pdf(report(engine), engine=engine), tmp_path)
    assert "Episodes became more frequent" not in text
    assert "No clear change in how often episodes come" in text


def test_the_question_for_the_doctor_does_not_say_the_spasms_started_with_it(
    engine: Engine,
) -> None:
    """The pattern counts a medicine on one of the first episodes (policy/retriage.yaml), so the
    question says "near the start", not that the spasms started with it."""
    data = build_report(report(engine), engine)
    (question,) = [q for q in data.questions if "medicine" in q and "diary" in q]
    assert "a new or changed medicine near the start of the spasms" in question
    assert "starting with a new medicine" not in question
