"""Tokenising and word folding shared by the lexicon, the ConText rules and durations.

Tokens are lowercase words (apostrophes kept: "don't", "i'm"), numbers, single punctuation
marks and line breaks, each with its character span in the original text so that every
finding can point at the words that produced it.

Before folding, every word is put in its canonical written form (``data/normalise.yaml``):
contractions typed without an apostrophe ("cant" → "can't"), texting forms ("u", "idk",
"b4"), American spellings ("diarrhea" → "diarrhoea", "-ize" → "-ise"). One typed word may
give several tokens ("idk" → "i don't know"); they share the typed word's span. The same
normalisation runs on the knowledge base's phrases, so both sides always agree.
"""

from __future__ import annotations

import gzip
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

from spasmcheck.knowledge.validated import Record, validated
from spasmcheck.language.data import read_data

_TOKEN = re.compile(r"\n|[wy]/o\b|[a-z0-9]+(?:'[a-z]+)?|[^\sa-z0-9]")
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'", "\u00b4": "'"})

SENTENCE_END = frozenset({".", "!", "?", ";", "\n"})
PUNCTUATION = frozenset({",", ":", "-", "\u2013", "\u2014", "(", ")", "/", '"', "&", "+"})


@dataclass(frozen=True, slots=True)
class Token:
    text: str  # lowercase canonical form ("can't" for a typed "cant")
    key: str  # folded form used for matching
    start: int
    end: int


class _Normalisation(Record):
    """``data/normalise.yaml``."""

    __model__ = "spasmcheck.language.schema._NormalisationFile"

    words: dict[str, str]
    pairs: dict[str, str]
    unstemmed: frozenset[str]
    suffixes: dict[str, str]


@cache
def _normalisation() -> _Normalisation:
    raw = read_data("normalise.yaml")
    return validated(raw, _Normalisation)


def normalise(text: str) -> str:
    """Lowercase and unify apostrophes; keeps length so spans stay valid."""
    return text.translate(_APOSTROPHES).lower()


@cache
def _stemmer() -> Any:
    """The English Snowball stemmer, imported on the first word whose stem is not known: a
    start whose stems all come from the cache never imports it (10 ms, issue 16 item 8)."""
    import snowballstemmer

    return snowballstemmer.stemmer("english")


# Every stem computed so far, word → stem. Stemming the knowledge base's phrases is half of
# building the engine; ``spasmcheck.reasoning.cache`` saves this table as JSON and hands it
# back through :func:`remember_stems` on the next start.
_STEMS: dict[str, str] = {}
# The build's phrases need about 6,000; past the cap new words are stemmed each time (issue 16:
# 200,000 let 500,000 new words grow the process by a quarter, docs/benchmarks.md, "Memory").
MAX_STEMS = 20_000


def remember_stems(table: dict[str, str]) -> None:
    """Take stems computed earlier (by this same stemmer) instead of computing them again."""
    _STEMS.update(table)


def known_stems() -> dict[str, str]:
    return dict(_STEMS)


@lru_cache(maxsize=20_000)
def fold(word: str) -> str:
    """The Snowball (Porter 2) stem: "smoked", "smoking" and "smoke" all match.

    Applied to both the lexicon and the text, so it only has to be consistent, not correct.
    """
    if not word[:1].isalpha():
        return word
    if word in _normalisation().unstemmed:
        return f"{word}="  # a key no stem can equal
    stem = _STEMS.get(word)
    if stem is None:
        stem = _stemmer().stemWord(word)
        # The table is for the build's phrases (cached across starts); a stream of new words
        # from descriptions must not grow it without limit (issue 16): past the cap, new
        # words are stemmed each time (``fold``'s own LRU still remembers recent ones).
        if len(_STEMS) < MAX_STEMS:
            _STEMS[word] = stem
    return stem


@cache
def english_words() -> frozenset[str]:
    """Real English words (six letters or more) that the typo fallback must leave alone."""
    raw = read_data("english_words.txt.gz")
    return frozenset(gzip.decompress(raw).decode("utf-8").split())


@lru_cache(maxsize=20_000)
def canonical(word: str) -> tuple[str, ...]:
    """The canonical written form of one lowercase typed word, as one or more words."""
    table = _normalisation()
    mapped = table.words.get(word)
    if mapped is not None:
        return tuple(mapped.split())
    if len(word) >= 5 and word.endswith("in") and word.isalpha():
        # "saggin", "goin", "twitchin": the dropped g of speech, when the word with it is
        # an English word and the word without it is not.
        words = english_words()
        if word + "g" in words and word not in words:
            return (word + "g",)
    if len(word) >= 6 and word.isalpha():
        for suffix, replacement in table.suffixes.items():
            if word.endswith(suffix) and len(word) - len(suffix) >= 3:
                return (word[: -len(suffix)] + replacement,)
    return (word,)


@cache
def _pairs() -> dict[tuple[str, ...], str]:
    """normalise.yaml's ``pairs``: two or three typed words → one merged word."""
    pairs: dict[tuple[str, ...], str] = {}
    for typed, merged in _normalisation().pairs.items():
        words = tuple(typed.split())
        if len(words) not in (2, 3):
            raise ValueError(f"normalise.yaml pairs: {typed!r} must be two or three words")
        pairs[words] = merged
    return pairs


def tokenize(text: str) -> list[Token]:
    lowered = normalise(text)
    tokens: list[Token] = []
    pairs = _pairs()
    for match in _TOKEN.finditer(lowered):
        for word in canonical(match.group()):
            # Three words first ("can no longer" → "can't"), then two ("could not").
            if (
                len(tokens) >= 2
                and (merged := pairs.get((tokens[-2].text, tokens[-1].text, word))) is not None
            ):
                tokens.pop()
                start = tokens.pop().start
                tokens.append(Token(merged, fold(merged), start, match.end()))
            elif tokens and (merged := pairs.get((tokens[-1].text, word))) is not None:
                start = tokens.pop().start
                tokens.append(Token(merged, fold(merged), start, match.end()))
            else:
                tokens.append(Token(word, fold(word), match.start(), match.end()))
    return tokens


# Phrases of the build (the lexicons', the context rules' and the concepts' phrases: data,
# never a description) → their tokens' keys and words. Tokenising them is most of building the
# parser; ``spasmcheck.reasoning.cache`` saves this table with the stems (issue 16 item 8).
_PHRASES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}
MAX_PHRASES = 100_000


def phrase_tokens(phrase: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The folded keys and the words as written of a lexicon or rule phrase."""
    known = _PHRASES.get(phrase)
    if known is None:
        tokens = tokenize(phrase)
        known = (tuple(t.key for t in tokens), tuple(t.text for t in tokens))
        if len(_PHRASES) < MAX_PHRASES:
            _PHRASES[phrase] = known
    return known


def phrase_keys(phrase: str) -> tuple[str, ...]:
    """The folded token sequence of a lexicon or rule phrase."""
    return phrase_tokens(phrase)[0]


def remember_phrases(table: dict[str, list[list[str]]]) -> None:
    """Take phrases tokenised earlier (by this same code and data) instead of again."""
    for phrase, (keys, words) in table.items():
        _PHRASES[phrase] = (tuple(keys), tuple(words))


def phrase_count() -> int:
    """How many phrases' tokens are known (the cache is written again only when they grew)."""
    return len(_PHRASES)


def known_phrases() -> dict[str, list[list[str]]]:
    return {phrase: [list(keys), list(words)] for phrase, (keys, words) in _PHRASES.items()}
