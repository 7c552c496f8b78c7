"""One story on the report's first lines (usability walkthrough 2026-12-05, B2): a check that
said "look after yourself at home", joined with a diary kept since that asks for a doctor,
used to lead with the calm advice and say the diary's raise only further down. Now the
triage block says it at once, in the data and in the PDF."""

from __future__ import annotations

import subprocess
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from spasmcheck.diary.model import Episode, episode_context
from spasmcheck.export.model import ReportInput
from spasmcheck.export.pdf import render_pdf
from spasmcheck.export.report import build_report
from spasmcheck.reasoning.engine import Engine
from spasmcheck.reasoning.public import AssessmentInput, AssessmentPublic

END = date(2026, 12, 4)
START = END - timedelta(days=55)


def worsening_diary(engine: Engine) -> list[Episode]:
    """Night calf cramps every day for eight weeks, three a night and stronger in the last
    four: the diary's re-triage asks for an appointment."""
    episodes: list[Episode] = []
    for offset in range(56):
        day = START + timedelta(days=offset)
        for hour in range(1 if offset < 28 else 3):
            episodes.append(
                Episode.model_validate(
                    {
                        "id": len(episodes) + 1,
                        "started_at": datetime(day.year, day.month, day.day, 2 + hour, tzinfo=UTC),
                        "duration_seconds": 600,
                        "locations": ["loc_calf"],
                        "kind": "cramp",
                        "severity": 6 if offset < 28 else 7,
                    },
                    context=episode_context(engine.kb),
                )
            )
    return episodes


def report(engine: Engine, with_diary: bool) -> ReportInput:
    result = AssessmentPublic.of(
        engine.assess("my eyelid twitches a bit when I drink coffee", 30, "female")
    )
    assert result.triage.level.value == "self_care"
    return ReportInput(
        assessment_id=1,
        created_at=datetime(2026, 10, 1, tzinfo=UTC),
        input=AssessmentInput(text="my eyelid twitches", age=30, sex="female"),
        result=result,
        episodes=worsening_diary(engine) if with_diary else (),
        start=START if with_diary else None,
        end=END if with_diary else None,
    )


def test_the_triage_block_says_the_diary_asks_for_more(engine: Engine) -> None:
    data = build_report(report(engine, with_diary=True), engine)
    assert data.diary is not None and data.diary.summary.retriage.level == "consultation"
    assert data.triage.level == "self_care"  # what the check said, kept as it was
    assert data.triage.diary_raise is not None
    assert data.triage.diary_raise.startswith("Since this check: The diary raises the level")


def test_no_raise_without_a_diary_that_asks_for_more(engine: Engine) -> None:
    assert build_report(report(engine, with_diary=False), engine).triage.diary_raise is None


def test_the_pdf_says_it_under_the_triage_heading(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "report.pdf"
    path.write_bytes(render_pdf(report(engine, with_diary=True), engine=engine))
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
    flat = " ".join(text.split())
    heading = flat.index("Triage: Look after yourself at home")
    raise_at = flat.index("Since this check: The diary raises the level", heading)
    assert raise_at < flat.index("This can usually be managed at home", heading)
