"""Honest progress (issue 14 item 4): the question page says what the measured distribution
of questions says, and the figures it uses are the documented ones."""

from __future__ import annotations

import re
from pathlib import Path

from spasmcheck.reasoning.interview import MAX_QUESTIONS
from spasmcheck.web.pages import QUESTIONS_MEDIAN, QUESTIONS_P90
from tests.api.conftest import TestClient
from tests.web.test_pages import start

EVALUATION = Path(__file__).parents[2] / "docs" / "evaluation.md"


def documented_questions() -> tuple[int, int, int]:
    """The latest interview-mode "questions: median / p90 / max" of docs/evaluation.md (the
    bold figures of the first table: the current measurement)."""
    for line in EVALUATION.read_text(encoding="utf-8").splitlines():
        if line.startswith("| questions: median / p90 / max"):
            bold = re.findall(r"\*\*(\d+)\s*/\s*(\d+)\s*/\s*(\d+)\*\*", line)
            assert bold, line
            median, p90, top = (int(x) for x in bold[-1])
            return median, p90, top
    raise AssertionError("docs/evaluation.md has no questions line")


def test_the_progress_figures_are_the_measured_ones() -> None:
    assert documented_questions() == (QUESTIONS_MEDIAN, QUESTIONS_P90, MAX_QUESTIONS)


def test_the_question_page_says_what_is_true(web: TestClient) -> None:
    html = start(web, "I get calf cramps at night after long runs")
    label = re.search(r'id="progress-label">(.*?)</p>', html)
    assert label
    assert label.group(1) == (
        f"Question 1 of at most {MAX_QUESTIONS} · half of all checks end within "
        f"{QUESTIONS_MEDIAN} questions, 9 in 10 within {QUESTIONS_P90}"
    )
    assert "6 to 12" not in html
    assert 'style="width: 0%"' in html  # no answer yet, no progress claimed
