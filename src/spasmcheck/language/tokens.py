"""Tokenising and word folding shared by the lexicon, the ConText rules and durations.

Tokens are lowercase words (apostrophes kept: "don't", "i'm"), numbers, single punctuation
marks and line breaks, each with its character span in the original text so that every
finding can point at the words that produced it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer

_TOKEN = re.compile(r"\n|[a-z0-9]+(?:'[a-z]+)?|[^\sa-z0-9]")
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'", "\u00b4": "'"})

SENTENCE_END = frozenset({".", "!", "?", ";", "\n"})
PUNCTUATION = frozenset({",", ":", "-", "\u2013", "\u2014", "(", ")", "/", '"', "&", "+"})


@dataclass(frozen=True, slots=True)
class Token:
    text: str  # lowercase surface form
    key: str  # folded form used for matching
    start: int
    end: int


def normalise(text: str) -> str:
    """Lowercase and unify apostrophes; keeps length so spans stay valid."""
    return text.translate(_APOSTROPHES).lower()


_STEMMER = snowballstemmer.stemmer("english")


@lru_cache(maxsize=100_000)
def fold(word: str) -> str:
    """The Snowball (Porter 2) stem: "smoked", "smoking" and "smoke" all match.

    Applied to both the lexicon and the text, so it only has to be consistent, not correct.
    """
    if not word[:1].isalpha():
        return word
    stem: str = _STEMMER.stemWord(word)
    return stem


def tokenize(text: str) -> list[Token]:
    lowered = normalise(text)
    return [
        Token(match.group(), fold(match.group()), match.start(), match.end())
        for match in _TOKEN.finditer(lowered)
    ]


def phrase_keys(phrase: str) -> tuple[str, ...]:
    """The folded token sequence of a lexicon or rule phrase."""
    return tuple(token.key for token in tokenize(phrase))
