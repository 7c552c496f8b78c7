"""Phrase matching: the findings' synonyms and misspellings, longest match first.

Matching is exact on folded tokens, plus a cautious typo fallback: a word that is not in
the lexicon's vocabulary, at least six letters long, is read as the vocabulary word one edit
away (insertion, deletion, substitution or swap of neighbours) when exactly one such word
starts with the same letter. Real English words are never corrected ("station" is not
"statin", "smelling" is not "swelling"): a word list ships in ``data/``.

A lexicon built from a packaged knowledge base is remembered as plain JSON data, keyed by the
SHA-256 of its inputs, for the command line's build cache (:func:`remember_tables`,
:func:`known_tables`): the next start takes its tables ready-made instead of building them
from 14,000 phrases, and decodes a first word's phrases only when a text holds that word
(issue 16 item 8, docs/benchmarks.md "Cold start"). The remembered data comes from a file in
the user's cache folder, so it is read as untrusted: anything but the expected shapes makes
the lexicon build itself from its inputs, as without the cache.
"""

from __future__ import annotations

import hashlib
import itertools
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from spasmcheck.language.concepts import (
    CANONICAL,
    Concept,
    ConceptMatcher,
    canonical,
    compile_concept,
)
from spasmcheck.language.tokens import (
    Token,
    english_words,
    fold,
    phrase_count,
    phrase_tokens,
)
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


# What separates the words and phrases of a table in plain form: never inside a word.
_SPACES = re.compile(r"\s")
# A concept as the knowledge base writes it: its finding, its word groups, and whether it denies.
ConceptSpec = tuple[str, Sequence[str], bool]
Candidates = list[tuple[tuple[str, ...], str]]

# Lexicon tables in plain form, by the SHA-256 of their inputs (see the module docstring): the
# ones the build cache handed over and the ones built since, while recording.
_TABLES: dict[str, Any] = {}
_RECORDING = [False]
# The phrases first tokenised by a lexicon built here (not read by anything else before):
# with the tables kept, a cached start never needs their tokens, so the build cache leaves
# them out of its phrase table.
_OWN_PHRASES: set[str] = set()


def _own_tokens(phrase: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """:func:`phrase_tokens`, noting a phrase tokenised for the first time as the lexicons'."""
    before = phrase_count()
    found = phrase_tokens(phrase)
    if phrase_count() > before:
        _OWN_PHRASES.add(phrase)
    return found


def remember_tables(table: dict[str, Any]) -> None:
    """Take the plain tables of lexicons built earlier (checked again when used), and
    remember the tables of the lexicons built from now on."""
    _TABLES.update(table)
    _RECORDING[0] = True


def known_tables() -> dict[str, Any]:
    return dict(_TABLES)


def own_phrases() -> frozenset[str]:
    return frozenset(_OWN_PHRASES)


class BadTable(ValueError):
    """Remembered lexicon data that does not have a lexicon's shape."""


class Lexicon:
    """Maps folded token sequences to finding ids."""

    def __init__(
        self,
        entries: Iterable[tuple[str, str]],
        extra_vocabulary: Iterable[str] = (),
        misspellings: Iterable[tuple[str, str]] = (),
        concepts: Iterable[Concept] = (),
        nested: Iterable[str] = (),
        concept_specs: Iterable[ConceptSpec] = (),
    ):
        """``concept_specs`` are concepts as written, compiled here (and, with the rest of the
        tables, taken ready-made from the build cache); ``concepts`` are compiled already."""
        self._inputs = (
            list(entries),
            sorted(extra_vocabulary),
            list(misspellings),
            list(concepts),
            sorted(nested),
            [(finding_id, list(groups), denies) for finding_id, groups, denies in concept_specs],
        )
        # Findings read even inside a longer phrase of another finding: the place in
        # "strained his calf" is the calf, whatever the phrase says happened to it. Their
        # phrases are looked for apart, so looking for them inside other matches reads only
        # them.
        self._nested = frozenset(self._inputs[4])
        self._nested_by_first: dict[str, Candidates] = {}
        # first word → its phrases, longest first; ``_unread`` holds a ready-made table's
        # phrases still as text (a line each: the words, a tab, the finding id), decoded when
        # a text first holds their first word
        self._by_first: dict[str, Candidates] = {}
        self._unread: dict[str, str] = {}
        self._surface: frozenset[str] | str = frozenset()
        # built on the first word that may be a typo: a text read fully never needs it
        # (issue 16 item 8: a fifth of building the parser)
        self._delete_index: dict[str, set[str]] | None = None
        self._corrections: dict[str, str | None] = {}
        # (no key where no table is kept or remembered: the server, a start without the cache)
        key = self._key() if not self._inputs[3] and (_TABLES or _RECORDING[0]) else None
        self._table_key = key
        if key is not None and (table := _TABLES.get(key)) is not None:
            try:
                self._take(table)
                return
            except BadTable:
                del _TABLES[key]
        self._build()
        if key is not None and _RECORDING[0]:
            table = self._table()
            if table is None:
                return
            with_table = Lexicon.__new__(Lexicon)
            with_table.__dict__.update(self.__dict__)
            try:
                with_table._take(table)
                with_table._read_all()
            except BadTable:
                return
            if with_table._same_tables(self):
                _TABLES[key] = table

    def _key(self) -> str | None:
        """The SHA-256 of the inputs (the code and data that turn them into tables are the
        build cache's own key); None when a separator occurs in them."""
        entries, extra, misspellings, _, nested, specs = self._inputs
        fields = ["entries", str(len(entries)), *itertools.chain.from_iterable(entries)]
        fields += ["vocabulary", str(len(extra)), *extra]
        fields += ["misspellings", str(len(misspellings))]
        fields += itertools.chain.from_iterable(misspellings)
        fields += ["nested", str(len(nested)), *nested, "concepts", str(len(specs))]
        for finding_id, groups, denies in specs:
            fields += [finding_id, str(len(groups)), *groups, str(denies)]
        text = "\x00".join(fields)
        if text.count("\x00") != len(fields) - 1:  # a field holds the separator
            return None
        return hashlib.sha256(text.encode()).hexdigest()

    def _build(self) -> None:
        entries, extra_vocabulary, misspellings, compiled, _, specs = self._inputs
        tokens_of = _own_tokens if _RECORDING[0] else phrase_tokens
        by_first: dict[str, Candidates] = defaultdict(list)
        vocabulary: set[str] = {fold(w) for w in extra_vocabulary}
        surface_words: set[str] = set()
        for phrase, finding_id in entries:
            keys, written = tokens_of(phrase)
            if not keys:
                continue
            vocabulary.update(keys)
            keys = tuple(canonical(keys))
            by_first[keys[0]].append((keys, finding_id))
            surface_words.update(written)
        # Listed misspellings match as phrases, but their words stay open to correction:
        # "swolen" in "swolen ankle" must not stop "calf is swolen" reading as "swollen".
        for phrase, finding_id in misspellings:
            keys = tuple(canonical(tokens_of(phrase)[0]))
            if keys:
                by_first[keys[0]].append((keys, finding_id))
        for candidates in by_first.values():
            candidates.sort(key=lambda item: -len(item[0]))
        self._by_first = dict(by_first)
        self._unread = {}
        if tokens_of is _own_tokens:  # the phrases compile_concept reads, tokenised first here
            for _, groups, _ in specs:
                for group in groups:
                    _own_tokens(group.replace("|", " "))
                    for alternative in group.split("|"):
                        _own_tokens(alternative.strip())
        concepts = (
            *compiled,
            *(compile_concept(finding_id, groups, denies) for finding_id, groups, denies in specs),
        )
        self._concepts = ConceptMatcher(concepts)
        vocabulary.update(self._concepts.vocabulary)
        # The concepts' words as written, so "elefant" can be corrected to "elephant".
        surface_words.update(
            word for concept in concepts for group in concept.surface for word in group
        )
        self.vocabulary = frozenset(vocabulary)
        # Typos are corrected on the words as written ("twitchng" → "twitching"), then stemmed.
        self._surface = frozenset(surface_words)

    def _table(self) -> dict[str, Any] | None:
        """The tables in plain form (JSON data), their words joined by spaces, tabs and line
        breaks; None when a word or a finding id holds one (the data's never do)."""
        words = [*self.vocabulary, *self.surface_words]
        ids = set()
        for found in self._by_first.values():
            for keys, finding_id in found:
                words += keys
                ids.add(finding_id)
        for concept in self._concepts.concepts:
            ids.add(concept.finding_id)
            for group in (*concept.groups, *concept.surface):
                for alternative in group:
                    words += alternative if isinstance(alternative, tuple) else (alternative,)
        if any(not word or _SPACES.search(word) for word in words):
            return None
        if any(_SPACES.search(finding_id) for finding_id in ids):
            return None
        return {
            "by_first": {
                first: "\n".join(f"{' '.join(keys)}\t{finding_id}" for keys, finding_id in found)
                for first, found in self._by_first.items()
            },
            "vocabulary": " ".join(sorted(self.vocabulary)),
            "surface": " ".join(sorted(self.surface_words)),
            "concepts": [_plain_concept(c) for c in self._concepts.concepts],
        }

    def _take(self, table: Any) -> None:
        """The tables from their plain form; :class:`BadTable` for anything else. A first
        word's phrases are checked when they are decoded."""
        if type(table) is not dict or table.keys() != {
            "by_first",
            "vocabulary",
            "surface",
            "concepts",
        }:
            raise BadTable("not a lexicon's tables")
        by_first, vocabulary = table["by_first"], table["vocabulary"]
        surface, concepts = table["surface"], table["concepts"]
        if type(by_first) is not dict or not set(map(type, by_first.values())) <= {str}:
            raise BadTable("not a table of phrases")
        if type(vocabulary) is not str or type(surface) is not str or type(concepts) is not list:
            raise BadTable("not a lexicon's tables")
        self._concepts = ConceptMatcher([_concept(item) for item in concepts])
        self._by_first = {}
        self._unread = dict(by_first)
        self.vocabulary = frozenset(_split(vocabulary))
        self._surface = surface

    def _read_all(self) -> None:
        """Decode every first word's phrases (:class:`BadTable` for any not of its shape)."""
        for first, text in self._unread.items():
            self._by_first[first] = _candidates(first, text)
        self._unread = {}
        _ = self.surface_words

    def _same_tables(self, other: Lexicon) -> bool:
        return (
            self._by_first == other._by_first
            and self.vocabulary == other.vocabulary
            and self.surface_words == other.surface_words
            and self._concepts.concepts == other._concepts.concepts
            and self._concepts.vocabulary == other._concepts.vocabulary
            and self._concepts._anchors == other._concepts._anchors
        )

    def _from_inputs(self) -> None:
        """A ready-made table held something else than its shape: build from the inputs (and
        remember the tables built, for the build cache to save instead)."""
        self._build()
        self._nested_by_first = {}
        self._delete_index = None
        if self._table_key is not None:
            _TABLES.pop(self._table_key, None)
            table = self._table() if _RECORDING[0] else None
            if table is not None:
                _TABLES[self._table_key] = table

    @property
    def surface_words(self) -> frozenset[str]:
        """The words as written of the phrases and the concepts."""
        if isinstance(self._surface, str):
            self._surface = frozenset(_split(self._surface))
        return self._surface

    def _candidates(self, first: str) -> Candidates:
        """The phrases whose first word is ``first``, longest first."""
        found = self._by_first.get(first)
        if found is not None:
            return found
        raw = self._unread.get(first)
        if raw is None:  # no phrase starts with it, or another thread has just decoded them
            return self._by_first.get(first, [])
        try:
            found = _candidates(first, raw)
        except BadTable:
            self._from_inputs()
            return self._by_first.get(first, [])
        # (kept before it leaves the unread ones: a thread that finds neither cannot exist)
        self._by_first[first] = found
        self._unread.pop(first, None)
        return found

    def _nested_candidates(self, first: str) -> Candidates:
        """The phrases of nested findings (places) whose first word is ``first``."""
        found = self._nested_by_first.get(first)
        if found is None:
            candidates = self._candidates(first)
            if not candidates:
                # A word no phrase starts with is not remembered: every typed word reaches
                # here, and the table would grow with each new one (issue 16: bounded memory).
                return candidates
            found = [c for c in candidates if c[1] in self._nested]
            self._nested_by_first[first] = found
        return found

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
            if found.denial:
                # A denial that holds a phrase of its own finding ("4 negative pregnancy
                # tests" holds "pregnancy") says what the phrase alone cannot: the phrase goes.
                # So does a shorter concept of its own finding that it holds ("I've broken my
                # ankle twice before" holds "broken my ankle").
                inside = [
                    m
                    for m in matches
                    if (m.words is None or m.last - m.first < found.last - found.first)
                    and m.finding_id == found.finding_id
                    and found.first <= m.first
                    and m.last <= found.last
                ]
                for m in inside:
                    matches.remove(m)
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
                    # Two readings of one concept's finding that overlap are both kept: the
                    # parser may drop one whose words belong to another body part ("heavy
                    # weight pressing on my chest and my jaw aches": {chest} + {ache} spans the
                    # jaw, {heavy} + {chest} does not) and then keeps one of the rest
                    # (TextParser._one_reading_each).
                    # (affirmed ones only: a denial beside an affirmed reading keeps the first
                    # one found, as before)
                    and not (
                        m.words is not None
                        and not m.negated
                        and not found.negated
                        and not found.denial
                    )
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
        for phrase, finding_id in self._nested_candidates(keys[i]):
            found = _phrase_end(keys, i, phrase)
            if found is not None:
                end, negated = found
                return Match(i, end, finding_id, any(corrected[i:end]), negated)
        return None

    def _match_at(self, keys: list[str], corrected: list[bool], i: int) -> Match | None:
        best: Match | None = None
        firsts = (keys[i], NOT) if keys[i] in NOT_ALSO else (keys[i],)
        for first in firsts:
            for phrase, finding_id in self._candidates(first):
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
        for phrase, finding_id in self._candidates(head):
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


def _split(text: str) -> list[str]:
    """Words joined by spaces (none: an empty list)."""
    return text.split(" ") if text else []


def _candidates(first: str, text: str) -> Candidates:
    """A first word's phrases from their plain form: one per line, the words then a tab
    and the finding id."""
    found: Candidates = []
    for line in text.split("\n"):
        words, tab, finding_id = line.partition("\t")
        keys = tuple(words.split(" "))
        if not tab or keys[0] != first or not all(keys) or not finding_id:
            raise BadTable(f"not a phrase of {first!r}")
        found.append((keys, finding_id))
    return found


def _plain_concept(c: Concept) -> list[Any]:
    """A compiled concept in plain form (JSON data), as :func:`_concept` reads it back."""
    return [
        c.finding_id,
        c.denies,
        c.max_span,
        c.sentence,
        ["\t".join(" ".join(alternative) for alternative in g) for g in c.groups],
        [" ".join(words) for words in c.surface],
    ]


def _concept(data: Any) -> Concept:
    """A compiled concept from its plain form (:meth:`Lexicon._table`)."""
    if type(data) is not list or len(data) != 6:
        raise BadTable("not a concept")
    finding_id, denies, max_span, sentence, groups, surface = data
    if type(finding_id) is not str or type(denies) is not bool or type(max_span) is not int:
        raise BadTable("not a concept")
    if type(sentence) is not bool:
        raise BadTable("not a concept")
    if type(groups) is not list or type(surface) is not list:
        raise BadTable("not a concept")
    if not set(map(type, groups)) | set(map(type, surface)) <= {str}:
        raise BadTable("not a concept")
    compiled = tuple(
        tuple(tuple(alternative.split(" ")) for alternative in group.split("\t"))
        for group in groups
    )
    if not all(word for group in compiled for alternative in group for word in alternative):
        raise BadTable("not a concept")
    surface_words = tuple(tuple(_split(w)) for w in surface)
    return Concept(finding_id, compiled, denies, surface_words, max_span, sentence)
