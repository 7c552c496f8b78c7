"""Issue 11's check: emergency results whose first (and likeliest) cause is emergency-level."""

from __future__ import annotations

import pytest

from spasmcheck.evaluation.metrics import CaseResult, summarise
from spasmcheck.knowledge.schema import TriageLevel as L


def result(i: str, given: L, ranked: list[tuple[str, float]]) -> CaseResult:
    conditions = [
        {"id": f"c{k}", "icd10": ["R25.8"], "probability": p, "level": level}
        for k, (level, p) in enumerate(ranked)
    ]
    return CaseResult(i, conditions, given, ["R25.8"], L.EMERGENCY)


CASES = [
    # shown first and likeliest: stroke-like cause at 0.7
    result("a", L.EMERGENCY_AMBULANCE, [("emergency_ambulance", 0.7), ("self_care", 0.3)]),
    # shown first (explains the level) but a benign cause is likelier
    result("b", L.EMERGENCY, [("emergency", 0.1), ("self_care", 0.9)]),
    # a benign cause first: counts against both
    result("c", L.EMERGENCY, [("consultation", 0.6), ("emergency", 0.4)]),
    # not an emergency result: not counted
    result("d", L.CONSULTATION, [("self_care", 0.9), ("emergency", 0.1)]),
]


def test_emergency_cause_fractions() -> None:
    s = summarise(CASES, interview=False)
    assert s["emergency_results"] == 3  # a, b, c
    assert s["emergency_first_cause"] == pytest.approx(round(2 / 3, 4))  # a, b
    assert s["emergency_likeliest_cause"] == pytest.approx(round(1 / 3, 4))  # a


def test_without_levels_the_fractions_are_unknown() -> None:
    bare = CaseResult(
        "x", [{"id": "c", "icd10": ["R25.8"], "probability": 1.0}], L.EMERGENCY, None, None
    )
    s = summarise([bare], interview=False)
    assert s["emergency_results"] == 1
    assert s["emergency_first_cause"] is None and s["emergency_likeliest_cause"] is None
