"""The parser's closed word lists, loaded from ``language/data/word_lists.yaml``.

Each list is one string of words in the file (so YAML never reads "no" as false) and a
``frozenset`` here. The words are stored as written; each user folds them as it folds text
(:func:`spasmcheck.language.tokens.fold`), as it did when they were literals in the code.
"""

from __future__ import annotations

from functools import cache

from spasmcheck.knowledge.parsed import YamlError, load_yaml
from spasmcheck.knowledge.validated import Record, validated
from spasmcheck.language.data import read_data

WORD_LISTS_FILE = "word_lists.yaml"
# (each record's model, in language/schema.py, holds the rules of its lists)


class ContextWords(Record):
    """:mod:`spasmcheck.language.context`: ConText scope and list handling."""

    __model__ = "spasmcheck.language.schema.ContextWords"

    forward_scope: int
    backward_scope: int
    list_words: frozenset[str]
    list_fillers: frozenset[str]
    clause_starters: frozenset[str]
    new_subjects: frozenset[str]
    subject_clause_openers: frozenset[str]
    possessive_subjects: frozenset[str]
    bare_answers: frozenset[str]
    double_negators: frozenset[str]
    approximate_after_or: frozenset[str]
    novelty_after_never: tuple[str, ...]
    own_negators: frozenset[str]
    negated_predicate_joiners: frozenset[str]
    articles_after_and: frozenset[str]


class LexiconWords(Record):
    """:mod:`spasmcheck.language.lexicon`: what may sit inside or between phrases."""

    __model__ = "spasmcheck.language.schema.LexiconWords"

    phrase_fillers: frozenset[str]
    max_skipped: int
    inner_negations: frozenset[str]
    list_heads: frozenset[str]
    list_joiners: frozenset[str]
    match_classes: tuple[tuple[str, ...], ...]
    not_also: frozenset[str]
    one_side_readings: dict[str, str]
    plural_limbs: frozenset[str]
    side_words: frozenset[str]
    antecedents: frozenset[str]


class WordLists(Record):
    __model__ = "spasmcheck.language.schema.WordLists"

    context: ContextWords
    lexicon: LexiconWords


def _raw() -> bytes:
    return read_data(WORD_LISTS_FILE)


def word_list_problems(raw: bytes | None = None) -> list[str]:
    """Every problem of the word-list file, for ``spasmcheck kb check`` (empty when valid)."""
    label = f"language/data/{WORD_LISTS_FILE}"
    try:
        data = load_yaml(_raw() if raw is None else raw)
    except YamlError as error:
        return [f"{label}: not valid YAML: {error}".replace("\n", " ")]
    from pydantic import ValidationError

    try:
        WordLists.model_validate(data)
    except ValidationError as error:
        return [
            f"{label}: {'.'.join(str(p) for p in item['loc'])}: {item['msg']}"
            for item in error.errors()
        ]
    return []


@cache
def word_lists() -> WordLists:
    """The packaged word lists, validated (pydantic's ValidationError when they are not)."""
    return validated(_raw(), WordLists)
