"""The pydantic models of the language layer's data files (``language/data``).

They validate a file where it is read from its bytes: ``spasmcheck kb check``, a start without
the build cache (or with a cache made for other files), the server and the tests. The parser
reads each file as the records (:class:`spasmcheck.knowledge.validated.Record`) of the module
that uses it, made from the validated file's plain form, so a start from the cache imports
neither this module nor pydantic (issue 16 item 8). Each record names its model here, and has
its fields; a test reads every file both ways.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator

from spasmcheck.language.rule_kinds import Direction, RuleCategory


class _Strict(BaseModel):
    # (validators built on the first validation, as the knowledge schema's: kb check builds
    # only the word lists' one)
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


# --- data/normalise.yaml (spasmcheck.language.tokens) -------------------------------------


class _NormalisationFile(_Strict):
    words: dict[str, str] = Field(min_length=1)
    pairs: dict[str, str]
    unstemmed: frozenset[str]
    suffixes: dict[str, str]


# --- data/word_lists.yaml (spasmcheck.language.wordlists) ---------------------------------


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
    double_negators: WordSet
    approximate_after_or: WordSet
    novelty_after_never: tuple[str, ...] = Field(min_length=1)
    own_negators: WordSet
    negated_predicate_joiners: WordSet
    articles_after_and: WordSet


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
    antecedents: WordSet

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


# --- data/context_rules.yaml (spasmcheck.language.context) --------------------------------


class ContextRule(_Strict):
    literal: str = Field(min_length=1)
    category: RuleCategory
    direction: Direction
    max_scope: int | None = Field(default=None, ge=1, le=30)


class _RuleFile(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)
    rules: list[ContextRule]


# --- the parser's small files (spasmcheck.language.parser) --------------------------------


class _Attribute(_Strict):
    words: list[str] = Field(min_length=1)
    binds: dict[str, str] = Field(min_length=1)


class _AttributeFile(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)
    attributes: list[_Attribute]


class _HpoTerm(_Strict):
    hpo: str = Field(pattern=r"^HP:\d{7}$")
    phrases: list[str] = Field(min_length=1)


class _HpoFile(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)
    findings: dict[str, _HpoTerm]


class _OnsetFile(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)
    sudden: list[str] = Field(min_length=1)
    applies_to: list[str] = Field(min_length=1)


class _WhoseFile(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)
    distant_past: list[str] = Field(min_length=1)
    present_now: list[str] = Field(min_length=1)
    others_blood: list[str] = Field(min_length=1)
    others_not_blood: list[str] = Field(min_length=1)
    pets: list[str] = Field(min_length=1)
    happening_before: list[str] = Field(min_length=1)
    never_triggers: list[str] = Field(min_length=1)
    first_time_after: list[str] = Field(min_length=1)
    first_time_reach: int = Field(ge=1, le=10)
    how_often_after: list[str] = Field(min_length=1)
    other_subjects: list[str] = Field(min_length=1)
    child_after_my: list[str] = Field(min_length=1)
    not_felt: list[str] = Field(min_length=1)
    writer: list[str] = Field(min_length=1)


class _FillerFile(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)
    fillers: str = Field(min_length=1)
