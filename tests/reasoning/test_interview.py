"""The interview: each pure part of the policy with its arithmetic, then the wired step."""

from __future__ import annotations

import math
import random

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from spasmcheck.knowledge.schema import (
    Citation,
    EmergencyScreen,
    RedFlag,
    ScreenOption,
    TriageLevel,
)
from spasmcheck.reasoning.engine import Engine
from spasmcheck.reasoning.evidence import Evidence, EvidenceSet, Origin, Status
from spasmcheck.reasoning.interview import (
    MAX_ESCALATION,
    MAX_UNKNOWN_ANSWERS,
    MIN_GAIN_BITS,
    MIN_QUESTIONS,
    STOP_TOP_PROBABILITY,
    Interviewer,
    Option,
    Question,
    QuestionKind,
    StopReason,
    answer_evidence,
    entropy,
    escalation_targets,
    expected_information_gain,
    next_escalation,
    questions_asked,
    ranking_stable,
    rule_odds,
    screen_question,
    screening_target,
    stop_reason,
)
from spasmcheck.reasoning.triage import condition_level

CITE = [Citation(source="aha_asa_stroke_2019")]


def flag(
    rule_id: str,
    level: TriageLevel,
    *,
    all_of: tuple[str, ...] = (),
    any_of: tuple[str, ...] = (),
    screen_when: tuple[str, ...] = (),
) -> RedFlag:
    return RedFlag(
        id=rule_id,
        name=rule_id.replace("_", " "),
        level=level,
        all_of=list(all_of),
        any_of=list(any_of),
        screen_when=list(screen_when),
        reason="a reason to act",
        do_now="what to do now",
        cite=CITE,
    )


def known(*items: tuple[str, Status]) -> EvidenceSet:
    return EvidenceSet(Evidence(f, s, Origin.TEXT) for f, s in items)


SCREEN = EmergencyScreen(
    id="emergency_screen",
    question="Do you have any of these now?",
    why="These warning signs need an ambulance whatever the cause.",
    options=[
        ScreenOption(finding="face_droop", label="Face drooping"),
        ScreenOption(finding="seizure", label="A fit"),
        ScreenOption(finding="fainting", label="Fainting"),
    ],
    cite=CITE,
)


# -- the emergency screen ----------------------------------------------------------------------


def test_screen_lists_every_open_sign_with_none_of_these() -> None:
    question = screen_question(SCREEN, EvidenceSet())
    assert question is not None and question.kind is QuestionKind.MULTIPLE and question.screening
    assert [o.finding_id for o in question.options] == ["face_droop", "seizure", "fainting"]
    assert question.as_dict()["answers"] == ["none", "dont_know"]


@pytest.mark.parametrize(
    ("evidence", "open_options"),
    [
        # denied in the text: settled, left out
        ([Evidence("seizure", Status.ABSENT, Origin.TEXT)], ["face_droop", "fainting"]),
        # mentioned with doubt: not settled, still asked
        (
            [Evidence("face_droop", Status.UNKNOWN, Origin.TEXT, possible=True)],
            ["face_droop", "seizure", "fainting"],
        ),
        # answered "don't know" before: settled (never asked twice)
        (
            [Evidence("fainting", Status.UNKNOWN, Origin.ANSWER, question="fainting")],
            ["face_droop", "seizure"],
        ),
        # everything settled: no screen at all
        (
            [
                Evidence(f, Status.ABSENT, Origin.TEXT)
                for f in ("face_droop", "seizure", "fainting")
            ],
            None,
        ),
    ],
)
def test_screen_skips_what_the_text_settled(
    evidence: list[Evidence], open_options: list[str] | None
) -> None:
    question = screen_question(SCREEN, EvidenceSet(evidence))
    if open_options is None:
        assert question is None
    else:
        assert question is not None and [o.finding_id for o in question.options] == open_options


def test_no_screen_without_a_screen_file() -> None:
    assert screen_question(None, EvidenceSet()) is None


def test_screen_comes_before_any_other_question(tiny_engine: Engine) -> None:
    step = Interviewer(tiny_engine).step(known(("cramp", Status.PRESENT)))
    assert step.question is not None and step.question.id == "emergency_screen"
    assert [o.finding_id for o in step.question.options] == ["face_droop"]


def test_ticking_a_screen_sign_ends_the_interview(tiny_engine: Engine) -> None:
    interviewer = Interviewer(tiny_engine)
    evidence = known(("cramp", Status.PRESENT))
    screen = interviewer.step(evidence).question
    assert screen is not None
    for item in answer_evidence(screen, ["face_droop"]):
        evidence.add(item)
    step = interviewer.step(evidence)
    assert step.should_stop and step.stop_reason == "emergency_sign" and step.questions_asked == 1
    assert step.assessment.triage.level is TriageLevel.EMERGENCY_AMBULANCE


def test_none_of_these_denies_every_sign_and_moves_on(tiny_engine: Engine) -> None:
    interviewer = Interviewer(tiny_engine)
    evidence = known(("cramp", Status.PRESENT))
    screen = interviewer.step(evidence).question
    assert screen is not None
    for item in answer_evidence(screen, "none"):
        evidence.add(item)
    denied = evidence.get("face_droop")
    assert denied is not None and denied.status is Status.ABSENT
    step = interviewer.step(evidence)
    # then the plausible warning sign of this presentation (tingling with cramps)
    assert (
        step.question is not None
        and step.question.id == "tingling_lips_fingers"
        and step.question.screening
    )


def test_affirmed_emergency_stops_before_the_screen(tiny_engine: Engine) -> None:
    step = Interviewer(tiny_engine).step(known(("face_droop", Status.PRESENT)))
    assert step.should_stop and step.stop_reason == "emergency_sign" and step.questions_asked == 0
    assert step.assessment.triage.level.is_emergency and step.assessment.triage.do_now


def test_a_doubtful_sign_is_on_the_screen_and_dont_know_means_act(tiny_engine: Engine) -> None:
    interviewer = Interviewer(tiny_engine)
    evidence = EvidenceSet(
        [
            Evidence("face_droop", Status.UNKNOWN, Origin.TEXT, possible=True),
            Evidence("cramp", Status.PRESENT, Origin.TEXT),
        ]
    )
    screen = interviewer.step(evidence).question
    assert screen is not None and screen.id == "emergency_screen"
    assert [o.finding_id for o in screen.options] == ["face_droop"]
    # "don't know": the doubt stands, so the result is the ambulance, and nothing more is asked
    for item in answer_evidence(screen, "dont_know"):
        evidence.add(item)
    step = interviewer.step(evidence)
    assert step.should_stop and step.stop_reason == "emergency_sign"
    assert step.assessment.triage.level is TriageLevel.EMERGENCY_AMBULANCE


def test_a_doubtful_sign_off_the_screen_is_asked_once(tiny_engine: Engine) -> None:
    # the tiny knowledge base's screen is settled, so the doubtful-sign question comes next
    interviewer = Interviewer(tiny_engine)
    evidence = EvidenceSet(
        [
            Evidence("face_droop", Status.UNKNOWN, Origin.TEXT, possible=True),
            Evidence("cramp", Status.PRESENT, Origin.TEXT),
        ]
    )
    step = interviewer.step(evidence)
    assert step.question is not None
    question = Question("face_droop", QuestionKind.YES_NO, "Face?", "why", True)
    assert interviewer._doubtful_emergency(evidence, None) is not None
    for item in answer_evidence(question, "dont_know"):
        evidence.add(item)
    # answered: never asked again (the doubt is kept for triage)
    assert interviewer._doubtful_emergency(evidence, None) is None
    doubted = evidence.get("face_droop")
    assert doubted is not None and doubted.possible and doubted.origin is Origin.ANSWER


def test_packaged_screen_every_channel_asks_first(engine: Engine) -> None:
    _, items = engine.parse("my calves cramp at night")
    step = Interviewer(engine).step(EvidenceSet(items), 55, "female")
    assert step.question is not None and step.question.id == "emergency_screen"
    assert {"trouble_breathing", "face_droop", "seizure", "chest_pain", "worst_headache"} <= {
        o.finding_id for o in step.question.options
    }


def test_text_that_denies_a_sign_shortens_the_packaged_screen(engine: Engine) -> None:
    _, items = engine.parse("cramps in my calves, no chest pain")
    step = Interviewer(engine).step(EvidenceSet(items))
    assert step.question is not None and step.question.id == "emergency_screen"
    assert "chest_pain" not in {o.finding_id for o in step.question.options}


# -- screening: the odds that a rule fires ------------------------------------------------------


def test_rule_odds_arithmetic() -> None:
    rule = flag("rule", TriageLevel.EMERGENCY, all_of=("aa",), any_of=("bb", "cc"))
    p = {"aa": 0.5, "bb": 0.2, "cc": 0.1}
    base = {"aa": 0.1, "bb": 0.05, "cc": 0.02}
    odds = rule_odds(rule, EvidenceSet(), p.__getitem__, base.__getitem__)
    assert odds is not None
    # P(fire) = p(aa) × (1 − (1 − p(bb))(1 − p(cc))) = 0.5 × (1 − 0.8 × 0.9) = 0.14
    assert odds.p_fire == pytest.approx(0.5 * (1 - 0.8 * 0.9))
    # background: 0.1 × (1 − 0.95 × 0.98) = 0.0069
    assert odds.p_background == pytest.approx(0.1 * (1 - 0.95 * 0.98))
    assert odds.target == "aa"  # the all_of part, the one most likely to rule it out
    assert odds.plausible  # 0.14 ≥ 3 × 1.0 × 0.0069
    # the model says nothing beyond the base rates: lift 1 and P(fire) 0.0069 < 0.12
    flat = rule_odds(rule, EvidenceSet(), base.__getitem__, base.__getitem__)
    assert flat is not None and not flat.plausible
    # urgency 3 for emergency: score = 0 (not presented) + 0.14 × 3
    assert odds.score == pytest.approx(0.14 * TriageLevel.EMERGENCY.urgency)


def test_rule_odds_when_nothing_is_left_to_ask() -> None:
    rule = flag("rule", TriageLevel.EMERGENCY, all_of=("aa",), any_of=("bb",))
    p = {"aa": 0.5, "bb": 0.5}.__getitem__
    assert rule_odds(rule, known(("aa", Status.ABSENT)), p, p) is None  # a part denied
    assert rule_odds(rule, known(("bb", Status.ABSENT)), p, p) is None  # every alternative denied
    assert rule_odds(rule, known(("aa", Status.UNKNOWN), ("bb", Status.UNKNOWN)), p, p) is None
    # "don't know" to a part every firing needs: the rule cannot fire, its other parts are not
    # asked one by one (they used to be, up to the whole screening budget)
    assert rule_odds(rule, known(("aa", Status.UNKNOWN)), p, p) is None
    # a part mentioned with doubt counts, as in triage: the rest is still worth asking
    doubt = EvidenceSet([Evidence("aa", Status.UNKNOWN, Origin.TEXT, possible=True)])
    odds_doubt = rule_odds(rule, doubt, p, p)
    assert (
        odds_doubt is not None
        and odds_doubt.target == "bb"
        and odds_doubt.p_fire == pytest.approx(0.5)
    )
    # one answer away from firing: the any_of part is asked
    odds = rule_odds(rule, known(("aa", Status.PRESENT)), p, p, nearly_only=True)
    assert odds is not None and odds.target == "bb" and odds.p_fire == pytest.approx(0.5)
    assert rule_odds(rule, EvidenceSet(), p, p, nearly_only=True) is None


def test_the_dangerous_form_of_a_reported_finding_is_asked() -> None:
    # "a rash" (general) affirmed; the emergency rule fires on "a rash that does not fade"
    # (specific) alone: the rule is presented and that part is its target, however unlikely
    # the model finds it (p 0.01, below every screening threshold).
    general = {"spec": ("gen",)}
    rule = flag("rule", TriageLevel.EMERGENCY, any_of=("other", "spec"))
    p = {"other": 0.3, "spec": 0.01, "gen": 1.0}.__getitem__
    rash = known(("gen", Status.PRESENT))
    odds = rule_odds(rule, rash, p, p, general=general)
    assert odds is not None and odds.presented and odds.plausible and odds.target == "spec"
    # without the families, the same evidence asks the likeliest part, and only if plausible
    plain = rule_odds(rule, rash, p, p)
    assert plain is not None and not plain.presented and plain.target == "other"
    # the general form not affirmed (denied, or only doubted): nothing is presented
    for status in (Status.ABSENT, Status.UNKNOWN):
        odds = rule_odds(rule, known(("gen", status)), p, p, general=general)
        assert odds is not None and not odds.presented
    # not one answer from firing: an all_of part is still unknown besides it
    two = flag("two", TriageLevel.EMERGENCY, all_of=("head",), any_of=("spec",))
    q = {"head": 0.2, "spec": 0.01, "gen": 1.0}.__getitem__
    odds = rule_odds(two, rash, q, q, general=general)
    assert odds is not None and not odds.presented and odds.target == "head"
    # ... and once that part is affirmed, the specific form is the last answer: asked
    both = known(("gen", Status.PRESENT), ("head", Status.PRESENT))
    odds = rule_odds(two, both, q, q, general=general)
    assert odds is not None and odds.presented and odds.target == "spec"
    # a rule below the emergency levels is not presented this way
    routine = flag("routine", TriageLevel.CONSULTATION_24, any_of=("spec",))
    odds = rule_odds(routine, rash, p, p, general=general)
    assert odds is None or not odds.presented
    # once the specific form is answered ("don't know"), there is nothing left to ask
    answered = known(("gen", Status.PRESENT), ("spec", Status.UNKNOWN), ("other", Status.ABSENT))
    assert rule_odds(rule, answered, p, p, general=general) is None


def test_a_rash_asks_the_glass_test_first(engine: Engine) -> None:
    """The packaged families: a rash reported, the screen answered "don't know", and the
    history questions (where, about you, what happened) answered: the next question is
    whether it fades under a glass, in the list of other warning signs."""
    evidence = EvidenceSet([Evidence("skin_rash", Status.PRESENT, Origin.TEXT)])
    asked = _asked_until(Interviewer(engine), evidence, "other_warning_signs", 5, 1, "female")
    assert asked[-1] == "other_warning_signs", asked


def _asked_until(
    interviewer: Interviewer,
    evidence: EvidenceSet,
    wanted: str,
    limit: int,
    age: int,
    sex: str,
) -> list[str]:
    """The questions asked, each answered "don't know", up to ``wanted`` or ``limit`` of them
    (``evidence`` is updated in place)."""
    asked: list[str] = []
    for _ in range(limit):
        step = interviewer.step(evidence, age, sex)
        assert step.question is not None
        asked.append(step.question.id)
        if step.question.id == wanted:
            break
        for item in answer_evidence(step.question, "dont_know"):
            evidence.add(item)
    return asked


def test_a_doubtful_part_of_a_combination_is_asked() -> None:
    # Triage fires a rule of two or more all_of findings only on affirmed parts: a part the
    # text gave with doubt is asked, not counted as there.
    rule = flag("rule", TriageLevel.EMERGENCY, all_of=("aa", "cc"), any_of=("bb",))
    p = {"aa": 0.5, "bb": 0.5, "cc": 0.4}.__getitem__
    evidence = EvidenceSet(
        [
            Evidence("aa", Status.PRESENT, Origin.TEXT),
            Evidence("bb", Status.PRESENT, Origin.TEXT),
            Evidence("cc", Status.UNKNOWN, Origin.TEXT, possible=True),
        ]
    )
    odds = rule_odds(rule, evidence, p, p)
    assert odds is not None and odds.target == "cc" and odds.p_fire == pytest.approx(0.4)
    # once answered, the doubt is settled and nothing is left to ask
    answered = EvidenceSet(
        [*evidence, Evidence("cc", Status.UNKNOWN, Origin.ANSWER, possible=True)]
    )
    assert rule_odds(rule, answered, p, p) is None


def test_a_presenting_complaint_earns_the_first_question() -> None:
    rule = flag("rule", TriageLevel.EMERGENCY, any_of=("bb",), screen_when=("cramp",))
    base = {"bb": 0.001}.__getitem__
    odds = rule_odds(rule, known(("cramp", Status.PRESENT)), base, base)
    assert odds is not None and odds.presented and odds.plausible and odds.score >= 1


def test_screening_target_picks_the_highest_score() -> None:
    p = {"aa": 0.3, "bb": 0.3}.__getitem__
    low = rule_odds(
        flag("low", TriageLevel.CONSULTATION_24, any_of=("aa",)), EvidenceSet(), p, lambda _: 0.01
    )
    high = rule_odds(
        flag("high", TriageLevel.EMERGENCY_AMBULANCE, any_of=("bb",)),
        EvidenceSet(),
        p,
        lambda _: 0.01,
    )
    chosen = screening_target([low, None, high])
    assert chosen is not None and chosen.rule.id == "high"  # 0.3 × 4 beats 0.3 × 2
    assert screening_target([None]) is None


# -- escalation after an emergency-department sign ------------------------------------------------


def test_escalation_targets_closest_to_firing_first() -> None:
    tetanus = flag(
        "tetanus",
        TriageLevel.EMERGENCY_AMBULANCE,
        all_of=("wound",),
        any_of=("lockjaw",),
        screen_when=("lockjaw",),
    )
    airway = flag(
        "airway",
        TriageLevel.EMERGENCY_AMBULANCE,
        any_of=("stridor", "breathless"),
        screen_when=("lockjaw",),
    )
    unrelated = flag("other", TriageLevel.EMERGENCY_AMBULANCE, any_of=("xx",), screen_when=("yy",))
    likely = {"wound": 0.1, "stridor": 0.2, "breathless": 0.6}.__getitem__
    targets = escalation_targets([airway, tetanus, unrelated], {"lockjaw"}, set(), 30, likely)
    # both rules are one answer away (a wound; the airway rule's first sign, stridor), so the
    # likelier comes first: stridor 0.2 before wound 0.1; the unrelated rule is not pointed to.
    assert [t for t, _ in targets] == ["stridor", "wound"]
    evidence = EvidenceSet([Evidence("lockjaw", Status.PRESENT, Origin.TEXT)])
    assert next_escalation(targets, evidence) == targets[0]
    for finding in ("stridor", "wound")[:MAX_ESCALATION]:
        evidence.add(
            Evidence(finding, Status.ABSENT, Origin.ANSWER, question=finding, escalation=True)
        )
    assert next_escalation(targets, evidence) is None


# -- information gain -----------------------------------------------------------------------------


def test_entropy_in_bits() -> None:
    assert float(entropy(np.array([0.5, 0.5]))) == pytest.approx(1.0)
    assert float(entropy(np.array([1.0, 0.0]))) == 0.0
    assert float(entropy(np.array([0.25] * 4))) == pytest.approx(2.0)


def test_expected_information_gain_arithmetic() -> None:
    posterior = np.array([0.5, 0.5])
    # columns: a perfect test, a useless one, and a test right 8 times in 10
    p_yes = np.array([[1.0, 0.5, 0.8], [0.0, 0.5, 0.2]])
    p_no = 1.0 - p_yes
    gains = expected_information_gain(posterior, p_yes, p_no)
    h = -(0.8 * math.log2(0.8) + 0.2 * math.log2(0.2))  # 0.7219 bits left after either answer
    assert gains == pytest.approx([1.0, 0.0, 1.0 - h])


def test_expected_information_gain_with_an_uninformative_no() -> None:
    # "no" keeps its background rate 0.9 in both conditions: P(yes) + P(no) ≠ 1 per row
    posterior = np.array([0.5, 0.5])
    p_yes = np.array([[0.6], [0.1]])
    p_no = np.array([[0.9], [0.9]])
    yes, no = 0.5 * 0.6 + 0.5 * 0.1, 0.5 * 0.9 + 0.5 * 0.9  # 0.35 and 0.9
    h_yes = -((0.3 / yes) * math.log2(0.3 / yes) + (0.05 / yes) * math.log2(0.05 / yes))
    expected = (yes * h_yes + no * 1.0) / (yes + no)
    assert float(expected_information_gain(posterior, p_yes, p_no)[0]) == pytest.approx(
        1.0 - expected
    )


# -- stopping -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("asked", "top", "gain", "unknown", "reason"),
    [
        (0, 0.5, 0.0, 0, StopReason.NOTHING_LEFT_TO_ASK),
        (0, 0.5, -math.inf, 0, StopReason.NOTHING_LEFT_TO_ASK),
        (MIN_QUESTIONS - 1, 0.99, 0.01, 0, None),  # too early for any other reason
        (MIN_QUESTIONS, 0.5, 0.5, MAX_UNKNOWN_ANSWERS, StopReason.NOT_ENOUGH_ANSWERS),
        (MIN_QUESTIONS, STOP_TOP_PROBABILITY, 0.5, 0, StopReason.CONFIDENT),
        (MIN_QUESTIONS, 0.5, MIN_GAIN_BITS / 2, 0, StopReason.NO_INFORMATIVE_QUESTION),
        (MIN_QUESTIONS, 0.5, MIN_GAIN_BITS, 0, None),
    ],
)
def test_stop_reason(
    asked: int, top: float, gain: float, unknown: int, reason: StopReason | None
) -> None:
    assert (
        stop_reason(asked=asked, top_probability=top, best_gain=gain, unknown_answers=unknown)
        is reason
    )


def test_ranking_stable_arithmetic() -> None:
    posterior = np.array([0.6, 0.4])

    def same_level(_: np.ndarray) -> TriageLevel:
        return TriageLevel.SELF_CARE

    # likelihood ratio 1 either way: nothing can move
    assert ranking_stable(posterior, np.array([[0.5], [0.5]]), np.array([[0.5], [0.5]]), same_level)
    # a yes gives 0.6 × 0.1 = 0.06 against 0.4 × 0.9 = 0.36: the second cause comes first
    assert not ranking_stable(
        posterior, np.array([[0.1], [0.9]]), np.array([[0.9], [0.1]]), same_level
    )

    def level(p: np.ndarray) -> TriageLevel:
        return TriageLevel.CONSULTATION if float(p[1]) >= 0.45 else TriageLevel.SELF_CARE

    # a yes gives 0.6 × 0.4 = 0.24 against 0.4 × 0.5 = 0.20: top unchanged, but P(second)
    # = 0.20 / 0.44 = 0.4545 ≥ 0.45 changes the level
    assert not ranking_stable(posterior, np.array([[0.4], [0.5]]), np.array([[0.6], [0.5]]), level)


def test_the_level_is_the_triage_modules_own(tiny_engine: Engine) -> None:
    interviewer = Interviewer(tiny_engine)
    assert not hasattr(interviewer, "_level")
    posterior = tiny_engine.posterior(known(("cramp", Status.PRESENT)), None, None)
    result = tiny_engine.evaluate(known(("cramp", Status.PRESENT))).triage
    level, _ = condition_level(tiny_engine.kb, posterior, result.raised)
    assert result.condition_level is level


# -- answers --------------------------------------------------------------------------------------


def test_dont_know_is_not_no(tiny_engine: Engine) -> None:
    q = Question("at_night", QuestionKind.YES_NO, "At night?", "why", False)
    (item,) = answer_evidence(q, "dont_know")
    assert item.status is Status.UNKNOWN
    model = tiny_engine.model
    assert model.posterior(["cramp"]) == pytest.approx(
        tiny_engine.posterior(EvidenceSet([Evidence("cramp", Status.PRESENT), item]), None, None)
    )


SINGLE = Question(
    "episode_length",
    QuestionKind.SINGLE,
    "How long?",
    "why",
    False,
    (Option("a", "A"), Option("b", "B")),
)
MULTIPLE = Question(
    "location",
    QuestionKind.MULTIPLE,
    "Where?",
    "why",
    False,
    (Option("a", "A"), Option("b", "B"), Option("c", "C")),
)


@pytest.mark.parametrize(
    ("question", "response", "statuses"),
    [
        (SINGLE, ["a"], {"a": Status.PRESENT, "b": Status.ABSENT}),
        (MULTIPLE, ["a"], {"a": Status.PRESENT, "b": Status.ABSENT, "c": Status.ABSENT}),
        (MULTIPLE, ["a", "c"], {"a": Status.PRESENT, "b": Status.ABSENT, "c": Status.PRESENT}),
        (MULTIPLE, "a", {"a": Status.PRESENT, "b": Status.ABSENT, "c": Status.ABSENT}),
        (MULTIPLE, "none", {"a": Status.ABSENT, "b": Status.ABSENT, "c": Status.ABSENT}),
        (SINGLE, "none", {"a": Status.ABSENT, "b": Status.ABSENT}),
        (MULTIPLE, "dont_know", {"a": Status.UNKNOWN, "b": Status.UNKNOWN, "c": Status.UNKNOWN}),
        (MULTIPLE, [], {"a": Status.UNKNOWN, "b": Status.UNKNOWN, "c": Status.UNKNOWN}),
    ],
)
def test_choice_answers(
    question: Question, response: str | list[str], statuses: dict[str, Status]
) -> None:
    items = answer_evidence(question, response)
    assert {e.finding_id: e.status for e in items} == statuses
    assert questions_asked(items) == 1


@pytest.mark.parametrize(
    ("question", "response"),
    [
        (SINGLE, ["a", "b"]),
        (MULTIPLE, ["zzz"]),
        (MULTIPLE, "yes"),
        (Question("x", QuestionKind.YES_NO, "X?", "why", False), "maybe"),
        (Question("x", QuestionKind.YES_NO, "X?", "why", False), "none"),
        (Question("x", QuestionKind.YES_NO, "X?", "why", False), ["yes"]),
    ],
)
def test_bad_answers_are_refused(question: Question, response: str | list[str]) -> None:
    with pytest.raises(ValueError):
        answer_evidence(question, response)


# -- the whole step -------------------------------------------------------------------------------


def test_known_findings_are_never_asked_again(tiny_engine: Engine) -> None:
    interviewer = Interviewer(tiny_engine)
    evidence = known(("cramp", Status.PRESENT))
    seen = set()
    for _ in range(10):
        step = interviewer.step(evidence)
        if step.should_stop:
            break
        assert step.question is not None and step.question.id not in seen
        seen.add(step.question.id)
        for item in answer_evidence(step.question, "dont_know"):
            evidence.add(item)
    assert step.should_stop


def test_every_question_says_why(engine: Engine) -> None:
    interviewer = Interviewer(engine)
    evidence = EvidenceSet(engine.parse("my calves cramp at night")[1])
    for _ in range(4):
        step = interviewer.step(evidence, 55, "female")
        assert step.question is not None and len(step.question.why) > 20
        response = "none" if step.question.kind is not QuestionKind.YES_NO else "no"
        for item in answer_evidence(step.question, response):
            evidence.add(item)


def test_question_cap(engine: Engine) -> None:
    interviewer = Interviewer(engine, max_questions=3)
    evidence = EvidenceSet(engine.parse("twitching")[1])
    for _ in range(10):
        step = interviewer.step(evidence)
        if step.should_stop:
            break
        assert step.question is not None
        for item in answer_evidence(step.question, "dont_know"):
            evidence.add(item)
    assert step.should_stop and step.questions_asked <= 3


def test_step_benchmark(benchmark, engine: Engine) -> None:  # type: ignore[no-untyped-def]
    evidence = EvidenceSet(engine.parse("cramps in my calves at night, no weakness")[1])
    interviewer = Interviewer(engine)
    interviewer.step(evidence, 60, "female")
    benchmark(interviewer.step, evidence, 60, "female")


ITEMS = [
    Evidence(
        "face_droop", Status.UNKNOWN, Origin.TEXT, possible=True, text="maybe my face drooped"
    ),
    Evidence(
        "face_droop", Status.UNKNOWN, Origin.ANSWER, question="emergency_screen", screening=True
    ),
    Evidence("face_droop", Status.ABSENT, Origin.ANSWER, question="face_droop"),
    Evidence("face_droop", Status.PRESENT, Origin.ANSWER, question="face_droop"),
    Evidence("face_droop", Status.ABSENT, Origin.TEXT),
    Evidence("face_droop", Status.UNKNOWN, Origin.DIARY),
]


@given(
    picked=st.lists(st.sampled_from(range(len(ITEMS))), min_size=1, max_size=6), seed=st.randoms()
)
def test_evidence_order_never_matters_with_doubt_and_dont_know(
    picked: list[int], seed: random.Random
) -> None:
    items = [ITEMS[i] for i in picked]
    shuffled = list(items)
    seed.shuffle(shuffled)

    def final(order: list[Evidence]) -> tuple[object, ...]:
        e = EvidenceSet(order).get("face_droop")
        assert e is not None
        return (e.status, e.possible, e.origin)

    assert final(items) == final(shuffled)
    # a doubt answered "don't know" stays a doubt (triage acts on it) but counts as answered
    if {0, 1} <= set(picked) and not {2, 3, 4} & set(picked):
        assert final(items) == (Status.UNKNOWN, True, Origin.ANSWER)


def test_the_cap_keeps_room_for_the_self_care_checks(engine: Engine) -> None:
    """Before a self-care result the interview asks how long and whether it is getting worse
    (both seeds' reasons to see a doctor), even when the question cap is near."""
    interviewer = Interviewer(engine, max_questions=4)
    evidence = EvidenceSet(engine.parse("calf cramps at night after a long run")[1])
    asked = []
    for _ in range(10):
        step = interviewer.step(evidence, 30, "male")
        if step.should_stop:
            break
        assert step.question is not None
        asked.append(step.question.id)
        response = "no" if step.question.kind is QuestionKind.YES_NO else "dont_know"
        if step.question.id == "emergency_screen":
            response = "none"
        for item in answer_evidence(step.question, response):
            evidence.add(item)
    assert step.questions_asked <= 4
    if step.assessment.triage.level is TriageLevel.SELF_CARE:
        assert {"history_length", "course_warning"} <= set(asked), asked


def test_pins_and_needles_now_with_weakness_getting_worse_asks_whether_it_spreads(
    engine: Engine,
) -> None:
    """The packaged families: tingling and weakness that are getting worse are one answer
    from the spreading-numbness-then-weakness rule (Guillain-Barre's first story); "getting
    worse" is the general form of "spreading", so that is asked before the question budget
    runs out (after the screen, the history questions and the ambulance rules the
    complaint names), and a "yes" is an emergency."""
    evidence = EvidenceSet(
        [
            Evidence("tingling", Status.PRESENT, Origin.TEXT),
            Evidence("weakness", Status.PRESENT, Origin.TEXT),
            Evidence("worsening", Status.PRESENT, Origin.TEXT),
            Evidence("history_days", Status.PRESENT, Origin.TEXT),
        ]
    )
    interviewer = Interviewer(engine)
    asked = _asked_until(interviewer, evidence, "spreading", 10, 30, "male")
    assert asked[-1] == "spreading", asked
    question = interviewer.step(evidence, 30, "male").question
    assert question is not None and question.id == "spreading"
    for item in answer_evidence(question, "yes"):
        evidence.add(item)
    assert interviewer.step(evidence, 30, "male").assessment.triage.level.is_emergency
