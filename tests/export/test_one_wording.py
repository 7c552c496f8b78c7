"""Issue 14 item 20: one wording of a probability on every screen.

The web page, the terminal, the PDF and the FHIR narrative each show a cause's chance; they
must say the same thing for the same number ("less than 1 in 100" beside "<1 %", never
"about 1 in 100" on one screen and "<1 %" on another). They all call
:mod:`spasmcheck.reasoning.chance`; these tests check what each one actually prints.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import pytest
from fpdf.table import Row
from rich.console import Console

from spasmcheck.cli.render import render_assessment
from spasmcheck.export.fhir import fhir_bundle, resources_of
from spasmcheck.export.model import ReportInput
from spasmcheck.export.pdf import render_pdf
from spasmcheck.export.report import build_report
from spasmcheck.reasoning.chance import chance_percent, chance_words
from spasmcheck.reasoning.engine import Engine
from spasmcheck.reasoning.public import AssessmentInput, AssessmentPublic
from spasmcheck.web.templating import TEMPLATES

# A coffee drinker's twitch: the ranking ends in causes of about 1 in 100.
TEXT = "my eyelid twitches, I drink a lot of coffee and sleep badly"


@pytest.fixture(scope="module")
def report(engine: Engine) -> ReportInput:
    result = AssessmentPublic.of(engine.assess(TEXT, 35, "male"))
    return ReportInput(
        assessment_id=1,
        created_at=datetime(2026, 12, 5, 10, 0, tzinfo=UTC),
        input=AssessmentInput(text=TEXT, age=35, sex="male"),
        result=result,
    )


def both(p: float) -> str:
    return f"{chance_words(p)} ({chance_percent(p)})"


@pytest.mark.parametrize("hundredths", range(0, 101))
def test_words_and_percent_never_disagree(hundredths: int) -> None:
    """The words' range holds the percentage shown beside them, from 0 to 1 in steps and
    at the rounding edges (0.5 %, 9.5 %)."""
    for p in (hundredths / 100, hundredths / 100 + 0.0049, max(0.0, hundredths / 100 - 0.0001)):
        words, percent = chance_words(p), chance_percent(p)
        if percent == "<1 %":
            assert words == "less than 1 in 100"
            continue
        value = int(percent.removesuffix(" %"))
        if words.startswith("more than 9 in 10"):
            assert value >= 90
        elif words.endswith("in 100"):
            assert words == f"about {value} in 100"
        else:
            tenths = int(re.fullmatch(r"about (\d+) in 10", words).group(1))  # type: ignore[union-attr]
            assert abs(tenths * 10 - value) <= 5


def test_the_report_data_and_the_web_filter_use_the_shared_functions(
    report: ReportInput, engine: Engine
) -> None:
    data = build_report(report, engine)
    assert any(c.probability < 0.02 for c in data.causes)  # a small chance is shown
    for cause in data.causes:
        assert cause.words == chance_words(cause.probability)
    page = TEMPLATES.env.from_string("{{ p | in_ten }}")
    for ranked in report.result.conditions:
        assert page.render(p=ranked.probability) == chance_words(ranked.probability)


def test_the_terminal_says_the_same(report: ReportInput, engine: Engine) -> None:
    assessment = engine.assess(TEXT, 35, "male")
    console = Console(record=True, width=200, color_system=None)
    render_assessment(assessment, console)
    text = " ".join(console.export_text().split())
    for ranked in assessment.conditions[:3]:
        assert chance_words(ranked.probability) in text


def test_fhir_notes_say_the_same(report: ReportInput, engine: Engine) -> None:
    bundle = fhir_bundle(report, engine=engine)
    by_text = {c.clinical_name: c.probability for c in report.result.conditions}
    for resource in resources_of(bundle, "Condition"):
        condition: dict[str, Any] = dict(resource)
        p = by_text[condition["code"]["text"]]
        assert both(p) in condition["note"][0]["text"]


def test_the_pdf_says_the_same(
    report: ReportInput, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every cell the PDF's tables are given (pdftotext interleaves the wrapped table
    columns, so the cells are read as fpdf2 receives them)."""
    cells: list[str] = []
    original = Row.cell

    def cell(self: Row, text: str = "", *args: Any, **kwargs: Any) -> Any:
        cells.append(" ".join(str(text).split()))
        return original(self, text, *args, **kwargs)

    monkeypatch.setattr(Row, "cell", cell)
    assert render_pdf(report, engine=engine).startswith(b"%PDF")
    for cause in build_report(report, engine).causes:
        assert both(cause.probability) in cells
