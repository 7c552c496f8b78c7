"""A fired emergency warning sign as evidence for the causes it points to (issue 11 item 1).

Tiny knowledge base (tests/data/tiny_kb): night cramps (self-care), low calcium
(consultation_24), stroke (ambulance; links face droop at 0.6 against a background of 0.01),
other (consultation). Expected numbers are the Bayes arithmetic written out.
"""

from __future__ import annotations

import numpy as np
import pytest

from spasmcheck.knowledge.loader import KnowledgeBase
from spasmcheck.knowledge.schema import TriageLevel
from spasmcheck.reasoning.chance import chance_words
from spasmcheck.reasoning.engine import Engine
from spasmcheck.reasoning.evidence import Evidence, EvidenceSet, Origin, Status
from spasmcheck.reasoning.inference import MAX_PROBABILITY
from spasmcheck.reasoning.triage import (
    SIGNAL_LIKELIHOOD_RATIO,
    signalled_causes,
    with_signal_evidence,
)


def posterior(kb: KnowledgeBase, **p: float) -> np.ndarray:
    values = np.array([p[c.id] for c in kb.conditions], dtype=np.float64)
    assert values.sum() == pytest.approx(1.0)
    return values


@pytest.fixture
def prior(tiny_kb: KnowledgeBase) -> np.ndarray:
    return posterior(tiny_kb, night_cramps=0.6, hypocalcemia=0.2, stroke=0.1, other_unlisted=0.1)


def test_face_droop_points_to_stroke(tiny_kb: KnowledgeBase) -> None:
    ids = [c.id for c in tiny_kb.conditions]
    level = TriageLevel.EMERGENCY_AMBULANCE
    assert [ids[i] for i in signalled_causes(tiny_kb, level, ["face_droop"])] == ["stroke"]
    # Stroke links a cramp less often than the background (0.1 < 0.5), so a cramp points to
    # no cause: the level itself then points to every emergency-level cause.
    assert [ids[i] for i in signalled_causes(tiny_kb, level, ["cramp"])] == ["stroke"]
    assert signalled_causes(tiny_kb, TriageLevel.CONSULTATION_24, ["face_droop"]) == []


def test_the_sign_multiplies_the_odds_of_its_causes(
    tiny_kb: KnowledgeBase, prior: np.ndarray
) -> None:
    ids = [c.id for c in tiny_kb.conditions]
    shown = with_signal_evidence(
        tiny_kb, prior, TriageLevel.EMERGENCY_AMBULANCE, ["face_droop"], ratio=10.0
    )
    # stroke 0.1 x 10 = 1.0; total 0.6 + 0.2 + 1.0 + 0.1 = 1.9
    assert shown[ids.index("stroke")] == pytest.approx(1.0 / 1.9)
    assert shown[ids.index("night_cramps")] == pytest.approx(0.6 / 1.9)
    assert shown[ids.index("hypocalcemia")] == pytest.approx(0.2 / 1.9)
    assert shown.sum() == pytest.approx(1.0)


def test_below_an_emergency_nothing_changes(tiny_kb: KnowledgeBase, prior: np.ndarray) -> None:
    shown = with_signal_evidence(tiny_kb, prior, TriageLevel.CONSULTATION_24, ["face_droop"])
    assert np.array_equal(shown, prior)


def test_a_ratio_of_one_changes_nothing(tiny_kb: KnowledgeBase, prior: np.ndarray) -> None:
    level = TriageLevel.EMERGENCY_AMBULANCE
    shown = with_signal_evidence(tiny_kb, prior, level, ["face_droop"], ratio=1.0)
    assert np.array_equal(shown, prior)


def test_the_cap_still_holds(tiny_kb: KnowledgeBase) -> None:
    ids = [c.id for c in tiny_kb.conditions]
    p = posterior(tiny_kb, night_cramps=0.05, hypocalcemia=0.02, stroke=0.9, other_unlisted=0.03)
    shown = with_signal_evidence(tiny_kb, p, TriageLevel.EMERGENCY_AMBULANCE, ["face_droop"])
    # stroke 9 / (9 + 0.1) > 0.95: capped, the excess shared by the rest in proportion
    assert shown[ids.index("stroke")] == pytest.approx(MAX_PROBABILITY)
    assert shown[ids.index("night_cramps")] / shown[ids.index("hypocalcemia")] == pytest.approx(
        0.05 / 0.02
    )


def test_the_engine_shows_the_signal_adjusted_probabilities(tiny_engine: Engine) -> None:
    evidence = EvidenceSet(
        [
            Evidence("face_droop", Status.PRESENT, Origin.TEXT),
            Evidence("cramp", Status.PRESENT, Origin.TEXT),
        ]
    )
    raw = tiny_engine.posterior(evidence, None, None)
    assessment = tiny_engine.evaluate(evidence)
    first = assessment.conditions[0]
    assert first.condition.id == "stroke" and first.explains_level
    ids = [c.id for c in tiny_engine.kb.conditions]
    i = ids.index("stroke")
    odds = raw[i] * SIGNAL_LIKELIHOOD_RATIO
    expected = min(MAX_PROBABILITY, odds / (odds + 1.0 - raw[i]))
    assert first.probability == pytest.approx(expected)


def test_the_reason_gives_the_chance_that_is_shown(tiny_engine: Engine) -> None:
    """The sentence "About N in 10 that the cause needs this level of care" agrees with the
    causes listed beside it (one story), not with the posterior before the signs counted."""
    evidence = EvidenceSet(
        [
            Evidence("face_droop", Status.PRESENT, Origin.TEXT),
            Evidence("cramp", Status.PRESENT, Origin.TEXT),
        ]
    )
    assessment = tiny_engine.evaluate(evidence)
    assert assessment.triage.condition_level is TriageLevel.EMERGENCY_AMBULANCE
    shown = sum(
        c.probability
        for c in assessment.conditions
        if c.condition.triage.urgency >= TriageLevel.EMERGENCY_AMBULANCE.urgency
    )
    words = chance_words(shown)
    assert any(r.startswith(words[:1].upper() + words[1:]) for r in assessment.triage.reasons)
