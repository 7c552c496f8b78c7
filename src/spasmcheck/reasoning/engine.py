"""The engine: evidence in, ranked causes with their evidence, triage and advice out.

:class:`Engine` takes a knowledge base (the one seam for tests to swap) and wires the text
parser, the Bayesian model and triage together. :func:`spasmcheck.assess` is a thin wrapper
around :meth:`Engine.assess` with the packaged knowledge base.

One story on every screen: at an emergency level the causes that explain the level come first
(``RankedCondition.explains_level``; :func:`spasmcheck.reasoning.triage.causes_explaining`),
the others follow as "other possibilities", and the advice is the emergency's own — no
self-care tips from a benign cause that happens to rank high.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from enum import Enum
from functools import cache, cached_property
from typing import Any, Generic, TypeVar

import numpy as np

from spasmcheck.knowledge.loader import KnowledgeBase, load_knowledge_base
from spasmcheck.knowledge.schema import Advice, Category, Citation, Condition, TriageLevel
from spasmcheck.language.parser import Mention, TextParser, semantic_index
from spasmcheck.reasoning.errors import SEXES as SEXES  # re-exported
from spasmcheck.reasoning.errors import InputError as InputError
from spasmcheck.reasoning.errors import validate_inputs as validate_inputs
from spasmcheck.reasoning.evidence import Evidence, EvidenceSet, evidence_from_mentions
from spasmcheck.reasoning.inference import BayesModel, Contribution, FloatArray
from spasmcheck.reasoning.triage import (
    TriageResult,
    causes_explaining,
    raised_causes,
    triage,
    with_signal_evidence,
)

MAX_RANKED = 10
MAX_EVIDENCE_ITEMS = 6
MAX_NOTES = 100_000  # a bound on Engine._notes, far above the two per link it can hold
# Evidence shown for or against a cause: likelihood ratios beyond 1.2 (or below 1/1.2).
SHOWN_LOG_LR = 0.18


def shown_evidence(
    contributions: Iterable[Contribution],
) -> tuple[list[Contribution], list[Contribution]]:
    """The evidence for and against a cause worth showing a person: likelihood ratios beyond
    ``e^SHOWN_LOG_LR`` either way. The one cut-off for the assessment and ``/v1/explain``."""
    items = list(contributions)
    return (
        [c for c in items if c.log_lr > SHOWN_LOG_LR],
        [c for c in items if c.log_lr < -SHOWN_LOG_LR],
    )


@dataclass(frozen=True)
class EvidenceNote:
    finding_id: str
    name: str
    present: bool
    likelihood_ratio: float

    # A note is immutable and the engine hands the same one out again for the same finding,
    # answer and ratio (Engine._note), so its sentence and its dict are worked out once.
    @cached_property
    def _described(self) -> str:
        state = "reported" if self.present else "not present"
        return f"{self.name}: {state} (likelihood ratio {self.likelihood_ratio:.1f})"

    @cached_property
    def _fields(self) -> dict[str, Any]:
        return {
            "finding": self.finding_id,
            "name": self.name,
            "status": "present" if self.present else "absent",
            "likelihood_ratio": round(self.likelihood_ratio, 3),
        }

    # Their JSON too, for the answers written from fragments (spasmcheck.api.answer_json):
    # a note is the knowledge base's, so this is encoded once per note, not per answer.
    @cached_property
    def sentence_json(self) -> bytes:
        """``to_json(self.describe())``."""
        from pydantic_core import to_json

        return to_json(self._described)

    @cached_property
    def json(self) -> bytes:
        """``to_json(self.as_dict())``."""
        from pydantic_core import to_json

        return to_json(self._fields)

    def describe(self) -> str:
        return self._described

    def as_dict(self) -> dict[str, Any]:
        return dict(self._fields)


@dataclass(frozen=True)
class RankedCondition:
    condition: Condition
    probability: float
    evidence_for: list[EvidenceNote]
    evidence_against: list[EvidenceNote]
    # True for a cause shown first because it explains an emergency level.
    explains_level: bool = False

    def as_dict(self) -> dict[str, Any]:
        c = self.condition
        return {
            "id": c.id,
            "name": c.name,
            "clinical_name": c.clinical_name,
            "probability": round(self.probability, 4),
            "icd10": list(c.icd10),
            "snomed": c.snomed,
            "category": _VALUE[c.category],
            "usual_triage": _VALUE[c.triage],
            "explains_level": self.explains_level,
            "summary": c.summary,
            "evidence_for": [e.describe() for e in self.evidence_for],
            "evidence_against": [e.describe() for e in self.evidence_against],
            "evidence": [e.as_dict() for e in (*self.evidence_for, *self.evidence_against)],
        }


# An enum member's value by a dict look-up: ``member.value`` goes through the enum's
# descriptor, which the answer of every step paid a few hundred times.
_VALUE: dict[Enum, str] = {m: m.value for e in (Category, TriageLevel) for m in e}


@dataclass(frozen=True)
class AdviceItem:
    text: str
    sources: list[str]

    def as_dict(self) -> dict[str, Any]:
        return {"text": self.text, "sources": self.sources}


@dataclass(frozen=True)
class Assessment:
    """The full result: what ``assess --json`` prints (docs/contract.md), and more."""

    conditions: list[RankedCondition]
    triage: TriageResult
    advice: list[AdviceItem]
    evidence: list[Evidence]
    mentions: list[Mention] = field(default_factory=list)
    # Fragments of the text that gave no finding (filler words aside): docs/contract.md.
    not_understood: list[str] = field(default_factory=list)
    kb_version: str = ""
    disclaimer: str = ""
    estimate_note: str = ""
    level_label: str = ""
    level_action: str = ""

    def triage_part(self) -> dict[str, Any]:
        """The level, its warning signs and the advice: the middle of :meth:`as_dict`, which
        ``spasmcheck.api.answer_json`` writes the rest of an answer around."""
        return {
            "triage": {
                "level": self.triage.level.value,
                "label": self.level_label,
                "action": self.level_action,
                "reasons": self.triage.reasons,
                "do_now": self.triage.do_now,
            },
            "red_flags": [f.flag.name for f in self.triage.red_flags],
            "red_flags_detail": [
                {
                    "id": f.flag.id,
                    "name": f.flag.name,
                    "level": f.flag.level.value,
                    "findings": list(f.findings),
                    "uncertain": f.uncertain,
                    "reason": f.flag.reason,
                    "do_now": f.flag.do_now,
                }
                for f in self.triage.red_flags
            ],
            "advice": [a.text for a in self.advice],
            "advice_detail": [a.as_dict() for a in self.advice],
        }

    def as_dict(self) -> dict[str, Any]:
        return {
            "conditions": [c.as_dict() for c in self.conditions],
            **self.triage_part(),
            "findings": [e.as_dict() for e in self.evidence],
            "mentions": [m.as_dict() for m in self.mentions],
            "not_understood": list(self.not_understood),
            "disclaimer": self.disclaimer,
            "estimate_note": self.estimate_note,
            "kb_version": self.kb_version,
        }


class Engine:
    def __init__(self, kb: KnowledgeBase, *, build_parser: bool = True) -> None:
        """``build_parser=False`` leaves the text parser to its first use: what reads no text
        (the interview step's benchmark on a synthetic knowledge base) never builds it."""
        self.kb = kb
        self.model = BayesModel(kb)
        # (finding, present, log-likelihood ratio) → its note. The ratios shown are entries of
        # the model's likelihood-ratio tables, so this holds at most two notes per link of the
        # knowledge base (MAX_NOTES bounds it regardless).
        self._notes: dict[tuple[str, bool, float], EvidenceNote] = {}
        # each condition's advice as (advice, its citations rendered, whether it sends the
        # person to hospital on their own feet), and the level guidance's and safety net's
        # citations: the same on every result
        # (filled as conditions are first advised on: nothing added to a cold start)
        self._condition_advice: dict[str, tuple[tuple[Advice, tuple[str, ...], bool], ...]] = {}
        self._level_sources = {g.level: tuple(self._cite(g.cite)) for g in kb.guidance.levels}
        self._safety_net = tuple(
            (a.text, tuple(self._cite(a.cite))) for a in kb.guidance.safety_net
        )
        self._parser: TextParser | None = None
        self._parser_lock = threading.Lock()
        if build_parser:
            self._parser = self._build_parser()

    def _build_parser(self) -> TextParser:
        # The semantic fallback embeds nothing until a fragment needs it.
        return TextParser(self.kb, semantic=semantic_index(self.kb))

    @property
    def parser(self) -> TextParser:
        if self._parser is None:
            with self._parser_lock:
                if self._parser is None:
                    self._parser = self._build_parser()
        return self._parser

    # -- text -----------------------------------------------------------------------------
    def parse(self, text: str) -> tuple[list[Mention], list[Evidence]]:
        mentions = self.parser.parse(text)
        return mentions, evidence_from_mentions(self.kb, mentions)

    # -- evaluation of evidence -------------------------------------------------------------
    def posterior(self, evidence: EvidenceSet, age: int | None, sex: str | None) -> np.ndarray:
        return self.model.posterior(evidence.present, evidence.absent, age, sex)

    def evaluate(
        self,
        evidence: EvidenceSet,
        age: int | None = None,
        sex: str | None = None,
        mentions: Iterable[Mention] = (),
        posterior: np.ndarray | None = None,
    ) -> Assessment:
        return self.evaluate_with_posterior(evidence, age, sex, mentions, posterior)[0]

    def evaluate_with_posterior(
        self,
        evidence: EvidenceSet,
        age: int | None = None,
        sex: str | None = None,
        mentions: Iterable[Mention] = (),
        posterior: FloatArray | None = None,
        *,
        detail: bool = True,
    ) -> tuple[Assessment, FloatArray]:
        """:meth:`evaluate`, with the posterior it ranked by. The evidence's log-likelihood
        ratios are computed once, for the posterior and every ranked cause's evidence.

        ``detail=False`` leaves out the ranked causes and the advice (empty lists): the triage
        alone, for a page that shows a question and the level (the web interview's)."""
        validate_inputs(age, sex)
        model = self.model
        present = evidence.present
        llr = model.evidence_llr(present, evidence.absent)
        untold = model.untold_llr(present)
        # True when ``posterior`` is computed here from this evidence (a caller's may differ)
        evidence_posterior = posterior is None
        if posterior is None:
            posterior = model.normalise(
                model.log_joint_from(model.log_prior(age, sex), llr[0]) + untold
            )
        matrix, _, states = llr
        n_affirmed = states.count(True)
        if not n_affirmed:
            # nothing affirmed: the affirmed findings' posterior is the silent prior, none raised
            raised = np.zeros(len(model.conditions), dtype=bool)
        else:
            # every finding affirmed: the posterior above is that of the affirmed findings
            affirmed = np.asarray(states, dtype=bool)
            from_affirmed = (
                posterior
                if n_affirmed == len(states) and evidence_posterior
                else model.normalise(
                    model.log_joint_from(model.log_prior(age, sex), matrix[:, affirmed]) + untold
                )
            )
            # above what a description telling nothing would give (every exposure untold)
            raised = raised_causes(from_affirmed, model.silent_prior(age, sex))
        result = triage(self.kb, posterior, raised, present, evidence.possible, age)
        if not detail:
            return self._assessment(evidence, mentions, result, [], []), posterior
        signals = [
            f for fired in result.red_flags if fired.flag.level.is_emergency for f in fired.findings
        ]
        shown = result.shown  # triage's, when it worked them out for its reasons
        if shown is None:
            shown = with_signal_evidence(self.kb, posterior, result.level, signals)
        explaining = causes_explaining(self.kb, shown, result.level, signals)
        # Only the first MAX_RANKED of the rest are shown, so only they are listed.
        order = np.argsort(-shown, kind="stable")[: MAX_RANKED + len(explaining)]
        others = [int(i) for i in order if i not in explaining]
        listed = explaining + others[: max(0, MAX_RANKED - len(explaining))]
        conditions, n_first = self.kb.conditions, len(explaining)
        ranked = [
            RankedCondition(conditions[i], probability, notes_for, notes_against, k < n_first)
            for k, (i, probability, (notes_for, notes_against)) in enumerate(
                zip(listed, shown.take(listed).tolist(), self._notes_of(listed, *llr), strict=True)
            )
        ]
        advice = self._advice(ranked, result)
        return self._assessment(evidence, mentions, result, ranked, advice), posterior

    def _assessment(
        self,
        evidence: EvidenceSet,
        mentions: Iterable[Mention],
        result: TriageResult,
        ranked: list[RankedCondition],
        advice: list[AdviceItem],
    ) -> Assessment:
        guidance = self.kb.level_guidance[result.level]
        return Assessment(
            conditions=ranked,
            triage=result,
            advice=advice,
            evidence=list(evidence),
            mentions=list(mentions),
            kb_version=self.kb.version,
            disclaimer=self.kb.guidance.disclaimer,
            estimate_note=self.kb.guidance.estimate_note,
            level_label=guidance.label,
            level_action=guidance.action,
        )

    def assess(
        self,
        text: str,
        age: int | None = None,
        sex: str | None = None,
        evidence: Iterable[Evidence] = (),
    ) -> Assessment:
        if not text or not text.strip():
            raise InputError("text is empty: describe the spasms in a few words")
        validate_inputs(age, sex)
        mentions, from_text = self.parse(text)
        items = EvidenceSet(from_text)
        for item in evidence:
            items.add(item)
        result = self.evaluate(items, age, sex, mentions)
        return replace(result, not_understood=self.parser.not_understood(text, mentions))

    # -- explanation ----------------------------------------------------------------------
    def _note_of(self, finding_id: str, present: bool, log_lr: float) -> EvidenceNote:
        key = (finding_id, present, log_lr)
        note = self._notes.get(key)
        if note is None:
            finding = self.kb.finding_by_id[finding_id]
            ratio = Contribution(finding_id, present, log_lr).likelihood_ratio
            note = EvidenceNote(finding.id, finding.name, present, ratio)
            if len(self._notes) < MAX_NOTES:
                self._notes[key] = note
        return note

    def _notes_of(
        self, listed: list[int], llr: FloatArray, ids: list[str], states: list[bool]
    ) -> list[tuple[list[EvidenceNote], list[EvidenceNote]]]:
        """The evidence shown for and against each of the ``listed`` causes (by position),
        strongest first, at most ``MAX_EVIDENCE_ITEMS`` each: :func:`shown_evidence` of
        :meth:`BayesModel.contributions_of`, without making a :class:`Contribution` of every
        item first (tests/reasoning/test_assessment_tables.py holds the two to the same
        notes)."""
        result: list[tuple[list[EvidenceNote], list[EvidenceNote]]] = [([], []) for _ in listed]
        if not ids:
            return result
        rows = llr.take(listed, axis=0)
        magnitude = np.abs(rows)
        # only what is shown is sorted: by cause, then strongest first; lexsort is stable,
        # so equals keep the evidence's order (as a stable sort of each row did)
        at, k = np.nonzero(magnitude > SHOWN_LOG_LR)
        order = np.lexsort((-magnitude[at, k], at))
        known, note_of = self._notes, self._note_of
        for row, column, value in zip(
            at[order].tolist(), k[order].tolist(), rows[at, k][order].tolist(), strict=True
        ):
            shown = result[row][0 if value > 0 else 1]
            if len(shown) < MAX_EVIDENCE_ITEMS:
                key = (ids[column], states[column], value)
                shown.append(known.get(key) or note_of(*key))
        return result

    def _cite(self, citations: Iterable[Citation]) -> list[str]:
        return [self.kb.cite(c) for c in citations]

    def _advice_of(self, condition: Condition) -> tuple[tuple[Advice, tuple[str, ...], bool], ...]:
        """A condition's advice, each item with its citations rendered and whether it sends
        the person to hospital on their own feet (:func:`sends_to_hospital`)."""
        advice = self._condition_advice.get(condition.id)
        if advice is None:
            advice = tuple(
                (a, tuple(self._cite(a.cite)), sends_to_hospital(a)) for a in condition.advice
            )
            self._condition_advice[condition.id] = advice
        return advice

    def _advice(self, ranked: list[RankedCondition], result: TriageResult) -> list[AdviceItem]:
        items: list[AdviceItem] = [AdviceItem(text, []) for text in result.do_now]
        level = result.level
        guidance = self.kb.level_guidance[level]
        items.append(AdviceItem(guidance.action, list(self._level_sources[level])))
        seen = {item.text for item in items}
        if level.is_emergency:
            # Only the advice of the causes that explain the emergency: a benign cause's
            # self-care tips ("wait for it to pass") would contradict "call now".
            chosen = [r for r in ranked if r.explains_level]
        else:
            chosen = [r for r in ranked[:3] if r.probability >= 0.15] or ranked[:1]
        for entry in chosen:
            for advice, sources, to_hospital in self._advice_of(entry.condition):
                if advice.self_care_only and level is not TriageLevel.SELF_CARE:
                    continue  # reassurance that would contradict the level
                if level is TriageLevel.EMERGENCY_AMBULANCE and to_hospital:
                    continue  # "go to an emergency department if ..." under "call an ambulance"
                if advice.text not in seen:
                    seen.add(advice.text)
                    items.append(AdviceItem(advice.text, list(sources)))
        if level.urgency <= TriageLevel.CONSULTATION.urgency:
            for text, sources in self._safety_net:
                if text not in seen:
                    seen.add(text)
                    items.append(AdviceItem(text, list(sources)))
        return items


def sends_to_hospital(advice: Advice) -> bool:
    """Advice that sends the person to the emergency department on their own feet ("Go to an
    emergency department if the pain ...") without an ambulance: a cause's escalation advice
    that, shown under "Call an ambulance now", reads as the less urgent of two instructions
    (usability walkthrough 2026-12-05, C1)."""
    text = advice.text.lower()
    return "emergency department" in text and not any(
        word in text for word in ("ambulance", "emergency number", "999", "911", "112")
    )


_Made = TypeVar("_Made")


class PerEngine(Generic[_Made]):
    """``make(engine)``, made on an engine's first use and kept as long as the engine lives:
    what the routes need of one knowledge base, built once, never per request."""

    def __init__(self, make: Callable[[Engine], _Made]) -> None:
        self._make = make
        self._made: weakref.WeakKeyDictionary[Engine, _Made] = weakref.WeakKeyDictionary()

    def __call__(self, engine: Engine) -> _Made:
        made = self._made.get(engine)
        if made is None:
            made = self._made[engine] = self._make(engine)
        return made


@cache
def default_engine() -> Engine:
    """The engine over the packaged knowledge base, from the compiled cache when it is fresh."""
    from spasmcheck.reasoning.cache import load_cached_engine

    return load_cached_engine(lambda: Engine(load_knowledge_base()))


def assess(
    text: str,
    age: int | None = None,
    sex: str | None = None,
    evidence: Iterable[Evidence] = (),
) -> Assessment:
    """Assess a free-text description with the packaged knowledge base.

    >>> result = assess("my calves cramp at night", age=60)  # doctest: +SKIP
    >>> result.triage.level  # doctest: +SKIP
    <TriageLevel.SELF_CARE: 'self_care'>
    """
    return default_engine().assess(text, age, sex, evidence)
