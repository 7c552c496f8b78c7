"""Phrase matching: the findings' synonyms and misspellings, longest match first.

Matching is exact on folded tokens, plus a cautious typo fallback: a word that is not in
the lexicon's vocabulary, at least six letters long, is read as the vocabulary word one edit
away (insertion, deletion, substitution or swap of neighbours) when exactly one such word
starts with the same letter. Real English words are never corrected ("station" is not
"statin", "smelling" is not "swelling"): a word list ships in ``data/``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from spasmcheck.language.concepts import CANONICAL, Concept, ConceptMatcher, canonical
from spasmcheck.language.tokens import Token, english_words, fold, phrase_keys, phrase_tokens
from spasmcheck.language.wordlists import word_lists

MIN_FUZZY_LENGTH = 6
# Corrections remembered per lexicon: enough for the words of a busy hour, bounded so that a
# stream of new words cannot grow the process without limit (issue 16: with the stems and
# the folding cache at 20,000 too, the resident set is flat within 10 % over 500,000 new
# words, benchmarks/memory_words.py and docs/benchmarks.md, "Memory").
MAX_REMEMBERED = 20_000


# Words people put inside a phrase without changing it ("face WAS drooping"), skipped only
# between the words of a multi-word phrase, at most MAX_SKIPPED; negations inside a phrase;
# the head words an elliptical list shares ("trouble breathing or swallowing"). All data:
# language/data/word_lists.yaml.
_WORDS = word_lists().lexicon
FILLERS = frozenset(fold(word) for word in _WORDS.phrase_fillers)
MAX_SKIPPED = _WORDS.max_skipped
INNER_NEGATIONS = _WORDS.inner_negations
LIST_HEADS = frozenset(fold(w) for w in _WORDS.list_heads)
LIST_JOINERS = _WORDS.list_joiners
# A phrase's "not" also matches these (canonical) typed words, one way only.
NOT = fold("not")
NOT_ALSO = frozenset(CANONICAL.get(fold(w), fold(w)) for w in _WORDS.not_also)


@dataclass(frozen=True, slots=True)
class Match:
    """Tokens [first, last) mean ``finding_id``."""

    first: int
    last: int
    finding_id: str
    corrected: bool
    negated: bool = False  # a "not" inside the phrase: "my face is not drooping"
    # For a concept: the positions of its own words. The other words inside its span stay
    # visible to ConText ("leg, NO numb bum": the "no" still denies what follows).
    words: frozenset[int] | None = None


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def within_one_edit(a: str, b: str) -> bool:
    """True when a and b differ by at most one insertion, deletion, substitution or swap.

    The optimal-string-alignment distance of rapidfuzz (maintained, in C): on 20,000 random
    word pairs it agreed with the hand-written check this replaced on every pair, 30 times
    faster (docs/language.md, "Spelling"). Imported on the first typo, not at start.
    """
    from rapidfuzz.distance import OSA

    return OSA.distance(a, b, score_cutoff=1) <= 1


class Lexicon:
    """Maps folded token sequences to finding ids."""

    def __init__(
        self,
        entries: Iterable[tuple[str, str]],
        extra_vocabulary: Iterable[str] = (),
        misspellings: Iterable[tuple[str, str]] = (),
        concepts: Iterable[Concept] = (),
        nested: Iterable[str] = (),
    ):
        by_first: dict[str, list[tuple[tuple[str, ...], str]]] = defaultdict(list)
        vocabulary: set[str] = {fold(w) for w in extra_vocabulary}
        surface_words: set[str] = set()
        for phrase, finding_id in entries:
            keys = phrase_keys(phrase)
            if not keys:
                continue
            vocabulary.update(keys)
            keys = tuple(canonical(keys))
            by_first[keys[0]].append((keys, finding_id))
            surface_words.update(phrase_tokens(phrase)[1])
        # Listed misspellings match as phrases, but their words stay open to correction:
        # "swolen" in "swolen ankle" must not stop "calf is swolen" reading as "swollen".
        for phrase, finding_id in misspellings:
            keys = tuple(canonical(phrase_keys(phrase)))
            if keys:
                by_first[keys[0]].append((keys, finding_id))
        for candidates in by_first.values():
            candidates.sort(key=lambda item: -len(item[0]))
        self._by_first = dict(by_first)
        # Findings read even inside a longer phrase of another finding: the place in
        # "strained his calf" is the calf, whatever the phrase says happened to it. Their
        # phrases are indexed apart, so looking for them inside other matches reads only them.
        self._nested = frozenset(nested)
        self._nested_by_first = {
            first: kept
            for first, candidates in self._by_first.items()
            if (kept := [c for c in candidates if c[1] in self._nested])
        }
        concepts = tuple(concepts)
        self._concepts = ConceptMatcher(concepts)
        vocabulary.update(self._concepts.vocabulary)
        # The concepts' words as written, so "elefant" can be corrected to "elephant".
        surface_words.update(
            word for concept in concepts for group in concept.surface for word in group
        )
        self.vocabulary = frozenset(vocabulary)
        # Typos are corrected on the words as written ("twitchng" → "twitching"), then stemmed.
        self.surface_words = frozenset(surface_words)
        # built on the first word that may be a typo: a text read fully never needs it
        # (issue 16 item 8: a fifth of building the parser)
        self._delete_index: dict[str, set[str]] | None = None
        self._corrections: dict[str, str | None] = {}

    def _typo_index(self) -> dict[str, set[str]]:
        """Each surface word and each of its one-letter deletions → the surface words."""
        if self._delete_index is None:
            index: dict[str, set[str]] = defaultdict(set)
            for word in self.surface_words:
                if len(word) >= MIN_FUZZY_LENGTH - 1 and word.isalpha():
                    index[word].add(word)
                    for deleted in _deletes(word):
                        index[deleted].add(word)
            self._delete_index = dict(index)
        return self._delete_index

    def correct(self, word: str) -> str | None:
        """The unique lexicon word one edit from ``word`` as typed (same first letter), if any.

        A real English word, or a word the lexicon already knows, is never corrected.
        """
        if word in self._corrections:
            return self._corrections[word]
        result: str | None = None
        if (
            len(word) >= MIN_FUZZY_LENGTH - 1
            and word.isalpha()
            and word not in self.surface_words
            and fold(word) not in self.vocabulary
        ):
            candidates: set[str] = set()
            index = self._typo_index()
            for key in (word, *_deletes(word)):
                candidates.update(index.get(key, ()))
            found = {c for c in candidates if c[0] == word[0] and within_one_edit(word, c)}
            if len(word) < MIN_FUZZY_LENGTH:
                # Five letters: too many real words lie one edit apart ("calf", "cause"),
                # so only two swapped neighbours are read as a typo ("wrose" → "worse").
                found = {c for c in found if len(c) == len(word) and sorted(c) == sorted(word)}
            # (the English word list is read only when there is a correction to refuse: a
            # text whose words the lexicons know never loads it, 14 ms of a cold start)
            if len({fold(c) for c in found}) == 1 and word not in english_words():
                result = found.pop()
        if len(self._corrections) >= MAX_REMEMBERED:
            self._corrections.clear()
        self._corrections[word] = result
        return result

    def match(self, tokens: Sequence[Token]) -> list[Match]:
        """Greedy longest matches, left to right, without overlaps."""
        original = [token.key for token in tokens]
        keys = list(original)
        corrected = [False] * len(keys)
        for i, key in enumerate(keys):
            if key not in self.vocabulary:
                fixed = self.correct(tokens[i].text)
                if fixed is not None:
                    keys[i] = fold(fixed)
                    corrected[i] = True
        # Every position's longest match, then keep the longest spans first, so that
        # "feel numb when i wipe" reads as "numb when i wipe", not "feel numb".
        candidates: list[Match] = []
        unchanged = [False] * len(keys)
        same = canonical(keys)
        same_as_typed = canonical(original) if any(corrected) else same
        for i in range(len(keys)):
            found = self._match_at(same, corrected, i)
            if any(corrected):
                as_typed = self._match_at(same_as_typed, unchanged, i)
                if as_typed is not None and (found is None or as_typed.last > found.last):
                    found = as_typed
            if found is not None:
                candidates.append(found)
        # A match inside a longer one is dropped; partly overlapping matches are both kept,
        # so "chest pain when i swallow" gives chest pain and pain on swallowing.
        taken = [False] * len(keys)
        matches: list[Match] = []
        inner = (
            [self._inner_at(same, corrected, i) for i in range(len(keys))] if self._nested else []
        )
        candidates += [m for m in inner if m is not None]
        for match in sorted(candidates, key=lambda m: (-(m.last - m.first), m.first)):
            if not any(
                k.first <= match.first
                and match.last <= k.last
                and (
                    match.finding_id not in self._nested
                    or k.finding_id == match.finding_id
                    or k.finding_id in self._nested
                )
                for k in matches
            ):
                matches.append(match)
                for k in range(match.first, match.last):
                    taken[k] = True
        matches.sort(key=lambda m: m.first)
        # Elliptical lists need the matches to their left: "trouble breathing or swallowing".
        extra: list[Match] = []
        for i in range(len(keys)):
            if not taken[i]:
                found = self._elliptical(same, corrected, i, [m for m in matches if m.last <= i])
                if found is not None and not any(taken[found.first : found.last]):
                    extra.append(found)
                    for k in range(found.first, found.last):
                        taken[k] = True
        return sorted(self._with_concepts(keys, corrected, matches + extra), key=lambda m: m.first)

    def _with_concepts(
        self, keys: list[str], corrected: list[bool], matches: list[Match]
    ) -> list[Match]:
        """Add the concepts' matches that the word sequences did not already explain.

        A concept inside a longer phrase, or overlapping a phrase of the same finding, adds
        nothing; one on exactly the words of another finding's phrase adds its own meaning
        ("every night" is at night and every day). Phrases inside a concept stay: "my toes go
        all claw like" is a claw spasm and the toes.
        """
        for found in self._concepts.match(keys):
            if any(
                (
                    m.words is None  # a phrase; concepts may nest inside each other
                    and m.first <= found.first
                    and found.last <= m.last
                    and m.last - m.first > found.last - found.first
                )
                or (
                    m.finding_id == found.finding_id
                    and m.first < found.last
                    and found.first < m.last
                )
                for m in matches
            ):
                continue
            matches.append(
                Match(
                    found.first,
                    found.last,
                    found.finding_id,
                    any(corrected[found.first : found.last]),
                    found.negated,
                    found.words,
                )
            )
        return matches

    def _inner_at(self, keys: list[str], corrected: list[bool], i: int) -> Match | None:
        """The longest match at ``i`` of a nested finding (a place), if any."""
        for phrase, finding_id in self._nested_by_first.get(keys[i], ()):
            found = _phrase_end(keys, i, phrase)
            if found is not None:
                end, negated = found
                return Match(i, end, finding_id, any(corrected[i:end]), negated)
        return None

    def _match_at(self, keys: list[str], corrected: list[bool], i: int) -> Match | None:
        best: Match | None = None
        firsts = (keys[i], NOT) if keys[i] in NOT_ALSO else (keys[i],)
        for first in firsts:
            for phrase, finding_id in self._by_first.get(first, ()):
                found = _phrase_end(keys, i, phrase)
                if found is not None:
                    end, negated = found
                    if best is None or end > best.last:
                        best = Match(i, end, finding_id, any(corrected[i:end]), negated)
                    break
        return best

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


def _phrase_end(keys: list[str], start: int, phrase: tuple[str, ...]) -> tuple[int, bool] | None:
    """Where ``phrase`` ends if it matches at ``start``, and whether a "not" sat inside it.

    A few filler words may sit between the phrase's words ("face WAS drooping"), and so may
    one negation ("face is NOT drooping"), which makes the match a denial.
    """
    k = start
    skipped = 0
    negated = False
    after_comma = False
    for n, word in enumerate(phrase):
        if n > 0:
            while k < len(keys) and keys[k] != word and skipped < MAX_SKIPPED:
                if keys[k] in FILLERS:
                    skipped += 1
                    after_comma = after_comma or keys[k] == ","
                elif keys[k] in INNER_NEGATIONS and not negated and not after_comma:
                    # Not after a comma: "seeing, no double vision" is a new clause.
                    negated = True
                else:
                    break
                k += 1
        if k >= len(keys) or (keys[k] != word and not (word == NOT and keys[k] in NOT_ALSO)):
            return None
        k += 1
    return k, negated
