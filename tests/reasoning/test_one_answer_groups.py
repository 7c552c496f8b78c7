"""A one-answer group is settled by the answer the text gave (usability walkthrough
2026-12-05, C4): after "twitching in my thigh muscles for 3 months" the interview asked
"Has this been going on for a few days (less than two weeks)?"."""

from __future__ import annotations

import numpy as np

from spasmcheck.reasoning.engine import Engine
from spasmcheck.reasoning.evidence import EvidenceSet
from spasmcheck.reasoning.interview import Interviewer


def test_months_settle_the_other_history_lengths(engine: Engine) -> None:
    _, items = engine.parse("twitching in my thigh muscles for 3 months")
    evidence = EvidenceSet(items)
    assert evidence.get("history_months") is not None
    interviewer = Interviewer(engine)
    posterior = engine.posterior(evidence, 40, "male")
    predictive = interviewer.model.p_present.T @ posterior
    gains = interviewer._gains(posterior, evidence, predictive)
    index = interviewer.model.finding_index
    for other in ("history_days", "history_weeks"):
        assert gains[index[other]] == -np.inf, other
    # A many-answer group stays open: the thigh does not settle the other places.
    assert np.isfinite(gains[index["loc_calf"]])
