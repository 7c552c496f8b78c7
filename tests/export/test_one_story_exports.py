"""Issue 11: the face-drooping example tells one story in the clinician report and the FHIR
bundle — the stroke first, the eyelid twitch under "Other possibilities" — and the CLI
shows the same, with no self-care advice under "Call an ambulance now".
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from spasmcheck.cli.main import main
from spasmcheck.export import fhir, pdf
from spasmcheck.export.model import ReportInput
from spasmcheck.export.report import build_report
from spasmcheck.reasoning.engine import Engine
from spasmcheck.reasoning.public import AssessmentInput, AssessmentPublic

TEXT = "one side of my face has drooped and my eyelid keeps twitching"
SELF_CARE_WORDS = ("wait for it to pass", "lid flicker is harmless", "warm compress")


@pytest.fixture(scope="module")
def droop(engine: Engine) -> ReportInput:
    result = AssessmentPublic.of(engine.assess(TEXT, age=70, sex="male"))
    return ReportInput(
        assessment_id=1,
        created_at=datetime(2026, 12, 5, 10, 0, tzinfo=UTC),
        input=AssessmentInput(text=TEXT, age=70, sex="male"),
        result=result,
    )


def test_the_json_puts_the_stroke_first(droop: ReportInput) -> None:
    result = droop.result.model_dump(mode="json")
    assert result["triage"]["level"] == "emergency_ambulance"
    first = result["conditions"][0]
    assert first["id"] == "stroke" and first["explains_level"]
    assert first["usual_triage"] in ("emergency", "emergency_ambulance")
    assert not any(w in a for a in result["advice"] for w in SELF_CARE_WORDS)


def test_the_report_lists_the_stroke_first_and_the_twitch_as_another_possibility(
    droop: ReportInput, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = build_report(droop, engine)
    assert data.causes[0].name == "Stroke" and data.causes[0].explains_level
    assert not any(c.explains_level for c in data.causes if "Eyelid" in c.clinical_name)
    expected_others = [c.name for c in data.causes if not c.explains_level]
    assert expected_others
    # record what the PDF lays out, in order: headings and the causes of each table
    laid_out: list[Any] = []
    original_heading = pdf.ReportPDF.heading
    original_table = pdf._causes_table

    def heading(self: pdf.ReportPDF, text: str, *args: Any, **kwargs: Any) -> None:
        laid_out.append(text)
        original_heading(self, text, *args, **kwargs)

    def table(report: pdf.ReportPDF, causes: Any) -> None:
        laid_out.append([c.name for c in causes])
        original_table(report, causes)

    monkeypatch.setattr(pdf.ReportPDF, "heading", heading)
    monkeypatch.setattr(pdf, "_causes_table", table)
    document = pdf.render_pdf(droop, engine=engine)
    assert document.startswith(b"%PDF")
    start = laid_out.index("Causes that explain the triage level")
    explaining, other_heading, others = laid_out[start + 1 : start + 4]
    assert explaining[0] == "Stroke"
    assert other_heading.startswith("Other possibilities")
    assert others == expected_others
    assert "Eyelid twitch" not in explaining


def test_the_fhir_bundle_says_which_cause_explains_the_level(
    droop: ReportInput, engine: Engine
) -> None:
    bundle = fhir.fhir_bundle(droop, engine=engine)
    conditions: list[Any] = fhir.resources_of(bundle, "Condition")  # read as plain JSON
    first_notes = " ".join(n["text"] for n in conditions[0]["note"])
    assert conditions[0]["code"]["text"].startswith("Acute stroke")
    assert "Explains the emergency triage level" in first_notes
    risks: list[Any] = fhir.resources_of(bundle, "RiskAssessment")
    (risk,) = risks
    assert risk["prediction"][0]["outcome"]["text"].startswith("Acute stroke")


def test_the_cli_shows_the_stroke_first_and_no_self_care_advice(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as done:
        main(["assess", "--text", TEXT, "--age", "70", "--sex", "male"])
    assert done.value.code in (0, None)
    out = " ".join(capsys.readouterr().out.split())
    assert "CALL AN AMBULANCE NOW" in out
    explaining, found, _ = out.partition("Other possibilities")
    assert found and "Stroke" in explaining and "Eyelid twitch" not in explaining
    assert "What to do now" in out
    assert not any(w in out for w in SELF_CARE_WORDS)
