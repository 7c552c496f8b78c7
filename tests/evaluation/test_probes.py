"""The warning-sign probes (vignettes/probes/warning_signs.yaml, a development set written from
people's own words) as a floor: an affirmed sign reaches at least its level, a denied one keeps
the result at or below its ceiling. The floors are today's counts, so a change that loses a
probe fails here and must say why (docs/language.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from spasmcheck.knowledge.schema import TriageLevel
from spasmcheck.reasoning.engine import Engine

PROBES: list[dict[str, Any]] = yaml.safe_load(
    (Path(__file__).parents[2] / "vignettes" / "probes" / "warning_signs.yaml").read_text(
        encoding="utf-8"
    )
)
AFFIRMED_FLOOR = 158
DENIED_FLOOR = 75


def test_affirmed_and_denied_probes_hold_their_floor(engine: Engine) -> None:
    affirmed = denied = 0
    for probe in PROBES:
        level = engine.assess(probe["text"]).triage.level
        if probe["polarity"] == "affirmed":
            affirmed += level.urgency >= TriageLevel(probe["min_level"]).urgency
        else:
            denied += level.urgency <= TriageLevel(probe["max_level"]).urgency
    assert affirmed >= AFFIRMED_FLOOR, f"{affirmed} affirmed probes reach their level"
    assert denied >= DENIED_FLOOR, f"{denied} denied probes stay calm"


def test_a_cramp_that_points_nowhere_is_self_care(engine: Engine) -> None:
    """Our own phrasings: no warning sign, nothing that raises a cause needing a doctor."""
    for text in ("cramp in my foot", "my calf cramped up while swimming, no other problems"):
        assert engine.assess(text).triage.level is TriageLevel.SELF_CARE, text
