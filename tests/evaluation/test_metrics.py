"""Metrics on hand-made cases, so each number can be checked on paper."""

from __future__ import annotations

import pytest

from spasmcheck.evaluation.metrics import CaseResult, confusion, summarise
from spasmcheck.knowledge.schema import TriageLevel as L


def case(
    i: str,
    ranked: list[list[str]],
    given: L,
    gold: list[str] | None,
    expected: L | None,
    p: float = 0.5,
    q: int | None = None,
) -> CaseResult:
    conditions = [
        {"id": f"c{k}", "icd10": codes, "probability": p if k == 0 else 0.1}
        for k, codes in enumerate(ranked)
    ]
    return CaseResult(i, conditions, given, gold, expected, q)


CASES = [
    case(
        "a", [["G47.62"], ["E83.42"]], L.SELF_CARE, ["G47.62"], L.SELF_CARE, p=0.8, q=4
    ),  # top1, exact
    case(
        "b", [["E83.42"], ["R25.2"], ["G47.62"]], L.CONSULTATION, ["G47"], L.SELF_CARE, p=0.6, q=6
    ),  # top3 via prefix, over
    case(
        "c", [["I63.9"]], L.CONSULTATION, ["I82.4"], L.EMERGENCY, p=0.9, q=10
    ),  # miss, under, emergency missed
    case(
        "d", [["I82.409"]], L.EMERGENCY_AMBULANCE, ["I82.4"], L.EMERGENCY, p=0.7, q=2
    ),  # top1, over, emergency caught
    case("e", [["R25.8"]], L.CONSULTATION, None, None, q=7),  # unscored
]


def test_summary_arithmetic() -> None:
    s = summarise(CASES, interview=True)
    assert s["n"] == 4 and s["n_total"] == 5
    assert s["top1"] == pytest.approx(2 / 4)  # a, d
    assert s["top3"] == pytest.approx(3 / 4)  # a, b, d
    assert s["triage_exact"] == pytest.approx(1 / 4)  # a
    assert s["under_triage"] == pytest.approx(1 / 4)  # c
    assert s["over_triage"] == pytest.approx(2 / 4)  # b, d
    assert s["emergency_sensitivity"] == pytest.approx(1 / 2)  # d of c, d
    assert s["self_care_correct"] == pytest.approx(1 / 2)  # a of a, b
    # Brier of the top cause: a (0.8-1)^2, b (0.6-0)^2, c (0.9-0)^2, d (0.7-1)^2
    assert s["brier_top1"] == pytest.approx(round((0.04 + 0.36 + 0.81 + 0.09) / 4, 4))
    assert s["questions_median"] == 6  # 2, 4, 6, 7, 10
    assert s["questions_p90"] == pytest.approx(8.8)  # 7 + 0.6 * (10 - 7)


def test_text_mode_has_no_question_counts() -> None:
    assert "questions_median" not in summarise(CASES, interview=False)


def test_confusion_counts_only_scored_cases() -> None:
    table = confusion(CASES)
    assert table["emergency"]["consultation"] == 1
    assert table["emergency"]["emergency_ambulance"] == 1
    assert sum(sum(row.values()) for row in table.values()) == 4


def test_prefix_match_keeps_dots() -> None:
    assert case("x", [["E83.42"]], L.SELF_CARE, ["E83.4"], L.SELF_CARE).rank_of_gold() == 1
    assert case("x", [["E83.42"]], L.SELF_CARE, ["E834"], L.SELF_CARE).rank_of_gold() is None
