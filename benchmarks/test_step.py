"""Benchmark: one interview step on the packaged knowledge base and on synthetic ones 1×, 2×
and 10× its size (:mod:`synthetic_kb`), issue 16 item 5.

Run with ``.venv/bin/pytest benchmarks/test_step.py --benchmark-only`` (the project's pytest
skips benchmarks by default). Goals, read from the median: ≤ 0.35 ms on today's knowledge
base, ≤ 5 ms at 10×. Figures and commands: docs/benchmarks.md, "Interview step".

Two evidence states, the same findings at every size (copy 0 of a synthetic knowledge base
keeps the packaged ids):

- ``screen``: calf cramps at night without weakness, as typed; the step ranks, triages and
  returns the emergency screen;
- ``gain``: the same after "None of these" on the screen and "no" to every screening question
  that follows, so the step goes the whole way: screening of every rule, the information
  gain of every finding and the stability check.
"""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from spasmcheck.knowledge.loader import load_knowledge_base
from spasmcheck.reasoning.engine import Engine
from spasmcheck.reasoning.evidence import Evidence, EvidenceSet, Origin, Status
from spasmcheck.reasoning.interview import Interviewer, answer_evidence

sys.path.insert(0, str(Path(__file__).parent))
from synthetic_kb import synthetic_kb

AGE, SEX = 60, "female"
TYPED = [
    Evidence("loc_calf", Status.PRESENT, Origin.TEXT),
    Evidence("cramp", Status.PRESENT, Origin.TEXT),
    Evidence("at_night", Status.PRESENT, Origin.TEXT),
    Evidence("weakness", Status.ABSENT, Origin.TEXT),
]


@cache
def engine_for(size: str) -> Engine:
    if size == "packaged":
        return Engine(load_knowledge_base(), build_parser=False)
    return Engine(synthetic_kb(int(size.removesuffix("x"))), build_parser=False)


def state(interviewer: Interviewer, which: str) -> EvidenceSet:
    evidence = EvidenceSet(TYPED)
    if which == "screen":
        return evidence
    for _ in range(50):
        step = interviewer.step(evidence, AGE, SEX)
        question = step.question
        if step.should_stop or question is None or not question.screening:
            return evidence
        answer = "none" if question.options else "no"
        for item in answer_evidence(question, answer):
            evidence.add(item)
    raise AssertionError("screening never ended")


@pytest.mark.parametrize("which", ["screen", "gain"])
@pytest.mark.parametrize("size", ["packaged", "1x", "2x", "10x"])
def test_step(benchmark: Any, size: str, which: str) -> None:
    interviewer = Interviewer(engine_for(size))
    evidence = state(interviewer, which)
    first = interviewer.step(evidence, AGE, SEX)
    assert first.question is not None or first.should_stop
    if which == "gain":
        assert first.question is None or not first.question.screening
    benchmark.extra_info["conditions"] = len(interviewer.kb.conditions)
    benchmark.extra_info["findings"] = len(interviewer.kb.findings)
    benchmark(interviewer.step, evidence, AGE, SEX)
