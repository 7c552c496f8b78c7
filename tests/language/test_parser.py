"""The parser table: lay words, typos, negation, uncertainty, history, durations."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from spasmcheck.language.context import Polarity
from spasmcheck.reasoning.engine import Engine

TABLE: list[dict[str, Any]] = yaml.safe_load(
    (Path(__file__).parent / "data" / "phrases.yaml").read_text(encoding="utf-8")
)


def test_table_is_big_enough() -> None:
    assert len(TABLE) >= 80
    assert sum(1 for row in TABLE if row.get("absent")) >= 20


def test_table_names_only_real_findings(engine: Engine) -> None:
    named = {
        f
        for row in TABLE
        for key in ("present", "absent", "possible", "not_found_present")
        for f in row.get(key, [])
    }
    assert named - set(engine.kb.finding_by_id) == set()


@pytest.mark.parametrize("row", TABLE, ids=[r["text"][:50] for r in TABLE])
def test_phrase(engine: Engine, row: dict[str, Any]) -> None:
    mentions = engine.parser.parse(row["text"])
    got: dict[str, set[Polarity]] = {}
    for m in mentions:
        got.setdefault(m.finding_id, set()).add(m.polarity)
        assert row["text"][m.start : m.end] == m.text
    for key, polarity in (
        ("present", Polarity.PRESENT),
        ("absent", Polarity.ABSENT),
        ("possible", Polarity.POSSIBLE),
    ):
        for finding in row.get(key, []):
            assert polarity in got.get(finding, set()), f"{finding} not {polarity.value}: {got}"
    for finding in row.get("not_found_present", []):
        assert Polarity.PRESENT not in got.get(finding, set()), got


def test_spans_point_at_the_words(engine: Engine) -> None:
    text = "Bad CRAMPS in my calves, no weakness."
    spans = {m.finding_id: text[m.start : m.end] for m in engine.parser.parse(text)}
    assert spans["cramp"] == "CRAMPS"
    assert spans["weakness"] == "weakness"


def test_curly_apostrophes(engine: Engine) -> None:
    mentions = engine.parser.parse("I\u2019m not weak")
    assert [(m.finding_id, m.polarity) for m in mentions if m.finding_id == "weakness"] == [
        ("weakness", Polarity.ABSENT)
    ]


def test_parse_benchmark(benchmark, engine: Engine) -> None:  # type: ignore[no-untyped-def]
    benchmark(
        engine.parser.parse,
        "my calves cramp at night for three weeks but no numbness, tingling or weakness",
    )


THREE_SENTENCES = (
    "My left calf has been cramping at night for two weeks, cant sleep. "
    "Yesterday after the long flight home it went swollen and warm. "
    "Im a bit out of breath on the stairs and my zorblat is flimflam."
)


def test_parse_three_sentences_benchmark(benchmark, engine: Engine) -> None:  # type: ignore[no-untyped-def]
    """Issue 10's budget: a three-sentence text, p50 <= 5 ms after warm-up. The text has a
    fragment nothing reads, so the semantic fallback runs too (warm: its index is built)."""
    engine.parser.parse(THREE_SENTENCES)  # warm-up: the fallback's index is built once
    mentions = benchmark(engine.parser.parse, THREE_SENTENCES)
    assert {"cramp", "loc_calf", "calf_swelling"} <= {m.finding_id for m in mentions}


def test_no_two_findings_share_a_phrase_after_stemming(engine: Engine) -> None:
    from spasmcheck.language.tokens import phrase_keys

    owner: dict[tuple[str, ...], str] = {}
    clashes = []
    for finding in engine.kb.findings:
        for phrase in (*finding.synonyms, *finding.misspellings):
            keys = phrase_keys(phrase)
            if owner.setdefault(keys, finding.id) != finding.id:
                clashes.append((phrase, finding.id, owner[keys]))
    assert clashes == []


def test_a_denial_removes_a_shorter_concept_of_its_finding_that_it_holds() -> None:
    """As a denial that holds a phrase of its own finding removes the phrase, it removes a
    shorter concept of that finding it holds: "broke my ankle twice before" is the denial only,
    while "broke my ankle" alone, or a denial elsewhere in the text, leaves the concept."""
    from spasmcheck.language.lexicon import Lexicon
    from spasmcheck.language.tokens import tokenize

    lexicon = Lexicon(
        [("walk", "mobility")],
        concept_specs=[
            ("broken", ["broke|broken", "ankle|wrist"], False),
            ("broken", ["broke|broken", "twice|before"], True),
        ],
    )

    def read(text: str) -> list[tuple[str, bool]]:
        return [(m.finding_id, m.negated) for m in lexicon.match(tokenize(text))]

    assert read("i broke my ankle twice before") == [("broken", True)]
    assert read("i broke my ankle") == [("broken", False)]
    assert read("broke my ankle, walked before") == [("broken", False), ("mobility", False)]
