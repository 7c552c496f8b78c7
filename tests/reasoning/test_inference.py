"""The Bayesian model on the tiny knowledge base, with posteriors written as the arithmetic.

tests/data/tiny_kb: four conditions with base priors night_cramps 0.5, hypocalcemia 0.2,
stroke 0.1, other_unlisted 0.2 (sum 1.0); night_cramps x2 at age >= 60; hypocalcemia x1.5
for women. Background rates: cramp 0.5, at_night 0.2, tingling 0.1, face_droop 0.01,
weakness 0.1, neutral 0.3.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spasmcheck.knowledge.loader import KnowledgeBase
from spasmcheck.reasoning.inference import UNTOLD_EXPOSURE_LR, BayesModel

ORDER = ["night_cramps", "hypocalcemia", "stroke", "other_unlisted"]


@pytest.fixture(scope="module")
def model(tiny_kb: KnowledgeBase) -> BayesModel:
    return BayesModel(tiny_kb)


def _by_id(model: BayesModel, posterior: np.ndarray) -> dict[str, float]:
    return {c.id: float(posterior[i]) for i, c in enumerate(model.conditions)}


def test_prior_without_evidence_is_the_normalised_base_rate(model: BayesModel) -> None:
    post = _by_id(model, model.posterior())
    assert post == pytest.approx(
        {"night_cramps": 0.5, "hypocalcemia": 0.2, "stroke": 0.1, "other_unlisted": 0.2}
    )


def test_age_and_sex_factors_multiply_the_prior(model: BayesModel) -> None:
    # age 70 doubles night cramps; female multiplies hypocalcaemia by 1.5
    weights = {
        "night_cramps": 0.5 * 2,
        "hypocalcemia": 0.2 * 1.5,
        "stroke": 0.1,
        "other_unlisted": 0.2,
    }
    total = sum(weights.values())
    post = _by_id(model, model.posterior(age=70, sex="female"))
    assert post == pytest.approx({k: v / total for k, v in weights.items()})


def test_present_finding_uses_link_p_or_background(model: BayesModel) -> None:
    # cramp present: night 0.5*0.9, hypocal 0.2*0.6, stroke 0.1*0.1, other 0.2*0.5 (background)
    weights = {
        "night_cramps": 0.5 * 0.9,
        "hypocalcemia": 0.2 * 0.6,
        "stroke": 0.1 * 0.1,
        "other_unlisted": 0.2 * 0.5,
    }
    total = sum(weights.values())
    assert _by_id(model, model.posterior(present=["cramp"])) == pytest.approx(
        {k: v / total for k, v in weights.items()}
    )


def test_absent_finding_uses_one_minus_p(model: BayesModel) -> None:
    # at_night absent: night 0.5*(1-0.8), others (1-0.2) background
    weights = {
        "night_cramps": 0.5 * 0.2,
        "hypocalcemia": 0.2 * 0.8,
        "stroke": 0.1 * 0.8,
        "other_unlisted": 0.2 * 0.8,
    }
    total = sum(weights.values())
    assert _by_id(model, model.posterior(absent=["at_night"])) == pytest.approx(
        {k: v / total for k, v in weights.items()}
    )


def test_uninformative_absence_is_neutral_for_that_condition(model: BayesModel) -> None:
    # weakness absent: night_cramps link has absence_informative false -> background 1-0.1;
    # stroke 1-0.7; others background 0.9
    weights = {
        "night_cramps": 0.5 * 0.9,
        "hypocalcemia": 0.2 * 0.9,
        "stroke": 0.1 * 0.3,
        "other_unlisted": 0.2 * 0.9,
    }
    total = sum(weights.values())
    assert _by_id(model, model.posterior(absent=["weakness"])) == pytest.approx(
        {k: v / total for k, v in weights.items()}
    )


def test_two_findings_multiply(model: BayesModel) -> None:
    # cramp and tingling present, face_droop absent
    weights = {
        "night_cramps": 0.5 * 0.9 * 0.1 * 0.99,
        "hypocalcemia": 0.2 * 0.6 * 0.7 * 0.99,
        "stroke": 0.1 * 0.1 * 0.1 * 0.4,
        "other_unlisted": 0.2 * 0.5 * 0.1 * 0.99,
    }
    total = sum(weights.values())
    post = model.posterior(present=["cramp", "tingling_lips_fingers"], absent=["face_droop"])
    assert _by_id(model, post) == pytest.approx({k: v / total for k, v in weights.items()})


def test_contributions_are_log_likelihood_ratios_against_background(model: BayesModel) -> None:
    items = {
        c.finding_id: c
        for c in model.contributions(
            "hypocalcemia", ["tingling_lips_fingers", "cramp"], ["face_droop"]
        )
    }
    assert items["tingling_lips_fingers"].log_lr == pytest.approx(math.log(0.7 / 0.1))
    assert items["cramp"].log_lr == pytest.approx(math.log(0.6 / 0.5))
    assert items["face_droop"].log_lr == pytest.approx(0.0)  # not linked: background both ways
    assert items["tingling_lips_fingers"].likelihood_ratio == pytest.approx(7.0)


def test_sex_factor_zero_removes_a_condition(tiny_kb: KnowledgeBase) -> None:
    model = BayesModel(tiny_kb)
    assert np.all(np.isfinite(model.log_prior(sex="male")))


FINDINGS = ["cramp", "at_night", "tingling_lips_fingers", "face_droop", "weakness", "neutral"]
evidence_lists = st.lists(
    st.tuples(st.sampled_from(FINDINGS), st.booleans()), max_size=6, unique_by=lambda t: t[0]
)


@settings(max_examples=200, deadline=None)
@given(
    evidence=evidence_lists,
    age=st.none() | st.integers(0, 120),
    sex=st.sampled_from([None, "female", "male"]),
)
def test_posterior_sums_to_one(
    model: BayesModel, evidence: list[tuple[str, bool]], age: int | None, sex: str | None
) -> None:
    present = [f for f, p in evidence if p]
    absent = [f for f, p in evidence if not p]
    post = model.posterior(present, absent, age, sex)
    assert post.sum() == pytest.approx(1.0)
    assert np.all(post >= 0)


@settings(max_examples=200, deadline=None)
@given(evidence=evidence_lists, seed=st.randoms())
def test_order_of_evidence_never_matters(
    model: BayesModel, evidence: list[tuple[str, bool]], seed: object
) -> None:
    present = [f for f, p in evidence if p]
    absent = [f for f, p in evidence if not p]
    shuffled_p, shuffled_a = list(present), list(absent)
    seed.shuffle(shuffled_p)  # type: ignore[attr-defined]
    seed.shuffle(shuffled_a)  # type: ignore[attr-defined]
    assert model.posterior(present, absent) == pytest.approx(
        model.posterior(shuffled_p, shuffled_a)
    )


@settings(max_examples=100, deadline=None)
@given(evidence=evidence_lists, present=st.booleans())
def test_a_finding_with_likelihood_ratio_one_changes_nothing(
    tiny_kb: KnowledgeBase, evidence: list[tuple[str, bool]], present: bool
) -> None:
    # "neutral" is linked only to other_unlisted with p == its base rate 0.3: LR 1 everywhere.
    model = BayesModel(tiny_kb)
    rest = [(f, p) for f, p in evidence if f != "neutral"]
    before = model.posterior([f for f, p in rest if p], [f for f, p in rest if not p])
    pres = [f for f, p in rest if p] + (["neutral"] if present else [])
    abs_ = [f for f, p in rest if not p] + ([] if present else ["neutral"])
    assert model.posterior(pres, abs_) == pytest.approx(before)


def test_packaged_model_posterior_sums_to_one(engine) -> None:  # type: ignore[no-untyped-def]
    post = engine.model.posterior(["cramp", "at_night", "loc_calf"], ["weakness"], 60, "female")
    assert post.sum() == pytest.approx(1.0)


@pytest.fixture(scope="module")
def gated_model(tmp_path_factory: pytest.TempPathFactory) -> BayesModel:
    """The tiny knowledge base with hypocalcaemia defined by an exposure: tingling lips and
    fingers (``told_with_any``), as heat is for heat stroke."""
    import shutil

    from spasmcheck.knowledge.loader import collect

    root = tmp_path_factory.mktemp("gated") / "tiny_kb"
    shutil.copytree(Path(__file__).parent.parent / "data" / "tiny_kb", root)
    path = root / "conditions" / "conditions.yaml"
    text = path.read_text(encoding="utf-8")
    marker = "  - id: hypocalcemia\n"
    start = text.index(marker)
    at = text.index("    acuteness:", start)
    text = text[:at] + "    told_with_any: [tingling_lips_fingers]\n" + text[at:]
    path.write_text(text, encoding="utf-8")
    kb, problems = collect(root)
    assert kb is not None, problems
    return BayesModel(kb)


def test_an_untold_exposure_multiplies_its_cause_by_the_silence_ratio(
    gated_model: BayesModel,
) -> None:
    # cramp present, tingling not said: hypocalcaemia's 0.2 * 0.6 also times 0.1
    weights = {
        "night_cramps": 0.5 * 0.9,
        "hypocalcemia": 0.2 * 0.6 * UNTOLD_EXPOSURE_LR,
        "stroke": 0.1 * 0.1,
        "other_unlisted": 0.2 * 0.5,
    }
    total = sum(weights.values())
    assert _by_id(gated_model, gated_model.posterior(present=["cramp"])) == pytest.approx(
        {k: v / total for k, v in weights.items()}
    )


def test_a_told_exposure_lifts_the_silence(gated_model: BayesModel, model: BayesModel) -> None:
    # with the exposure said, the gated model is the plain one
    said = ["cramp", "tingling_lips_fingers"]
    np.testing.assert_allclose(gated_model.posterior(present=said), model.posterior(present=said))
    assert gated_model.untold_llr(said).tolist() == [0.0] * 4
    untold = gated_model.untold_llr(["cramp"])
    assert untold[gated_model.condition_index["hypocalcemia"]] == pytest.approx(
        math.log(UNTOLD_EXPOSURE_LR)
    )


def test_an_exposure_must_be_a_linked_finding(tmp_path: Path) -> None:
    import shutil

    from spasmcheck.knowledge.loader import collect

    root = tmp_path / "tiny_kb"
    shutil.copytree(Path(__file__).parent.parent / "data" / "tiny_kb", root)
    path = root / "conditions" / "conditions.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("  - id: stroke\n")
    at = text.index("    acuteness:", start)
    path.write_text(text[:at] + "    told_with_any: [at_night]\n" + text[at:], encoding="utf-8")
    kb, problems = collect(root)
    assert kb is None
    assert any("told_with_any 'at_night' is not linked" in p for p in problems), problems
