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

Assumptions worth knowing: causes are exclusive (two causes at once are represented by the
stronger one, the second usually ranks next); findings are independent given the cause
(correlated findings such as "numbness" and "tingling" are counted twice — the knowledge
base keeps their links moderate for this reason).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from spasmcheck.knowledge.loader import KnowledgeBase
from spasmcheck.knowledge.schema import Condition, Prior

FloatArray = npt.NDArray[np.float64]


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


class BayesModel:
    """The knowledge base compiled into arrays; all queries are vectorised over conditions."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
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
        self._base_priors = np.array([c.prior.base for c in self.conditions], dtype=np.float64)
        self._prior_cache: dict[tuple[int | None, str | None], FloatArray] = {}

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

    def log_joint(
        self, log_prior: FloatArray, present: Iterable[str], absent: Iterable[str]
    ) -> FloatArray:
        pres, abs_ = self.indices(present), self.indices(absent)
        joint: FloatArray = (
            log_prior + self.log_present[:, pres].sum(axis=1) + self.log_absent[:, abs_].sum(axis=1)
        )
        return joint

    @staticmethod
    def normalise(log_joint: FloatArray) -> FloatArray:
        top = np.max(log_joint)
        weights = np.exp(log_joint - top)
        result: FloatArray = weights / weights.sum()
        return result

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
        """Each known finding's log-likelihood ratio for one condition, strongest first."""
        i = self.condition_index[condition_id]
        items = [
            Contribution(f, True, float(self.llr_present[i, self.finding_index[f]]))
            for f in present
            if f in self.finding_index
        ]
        items.extend(
            Contribution(f, False, float(self.llr_absent[i, self.finding_index[f]]))
            for f in absent
            if f in self.finding_index
        )
        items.sort(key=lambda c: -abs(c.log_lr))
        return items
