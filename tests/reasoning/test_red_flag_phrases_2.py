"""Red flags in messy lay phrasing: affirmed signs reach their level, denied ones never fire.

The rows live in data/red_flag_phrases_2.yaml. Each row is one of:
  affirmed: {text, min_level, flag[, age]}       -> the rule fires and the level is >= min_level
  negated:  {text, max_level, not_flag[, age]}   -> the rule does not fire and the level is <= max_level
Rows marked ``known_gap: true`` fail today. They are strict xfails, so a fix that makes one pass
fails the suite until the mark is removed (the fix for each is in the row's ``reason``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from spasmcheck.knowledge.schema import TriageLevel
from spasmcheck.reasoning.engine import Engine

ROWS: list[dict[str, Any]] = yaml.safe_load(
    (Path(__file__).parent / "data" / "red_flag_phrases_2.yaml").read_text(encoding="utf-8")
)


def _param(row: dict[str, Any]) -> Any:
    marks = []
    if row.get("known_gap"):
        marks.append(pytest.mark.xfail(strict=True, reason=row.get("reason", "known gap")))
    kind = "affirmed" if "flag" in row else "negated"
    rule = row.get("flag") or row.get("not_flag")
    return pytest.param(row, marks=marks, id=f"{kind}-{rule}-{row['text'][:40]}")


def test_rows_are_well_formed(engine: Engine) -> None:
    rule_ids = {flag.id for flag in engine.kb.red_flags}
    for row in ROWS:
        affirmed, negated = "flag" in row, "not_flag" in row
        assert affirmed != negated, row
        if affirmed:
            assert "min_level" in row and "max_level" not in row, row
            TriageLevel(row["min_level"])
        else:
            assert "max_level" in row and "min_level" not in row, row
            TriageLevel(row["max_level"])
        assert (row.get("flag") or row.get("not_flag")) in rule_ids, row
        if row.get("known_gap"):
            assert row.get("reason"), row


def test_every_urgent_rule_is_affirmed_at_least_twice(engine: Engine) -> None:
    urgent = {
        flag.id
        for flag in engine.kb.red_flags
        if flag.level
        in (TriageLevel.EMERGENCY_AMBULANCE, TriageLevel.EMERGENCY, TriageLevel.CONSULTATION_24)
    }
    counts = {rule: sum(row.get("flag") == rule for row in ROWS) for rule in urgent}
    assert {rule: n for rule, n in counts.items() if n < 2} == {}


@pytest.mark.parametrize("row", [_param(row) for row in ROWS])
def test_red_flag_phrase(engine: Engine, row: dict[str, Any]) -> None:
    result = engine.assess(row["text"], row.get("age"))
    level = result.triage.level
    fired = [fired_flag.flag.id for fired_flag in result.triage.red_flags]
    if "flag" in row:
        assert row["flag"] in fired, (row["text"], level, fired)
        assert level.urgency >= TriageLevel(row["min_level"]).urgency, (row["text"], level, fired)
    else:
        assert row["not_flag"] not in fired, (row["text"], level, fired)
        assert level.urgency <= TriageLevel(row["max_level"]).urgency, (row["text"], level, fired)
