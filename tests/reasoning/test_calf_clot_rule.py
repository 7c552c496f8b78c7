"""Issue 14 item 23: one "yes" to "is one calf swollen?" is not an A&E visit.

NICE NG158 (2020) with the two-level Wells score (Wells 2003): a swollen calf alone is one
point, "clot unlikely" — a doctor's check and a D-dimer within a day (consultation_24). With
a second sign (warm, red or tender; recent immobility) a clot is "likely" — an ultrasound
within 4 hours (emergency).
"""

from __future__ import annotations

import pytest

from spasmcheck.knowledge.schema import TriageLevel
from spasmcheck.reasoning.engine import Engine
from spasmcheck.reasoning.evidence import Evidence, EvidenceSet, Origin, Status


def level_of(engine: Engine, present: list[str], absent: tuple[str, ...] = ()) -> TriageLevel:
    evidence = EvidenceSet(
        [Evidence(f, Status.PRESENT, Origin.ANSWER) for f in present]
        + [Evidence(f, Status.ABSENT, Origin.ANSWER) for f in absent]
    )
    return engine.evaluate(evidence, age=45, sex="female").triage.level


@pytest.mark.parametrize(
    ("present", "level"),
    [
        (["loc_calf", "cramp", "calf_swelling"], TriageLevel.CONSULTATION_24),
        (["loc_calf", "cramp", "calf_warm_red"], TriageLevel.CONSULTATION_24),
        (["loc_calf", "cramp", "calf_swelling", "calf_warm_red"], TriageLevel.EMERGENCY),
        (["loc_calf", "cramp", "calf_swelling", "hx_immobility"], TriageLevel.EMERGENCY),
        (["loc_calf", "cramp", "calf_swelling", "muscle_tenderness"], TriageLevel.EMERGENCY),
    ],
)
def test_one_sign_is_a_day_two_signs_are_now(
    engine: Engine, present: list[str], level: TriageLevel
) -> None:
    assert level_of(engine, present) == level


def test_a_denied_swelling_raises_nothing(engine: Engine) -> None:
    level = level_of(engine, ["loc_calf", "cramp"], ("calf_swelling", "calf_warm_red"))
    assert level.urgency < TriageLevel.CONSULTATION_24.urgency
