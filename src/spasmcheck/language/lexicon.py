"""Phrase matching: the findings' synonyms and misspellings, longest match first.

Matching is exact on folded tokens, plus a cautious typo fallback: a word that is not in
the lexicon's vocabulary, at least six letters long, is read as the vocabulary word one edit
away (insertion, deletion, substitution or swap of neighbours) when exactly one such word
starts with the same letter. Common English words that sit one edit from a medical word
("smelling" / "swelling") are protected.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from spasmcheck.language.tokens import Token, fold, phrase_keys

MIN_FUZZY_LENGTH = 6

# Everyday words one edit away from a lexicon word; never "corrected".
PROTECTED = frozenset(
    [
        "smelling",
        "spelling",
        "selling",
        "telling",
        "falling",
        "calling",
        "walking",
        "talking",
        "working",
        "waking",
        "weekly",
        "weekend",
        "seeing",
        "sweating",
        "sweeping",
        "switch",
        "switched",
        "twitter",
        "stretches",
        "thinking",
        "drinking",
        "sinking",
        "sleeping",
        "slipping",
        "tripping",
        "wrapping",
        "cramming",
        "crapping",
        "cramped",
        "stressed",
        "pressed",
        "dressed",
        "blessed",
        "breath",
        "breathe",
        "breathing",
        "breathed",
        "bleeding",
        "breeding",
        "heated",
        "hearing",
        "bearing",
        "wearing",
        "fearing",
        "shaking",
        "making",
        "taking",
        "baking",
        "waking",
        "raking",
        "feeling",
        "peeling",
        "reeling",
        "ceiling",
        "healing",
        "dealing",
        "sealing",
        "eating",
        "heating",
        "beating",
        "seating",
        "reading",
        "leading",
        "heading",
        "loading",
        "landing",
        "standing",
        "sanding",
        "handing",
        "bending",
        "sending",
        "lending",
        "mending",
        "tending",
        "fending",
        "binding",
        "finding",
        "minding",
        "winding",
        "hiding",
        "riding",
        "siding",
        "sliding",
        "chicken",
        "thicker",
        "quicker",
        "sticker",
        "kicking",
        "picking",
        "ticking",
        "licking",
        "locking",
        "rocking",
        "mocking",
        "weather",
        "whether",
        "leather",
        "feather",
        "father",
        "mother",
        "brother",
        "sister",
    ]
)


# Words people put inside a phrase without changing it: "face WAS drooping", "calf IS
# swollen". Skipped only between the words of a multi-word phrase, at most MAX_SKIPPED.
FILLERS = frozenset(
    """is was are were been being has have had feels felt keeps kept gets got getting went
    goes becomes became very really so quite a bit little all my the slightly""".split()
)
FILLERS = frozenset(fold(word) for word in FILLERS)
MAX_SKIPPED = 2
# Head words that an elliptical list shares: "trouble breathing or swallowing".
LIST_HEADS = frozenset({"trouble", "difficulty", "problem", "pain", "hard"})
LIST_JOINERS = frozenset({"or", "and", ",", "nor", "/"})


@dataclass(frozen=True, slots=True)
class Match:
    """Tokens [first, last) mean ``finding_id``."""

    first: int
    last: int
    finding_id: str
    corrected: bool


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def within_one_edit(a: str, b: str) -> bool:
    """True when a and b differ by at most one insertion, deletion, substitution or swap."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    if la == lb:
        diffs = [i for i in range(la) if a[i] != b[i]]
        if len(diffs) == 1:
            return True
        return (
            len(diffs) == 2
            and diffs[1] == diffs[0] + 1
            and a[diffs[0]] == b[diffs[1]]
            and a[diffs[1]] == b[diffs[0]]
        )
    short, long_ = (a, b) if la < lb else (b, a)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))


class Lexicon:
    """Maps folded token sequences to finding ids."""

    def __init__(self, entries: Iterable[tuple[str, str]], extra_vocabulary: Iterable[str] = ()):
        by_first: dict[str, list[tuple[tuple[str, ...], str]]] = defaultdict(list)
        vocabulary: set[str] = set(extra_vocabulary)
        for phrase, finding_id in entries:
            keys = phrase_keys(phrase)
            if not keys:
                continue
            by_first[keys[0]].append((keys, finding_id))
            vocabulary.update(keys)
        for candidates in by_first.values():
            candidates.sort(key=lambda item: -len(item[0]))
        self._by_first = dict(by_first)
        self.vocabulary = frozenset(vocabulary)
        index: dict[str, set[str]] = defaultdict(set)
        for word in self.vocabulary:
            if len(word) >= MIN_FUZZY_LENGTH - 1 and word.isalpha():
                index[word].add(word)
                for deleted in _deletes(word):
                    index[deleted].add(word)
        self._delete_index = dict(index)
        self._corrections: dict[str, str | None] = {}

    def correct(self, word: str) -> str | None:
        """The unique vocabulary word one edit from ``word`` (same first letter), if any."""
        if word in self._corrections:
            return self._corrections[word]
        result: str | None = None
        if (
            len(word) >= MIN_FUZZY_LENGTH
            and word.isalpha()
            and word not in self.vocabulary
            and word not in PROTECTED
        ):
            candidates: set[str] = set()
            for key in (word, *_deletes(word)):
                candidates.update(self._delete_index.get(key, ()))
            found = {c for c in candidates if c[0] == word[0] and within_one_edit(word, c)}
            if len(found) == 1:
                result = found.pop()
        self._corrections[word] = result
        return result

    def match(self, tokens: Sequence[Token]) -> list[Match]:
        """Greedy longest matches, left to right, without overlaps."""
        keys = [token.key for token in tokens]
        corrected = [False] * len(keys)
        for i, key in enumerate(keys):
            if key not in self.vocabulary:
                fixed = self.correct(key)
                if fixed is not None:
                    keys[i] = fixed
                    corrected[i] = True
        matches: list[Match] = []
        i = 0
        while i < len(keys):
            found = self._match_at(keys, corrected, i)
            if found is None:
                found = self._elliptical(keys, corrected, i, matches)
            if found is None:
                i += 1
            else:
                matches.append(found)
                i = found.last
        return matches

    def _match_at(self, keys: list[str], corrected: list[bool], i: int) -> Match | None:
        for phrase, finding_id in self._by_first.get(keys[i], ()):
            end = _phrase_end(keys, i, phrase)
            if end is not None:
                return Match(i, end, finding_id, any(corrected[i:end]))
        return None

    def _elliptical(
        self, keys: list[str], corrected: list[bool], i: int, matches: list[Match]
    ) -> Match | None:
        """ "trouble breathing or swallowing": read "swallowing" as "trouble swallowing"."""
        if not matches or i < 1 or keys[i - 1] not in LIST_JOINERS:
            return None
        previous = matches[-1]
        head = keys[previous.first]
        if previous.last != i - 1 or head not in LIST_HEADS:
            return None
        for phrase, finding_id in self._by_first.get(head, ()):
            if len(phrase) < 2:
                continue
            tail = phrase[1:]
            if tuple(keys[i : i + len(tail)]) == tail:
                end = i + len(tail)
                return Match(i, end, finding_id, any(corrected[i:end]))
        return None


def _phrase_end(keys: list[str], start: int, phrase: tuple[str, ...]) -> int | None:
    """Where ``phrase`` ends if it matches at ``start``, skipping a few filler words inside."""
    k = start
    skipped = 0
    for n, word in enumerate(phrase):
        if n > 0:
            while (
                k < len(keys) and keys[k] != word and keys[k] in FILLERS and skipped < MAX_SKIPPED
            ):
                k += 1
                skipped += 1
        if k >= len(keys) or keys[k] != word:
            return None
        k += 1
    return k
