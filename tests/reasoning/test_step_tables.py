"""The interview step's per-knowledge-base tables give what the plain computations give.

Issue 16 item 5 made the step's arithmetic matrix–vector products over tables built once
(:class:`~spasmcheck.reasoning.interview.InterviewTables`). Each fast path is held here to the
computation it replaced, on the tiny knowledge base and on the packaged one, for evidence
states reached by real interviews and for random ones:

- the expected information gain of every finding, against a scalar loop written straight
  from the definition ``H(C) − Σ_a P(a) H(C | a)`` and against the full-array
  :func:`expected_information_gain`, to 1e-9 bits;
- the screening target, against :func:`screening_target` over :func:`rule_odds` per rule;
- the emergency screen's question, against :func:`screen_question`, and the first
  questions (where, about you), against :func:`first_question`, for every age and sex;
- the affirmed red flags, against :func:`fired_red_flags` on the affirmed findings alone;
- the triage level of many posteriors at once, against :func:`condition_level` per column;
- the evidence's log-likelihood ratios (bit for bit) and the contributions shown, against
  the computation before the change; the red flags looked up by finding, against all rules.
"""

from __future__ import annotations

import copy
import math
import random
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pytest

from spasmcheck.knowledge.schema import RedFlag
from spasmcheck.reasoning.engine import SHOWN_LOG_LR, Engine
from spasmcheck.reasoning.evidence import Evidence, EvidenceSet, Origin, Status
from spasmcheck.reasoning.inference import BayesModel
from spasmcheck.reasoning.interview import (
    FIRST_GROUPS,
    Interviewer,
    RuleOdds,
    ScreeningIndex,
    affirmed_flags,
    answer_evidence,
    expected_information_gain,
    first_question,
    general_forms,
    interview_tables,
    rule_odds,
    screen_question,
    screening_target,
)
from spasmcheck.reasoning.triage import condition_level, condition_levels, fired_red_flags

TEXTS = [
    "cramps in my calves at night, no weakness",
    "my eyelid keeps twitching",
    "sudden weakness in my left arm and my face drooped",
    "muscle aches since I started a statin, dark urine",
    "my jaw is stiff and I cut my foot last week",
    "tingling around my lips and fingers after I breathed fast",
]
AGES = [None, 1, 8, 35, 70]


def scalar_gain(posterior: list[float], p_yes: list[float], p_no: list[float]) -> float:
    """The expected information gain of one finding, one condition at a time."""

    def entropy(weights: list[float]) -> float:
        total = sum(weights)
        return -sum(w / total * math.log2(w / total) for w in weights if w > 0)

    joint_yes = [p * y for p, y in zip(posterior, p_yes, strict=True)]
    joint_no = [p * n for p, n in zip(posterior, p_no, strict=True)]
    yes, no = sum(joint_yes), sum(joint_no)
    expected = (yes * entropy(joint_yes) + no * entropy(joint_no)) / (yes + no)
    return entropy(posterior) - expected


def interview_states(engine: Engine, seed: int, n_random: int) -> list[EvidenceSet]:
    """Evidence states of real interviews (every step, answered by a seeded coin) and random
    ones with every status, origin and doubt."""
    rng = random.Random(seed)
    states: list[EvidenceSet] = [EvidenceSet()]
    interviewer = Interviewer(engine)
    finding_ids = [f.id for f in engine.kb.findings]
    texts = TEXTS if engine.kb.finding_by_id.keys() >= {"cramp", "loc_calf"} else []
    for text in texts:
        evidence = EvidenceSet(engine.parse(text)[1])
        for _ in range(25):
            states.append(evidence.copy())
            step = interviewer.step(evidence, 50, "female")
            if step.should_stop or step.question is None:
                break
            question = step.question
            if question.options:
                choices: list[str | list[str]] = [
                    "none",
                    "dont_know",
                    [rng.choice(question.options).finding_id],
                ]
                answer: str | list[str] = rng.choice(choices)
            else:
                answer = rng.choice(["yes", "no", "no", "dont_know"])
            for item in answer_evidence(question, answer):
                evidence.add(item)
    for _ in range(n_random):
        items = []
        for finding_id in rng.sample(finding_ids, rng.randint(0, min(12, len(finding_ids)))):
            status = rng.choice(list(Status))
            items.append(
                Evidence(
                    finding_id,
                    status,
                    rng.choice(list(Origin)),
                    possible=status is Status.UNKNOWN and rng.random() < 0.5,
                    question=finding_id,
                    screening=rng.random() < 0.3,
                )
            )
        states.append(EvidenceSet(items))
    return states


@pytest.fixture(params=["tiny", "packaged"])
def any_engine(request: pytest.FixtureRequest, tiny_engine: Engine, engine: Engine) -> Engine:
    return tiny_engine if request.param == "tiny" else engine


def test_the_gains_are_the_scalar_definitions(any_engine: Engine) -> None:
    model = any_engine.model
    likelihoods = interview_tables(any_engine).likelihoods
    rng = random.Random(3)
    columns = list(range(len(model.finding_ids)))
    for evidence in interview_states(any_engine, seed=1, n_random=10)[::3]:
        posterior = any_engine.posterior(evidence, rng.choice(AGES), "male")
        fast = likelihoods.gains(posterior)
        full = expected_information_gain(posterior, model.p_present, model.p_absent)
        np.testing.assert_allclose(fast, full, rtol=0, atol=1e-9)
        pi = posterior.tolist()
        for j in rng.sample(columns, min(25, len(columns))):
            slow = scalar_gain(pi, model.p_present[:, j].tolist(), model.p_absent[:, j].tolist())
            assert abs(fast[j] - slow) < 1e-9


def test_a_posterior_with_impossible_causes_keeps_the_same_gains(engine: Engine) -> None:
    """A zero prior (an age band with factor 0) leaves exact zeros in the posterior."""
    model = engine.model
    posterior = np.zeros(len(model.conditions))
    posterior[:3] = [0.5, 0.3, 0.2]
    fast = interview_tables(engine).likelihoods.gains(posterior)
    full = expected_information_gain(posterior, model.p_present, model.p_absent)
    np.testing.assert_allclose(fast, full, rtol=0, atol=1e-9)


def plain_target(
    rules: list[RedFlag],
    evidence: EvidenceSet,
    predicted: Callable[[str], float],
    background: Callable[[str], float],
    nearly_only: bool,
    general: dict[str, tuple[str, ...]],
) -> RuleOdds | None:
    """The screening target the plain way: each rule's odds, then the choice among them."""
    return screening_target(
        rule_odds(rule, evidence, predicted, background, nearly_only=nearly_only, general=general)
        for rule in rules
    )


def test_the_screening_index_picks_what_rule_odds_picks(any_engine: Engine) -> None:
    model = any_engine.model
    tables = interview_tables(any_engine)
    index = model.finding_index
    rng = random.Random(5)
    for evidence in interview_states(any_engine, seed=2, n_random=40):
        age = rng.choice(AGES)
        predictive = any_engine.posterior(evidence, age, None) @ model.p_present
        for nearly_only in (False, True):
            expected = plain_target(
                [rule for rule in tables.screen_rules if rule.applies_to(age)],
                evidence,
                predicted_by(predictive, index),
                lambda f: float(model.base_rate[index[f]]),
                nearly_only,
                general_forms(any_engine.kb),
            )
            got = tables.screening.target(
                evidence, index, predictive, model.base_rate, age, nearly_only=nearly_only
            )
            assert got == expected


def rule_states(
    rule: RedFlag,
    rng: random.Random,
    count: int,
    general: dict[str, tuple[str, ...]] | None = None,
) -> list[EvidenceSet]:
    """Evidence about one rule's own findings (its parts, context, complaint and the general
    forms of its parts), each in one of the states the screening index tells apart:
    affirmed, denied, "don't know", given with doubt in the text or in an answer, answered
    in a history question, unknown."""
    named = [
        *(g for f in rule.finding_ids for g in (general or {}).get(f, ())),
        *rule.all_of,
        *rule.any_of,
        *rule.unless,
        *rule.unless_any,
        *rule.unless_alone,
        *rule.still_when_any,
        *rule.screen_when,
    ]

    def item(finding_id: str) -> Evidence | None:
        kind = rng.randrange(7)
        if kind == 0:
            return None
        if kind == 1:
            return Evidence(finding_id, Status.PRESENT, rng.choice(list(Origin)))
        if kind == 2:
            return Evidence(finding_id, Status.ABSENT, Origin.ANSWER, question=finding_id)
        if kind == 3:
            return Evidence(finding_id, Status.UNKNOWN, Origin.ANSWER, question=finding_id)
        if kind == 4:
            return Evidence(finding_id, Status.UNKNOWN, Origin.TEXT, possible=True)
        if kind == 5:
            return Evidence(finding_id, Status.UNKNOWN, Origin.ANSWER, True, None, finding_id)
        return Evidence(finding_id, Status.PRESENT, Origin.ANSWER, question=FIRST_GROUPS[0])

    states = []
    for _ in range(count):
        items = [item(f) for f in dict.fromkeys(named)]
        states.append(EvidenceSet(e for e in items if e is not None))
    return states


def test_each_rule_alone_is_read_as_rule_odds_reads_it(any_engine: Engine) -> None:
    """One rule at a time, its own findings in every state: the bits, the context (a rule
    an affirmed finding silences), the doubted parts of a combination and the complaint."""
    model = any_engine.model
    index = model.finding_index
    rng = random.Random(13)
    background = predicted_by(model.base_rate, index)
    general = general_forms(any_engine.kb)
    for rule in interview_tables(any_engine).screen_rules:
        alone = ScreeningIndex([rule], index, len(model.finding_ids), general)
        for evidence in rule_states(rule, rng, 12, general):
            age = rng.choice(AGES)
            predictive = any_engine.posterior(evidence, age, None) @ model.p_present
            for nearly_only in (False, True):
                expected = plain_target(
                    [rule] if rule.applies_to(age) else [],
                    evidence,
                    predicted_by(predictive, index),
                    background,
                    nearly_only,
                    general,
                )
                got = alone.target(
                    evidence, index, predictive, model.base_rate, age, nearly_only=nearly_only
                )
                assert got == expected, (rule.id, list(evidence))


def test_the_screen_table_asks_what_screen_question_asks(any_engine: Engine) -> None:
    screen = any_engine.kb.screen
    table = interview_tables(any_engine).screen
    if screen is None:
        assert table is None
        return
    assert table is not None
    states = interview_states(any_engine, seed=4, n_random=40)
    # every screen option settled, one by one: the question shrinks to nothing
    settled = EvidenceSet()
    for option in screen.options:
        states.append(settled.copy())
        settled.add(Evidence(option.finding, Status.ABSENT, Origin.ANSWER, question=screen.id))
    states.append(settled)
    asked = [table.question(evidence) for evidence in states]
    assert asked == [screen_question(screen, evidence) for evidence in states]
    assert None in asked and table.whole in asked
    if len(screen.options) > 1:  # the tiny knowledge base's screen has one option
        assert any(q is not None and 0 < len(q.options) < len(screen.options) for q in asked)


@pytest.mark.parametrize("sex", [None, "female", "male"])
def test_the_first_questions_are_made_for_every_person(any_engine: Engine, sex: str | None) -> None:
    interviewer = Interviewer(any_engine)
    members = interviewer.group_members
    groups = [g for g in FIRST_GROUPS if g in members]
    for group_id in groups:
        for age in [None, *range(0, 121)]:
            expected = first_question(any_engine.kb, members[group_id], group_id, age, sex)
            assert interviewer._first_question(group_id, age, sex) == expected


def test_affirmed_flags_are_those_fired_on_the_affirmed_findings(any_engine: Engine) -> None:
    kb = any_engine.kb
    rng = random.Random(7)
    for evidence in interview_states(any_engine, seed=3, n_random=60):
        age = rng.choice(AGES)
        both = fired_red_flags(kb, evidence.present, evidence.possible, age)
        assert affirmed_flags(both, set(evidence.present)) == fired_red_flags(
            kb, evidence.present, age=age
        )


def test_a_doubtful_still_when_any_finding_is_not_affirmed(engine: Engine) -> None:
    """Slurring for months with a doubtful "suddenly": the stroke rule fires (the riskier
    reading), but not on the affirmed findings alone."""
    present = {"slurred_speech", "slow_speech_or_face_change"}
    both = fired_red_flags(engine.kb, present, {"sudden_onset"}, 70)
    assert "stroke_signs" in {f.flag.id for f in both}
    assert affirmed_flags(both, present) == fired_red_flags(engine.kb, present, age=70)
    assert "stroke_signs" not in {f.flag.id for f in affirmed_flags(both, present)}


def test_levels_of_many_posteriors_are_condition_level_of_each(any_engine: Engine) -> None:
    kb = any_engine.kb
    rng = np.random.default_rng(11)
    posteriors = rng.dirichlet(np.full(len(kb.conditions), 0.3), size=200).T
    raised = rng.random(len(kb.conditions)) < 0.5
    expected = [
        condition_level(kb, posteriors[:, j], raised)[0] for j in range(posteriors.shape[1])
    ]
    assert condition_levels(kb, posteriors, raised) == expected


def test_the_tables_are_built_once_per_engine(engine: Engine) -> None:
    """The API and the web make an Interviewer per request: it must not rebuild them."""
    assert Interviewer(engine).tables is Interviewer(engine).tables


def plain_evidence_llr(
    model: BayesModel, present: list[str], absent: list[str]
) -> tuple[np.ndarray, list[str], list[bool]]:
    """The evidence's log-likelihood ratios as computed before issue 16: column by column from
    the conditions × findings arrays, the family rule applied family by family."""
    ids: list[str] = []
    states: list[bool] = []
    for state, group in ((True, present), (False, absent)):
        for f in group:
            if f in model.finding_index and f not in ids:
                ids.append(f)
                states.append(state)
    columns = [model.finding_index[f] for f in ids]
    llr = np.where(
        np.array(states, dtype=bool)[None, :],
        model.llr_present[:, columns],
        model.llr_absent[:, columns],
    )
    families = model.family_of[columns] if columns else np.zeros(0, dtype=np.int64)
    for family in set(families[families >= 0].tolist()):
        cols = np.flatnonzero(families == family)
        if len(cols) < 2:
            continue
        rank = {int(k): int(model.member_rank[columns[k]]) for k in cols}
        keep = set()
        if present_cols := [k for k in rank if states[k]]:
            keep.add(min(present_cols, key=rank.__getitem__))
        if absent_cols := [k for k in rank if not states[k]]:
            keep.add(max(absent_cols, key=rank.__getitem__))
        for k in rank:
            if k not in keep:
                llr[:, k] = 0.0
    return llr, ids, states


def test_the_evidence_and_its_shown_contributions_are_unchanged(any_engine: Engine) -> None:
    """Bit for bit: the posterior sums these columns, so any change would move a result."""
    model = any_engine.model
    for evidence in interview_states(any_engine, seed=4, n_random=60):
        present, absent = evidence.present, evidence.absent
        llr, ids, states = model.evidence_llr(present, absent)
        plain, plain_ids, plain_states = plain_evidence_llr(model, present, absent)
        assert (ids, states) == (plain_ids, plain_states)
        assert np.array_equal(llr, plain) and llr.flags.c_contiguous
        rows = list(range(0, len(model.conditions), 7))
        batch = model.contributions_of(rows, llr, ids, states, beyond=SHOWN_LOG_LR)
        for i, shown in zip(rows, batch, strict=True):
            every = model.contributions(model.conditions[i].id, present, absent)
            assert shown == [c for c in every if abs(c.log_lr) > SHOWN_LOG_LR]


def test_red_flags_are_looked_up_by_the_findings_they_name(any_engine: Engine) -> None:
    """fired_red_flags reads only the rules naming a known finding: the same as all rules."""
    kb = any_engine.kb
    every_rule = copy.copy(kb)
    everything = tuple(range(len(kb.red_flags)))
    object.__setattr__(every_rule, "red_flags_naming", {f.id: everything for f in kb.findings})
    rng = random.Random(9)
    for evidence in interview_states(any_engine, seed=5, n_random=80):
        age = rng.choice(AGES)
        args = (evidence.present, evidence.possible, age)
        assert fired_red_flags(kb, *args) == fired_red_flags(every_rule, *args)


def predicted_by(predictive: Any, index: Mapping[str, int]) -> Callable[[str], float]:
    """The probability ``predictive`` gives a finding, by id (bound now, not at call time)."""
    return lambda finding_id: float(predictive[index[finding_id]])
