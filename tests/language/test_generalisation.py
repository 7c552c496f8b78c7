"""Normalisation, concepts, onset and "not understood", as tables of lay text."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest
import yaml

from spasmcheck.knowledge.loader import load_knowledge_base
from spasmcheck.language.concepts import ConceptMatcher, compile_concept
from spasmcheck.language.parser import TextParser
from spasmcheck.language.tokens import tokenize
from spasmcheck.reasoning.engine import Engine

TABLE: list[dict[str, Any]] = yaml.safe_load(
    (Path(__file__).parent / "data" / "generalisation.yaml").read_text(encoding="utf-8")
)


@pytest.mark.parametrize("row", TABLE, ids=[r["text"][:50] for r in TABLE])
def test_generalisation(engine: Engine, row: dict[str, Any]) -> None:
    found = {(m.finding_id, m.polarity.value) for m in engine.parser.parse(row["text"])}
    for finding, polarity in row.get("expect", {}).items():
        assert (finding, polarity) in found, (row["text"], sorted(found))
    for finding in row.get("not", []):
        assert (finding, "present") not in found, (row["text"], sorted(found))


def test_table_names_only_real_findings(engine: Engine) -> None:
    named = {f for row in TABLE for f in [*row.get("expect", {}), *row.get("not", [])]}
    assert named - set(engine.kb.finding_by_id) == set()


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        ("cant", ["can't"]),
        ("could not", ["couldn't"]),
        ("idk", ["i", "don't", "know"]),
        ("diarrhea", ["diarrhoea"]),
        ("paralyzed", ["paralysed"]),
        ("b4", ["before"]),
        ("w/o", ["without"]),
    ],
)
def test_normalisation(typed: str, canonical: list[str]) -> None:
    assert [t.text for t in tokenize(typed)] == canonical


def test_a_merged_token_spans_every_typed_word() -> None:
    (token,) = tokenize("could not")
    assert (token.start, token.end) == (0, 9)


def _keys(text: str) -> list[str]:
    return [t.key for t in tokenize(text)]


def test_concept_matches_in_any_order_within_a_clause() -> None:
    matcher = ConceptMatcher([compile_concept("x", ["swallow", "hard|trouble"])])
    assert [m.finding_id for m in matcher.match(_keys("hard to swallow"))] == ["x"]
    assert [m.finding_id for m in matcher.match(_keys("swallowing is hard"))] == ["x"]
    # A comma or "but" ends the clause: the groups must meet inside one.
    assert matcher.match(_keys("I can swallow, but walking is hard")) == []


def test_concept_words_must_sit_close_together() -> None:
    matcher = ConceptMatcher([compile_concept("x", ["swallow", "hard"])])
    far = "swallow and then one two three four five six seven eight hard"
    assert matcher.match(_keys(far)) == []


def test_a_negation_inside_a_concept_denies_it() -> None:
    matcher = ConceptMatcher([compile_concept("x", ["swallow", "hard"])])
    (match,) = matcher.match(_keys("swallowing is not hard"))
    assert match.negated


def test_concept_words_match_through_their_match_classes() -> None:
    # The lexicon's match classes hold in concepts too: a group written about oneself
    # reads the same words about someone else, in another tense of the same negation.
    matcher = ConceptMatcher([compile_concept("x", ["stare", "didn't answer my"])])
    (match,) = matcher.match(_keys("she was staring and doesn't answer her mum"))
    assert (match.finding_id, match.negated) == ("x", False)
    # A class joins only its own words: "won't" is not "didn't" ("he doesn't wake up from
    # the jerks" is not "he won't wake").
    assert matcher.match(_keys("she was staring and won't answer")) == []
    # Negations are read on the words as typed: "can't" is in no negation list.
    negated = ConceptMatcher([compile_concept("x", ["arm", "heavy"])])
    (match,) = negated.match(_keys("his arm isn't heavy"))
    assert match.negated


def test_the_end_group_is_the_end_of_the_clause_or_a_comma() -> None:
    # "$": nothing may follow the words but the end of their clause (or a comma)
    matcher = ConceptMatcher([compile_concept("x", ["@3", "can't see", "$"])])
    for text in (
        "she said I can't see",
        "she said I can't see. then she sat down",
        "her eye cannot see, everything gone",
        "he can't see anymore",
    ):
        (match,) = matcher.match(_keys(text))
        assert match.finding_id == "x", text
        # the match is the words, not the end
        assert _keys(text)[match.last - 1] == "see", text
    for text in ("I can't see my GP till Monday", "I can't see why my calves cramp"):
        assert matcher.match(_keys(text)) == [], text
    # the end must come after the words, within the concept's span
    assert (
        ConceptMatcher([compile_concept("x", ["@2", "can't see", "$"])]).match(
            _keys("she can't see well at all")
        )
        == []
    )


def test_a_sentence_concept_reaches_across_a_new_clause_but_not_a_sentence() -> None:
    # "@Ns": the groups may sit in two clauses of one sentence, within N tokens
    clause = ConceptMatcher([compile_concept("x", ["@12", "fell", "on the floor"])])
    sentence = ConceptMatcher([compile_concept("x", ["@12s", "fell", "on the floor"])])
    text = "mum fell getting out of bed, she's on the floor"
    assert clause.match(_keys(text)) == []
    assert [m.finding_id for m in sentence.match(_keys(text))] == ["x"]
    # a sentence's end, a turn ("but") and the span limit still part them
    for apart in (
        "mum fell last week. she's on the floor doing her exercises",
        "mum fell last week, but she's on the floor doing her exercises",
        "mum fell one two three four five six seven eight nine ten, she's on the floor",
    ):
        assert sentence.match(_keys(apart)) == [], apart


def test_a_sentence_concept_is_kept_in_the_lexicons_plain_tables(engine: Engine) -> None:
    from spasmcheck.language.lexicon import _concept, _plain_concept

    concept = compile_concept("x", ["@12s", "fell", "on the floor"])
    assert concept.sentence and concept.max_span == 12
    plain = _plain_concept(concept)
    assert plain[3] is True  # the sentence scope is kept beside the span
    assert _concept(plain) == concept


def test_one_word_cannot_fill_two_groups() -> None:
    matcher = ConceptMatcher([compile_concept("x", ["swallow", "swallow|hard"])])
    assert matcher.match(_keys("swallow")) == []


@pytest.mark.parametrize(
    ("text", "unread"),
    [
        ("my zorblat is flimflam", ["my zorblat is flimflam"]),
        ("cramps in my calf and my zorblat is flimflam", ["my zorblat is flimflam"]),
        ("cramps in my calf. Hi, any ideas? thanks", []),
        ("my calves lock up at night", []),
    ],
)
def test_not_understood(engine: Engine, text: str, unread: list[str]) -> None:
    assert engine.parser.not_understood(text, engine.parser.parse(text)) == unread


def test_assessment_reports_what_was_not_understood(engine: Engine) -> None:
    result = engine.assess("cramps in my calf and my zorblat is flimflam")
    assert result.as_dict()["not_understood"] == ["my zorblat is flimflam"]


def test_every_packaged_concept_compiles_to_words() -> None:
    kb = load_knowledge_base()
    parser = TextParser(kb)
    assert parser.lexicon is not None
    for finding in kb.findings:
        for groups in finding.concepts:
            concept = compile_concept(finding.id, groups)
            assert all(concept.groups), (finding.id, groups)


def test_kb_check_reads_the_language_data(engine: Engine) -> None:
    from spasmcheck.language.check import language_problems

    assert language_problems(engine.kb) == []


def test_kb_check_names_a_phrase_that_clashes_once_stemmed() -> None:
    from spasmcheck.knowledge.schema import Finding
    from spasmcheck.language.check import language_problems

    kb = load_knowledge_base()
    first = kb.findings[0]
    clash = Finding.model_validate(
        {
            **first.model_dump(),
            "id": "a_clash",
            "synonyms": [first.synonyms[0] + "s"],
        }
    )
    patched = dataclasses.replace(kb, findings=(*kb.findings, clash))
    problems = "\n".join(language_problems(patched))
    assert "a_clash" in problems and "once stemmed" in problems


def test_kb_check_names_a_phrase_a_finding_lists_twice() -> None:
    """ "she couldn't breathe" is "he can't breathe" through the match classes: a copy."""
    from spasmcheck.knowledge.schema import Finding
    from spasmcheck.language.check import language_problems

    kb = load_knowledge_base()
    first = kb.findings[0]
    copied = Finding.model_validate(
        {
            **first.model_dump(),
            "id": "a_copy",
            "synonyms": ["he can't breathe", "she couldn't breathe"],
            "misspellings": [],
        }
    )
    patched = dataclasses.replace(kb, findings=(*kb.findings, copied))
    problems = [p for p in language_problems(patched) if p.startswith("finding a_copy:")]
    assert problems == [
        'finding a_copy: phrase "she couldn\'t breathe" reads the same as its phrase '
        '"he can\'t breathe" once normalised (a copy: the match classes, the stems and the '
        "spelling table already make them one)"
    ]
    assert [p for p in language_problems(kb) if "a copy" in p] == []


def test_new_words_do_not_grow_the_stem_table_without_limit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from spasmcheck.language import tokens

    monkeypatch.setattr(tokens, "_STEMS", {})
    monkeypatch.setattr(tokens, "MAX_STEMS", 50)
    tokens.fold.cache_clear()
    for i in range(500):
        tokens.fold(f"zorblat{i}ing")
    assert len(tokens._STEMS) == 50
    assert tokens.fold("zorblat499ing") == "zorblat499"
    tokens.fold.cache_clear()


def test_new_words_do_not_grow_the_lexicons_tables(engine: Engine) -> None:
    """Only words that start a phrase are remembered per first word (issue 16 item 4: 500k
    unique words once grew a worker by half through the nested-place table)."""
    lexicon = engine.parser.lexicon
    engine.parser.parse("my calf cramps at night")
    before = (len(lexicon._nested_by_first), len(lexicon._by_first))
    engine.parser.parse(" ".join(f"qwzx{i}vy" for i in range(2000)))
    assert (len(lexicon._nested_by_first), len(lexicon._by_first)) == before


def test_a_sharp_pain_in_the_head_is_not_a_clear_mind(engine: Engine) -> None:
    """The mind's denial ("her mind is sharp") once spanned "my head, sharp piercing pain"."""
    found = engine.parser.parse("something stabbed me in the top of my head, sharp piercing pain")
    assert not [m for m in found if m.finding_id == "confusion"]


def test_a_figure_drops_only_its_own_findings_readings_inside_it() -> None:
    """``_without_figures``: a figure of finding X removes X's readings with a word inside
    the figure, keeps X's readings elsewhere and every other finding's, and reports the
    positions it covers."""
    from spasmcheck.language.lexicon import Match
    from spasmcheck.language.parser import FIGURE, _without_figures

    figure = Match(2, 5, FIGURE + "slurred_speech", False, words=frozenset({2, 4}))
    inside = Match(2, 4, "slurred_speech", False, words=frozenset({2, 3}))
    elsewhere = Match(8, 10, "slurred_speech", False)
    other = Match(3, 4, "loc_face", False)
    kept, covered = _without_figures([figure, inside, elsewhere, other])
    assert kept == [elsewhere, other]
    assert covered == frozenset({2, 3, 4})
    assert _without_figures([inside, other]) == ([inside, other], frozenset())


@pytest.mark.parametrize(
    "text", ["I'm lost for words", "she can't stop talking about the match", "I choked up"]
)
def test_a_figure_is_read_as_nothing_not_by_resemblance(engine: Engine, text: str) -> None:
    """The words of a figure are not handed to the semantic fallback, which would read them
    by resemblance as the sign they look like."""
    found = {m.finding_id for m in engine.parser.parse(text)}
    assert found.isdisjoint({"slurred_speech", "trouble_swallowing"}), found


def test_every_figure_is_compiled_and_checked(engine: Engine) -> None:
    """Figures are concepts of the knowledge base: ``kb check`` compiles each one."""
    from spasmcheck.language.check import language_problems

    figures = [(f.id, g) for f in engine.kb.findings for g in f.figures]
    assert len(figures) >= 10
    assert all(compile_concept(fid, groups).groups for fid, groups in figures)
    assert language_problems(engine.kb) == []
