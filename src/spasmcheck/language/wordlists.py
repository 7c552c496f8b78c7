"""The parser's closed word lists, loaded from ``language/data/word_lists.yaml``.

Each list is one string of words in the file (so YAML never reads "no" as false) and a
``frozenset`` here. The words are stored as written; each user folds them as it folds text
(:func:`spasmcheck.language.tokens.fold`), as it did when they were literals in the code.
"""

from __future__ import annotations

from functools import cache
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, field_validator

from spasmcheck.knowledge.parsed import YamlError, load_yaml
from spasmcheck.knowledge.validated import validated
from spasmcheck.language.data import read_data

WORD_LISTS_FILE = "word_lists.yaml"


def _words(value: object) -> frozenset[str]:
    if not isinstance(value, str):
        raise ValueError("a word list is one string of words separated by spaces")
    words = value.split()
    if not words:
        raise ValueError("a word list needs at least one word")
    if any(w != w.lower() for w in words):
        raise ValueError(f"word lists are lowercase: {next(w for w in words if w != w.lower())!r}")
    if len(set(words)) != len(words):
        raise ValueError(f"{next(w for w in words if words.count(w) > 1)!r} is listed twice")
    return frozenset(words)


WordSet = Annotated[frozenset[str], BeforeValidator(_words)]
Scope = Annotated[int, Field(ge=1, le=50)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class ContextWords(_Strict):
    """:mod:`spasmcheck.language.context`: ConText scope and list handling."""

    forward_scope: Scope
    backward_scope: Scope
    list_words: WordSet
    list_fillers: WordSet
    clause_starters: WordSet
    new_subjects: WordSet
    subject_clause_openers: WordSet
    possessive_subjects: WordSet
    bare_answers: WordSet
    novelty_after_never: tuple[str, ...] = Field(min_length=1)


class LexiconWords(_Strict):
    """:mod:`spasmcheck.language.lexicon`: what may sit inside or between phrases."""

    phrase_fillers: WordSet
    max_skipped: Annotated[int, Field(ge=0, le=10)]
    inner_negations: WordSet
    list_heads: WordSet
    list_joiners: WordSet
    match_classes: tuple[tuple[str, ...], ...]
    not_also: WordSet
    one_side_readings: dict[str, str]
    plural_limbs: WordSet
    side_words: WordSet

    @field_validator("match_classes", mode="before")
    @classmethod
    def _classes(cls, value: object) -> tuple[tuple[str, ...], ...]:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ValueError("match_classes is a list of strings of words")
        classes = tuple(tuple(v.split()) for v in value)
        seen: set[str] = set()
        for words in classes:
            if len(words) < 2:
                raise ValueError(f"a match class needs at least two words: {' '.join(words)!r}")
            if any(w != w.lower() for w in words):
                raise ValueError(f"match classes are lowercase: {' '.join(words)!r}")
            twice = seen.intersection(words)
            if twice or len(set(words)) != len(words):
                raise ValueError(f"{sorted(twice or words)[0]!r} is in more than one match class")
            seen.update(words)
        return classes


class WordLists(_Strict):
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
