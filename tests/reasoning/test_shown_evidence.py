"""One evidence cut-off: what the assessment shows for and against a cause, and /v1/explain."""

from __future__ import annotations

import math

from spasmcheck.reasoning.engine import SHOWN_LOG_LR, Engine, shown_evidence
from spasmcheck.reasoning.inference import Contribution


def contribution(finding: str, log_lr: float) -> Contribution:
    return Contribution(finding, True, log_lr)


def test_only_ratios_beyond_the_cut_off_are_shown() -> None:
    items = [
        contribution("a", SHOWN_LOG_LR + 0.01),
        contribution("b", SHOWN_LOG_LR),  # exactly at the cut-off: not shown
        contribution("c", 0.0),
        contribution("d", -SHOWN_LOG_LR - 0.01),
    ]
    shown_for, shown_against = shown_evidence(items)
    assert [c.finding_id for c in shown_for] == ["a"]
    assert [c.finding_id for c in shown_against] == ["d"]
    assert math.isclose(math.exp(SHOWN_LOG_LR), 1.2, abs_tol=0.005)  # "beyond about 1.2"


def test_the_assessment_uses_the_rule(engine: Engine) -> None:
    result = engine.assess("cramp in my calf at night, wakes me up", age=60)
    for ranked in result.conditions:
        assert all(math.log(n.likelihood_ratio) > SHOWN_LOG_LR for n in ranked.evidence_for)
        assert all(math.log(n.likelihood_ratio) < -SHOWN_LOG_LR for n in ranked.evidence_against)
