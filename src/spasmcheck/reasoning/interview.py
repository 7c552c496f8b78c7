"""The adaptive interview: one pure, stateless step at a time.

``next_step(engine, evidence, age, sex)`` looks at everything known so far and returns the
next question (or none), the current assessment and whether to stop. The client keeps the
evidence and sends it back each time; nothing is stored here.

How the next question is chosen
-------------------------------
1. **Emergency first.** If an emergency-level red flag has fired on an affirmed finding, stop
   at once: the result is the emergency advice. A warning sign mentioned with doubt ("maybe
   my face drooped") is asked about straight away to confirm it.
2. **Safety screening.** Red-flag rules that this presentation makes plausible are screened
   before anything else, as NHS 111 asks life-threatening questions first. A rule is
   plausible when the model's predictive probability that it would fire is at least
   ``SCREEN_LIFT`` times its background probability, or above ``SCREEN_MIN_PROBABILITY``;
   the most urgent and most probable is asked first, at most ``MAX_SCREENING`` in total.
3. **Expected information gain.** Otherwise the finding whose answer is expected to reduce
   the entropy of the ranking of causes most (``H(C) − E_answer[H(C | answer)]``, computed
   for every finding at once with NumPy) is asked. When that finding belongs to a choice
   group (where is it, how long does one episode last), the group is asked as one
   single- or multiple-choice question.
4. **Stop** when the top cause is very probable, when the best remaining question is worth
   less than ``MIN_GAIN_BITS``, or when no remaining question (among the most informative)
   could change the top cause or the triage level with either answer — or at the cap.

"Don't know" is recorded as unknown: it is never treated as "no".
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import numpy as np

from spasmcheck.knowledge.schema import RedFlag, TriageLevel
from spasmcheck.reasoning.engine import Assessment, Engine
from spasmcheck.reasoning.evidence import Evidence, EvidenceSet, Origin, Status
from spasmcheck.reasoning.inference import FloatArray
from spasmcheck.reasoning.triage import LEVEL_THRESHOLDS, fired_red_flags

MAX_QUESTIONS = 18
MAX_SCREENING = 8
MAX_UNKNOWN_ANSWERS = 9  # stop when the person keeps answering "don't know"
MAX_ESCALATION = 2  # after an emergency sign: questions that could make it an ambulance
SCREEN_LIFT = 3.0
SCREEN_MIN_PROBABILITY = 0.12
STOP_TOP_PROBABILITY = 0.9
MIN_GAIN_BITS = 0.03
STABILITY_CANDIDATES = 8
MIN_QUESTIONS = 2
# Urgent rules are screened at lower predictive probability than routine ones.
SCREEN_LEVELS = {
    TriageLevel.EMERGENCY_AMBULANCE: 1.0,
    TriageLevel.EMERGENCY: 1.0,
    TriageLevel.CONSULTATION_24: 1.5,
}
CHOICE_GROUPS = frozenset({"location", "episode_length", "history_length", "course_warning"})
# Asked before any self-care result, if not yet known: both seeds make persistent, worsening,
# spreading or sleep-disturbing spasms a reason to see a doctor.
SELF_CARE_CHECKS = ("history_length", "course_warning")


class QuestionKind(StrEnum):
    YES_NO = "yes_no"
    SINGLE = "single"
    MULTIPLE = "multiple"


class Answer(StrEnum):
    YES = "yes"
    NO = "no"
    DONT_KNOW = "dont_know"


@dataclass(frozen=True)
class Option:
    finding_id: str
    label: str

    def as_dict(self) -> dict[str, str]:
        return {"id": self.finding_id, "label": self.label}


@dataclass(frozen=True)
class Question:
    id: str  # the finding id (yes/no) or the group id (choice)
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
        return {
            "id": self.id,
            "kind": self.kind.value,
            "text": self.text,
            "why": self.why,
            "screening": self.screening,
            "options": [o.as_dict() for o in self.options],
            "separates": list(self.separates),
            "escalation": self.escalation,
            "answers": ["yes", "no", "dont_know"] if self.kind is QuestionKind.YES_NO else None,
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


def _entropy(p: FloatArray, axis: int = 0) -> FloatArray:
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(p > 0, -p * np.log2(p), 0.0)
    result: FloatArray = terms.sum(axis=axis)
    return result


class Interviewer:
    """Question selection over one engine; holds only precomputed, read-only arrays."""

    def __init__(self, engine: Engine, max_questions: int = MAX_QUESTIONS) -> None:
        self.engine = engine
        self.kb = engine.kb
        self.model = engine.model
        self.max_questions = max_questions
        kb = self.kb
        self.askable = np.array([f.ask for f in kb.findings], dtype=bool)
        self.urgency = np.array([c.triage.urgency for c in kb.conditions])
        self.group_members: dict[str, list[str]] = {}
        for finding in kb.findings:
            if finding.group in CHOICE_GROUPS:
                self.group_members.setdefault(finding.group, []).append(finding.id)
        self.screen_rules = [r for r in kb.red_flags if r.level in SCREEN_LEVELS]

    # -- public ---------------------------------------------------------------------------
    def step(self, evidence: EvidenceSet, age: int | None = None, sex: str | None = None) -> Step:
        model = self.model
        log_prior = model.log_prior(age, sex)
        posterior = model.normalise(model.log_joint(log_prior, evidence.present, evidence.absent))
        assessment = self.engine.evaluate(evidence, age, sex, posterior=posterior)
        asked = questions_asked(evidence)

        def stop(reason: str) -> Step:
            return Step(None, assessment, True, reason, asked, list(evidence))

        affirmed = fired_red_flags(self.kb, evidence.present, age=age)
        if any(f.flag.level is TriageLevel.EMERGENCY_AMBULANCE for f in affirmed):
            return stop("emergency_sign")
        if any(f.flag.level.is_emergency for f in affirmed):
            # "Go to A&E now" is already the result; ask at most MAX_ESCALATION questions
            # that could make it "call an ambulance", then stop.
            escalation = self._escalation_question(evidence, age, posterior @ model.p_present)
            if escalation is None:
                return stop("emergency_sign")
            return Step(escalation, assessment, False, None, asked, list(evidence))
        doubtful = self._doubtful_emergency(evidence, age)
        if doubtful is not None and asked < self.max_questions:
            return Step(doubtful, assessment, False, None, asked, list(evidence))
        if asked >= self.max_questions:
            return stop("question_limit")

        predictive = posterior @ model.p_present  # P(finding present) for every finding
        screening_asked = len(
            {e.question for e in evidence if e.origin is Origin.ANSWER and e.screening}
        )
        screen = self._screening_question(
            evidence, predictive, age, nearly_only=screening_asked >= MAX_SCREENING
        )
        if screen is not None:
            return Step(screen, assessment, False, None, asked, list(evidence))

        gains = self._gains(posterior, evidence)
        best = int(np.argmax(gains))
        reason: str | None = None
        if gains[best] <= 0 or not np.isfinite(gains[best]):
            reason = "nothing_left_to_ask"
        elif asked >= MIN_QUESTIONS:
            unknown_answers = len(
                {
                    e.question
                    for e in evidence
                    if e.origin is Origin.ANSWER and e.status is Status.UNKNOWN and not e.screening
                }
            )
            if unknown_answers >= MAX_UNKNOWN_ANSWERS:
                reason = "not_enough_answers"
            elif float(posterior.max()) >= STOP_TOP_PROBABILITY:
                reason = "confident"
            elif gains[best] < MIN_GAIN_BITS:
                reason = "no_informative_question"
            elif self._stable(posterior, gains, assessment.triage.condition_level):
                reason = "ranking_and_triage_stable"
        if reason is not None:
            if assessment.triage.level is TriageLevel.SELF_CARE:
                check = self._self_care_check(evidence)
                if check is not None:
                    return Step(check, assessment, False, None, asked, list(evidence))
            return stop(reason)
        question = self._question_for(model.finding_ids[best], posterior, evidence)
        return Step(question, assessment, False, None, asked, list(evidence))

    # -- safety ---------------------------------------------------------------------------
    def _doubtful_emergency(self, evidence: EvidenceSet, age: int | None) -> Question | None:
        for finding_id in evidence.possible:
            item = evidence.get(finding_id)
            if item is None or item.status is not Status.UNKNOWN:
                continue
            for rule in self.kb.red_flags:
                if (
                    rule.level.is_emergency
                    and finding_id in rule.finding_ids
                    and rule.applies_to(age)
                ):
                    return self._yes_no(
                        finding_id,
                        f"You mentioned this with some doubt. {rule.name} can be a warning sign: "
                        f"{rule.reason}",
                        screening=True,
                    )
        return None

    def _self_care_check(self, evidence: EvidenceSet) -> Question | None:
        """How long, and is it getting worse: asked before any self-care result."""
        for group_id in SELF_CARE_CHECKS:
            members = self.group_members.get(group_id, [])
            if not members or any(f in evidence for f in members):
                continue
            group = self.kb.group_by_id[group_id]
            options = tuple(Option(f, self.kb.finding_by_id[f].name) for f in members)
            kind = QuestionKind.MULTIPLE if group.multiple else QuestionKind.SINGLE
            why = (
                "Before suggesting you manage this at home: spasms that go on for weeks, get "
                "worse, spread, or disturb your sleep or daily life should be seen by a doctor."
            )
            return Question(group_id, kind, group.question, why, True, options)
        return None

    def _escalation_question(
        self, evidence: EvidenceSet, age: int | None, likely: FloatArray
    ) -> Question | None:
        """After an emergency sign: the next ambulance-level sign this presentation points to.

        Stateless: the candidate signs follow from the findings present, and at most
        MAX_ESCALATION of them are ever asked.
        """
        present = set(evidence.present)
        absent = set(evidence.absent)
        candidates: list[tuple[int, str, RedFlag]] = []
        for rule in self.kb.red_flags:
            if rule.level is not TriageLevel.EMERGENCY_AMBULANCE or not rule.applies_to(age):
                continue
            if not any(f in present for f in rule.screen_when):
                continue
            if any(f in absent for f in rule.all_of):
                continue
            missing = [f for f in rule.all_of if f not in present]
            if not any(f in present for f in rule.any_of):
                missing.extend(rule.any_of[:1])
            # Rules one answer away from firing come first ("a recent wound?" after lockjaw).
            candidates.extend((len(missing), f, rule) for f in missing)
        # Closest to firing first; among those, the sign this presentation makes likeliest.
        index = self.model.finding_index
        candidates.sort(key=lambda item: (item[0], -float(likely[index[item[1]]])))
        targets: list[tuple[str, RedFlag]] = []
        for _, finding_id, rule in candidates:
            if all(t != finding_id for t, _ in targets):
                targets.append((finding_id, rule))
        answered = [t for t, _ in targets if (item := evidence.get(t)) and item.escalation]
        if len(answered) >= MAX_ESCALATION:
            return None
        for finding_id, rule in targets:
            if finding_id in evidence:
                continue
            finding = self.kb.finding_by_id[finding_id]
            return Question(
                finding.id,
                QuestionKind.YES_NO,
                finding.question,
                f"Checking whether you need an ambulance — {rule.name.lower()}: {rule.reason}",
                True,
                escalation=True,
            )
        return None

    def _screening_question(
        self,
        evidence: EvidenceSet,
        predictive: FloatArray,
        age: int | None,
        nearly_only: bool = False,
    ) -> Question | None:
        """The most pressing warning sign to screen for, if any.

        Once MAX_SCREENING questions have been spent (``nearly_only``), only rules one
        answer away from firing are still followed up: all of their ``all_of`` findings are
        present and only an ``any_of`` finding is unknown.
        """
        best: tuple[float, str, RedFlag] | None = None
        index = self.model.finding_index
        base = self.model.base_rate
        present = set(evidence.present)
        absent = set(evidence.absent)
        answered = {e.finding_id for e in evidence if e.origin is Origin.ANSWER}
        known = {e.finding_id for e in evidence}
        for rule in self.screen_rules:
            if not rule.applies_to(age):
                continue
            if any(f in absent for f in rule.all_of):
                continue
            unknown_all = [f for f in rule.all_of if f not in known]
            any_done = any(f in present for f in rule.any_of)
            unknown_any = (
                [] if any_done or not rule.any_of else [f for f in rule.any_of if f not in known]
            )
            if rule.any_of and not any_done and not unknown_any:
                continue
            if not unknown_all and not unknown_any:
                continue
            if nearly_only and (unknown_all or not rule.all_of):
                continue
            p_fire, p_background = 1.0, 1.0
            for f in unknown_all:
                p_fire *= float(predictive[index[f]])
                p_background *= float(base[index[f]])
            if unknown_any:
                miss = math.prod(1.0 - float(predictive[index[f]]) for f in unknown_any)
                miss_bg = math.prod(1.0 - float(base[index[f]]) for f in unknown_any)
                p_fire *= 1.0 - miss
                p_background *= 1.0 - miss_bg
            weight = SCREEN_LEVELS[rule.level]
            # A presenting complaint (screen_when) earns a rule its first question; once any
            # part of it has been answered, further parts must be made likely by the model.
            presented = any(f in present for f in rule.screen_when) and not any(
                f in answered for f in rule.finding_ids
            )
            plausible = (
                presented
                or p_fire >= SCREEN_LIFT * weight * p_background
                or p_fire >= SCREEN_MIN_PROBABILITY * weight
            )
            if not plausible:
                continue
            # Ask the part most likely to rule the rule out (all_of), else the likeliest any_of.
            if unknown_all:
                target = min(unknown_all, key=lambda f: predictive[index[f]])
            else:
                target = max(unknown_any, key=lambda f: predictive[index[f]])
            # The rule closest to firing, weighted by how urgent it is; rules the presentation
            # points to (screen_when) come before those found only through the model.
            score = int(presented) + p_fire * rule.level.urgency
            if best is None or score > best[0]:
                best = (score, target, rule)
        if best is None:
            return None
        _, target, rule = best
        return self._yes_no(
            target,
            f"Checking for a warning sign — {rule.name.lower()}: {rule.reason}",
            screening=True,
        )

    # -- information gain -----------------------------------------------------------------
    def _gains(self, posterior: FloatArray, evidence: EvidenceSet) -> FloatArray:
        """Expected entropy reduction (bits) of the ranking for every finding; -inf if known."""
        model = self.model
        p_yes_c = model.p_present  # C x F
        p_no_c = model.p_absent  # C x F (1 - p, or background where uninformative)
        joint_yes = posterior[:, None] * p_yes_c
        joint_no = posterior[:, None] * p_no_c
        p_yes = joint_yes.sum(axis=0)
        p_no = joint_no.sum(axis=0)
        total = p_yes + p_no
        post_yes = joint_yes / p_yes
        post_no = joint_no / p_no
        expected = (p_yes * _entropy(post_yes) + p_no * _entropy(post_no)) / total
        gains: FloatArray = _entropy(posterior) - expected
        known = np.zeros(len(model.finding_ids), dtype=bool)
        for item in evidence:
            j = model.finding_index.get(item.finding_id)
            if j is not None:
                known[j] = True
        gains[known | ~self.askable] = -np.inf
        return gains

    def _stable(self, posterior: FloatArray, gains: FloatArray, level: TriageLevel) -> bool:
        """Would any of the most informative questions change the top cause or triage?"""
        model = self.model
        top = int(np.argmax(posterior))
        candidates = np.argsort(-gains)[:STABILITY_CANDIDATES]
        candidates = candidates[np.isfinite(gains[candidates])]
        if len(candidates) == 0:
            return True
        for table in (model.p_present, model.p_absent):
            updated = posterior[:, None] * table[:, candidates]
            updated /= updated.sum(axis=0)
            if np.any(np.argmax(updated, axis=0) != top):
                return False
            for j in range(updated.shape[1]):
                if self._level(updated[:, j]) is not level:
                    return False
        return True

    def _level(self, posterior: FloatArray) -> TriageLevel:
        for lv in sorted(LEVEL_THRESHOLDS, key=lambda x: -x.urgency):
            if float(posterior[self.urgency >= lv.urgency].sum()) >= LEVEL_THRESHOLDS[lv]:
                return lv
        return TriageLevel.SELF_CARE

    # -- question building ----------------------------------------------------------------
    def _separates(self, finding_id: str, posterior: FloatArray) -> tuple[list[str], list[str]]:
        """Likely causes made more likely by a yes, and by a no."""
        j = self.model.finding_index[finding_id]
        ratio = self.model.llr_present[:, j]
        order = np.argsort(-posterior)[:12]
        yes = [int(i) for i in order if ratio[i] > 0.4 and posterior[i] > 0.01][:2]
        no = [int(i) for i in order if ratio[i] < -0.4 and posterior[i] > 0.01][:2]
        names = self.kb.conditions
        return [names[i].id for i in yes], [names[i].id for i in no]

    def _why(self, finding_id: str, posterior: FloatArray) -> tuple[str, tuple[str, ...]]:
        yes, no = self._separates(finding_id, posterior)
        name = self.kb.condition_by_id
        parts = []
        if yes:
            parts.append("a yes points towards " + " or ".join(name[c].name.lower() for c in yes))
        if no:
            parts.append("a no points towards " + " or ".join(name[c].name.lower() for c in no))
        if not parts:
            return "This helps narrow down the possible causes.", ()
        return "This helps tell causes apart: " + "; ".join(parts) + ".", tuple(yes + no)

    def _yes_no(self, finding_id: str, why: str, screening: bool) -> Question:
        finding = self.kb.finding_by_id[finding_id]
        return Question(finding_id, QuestionKind.YES_NO, finding.question, why, screening)

    def _question_for(
        self, finding_id: str, posterior: FloatArray, evidence: EvidenceSet
    ) -> Question:
        finding = self.kb.finding_by_id[finding_id]
        why, separates = self._why(finding_id, posterior)
        group_id = finding.group
        if group_id in self.group_members:
            members = [f for f in self.group_members[group_id] if f not in evidence]
            if len(members) > 1:
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
    chosen option ids (an empty list or "dont_know" means "don't know"): chosen options are
    present; for a single-choice question the others are then absent; for a multiple-choice
    question the others stay unknown, because people do not think of every option.
    """

    def item(finding_id: str, status: Status) -> Evidence:
        return Evidence(
            finding_id,
            status,
            Origin.ANSWER,
            question=question.id,
            screening=question.screening,
            escalation=question.escalation,
        )

    if question.kind is QuestionKind.YES_NO:
        if not isinstance(response, str) or response not in set(Answer):
            raise ValueError(f"answer must be yes, no or dont_know, got {response!r}")
        status = {
            Answer.YES: Status.PRESENT,
            Answer.NO: Status.ABSENT,
            Answer.DONT_KNOW: Status.UNKNOWN,
        }[Answer(response)]
        return [item(question.id, status)]
    option_ids = [o.finding_id for o in question.options]
    chosen = (
        []
        if response == Answer.DONT_KNOW
        else ([response] if isinstance(response, str) else list(response))
    )
    unknown = [c for c in chosen if c not in option_ids]
    if unknown:
        raise ValueError(f"not an option of this question: {', '.join(unknown)}")
    if question.kind is QuestionKind.SINGLE and len(chosen) > 1:
        raise ValueError("choose one option")
    if not chosen:
        return [item(f, Status.UNKNOWN) for f in option_ids]
    items = [item(f, Status.PRESENT) for f in chosen]
    for f in option_ids:
        if f not in chosen:
            items.append(
                item(f, Status.ABSENT if question.kind is QuestionKind.SINGLE else Status.UNKNOWN)
            )
    return items
