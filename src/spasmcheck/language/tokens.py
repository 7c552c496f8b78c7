"""Tokenising and word folding shared by the lexicon, the ConText rules and durations.

Tokens are lowercase words (apostrophes kept: "don't", "i'm"), numbers, single punctuation
marks and line breaks, each with its character span in the original text so that every
finding can point at the words that produced it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

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


def fold(word: str) -> str:
    """A light, symmetric plural fold: "cramps" and "cramp" match; "stress" stays itself.

    Applied to both the lexicon and the text, so it only has to be consistent, not correct.
    """
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is", "'s")):
        return word[:-1]
    if word.endswith("'s") and len(word) > 3:
        return word[:-2]
    return word


def tokenize(text: str) -> list[Token]:
    lowered = normalise(text)
    return [
        Token(match.group(), fold(match.group()), match.start(), match.end())
        for match in _TOKEN.finditer(lowered)
    ]


def phrase_keys(phrase: str) -> tuple[str, ...]:
    """The folded token sequence of a lexicon or rule phrase."""
    return tuple(token.key for token in tokenize(phrase))
