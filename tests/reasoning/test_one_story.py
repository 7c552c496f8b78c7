"""Issue 11: correlated findings count once, probabilities are capped, and ranking and triage
tell one story. Expected posteriors are written as the Bayes arithmetic that gives them, on
the tiny knowledge base (tests/data/tiny_kb; its numbers are listed in test_inference.py).
"""

from __future__ import annotations

import dataclasses
import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spasmcheck.knowledge.loader import KnowledgeBase
from spasmcheck.knowledge.schema import FindingFamily, RedFlag, TriageLevel
from spasmcheck.reasoning.chance import chance_percent, chance_words
from spasmcheck.reasoning.engine import Engine
from spasmcheck.reasoning.evidence import Evidence, EvidenceSet, Origin, Status
from spasmcheck.reasoning.inference import MAX_PROBABILITY, BayesModel, cap_probabilities
from spasmcheck.reasoning.triage import causes_explaining, fired_red_flags

STROKE_SIGNS = FindingFamily(
    id="stroke_signs",
    members=["face_droop", "weakness"],
    reason="test family: two signs of one event",
)


@pytest.fixture(scope="module")
def family_kb(tiny_kb: KnowledgeBase) -> KnowledgeBase:
    return dataclasses.replace(tiny_kb, families=(STROKE_SIGNS,))


def _by_id(model: BayesModel, posterior: np.ndarray) -> dict[str, float]:
    return {c.id: float(posterior[i]) for i, c in enumerate(model.conditions)}


# -- correlated findings count once -------------------------------------------------------------
def test_two_members_pointing_the_same_way_count_once(family_kb: KnowledgeBase) -> None:
    # face droop and weakness present. Stroke: LR 0.6/0.01 = 60 and 0.7/0.1 = 7; the most
    # specific "yes" (face droop, listed first) speaks for the family: 60 (naive Bayes would
    # give 420). Every other condition: 1.
    weights = {"night_cramps": 0.5, "hypocalcemia": 0.2, "stroke": 0.1 * 60, "other_unlisted": 0.2}
    total = sum(weights.values())
    post = BayesModel(family_kb).posterior(present=["face_droop", "weakness"])
    assert _by_id(BayesModel(family_kb), post) == pytest.approx(
        {k: v / total for k, v in weights.items()}
    )


def test_a_yes_and_a_no_in_one_family_both_count(family_kb: KnowledgeBase) -> None:
    # face droop present (stroke x60), weakness absent (stroke (1-0.7)/(1-0.1) = 1/3): a "yes"
    # and a "no" are two facts, both kept: 60 / 3 = 20. Night cramps' weakness link is not
    # absence-informative: background, ratio 1.
    weights = {"night_cramps": 0.5, "hypocalcemia": 0.2, "stroke": 0.1 * 20, "other_unlisted": 0.2}
    total = sum(weights.values())
    model = BayesModel(family_kb)
    post = model.posterior(present=["face_droop"], absent=["weakness"])
    assert _by_id(model, post) == pytest.approx({k: v / total for k, v in weights.items()})


def test_specificity_not_strength_chooses_the_member(tiny_kb: KnowledgeBase) -> None:
    # the same two findings listed the other way round: weakness now speaks for the family,
    # so stroke gets x7 although face droop would give x60 (the choice never depends on the
    # condition it favours)
    kb = dataclasses.replace(
        tiny_kb, families=(STROKE_SIGNS.model_copy(update={"members": ["weakness", "face_droop"]}),)
    )
    model = BayesModel(kb)
    weights = {"night_cramps": 0.5, "hypocalcemia": 0.2, "stroke": 0.1 * 7, "other_unlisted": 0.2}
    total = sum(weights.values())
    post = model.posterior(present=["face_droop", "weakness"])
    assert _by_id(model, post) == pytest.approx({k: v / total for k, v in weights.items()})


def test_the_most_general_no_speaks_for_the_family(family_kb: KnowledgeBase) -> None:
    # both absent: "no weakness" (the general member) carries "no face droop" with it.
    # Stroke (1-0.7)/(1-0.1) = 1/3; night cramps' weakness "no" is uninformative: 1.
    model = BayesModel(family_kb)
    weights = {"night_cramps": 0.5, "hypocalcemia": 0.2, "stroke": 0.1 / 3, "other_unlisted": 0.2}
    total = sum(weights.values())
    post = model.posterior(absent=["face_droop", "weakness"])
    assert _by_id(model, post) == pytest.approx({k: v / total for k, v in weights.items()})


def test_without_the_family_the_same_evidence_multiplies(tiny_kb: KnowledgeBase) -> None:
    # naive Bayes: stroke 0.1 x 60 x 7 = 42 against 0.9 for the rest -> 42/42.9 = 0.979,
    # above the cap: stroke gets 0.95 and the others share 0.029 in proportion.
    model = BayesModel(tiny_kb)
    post = _by_id(model, model.posterior(present=["face_droop", "weakness"]))
    assert post["stroke"] == pytest.approx(MAX_PROBABILITY)
    scale = (1 - MAX_PROBABILITY) / (0.9 / 42.9)
    assert post["night_cramps"] == pytest.approx(0.5 / 42.9 * scale)


def test_contributions_explain_the_family_rule(family_kb: KnowledgeBase) -> None:
    # the more general member adds nothing, so it is reported with ratio 1
    items = BayesModel(family_kb).contributions("stroke", ["face_droop", "weakness"], [])
    ratios = {c.finding_id: c.likelihood_ratio for c in items}
    assert ratios == pytest.approx({"face_droop": 60.0, "weakness": 1.0})


def test_a_finding_in_two_families_is_a_knowledge_base_problem() -> None:
    from spasmcheck.knowledge.loader import _check_families

    problems: list[str] = []
    findings = [("f.yaml", type("F", (), {"id": i})()) for i in ("aa", "bb", "cc")]
    families = [
        ("x.yaml", FindingFamily(id="one", members=["aa", "bb"], reason="ten chars.")),
        ("x.yaml", FindingFamily(id="two", members=["bb", "zz"], reason="ten chars.")),
    ]
    _check_families(families, findings, problems)
    assert any("'bb' is already in family 'one'" in p for p in problems)
    assert any("unknown finding 'zz'" in p for p in problems)


# -- the cap -----------------------------------------------------------------------------------
def test_cap_shares_the_excess_in_proportion() -> None:
    # 0.99 -> 0.95; the excess 0.04 goes 0.6 : 0.4 to the others
    capped = cap_probabilities(np.array([0.99, 0.006, 0.004]))
    assert capped == pytest.approx([0.95, 0.006 + 0.04 * 0.6, 0.004 + 0.04 * 0.4])
    assert capped.sum() == pytest.approx(1.0)


def test_cap_leaves_a_modest_posterior_alone() -> None:
    values = np.array([0.6, 0.3, 0.1])
    assert cap_probabilities(values) == pytest.approx(values)


@pytest.mark.parametrize(
    ("p", "words", "percent"),
    [
        (0.0, "less than 1 in 100", "<1 %"),
        (0.05, "about 5 in 100", "5 %"),
        (0.43, "about 4 in 10", "43 %"),
        (1.0, "more than 9 in 10", "95 %"),
    ],
)
def test_one_wording_never_says_certain(p: float, words: str, percent: str) -> None:
    assert chance_words(p) == words
    assert chance_percent(p) == percent


# -- red-flag context ------------------------------------------------------------------------
def test_unless_needs_every_context_finding_affirmed(tiny_kb: KnowledgeBase) -> None:
    rule = RedFlag(
        id="droop_unless_old",
        name="Face drooping",
        level=TriageLevel.EMERGENCY_AMBULANCE,
        any_of=["face_droop"],
        unless=["neutral", "at_night"],
        reason="A drooping face can be a stroke.",
        do_now="Call the emergency number now.",
        cite=[{"source": "aha_asa_stroke_2019"}],
    )
    kb = dataclasses.replace(tiny_kb, red_flags=(rule,))
    assert fired_red_flags(kb, ["face_droop"])  # no context: the riskier reading
    assert fired_red_flags(kb, ["face_droop", "neutral"])  # only part of the context
    assert fired_red_flags(kb, ["face_droop"], possible=["neutral", "at_night"])  # doubt
    assert not fired_red_flags(kb, ["face_droop", "neutral", "at_night"])


# -- one story ---------------------------------------------------------------------------------
def test_causes_explaining_an_emergency_put_the_emergency_cause_first(
    tiny_kb: KnowledgeBase,
) -> None:
    posterior = np.array([0.7, 0.2, 0.01, 0.09])  # night cramps, hypocalcaemia, stroke, other
    assert causes_explaining(tiny_kb, posterior, TriageLevel.EMERGENCY_AMBULANCE) == [2]
    assert causes_explaining(tiny_kb, posterior, TriageLevel.CONSULTATION) == []


def test_a_doubtful_face_droop_with_night_cramps_shows_the_stroke_first(
    tiny_engine: Engine,
) -> None:
    evidence = EvidenceSet(
        [
            Evidence("cramp", Status.PRESENT, Origin.TEXT),
            Evidence("at_night", Status.PRESENT, Origin.TEXT),
            Evidence("face_droop", Status.UNKNOWN, Origin.TEXT, possible=True),
        ]
    )
    result = tiny_engine.evaluate(evidence, age=70)
    assert result.triage.level is TriageLevel.EMERGENCY_AMBULANCE
    first, *others = result.conditions
    assert first.condition.id == "stroke" and first.explains_level
    assert not any(r.explains_level for r in others)
    # night cramps are still the likeliest, and listed after the explaining cause
    assert others[0].condition.id == "night_cramps"
    assert others[0].probability > first.probability
    texts = [a.text for a in result.advice]
    assert "Stretch the calf when a cramp starts." not in texts
    assert result.as_dict()["conditions"][0]["explains_level"] is True


def test_self_care_reassurance_is_left_out_above_self_care(tiny_kb: KnowledgeBase) -> None:
    night = tiny_kb.condition_by_id["night_cramps"]
    calm = night.advice[0].model_copy(update={"self_care_only": True})
    marked = night.model_copy(update={"advice": [calm]})
    kb = dataclasses.replace(
        tiny_kb,
        conditions=tuple(marked if c.id == "night_cramps" else c for c in tiny_kb.conditions),
    )
    engine = Engine(kb)
    cramps = [Evidence("cramp", Status.PRESENT), Evidence("at_night", Status.PRESENT)]
    calm_result = engine.evaluate(EvidenceSet(cramps))
    assert calm_result.triage.level is TriageLevel.SELF_CARE
    assert calm.text in [a.text for a in calm_result.advice]
    # the same cramps with tingling lips fire the consultation_24 rule: no reassurance
    urgent = engine.evaluate(
        EvidenceSet([*cramps, Evidence("tingling_lips_fingers", Status.PRESENT)])
    )
    assert urgent.triage.level is TriageLevel.CONSULTATION_24
    assert "night_cramps" in [r.condition.id for r in urgent.conditions[:3]]
    assert calm.text not in [a.text for a in urgent.advice]


# -- invariants with families and the cap ---------------------------------------------------------
FINDINGS = ["cramp", "at_night", "tingling_lips_fingers", "face_droop", "weakness", "neutral"]
evidence_lists = st.lists(
    st.tuples(st.sampled_from(FINDINGS), st.booleans()), max_size=6, unique_by=lambda t: t[0]
)


@settings(max_examples=200, deadline=None)
@given(evidence=evidence_lists, seed=st.randoms())
def test_with_families_the_posterior_is_a_capped_distribution_in_any_order(
    family_kb: KnowledgeBase, evidence: list[tuple[str, bool]], seed: random.Random
) -> None:
    model = BayesModel(family_kb)
    present = [f for f, p in evidence if p]
    absent = [f for f, p in evidence if not p]
    post = model.posterior(present, absent)
    assert post.sum() == pytest.approx(1.0)
    assert np.all(post >= 0) and post.max() <= MAX_PROBABILITY + 1e-12
    seed.shuffle(present)
    seed.shuffle(absent)
    assert model.posterior(present, absent) == pytest.approx(post)


@settings(max_examples=100, deadline=None)
@given(evidence=evidence_lists)
def test_a_family_never_counts_more_than_its_strongest_members(
    family_kb: KnowledgeBase, evidence: list[tuple[str, bool]]
) -> None:
    # per condition, the family's total lies between its strongest member against and its
    # strongest member for
    model = BayesModel(family_kb)
    present = [f for f, p in evidence if p]
    absent = [f for f, p in evidence if not p]
    llr, ids, states = model.evidence_llr(present, absent)
    members = [k for k, f in enumerate(ids) if f in STROKE_SIGNS.members]
    if not members:
        return
    raw = np.array(
        [
            (model.llr_present if states[k] else model.llr_absent)[:, model.finding_index[ids[k]]]
            for k in members
        ]
    )
    total = llr[:, members].sum(axis=1)
    assert np.all(total <= np.maximum(raw.max(axis=0), 0) + 1e-12)
    assert np.all(total >= np.minimum(raw.min(axis=0), 0) - 1e-12)


def test_the_warning_signs_that_fired_choose_the_explaining_cause(tiny_kb: KnowledgeBase) -> None:
    # make low calcium an emergency-level condition too: by probability it would come first,
    # but the face droop that fired the rule points to the stroke (link 0.6 > background 0.01)
    hypo = tiny_kb.condition_by_id["hypocalcemia"].model_copy(
        update={"triage": TriageLevel.EMERGENCY}
    )
    kb = dataclasses.replace(
        tiny_kb,
        conditions=tuple(hypo if c.id == "hypocalcemia" else c for c in tiny_kb.conditions),
    )
    posterior = np.array([0.7, 0.2, 0.01, 0.09])
    level = TriageLevel.EMERGENCY_AMBULANCE
    # no signal: the likelier first; stroke (0.01) is below the 0.05 needed to be named too
    assert causes_explaining(kb, posterior, level) == [1]
    # face droop fired the rule: the stroke first, low calcium (0.2 >= 0.05) next
    assert causes_explaining(kb, posterior, level, ["face_droop"]) == [2, 1]
