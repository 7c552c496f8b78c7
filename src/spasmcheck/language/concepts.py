"""Concepts: a finding as groups of words that occur together in one clause, in any order.

A synonym list matches word sequences; people reorder and pad them. "swallowing has become
really hard", "hard to swallow", "it's a struggle to get food down when I swallow" are one
finding: the groups {swallow} and {hard, difficult, trouble, struggle, ...} in one clause. A
finding's ``concepts`` (knowledge YAML) are lists of such groups; each group lists
alternatives separated by "|", each alternative one word or a short phrase, all read after
normalisation and stemming, like the synonyms.

Rules:

* Every group must be found inside one clause: clauses end at sentence ends and words that
  turn to another matter ("but", "though", "except"...), except a "but" that tells an
  attempt failing ("tried to pee but nothing came").
* The words found must sit within ``MAX_SPAN`` tokens of one another; the nearest choice of
  words wins.
* A negation inside the span that is not one of the concept's own words ("swallowing is
  NOT hard") makes the match a denial; a negation before it is ConText's business.
* A concept whose first entry is "@N" must have its words within N tokens; "@Ns" also lets
  them reach across a comma that starts a new clause, within one sentence: "mum fell getting
  out of bed, she's on the floor" is one fall told in two clauses (a sentence end or a turn
  such as "but" still ends it).
* A finding's ``denials`` are concepts that deny it ("his speech is normal", "I can breathe
  fine"); with a negation inside ("speech is not normal") they say nothing.
* A group written "$" is the end of the clause or a comma: ["@3", "can't see", "$"] reads
  "she said I can't see." and "cannot see, everything gone" but not "can't see my GP till
  Monday" (the verb with nothing after it is the sense lost, with an object it is not).
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache

from spasmcheck.knowledge.policy import duration_policy
from spasmcheck.language.context import CLAUSE_STARTERS
from spasmcheck.language.tokens import SENTENCE_END, fold, phrase_keys, phrase_tokens
from spasmcheck.language.wordlists import word_lists

MAX_SPAN = 10
# A group that is the end of the clause (or a comma): written "$" in the knowledge YAML.
END = "$end"
_END_GROUP: tuple[tuple[str, ...], ...] = ((END,),)
# A denial is said in few words ("his speech is normal", "I can breathe fine"); a longer
# reach would let "swallowed rat poison, he seems fine" deny trouble swallowing.
MAX_DENIAL_SPAN = 5  # a group of several words ("same as always") counts as one
MAX_OCCURRENCES = 8  # per group and clause: bounded work (see _occurrences)
# A comma ends a clause only when a new clause starts after it ("on Lasix for my heart, now
# getting cramps"): people list what they feel with commas ("my fingers and face feel weird,
# tingly"), and the span limit keeps those words together.
CLAUSE_BREAKS = (
    frozenset(fold(w) for w in ("but", "though", "although", "however", "except", "whereas"))
    | SENTENCE_END
)
COMMA_CLAUSE_STARTERS = frozenset(fold(w) for w in CLAUSE_STARTERS) | frozenset(
    fold(w) for w in ("and", "then", "which", "since", "after", "before", "while", "because")
)
# "tried to pee but nothing came", "needed the toilet but couldn't finish", "tried to speak but
# the words wouldn't come": a "but" that tells an attempt failing is not a turn to another
# matter. It stays inside the clause when an attempt word comes shortly before it and a
# failure word shortly after.
_BUT = fold("but")
_ATTEMPTS = frozenset(
    fold(w) for w in ("tried", "try", "trying", "tries", "needed", "wanted", "attempted")
)
_FAILURES = frozenset(
    fold(w)
    for w in (
        "nothing",
        "couldn't",
        "can't",
        "cannot",
        "wouldn't",
        "won't",
        "didn't",
        "not",
        "no",
    )
)
_ATTEMPT_REACH = 8
_FAILURE_REACH = 3


def _failed_attempt(keys: Sequence[str], at: int) -> bool:
    """Whether the "but" at ``at`` tells an attempt failing (the attempt in its own
    sentence)."""
    start = max(0, at - _ATTEMPT_REACH)
    for i in range(at - 1, start - 1, -1):
        if keys[i] in SENTENCE_END:
            start = i + 1
            break
    after = keys[at + 1 : at + 1 + _FAILURE_REACH]
    return any(k in _ATTEMPTS for k in keys[start:at]) and any(k in _FAILURES for k in after)


# ", the worst pain I've ever felt", ", the most painful thing": a superlative set beside what
# it describes is not a new clause ("it felt like something stabbed the top of my head, the
# worst pain of my life" is one headache).
_THE = fold("the")
_SUPERLATIVES = frozenset(fold(w) for w in ("worst", "most"))


def _superlative_apposition(keys: Sequence[str], at: int) -> bool:
    return keys[at] == _THE and at + 1 < len(keys) and keys[at + 1] in _SUPERLATIVES


# Words matched as one ("her" is "my", "wouldn't" is "didn't"), in the lexicon's phrases and
# in concepts alike: each folded word → the folded first word of its class
# (language/data/word_lists.yaml, ``match_classes``).
CANONICAL = {
    fold(word): fold(words[0]) for words in word_lists().lexicon.match_classes for word in words
}


def canonical(keys: Sequence[str]) -> list[str]:
    """The keys with each word of a match class replaced by its class's first word."""
    return [CANONICAL.get(key, key) for key in keys]


NEGATIONS = frozenset(
    fold(w)
    for w in """not no never isn't wasn't aren't weren't don't doesn't didn't haven't hasn't
    hadn't won't nor without""".split()
)


@dataclass(frozen=True, slots=True)
class Concept:
    finding_id: str
    groups: tuple[tuple[tuple[str, ...], ...], ...]  # group → alternatives → folded words
    denies: bool = False  # "his speech is normal": the groups together deny the finding
    surface: tuple[tuple[str, ...], ...] = ()  # the groups' words as written, for spelling
    max_span: int = 0  # 0: the default span (MAX_SPAN, or MAX_DENIAL_SPAN for a denial)
    sentence: bool = False  # "@Ns": the words may sit in two clauses of one sentence


@dataclass(frozen=True, slots=True)
class ConceptMatch:
    """Tokens [first, last) mean ``finding_id``; ``words`` are the positions of its groups."""

    first: int
    last: int
    finding_id: str
    words: frozenset[int]
    negated: bool
    denial: bool = False  # from one of the finding's ``denials``


def compile_concept(finding_id: str, groups: Sequence[str], denies: bool = False) -> Concept:
    max_span, sentence = 0, False
    if groups and groups[0].startswith("@"):
        # "@5" first: this concept's words must sit within 5 tokens ("leg ... hot" should
        # not reach across "long runs on hot days"); "@12s": and within one sentence.
        limit = groups[0][1:]
        sentence = limit.endswith("s")
        max_span, groups = int(limit.rstrip("s")), groups[1:]
    compiled = []
    # the words as written, through the build's phrase table (kept in the build cache)
    surface = tuple(phrase_tokens(group.replace("|", " "))[1] for group in groups)
    for group in groups:
        if group.strip() == "$":
            compiled.append(_END_GROUP)
            continue
        alternatives = tuple(
            tuple(canonical(keys))
            for keys in (phrase_keys(a.strip()) for a in group.split("|"))
            if keys
        )
        compiled.append(alternatives)
    return Concept(finding_id, tuple(compiled), denies, surface, max_span, sentence)


class ConceptMatcher:
    def __init__(self, concepts: Iterable[Concept]):
        self.concepts = tuple(c for c in concepts if all(c.groups))
        # Each concept is looked at only when a word of its smallest group is in the text;
        # a concept read within a sentence ("@Ns") has its own anchors.
        anchors: dict[str, list[int]] = defaultdict(list)
        sentence_anchors: dict[str, list[int]] = defaultdict(list)
        vocabulary: set[str] = set()
        for index, concept in enumerate(self.concepts):
            words = [group for group in concept.groups if group != _END_GROUP]
            anchor = min(words, key=len)
            for first in {alternative[0] for alternative in anchor}:
                (sentence_anchors if concept.sentence else anchors)[first].append(index)
            for group in words:
                for alternative in group:
                    vocabulary.update(alternative)
        self._anchors = dict(anchors)
        self._sentence_anchors = dict(sentence_anchors)
        self.vocabulary = frozenset(vocabulary)

    def match(self, keys: Sequence[str]) -> list[ConceptMatch]:
        """The concepts found in ``keys``: words are compared through their match classes
        ("she wouldn't answer" fills the group "didn't answer"), negations and clause
        breaks are read on the words as typed."""
        found: list[ConceptMatch] = []
        turns = [
            i
            for i, k in enumerate(keys)
            if k in CLAUSE_BREAKS and not (k == _BUT and _failed_attempt(keys, i))
        ]
        commas = [
            i
            for i, k in enumerate(keys)
            if k == ","
            and i + 1 < len(keys)
            and keys[i + 1] in COMMA_CLAUSE_STARTERS
            and not _superlative_apposition(keys, i + 1)
        ]
        same = canonical(keys)
        for anchors, breaks in (
            (self._anchors, sorted(turns + commas)),
            (self._sentence_anchors, turns),
        ):
            if not anchors:
                continue
            start = 0
            for end in [*breaks, len(keys)]:
                if end > start:
                    found.extend(self._match_clause(keys, same, start, end, anchors))
                start = end + 1
        return found

    def _match_clause(
        self,
        keys: Sequence[str],
        same: Sequence[str],
        start: int,
        end: int,
        anchors: dict[str, list[int]],
    ) -> list[ConceptMatch]:
        candidates = sorted({i for k in same[start:end] for i in anchors.get(k, ())})
        if not candidates:
            return []
        where: dict[str, list[int]] = defaultdict(list)
        for i in range(start, end):
            where[same[i]].append(i)
        found = []
        for index in candidates:
            concept = self.concepts[index]
            places = [_occurrences(same, end, where, group) for group in concept.groups]
            if not all(places):
                continue
            best: tuple[int, int, frozenset[int]] | None = None
            for choice in itertools.product(*places):
                positions = [p for first, last in choice for p in range(first, last)]
                if len(set(positions)) != len(positions):
                    continue  # one word cannot fill two groups
                # (the end of the clause is a place with no word: it counts as one token
                # towards the span, and the match itself ends at its last word)
                ends = [a for a, b in choice if a == b]
                first, last = min(positions), max(positions) + 1
                if ends and min(ends) < last:
                    continue  # the clause's end must come after the words
                reach = max(last, max(ends) + 1) if ends else last
                limit = concept.max_span or (MAX_DENIAL_SPAN if concept.denies else MAX_SPAN)
                # A group's words count as one: "speech is the same as always" is as short
                # as "speech is the same" once "same as always" is one expression.
                # A side said of the part ("twisted my LEFT ankle") is not counted either in
                # a tight span (a few words, written for the part without its side).
                sides = (
                    sum(1 for k in range(first, last) if same[k] in _SIDES)
                    - sum(1 for k in positions if same[k] in _SIDES)
                    if limit <= _TIGHT_SPAN
                    else 0
                )
                if reach - first - sum(max(b - a - 1, 0) for a, b in choice) - sides > limit:
                    continue
                if best is None or last - first < best[1] - best[0]:
                    best = (first, last, frozenset(positions))
            if best is None:
                continue
            first, last, words = best
            negated = _negated(keys, first, last, words, end)
            if concept.denies:
                if negated:
                    continue  # "speech is not normal": neither a denial nor a clear mention
                negated = True
            found.append(
                ConceptMatch(first, last, concept.finding_id, words, negated, concept.denies)
            )
        return found


NEGATION_REACH = 4

# The sides of the body, which a concept's span does not count (_match_clause).
_SIDES = frozenset(fold(w) for w in ("left", "right"))
_TIGHT_SPAN = 4

# A number that a group names is a count, not the start of a duration or a dose: "took
# paracetamol for 10 days" holds no "10" of tablets. The number words are the duration
# policy's (policy/durations.yaml), those of two or more.
_UNITS_AFTER = frozenset(
    fold(w)
    for w in (
        "day days week weeks month months year years hour hours hrs minute minutes mins"
        " night nights times mg ml"
    ).split()
)


@cache
def _count_words() -> frozenset[str]:
    return frozenset(fold(w) for w, n in duration_policy().numbers.items() if n >= 2)


def is_count(key: str) -> bool:
    return key.isdigit() or key in _count_words()


def _negated(
    keys: Sequence[str], first: int, last: int, words: frozenset[int], clause_end: int
) -> bool:
    """A negation inside the span that governs one of the concept's words.

    It must come before a concept word, within ``NEGATION_REACH`` tokens and with no comma
    between, unless the list closes with "or": "swallowing is NOT hard" and "the leg ISN'T
    swollen, red or warm" are denials; "calf tightened and it WON'T ease, it's swollen" is
    not (the "won't" is about easing).
    """
    for k in range(first, last):
        if k in words or keys[k] not in NEGATIONS:
            continue
        for j in range(k + 1, min(last, k + 1 + NEGATION_REACH)):
            if keys[j] == "," and not any(keys[i] in ("or", "nor") for i in range(j, clause_end)):
                break  # a comma ends the negation unless the list closes with "or"
            if j in words:
                return True
    return False


def _occurrences(
    keys: Sequence[str],
    end: int,
    where: dict[str, list[int]],
    group: tuple[tuple[str, ...], ...],
) -> list[tuple[int, int]]:
    """Where the group's alternatives occur in the clause (``where``: word → positions).
    The end group ("$") occurs, with no word, at each comma and at the clause's end."""
    if group == _END_GROUP:
        return sorted({(i, i) for i in where.get(",", ())} | {(end, end)})
    places: set[tuple[int, int]] = set()
    for alternative in group:
        for i in where.get(alternative[0], ()):
            stop = i + len(alternative)
            if stop <= end and tuple(keys[i:stop]) == alternative:
                if stop < end and is_count(alternative[-1]) and keys[stop] in _UNITS_AFTER:
                    continue  # "for 10 days": a duration, not a count of tablets
                places.add((i, stop))
    # The first few by position, bounded work. Four was too few for a run-on sentence: "first
    # time i asked she said shes fine in a normal voice, few min later ... her answer sounds
    # strange and hard to understand" has five words of speech before "answer", so the
    # slurred speech at its end was never seen (the denial "normal voice" was). Eight cost
    # nothing measurable (6,522 real-world texts parsed in 3.6 ms each either way).
    return sorted(places)[:MAX_OCCURRENCES]
