"""Free text → findings, each with its polarity and the span of text that produced it.

Pipeline: tokenise → match the knowledge base's synonyms (longest first, with a cautious
typo fallback) and durations → ConText decides each mention's polarity.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from spasmcheck.knowledge.loader import KnowledgeBase, load_knowledge_base
from spasmcheck.knowledge.schema import FindingKind
from spasmcheck.language.context import ContextAnalyser, Polarity, Span
from spasmcheck.language.durations import find_durations
from spasmcheck.language.lexicon import Lexicon
from spasmcheck.language.tokens import Token, normalise, tokenize

__all__ = ["Mention", "Polarity", "TextParser", "parse_text"]


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

    def as_dict(self) -> dict[str, object]:
        return {
            "finding": self.finding_id,
            "polarity": self.polarity.value,
            "span": [self.start, self.end],
            "text": self.text,
            "trigger": self.trigger,
        }


class TextParser:
    """Builds the lexicon once per knowledge base; ``parse`` is then cheap."""

    def __init__(self, kb: KnowledgeBase, context: ContextAnalyser | None = None):
        self.kb = kb
        self.context = context or ContextAnalyser()
        entries = [
            (phrase, finding.id)
            for finding in kb.findings
            for phrase in (*finding.synonyms, *finding.misspellings)
        ]
        self.lexicon = Lexicon(entries, extra_vocabulary=self.context.vocabulary)
        self._known = {f.id for f in kb.findings}
        self._history = {f.id for f in kb.findings if f.kind is FindingKind.HISTORY}

    def parse(self, text: str) -> list[Mention]:
        tokens = tokenize(text)
        matches = self.lexicon.match(tokens)
        spans: list[tuple[Span, str, bool]] = [
            (Span(m.first, m.last), m.finding_id, m.corrected) for m in matches
        ]
        spans.extend(self._duration_spans(text, tokens, spans))
        spans.sort(key=lambda item: item[0].first)
        polarities = self.context.polarities(tokens, [span for span, _, _ in spans])
        mentions = []
        for (span, finding_id, corrected), (polarity, trigger) in zip(
            spans, polarities, strict=True
        ):
            start, end = tokens[span.first].start, tokens[span.last - 1].end
            if polarity is Polarity.HISTORICAL and finding_id in self._history:
                # "had thyroid surgery years ago": for a history finding the past is the point.
                polarity = Polarity.PRESENT
            mentions.append(
                Mention(finding_id, polarity, start, end, text[start:end], trigger, corrected)
            )
        return mentions

    def _duration_spans(
        self, text: str, tokens: list[Token], taken: list[tuple[Span, str, bool]]
    ) -> list[tuple[Span, str, bool]]:
        used = {k for span, _, _ in taken for k in range(span.first, span.last)}
        found = []
        for duration in find_durations(normalise(text)):
            if duration.finding_id not in self._known:
                continue
            inside = [
                i
                for i, t in enumerate(tokens)
                if t.start >= duration.start and t.end <= duration.end
            ]
            if inside and not used.intersection(inside):
                found.append((Span(inside[0], inside[-1] + 1), duration.finding_id, False))
                used.update(inside)
        return found


@cache
def _default_parser() -> TextParser:
    return TextParser(load_knowledge_base())


def parse_text(text: str) -> list[Mention]:
    """Parse with the packaged knowledge base."""
    return _default_parser().parse(text)
