"""Scores over evaluated vignettes, exactly as docs/contract.md defines them.

A predicted condition matches the gold when one of its ICD-10 codes starts with one of the
vignette's expected codes. Emergency sensitivity counts a case as caught when the expected
and the given levels are both emergency levels (``emergency`` or ``emergency_ambulance``).
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from spasmcheck.knowledge.schema import TriageLevel


@dataclass(frozen=True)
class CaseResult:
    id: str
    conditions: list[dict[str, Any]]  # ranked: {"id", "icd10", "probability", "name"}
    triage: TriageLevel
    expected_icd10: list[str] | None
    expected_triage: TriageLevel | None
    questions: int | None = None
    red_flags: list[str] = field(default_factory=list)
    evidence: list[dict[str, Any]] = field(default_factory=list)

    @property
    def scored(self) -> bool:
        return self.expected_icd10 is not None and self.expected_triage is not None

    def rank_of_gold(self) -> int | None:
        """1-based rank of the first matching condition, None if none matches."""
        gold = self.expected_icd10 or []
        for rank, condition in enumerate(self.conditions, start=1):
            if any(code.startswith(g) for code in condition["icd10"] for g in gold):
                return rank
        return None

    def as_dict(self) -> dict[str, Any]:
        item: dict[str, Any] = {
            "id": self.id,
            "conditions": self.conditions,
            "triage": self.triage.value,
            "red_flags": self.red_flags,
            "expected": None
            if not self.scored
            else {"icd10": self.expected_icd10, "triage": self.expected_triage.value},  # type: ignore[union-attr]
        }
        if self.questions is not None:
            item["questions"] = self.questions
        if self.scored:
            item["gold_rank"] = self.rank_of_gold()
        return item


def _expected(case: CaseResult) -> TriageLevel:
    if case.expected_triage is None:
        raise ValueError(f"case {case.id} is not scored")
    return case.expected_triage


def _fraction(numerator: int, denominator: int) -> float | None:
    return None if denominator == 0 else round(numerator / denominator, 4)


def summarise(cases: Sequence[CaseResult], interview: bool) -> dict[str, Any]:
    scored = [c for c in cases if c.scored]
    n = len(scored)
    ranks = [c.rank_of_gold() for c in scored]

    def top(k: int) -> float | None:
        return _fraction(sum(1 for r in ranks if r is not None and r <= k), n)

    exact = sum(1 for c in scored if c.triage is c.expected_triage)
    under = sum(1 for c in scored if c.triage.urgency < _expected(c).urgency)
    over = sum(1 for c in scored if c.triage.urgency > _expected(c).urgency)
    emergencies = [c for c in scored if _expected(c).is_emergency]
    caught = sum(1 for c in emergencies if c.triage.is_emergency)
    self_care = [c for c in scored if c.expected_triage is TriageLevel.SELF_CARE]
    brier_terms = []
    for c, rank in zip(scored, ranks, strict=True):
        p_top = float(c.conditions[0]["probability"]) if c.conditions else 0.0
        brier_terms.append((p_top - (1.0 if rank == 1 else 0.0)) ** 2)
    summary: dict[str, Any] = {
        "n": n,
        "n_total": len(cases),
        "top1": top(1),
        "top3": top(3),
        "top5": top(5),
        "triage_exact": _fraction(exact, n),
        "under_triage": _fraction(under, n),
        "over_triage": _fraction(over, n),
        "emergency_sensitivity": _fraction(caught, len(emergencies)),
        "emergency_cases": len(emergencies),
        "self_care_correct": _fraction(
            sum(1 for c in self_care if c.triage is TriageLevel.SELF_CARE), len(self_care)
        ),
        "brier_top1": None if not brier_terms else round(statistics.fmean(brier_terms), 4),
        **_emergency_causes(cases),
    }
    if interview:
        counts = [c.questions or 0 for c in cases]
        summary["questions_median"] = statistics.median(counts) if counts else None
        summary["questions_p90"] = _percentile(counts, 0.9)
        summary["questions_max"] = max(counts) if counts else None
    return summary


def _is_emergency_cause(condition: dict[str, Any]) -> bool:
    return TriageLevel(condition["level"]).is_emergency


def _emergency_causes(cases: Sequence[CaseResult]) -> dict[str, Any]:
    """Of the results given an emergency level, how many name an emergency-level cause.

    ``emergency_first_cause``: the first cause shown is an emergency-level condition (issue
    11: the ranking tells the banner's story; the target is at least 90 %).
    ``emergency_likeliest_cause``: the same for the most probable cause, whatever is shown
    first — how often the probabilities themselves, not the display order, explain the level.
    Every case given an emergency level counts, scored or not; conditions without their usual
    level (``level``) leave both at None.
    """
    sent = [c for c in cases if c.triage.is_emergency and c.conditions]
    if not sent or not all("level" in x for c in sent for x in c.conditions):
        return {
            "emergency_results": len(sent),
            "emergency_first_cause": None,
            "emergency_likeliest_cause": None,
        }
    first = sum(1 for c in sent if _is_emergency_cause(c.conditions[0]))
    likeliest = sum(
        1
        for c in sent
        if _is_emergency_cause(max(c.conditions, key=lambda x: float(x["probability"])))
    )
    return {
        "emergency_results": len(sent),
        "emergency_first_cause": _fraction(first, len(sent)),
        "emergency_likeliest_cause": _fraction(likeliest, len(sent)),
    }


def _percentile(values: Sequence[int], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    position = q * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return float(ordered[low] + (ordered[high] - ordered[low]) * (position - low))


def confusion(cases: Sequence[CaseResult]) -> dict[str, dict[str, int]]:
    """Expected level → given level → count."""
    table: dict[str, dict[str, int]] = {
        e.value: {g.value: 0 for g in TriageLevel} for e in TriageLevel
    }
    for c in cases:
        if c.scored:
            table[c.expected_triage.value][c.triage.value] += 1  # type: ignore[union-attr]
    return table
