"""ConText for lay text: is a finding affirmed, negated, uncertain, past, or someone else's?

The algorithm is ConText (Harkema, Dowling, Thornblade & Chapman, J Biomed Inform 2009), the
one medSpaCy implements, with the rules kept as data in ``data/context_rules.yaml``. Changes
for the way people type (see docs/language.md for the measurements behind them):

* A comma ends a trigger's scope unless it is part of a list that closes with "or" / "nor"
  ("no numbness, tingling or weakness" negates all three; "no fever, cramps in my calves"
  negates only the fever).
* "and" / "or" carry the scope on only into another finding ("no numbness or weakness"), not
  into a new clause ("no fever and my calves cramp").
* A lone "no" after "weakness?" or "weakness:" negates backwards ("weakness? no").
* The nearest trigger decides; pseudo-triggers ("not only", "can't stop") block the shorter
  triggers inside them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import cache

from spasmcheck.knowledge.validated import Record, construct, validated
from spasmcheck.language.data import read_data
from spasmcheck.language.rule_kinds import Direction as Direction
from spasmcheck.language.rule_kinds import RuleCategory as RuleCategory
from spasmcheck.language.tokens import SENTENCE_END, Token, phrase_keys
from spasmcheck.language.wordlists import word_lists


class Polarity(StrEnum):
    PRESENT = "present"
    ABSENT = "absent"
    POSSIBLE = "possible"
    HISTORICAL = "historical"
    HYPOTHETICAL = "hypothetical"
    FAMILY = "family"


_POLARITY = {
    RuleCategory.NEGATED: Polarity.ABSENT,
    RuleCategory.POSSIBLE: Polarity.POSSIBLE,
    RuleCategory.HISTORICAL: Polarity.HISTORICAL,
    RuleCategory.HYPOTHETICAL: Polarity.HYPOTHETICAL,
    RuleCategory.FAMILY: Polarity.FAMILY,
}


class ContextRule(Record):
    """A rule of ``data/context_rules.yaml``."""

    __model__ = "spasmcheck.language.schema.ContextRule"

    literal: str
    category: RuleCategory
    direction: Direction
    max_scope: int | None


# The negation inside a denied concept's own words (made without validation: its values are
# fixed here, and validating would import the model and pydantic on the first parse).
_INNER_DENIAL = construct(
    ContextRule,
    {"literal": "not", "category": "negated", "direction": "forward", "max_scope": None},
)


class _Rules(Record):
    __model__ = "spasmcheck.language.schema._RuleFile"
    rules: tuple[ContextRule, ...]


@cache
def load_rules() -> tuple[ContextRule, ...]:
    raw = read_data("context_rules.yaml")
    return validated(raw, _Rules).rules


# The scopes and word lists are data: language/data/word_lists.yaml.
_WORDS = word_lists().context
FORWARD_SCOPE = _WORDS.forward_scope
BACKWARD_SCOPE = _WORDS.backward_scope
LIST_WORDS = _WORDS.list_words
LIST_FILLERS = _WORDS.list_fillers
CLAUSE_STARTERS = _WORDS.clause_starters
NEW_SUBJECTS = _WORDS.new_subjects
# Words after which a new subject's clause is still what the trigger governs.
SUBJECT_CLAUSE_OPENERS = _WORDS.subject_clause_openers
POSSESSIVE_SUBJECTS = _WORDS.possessive_subjects
BARE_ANSWERS = _WORDS.bare_answers
# "can't stand without pain": the words before a "without" that make it affirm.
DOUBLE_NEGATORS = _WORDS.double_negators
# "a second or two", "once or twice", "or so": an "or" before one of these is an amount.
APPROXIMATE_AFTER_OR = _WORDS.approximate_after_or
# "never had chest pain like this": the words after a finding that turn a "never" into news.
NOVELTY_AFTER_NEVER = tuple(phrase_keys(p) for p in _WORDS.novelty_after_never)
# "not moving and can't breathe": a negative state after "and" is a new predicate.
OWN_NEGATORS = _WORDS.own_negators
NEGATED_PREDICATE_JOINERS = _WORDS.negated_predicate_joiners
ARTICLES_AFTER_AND = _WORDS.articles_after_and


@dataclass(frozen=True, slots=True)
class Trigger:
    first: int
    last: int
    rule: ContextRule


@dataclass(frozen=True, slots=True)
class Span:
    """A concept mention by token positions [first, last)."""

    first: int
    last: int


class ContextAnalyser:
    def __init__(self, rules: Sequence[ContextRule] | None = None):
        rules = load_rules() if rules is None else rules
        by_first: dict[str, list[tuple[tuple[str, ...], ContextRule]]] = {}
        for rule in rules:
            keys = phrase_keys(rule.literal)
            by_first.setdefault(keys[0], []).append((keys, rule))
        for candidates in by_first.values():
            candidates.sort(key=lambda item: -len(item[0]))
        self._by_first = by_first
        self.vocabulary = frozenset(
            k for keys_list in by_first.values() for keys, _ in keys_list for k in keys
        )

    def find_triggers(self, tokens: Sequence[Token], covered: Sequence[bool]) -> list[Trigger]:
        triggers: list[Trigger] = []
        i = 0
        while i < len(tokens):
            found: Trigger | None = None
            if not covered[i]:
                for keys, rule in self._by_first.get(tokens[i].key, ()):
                    end = i + len(keys)
                    if end <= len(tokens) and tuple(t.key for t in tokens[i:end]) == keys:
                        # A trigger may run into a finding's own words ("worried I have MS"
                        # where "I have MS" is the finding); it then ends where they begin.
                        stop = next((k for k in range(i, end) if covered[k]), end)
                        found = Trigger(i, stop, rule)
                        break
            if found is None:
                i += 1
            else:
                triggers.append(found)
                i = max(found.last, i + 1)
        return triggers

    def polarities(
        self,
        tokens: Sequence[Token],
        spans: Sequence[Span],
        denied: Sequence[Span] = (),
        open_positions: frozenset[int] = frozenset(),
    ) -> list[tuple[Polarity, str | None]]:
        """For each concept span: its polarity and the trigger phrase that set it (if any).

        ``denied`` are concepts with a negation inside their own words ("muscles aren't
        wasting"); their negation carries on into a list that follows ("... or shrinking").
        ``open_positions`` are tokens inside a span that are not its own words.
        """
        covered = [False] * len(tokens)
        concept_start: dict[int, Span] = {}
        for span in spans:
            concept_start[span.first] = span
            for k in range(span.first, span.last):
                covered[k] = True
        # Words inside a span that are not its own (between a concept's word groups) can
        # still be triggers for other findings.
        for k in open_positions:
            covered[k] = False
        sentence_of = sentence_ids(tokens)
        triggers = self.find_triggers(tokens, covered)
        # "can't stand without pain", "never without a cramp": neither word denies
        cancelled: set[int] = set()
        for t in triggers:
            negator = _double_negative(tokens, t, sentence_of)
            if negator is not None:
                cancelled.update((t.first, negator))
        if cancelled:
            triggers = [t for t in triggers if t.first not in cancelled]
        triggers.extend(Trigger(span.last - 1, span.last, _INNER_DENIAL) for span in denied)
        terminator_positions = {
            k
            for t in triggers
            if t.rule.direction is Direction.TERMINATE
            for k in range(t.first, t.last)
        }
        results: list[tuple[Polarity, str | None]] = []
        denied_starts = {span.first for span in denied}
        for span in spans:
            best: tuple[int, Trigger] | None = None
            # Worked out only when a negation stands before the span (most spans have none).
            negative_state: bool | None = None
            for trigger in triggers:
                if trigger.rule.direction in (Direction.PSEUDO, Direction.TERMINATE):
                    continue
                if sentence_of[trigger.first] != sentence_of[span.first]:
                    continue
                if trigger.rule.category is RuleCategory.NEGATED and trigger.last <= span.first:
                    if negative_state is None:
                        negative_state = span.first not in denied_starts and _holds_own_negation(
                            tokens, span, open_positions
                        )
                    if negative_state and _joined_as_new_predicate(tokens, trigger, span):
                        continue
                distance: int | None = None
                forward = trigger.last <= span.first and trigger.rule.direction in (
                    Direction.FORWARD,
                    Direction.BIDIRECTIONAL,
                )
                backward = trigger.first >= span.last and (
                    trigger.rule.direction in (Direction.BACKWARD, Direction.BIDIRECTIONAL)
                    or _is_bare_answer(tokens, trigger)
                )
                if forward and self._forward_reaches(
                    tokens, trigger, span, concept_start, terminator_positions
                ):
                    distance = span.first - trigger.last
                elif backward and _backward_reaches(tokens, span, trigger, terminator_positions):
                    distance = trigger.first - span.last
                if distance is not None and (best is None or distance < best[0]):
                    best = (distance, trigger)
            if best is None or _never_like_this(tokens, best[1], span, sentence_of):
                results.append((Polarity.PRESENT, None))
            else:
                rule = best[1].rule
                results.append((_POLARITY[rule.category], rule.literal))
        _apply_bare_answers(tokens, spans, sentence_of, results)
        return results

    def _forward_reaches(
        self,
        tokens: Sequence[Token],
        trigger: Trigger,
        span: Span,
        concept_start: dict[int, Span],
        terminators: set[int],
    ) -> bool:
        limit = trigger.rule.max_scope or FORWARD_SCOPE
        if span.first - trigger.last > limit:
            return False
        # "... and his body is hot": the finding's own words may open the new subject's clause.
        if span.first > trigger.last and _opens_possessive_clause(tokens, span.first):
            return False
        k = trigger.last
        while k < span.first:
            if k in terminators or tokens[k].text in SENTENCE_END:
                return False
            if (
                tokens[k].text in NEW_SUBJECTS
                and k > trigger.last
                and tokens[k - 1].text not in SUBJECT_CLAUSE_OPENERS
            ):
                return False
            if k > trigger.last and _opens_possessive_clause(tokens, k):
                return False
            if k in concept_start:
                k = concept_start[k].last
                continue
            word = tokens[k].text
            if word == ",":
                if not _list_closes_with_or(tokens, k, span, terminators):
                    return False
            elif word in LIST_WORDS:
                if (
                    word in NEGATED_PREDICATE_JOINERS
                    and k + 1 < len(tokens)
                    and tokens[k + 1].text in ARTICLES_AFTER_AND
                ):
                    return False  # "no cough and a fever": a new noun phrase, told
                nxt = k + 1
                # a filler that begins the next finding's own words ("or a rash", where "a
                # rash" is the phrase) is where that finding starts
                while (
                    nxt < len(tokens)
                    and tokens[nxt].text in LIST_FILLERS
                    and nxt not in concept_start
                ):
                    nxt += 1
                if nxt not in concept_start or tokens[k + 1].text in CLAUSE_STARTERS:
                    return False
            k += 1
        return True


def _holds_own_negation(
    tokens: Sequence[Token], span: Span, open_positions: frozenset[int]
) -> bool:
    """ "can't breathe", "won't wake up", "hasn't had a wee": a finding told as a negative
    state, one of ``own_negators`` among its own words."""
    return any(
        tokens[k].text in OWN_NEGATORS
        for k in range(span.first, span.last)
        if k not in open_positions
    )


def _joined_as_new_predicate(tokens: Sequence[Token], trigger: Trigger, span: Span) -> bool:
    """ "she's not moving AND can't breathe": one of ``negated_predicate_joiners`` between
    the trigger and a negative state makes the state a predicate of its own, which the
    trigger does not deny ("I'm not dizzy or unable to walk" keeps its denial)."""
    return any(tokens[k].text in NEGATED_PREDICATE_JOINERS for k in range(trigger.last, span.first))


def _opens_possessive_clause(tokens: Sequence[Token], k: int) -> bool:
    """ "no fever, and HIS body is hot": a possessive right after "and" or a comma."""
    return tokens[k].text in POSSESSIVE_SUBJECTS and tokens[k - 1].text in ("and", ",")


_DOUBLE_NEGATIVE_REACH = 6


def _double_negative(
    tokens: Sequence[Token], trigger: Trigger, sentence_of: list[int]
) -> int | None:
    """ "I can't stand without severe pain", "never without a cramp", "can barely walk
    without my calf seizing": a "without" that follows one of ``double_negators`` in its
    clause, at most six words back, affirms what it governs. The position of that word,
    or None. A comma, a full stop or "but" between them ends the clause."""
    if trigger.rule.category is not RuleCategory.NEGATED or tokens[trigger.first].key != "without":
        return None
    sentence = sentence_of[trigger.first]
    for k in range(trigger.first - 1, max(-1, trigger.first - 1 - _DOUBLE_NEGATIVE_REACH), -1):
        word = tokens[k].text
        if sentence_of[k] != sentence or word in (",", ";", "but"):
            return None
        if word in DOUBLE_NEGATORS:
            return k
    return None


def _never_like_this(
    tokens: Sequence[Token], trigger: Trigger, span: Span, sentence_of: list[int]
) -> bool:
    """ "I've never had chest pain like this (before)": not a denial but a new finding.

    The trigger is a "never" before the finding, and one of ``novelty_after_never`` follows
    the finding within four tokens in the same sentence.
    """
    if trigger.rule.category not in (RuleCategory.NEGATED, RuleCategory.HISTORICAL):
        return False
    if not any(tokens[k].key == "never" for k in range(max(0, trigger.first - 3), span.first)):
        return False
    sentence = sentence_of[span.first]
    for start in range(span.last, min(span.last + 4, len(tokens))):
        if sentence_of[start] != sentence:
            break
        for keys in NOVELTY_AFTER_NEVER:
            end = start + len(keys)
            if end <= len(tokens) and tuple(t.key for t in tokens[start:end]) == keys:
                return True
    return False


def sentence_ids(tokens: Sequence[Token]) -> list[int]:
    """For each token, the number of the sentence it belongs to."""
    ids, current = [], 0
    for token in tokens:
        ids.append(current)
        if token.text in SENTENCE_END:
            current += 1
    return ids


def _list_closes_with_or(
    tokens: Sequence[Token], comma: int, span: Span, terminators: set[int]
) -> bool:
    """Does the list the comma belongs to end with "or"/"nor" before the clause ends?

    An "or" of an approximate amount ("for a second or two", "once or twice", "a day or
    so", "or something") closes no list: "without switching off, got a shock, couldn't let
    go for a second or two" denies nothing after its comma."""
    k = comma + 1
    while k < len(tokens):
        text = tokens[k].text
        if k in terminators or text in SENTENCE_END:
            return False
        if text in ("or", "nor"):
            nxt = tokens[k + 1].text if k + 1 < len(tokens) else ""
            if not (nxt in APPROXIMATE_AFTER_OR or nxt.isdigit()):
                return True
        k += 1
    return False


def _backward_reaches(
    tokens: Sequence[Token], span: Span, trigger: Trigger, terminators: set[int]
) -> bool:
    if trigger.first - span.last > BACKWARD_SCOPE:
        return False
    for k in range(span.last, trigger.first):
        text = tokens[k].text
        if k in terminators or text in SENTENCE_END or text == ",":
            return False
    return True


def _is_bare_answer(tokens: Sequence[Token], trigger: Trigger) -> bool:
    """ "weakness: no" / "weakness - no": a "no" right after a colon or dash reads backwards."""
    return (
        trigger.rule.category is RuleCategory.NEGATED
        and trigger.first > 0
        and tokens[trigger.first - 1].text in (":", "-", "\u2013", "\u2014", "=")
    )


def _apply_bare_answers(
    tokens: Sequence[Token],
    spans: Sequence[Span],
    sentence_of: list[int],
    results: list[tuple[Polarity, str | None]],
) -> None:
    """ "Any weakness? No." — a sentence that is only a "no" negates the question before it."""
    words_by_sentence: dict[int, list[str]] = {}
    for token, sid in zip(tokens, sentence_of, strict=True):
        if token.text not in SENTENCE_END and token.text != ",":
            words_by_sentence.setdefault(sid, []).append(token.text)
    for index, span in enumerate(spans):
        sid = sentence_of[span.first]
        answer = words_by_sentence.get(sid + 1)
        end = next(
            (
                t
                for t, s in zip(tokens, sentence_of, strict=True)
                if s == sid and t.text in SENTENCE_END
            ),
            None,
        )
        if (
            answer
            and answer[0] in ("no", "nope", "nah", "none", "never")
            and set(answer) <= BARE_ANSWERS
            and end is not None
            and end.text == "?"
            and results[index][0] is Polarity.PRESENT
        ):
            results[index] = (Polarity.ABSENT, " ".join(answer))
