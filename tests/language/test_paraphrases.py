"""Lay paraphrases: each row's findings must come out of the parser as present."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from spasmcheck.language.context import Polarity
from spasmcheck.reasoning.engine import Engine

TABLE: list[dict[str, Any]] = yaml.safe_load(
    (Path(__file__).parent / "data" / "paraphrases.yaml").read_text(encoding="utf-8")
)


def test_table_is_big_enough() -> None:
    assert len(TABLE) >= 300


def test_table_names_only_real_findings(engine: Engine) -> None:
    named = {f for row in TABLE for f in row["present"]}
    assert named - set(engine.kb.finding_by_id) == set()


@pytest.mark.parametrize("row", TABLE, ids=[r["text"][:50] for r in TABLE])
def test_paraphrase(engine: Engine, row: dict[str, Any]) -> None:
    mentions = engine.parser.parse(row["text"])
    present = {m.finding_id for m in mentions if m.polarity is Polarity.PRESENT}
    for finding in row["present"]:
        assert finding in present, (
            f"{finding} not present in {row['text']!r}: {[(m.finding_id, m.polarity.value) for m in mentions]}"
        )
