"""The adaptive interview: one pure, stateless step at a time.

``Interviewer.step(evidence, age, sex)`` looks at everything known so far and returns the
next question (or none), the current assessment and whether to stop. The client keeps the
evidence and sends it back each time; nothing is stored here.

The policy is a chain of small pure parts, each tested on its own with written-out numbers
(tests/reasoning/test_interview.py); :class:`Interviewer` only wires them to one engine:

1. **Emergency stop** (:func:`emergency_stop`). An affirmed ambulance-level red flag ends
   the interview at once; the result is the emergency advice. The red flags are the triage's
   own (:func:`spasmcheck.reasoning.triage.triage`, through the engine's assessment): the
   interview never re-implements a rule.
2. **The emergency screen** (:func:`screen_question`). Before any other question, one
   multiple-choice question lists the warning signs that call for help on their own
   (``knowledge/data/screen/emergency_screen.yaml``), leaving out those the typed text
   already settled, with "None of these". Ticking one fires its red flag (step 1).
3. **Escalation** (:func:`escalation_targets`). When an emergency-department rule has fired,
   at most ``MAX_ESCALATION`` more questions check whether it needs an ambulance instead.
4. **A doubtful sign** ("maybe my face drooped") that the screen did not settle is asked.
4b. **A clinician's first questions** (:func:`first_group`): where it is (the body map), then
   the person's medicines and illnesses ("about you": a new medicine, water tablets,
   statins, insulin, diabetes, kidney disease, pregnancy), each asked once as one choice
   question, and only when the text has not already answered one of its options ("my left
   eyelid" says where). They come before the screening questions, whose odds they sharpen.
5. **Screening** (:func:`screening_target`). Red-flag rules this presentation makes plausible
   are screened before information gain, as NHS 111 asks life-threatening questions first:
   a rule is plausible when the predictive probability that it would fire is at least
   ``SCREEN_LIFT`` × its weight × its background probability, or at least
   ``SCREEN_MIN_PROBABILITY`` × its weight, or when the presenting complaint names it
   (``screen_when``); at most ``MAX_SCREENING`` screening questions in all.
6. **Expected information gain** (:func:`expected_information_gain`). Otherwise the finding
   whose answer is expected to reduce the entropy of the ranking of causes most,
   ``H(C) − Σ_a P(a) H(C | a)``, computed for every finding at once. A finding in a choice
   group is asked as the group's single- or multiple-choice question.
7. **Stop** (:func:`stop_reason`, :func:`ranking_stable`) when the top cause is very
   probable, when the best question is worth less than ``MIN_GAIN_BITS``, when the person
   keeps answering "don't know", when no question among the most informative could change
   the top cause or the condition-based triage level with either answer, or at the cap.
   A self-care result first asks how long and whether it is getting worse; near the cap, the
   last questions are kept for these two.

Answers: "don't know" is recorded as unknown, never as "no". Every choice question offers
"None of these", which records each option shown as absent; when some options are ticked,
the unticked ones are absent too, because a list with "None of these" asks the person to go
through every option (as NHS 111 online's checklists do).

The thresholds and the measurements that chose them are in docs/model.md ("The interview").
"""

from __future__ import annotations

import math
import weakref
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

import numpy as np
import numpy.typing as npt

from spasmcheck.knowledge.ids import PREGNANT
from spasmcheck.knowledge.loader import KnowledgeBase
from spasmcheck.knowledge.policy import interview_policy
from spasmcheck.knowledge.schema import EmergencyScreen, RedFlag, TriageLevel
from spasmcheck.reasoning.engine import Assessment, Engine
from spasmcheck.reasoning.evidence import Evidence, EvidenceSet, Origin, Status
from spasmcheck.reasoning.inference import BayesModel, FloatArray
from spasmcheck.reasoning.triage import FiredFlag, TriageResult, condition_level, condition_levels

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

# The thresholds and choice groups are data: knowledge/data/policy/interview.yaml.
_POLICY = interview_policy()
MAX_QUESTIONS = _POLICY.max_questions
MAX_SCREENING = _POLICY.max_screening  # the emergency screen counts as one
MAX_UNKNOWN_ANSWERS = _POLICY.max_unknown_answers  # the person keeps answering "don't know"
MAX_ESCALATION = _POLICY.max_escalation  # after an emergency sign: could it be an ambulance?
SCREEN_LIFT = _POLICY.screen_lift
SCREEN_MIN_PROBABILITY = _POLICY.screen_min_probability
STOP_TOP_PROBABILITY = _POLICY.stop_top_probability
MIN_GAIN_BITS = _POLICY.min_gain_bits
STABILITY_CANDIDATES = _POLICY.stability_candidates
MIN_QUESTIONS = _POLICY.min_questions
# Urgent rules are screened at lower predictive probability than routine ones.
SCREEN_LEVELS = dict(_POLICY.screen_levels)
CHOICE_GROUPS = frozenset(_POLICY.choice_groups)
# Asked before any self-care result, if not yet known (cited in the policy file).
SELF_CARE_CHECKS = tuple(_POLICY.self_care_checks.groups)
# Asked first after the emergency screen when the text has not answered them: where, about you
FIRST_GROUPS = tuple(_POLICY.first_groups.groups)
# The ages at which pregnancy is offered as an option (when the sex is not male).
CHILDBEARING_AGES = (12, 55)
FIRST_WHY = {
    "location": "Where it happens is the first thing a doctor asks: it tells most causes apart.",
    "about_you": (
        "Medicines and illnesses change which causes are likely: some medicines cause cramps "
        "or spasms, and diabetes, kidney disease and pregnancy each have causes and warning "
        "signs of their own."
    ),
    "what_happened": (
        "Some of these turn an ordinary-looking symptom into a warning sign: an injury, a "
        "shock, a bite, water, smoke or fumes, the cold, travel, an operation or a birth."
    ),
    "other_warning_signs": (
        "Each of these needs an emergency department on its own, whatever is causing the "
        "spasms, and people do not always think to mention them."
    ),
}
# "Why are you asking this?" names causes still in the running that the answer clearly moves.
WHY_MIN_PROBABILITY = _POLICY.why_min_probability
WHY_MIN_LLR = _POLICY.why_min_llr


def lower_first(name: str) -> str:
    """A name in the middle of a sentence: "Low vitamin D" → "low vitamin D", but "IBS" and
    "MDMA poisoning" keep their capitals (only the first letter of a plain word is lowered)."""
    first = name.split(" ", 1)[0]
    if len(first) > 1 and (first[1].isupper() or first[1].isdigit()):
        return name
    return name[:1].lower() + name[1:]


class QuestionKind(StrEnum):
    YES_NO = "yes_no"
    SINGLE = "single"
    MULTIPLE = "multiple"


class Answer(StrEnum):
    YES = "yes"
    NO = "no"
    DONT_KNOW = "dont_know"
    NONE = "none"  # "None of these", for choice questions


YES_NO_ANSWERS = (Answer.YES, Answer.NO, Answer.DONT_KNOW)
CHOICE_ANSWERS = (Answer.NONE, Answer.DONT_KNOW)  # besides the list of chosen options


class StopReason(StrEnum):
    EMERGENCY_SIGN = "emergency_sign"
    QUESTION_LIMIT = "question_limit"
    NOTHING_LEFT_TO_ASK = "nothing_left_to_ask"
    NOT_ENOUGH_ANSWERS = "not_enough_answers"
    CONFIDENT = "confident"
    NO_INFORMATIVE_QUESTION = "no_informative_question"
    RANKING_AND_TRIAGE_STABLE = "ranking_and_triage_stable"


@dataclass(frozen=True)
class Option:
    finding_id: str
    label: str

    def as_dict(self) -> dict[str, str]:
        return {"id": self.finding_id, "label": self.label}


@dataclass(frozen=True)
class Question:
    id: str  # the finding id (yes/no), the group id or the screen id (choice)
    kind: QuestionKind
    text: str
    why: str  # the rationale shown on "why are you asking?"
    screening: bool  # True when asked to rule out a warning sign
    options: tuple[Option, ...] = ()
    separates: tuple[str, ...] = ()  # condition ids it helps tell apart
    escalation: bool = False  # asked after an emergency sign, to see if it needs an ambulance

    @classmethod
    def answered(
        cls,
        question_id: str,
        kind: str,
        options: Iterable[str],
        *,
        screening: bool = False,
        escalation: bool = False,
    ) -> Question:
        """The shape of a question a client answered, without its words: all
        :func:`answer_evidence` needs to turn the answer into evidence."""
        return cls(
            question_id,
            QuestionKind(kind),
            "",
            "",
            screening,
            tuple(Option(o, o) for o in options),
            escalation=escalation,
        )

    def as_dict(self) -> dict[str, Any]:
        answers = YES_NO_ANSWERS if self.kind is QuestionKind.YES_NO else CHOICE_ANSWERS
        return {
            "id": self.id,
            "kind": self.kind.value,
            "text": self.text,
            "why": self.why,
            "screening": self.screening,
            "options": [o.as_dict() for o in self.options],
            "separates": list(self.separates),
            "escalation": self.escalation,
            "answers": [a.value for a in answers],
        }


@dataclass(frozen=True)
class Step:
    question: Question | None
    assessment: Assessment
    should_stop: bool
    stop_reason: str | None
    questions_asked: int
    evidence: list[Evidence] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "question": self.question.as_dict() if self.question else None,
            "should_stop": self.should_stop,
            "stop_reason": self.stop_reason,
            "questions_asked": self.questions_asked,
            "result": self.assessment.as_dict(),
        }


def questions_asked(evidence: Iterable[Evidence]) -> int:
    """How many questions the evidence answers (a choice question sets several findings)."""
    return len({e.question or e.finding_id for e in evidence if e.origin is Origin.ANSWER})


# -- 1. emergency stop ----------------------------------------------------------------------


def emergency_stop(fired: Iterable[FiredFlag], *, doubtful_too: bool = False) -> bool:
    """True when an affirmed red flag (or, with ``doubtful_too``, a doubtful one) calls an
    ambulance: nothing more to ask."""
    return any(
        f.flag.level is TriageLevel.EMERGENCY_AMBULANCE and (doubtful_too or not f.uncertain)
        for f in fired
    )


def emergency_found(fired: Iterable[FiredFlag]) -> bool:
    """True when an affirmed red flag sends the person to an emergency department (or more)."""
    return any(f.flag.level.is_emergency and not f.uncertain for f in fired)


def affirmed_flags(fired: Iterable[FiredFlag], present: Collection[str]) -> list[FiredFlag]:
    """The rules that fire on the affirmed findings alone, from those that fire when doubtful
    mentions count too (triage's list): the same as :func:`~.triage.fired_red_flags` without
    ``possible``, without evaluating every rule a second time.

    A rule that fires on ``present`` fires on ``present`` ∪ ``possible`` (its ``unless``
    context is read from ``present`` in both, and a doubtful ``still_when_any`` finding only
    keeps more rules firing), so filtering triage's list loses none; a rule kept firing only
    by a doubtful ``still_when_any`` finding is checked again on the affirmed alone.
    """
    affirmed = []
    for item in fired:
        flag = item.flag
        if not all(f in present for f in flag.all_of):
            continue
        hits = [f for f in flag.any_of if f in present]
        if flag.any_of and not hits:
            continue
        if flag.keeps_firing_on and flag.silenced_by(present):
            continue
        affirmed.append(FiredFlag(flag, (*flag.all_of, *hits), False))
    return affirmed


# -- 2. the emergency screen ----------------------------------------------------------------


def first_group(
    groups: Sequence[str], members: Mapping[str, Sequence[str]], evidence: EvidenceSet
) -> str | None:
    """The first of ``groups`` (FIRST_GROUPS) that the evidence has not touched at all.

    A group is skipped as soon as any of its options is known — said in the text, answered,
    or answered "don't know" — so "my left eyelid" is never followed by "where is it?", and
    no group is asked twice. A group of separate events (:data:`OPEN_FIRST_GROUPS`) is still
    asked after the text told one of them ("fell off the horse" says nothing of a knock to
    the head), with the options left open, until it is answered.
    """
    for group_id in groups:
        ids = members.get(group_id, ())
        if not ids:
            continue
        if group_id in OPEN_FIRST_GROUPS:
            # asked until answered (an option carries the group's question) or all told
            known = [evidence.get(f) for f in ids]
            if all(k is not None for k in known) or any(
                k is not None and k.question == group_id for k in known
            ):
                continue
            return group_id
        if not any(f in evidence for f in ids):
            return group_id
    return None


def could_be_pregnant(age: int | None, sex: str | None) -> bool:
    """Not male, and aged ``CHILDBEARING_AGES`` when the age is known."""
    low, high = CHILDBEARING_AGES
    return sex != "male" and (age is None or low <= age <= high)


# First groups whose options are separate events (what happened in the last days or weeks):
# one told in the text leaves the others open (first_group, Interviewer._first_question).
OPEN_FIRST_GROUPS = frozenset({"what_happened"})

# Options offered only to someone who could be pregnant (or have just given birth).
_PREGNANCY_OPTIONS = frozenset({PREGNANT, "recent_birth"})


def options_for(members: Sequence[str], age: int | None, sex: str | None) -> list[str]:
    """A choice group's options for this person: pregnancy and a recent birth only for
    someone who could be pregnant (:func:`could_be_pregnant`)."""
    pregnant = could_be_pregnant(age, sex)
    return [f for f in members if f not in _PREGNANCY_OPTIONS or pregnant]


def first_question(
    kb: KnowledgeBase, members: Sequence[str], group_id: str, age: int | None, sex: str | None
) -> Question | None:
    """Where, or about you, as one choice question over the options that suit the person
    (``members``: the group's findings); None when none does."""
    offered = options_for(members, age, sex)
    if not offered:
        return None
    group = kb.group_by_id[group_id]
    options = tuple(Option(f, kb.finding_by_id[f].name) for f in offered)
    kind = QuestionKind.MULTIPLE if group.multiple else QuestionKind.SINGLE
    why = FIRST_WHY.get(group_id, "A doctor would ask this first.")
    return Question(group_id, kind, group.question, why, False, options)


def settled(evidence: EvidenceSet, finding_id: str) -> bool:
    """Known well enough not to ask again: affirmed, denied, or already answered in any way
    (a "don't know" answer is not asked twice). A doubtful mention is not settled."""
    item = evidence.get(finding_id)
    if item is None:
        return False
    return item.status is not Status.UNKNOWN or item.origin is Origin.ANSWER


def screen_question(screen: EmergencyScreen | None, evidence: EvidenceSet) -> Question | None:
    """The emergency screen with the options still open, or None when all are settled.

    Every option fires its red flag at any age (the loader checks it), so none is left out
    for the person's age.
    """
    if screen is None:
        return None
    options = tuple(
        Option(o.finding, o.label) for o in screen.options if not settled(evidence, o.finding)
    )
    if not options:
        return None
    return Question(screen.id, QuestionKind.MULTIPLE, screen.question, screen.why, True, options)


class ScreenTable:
    """:func:`screen_question` with the screen's options and its whole question made once per
    knowledge base: the screen opens every interview and its options were rebuilt on every
    step (issue 16, fifth pass). ``tests/reasoning/test_step_tables.py`` holds the two to the
    same questions."""

    def __init__(self, screen: EmergencyScreen) -> None:
        self.options = tuple(Option(o.finding, o.label) for o in screen.options)
        self.whole = Question(
            screen.id, QuestionKind.MULTIPLE, screen.question, screen.why, True, self.options
        )

    def question(self, evidence: EvidenceSet) -> Question | None:
        """``screen_question(screen, evidence)``."""
        options = tuple(o for o in self.options if not settled(evidence, o.finding_id))
        if not options:
            return None
        if len(options) == len(self.options):
            return self.whole
        return replace(self.whole, options=options)


# -- 3. escalation ----------------------------------------------------------------------------


def escalation_targets(
    rules: Iterable[RedFlag],
    present: Iterable[str],
    absent: Iterable[str],
    age: int | None,
    likely: Callable[[str], float],
) -> list[tuple[str, RedFlag]]:
    """After an emergency-department sign: the findings that could make it an ambulance.

    The candidates are the missing parts of ambulance-level rules that the findings present
    point to (``screen_when``): rules one answer away from firing first ("a recent wound?"
    after a clamped jaw), then the part this presentation makes likeliest.
    """
    present, absent = set(present), set(absent)
    candidates: list[tuple[int, float, str, RedFlag]] = []
    for rule in rules:
        if rule.level is not TriageLevel.EMERGENCY_AMBULANCE or not rule.applies_to(age):
            continue
        if not any(f in present for f in rule.screen_when):
            continue
        if any(f in absent for f in rule.all_of):
            continue
        missing = [f for f in rule.all_of if f not in present]
        if not any(f in present for f in rule.any_of):
            missing.extend(rule.any_of[:1])
        candidates.extend((len(missing), -likely(f), f, rule) for f in missing)
    candidates.sort(key=lambda item: (item[0], item[1]))
    targets: list[tuple[str, RedFlag]] = []
    for _, _, finding_id, rule in candidates:
        if all(t != finding_id for t, _ in targets):
            targets.append((finding_id, rule))
    return targets


def next_escalation(
    targets: Sequence[tuple[str, RedFlag]], evidence: EvidenceSet
) -> tuple[str, RedFlag] | None:
    """The first target not yet known, unless ``MAX_ESCALATION`` have been asked already."""
    asked = [t for t, _ in targets if (item := evidence.get(t)) is not None and item.escalation]
    if len(asked) >= MAX_ESCALATION:
        return None
    return next(((f, r) for f, r in targets if f not in evidence), None)


# -- 5. screening ---------------------------------------------------------------------------


@dataclass(frozen=True)
class RuleOdds:
    """How likely a red-flag rule is to fire, now and in the background population."""

    rule: RedFlag
    p_fire: float  # P(rule fires | evidence so far), from the model's predictive probabilities
    p_background: float  # the same with every unknown finding at its base rate
    target: str  # the finding to ask to settle it
    presented: bool  # the presenting complaint names this rule (screen_when)

    @property
    def plausible(self) -> bool:
        weight = SCREEN_LEVELS[self.rule.level]
        return (
            self.presented
            or self.p_fire >= SCREEN_LIFT * weight * self.p_background
            or self.p_fire >= SCREEN_MIN_PROBABILITY * weight
        )

    @property
    def score(self) -> float:
        """Rules the presentation names first; then closeness to firing × urgency."""
        return int(self.presented) + self.p_fire * self.rule.level.urgency


def rule_odds(
    rule: RedFlag,
    evidence: EvidenceSet,
    predictive: Callable[[str], float],
    background: Callable[[str], float],
    *,
    nearly_only: bool = False,
    general: Mapping[str, Sequence[str]] | None = None,
) -> RuleOdds | None:
    """The odds that ``rule`` fires, or None when there is nothing to ask about it.

    With the unknown ``all_of`` parts A and ``any_of`` parts B (none of B present yet),
    P(fire) = Π_A p(a) × (1 − Π_B (1 − p(b))), assuming the parts independent given the
    evidence; the background uses each finding's base rate instead. ``nearly_only`` keeps
    only rules one answer away from firing (every ``all_of`` part present).

    A part counts as there when it is present or mentioned with doubt, as triage counts it.
    A rule with an ``all_of`` part that is known but not there (denied, or answered "don't
    know") cannot fire on this evidence, so nothing more is asked about it. Triage fires a
    combination (two or more ``all_of`` parts) only on affirmed parts, so a part of one that
    the text gave with doubt is still to be asked.

    ``general`` maps a finding to its general forms ("a rash" for "a rash that does not
    fade", :func:`general_forms`): an emergency rule one answer from firing, whose missing
    part's general form the person affirmed, is presented too, and that part is the target
    (:func:`family_part`).
    """
    present = set(evidence.present)
    there = present | set(evidence.possible)
    if rule.silenced_by(present, there):
        return None  # its context is already given ("for months"): it cannot fire
    known = {e.finding_id for e in evidence}
    if any(f in known and f not in there for f in rule.all_of):
        return None
    doubted = _doubted_in_text(evidence) if len(rule.all_of) > 1 else set()
    unknown_all = [f for f in rule.all_of if f not in known or f in doubted]
    any_done = any(f in there for f in rule.any_of)
    unknown_any = [] if any_done else [f for f in rule.any_of if f not in known]
    if rule.any_of and not any_done and not unknown_any:
        return None  # every alternative denied or unanswerable
    if not unknown_all and not unknown_any:
        return None
    if nearly_only and (unknown_all or not rule.all_of):
        return None
    p_fire = math.prod(predictive(f) for f in unknown_all)
    p_background = math.prod(background(f) for f in unknown_all)
    if unknown_any:
        p_fire *= 1.0 - math.prod(1.0 - predictive(f) for f in unknown_any)
        p_background *= 1.0 - math.prod(1.0 - background(f) for f in unknown_any)
    # An answer to the history questions asked first (where, about you) is not a screening
    # answer: a rule its complaint names is still screened (as ScreeningIndex.target).
    answered = {
        e.finding_id
        for e in evidence
        if e.origin is Origin.ANSWER and e.question not in FIRST_GROUPS
    }
    # A presenting complaint earns a rule its first question; once any part of it has been
    # answered, further parts must be made likely by the model.
    presented = any(f in present for f in rule.screen_when) and not any(
        f in answered for f in rule.finding_ids
    )
    family = family_part(rule, unknown_all, any_done, unknown_any, present, general)
    if family is not None:
        return RuleOdds(rule, p_fire, p_background, family, True)
    # Ask the part most likely to rule the rule out (all_of), else the likeliest any_of.
    target = min(unknown_all, key=predictive) if unknown_all else max(unknown_any, key=predictive)
    return RuleOdds(rule, p_fire, p_background, target, presented)


def family_part(
    rule: RedFlag,
    unknown_all: Sequence[str],
    any_done: bool,
    unknown_any: Sequence[str],
    present: Collection[str],
    general: Mapping[str, Sequence[str]] | None,
) -> str | None:
    """The part an emergency rule still needs, when it is the one answer left before the rule
    fires and the person has affirmed its general form; else None.

    A clinician told of a rash asks whether it fades under a glass, told of numbness asks
    whether it is in the saddle area, told of a knock to the head and of feeling sick asks
    whether the person has vomited: the specific, dangerous form of what was reported
    (:func:`general_forms`). ``unknown_all`` and ``unknown_any`` are the parts still to
    ask, ``any_done`` whether an ``any_of`` part is already there (:func:`rule_odds`)."""
    if not general or not rule.level.is_emergency:
        return None
    if unknown_all:
        one_left = len(unknown_all) == 1 and (any_done or not rule.any_of)
        candidates: Sequence[str] = unknown_all if one_left else ()
    else:
        candidates = unknown_any
    return next((f for f in candidates if any(g in present for g in general.get(f, ()))), None)


def screening_target(odds: Iterable[RuleOdds | None]) -> RuleOdds | None:
    """The plausible rule with the highest score (the first one on a tie), or None."""
    best: RuleOdds | None = None
    for item in odds:
        if item is not None and item.plausible and (best is None or item.score > best.score):
            best = item
    return best


def general_forms(kb: KnowledgeBase) -> dict[str, tuple[str, ...]]:
    """Each finding → its general forms: the most general member of its family (the last;
    families are listed from the most specific member) and the findings it ``implies``
    ("vomiting" for "cannot keep fluids down", "a knock to the head" for a serious one)."""
    forms: dict[str, dict[str, None]] = {}
    for family in kb.families:
        for member in family.members[:-1]:
            forms.setdefault(member, {})[family.members[-1]] = None
    for finding in kb.findings:
        for implied in finding.implies:
            forms.setdefault(finding.id, {})[implied] = None
    return {f: tuple(g) for f, g in forms.items()}


# -- 6. information gain ----------------------------------------------------------------------


def entropy(p: FloatArray, axis: int = 0) -> FloatArray:
    """Shannon entropy in bits along ``axis``; 0 log 0 is 0."""
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(p > 0, -p * np.log2(p), 0.0)
    result: FloatArray = terms.sum(axis=axis)
    return result


def expected_information_gain(
    posterior: FloatArray, p_yes: FloatArray, p_no: FloatArray
) -> FloatArray:
    """``H(C) − [P(yes) H(C | yes) + P(no) H(C | no)]`` for every finding (column) at once.

    ``posterior`` is P(C) over conditions; ``p_yes[c, f]`` and ``p_no[c, f]`` are the
    probabilities of a yes and of a no to finding f under condition c (they need not sum
    to 1: an uninformative "no" keeps its background rate), so each answer's probability is
    normalised by their total.
    """
    joint_yes = posterior[:, None] * p_yes
    joint_no = posterior[:, None] * p_no
    yes = joint_yes.sum(axis=0)
    no = joint_no.sum(axis=0)
    expected = (yes * entropy(joint_yes / yes) + no * entropy(joint_no / no)) / (yes + no)
    gains: FloatArray = entropy(posterior) - expected
    return gains


# -- 7. stopping ------------------------------------------------------------------------------


def stop_reason(
    *, asked: int, top_probability: float, best_gain: float, unknown_answers: int
) -> StopReason | None:
    """Why to stop now (or None), from four numbers; the stability test comes after."""
    if best_gain <= 0 or not math.isfinite(best_gain):
        return StopReason.NOTHING_LEFT_TO_ASK
    if asked < MIN_QUESTIONS:
        return None
    if unknown_answers >= MAX_UNKNOWN_ANSWERS:
        return StopReason.NOT_ENOUGH_ANSWERS
    if top_probability >= STOP_TOP_PROBABILITY:
        return StopReason.CONFIDENT
    if best_gain < MIN_GAIN_BITS:
        return StopReason.NO_INFORMATIVE_QUESTION
    return None


def ranking_stable(
    posterior: FloatArray,
    p_yes: FloatArray,
    p_no: FloatArray,
    level: Callable[[FloatArray], TriageLevel],
    *,
    levels: Callable[[FloatArray], Sequence[TriageLevel]] | None = None,
    now: TriageLevel | None = None,
) -> bool:
    """True when no answer to any of the candidate findings (the columns of ``p_yes`` and
    ``p_no``) would change the top cause or the condition-based triage level.

    ``levels``, when given, is ``level`` of every column of a matrix at once (the same
    levels, one call instead of one per column); ``now``, when given, is
    ``level(posterior)``, already known."""
    top = int(np.argmax(posterior))
    if now is None:
        now = level(posterior)
    for table in (p_yes, p_no):
        updated = posterior[:, None] * table
        updated /= updated.sum(axis=0)
        if np.any(np.argmax(updated, axis=0) != top):
            return False
        if levels is not None:
            if any(lv is not now for lv in levels(updated)):
                return False
        elif any(level(updated[:, j]) is not now for j in range(updated.shape[1])):
            return False
    return True


# -- tables built once per knowledge base ----------------------------------------------------


def _padded(rows: Sequence[Sequence[int]], pad: int) -> IntArray:
    """Rows of finding indices as one matrix, short rows filled with ``pad``."""
    width = max((len(row) for row in rows), default=0) or 1
    table = np.full((len(rows), width), pad, dtype=np.int64)
    for i, row in enumerate(rows):
        table[i, : len(row)] = row
    return table


@dataclass(frozen=True)
class _AnswerTerms:
    """One answer's likelihoods: the background row and, on the links, what differs from it.
    The links are sorted by finding; ``starts[k]`` is where the links of finding
    ``columns[k]`` begin, so a sum over each finding's links is one ``np.add.reduceat``."""

    background: FloatArray  # b (yes) or 1 − b (no), per finding
    background_log: FloatArray  # the same times its log2
    rows: IntArray  # condition of each link that differs from the background
    starts: IntArray
    columns: IntArray
    delta: FloatArray  # Y − b on those links
    delta_log: FloatArray  # Y log2 Y − b log2 b on those links

    @classmethod
    def build(cls, table: FloatArray, background: FloatArray) -> _AnswerTerms:
        cols, rows = np.nonzero(background[:, None] != table.T)  # finding by finding
        values = table[rows, cols]
        bg = background[cols]
        starts = np.flatnonzero(np.r_[True, cols[1:] != cols[:-1]]) if len(cols) else cols
        return cls(
            background=background,
            background_log=background * np.log2(background),
            rows=rows.astype(np.int64),
            starts=starts.astype(np.int64),
            columns=cols[starts].astype(np.int64),
            delta=values - bg,
            delta_log=values * np.log2(values) - bg * np.log2(bg),
        )

    def per_finding(self, on_links: FloatArray) -> FloatArray:
        """The sum of ``on_links`` (one value per link) over each finding's links."""
        sums = np.zeros(len(self.background))
        if len(self.starts):
            sums[self.columns] = np.add.reduceat(on_links, self.starts)
        return sums


class AnswerLikelihoods:
    """P(yes | c) and P(no | c) of every finding as a background row plus the links, so that
    the expected information gain of every finding comes from a few sums over the links.

    With ``Y[c, f]`` = P(yes to f | c) (the link's ``p``, else the base rate ``b_f``) and the
    posterior π, the probability of a yes is ``m_f = Σ_c π_c Y[c, f]`` and

        m_f H(C | yes to f) = m_f log m_f − Σ_c (π_c log π_c) Y[c,f] − Σ_c π_c Y[c,f] log Y[c,f]

    (logs base 2), and the same for a no with ``N``: vector–matrix products. Writing
    ``Y = 1 bᵀ + S``, where ``S`` is non-zero only on the knowledge base's links, makes each
    one a scalar times the background row plus a sum over the links, and the last two sums
    one sum. No conditions × findings array is made per step: the cost grows with the links,
    not with conditions × findings. :func:`expected_information_gain` is the same formula
    written on the full arrays (the tests hold the two to 1e-9 bits).
    """

    def __init__(self, model: BayesModel) -> None:
        base = model.base_rate
        self.yes = _AnswerTerms.build(model.p_present, base)
        self.no = _AnswerTerms.build(model.p_absent, 1.0 - base)
        # P(yes | c) and P(no | c) finding by finding (2 × findings × conditions): a few
        # findings' columns of both are read as contiguous rows (Interviewer._stable)
        self.by_finding = np.ascontiguousarray(np.stack([model.p_present.T, model.p_absent.T]))

    def predictive(self, posterior: FloatArray) -> FloatArray:
        """P(yes) to every finding, ``posterior @ P(yes | c)``, from the links."""
        t = self.yes
        mass: FloatArray = float(posterior.sum()) * t.background + t.per_finding(
            posterior.take(t.rows) * t.delta
        )
        return mass

    def gains(self, posterior: FloatArray, predictive: FloatArray | None = None) -> FloatArray:
        """Expected information gain (bits) of every finding: ``H(C) − Σ_a m_a H(C | a)``,
        normalised by ``Σ_a m_a`` as :func:`expected_information_gain` does. ``predictive``:
        what :meth:`predictive` gave for this posterior, if already computed."""
        with np.errstate(divide="ignore", invalid="ignore"):
            plogp = np.where(posterior > 0, posterior * np.log2(posterior), 0.0)
        total, total_plogp = float(posterior.sum()), float(plogp.sum())
        masses = []
        weighted = []
        for t in (self.yes, self.no):
            pi = posterior.take(t.rows)
            if predictive is not None and t is self.yes:
                mass = predictive
            else:
                mass = total * t.background + t.per_finding(pi * t.delta)
            # Σ_c (π_c log π_c) Y[c, f] + Σ_c π_c Y[c, f] log Y[c, f], together
            sums = total_plogp * t.background + total * t.background_log
            sums += t.per_finding(plogp.take(t.rows) * t.delta + pi * t.delta_log)
            masses.append(mass)
            weighted.append(mass * np.log2(mass) - sums)
        expected = (weighted[0] + weighted[1]) / (masses[0] + masses[1])
        gains: FloatArray = -total_plogp - expected
        return gains


def _doubted_in_text(evidence: EvidenceSet) -> set[str]:
    """Findings the text gave with doubt and no answer has settled."""
    return {
        e.finding_id
        for e in evidence
        if e.possible and e.status is not Status.PRESENT and e.origin is not Origin.ANSWER
    }


# A finding's state in ScreeningIndex.target, one bit each of a byte per finding: what the
# rules' parts are reduced over (a bitwise "or" over each rule's parts).
_UNKNOWN = 1  # not in the evidence (the padding index is not unknown)
_NOT_THERE = 2  # known, neither present nor given with doubt: denied, or "don't know"
_THERE = 4  # present, or given with doubt
_PRESENT = 8
_ANSWERED = 16  # answered, outside the history questions asked first (FIRST_GROUPS)
_DOUBTED = 32  # given with doubt in the text and not settled by an answer
# A rule's all_of parts are read from the byte as it is, its any_of parts from the byte
# shifted by _ANY, its screen_when findings from the byte shifted by _WHEN: one reduction
# gives every rule the three "or"s side by side.
_ANY, _WHEN = 8, 16


class ScreeningIndex:
    """The screened red-flag rules as flat index arrays, so that :func:`rule_odds` of every
    rule (and :func:`screening_target` over them) is a few array operations per step.

    Each step writes one byte per finding (the ``_UNKNOWN`` … ``_DOUBTED`` bits) and reads
    every rule's parts (``all_of``, ``any_of``, ``screen_when``) in one gather and one
    bitwise "or" per rule (``np.bitwise_or.reduceat`` over the rules' segments of ``parts``).
    The probabilities are read the same way from a table of factors that are 1 where a part
    does not count, and multiplied per rule in the order of its parts (as ``math.prod``).
    Every segment ends with a padding index (one past the last finding: no bit, factor 1),
    so none is empty. A rule's context (:meth:`RedFlag.silenced_by`) is checked only for the
    rules that an affirmed finding could silence. ``tests/reasoning/test_step_tables.py``
    holds :meth:`target` to :func:`screening_target` over :func:`rule_odds`.
    """

    def __init__(
        self,
        rules: Sequence[RedFlag],
        index: Mapping[str, int],
        n_findings: int,
        general: Mapping[str, Sequence[str]] | None = None,
    ):
        self.rules = tuple(rules)
        # a general finding → the emergency rules with a part of its family (family_part)
        self.general = dict(general or {})
        by_general: dict[str, list[int]] = {}
        for i, rule in enumerate(self.rules):
            if rule.level.is_emergency:
                for f in dict.fromkeys(rule.finding_ids):
                    for g in self.general.get(f, ()):
                        by_general.setdefault(g, []).append(i)
        self.by_general = {f: tuple(dict.fromkeys(rules_)) for f, rules_ in by_general.items()}
        self.pad = n_findings
        size = n_findings + 1

        def segments(parts: Callable[[RedFlag], Sequence[int]]) -> tuple[IntArray, IntArray]:
            """Each rule's positions, then the padding, one rule after the other; and where
            each rule's segment starts."""
            flat: list[int] = []
            starts: list[int] = []
            for rule in self.rules:
                starts.append(len(flat))
                flat.extend(parts(rule))
                flat.append(self.pad)
            return np.array(flat, dtype=np.int64), np.array(starts, dtype=np.int64)

        # the bytes as a flattened 3 × (findings + 1) array: as they are, << _ANY, << _WHEN
        self.parts, self.starts = segments(
            lambda r: [
                *(index[f] for f in r.all_of),
                *(size + index[f] for f in r.any_of),
                *(2 * size + index[f] for f in r.screen_when),
            ]
        )
        self.shifts = np.array([[1], [1 << _ANY], [1 << _WHEN]], dtype=np.uint32)
        # the byte of every finding before the evidence is read: unknown
        self.blank = bytes([_UNKNOWN]) * n_findings + b"\0"
        # the factors multiplied, a flattened 6 × (findings + 1) array: rows 0-1 the
        # probability now and in the background where the part is unknown, else 1; rows 2-3
        # the same where unknown or doubted (a combination's all_of parts); rows 4-5 one
        # minus rows 0-1 where unknown (any_of: the chance that none is there), else 1
        combination = [len(r.all_of) > 1 for r in self.rules]
        all_now, self.all_starts = segments(
            lambda r: [(2 * size if len(r.all_of) > 1 else 0) + index[f] for f in r.all_of]
        )
        self.all_of_both = np.stack([all_now, all_now + size])
        any_now, self.any_starts = segments(lambda r: [4 * size + index[f] for f in r.any_of])
        self.any_of_both = np.stack([any_now, any_now + size])
        # an all_of part still to ask: unknown, or (in a combination) given with doubt
        self.all_unknown_bits = np.array(
            [_UNKNOWN | _DOUBTED if c else _UNKNOWN for c in combination], dtype=np.uint32
        )
        self.has_all = np.array([bool(r.all_of) for r in self.rules], dtype=bool)
        self.has_any = np.array([bool(r.any_of) for r in self.rules], dtype=bool)
        no_min, no_max = -1, 10**6
        self.min_age = np.array([no_min if r.min_age is None else r.min_age for r in rules])
        self.max_age = np.array([no_max if r.max_age is None else r.max_age for r in rules])
        self.needs_age = np.array([r.needs_age for r in rules], dtype=bool)
        # the rules that apply at each age a person can give (validate_inputs: 0 to 120),
        # and without an age: one row read per step instead of three comparisons
        self.applies_at = (self.min_age <= np.arange(121)[:, None]) & (
            np.arange(121)[:, None] <= self.max_age
        )
        self.applies_without_age = ~self.needs_age
        # finding → the rules whose context it could silence, when affirmed: a rule with no
        # such finding affirmed is not silenced (RedFlag.silenced_by)
        silencing: dict[str, list[int]] = {}
        for i, rule in enumerate(self.rules):
            for f in dict.fromkeys([*rule.unless, *rule.unless_any, *rule.unless_alone]):
                silencing.setdefault(f, []).append(i)
        self.silencing = {f: tuple(rules_) for f, rules_ in silencing.items()}
        self.weight = np.array([SCREEN_LEVELS[r.level] for r in self.rules], dtype=np.float64)
        self.urgency = np.array([r.level.urgency for r in self.rules], dtype=np.float64)

    def target(
        self,
        evidence: EvidenceSet,
        index: Mapping[str, int],
        predictive: FloatArray,
        background: FloatArray,
        age: int | None,
        *,
        nearly_only: bool = False,
    ) -> RuleOdds | None:
        """``screening_target(rule_odds(r, ...) for r in rules if r.applies_to(age))``."""
        codes = bytearray(self.blank)
        affirmed: list[str] = []
        present, answer, first_groups = Status.PRESENT, Origin.ANSWER, FIRST_GROUPS
        for item in evidence:
            j = index.get(item.finding_id)
            if j is None:
                continue
            if item.status is present:
                byte = _THERE | _PRESENT
                affirmed.append(item.finding_id)
            elif item.possible:
                byte = _THERE if item.origin is answer else _THERE | _DOUBTED
            else:
                byte = _NOT_THERE
            # An answer to the history questions asked first (where, about you) is not a
            # screening answer: a rule its complaint names is still screened.
            if item.origin is answer and item.question not in first_groups:
                byte |= _ANSWERED
            codes[j] = byte
        code = np.frombuffer(codes, dtype=np.uint8)
        bits = np.bitwise_or.reduceat((code * self.shifts).take(self.parts), self.starts)
        # whether each rule has an unknown all_of part, an unknown any_of part
        some_all = (bits & self.all_unknown_bits).astype(bool)
        any_done = (bits & _THERE << _ANY).astype(bool)
        some_any = (bits & _UNKNOWN << _ANY).astype(bool) & ~any_done
        blocked = (bits & _NOT_THERE).astype(bool)
        open_ = ~blocked & (some_all | some_any) & ~(self.has_any & ~any_done & ~some_any)
        if age is None:
            open_ &= self.applies_without_age
        elif 0 <= age < len(self.applies_at):
            open_ &= self.applies_at[age]
        else:
            open_ &= (self.min_age <= age) & (age <= self.max_age)
        if nearly_only:
            open_ &= self.has_all & ~some_all
        # a rule whose context is already given cannot fire: nothing to ask about it
        silencing = self.silencing
        contextual = {i for f in affirmed for i in silencing.get(f, ())}
        if contextual:
            said = set(affirmed)
            there = said | set(evidence.possible)
            for i in contextual:
                if open_[i] and self.rules[i].silenced_by(said, there):
                    open_[i] = False
        if not open_.any():
            return None

        # the parts' factors (now, background): see __init__
        p = np.array((predictive, background))
        unknown = (code[:-1] & _UNKNOWN).view(bool)
        factors = np.ones((6, self.pad + 1))
        np.copyto(factors[0:2, :-1], p, where=unknown)
        np.copyto(factors[2:4, :-1], p, where=(code[:-1] & (_UNKNOWN | _DOUBTED)).astype(bool))
        np.copyto(factors[4:6, :-1], 1.0 - p, where=unknown)
        p_all = np.multiply.reduceat(factors.take(self.all_of_both), self.all_starts, axis=1)
        p_none = np.multiply.reduceat(factors.take(self.any_of_both), self.any_starts, axis=1)
        p_fire, p_background = np.where(some_any, p_all * (1.0 - p_none), p_all)
        answered = (bits & (_ANSWERED | _ANSWERED << _ANY)).astype(bool)
        presented: BoolArray = (bits & _PRESENT << _WHEN).astype(bool) & ~answered
        family = self._family_parts(affirmed, open_, bits, codes, index)
        if family:
            presented[list(family)] = True
        weight = self.weight
        plausible = (
            presented
            | (p_fire >= SCREEN_LIFT * weight * p_background)
            | (p_fire >= SCREEN_MIN_PROBABILITY * weight)
        ) & open_
        if not plausible.any():
            return None
        score = presented.astype(np.float64) + p_fire * self.urgency
        best = int(np.argmax(np.where(plausible, score, -np.inf)))  # the first on a tie
        rule = self.rules[best]

        def likely(finding_id: str) -> float:
            return float(predictive[index[finding_id]])

        still_open = _UNKNOWN | _DOUBTED if len(rule.all_of) > 1 else _UNKNOWN
        unknown_ids = [f for f in rule.all_of if codes[index[f]] & still_open]
        if best in family:
            target = family[best]
        elif unknown_ids:
            target = min(unknown_ids, key=likely)
        else:
            target = max((f for f in rule.any_of if codes[index[f]] & _UNKNOWN), key=likely)
        return RuleOdds(
            rule, float(p_fire[best]), float(p_background[best]), target, bool(presented[best])
        )

    def _family_parts(
        self,
        affirmed: Sequence[str],
        open_: BoolArray,
        bits: IntArray,
        codes: bytearray,
        index: Mapping[str, int],
    ) -> dict[int, str]:
        """The open rules presented by :func:`family_part`, with the part to ask: only the
        rules with a part whose general form is affirmed are looked at, one by one."""
        found: dict[int, str] = {}
        said: set[str] | None = None
        for f in affirmed:
            for i in self.by_general.get(f, ()):
                if i in found or not open_[i]:
                    continue
                said = set(affirmed) if said is None else said
                rule = self.rules[i]
                still_open = self.all_unknown_bits[i]  # unknown, or doubted in a combination
                unknown_all = [p for p in rule.all_of if codes[index[p]] & still_open]
                any_done = bool(bits[i] & _THERE << _ANY)
                unknown_any = (
                    [] if any_done else [p for p in rule.any_of if codes[index[p]] & _UNKNOWN]
                )
                part = family_part(rule, unknown_all, any_done, unknown_any, said, self.general)
                if part is not None:
                    found[i] = part
        return found


@dataclass(frozen=True)
class InterviewTables:
    """What the interview needs of one engine, computed once: an Interviewer is made per
    request, so nothing here may be rebuilt per request or per step."""

    askable: BoolArray
    group_members: dict[str, list[str]]
    screen_rules: list[RedFlag]
    screening: ScreeningIndex
    likelihoods: AnswerLikelihoods
    # finding id → the emergency rules that name it, in the knowledge base's order
    emergency_rules: dict[str, list[RedFlag]]
    # SELF_CARE_CHECKS: each group's members and its question (the same every time)
    self_care_questions: tuple[tuple[list[str], Question], ...]
    # finding id → the positions of the other answers of its one-answer choice group, which
    # an affirmed answer settles (Interviewer._gains)
    exclusive: dict[str, tuple[int, ...]]
    screen: ScreenTable | None  # the emergency screen's question, when there is a screen
    # FIRST_GROUPS: each group's question, for someone who could be pregnant and for someone
    # who could not (the only way the person changes it: :func:`first_question`)
    first_questions: dict[tuple[str, bool], Question | None]

    @classmethod
    def build(cls, engine: Engine) -> InterviewTables:
        kb, model = engine.kb, engine.model
        group_members: dict[str, list[str]] = {}
        for finding in kb.findings:
            if finding.group in CHOICE_GROUPS:
                group_members.setdefault(finding.group, []).append(finding.id)
        for group_id, listed in _POLICY.option_order.items():
            # the listed options first, in the policy's order; the others after, as loaded
            rank = {f: i for i, f in enumerate(listed)}
            group_members.get(group_id, []).sort(key=lambda f: rank.get(f, len(rank)))
        screen_rules = [r for r in kb.red_flags if r.level in SCREEN_LEVELS]
        emergency_rules: dict[str, list[RedFlag]] = {}
        for rule in kb.red_flags:
            if rule.level.is_emergency:
                for finding_id in dict.fromkeys(rule.finding_ids):
                    emergency_rules.setdefault(finding_id, []).append(rule)
        askable = np.array([f.ask for f in kb.findings], dtype=bool)
        askable.setflags(write=False)
        why = (
            "Before suggesting you manage this at home: spasms that go on for weeks, get "
            "worse, spread, or disturb your sleep or daily life should be seen by a doctor."
        )
        self_care_questions = []
        for group_id in SELF_CARE_CHECKS:
            members = group_members.get(group_id, [])
            if not members:
                continue
            group = kb.group_by_id[group_id]
            options = tuple(Option(f, kb.finding_by_id[f].name) for f in members)
            kind = QuestionKind.MULTIPLE if group.multiple else QuestionKind.SINGLE
            question = Question(group_id, kind, group.question, why, True, options)
            self_care_questions.append((members, question))
        exclusive = {
            finding_id: tuple(model.finding_index[f] for f in members if f != finding_id)
            for group_id, members in group_members.items()
            if not kb.group_by_id[group_id].multiple
            for finding_id in members
        }
        # a person who could be pregnant (no age, no sex) and one who could not (a man)
        people: dict[bool, tuple[int | None, str | None]] = {
            True: (None, None),
            False: (None, "male"),
        }
        first_questions = {
            (group_id, pregnant): first_question(kb, group_members[group_id], group_id, *person)
            for group_id in FIRST_GROUPS
            if group_id in group_members
            for pregnant, person in people.items()
        }
        return cls(
            exclusive=exclusive,
            screen=None if kb.screen is None else ScreenTable(kb.screen),
            first_questions=first_questions,
            askable=askable,
            group_members=group_members,
            screen_rules=screen_rules,
            screening=ScreeningIndex(
                screen_rules, model.finding_index, len(model.finding_ids), general_forms(kb)
            ),
            likelihoods=AnswerLikelihoods(model),
            emergency_rules=emergency_rules,
            self_care_questions=tuple(self_care_questions),
        )


_TABLES: weakref.WeakKeyDictionary[Engine, InterviewTables] = weakref.WeakKeyDictionary()


def interview_tables(engine: Engine) -> InterviewTables:
    """The engine's tables, built on first use and kept as long as the engine lives."""
    tables = _TABLES.get(engine)
    if tables is None:
        tables = _TABLES[engine] = InterviewTables.build(engine)
    return tables


# -- the interviewer --------------------------------------------------------------------------


class Interviewer:
    """The policy above over one engine; holds only precomputed, read-only arrays."""

    def __init__(self, engine: Engine, max_questions: int = MAX_QUESTIONS) -> None:
        self.engine = engine
        self.kb = engine.kb
        self.model = engine.model
        self.max_questions = max_questions
        self.tables = interview_tables(engine)
        self.askable = self.tables.askable
        self.group_members = self.tables.group_members
        self.screen_rules = self.tables.screen_rules

    def step(
        self,
        evidence: EvidenceSet,
        age: int | None = None,
        sex: str | None = None,
        *,
        detail: bool = True,
    ) -> Step:
        """The next question (or the stop) for this evidence: steps 1 to 7 of the module
        docstring, in that order.

        ``detail=False``: a step that asks a question carries the assessment's triage only,
        without the ranked causes and the advice (for a page that shows the question and the
        level); a step that stops always carries the whole assessment. The question and the
        stop are the same either way: the policy reads only the triage and the posterior."""
        engine, model = self.engine, self.model
        assessment, posterior = engine.evaluate_with_posterior(evidence, age, sex, detail=detail)
        asked = questions_asked(evidence)

        def ask(question: Question) -> Step:
            return Step(question, assessment, False, None, asked, list(evidence))

        def stop(reason: StopReason) -> Step:
            result = assessment if detail else engine.evaluate(evidence, age, sex)
            return Step(None, result, True, reason.value, asked, list(evidence))

        # Affirmed signs only: a doubtful one is asked (the screen or step 4), not obeyed.
        fired = assessment.triage.red_flags
        affirmed = affirmed_flags(fired, set(evidence.present)) if fired else []
        if emergency_stop(affirmed):
            return stop(StopReason.EMERGENCY_SIGN)
        screen = None if self.tables.screen is None else self.tables.screen.question(evidence)
        if screen is not None and asked < self.max_questions:
            return ask(screen)
        index = model.finding_index
        # P(finding present) for every finding: posterior @ model.p_present, from the links
        # (worked out only on the paths that read it: escalation, screening and the gains)
        likelihoods = self.tables.likelihoods
        if emergency_found(affirmed):
            predicted = likelihoods.predictive(posterior)

            def likely(finding_id: str) -> float:
                return float(predicted[index[finding_id]])

            # "Go to A&E now" is already the result; ask at most MAX_ESCALATION questions
            # that could make it "call an ambulance", then stop.
            targets = escalation_targets(
                self.kb.red_flags, evidence.present, evidence.absent, age, likely
            )
            target = next_escalation(targets, evidence)
            if target is None:
                return stop(StopReason.EMERGENCY_SIGN)
            return ask(self._escalation_question(*target))
        doubtful = self._doubtful_emergency(evidence, age)
        if doubtful is not None and asked < self.max_questions:
            return ask(doubtful)
        if emergency_stop(assessment.triage.red_flags, doubtful_too=True):
            # A doubtful ambulance sign the person could not rule out ("don't know"): to be
            # safe the result is the ambulance, and nothing else needs asking.
            return stop(StopReason.EMERGENCY_SIGN)
        if assessment.triage.level is TriageLevel.SELF_CARE:
            # The questions left are kept for how long and whether it is getting worse, so
            # that the cap never skips them before a self-care result (not even for the
            # first groups).
            pending = self._self_care_checks(evidence)
            if pending and len(pending) + asked >= self.max_questions > asked:
                return ask(pending[0])
        first = first_group(FIRST_GROUPS, self.group_members, evidence)
        if first is not None and asked < self.max_questions:
            question = self._first_question(first, age, sex, evidence)
            if question is not None:
                return ask(question)
        if asked >= self.max_questions:
            return stop(StopReason.QUESTION_LIMIT)

        screening_asked = len(
            {e.question for e in evidence if e.origin is Origin.ANSWER and e.screening}
        )
        nearly_only = screening_asked >= MAX_SCREENING
        predictive = likelihoods.predictive(posterior)
        # = screening_target(rule_odds(r, ...) for every screened rule that applies to age)
        screening = self.tables.screening.target(
            evidence, index, predictive, model.base_rate, age, nearly_only=nearly_only
        )
        if screening is not None:
            rule = screening.rule
            why = f"Checking for a warning sign — {lower_first(rule.name)}: {rule.reason}"
            return ask(self._yes_no(screening.target, why, screening=True))

        gains = self._gains(posterior, evidence, predictive)
        best = int(np.argmax(gains))
        unknown_answers = len(
            {
                e.question
                for e in evidence
                if e.origin is Origin.ANSWER
                and e.status is Status.UNKNOWN
                and not e.screening
                and e.question not in FIRST_GROUPS
            }
        )
        reason = stop_reason(
            asked=asked,
            top_probability=float(posterior.max()),
            best_gain=float(gains[best]),
            unknown_answers=unknown_answers,
        )
        if (
            reason is None
            and asked >= MIN_QUESTIONS
            and self._stable(posterior, gains, assessment.triage)
        ):
            reason = StopReason.RANKING_AND_TRIAGE_STABLE
        if reason is not None:
            if assessment.triage.level is TriageLevel.SELF_CARE:
                pending = self._self_care_checks(evidence)
                if pending:
                    return ask(pending[0])
            return stop(reason)
        return ask(self._question_for(model.finding_ids[best], posterior, evidence))

    # -- safety ---------------------------------------------------------------------------
    def _doubtful_emergency(self, evidence: EvidenceSet, age: int | None) -> Question | None:
        for finding_id in evidence.possible:
            item = evidence.get(finding_id)
            if item is None or item.status is not Status.UNKNOWN or item.origin is Origin.ANSWER:
                continue
            for rule in self.tables.emergency_rules.get(finding_id, ()):
                if rule.applies_to(age):
                    return self._yes_no(
                        finding_id,
                        f"You mentioned this with some doubt. {rule.name} can be a warning sign: "
                        f"{rule.reason}",
                        screening=True,
                    )
        return None

    def _first_question(
        self,
        group_id: str,
        age: int | None,
        sex: str | None,
        evidence: EvidenceSet | None = None,
    ) -> Question | None:
        """:func:`first_question`, made once per knowledge base (InterviewTables)."""
        members = self.group_members[group_id]
        if group_id in OPEN_FIRST_GROUPS and evidence is not None:
            left = [f for f in members if f not in evidence]
            if len(left) < len(members):
                return first_question(self.kb, left, group_id, age, sex)
        key = (group_id, could_be_pregnant(age, sex))
        if key in self.tables.first_questions:
            return self.tables.first_questions[key]
        return first_question(self.kb, members, group_id, age, sex)

    def _escalation_question(self, finding_id: str, rule: RedFlag) -> Question:
        finding = self.kb.finding_by_id[finding_id]
        return Question(
            finding.id,
            QuestionKind.YES_NO,
            finding.question,
            f"Checking whether you need an ambulance — {lower_first(rule.name)}: {rule.reason}",
            True,
            escalation=True,
        )

    def _self_care_checks(self, evidence: EvidenceSet) -> list[Question]:
        """How long, and is it getting worse: asked before any self-care result."""
        return [
            question
            for members, question in self.tables.self_care_questions
            if not any(f in evidence for f in members)
        ]

    # -- information gain -----------------------------------------------------------------
    def _gains(
        self, posterior: FloatArray, evidence: EvidenceSet, predictive: FloatArray
    ) -> FloatArray:
        """Expected information gain (bits) of every finding; -inf if known or not askable."""
        model = self.model
        gains = self.tables.likelihoods.gains(posterior, predictive)
        index, exclusive = model.finding_index, self.tables.exclusive
        known = np.zeros(len(model.finding_ids), dtype=bool)
        columns: list[int] = []
        for item in evidence:
            j = index.get(item.finding_id)
            if j is not None:
                columns.append(j)
            if item.status is Status.PRESENT:
                # the other answers of a one-answer group this item affirms: "for 3 months"
                # settles "going on for a few days?" (usability walkthrough 2026-12-05, C4)
                columns.extend(exclusive.get(item.finding_id, ()))
        known[columns] = True
        gains[known | ~self.askable] = -np.inf
        return gains

    def _stable(self, posterior: FloatArray, gains: FloatArray, now: TriageResult) -> bool:
        """Would any of the most informative questions change the top cause or triage?
        ``now``: triage's result for ``posterior``: its condition-based level, and the causes
        it counted as raised, kept as they are for the answers considered (an approximation:
        the lift a "yes" would give a cause is not re-derived for each candidate answer)."""
        candidates = np.argsort(-gains)[:STABILITY_CANDIDATES]
        candidates = candidates[np.isfinite(gains[candidates])]
        if len(candidates) == 0:
            return True
        # the candidates' columns, read as contiguous rows of the tables finding by finding
        by_finding = self.tables.likelihoods.by_finding
        p_yes, p_no = np.ascontiguousarray(by_finding.take(candidates, axis=1).transpose(0, 2, 1))
        return ranking_stable(
            posterior,
            p_yes,
            p_no,
            lambda p: condition_level(self.kb, p, now.raised)[0],
            levels=lambda posteriors: condition_levels(self.kb, posteriors, now.raised),
            now=now.condition_level,
        )

    # -- question building ----------------------------------------------------------------
    def _separates(self, finding_id: str, posterior: FloatArray) -> tuple[list[str], list[str]]:
        """Causes still in the running (at least ``WHY_MIN_PROBABILITY``) that a yes makes
        clearly more likely, and those a yes makes clearly less likely (a no, more likely).
        A cause at 1 % is not what a clinician would say the question is about."""
        j = self.model.finding_index[finding_id]
        ratio = self.model.llr_present[:, j]
        order = np.argsort(-posterior)[:12]
        live = [int(i) for i in order if posterior[i] >= WHY_MIN_PROBABILITY]
        yes = [i for i in live if ratio[i] > WHY_MIN_LLR][:2]
        no = [i for i in live if ratio[i] < -WHY_MIN_LLR][:2]
        names = self.kb.conditions
        return [names[i].id for i in yes], [names[i].id for i in no]

    def _why(
        self, finding_id: str, posterior: FloatArray, *, choice: bool = False
    ) -> tuple[str, tuple[str, ...]]:
        """The reason shown under "Why are you asking this?", in a clinician's words: the
        likely causes this answer tells apart, named as the knowledge base spells them."""
        yes, no = self._separates(finding_id, posterior)
        name = self.kb.condition_by_id

        def named(ids: list[str]) -> str:
            return ", or to ".join(lower_first(name[c].name) for c in ids)

        if not yes and not no:
            return "Your answer helps narrow down the possible causes.", ()
        if choice:
            both = list(dict.fromkeys(yes + no))
            if len(both) == 1:
                return f"Your answer helps confirm or rule out {named(both)}.", tuple(both)
            # names hold "or" and "and" themselves ("stress and anxiety"): semicolons
            listed = "; ".join(lower_first(name[c].name) for c in both)
            return f"Your answer helps tell these causes apart: {listed}.", tuple(both)
        parts = []
        if yes:
            parts.append(f"A yes would point to {named(yes)}.")
        if no:
            parts.append(f"A no would point to {named(no)}.")
        return "Your answer helps tell likely causes apart. " + " ".join(parts), tuple(yes + no)

    def _yes_no(self, finding_id: str, why: str, screening: bool) -> Question:
        finding = self.kb.finding_by_id[finding_id]
        return Question(finding_id, QuestionKind.YES_NO, finding.question, why, screening)

    def _question_for(
        self, finding_id: str, posterior: FloatArray, evidence: EvidenceSet
    ) -> Question:
        finding = self.kb.finding_by_id[finding_id]
        group_id = finding.group
        members = [f for f in self.group_members.get(group_id or "", []) if f not in evidence]
        why, separates = self._why(finding_id, posterior, choice=len(members) > 1)
        if group_id is not None and len(members) > 1:
            group = self.kb.group_by_id[group_id]
            options = tuple(Option(f, self.kb.finding_by_id[f].name) for f in members)
            kind = QuestionKind.MULTIPLE if group.multiple else QuestionKind.SINGLE
            return Question(group_id, kind, group.question, why, False, options, separates)
        return Question(
            finding_id, QuestionKind.YES_NO, finding.question, why, False, (), separates
        )


def answer_evidence(question: Question, response: str | Sequence[str]) -> list[Evidence]:
    """Evidence from one answer.

    Yes/no questions take "yes", "no" or "dont_know". Choice questions take the list of
    chosen option ids, "none" (None of these: every option absent) or "dont_know" (an empty
    list means "don't know" too): chosen options are present and the others absent, because
    the person saw "None of these" and went through the list.
    """

    return evidence_of_answer(
        question.id,
        question.kind,
        [o.finding_id for o in question.options],
        response,
        screening=question.screening,
        escalation=question.escalation,
    )


_KINDS: dict[str, QuestionKind] = {k.value: k for k in QuestionKind}


def evidence_of_answer(
    question_id: str,
    kind: QuestionKind | str,
    option_ids: Sequence[str],
    response: str | Sequence[str],
    *,
    screening: bool = False,
    escalation: bool = False,
) -> list[Evidence]:
    """:func:`answer_evidence` from the shape of the question alone (its id, kind, the ids of
    its options and its flags, as :meth:`Question.answered` takes them), without making the
    question and its options: a web page replays every stored answer (issue 16, fifth pass).
    A ``kind`` that is not a :class:`QuestionKind` value raises ``ValueError``, as
    ``QuestionKind(kind)`` does."""
    try:
        kind = _KINDS[kind]
    except (KeyError, TypeError):  # not a kind's value: QuestionKind's own ValueError
        kind = QuestionKind(kind)

    def item(finding_id: str, status: Status) -> Evidence:
        # by position (possible, text, question, screening, escalation): keywords cost a
        # frozen dataclass twice as much, per option of every answer a web page replays
        return Evidence(
            finding_id, status, Origin.ANSWER, False, None, question_id, screening, escalation
        )

    if kind is QuestionKind.YES_NO:
        if not isinstance(response, str) or response not in set(YES_NO_ANSWERS):
            raise ValueError(f"answer must be yes, no or dont_know, got {response!r}")
        status = {
            Answer.YES: Status.PRESENT,
            Answer.NO: Status.ABSENT,
            Answer.DONT_KNOW: Status.UNKNOWN,
        }[Answer(response)]
        return [item(question_id, status)]
    if response == Answer.NONE:
        return [item(f, Status.ABSENT) for f in option_ids]
    if response == Answer.DONT_KNOW:
        chosen: list[str] = []
    elif isinstance(response, str):
        if response in set(Answer):
            raise ValueError(f"a choice question takes option ids, none or dont_know: {response!r}")
        chosen = [response]
    else:
        chosen = list(dict.fromkeys(response))
    unknown = [c for c in chosen if c not in option_ids]
    if unknown:
        raise ValueError(f"not an option of this question: {', '.join(unknown)}")
    if kind is QuestionKind.SINGLE and len(chosen) > 1:
        raise ValueError("choose one option")
    if not chosen:
        return [item(f, Status.UNKNOWN) for f in option_ids]
    return [item(f, Status.PRESENT if f in chosen else Status.ABSENT) for f in option_ids]
