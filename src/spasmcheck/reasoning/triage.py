"""Triage: how urgently to seek care.

The level is the most urgent of

1. every red-flag rule that fires — a rule fires when all of its ``all_of`` findings and (if
   it has any) one of its ``any_of`` findings are present, or were mentioned with doubt, and
   its context is not affirmed — every ``unless`` finding and, if listed, one of the
   ``unless_any`` findings (a context that is not given, or given with doubt, leaves the rule
   firing: the riskier reading)
   ("I think my face drooped"): for a warning sign, doubt is a reason to act, not to wait;
   a denied sign never fires;
2. the condition-based level: the most urgent level L for which the probability that the
   cause needs L or more urgent care reaches ``LEVEL_THRESHOLDS[L]``. For the routine
   appointment (``consultation``) only the causes that what the person says they have made
   more likely than their base rate count (``raised``, :data:`EVIDENCE_LED_LEVELS`): the
   knowledge base holds about 70 causes that need a doctor some day, and their base rates alone
   add up to about 5 in 10, so "cramp in my foot" — which points to no such cause — reached an
   appointment on base rates alone. Only affirmed findings raise a cause: a denial ("no trouble
   breathing") lifts every cause it does not fit a little, which is not a reason to see
   anyone. A base rate is not a reason to see a doctor: NHS guidance on cramp and twitches
   (nhs.uk "Leg cramps", 2023; "Twitching eyes and muscles", 2023) is self-care unless something
   points further (frequent, persistent, worse, spreading — the seeds' own reasons to consult,
   which are rules of their own). The urgent levels keep the whole mass: missing them costs more.
   A course that is already getting better (:data:`SETTLING_COURSE`, with nothing worse or
   spreading) raises no cause for the routine appointment: NHS advice for self-limiting pain
   is a GP when it does not start to improve (nhs.uk "Back pain", "Neck pain", 2023).

The thresholds are deliberately low for the emergency levels: missing an emergency costs far
more than an unneeded trip. The two consultation thresholds (0.30 and 0.40) were chosen on the
public vignette set as one global setting (docs/evaluation.md): a 4-in-10 chance that the
cause needs a doctor is enough to recommend one. Semigran et al. (BMJ 2015) found symptom
checkers risk-averse for this reason; the Manchester Triage System likewise takes the most
urgent discriminator.

One story. When the level is an emergency, :func:`causes_explaining` names the causes that
explain it — conditions whose own usual level is an emergency, most likely first — and the
engine shows them before every other cause (docs/contract.md: the first cause of an emergency result
is an emergency-level cause), so the ranking never contradicts the banner.
"""

from __future__ import annotations

import math
import weakref
from collections.abc import Collection
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from spasmcheck.knowledge.loader import KnowledgeBase
from spasmcheck.knowledge.schema import RedFlag, TriageLevel
from spasmcheck.reasoning.chance import chance_words
from spasmcheck.reasoning.inference import BoolArray, FloatArray, cap_probabilities

IntArray = npt.NDArray[np.intp]
# A red flag as fired_red_flags reads it (TriageTables.rules)
_Rule = tuple[RedFlag, tuple[str, ...], tuple[str, ...], bool, float, float, bool, bool]

# Emergency-level causes shown first besides the most likely one: at most this many, each at
# least this likely (a 1-in-20 chance of a dangerous cause is worth naming up front).
MAX_EXPLAINING = 3
EXPLAINING_MIN_PROBABILITY = 0.05

# The likelihood ratio of a fired emergency warning sign for the emergency-level causes it
# points to (with_signal_evidence). Chosen once on the public vignettes by the Brier score of
# the first cause (1, 3, 5, 10, 20 tried; docs/model.md): 10 is the best in text mode and
# meets 0.15 in interview mode, and it also lowered the Brier score on the real-world
# development half, which chose nothing. The same order as published likelihood ratios of a
# single stroke sign for stroke (about 5-10: Goldstein and Simel, JAMA 2005).
SIGNAL_LIKELIHOOD_RATIO = 10.0

# The levels reached only by causes the evidence made more likely than their base rate (the
# module docstring).
EVIDENCE_LED_LEVELS = frozenset({TriageLevel.CONSULTATION})

# A course that is settling: with one of these affirmed and none of WORSE_COURSE, no cause
# counts as raised for the evidence-led levels. NHS advice for the self-limiting pains and
# spasms is to see a GP when they do not start to improve within a few weeks (NHS Back pain,
# Neck pain, 2023), so a routine appointment is not advised for one that is already getting
# better; the same-day and emergency levels keep their whole mass, and the rules for what is
# worse or spreading still fire.
SETTLING_COURSE = frozenset({"improving"})
WORSE_COURSE = frozenset({"worsening", "spreading"})

LEVEL_THRESHOLDS: dict[TriageLevel, float] = {
    TriageLevel.EMERGENCY_AMBULANCE: 0.25,
    TriageLevel.EMERGENCY: 0.25,
    TriageLevel.CONSULTATION_24: 0.30,
    TriageLevel.CONSULTATION: 0.40,
}


@dataclass(frozen=True)
class FiredFlag:
    flag: RedFlag
    findings: tuple[str, ...]  # the findings that made it fire
    uncertain: bool  # fired on a finding mentioned with doubt


@dataclass(frozen=True)
class TriageResult:
    level: TriageLevel
    reasons: list[str]
    red_flags: list[FiredFlag]
    do_now: list[str] = field(default_factory=list)
    condition_level: TriageLevel = TriageLevel.SELF_CARE
    # The causes the affirmed findings raised above their base rate (a mask over
    # kb.conditions), as the evidence-led levels counted them.
    raised: BoolArray = field(default_factory=lambda: np.zeros(0, dtype=bool), compare=False)
    # The probabilities shown beside this result (with_signal_evidence of the posterior at
    # ``level``), when triage worked them out for its reasons: the engine shows the same and
    # does not work them out again. None: not worked out.
    shown: FloatArray | None = field(default=None, compare=False, repr=False)


def fired_red_flags(
    kb: KnowledgeBase,
    present: Collection[str],
    possible: Collection[str] = (),
    age: int | None = None,
) -> list[FiredFlag]:
    """Every red-flag rule that fires, most urgent first."""
    affirmed = set(present)
    known = affirmed | set(possible) if possible else affirmed
    fired = []
    tables = triage_tables(kb)
    # Only a rule whose all_of findings are all known can fire (each has all_of or any_of):
    # those, counted by their known all_of findings, and the rules without all_of that name
    # a known finding in any_of (the rules naming a known finding, less those that fail the
    # all_of check below)
    counts: dict[int, int] = {}
    for f in known:
        for i in tables.all_of_naming.get(f, ()):
            counts[i] = counts.get(i, 0) + 1
    n_all = tables.n_all
    candidates = {i for i, n in counts.items() if n == n_all[i]}
    for f in known:
        candidates.update(tables.any_of_naming.get(f, ()))
    rules = tables.rules
    for i in sorted(candidates):
        flag, all_of, any_of, combination, min_age, max_age, needs_age, contextual = rules[i]
        if needs_age if age is None else not min_age <= age <= max_age:
            continue  # not flag.applies_to(age)
        # A combination (two or more findings that must all be there) is not made of doubts:
        # each of its parts must be affirmed; a single sign given with doubt still counts.
        if combination:
            if not all(f in affirmed for f in all_of):
                continue
        elif all_of and all_of[0] not in known:
            continue
        hits = [f for f in any_of if f in known]
        if any_of and not hits:
            continue
        if contextual and flag.silenced_by(affirmed, known):
            continue
        used = (*all_of, *hits)
        uncertain = any(f not in affirmed for f in used)
        fired.append(FiredFlag(flag, used, uncertain))
    fired.sort(key=lambda f: -f.flag.level.urgency)
    return fired


def raised_causes(posterior_from_affirmed: FloatArray, prior: FloatArray) -> BoolArray:
    """The causes that the affirmed findings alone made more likely than their base rate
    (``prior``: the person's base rates; ``posterior_from_affirmed``: the posterior from the
    same prior and the affirmed findings only). With nothing affirmed, none is raised."""
    raised: BoolArray = posterior_from_affirmed > prior
    return raised


# The levels of LEVEL_THRESHOLDS from the most urgent down, the order they are tried in.
_LEVELS_DOWN = sorted(LEVEL_THRESHOLDS, key=lambda lv: -lv.urgency)


@dataclass(frozen=True)
class TriageTables:
    """What triage reads of a knowledge base on every call, computed once per knowledge base
    (:func:`triage_tables`): the same answers as reading the conditions' links each time
    (tests/reasoning/test_step_tables.py)."""

    # level → the causes needing it or more urgent care (a read-only mask over kb.conditions)
    needing: dict[TriageLevel, BoolArray]
    # the causes whose own usual level is an emergency (a mask, and their indices in order)
    emergency_mask: BoolArray
    emergency: tuple[int, ...]
    # each emergency-level cause → the findings it links more likely than their background
    # rate: a fired sign among them points to it (signalled_causes, causes_explaining)
    signs_of: dict[int, frozenset[str]]
    # each red flag (kb.red_flags' order) as fired_red_flags reads it: the flag, its all_of
    # and any_of, whether it is a combination, the ages it applies to (applies_to), whether
    # it needs an age and whether a context can silence it
    rules: tuple[_Rule, ...]
    # finding → the rules with it in all_of; → the rules without all_of with it in any_of;
    # each rule's number of (distinct) all_of findings
    all_of_naming: dict[str, tuple[int, ...]]
    any_of_naming: dict[str, tuple[int, ...]]
    n_all: tuple[int, ...]
    # level → the positions of the causes needing it or more urgent care (``needing``'s)
    needing_at: dict[TriageLevel, IntArray]
    # the levels of LEVEL_THRESHOLDS from the most urgent down (the order they are tried in),
    # each with its ``needing`` mask, its positions (None at an evidence-led level, where
    # only the raised causes count) and its threshold
    levels_down: tuple[tuple[TriageLevel, BoolArray, IntArray | None, float], ...]

    @classmethod
    def build(cls, kb: KnowledgeBase) -> TriageTables:
        needing = {}
        for level in TriageLevel:
            mask = kb.condition_urgency >= level.urgency
            mask.setflags(write=False)
            needing[level] = mask
        emergency_mask = np.array([c.triage.is_emergency for c in kb.conditions], dtype=bool)
        emergency_mask.setflags(write=False)
        emergency = tuple(int(i) for i in np.flatnonzero(emergency_mask))
        signs_of = {
            i: frozenset(
                link.id
                for link in kb.conditions[i].findings
                if link.p > kb.finding_by_id[link.id].base_rate
            )
            for i in emergency
        }
        rules = tuple(
            (
                flag,
                tuple(flag.all_of),
                tuple(flag.any_of),
                len(flag.all_of) > 1,
                -math.inf if flag.min_age is None else flag.min_age,
                math.inf if flag.max_age is None else flag.max_age,
                flag.needs_age,
                flag.contextual,
            )
            for flag in kb.red_flags
        )
        all_of_naming: dict[str, list[int]] = {}
        any_of_naming: dict[str, list[int]] = {}
        for i, flag in enumerate(kb.red_flags):
            for f in dict.fromkeys(flag.all_of):
                all_of_naming.setdefault(f, []).append(i)
            if not flag.all_of:
                for f in dict.fromkeys(flag.any_of):
                    any_of_naming.setdefault(f, []).append(i)
        n_all = tuple(len(set(flag.all_of)) for flag in kb.red_flags)
        needing_at = {level: np.flatnonzero(mask) for level, mask in needing.items()}
        levels_down = tuple(
            (
                level,
                needing[level],
                None if level in EVIDENCE_LED_LEVELS else needing_at[level],
                LEVEL_THRESHOLDS[level],
            )
            for level in _LEVELS_DOWN
        )
        return cls(
            needing,
            emergency_mask,
            emergency,
            signs_of,
            rules,
            {f: tuple(i) for f, i in all_of_naming.items()},
            {f: tuple(i) for f, i in any_of_naming.items()},
            n_all,
            needing_at,
            levels_down,
        )

    def points_to(self, condition_index: int, signals: Collection[str]) -> bool:
        """True when one of ``signals`` points to this emergency-level cause."""
        return not self.signs_of[condition_index].isdisjoint(signals)


# id(kb) → (a weak reference to kb, its tables): a knowledge base is not hashable, and its
# tables go when it does.
_TABLES: dict[int, tuple[weakref.ref[KnowledgeBase], TriageTables]] = {}


def triage_tables(kb: KnowledgeBase) -> TriageTables:
    """``kb``'s triage tables, built on first use and kept as long as ``kb`` lives."""
    key = id(kb)
    entry = _TABLES.get(key)
    if entry is not None and entry[0]() is kb:
        return entry[1]
    tables = TriageTables.build(kb)
    _TABLES[key] = (weakref.ref(kb, lambda _: _TABLES.pop(key, None)), tables)
    return tables


def counted(kb: KnowledgeBase, level: TriageLevel, raised: BoolArray) -> BoolArray:
    """The causes whose probability counts towards ``level``: those needing it or more urgent
    care, and at an evidence-led level only the ``raised`` ones (:func:`raised_causes`)."""
    needing: BoolArray = triage_tables(kb).needing[level]
    return needing & raised if level in EVIDENCE_LED_LEVELS else needing


def condition_level(
    kb: KnowledgeBase, posterior: FloatArray, raised: BoolArray
) -> tuple[TriageLevel, float]:
    """The most urgent level whose cumulative probability reaches its threshold."""
    for level, needing, at, threshold in triage_tables(kb).levels_down:
        # the causes counted (counted()); by their positions where raised plays no part:
        # the same elements in the same order, so the same sum
        if at is None:
            mass = float(posterior[needing & raised].sum())
        else:
            mass = float(posterior.take(at).sum())
        if mass >= threshold:
            return level, mass
    return TriageLevel.SELF_CARE, float(posterior[kb.condition_urgency == 0].sum())


def condition_levels(
    kb: KnowledgeBase, posteriors: FloatArray, raised: BoolArray
) -> list[TriageLevel]:
    """:func:`condition_level`'s level for every column of ``posteriors`` at once (the
    interview asks it of every answer it considers; the sums may differ in the last bit)."""
    levels: list[TriageLevel] = [TriageLevel.SELF_CARE] * posteriors.shape[1]
    undecided = np.ones(posteriors.shape[1], dtype=bool)
    for level, needing, at, threshold in triage_tables(kb).levels_down:
        # the rows counted (counted()), by position where raised plays no part: the same rows
        if at is None:
            masses = posteriors[needing & raised].sum(axis=0)
        else:
            masses = posteriors.take(at, axis=0).sum(axis=0)
        reached = undecided & (masses >= threshold)
        for j in np.flatnonzero(reached):
            levels[j] = level
        undecided &= ~reached
    return levels


def triage(
    kb: KnowledgeBase,
    posterior: FloatArray,
    raised: BoolArray,
    present: Collection[str],
    possible: Collection[str] = (),
    age: int | None = None,
) -> TriageResult:
    """``raised``: the causes that the affirmed findings made more likely than their base rate
    for this person (:func:`raised_causes`), which the evidence-led levels count."""
    flags = fired_red_flags(kb, present, possible, age)
    if settling(present):
        raised = np.zeros_like(raised)
    by_conditions, mass = condition_level(kb, posterior, raised)
    levels = [f.flag.level for f in flags] + [by_conditions]
    level = TriageLevel.most_urgent(levels)
    reasons = []
    for fired in flags:
        prefix = "You were not sure about this, but to be safe: " if fired.uncertain else ""
        reasons.append(f"{prefix}{fired.flag.name}: {fired.flag.reason}")
    shown: FloatArray | None = None
    if by_conditions is not TriageLevel.SELF_CARE:
        # In the probabilities shown (the fired signs as evidence at an emergency level), so
        # the sentence agrees with the list of causes beside it; the level was reached on the
        # model's own posterior, and the signs only add to the emergency-level mass.
        shown = with_signal_evidence(kb, posterior, level, emergency_signals(flags))
        needing = counted(kb, by_conditions, raised)
        mass = max(mass, float(shown[needing].sum()))
        top = [kb.conditions[i] for i in np.argsort(-shown)[:5] if needing[i] and shown[i] >= 0.05]
        names = ", ".join(c.name for c in top[:3]) or "the likely causes"
        words = chance_words(mass)
        chance = words[:1].upper() + words[1:]
        reasons.append(f"{chance} that the cause is one that needs this level of care ({names}).")
    elif not flags:
        reasons.append(
            "No warning signs were reported and the likely causes can usually be managed at home."
        )
    do_now: list[str] = []
    for fired in flags:
        if fired.flag.level.urgency >= level.urgency and fired.flag.do_now not in do_now:
            do_now.append(fired.flag.do_now)
    guidance = kb.level_guidance[level]
    # The level's general "what to do now" only when no warning sign gave its own: after a
    # rule's "Call your emergency number now and say you think it is a stroke ...", a second
    # "Call the emergency number now ..." read as a repetition (usability walkthrough C2).
    if level.is_emergency and guidance.do_now and not do_now:
        do_now.append(guidance.do_now)
    return TriageResult(level, reasons, flags, do_now, by_conditions, raised, shown)


def settling(present: Collection[str]) -> bool:
    """True when the person says it is getting better and nothing is worse or spreading
    (:data:`SETTLING_COURSE`)."""
    known = set(present)
    return not known.isdisjoint(SETTLING_COURSE) and known.isdisjoint(WORSE_COURSE)


def emergency_signals(flags: Collection[FiredFlag]) -> list[str]:
    """The findings of the fired emergency rules: the signs the shown probabilities use."""
    return [f for fired in flags if fired.flag.level.is_emergency for f in fired.findings]


def signalled_causes(
    kb: KnowledgeBase, level: TriageLevel, signals: Collection[str] = ()
) -> list[int]:
    """Indices of the emergency-level causes that the fired warning signs point to.

    Empty below the emergency levels. A cause is pointed to when it links one of ``signals``
    (the findings of the emergency red flags that fired) more likely than the finding's
    background rate. When no emergency-level cause links any of them, every emergency-level
    cause is returned: the level itself says the cause is likely one of them.
    """
    if not level.is_emergency:
        return []
    tables = triage_tables(kb)
    wanted = set(signals)
    pointed = [i for i in tables.emergency if tables.points_to(i, wanted)]
    return pointed or list(tables.emergency)


def with_signal_evidence(
    kb: KnowledgeBase,
    posterior: FloatArray,
    level: TriageLevel,
    signals: Collection[str] = (),
    ratio: float | None = None,
) -> FloatArray:
    """The posterior shown at an emergency level: the fired signs as evidence (issue 11).

    A warning-sign rule that fires is itself evidence for the emergency-level causes it
    points to (:func:`signalled_causes`): each of them is multiplied by
    ``SIGNAL_LIKELIHOOD_RATIO`` and the posterior renormalised and capped, so the order
    within them and within the rest is unchanged. The links of the signs' findings already
    count once in the model; the ratio corrects what the public vignettes measured: the
    first cause of an emergency result was right far more often than its probability said
    (docs/model.md, "Warning signs as evidence"). Below the emergency levels the posterior
    is returned unchanged.
    """
    factor = SIGNAL_LIKELIHOOD_RATIO if ratio is None else ratio
    pointed = signalled_causes(kb, level, signals)
    if not pointed or factor == 1.0:
        return posterior
    weights: FloatArray = np.array(posterior, dtype=np.float64)
    weights[pointed] *= factor
    return cap_probabilities(weights / weights.sum())


def causes_explaining(
    kb: KnowledgeBase,
    posterior: FloatArray,
    level: TriageLevel,
    signals: Collection[str] = (),
) -> list[int]:
    """Indices of the causes that explain an emergency level, the one to show first first.

    Empty below the emergency levels. At an emergency level the candidates are the conditions
    whose own usual level is an emergency. Those that the warning signs which fired
    (``signals``: the findings of the emergency red flags) point to — a link more likely
    than the finding's background rate — come before the others, each group most likely
    first: a sudden change in vision is explained by a stroke before a seizure. The first
    candidate is always shown, however unlikely; up to ``MAX_EXPLAINING - 1`` more follow
    when they reach ``EXPLAINING_MIN_PROBABILITY``.
    """
    if not level.is_emergency:
        return []
    tables = triage_tables(kb)
    wanted = set(signals)
    order = np.argsort(-posterior, kind="stable")
    emergency: list[int] = order[tables.emergency_mask[order]].tolist()
    if not emergency:
        return []
    # stable: probability order within groups
    emergency.sort(key=lambda i: not tables.points_to(i, wanted))
    more = [i for i in emergency[1:MAX_EXPLAINING] if posterior[i] >= EXPLAINING_MIN_PROBABILITY]
    return [emergency[0], *more]
