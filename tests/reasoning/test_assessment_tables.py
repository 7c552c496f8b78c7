"""The assessment's fast paths give what the plain computations give.

The second pass of issue 16 cut the work of the assessment every interview step returns:
triage reads per-knowledge-base tables (:class:`~spasmcheck.reasoning.triage.TriageTables`)
instead of every emergency cause's links, the engine makes the evidence notes of the ranked
causes straight from the likelihood ratios and remembers them, renders each advice item's
citations once, and skips the posterior of the affirmed findings when it is known without
computing it. Each is held here to the computation it replaced (written out as it was), on
the tiny knowledge base and on the packaged one, for the evidence states of real interviews
and random ones (``interview_states`` of test_step_tables.py).
"""

from __future__ import annotations

import random
from collections.abc import Collection, Iterable

import numpy as np
import pytest

from spasmcheck.knowledge.loader import KnowledgeBase
from spasmcheck.knowledge.schema import Citation, TriageLevel
from spasmcheck.reasoning.engine import (
    MAX_EVIDENCE_ITEMS,
    AdviceItem,
    Engine,
    EvidenceNote,
    RankedCondition,
    sends_to_hospital,
    shown_evidence,
)
from spasmcheck.reasoning.evidence import EvidenceSet, Status
from spasmcheck.reasoning.inference import Contribution
from spasmcheck.reasoning.interview import Interviewer
from spasmcheck.reasoning.triage import (
    LEVEL_THRESHOLDS,
    FiredFlag,
    TriageResult,
    causes_explaining,
    condition_level,
    counted,
    emergency_signals,
    fired_red_flags,
    raised_causes,
    settling,
    signalled_causes,
    triage_tables,
    with_signal_evidence,
)

from .test_step_tables import AGES, interview_states, rule_states


@pytest.fixture(params=["tiny", "packaged"])
def any_engine(request: pytest.FixtureRequest, tiny_engine: Engine, engine: Engine) -> Engine:
    return tiny_engine if request.param == "tiny" else engine


def plain_signalled(kb: KnowledgeBase, i: int, signals: Collection[str]) -> bool:
    return any(
        link.id in signals and link.p > kb.finding_by_id[link.id].base_rate
        for link in kb.conditions[i].findings
    )


def plain_signalled_causes(kb: KnowledgeBase, signals: Collection[str]) -> list[int]:
    emergency = [i for i, c in enumerate(kb.conditions) if c.triage.is_emergency]
    return [i for i in emergency if plain_signalled(kb, i, signals)] or emergency


def plain_causes_explaining(
    kb: KnowledgeBase, posterior: np.ndarray, signals: Collection[str]
) -> list[int]:
    order = [int(i) for i in np.argsort(-posterior, kind="stable")]
    emergency = [i for i in order if kb.conditions[i].triage.is_emergency]
    if not emergency:
        return []
    emergency.sort(key=lambda i: not plain_signalled(kb, i, signals))
    more = [i for i in emergency[1:3] if posterior[i] >= 0.05]
    return [emergency[0], *more]


def test_the_signalled_causes_are_read_from_the_links(any_engine: Engine) -> None:
    kb = any_engine.kb
    rng = random.Random(21)
    finding_ids = [f.id for f in kb.findings]
    gen = np.random.default_rng(21)
    for _ in range(300):
        signals = rng.sample(finding_ids, rng.randint(0, min(4, len(finding_ids))))
        level = rng.choice([TriageLevel.EMERGENCY, TriageLevel.EMERGENCY_AMBULANCE])
        assert signalled_causes(kb, level, signals) == plain_signalled_causes(kb, signals)
        posterior = gen.dirichlet(np.full(len(kb.conditions), 0.3))
        if rng.random() < 0.3:  # ties keep the knowledge base's order
            posterior = np.round(posterior, 1)
        expected = plain_causes_explaining(kb, posterior, signals)
        assert causes_explaining(kb, posterior, level, signals) == expected


def test_the_triage_tables_are_built_once_per_knowledge_base(any_engine: Engine) -> None:
    kb = any_engine.kb
    tables = triage_tables(kb)
    assert triage_tables(kb) is tables
    for level in TriageLevel:
        assert np.array_equal(tables.needing[level], kb.condition_urgency >= level.urgency)


def plain_ranked(
    engine: Engine, listed: list[int], evidence: EvidenceSet, shown: np.ndarray, n_first: int
) -> list[RankedCondition]:
    """The ranked causes as made before: a Contribution per shown item, then a note each."""
    model, kb = engine.model, engine.kb
    llr = model.evidence_llr(evidence.present, evidence.absent)
    ranked = []
    for k, i in enumerate(listed):
        (contributions,) = model.contributions_of([i], *llr, beyond=0.18)
        shown_for, shown_against = shown_evidence(contributions)

        def note(c: Contribution) -> EvidenceNote:
            name = kb.finding_by_id[c.finding_id].name
            return EvidenceNote(c.finding_id, name, c.present, c.likelihood_ratio)

        ranked.append(
            RankedCondition(
                kb.conditions[i],
                float(shown[i]),
                [note(c) for c in shown_for][:MAX_EVIDENCE_ITEMS],
                [note(c) for c in shown_against][:MAX_EVIDENCE_ITEMS],
                k < n_first,
            )
        )
    return ranked


def plain_advice(
    engine: Engine, ranked: list[RankedCondition], result: TriageResult
) -> list[AdviceItem]:
    """Engine._advice as it was: every citation rendered for every result."""
    kb = engine.kb

    def cite(citations: Iterable[Citation]) -> list[str]:
        return [kb.cite(c) for c in citations]

    items = [AdviceItem(text, []) for text in result.do_now]
    guidance = kb.level_guidance[result.level]
    items.append(AdviceItem(guidance.action, cite(guidance.cite)))
    seen = {item.text for item in items}
    if result.level.is_emergency:
        chosen = [r for r in ranked if r.explains_level]
    else:
        chosen = [r for r in ranked[:3] if r.probability >= 0.15] or ranked[:1]
    for entry in chosen:
        for advice in entry.condition.advice:
            if advice.self_care_only and result.level is not TriageLevel.SELF_CARE:
                continue
            if result.level is TriageLevel.EMERGENCY_AMBULANCE and sends_to_hospital(advice):
                continue
            if advice.text not in seen:
                seen.add(advice.text)
                items.append(AdviceItem(advice.text, cite(advice.cite)))
    if result.level.urgency <= TriageLevel.CONSULTATION.urgency:
        for advice in kb.guidance.safety_net:
            if advice.text not in seen:
                seen.add(advice.text)
                items.append(AdviceItem(advice.text, cite(advice.cite)))
    return items


def test_the_assessment_is_the_plain_computation(any_engine: Engine) -> None:
    """Ranked causes with their notes, the raised causes and the advice, field by field, and
    the JSON-ready dicts of the notes."""
    model = any_engine.model
    rng = random.Random(23)
    for evidence in interview_states(any_engine, seed=6, n_random=60):
        age, sex = rng.choice(AGES), rng.choice([None, "female", "male"])
        assessment = any_engine.evaluate(evidence, age, sex)
        # raised: from the posterior of the affirmed findings alone, always computed
        affirmed = EvidenceSet(e for e in evidence if e.status is Status.PRESENT)
        from_affirmed = model.posterior(affirmed.present, (), age, sex)
        expected_raised = raised_causes(from_affirmed, model.silent_prior(age, sex))
        if settling(affirmed.present):
            # "getting better" with nothing worse: no cause is counted as raised (triage)
            expected_raised = np.zeros_like(expected_raised)
        assert np.array_equal(assessment.triage.raised, expected_raised)
        # the ranked causes and their notes
        listed = [model.condition_index[r.condition.id] for r in assessment.conditions]
        shown = np.zeros(len(model.conditions))
        for i, r in zip(listed, assessment.conditions, strict=True):
            shown[i] = r.probability
        n_first = sum(r.explains_level for r in assessment.conditions)
        expected = plain_ranked(any_engine, listed, evidence, shown, n_first)
        assert assessment.conditions == expected
        for got, want in zip(assessment.conditions, expected, strict=True):
            assert got.as_dict() == want.as_dict()
        assert assessment.advice == plain_advice(any_engine, expected, assessment.triage)


def test_a_note_is_what_its_fields_say() -> None:
    note = EvidenceNote("cramp", "Cramp", False, 0.4567)
    assert note.describe() == "Cramp: not present (likelihood ratio 0.5)"
    first = note.as_dict()
    first["name"] = "changed"  # a caller's copy: the note keeps its own
    assert note.as_dict() == {
        "finding": "cramp",
        "name": "Cramp",
        "status": "absent",
        "likelihood_ratio": 0.457,
    }


def test_the_gains_leave_out_what_the_evidence_settles(any_engine: Engine) -> None:
    """Known findings, and the other answers of a one-answer group one of them affirms."""
    kb, model = any_engine.kb, any_engine.model
    interviewer = Interviewer(any_engine)
    for evidence in interview_states(any_engine, seed=7, n_random=40):
        posterior = any_engine.posterior(evidence, None, None)
        predictive = interviewer.tables.likelihoods.predictive(posterior)
        gains = interviewer._gains(posterior, evidence, predictive)
        settled = {e.finding_id for e in evidence}
        for item in evidence:
            group_id = kb.finding_by_id[item.finding_id].group
            one_answer = group_id is not None and not kb.group_by_id[group_id].multiple
            if item.status is Status.PRESENT and one_answer:
                members = interviewer.group_members.get(group_id or "", [])
                settled.update(f for f in members if f != item.finding_id)
        for j, finding_id in enumerate(model.finding_ids):
            if finding_id in settled or not interviewer.askable[j]:
                assert gains[j] == -np.inf, finding_id
            else:
                assert gains[j] > -np.inf, finding_id


def test_a_finding_said_twice_counts_once(any_engine: Engine) -> None:
    """evidence_llr takes any lists: the first mention of a finding decides, present first."""
    model = any_engine.model
    ids = list(model.finding_ids[:3])
    llr, got, states = model.evidence_llr([ids[0], ids[0]], [ids[1], ids[0], ids[1], ids[2]])
    assert (got, states) == ([ids[0], ids[1], ids[2]], [True, False, False])
    assert llr.shape == (len(model.conditions), 3)
    # unknown ids are ignored
    assert model.evidence_llr(["not_a_finding"], [])[1] == []


def test_a_step_without_detail_asks_and_stops_the_same(any_engine: Engine) -> None:
    """The web question page's step: the triage alone while asking, the whole result when
    it stops, and the same question and stop as the full step."""
    interviewer = Interviewer(any_engine)
    rng = random.Random(29)
    stops = 0
    for evidence in interview_states(any_engine, seed=8, n_random=30):
        age, sex = rng.choice(AGES), rng.choice([None, "female", "male"])
        full = interviewer.step(evidence, age, sex)
        brief = interviewer.step(evidence, age, sex, detail=False)
        assert (brief.question, brief.should_stop, brief.stop_reason) == (
            full.question,
            full.should_stop,
            full.stop_reason,
        )
        assert brief.questions_asked == full.questions_asked
        assert brief.evidence == full.evidence
        assert brief.assessment.triage == full.assessment.triage
        if full.should_stop:
            stops += 1
            assert brief.assessment.as_dict() == full.assessment.as_dict()
        else:
            assert (brief.assessment.conditions, brief.assessment.advice) == ([], [])
            without = {"conditions", "advice", "advice_detail"}
            assert {k: v for k, v in brief.assessment.as_dict().items() if k not in without} == {
                k: v for k, v in full.assessment.as_dict().items() if k not in without
            }
    assert stops > 0


def plain_fired_red_flags(
    kb: KnowledgeBase, present: Collection[str], possible: Collection[str], age: int | None
) -> list[FiredFlag]:
    """fired_red_flags as it was before the sixth pass of issue 16: every rule's fields read
    and checked in turn."""
    known = set(present) | set(possible)
    fired = []
    named = {i for f in known for i in kb.red_flags_naming.get(f, ())}
    for flag in (kb.red_flags[i] for i in sorted(named)):
        if not flag.applies_to(age):
            continue
        if not all(f in known for f in flag.all_of):
            continue
        if len(flag.all_of) > 1 and not all(f in present for f in flag.all_of):
            continue
        hits = [f for f in flag.any_of if f in known]
        if flag.any_of and not hits:
            continue
        if flag.silenced_by(present, known):
            continue
        used = (*flag.all_of, *hits)
        fired.append(FiredFlag(flag, used, any(f not in present for f in used)))
    fired.sort(key=lambda f: -f.flag.level.urgency)
    return fired


def test_the_fired_red_flags_are_the_plain_reading(any_engine: Engine) -> None:
    """Every rule, with its own findings in every state (its parts, context and complaint
    affirmed, denied, doubted, unknown), at every kind of age, and the interviews' states."""
    kb = any_engine.kb
    rng = random.Random(31)
    states = interview_states(any_engine, seed=8, n_random=60)
    for rule in kb.red_flags:
        states.extend(rule_states(rule, rng, 6))
    for evidence in states:
        present, possible = evidence.present, evidence.possible
        for age in (rng.choice(AGES), None, rule_age(rng)):
            expected = plain_fired_red_flags(kb, present, possible, age)
            assert fired_red_flags(kb, present, possible, age) == expected
            assert fired_red_flags(kb, set(present), possible, age) == expected


def rule_age(rng: random.Random) -> int:
    """An age on either side of the knowledge base's age limits."""
    return rng.choice([0, 1, 2, 11, 12, 15, 16, 17, 18, 19, 49, 50, 51, 54, 55, 56, 64, 65, 120])


def test_the_level_and_its_mass_are_the_plain_sums(any_engine: Engine) -> None:
    """condition_level sums the counted causes by position where raised plays no part: the
    same level and the same mass, to the bit, as the masks it replaced."""
    kb = any_engine.kb
    gen = np.random.default_rng(33)
    for _ in range(300):
        posterior = gen.dirichlet(np.full(len(kb.conditions), gen.choice([0.05, 0.3, 2.0])))
        raised = gen.random(len(kb.conditions)) < gen.random()
        expected: tuple[TriageLevel, float] | None = None
        for level in sorted(LEVEL_THRESHOLDS, key=lambda lv: -lv.urgency):
            mass = float(posterior[counted(kb, level, raised)].sum())
            if mass >= LEVEL_THRESHOLDS[level]:
                expected = (level, mass)
                break
        if expected is None:
            expected = (TriageLevel.SELF_CARE, float(posterior[kb.condition_urgency == 0].sum()))
        assert condition_level(kb, posterior, raised) == expected


def test_triage_hands_the_engine_the_probabilities_it_shows(any_engine: Engine) -> None:
    """The probabilities triage worked out for its reasons are those the engine shows:
    with_signal_evidence of the posterior at the level, with the fired emergency signs."""
    kb = any_engine.kb
    rng = random.Random(35)
    worked_out = 0
    for evidence in interview_states(any_engine, seed=9, n_random=60):
        age = rng.choice(AGES)
        assessment, posterior = any_engine.evaluate_with_posterior(evidence, age, None)
        result = assessment.triage
        expected = with_signal_evidence(
            kb, posterior, result.level, emergency_signals(result.red_flags)
        )
        if result.shown is not None:
            worked_out += 1
            assert np.array_equal(result.shown, expected)
        shown = [r.probability for r in assessment.conditions]
        listed = [kb.conditions.index(r.condition) for r in assessment.conditions]
        assert shown == [float(expected[i]) for i in listed]
    assert worked_out > 0
