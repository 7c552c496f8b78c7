"""Issue 11 / docs/contract.md: every red flag, fed through the engine, gives a result whose first
cause explains its level — at an emergency level a cause whose own usual level is an
emergency — and no advice of a benign cause ("wait for it to pass") under an emergency.
One case per way a rule can fire (each of its any_of findings with all of its all_of).
"""

from __future__ import annotations

import pytest

from spasmcheck.knowledge.loader import load_knowledge_base
from spasmcheck.knowledge.schema import TriageLevel
from spasmcheck.reasoning.engine import Engine, default_engine
from spasmcheck.reasoning.evidence import Evidence, EvidenceSet, Origin, Status


def _cases() -> list[tuple[str, tuple[str, ...], int | None]]:
    cases = []
    for flag in load_knowledge_base().red_flags:
        age = flag.min_age if flag.min_age is not None else flag.max_age
        hits: list[str | None] = [*flag.any_of] or [None]
        for hit in hits:
            findings = (*flag.all_of, *([hit] if hit else []))
            cases.append((flag.id, findings, age))
    return cases


@pytest.mark.parametrize(
    ("flag_id", "findings", "age"),
    _cases(),
    ids=[f"{c[0]}-{'+'.join(c[1])}" for c in _cases()],
)
def test_the_first_cause_explains_the_level(
    flag_id: str, findings: tuple[str, ...], age: int | None
) -> None:
    engine: Engine = default_engine()
    evidence = EvidenceSet(Evidence(f, Status.PRESENT, Origin.ANSWER) for f in findings)
    result = engine.evaluate(evidence, age=age)
    flag = engine.kb.red_flags[[f.id for f in engine.kb.red_flags].index(flag_id)]
    assert result.triage.level.urgency >= flag.level.urgency
    if result.triage.level.is_emergency:
        first = result.conditions[0]
        assert first.explains_level
        assert first.condition.triage.is_emergency, (first.condition.id, first.probability)
        self_care_advice = {
            a.text
            for c in engine.kb.conditions
            if c.triage is TriageLevel.SELF_CARE
            for a in c.advice
        }
        assert not self_care_advice & {a.text for a in result.advice}
    payload = result.as_dict()
    # the JSON keeps the contract order: explaining causes, then by probability
    others = [c["probability"] for c in payload["conditions"] if not c["explains_level"]]
    assert others == sorted(others, reverse=True)
