"""Triage: red flags always reach their level when affirmed and never fire when denied."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from spasmcheck.knowledge.loader import KnowledgeBase
from spasmcheck.knowledge.schema import TriageLevel
from spasmcheck.reasoning.engine import Engine
from spasmcheck.reasoning.evidence import Evidence, EvidenceSet, Origin, Status
from spasmcheck.reasoning.triage import (
    LEVEL_THRESHOLDS,
    FiredFlag,
    condition_level,
    condition_levels,
    fired_red_flags,
    raised_causes,
    triage,
)

PHRASES: list[dict[str, Any]] = yaml.safe_load(
    (Path(__file__).parent / "data" / "red_flag_phrases.yaml").read_text(encoding="utf-8")
)


def _none(kb: KnowledgeBase) -> np.ndarray:
    return np.zeros(len(kb.conditions), dtype=bool)


def test_condition_level_uses_cumulative_probability(tiny_kb: KnowledgeBase) -> None:
    # order: night_cramps(self_care), hypocalcemia(c24), stroke(ambulance), other(consultation)
    ids = [c.id for c in tiny_kb.conditions]
    post = np.zeros(len(ids))
    post[ids.index("night_cramps")] = 0.6
    post[ids.index("hypocalcemia")] = 0.2
    post[ids.index("stroke")] = 0.2
    # stroke mass 0.2 < 0.25; c24-or-more mass 0.4 >= 0.30 -> consultation_24
    assert condition_level(tiny_kb, post, _none(tiny_kb))[0] is TriageLevel.CONSULTATION_24
    post[ids.index("night_cramps")] = 0.55
    post[ids.index("stroke")] = 0.25
    assert condition_level(tiny_kb, post, _none(tiny_kb))[0] is TriageLevel.EMERGENCY_AMBULANCE


def test_a_base_rate_alone_does_not_book_an_appointment(tiny_kb: KnowledgeBase) -> None:
    """An appointment counts only the causes the affirmed evidence raised above base rate."""
    ids = [c.id for c in tiny_kb.conditions]
    prior = np.zeros(len(ids))
    prior[ids.index("night_cramps")] = 0.5
    prior[ids.index("other_unlisted")] = 0.5
    # nothing affirmed: the posterior from the affirmed findings is the prior, nothing raised
    none = raised_causes(prior, prior)
    assert not none.any()
    # 'other_unlisted' (consultation) holds 0.5 >= 0.40 of the posterior, but only its base rate
    assert condition_level(tiny_kb, prior, none) == (TriageLevel.SELF_CARE, 0.5)
    post = prior.copy()
    post[ids.index("night_cramps")] = 0.45
    post[ids.index("other_unlisted")] = 0.55
    raised = raised_causes(post, prior)
    assert raised[ids.index("other_unlisted")] and not raised[ids.index("night_cramps")]
    # raised above its base rate: 0.55 >= 0.40 counts
    assert condition_level(tiny_kb, post, raised) == (TriageLevel.CONSULTATION, 0.55)
    assert condition_levels(tiny_kb, np.column_stack([prior, post]), raised) == [
        TriageLevel.CONSULTATION,
        TriageLevel.CONSULTATION,
    ]
    assert condition_levels(tiny_kb, np.column_stack([prior, post]), none) == [
        TriageLevel.SELF_CARE,
        TriageLevel.SELF_CARE,
    ]


def test_a_course_getting_better_books_no_appointment(tiny_kb: KnowledgeBase) -> None:
    """NHS Back pain, Neck pain (2023): a GP when it does not start to improve. The same
    raised 0.55 as above books an appointment, but not when the person says it is getting
    better, unless something is also worse or spreading; the urgent levels are untouched."""
    ids = [c.id for c in tiny_kb.conditions]
    prior = np.zeros(len(ids))
    prior[ids.index("night_cramps")] = 0.5
    prior[ids.index("other_unlisted")] = 0.5
    post = prior.copy()
    post[ids.index("night_cramps")] = 0.45
    post[ids.index("other_unlisted")] = 0.55
    raised = raised_causes(post, prior)
    assert triage(tiny_kb, post, raised, []).level is TriageLevel.CONSULTATION
    settled = triage(tiny_kb, post, raised, ["improving"])
    assert settled.level is TriageLevel.SELF_CARE
    assert not settled.raised.any()
    worse = triage(tiny_kb, post, raised, ["improving", "worsening"])
    assert worse.level is TriageLevel.CONSULTATION
    urgent = np.zeros(len(ids))
    urgent[ids.index("night_cramps")] = 0.7
    urgent[ids.index("stroke")] = 0.3
    assert triage(tiny_kb, urgent, raised, ["improving"]).level is TriageLevel.EMERGENCY_AMBULANCE


def test_urgent_levels_keep_the_whole_mass(tiny_kb: KnowledgeBase) -> None:
    """A base rate at an urgent level still counts: a missed emergency costs more."""
    ids = [c.id for c in tiny_kb.conditions]
    prior = np.zeros(len(ids))
    prior[ids.index("night_cramps")] = 0.7
    prior[ids.index("stroke")] = 0.3
    assert condition_level(tiny_kb, prior, _none(tiny_kb))[0] is TriageLevel.EMERGENCY_AMBULANCE


def known(*items: tuple[str, Status]) -> EvidenceSet:
    return EvidenceSet(Evidence(f, s, Origin.TEXT) for f, s in items)


def test_a_denial_raises_no_cause(tiny_engine: Engine) -> None:
    """Denying a finding lifts the causes it does not fit, but only what is affirmed raises a
    cause for the appointment level."""
    result = tiny_engine.evaluate(known(("face_droop", Status.ABSENT))).triage
    assert not result.raised.any()
    affirmed = tiny_engine.evaluate(known(("cramp", Status.PRESENT))).triage
    assert affirmed.raised.any()


def test_thresholds_are_more_cautious_for_emergencies() -> None:
    assert (
        LEVEL_THRESHOLDS[TriageLevel.EMERGENCY_AMBULANCE]
        <= LEVEL_THRESHOLDS[TriageLevel.CONSULTATION]
    )


def test_combination_rule_needs_all_of(tiny_kb: KnowledgeBase) -> None:
    assert [f.flag.id for f in fired_red_flags(tiny_kb, ["tingling_lips_fingers"])] == []
    assert [f.flag.id for f in fired_red_flags(tiny_kb, ["tingling_lips_fingers", "cramp"])] == [
        "tetany_flag"
    ]


def test_affirmed_emergency_sign_wins_over_probabilities(tiny_kb: KnowledgeBase) -> None:
    post = np.zeros(len(tiny_kb.conditions))
    post[0] = 1.0  # all mass on night cramps
    result = triage(tiny_kb, post, _none(tiny_kb), ["face_droop"])
    assert result.level is TriageLevel.EMERGENCY_AMBULANCE
    assert result.do_now, "an emergency result must say what to do now"


def test_doubtful_emergency_sign_still_fires(tiny_kb: KnowledgeBase) -> None:
    post = np.zeros(len(tiny_kb.conditions))
    post[0] = 1.0
    result = triage(tiny_kb, post, _none(tiny_kb), [], possible=["face_droop"])
    assert result.level is TriageLevel.EMERGENCY_AMBULANCE
    assert result.red_flags[0].uncertain


STATUSES = st.sampled_from([Status.PRESENT, Status.ABSENT, Status.UNKNOWN])
TINY_FINDINGS = st.sampled_from(
    ["face_droop", "cramp", "at_night", "tingling_lips_fingers", "weakness"]
)


@settings(max_examples=150, deadline=None)
@given(answers=st.lists(st.tuples(TINY_FINDINGS, STATUSES), max_size=8), seed=st.randoms())
def test_answer_order_never_changes_red_flag_outcome(
    tiny_engine: Engine, answers: list[tuple[str, Status]], seed: object
) -> None:
    items = [Evidence(f, s, Origin.ANSWER) for f, s in answers]
    shuffled = list(items)
    seed.shuffle(shuffled)  # type: ignore[attr-defined]
    first = tiny_engine.evaluate(EvidenceSet(items))
    second = tiny_engine.evaluate(EvidenceSet(shuffled))
    assert [f.flag.id for f in first.triage.red_flags] == [
        f.flag.id for f in second.triage.red_flags
    ]
    assert first.triage.level is second.triage.level
    if any(f == "face_droop" and s is Status.PRESENT for f, s in answers):
        assert first.triage.level is TriageLevel.EMERGENCY_AMBULANCE


@settings(max_examples=100, deadline=None)
@given(
    text=st.sampled_from(
        ["no face droop", "no face drooping, cramps at night", "denies face droop"]
    ),
    age=st.integers(0, 120),
)
def test_negated_red_flag_never_fires(tiny_engine: Engine, text: str, age: int) -> None:
    result = tiny_engine.assess(text, age=age)
    assert "face_droop_flag" not in [f.flag.id for f in result.triage.red_flags]


def test_every_red_flag_rule_fires_when_its_findings_are_affirmed(engine: Engine) -> None:
    for flag in engine.kb.red_flags:
        present = [*flag.all_of, *flag.any_of[:1]]
        items = EvidenceSet(Evidence(f, Status.PRESENT, Origin.ANSWER) for f in present)
        # A rule that needs an age is tried at an age inside its bounds.
        age = (
            (flag.max_age if flag.max_age is not None else flag.min_age) if flag.needs_age else None
        )
        result = engine.evaluate(items, age=age)
        assert flag.id in [f.flag.id for f in result.triage.red_flags], flag.id
        assert result.triage.level.urgency >= flag.level.urgency, flag.id
        if result.triage.level.is_emergency:
            assert result.triage.do_now


def test_every_red_flag_rule_stays_silent_when_its_findings_are_denied(engine: Engine) -> None:
    for flag in engine.kb.red_flags:
        items = EvidenceSet(Evidence(f, Status.ABSENT, Origin.ANSWER) for f in flag.finding_ids)
        result = engine.evaluate(items)
        assert flag.id not in [f.flag.id for f in result.triage.red_flags], flag.id


def test_phrase_table_covers_every_rule(engine: Engine) -> None:
    affirmed = {p["flag"] for p in PHRASES if "flag" in p}
    negated = {p["not_flag"] for p in PHRASES if "not_flag" in p}
    rules = {f.id for f in engine.kb.red_flags}
    assert rules - affirmed == set(), "rules without an affirmed phrase"
    assert rules - negated == set(), "rules without a negated phrase"


@pytest.mark.parametrize("case", PHRASES, ids=[p["text"][:60] for p in PHRASES])
def test_red_flag_phrase(engine: Engine, case: dict[str, Any]) -> None:
    result = engine.assess(case["text"], age=case.get("age"))
    fired = [f.flag.id for f in result.triage.red_flags]
    level = result.triage.level
    if "flag" in case:
        assert case["flag"] in fired, (fired, [m.as_dict() for m in result.mentions])
    if "min_level" in case:
        assert level.urgency >= TriageLevel(case["min_level"]).urgency, level
    if "not_flag" in case:
        assert case["not_flag"] not in fired, (fired, [m.as_dict() for m in result.mentions])
    if "max_level" in case:
        assert level.urgency <= TriageLevel(case["max_level"]).urgency, (level, fired)


def test_assess_benchmark(benchmark, engine: Engine) -> None:  # type: ignore[no-untyped-def]
    """One full assess (parse, rank, explain, triage, advice) after warm-up (goal p50 <= 2 ms)."""
    engine.assess("my calves cramp at night for three weeks, no numbness or weakness", 62, "female")
    benchmark(
        engine.assess,
        "my calves cramp at night for three weeks, no numbness or weakness",
        62,
        "female",
    )


def test_a_combination_rule_needs_every_part_affirmed(engine: Engine) -> None:
    kb = engine.kb

    def ids(fired: list[FiredFlag]) -> set[str]:
        return {f.flag.id for f in fired}

    parts = {"headache", "stiff_neck", "vomiting"}
    # sudden_headache_stiff_neck: headache, sudden onset and a stiff neck, all affirmed
    assert "sudden_headache_stiff_neck" in ids(
        fired_red_flags(kb, parts | {"sudden_onset"}, age=40)
    )
    # the sudden onset only given with doubt (or read by resemblance): the combination waits
    assert "sudden_headache_stiff_neck" not in ids(
        fired_red_flags(kb, parts, possible={"sudden_onset"}, age=40)
    )
    # a single warning sign given with doubt still fires (doubt is a reason to act)
    assert "stroke_signs" in ids(fired_red_flags(kb, set(), possible={"face_droop"}, age=40))


def test_a_rule_that_needs_an_age_is_silent_without_one() -> None:
    """A baby's rule ("odd movements in a child under two") says nothing about an adult whose
    age is not given; a rule without needs_age applies to an unknown age (the safe side)."""
    from pydantic import ValidationError

    from spasmcheck.knowledge.schema import RedFlag

    common = {
        "id": "baby_twitch",
        "name": "Twitching in a baby",
        "any_of": ["twitching"],
        "reason": "Repeated twitching in a baby needs a look.",
        "do_now": "Film it and book an appointment.",
        "cite": [{"source": "seed_widespread", "section": "x"}],
    }
    baby = RedFlag.model_validate(
        {**common, "level": "consultation", "max_age": 1, "needs_age": True}
    )
    assert baby.applies_to(0) and not baby.applies_to(30) and not baby.applies_to(None)
    plain = RedFlag.model_validate({**common, "level": "consultation", "max_age": 1})
    assert plain.applies_to(None)
    with pytest.raises(ValidationError, match="safe side"):
        RedFlag.model_validate({**common, "level": "emergency", "max_age": 1, "needs_age": True})
    with pytest.raises(ValidationError, match="min_age or max_age"):
        RedFlag.model_validate({**common, "level": "consultation", "needs_age": True})
