"""Probability in words has one copy: reasoning.chance. No other module words a chance."""

from __future__ import annotations

import re
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "spasmcheck"
# "about {n} in 10", "in 100", "more than 9 in 10" built anywhere but reasoning/chance.py
WORDING = re.compile(r"""\}\s*in\s+10{1,2}\b|["']\s*in\s+10{1,2}["']|more than 9 in 10""")


def test_only_chance_words_a_probability() -> None:
    found = [
        str(path.relative_to(SRC))
        for path in [*SRC.rglob("*.py"), *SRC.rglob("*.html")]
        if path.relative_to(SRC).as_posix() != "reasoning/chance.py"
        and WORDING.search(path.read_text(encoding="utf-8"))
    ]
    assert found == []


def test_the_pattern_finds_a_copy() -> None:
    assert WORDING.search('f"about {round(p * 10)} in 10"')
    assert WORDING.search("return 'more than 9 in 10'")
