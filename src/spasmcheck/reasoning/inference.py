"""Ranking of causes: naive Bayes over mutually exclusive causes, with a leak cause.

The model
---------
Exactly one condition ``c`` of the knowledge base explains the presentation (one of them is
the explicit "other / unlisted cause", which links few findings and so wins only when
nothing else fits). Findings are conditionally independent given the cause. Then

    P(c | e) ∝ P(c | age, sex) · Π_{f present} P(f | c) · Π_{f absent} (1 − P(f | c))

where ``P(f | c)`` is the link's ``p`` when the condition links the finding and the finding's
``base_rate`` (its background rate among people with spasm-like complaints) when it does
not. Unknown findings ("don't know", never asked) contribute nothing. A link marked
``absence_informative: false`` makes a "no" neutral for that condition: its factor becomes
the background ``1 − base_rate``, the same as for an unlinked condition.

The prior is the condition's base rate times its age-band factor and its sex factor,
normalised over the knowledge base.

Each finding's contribution to a condition is reported as a log-likelihood ratio against
the background: ``log(P(e_f | c) / P(e_f | background))``. Because the background factor is
shared by every condition, these contributions differ from the true posterior log-odds only
by a constant per finding, so they rank the evidence for and against a cause exactly.

Correlated findings count once. Findings that describe the same thing ("eyelid" and "eyelid
twitching", "weakness" and "weakness on one side", diabetes and insulin) are grouped into
families (``knowledge/data/families``), their members listed from the most specific to the
most general. Within a family the evidence is not multiplied; the family contributes

    λ_F(c) = λ_s(c) + λ_g(c)

where ``s`` is the most specific member answered "yes" and ``g`` the most general member
answered "no" (each term 0 when there is none). This is Bayes' rule, not an approximation,
when each member implies the next: "eyelid twitching" present makes "eyelid" certain, so
P(both | c) = P(eyelid twitching | c); "no weakness" makes "no weakness on one side" certain.
A "yes" to a general member with a "no" to a specific one ("weak, but not on one side") keeps
both, as two different facts. The member that speaks is chosen by specificity, never by which
condition it favours. A finding outside every family counts as in plain naive Bayes. In full,
with λ_f(c) = log(P(e_f | c) / P(e_f | background)):

    log P(c | e) = log P(c | age, sex) + τ · Σ_{families and lone findings} λ(c) + const

Untold exposures. A cause defined by an exposure or a complaint (``Condition.told_with_any``:
heat for heat stroke, diarrhoea or vomiting for a tummy bug) whose description tells none of
them takes τ · log :data:`UNTOLD_EXPOSURE_LR` more (:meth:`BayesModel.untold_llr`): in a
description, silence about what defines the cause is evidence against it. The evidence notes
list the findings only; the silence is not a note. The interview's look-ahead on a hypothetical
answer does not lift it (a small understatement of the gain of asking an exposure).
docs/model.md, "Untold exposures".

Tempering. ``τ`` (:data:`EVIDENCE_WEIGHT`) < 1 shrinks every likelihood ratio towards 1 (a
power likelihood): the links are rounded estimates and the findings that remain outside a
family are still not fully independent, so the untempered model is over-confident — it gave
"100 %" from a few answers. The value was chosen once, on the public vignettes only, by the
Brier score of the top cause (docs/evaluation.md, "Calibration").

The cap. No posterior shown or used is above :data:`MAX_PROBABILITY`: when the top cause's
probability exceeds it, the top cause gets the cap and the excess is shared out over the
other causes in proportion to their probabilities (the order is unchanged and the sum stays
1). On the public vignettes, of the top causes the uncapped model put at 0.9 or more, 64 of 64
(text mode) and 35 of 36 (interview mode) were right: 99 of 100, which bounds the error rate at
that confidence only below about 4.7 % (one-sided 95 % exact binomial bound). Claiming more
than 0.95 is not supported by any data the project has (docs/evaluation.md, "Calibration"),
so a few answers never give "100 %".

Assumptions worth knowing: causes are exclusive (two causes at once are represented by the
stronger one, the second usually ranks next); findings in different families are treated as
independent given the cause.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from spasmcheck.knowledge.loader import KnowledgeBase
from spasmcheck.knowledge.schema import Condition, Prior

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

# τ, the power on every likelihood ratio (see the module docstring; docs/evaluation.md).
EVIDENCE_WEIGHT = 1.0
# The most any cause is given (see "The cap" in the module docstring; docs/evaluation.md).
MAX_PROBABILITY = 0.95
# A cause defined by an exposure (``Condition.told_with_any``: heat for heat stroke, lithium
# for lithium poisoning) whose description tells none of its exposures: the likelihood ratio
# of that silence. Estimated, not fitted: a person with the cause tells the exposure about 9
# times in 10 (it is what happened to them, and what they suspect), while most other
# descriptions do not mention it either, so P(silent | cause) / P(silent | other) ≈ 0.1 / 0.95.
UNTOLD_EXPOSURE_LR = 0.1
_LOG_UNTOLD = np.log(UNTOLD_EXPOSURE_LR)


@dataclass(frozen=True, slots=True)
class Contribution:
    finding_id: str
    present: bool  # True: the finding is present; False: it is absent
    log_lr: float  # natural-log likelihood ratio against the background

    @property
    def likelihood_ratio(self) -> float:
        return float(np.exp(self.log_lr))


def prior_factor(prior: Prior, age: int | None, sex: str | None) -> float:
    value = prior.base
    if age is not None:
        for band in prior.age:
            if band.min_age <= age <= band.max_age:
                value *= band.factor
    if sex == "female":
        value *= prior.female
    elif sex == "male":
        value *= prior.male
    return value


def cap_probabilities(posterior: FloatArray, cap: float = MAX_PROBABILITY) -> FloatArray:
    """The top probability limited to ``cap``, the excess shared in proportion by the rest."""
    return _capped(np.array(posterior, dtype=np.float64), cap)


def _capped(result: FloatArray, cap: float = MAX_PROBABILITY) -> FloatArray:
    """:func:`cap_probabilities` in place, on an array of its own (float64)."""
    if result.size < 2:
        return result
    top = int(result.argmax())
    excess = float(result[top]) - cap
    if excess <= 0:
        return result
    rest = np.ones(result.size, dtype=bool)
    rest[top] = False
    others = float(result[rest].sum())
    if others > 0:
        result[rest] += excess * result[rest] / others
    else:
        result[rest] = excess / (result.size - 1)
    result[top] = cap
    return result


class BayesModel:
    """The knowledge base compiled into arrays; all queries are vectorised over conditions."""

    def __init__(self, kb: KnowledgeBase, evidence_weight: float = EVIDENCE_WEIGHT) -> None:
        self.kb = kb
        self.evidence_weight = evidence_weight
        self.conditions: tuple[Condition, ...] = kb.conditions
        self.condition_index = {c.id: i for i, c in enumerate(self.conditions)}
        self.finding_ids = tuple(f.id for f in kb.findings)
        self.finding_index = {f: j for j, f in enumerate(self.finding_ids)}
        n_c, n_f = len(self.conditions), len(self.finding_ids)
        base = np.array([f.base_rate for f in kb.findings], dtype=np.float64)
        p_present = np.tile(base, (n_c, 1))
        p_absent = np.tile(1.0 - base, (n_c, 1))
        linked = np.zeros((n_c, n_f), dtype=bool)
        for i, condition in enumerate(self.conditions):
            for link in condition.findings:
                j = self.finding_index[link.id]
                p_present[i, j] = link.p
                linked[i, j] = True
                if link.absence_informative:
                    p_absent[i, j] = 1.0 - link.p
        self.base_rate = base
        self.p_present = p_present
        self.p_absent = p_absent
        self.linked = linked
        self.log_present = np.log(p_present)
        self.log_absent = np.log(p_absent)
        # Log-likelihood ratios against the background, for explanations.
        self.llr_present = self.log_present - np.log(base)
        self.llr_absent = self.log_absent - np.log(1.0 - base)
        # Both tables finding by finding, one under the other (finding j present: row j;
        # absent: row n_f + j), so that the evidence's matrix is one gather of contiguous
        # rows (evidence_llr), then transposed.
        # (and a last row of zeros: a silenced family member's, evidence_llr)
        self._llr_by_finding = np.ascontiguousarray(
            np.concatenate([self.llr_present.T, self.llr_absent.T, np.zeros((1, n_c))])
        )
        # family_of[j]: the index of finding j's family, or -1 when it is in none.
        self.family_ids = tuple(family.id for family in kb.families)
        family_of = np.full(n_f, -1, dtype=np.int64)
        for k, family in enumerate(kb.families):
            for member in family.members:
                family_of[self.finding_index[member]] = k
        self.family_of = family_of
        member_rank = np.zeros(n_f, dtype=np.int64)
        for family in kb.families:
            for rank, member in enumerate(family.members):
                member_rank[self.finding_index[member]] = rank
        self.member_rank = member_rank  # position in its family, most specific first
        # the same as plain lists, read finding by finding in evidence_llr
        self._family_list: list[int] = family_of.tolist()
        self._rank_list: list[int] = member_rank.tolist()
        self._base_priors = np.array([c.prior.base for c in self.conditions], dtype=np.float64)
        # the causes defined by an exposure, each with the findings that tell it
        self._told_with = tuple(
            (i, frozenset(c.told_with_any))
            for i, c in enumerate(self.conditions)
            if c.told_with_any
        )
        self._prior_cache: dict[tuple[int | None, str | None], FloatArray] = {}
        self._silent_prior_cache: dict[tuple[int | None, str | None], FloatArray] = {}
        self._prior_probability_cache: dict[tuple[int | None, str | None], FloatArray] = {}

    # -- priors ---------------------------------------------------------------------------
    def log_prior(self, age: int | None = None, sex: str | None = None) -> FloatArray:
        """Normalised log prior for an age and sex (cached: a read-only array)."""
        key = (age, sex)
        cached = self._prior_cache.get(key)
        if cached is None:
            cached = self._compute_log_prior(age, sex)
            cached.setflags(write=False)
            self._prior_cache[key] = cached
        return cached

    def prior(self, age: int | None = None, sex: str | None = None) -> FloatArray:
        """The causes' base rates for an age and sex, as probabilities (cached, read-only)."""
        key = (age, sex)
        cached = self._prior_probability_cache.get(key)
        if cached is None:
            cached = self.normalise(self.log_prior(age, sex))
            cached.setflags(write=False)
            self._prior_probability_cache[key] = cached
        return cached

    def _compute_log_prior(self, age: int | None, sex: str | None) -> FloatArray:
        values = np.array(
            [prior_factor(c.prior, age, sex) for c in self.conditions], dtype=np.float64
        )
        if not np.any(values > 0):
            values = self._base_priors.copy()
        with np.errstate(divide="ignore"):
            logs: FloatArray = np.log(values / values.sum())
        return logs

    # -- posterior ------------------------------------------------------------------------
    def indices(self, finding_ids: Iterable[str]) -> list[int]:
        return [self.finding_index[f] for f in finding_ids if f in self.finding_index]

    def evidence_llr(
        self, present: Iterable[str], absent: Iterable[str]
    ) -> tuple[FloatArray, list[str], list[bool]]:
        """Each known finding's log-likelihood ratio per condition, with families combined.

        Returns a C x K matrix (one column per known finding), the finding ids and whether
        each was present. Within a family only the most specific present member and the most
        general absent member keep their column; the other members' columns become 0, so the
        columns add up to the family rule of the module docstring.
        """
        index = self.finding_index
        # each known finding once, present ones first: the first mention of a finding decides
        yes = [f for f in dict.fromkeys(present) if f in index]
        said = set(yes)
        no = [f for f in dict.fromkeys(absent) if f in index and f not in said]
        ids = yes + no
        states = [True] * len(yes) + [False] * len(no)
        n_findings = len(self.finding_ids)
        columns = [index[f] for f in yes] + [n_findings + index[f] for f in no]
        members: dict[int, list[int]] = {}  # family → its known members' positions
        family_of, rank_of = self._family_list, self._rank_list
        for k, f in enumerate(ids):
            family = family_of[index[f]]
            if family >= 0:
                members.setdefault(family, []).append(k)
        silenced: list[int] = []  # members whose evidence another member carries
        for known in members.values():
            if len(known) < 2:
                continue  # a lone member speaks for its family
            # the most specific "yes" and the most general "no" speak for the family (the
            # first of equals)
            yes_at = no_at = -1
            yes_rank = no_rank = 0
            for k in known:
                rank = rank_of[index[ids[k]]]
                if states[k]:
                    if yes_at < 0 or rank < yes_rank:
                        yes_at, yes_rank = k, rank
                elif no_at < 0 or rank > no_rank:
                    no_at, no_rank = k, rank
            silenced.extend(k for k in known if k != yes_at and k != no_at)
        # finding by finding (contiguous rows; a silenced member's: the row of zeros), then
        # by cause
        for k in silenced:
            columns[k] = 2 * n_findings
        llr: FloatArray = np.ascontiguousarray(self._llr_by_finding.take(columns, axis=0).T)
        return llr, ids, states

    def log_joint(
        self, log_prior: FloatArray, present: Iterable[str], absent: Iterable[str]
    ) -> FloatArray:
        """log P(c) + τ · (combined evidence log-likelihood ratios and the untold exposures),
        up to a constant."""
        said = tuple(present)
        llr, _, _ = self.evidence_llr(said, absent)
        return self.log_joint_from(log_prior, llr) + self.untold_llr(said)

    def silent_prior(self, age: int | None = None, sex: str | None = None) -> FloatArray:
        """The posterior of a description that tells nothing: the prior with every exposure
        untold, the baseline a cause must rise above to count as raised by the findings."""
        key = (age, sex)
        cached = self._silent_prior_cache.get(key)
        if cached is None:
            cached = self.normalise(self.log_prior(age, sex) + self.untold_llr(()))
            cached.flags.writeable = False
            self._silent_prior_cache[key] = cached
        return cached

    def untold_llr(self, present: Iterable[str]) -> FloatArray:
        """τ · log :data:`UNTOLD_EXPOSURE_LR` for each cause defined by an exposure of which
        no finding is present (said, answered or implied); 0 for every other cause."""
        said = set(present)
        result = np.zeros(len(self.conditions), dtype=np.float64)
        untold = self.evidence_weight * _LOG_UNTOLD
        for i, exposures in self._told_with:
            if said.isdisjoint(exposures):
                result[i] = untold
        return result

    def log_joint_from(self, log_prior: FloatArray, llr: FloatArray) -> FloatArray:
        """:meth:`log_joint` from the matrix :meth:`evidence_llr` already returned."""
        joint: FloatArray = log_prior + self.evidence_weight * llr.sum(axis=1)
        return joint

    @staticmethod
    def normalise(log_joint: FloatArray) -> FloatArray:
        weights = np.exp(log_joint - log_joint.max())
        weights /= weights.sum()
        return _capped(weights)  # an array of its own: capped in place

    def posterior(
        self,
        present: Iterable[str] = (),
        absent: Iterable[str] = (),
        age: int | None = None,
        sex: str | None = None,
    ) -> FloatArray:
        return self.normalise(self.log_joint(self.log_prior(age, sex), present, absent))

    # -- explanation ----------------------------------------------------------------------
    def contributions(
        self, condition_id: str, present: Iterable[str], absent: Iterable[str]
    ) -> list[Contribution]:
        """Each known finding's log-likelihood ratio for one condition, strongest first.

        A family member whose evidence another member of its family already carries (a more
        specific "yes", a more general "no") contributes 0, so the list explains the posterior.
        """
        return self.contributions_from(condition_id, *self.evidence_llr(present, absent))

    def contributions_from(
        self,
        condition_id: str,
        llr: FloatArray,
        ids: list[str],
        states: list[bool],
        *,
        beyond: float | None = None,
    ) -> list[Contribution]:
        """:meth:`contributions` from what :meth:`evidence_llr` already returned (the engine
        computes it once per assessment, not once per ranked cause); with ``beyond``, only
        those whose log-likelihood ratio is beyond it either way (what is shown)."""
        row = llr[self.condition_index[condition_id]]
        # strongest first; a stable sort keeps the evidence's order among equals
        order = np.argsort(-np.abs(row), kind="stable")
        if beyond is not None:
            order = order[np.abs(row[order]) > beyond]
        values = row.tolist()
        return [Contribution(ids[k], states[k], values[k]) for k in order.tolist()]

    def contributions_of(
        self,
        condition_indices: list[int],
        llr: FloatArray,
        ids: list[str],
        states: list[bool],
        *,
        beyond: float,
    ) -> list[list[Contribution]]:
        """:meth:`contributions_from` with ``beyond`` for several conditions (by position)
        at once: one sort for all of them."""
        if not ids:
            return [[] for _ in condition_indices]
        rows = llr[condition_indices]
        order = np.argsort(-np.abs(rows), axis=1, kind="stable")
        values = np.take_along_axis(rows, order, axis=1)
        shown = np.abs(values) > beyond
        return [
            [
                Contribution(ids[k], states[k], v)
                for k, v, keep in zip(order_row, value_row, shown_row, strict=True)
                if keep
            ]
            for order_row, value_row, shown_row in zip(
                order.tolist(), values.tolist(), shown.tolist(), strict=True
            )
        ]
