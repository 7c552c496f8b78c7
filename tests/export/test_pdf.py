"""The clinician PDF: rendered, its text extracted (pdftotext) and its pages drawn (pdftoppm)."""

from __future__ import annotations

import random
import re
import shutil
import subprocess
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from matplotlib.image import imread

import spasmcheck
from spasmcheck.diary.model import Episode
from spasmcheck.diary.summary import fitted_weekly_rates, summarise
from spasmcheck.export import charts
from spasmcheck.export.model import ReportInput
from spasmcheck.export.pdf import render_pdf
from spasmcheck.reasoning.engine import Engine
from spasmcheck.reasoning.evidence import Evidence, Origin, Status
from spasmcheck.reasoning.public import AssessmentInput, AssessmentPublic

TZ = "Europe/London"
START, END = date(2026, 1, 5), date(2026, 2, 15)  # six weeks
TEXT = (
    "Calf cramps at night for a few weeks since I started a water pill (furosemide) – pain ≥ 7/10,"
    " “really bad”. I drink coffee. No swelling, no weakness."
)
GENERATED = datetime(2026, 2, 16, 10, 0, tzinfo=UTC)

POPPLER = shutil.which("pdftotext") and shutil.which("pdftoppm") and shutil.which("pdfinfo")
needs_poppler = pytest.mark.skipif(
    not POPPLER, reason="poppler-utils (pdftotext, pdftoppm, pdfinfo) not installed"
)


def diary(seed: int = 4) -> list[Episode]:
    """Six weeks of synthetic calf cramps that become more frequent and spread to the foot."""
    rnd = random.Random(seed)
    episodes = []
    day = START
    while day <= END:
        k = (day - START).days
        for j in range(rnd.choice([0, 1, 1, 2]) if k > 20 else rnd.choice([0, 0, 0, 1])):
            context = [c for c, p in (("caffeine", 0.4), ("exercise", 0.3)) if rnd.random() < p]
            if k < 4 and j == 0:
                context.append("new_medicine")
            remedy = "stretching" if rnd.random() < 0.8 else "magnesium"
            episodes.append(
                Episode(
                    started_at=datetime(
                        day.year,
                        day.month,
                        day.day,
                        rnd.choice([23, 2, 3, 15]),
                        10,
                        tzinfo=ZoneInfo(TZ),
                    ),
                    duration_seconds=120,
                    locations=["loc_calf"]
                    if k < 25 or rnd.random() < 0.6
                    else ["loc_calf", "loc_foot"],
                    kind="cramp",
                    severity=min(10, 4 + k // 10 + rnd.randint(-1, 1)),
                    context=context,
                    medicine_name="furosemide" if "new_medicine" in context else None,
                    remedies=[{"name": remedy, "helped": rnd.random() < 0.6}],
                )
            )
        day += timedelta(days=1)
    return episodes


@pytest.fixture(scope="module")
def result(engine: Engine) -> AssessmentPublic:
    answers = [
        Evidence(
            "calf_swelling", Status.ABSENT, Origin.ANSWER, question="calf_swelling", screening=True
        ),
        Evidence("dark_urine", Status.ABSENT, Origin.ANSWER, question="dark_urine", screening=True),
        Evidence("hx_kidney_disease", Status.UNKNOWN, Origin.ANSWER, question="hx_kidney_disease"),
    ]
    return AssessmentPublic.of(engine.assess(TEXT, 67, "female", answers))


def report_input(result: AssessmentPublic, *, with_diary: bool, **extra: Any) -> ReportInput:
    return ReportInput(
        assessment_id=7,
        created_at=datetime(2026, 2, 16, 9, 0, tzinfo=UTC),
        input=AssessmentInput(text=TEXT, age=67, sex="female"),
        result=result,
        episodes=diary() if with_diary else (),
        start=START if with_diary else None,
        end=END if with_diary else None,
        timezone=TZ,
        generated_at=GENERATED,
        **extra,
    )


@pytest.fixture(scope="module")
def pdf_with_diary(engine: Engine, result: AssessmentPublic) -> bytes:
    return render_pdf(report_input(result, with_diary=True), engine=engine)


@pytest.fixture(scope="module")
def pdf_without_diary(engine: Engine, result: AssessmentPublic) -> bytes:
    return render_pdf(report_input(result, with_diary=False), engine=engine)


def pages_text(pdf: bytes, tmp_path: Path) -> list[str]:
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(
        ["pdftotext", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    pages = out.split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


def page_count(pdf: bytes, tmp_path: Path) -> int:
    path = tmp_path / "count.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def page_images(pdf: bytes, tmp_path: Path) -> list[np.ndarray]:
    path = tmp_path / "pages.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(path), str(tmp_path / "page")], check=True)
    return [imread(str(p)) for p in sorted(tmp_path.glob("page-*.png"))]


def ink(region: np.ndarray) -> float:
    """The share of pixels that are not (nearly) white."""
    rgb = region[..., :3]
    return float((rgb.min(axis=-1) < 0.9).mean())


def squash(text: str) -> str:
    return " ".join(text.split())


# -- the PDF itself -----------------------------------------------------------------------------
def test_is_a_pdf(pdf_with_diary: bytes, pdf_without_diary: bytes) -> None:
    assert pdf_with_diary.startswith(b"%PDF-") and pdf_without_diary.startswith(b"%PDF-")


def test_same_input_same_charts(result: AssessmentPublic) -> None:
    summary = summarise(diary(), start=START, end=END, timezone=TZ)
    first = charts.episodes_per_week(summary)
    assert first == charts.episodes_per_week(summary)
    assert first.startswith(b"\x89PNG")
    assert charts.severity_over_time(diary(), summary, TZ) == charts.severity_over_time(
        diary(), summary, TZ
    )


def test_trend_line_sums_to_the_observed_episodes() -> None:
    summary = summarise(diary(), start=START, end=END, timezone=TZ)
    fitted = fitted_weekly_rates(summary)
    assert fitted is not None
    expected = sum(
        rate / 7 * w.days_in_range for rate, w in zip(fitted, summary.weeks, strict=True)
    )
    assert expected == pytest.approx(summary.episodes)
    assert fitted[-1] > fitted[0]  # the synthetic diary gets busier


@needs_poppler
def test_diary_report_is_one_to_two_pages(pdf_with_diary: bytes, tmp_path: Path) -> None:
    assert 1 <= page_count(pdf_with_diary, tmp_path) <= 2
    assert len(pages_text(pdf_with_diary, tmp_path)) == page_count(pdf_with_diary, tmp_path)


@needs_poppler
def test_text_has_triage_causes_and_disclaimer(
    pdf_with_diary: bytes, result: AssessmentPublic, tmp_path: Path
) -> None:
    text = squash("\n".join(pages_text(pdf_with_diary, tmp_path)))
    assert f"Triage: {result.triage.label}" in text
    for cause in result.conditions[:3]:
        assert squash(cause.name) in text
    assert result.conditions[0].icd10[0] in text
    assert "Decision support, not a diagnosis" in text
    assert "≥ 7/10" in text and "“really bad”" in text  # Unicode survives
    assert "known to cause spasms" in text
    assert "Warning signs asked and denied" in text
    assert "Diary, 5 Jan – 15 Feb 2026" in text and "What changed since last time" in text
    assert "Questions they may want to ask" in text
    assert "age 67, female" in text


@needs_poppler
def test_footer_on_every_page(
    pdf_with_diary: bytes, result: AssessmentPublic, tmp_path: Path
) -> None:
    pages = pages_text(pdf_with_diary, tmp_path)
    for number, page in enumerate(pages, start=1):
        flat = squash(page)
        assert f"page {number} of {len(pages)}" in flat
        assert "decision support, not a diagnosis" in flat
        assert f"spasmcheck {spasmcheck.__version__}" in flat
        assert f"knowledge base {result.kb_version}" in flat
        assert "generated 2026-02-16" in flat


@needs_poppler
def test_pages_are_drawn_and_the_charts_have_ink(pdf_with_diary: bytes, tmp_path: Path) -> None:
    images = page_images(pdf_with_diary, tmp_path)
    assert 1 <= len(images) <= 2
    for image in images:
        assert image.shape[0] > 600 and image.shape[1] > 400  # A4 at 60 dpi is 702 x 496
        assert ink(image) > 0.01
    # The charts are on the page that has the diary heading; find it by text.
    pages = pages_text(pdf_with_diary, tmp_path)
    index = next(i for i, page in enumerate(pages) if "Diary," in page)
    image = images[index]
    # Colour (the blue bars) is only in the charts: the text is black, grey and dark blue.
    rgb = image[..., :3]
    blue_bars = (np.abs(rgb[..., 0] - 0x4C / 255) < 0.08) & (
        np.abs(rgb[..., 2] - 0xA8 / 255) < 0.08
    )
    assert blue_bars.sum() > 200


@needs_poppler
def test_report_without_diary(
    pdf_without_diary: bytes, result: AssessmentPublic, tmp_path: Path
) -> None:
    pages = pages_text(pdf_without_diary, tmp_path)
    assert 1 <= len(pages) <= 2
    text = squash("\n".join(pages))
    assert result.triage.label in text
    assert squash(result.conditions[0].name) in text
    assert "Diary," not in text and "What changed" not in text
    assert f"page 1 of {len(pages)}" in text
    for image in page_images(pdf_without_diary, tmp_path):
        assert ink(image) > 0.01


@needs_poppler
def test_non_latin_name_does_not_crash(
    engine: Engine, result: AssessmentPublic, tmp_path: Path
) -> None:
    pdf = render_pdf(
        report_input(result, with_diary=False, person_label="Анна Müller 李 Ωμέγα"), engine=engine
    )
    text = squash("\n".join(pages_text(pdf, tmp_path)))
    assert "Анна Müller" in text and "Ωμέγα" in text


def test_emergency_report_renders(engine: Engine) -> None:
    result = AssessmentPublic.of(
        engine.assess("sudden spasms and my face is drooping, slurred speech", 70, "male")
    )
    report = ReportInput(
        assessment_id=9,
        created_at=GENERATED,
        input=AssessmentInput(
            text="sudden spasms and my face is drooping, slurred speech", age=70, sex="male"
        ),
        result=result,
        generated_at=GENERATED,
    )
    pdf = render_pdf(report, engine=engine)
    assert pdf.startswith(b"%PDF-")


def test_empty_diary_range_renders(engine: Engine, result: AssessmentPublic) -> None:
    report = report_input(result, with_diary=False)
    report = ReportInput(**{**report.__dict__, "start": START, "end": END})
    assert render_pdf(report, engine=engine).startswith(b"%PDF-")


def test_long_diary_stays_within_two_pages(engine: Engine, result: AssessmentPublic) -> None:
    """Sixteen weeks with every circumstance and remedy logged still fits two pages."""
    rnd = random.Random(1)
    factors = ["exercise", "heat", "caffeine", "alcohol", "poor_sleep", "stress", "dehydration"]
    remedies = [
        "stretching",
        "heat",
        "cold",
        "massage",
        "walking",
        "hydration",
        "magnesium",
        "rest",
    ]
    start = date(2025, 10, 6)
    episodes = [
        Episode(
            started_at=datetime.combine(start + timedelta(days=d), datetime.min.time(), tzinfo=UTC)
            + timedelta(hours=rnd.randint(0, 23)),
            duration_seconds=60,
            locations=rnd.sample(["loc_calf", "loc_foot", "loc_thigh", "loc_hand", "loc_back"], 2),
            kind="cramp",
            severity=rnd.randint(2, 9),
            context=rnd.sample(factors, 3),
            remedies=[{"name": r, "helped": rnd.random() < 0.5} for r in rnd.sample(remedies, 2)],
        )
        for d in range(112)
        for _ in range(rnd.randint(0, 2))
    ]
    report = ReportInput(
        assessment_id=1,
        created_at=GENERATED,
        input=AssessmentInput(text=TEXT * 3, age=67, sex="female"),
        result=result,
        episodes=episodes,
        start=start,
        end=start + timedelta(days=111),
        generated_at=GENERATED,
    )
    pdf = render_pdf(report, engine=engine)
    assert 1 <= count_pages(pdf) <= 2


def count_pages(pdf: bytes) -> int:
    """Page objects in the file (no poppler needed; fpdf2 writes no compressed object streams)."""
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))


def test_page_object_count_matches_pdfinfo(pdf_with_diary: bytes, tmp_path: Path) -> None:
    if not POPPLER:
        pytest.skip("poppler-utils (pdfinfo) not installed")
    assert count_pages(pdf_with_diary) == page_count(pdf_with_diary, tmp_path)
