"""Textbook statistics for the diary summary, computed by maintained libraries.

Every method here is a textbook one, chosen so that a reviewer can redo it on paper; the
numerics come from scipy and statsmodels (issue 13 item 8), imported inside the functions
that need them: statsmodels brings pandas with it, and a process that never summarises a
diary (the CLI's ``assess``) should not pay for that (docs/benchmarks.md, "Diary statistics").

* :func:`poisson_trend` — Poisson log-linear regression of counts on an index,
  ``log E[y_i] = log e_i + a + b x_i`` (``e_i`` the exposure, e.g. days of the week inside the
  range), fitted by statsmodels' GLM (Poisson family, log link, ``log e`` as offset; iteratively
  reweighted least squares). ``exp(b)`` is the rate ratio per unit of ``x``; its 95 % interval
  is the Wald interval ``exp(b ± 1.96·se)`` with ``se`` from the Fisher information. The p-value
  is the **score test** of ``b = 0`` (the Poisson analogue of the Cochran-Armitage trend test),
  written out because it is four lines: given the total ``N``, under no trend each episode
  falls in unit ``i`` with probability ``p_i = e_i / Σe``, so ``U = Σ (x_i - x̄) y_i`` with
  ``x̄ = Σ p_i x_i`` has variance ``V = N Σ p_i (x_i - x̄)²`` and ``z = U / √V`` is compared
  with the standard normal. The score test is used because it exists even when the MLE does
  not (every episode in the last week). Assumptions: counts independent and Poisson given the
  rate; the log-rate is linear in ``x`` (a steady multiplicative change). Over-dispersion
  (clusters of bad days) makes the p-value too small, so callers ask for more than one signal
  before calling a rise real.
* :func:`ols_slope` — ordinary least-squares slope with the classical t test
  (``t = slope / se`` on ``n - 2`` degrees of freedom). Assumes independent errors with equal
  variance, roughly normal. The Student t tail and quantile are scipy's (``scipy.special``).
* :func:`wilson_interval` — the Wilson score interval for a proportion (statsmodels'
  ``proportion_confint``).
* :func:`rate_ratio` — the ratio of two Poisson rates ``(a/t1) / (b/t0)``. Given ``a + b``,
  ``a`` is binomial with ``π = RR·t1 / (RR·t1 + t0)``, so a Wilson interval for ``π`` maps to an
  interval for the ratio: ``RR = π/(1-π) · t0/t1``.
* :func:`newcombe_difference` — difference of two proportions with Newcombe's hybrid score
  interval (method 10, Newcombe 1998), built from the two Wilson intervals (statsmodels'
  ``confint_proportions_2indep``, ``method="newcomb"``).
"""

from __future__ import annotations

import importlib
import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np

Z95 = NormalDist().inv_cdf(0.975)  # 1.959963984540054


def normal_two_sided_p(z: float) -> float:
    """P(|Z| >= |z|) for a standard normal Z."""
    return math.erfc(abs(z) / math.sqrt(2.0))


def regularized_beta(x: float, a: float, b: float) -> float:
    """I_x(a, b), the regularised incomplete beta function (``scipy.special.betainc``)."""
    from scipy.special import betainc  # type: ignore[import-untyped]

    return float(betainc(a, b, min(max(x, 0.0), 1.0)))


def student_t_two_sided_p(t: float, df: float) -> float:
    """P(|T| >= |t|) for Student's t with ``df`` degrees of freedom."""
    from scipy.special import stdtr

    if math.isinf(t):
        return 0.0
    return float(2.0 * stdtr(df, -abs(t)))


def preload() -> None:
    """Import scipy and statsmodels now (a server calls this on a background thread at
    start-up): the first diary summary of a process otherwise pays their import, seconds on
    a busy machine (docs/benchmarks.md, "Diary summary")."""
    for module in (
        "scipy.special",
        "statsmodels.genmod.generalized_linear_model",
        "statsmodels.stats.proportion",
    ):
        importlib.import_module(module)


@dataclass(frozen=True)
class PoissonTrend:
    """A fitted log-linear trend. ``None`` fields: not estimable from these data."""

    rate_ratio: float | None  # exp(b); None when the MLE is infinite or there are no episodes
    ci_low: float | None
    ci_high: float | None
    z: float | None  # score statistic
    p_value: float | None  # two-sided score-test p-value
    note: str = ""


def poisson_trend(
    counts: Sequence[int], exposure: Sequence[float], x: Sequence[float] | None = None
) -> PoissonTrend:
    """Fit ``log E[y] = log e + a + b x`` and test ``b = 0`` (see the module docstring)."""
    y = np.asarray(counts, dtype=float)
    e = np.asarray(exposure, dtype=float)
    xs = np.arange(len(y), dtype=float) if x is None else np.asarray(x, dtype=float)
    if not len(y) == len(e) == len(xs):
        raise ValueError("counts, exposure and x must have the same length")
    if len(y) == 0 or np.any(e <= 0):
        raise ValueError("every unit needs a positive exposure")
    total = float(y.sum())
    if total == 0:
        return PoissonTrend(None, None, None, None, None, "no episodes")
    if len(y) < 2 or float(np.ptp(xs)) == 0.0:
        return PoissonTrend(None, None, None, None, None, "needs at least two weeks")

    p = e / e.sum()
    x_bar = float(p @ xs)
    v = total * float(p @ (xs - x_bar) ** 2)
    u = float((xs - x_bar) @ y)
    z = u / math.sqrt(v)
    p_value = normal_two_sided_p(z)

    positive = xs[y > 0]
    if positive.min() == positive.max() and positive.min() in (xs.min(), xs.max()):
        where = "last" if positive.min() == xs.max() else "first"
        note = f"all episodes fall in the {where} week: the rate ratio has no finite estimate"
        return PoissonTrend(None, None, None, z, p_value, note)

    from statsmodels.genmod.families import Poisson  # type: ignore[import-untyped]
    from statsmodels.genmod.generalized_linear_model import GLM  # type: ignore[import-untyped]
    from statsmodels.tools.sm_exceptions import (  # type: ignore[import-untyped]
        PerfectSeparationWarning,
    )

    design = np.column_stack([np.ones_like(xs), xs - x_bar])  # centred: a better-conditioned fit
    model = GLM(y, design, family=Poisson(), offset=np.log(e))
    # Two artefacts of statsmodels' least-squares helper, not of the Poisson fit: counts that
    # lie exactly on the curve (1, 2, 4, 8) are "perfect prediction", and two weeks leave no
    # residual degrees of freedom for a scale the Poisson family does not use (it is 1).
    with warnings.catch_warnings(), np.errstate(divide="ignore", invalid="ignore"):
        warnings.simplefilter("ignore", PerfectSeparationWarning)
        fit = model.fit(tol=1e-12)  # as far as the fit it replaced (rate ratios to ~1e-12)
    b, se = float(fit.params[1]), float(fit.bse[1])
    return PoissonTrend(math.exp(b), math.exp(b - Z95 * se), math.exp(b + Z95 * se), z, p_value)


@dataclass(frozen=True)
class Slope:
    slope: float
    ci_low: float
    ci_high: float
    t: float
    df: int
    p_value: float


def ols_slope(x: Sequence[float], y: Sequence[float]) -> Slope | None:
    """Least-squares slope of ``y`` on ``x`` with its t test; ``None`` if not estimable."""
    xs = np.asarray(x, dtype=float)
    ys = np.asarray(y, dtype=float)
    n = len(xs)
    if n < 3:
        return None
    dx = xs - xs.mean()
    # np.dot, not @: for two long vectors matmul takes milliseconds where dot takes microseconds
    sxx = float(np.dot(dx, dx))
    if sxx == 0.0:
        return None
    slope = float(np.dot(dx, ys - ys.mean())) / sxx
    residuals = ys - ys.mean() - slope * dx
    df = n - 2
    s2 = float(np.dot(residuals, residuals)) / df
    se = math.sqrt(s2 / sxx)
    if se <= 1e-12 * max(1.0, abs(slope)):  # an exact straight line
        t = 0.0 if slope == 0.0 else math.copysign(math.inf, slope)
        p_value = 1.0 if slope == 0.0 else 0.0
        return Slope(slope, slope, slope, t, df, p_value)
    from scipy.special import stdtrit

    t = slope / se
    t_crit = float(stdtrit(df, 0.975))
    return Slope(
        slope, slope - t_crit * se, slope + t_crit * se, t, df, student_t_two_sided_p(t, df)
    )


def wilson_interval(successes: int, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval for a binomial proportion, at the two-sided level of ``z``."""
    from statsmodels.stats.proportion import proportion_confint  # type: ignore[import-untyped]

    if n <= 0:
        raise ValueError("n must be positive")
    low, high = proportion_confint(successes, n, alpha=normal_two_sided_p(z), method="wilson")
    # the interval's ends are exactly 0 and 1 at 0 and n successes (no rounding crumbs)
    return (
        0.0 if successes == 0 else max(0.0, float(low)),
        1.0 if successes == n else min(1.0, float(high)),
    )


@dataclass(frozen=True)
class RateRatio:
    ratio: float | None  # None: no events in the comparison group (infinite)
    ci_low: float
    ci_high: float | None  # None: unbounded above


def rate_ratio(a: int, t1: float, b: int, t0: float) -> RateRatio:
    """(a/t1) / (b/t0) with the conditional-binomial Wilson interval (module docstring)."""
    if a + b == 0 or t1 <= 0 or t0 <= 0:
        raise ValueError("needs at least one event and positive exposures")
    low, high = wilson_interval(a, a + b)
    ratio = None if b == 0 else (a / t1) / (b / t0)
    ci_high = None if high >= 1.0 else high / (1.0 - high) * t0 / t1
    return RateRatio(ratio, low / (1.0 - low) * t0 / t1, ci_high)


def newcombe_difference(k1: int, n1: int, k2: int, n2: int) -> tuple[float, float, float]:
    """p1 - p2 with Newcombe's hybrid score 95 % interval: (difference, low, high)."""
    from statsmodels.stats.proportion import confint_proportions_2indep

    low, high = confint_proportions_2indep(
        k1, n1, k2, n2, method="newcomb", compare="diff", alpha=0.05
    )
    return k1 / n1 - k2 / n2, float(low), float(high)
