"""Small, hand-checkable statistics for the diary summary (numpy and :mod:`math` only).

Every method here is a textbook one, chosen so that a reviewer can redo it on paper:

* :func:`poisson_trend` — Poisson log-linear regression of counts on an index,
  ``log E[y_i] = log e_i + a + b x_i`` (``e_i`` the exposure, e.g. days of the week inside the
  range), fitted by iteratively reweighted least squares (Newton's method on the log-likelihood,
  with step halving). ``exp(b)`` is the rate ratio per unit of ``x``; its 95 % interval is the
  Wald interval ``exp(b ± 1.96·se)`` with ``se`` from the Fisher information. The p-value is the
  **score test** of ``b = 0`` (the Poisson analogue of the Cochran-Armitage trend test): given
  the total ``N``, under no trend each episode falls in unit ``i`` with probability
  ``p_i = e_i / Σe``, so ``U = Σ (x_i - x̄) y_i`` with ``x̄ = Σ p_i x_i`` has variance
  ``V = N Σ p_i (x_i - x̄)²`` and ``z = U / √V`` is compared with the standard normal. The score
  test is used because it exists even when the MLE does not (every episode in the last week).
  Assumptions: counts independent and Poisson given the rate; the log-rate is linear in ``x``
  (a steady multiplicative change). Over-dispersion (clusters of bad days) makes the p-value too
  small, so callers ask for more than one signal before calling a rise real.
* :func:`ols_slope` — ordinary least-squares slope with the classical t test
  (``t = slope / se`` on ``n - 2`` degrees of freedom). Assumes independent errors with equal
  variance, roughly normal. The Student t tail uses the regularised incomplete beta function
  (Lentz's continued fraction, as in Numerical Recipes §6.4).
* :func:`wilson_interval` — the Wilson score interval for a proportion.
* :func:`rate_ratio` — the ratio of two Poisson rates ``(a/t1) / (b/t0)``. Given ``a + b``,
  ``a`` is binomial with ``π = RR·t1 / (RR·t1 + t0)``, so a Wilson interval for ``π`` maps to an
  interval for the ratio: ``RR = π/(1-π) · t0/t1``.
* :func:`newcombe_difference` — difference of two proportions with Newcombe's hybrid score
  interval (method 10, Newcombe 1998), built from the two Wilson intervals.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np

Z95 = NormalDist().inv_cdf(0.975)  # 1.959963984540054


def normal_two_sided_p(z: float) -> float:
    """P(|Z| >= |z|) for a standard normal Z."""
    return math.erfc(abs(z) / math.sqrt(2.0))


def _betacf(a: float, b: float, x: float) -> float:
    """Continued fraction for the incomplete beta function (modified Lentz)."""
    tiny = 1e-300
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c, d = 1.0, 1.0 - qab * x / qap
    d = 1.0 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 300):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c
        c = c if abs(c) > tiny else tiny
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c
        c = c if abs(c) > tiny else tiny
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < 1e-15:
            break
    return h


def regularized_beta(x: float, a: float, b: float) -> float:
    """I_x(a, b), the regularised incomplete beta function."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    log_front = (
        math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    )
    front = math.exp(log_front)
    if x < (a + 1.0) / (a + b + 2.0):
        return front * _betacf(a, b, x) / a
    return 1.0 - front * _betacf(b, a, 1.0 - x) / b


def student_t_two_sided_p(t: float, df: float) -> float:
    """P(|T| >= |t|) for Student's t with ``df`` degrees of freedom."""
    if math.isinf(t):
        return 0.0
    return regularized_beta(df / (df + t * t), df / 2.0, 0.5)


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

    design = np.column_stack([np.ones_like(xs), xs - x_bar])  # centred: a better-conditioned fit
    offset = np.log(e)
    beta = np.array([math.log(total / float(e.sum())), 0.0])

    def loglik(b: np.ndarray) -> float:
        eta = offset + design @ b
        return float(y @ eta - np.exp(eta).sum())

    current = loglik(beta)
    for _ in range(100):
        mu = np.exp(offset + design @ beta)
        step = np.linalg.solve(design.T @ (design * mu[:, None]), design.T @ (y - mu))
        scale = 1.0
        while scale > 1e-6:
            candidate = beta + scale * step
            value = loglik(candidate)
            if value >= current - 1e-12:
                break
            scale /= 2.0
        beta, current = candidate, value
        if float(np.abs(scale * step).max()) < 1e-10:
            break
    mu = np.exp(offset + design @ beta)
    covariance = np.linalg.inv(design.T @ (design * mu[:, None]))
    b, se = float(beta[1]), math.sqrt(float(covariance[1, 1]))
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
    sxx = float(dx @ dx)
    if sxx == 0.0:
        return None
    slope = float(dx @ (ys - ys.mean())) / sxx
    residuals = ys - ys.mean() - slope * dx
    df = n - 2
    s2 = float(residuals @ residuals) / df
    se = math.sqrt(s2 / sxx)
    if se <= 1e-12 * max(1.0, abs(slope)):  # an exact straight line
        t = 0.0 if slope == 0.0 else math.copysign(math.inf, slope)
        p_value = 1.0 if slope == 0.0 else 0.0
        return Slope(slope, slope, slope, t, df, p_value)
    t = slope / se
    t_crit = _t_quantile_975(df)
    return Slope(
        slope, slope - t_crit * se, slope + t_crit * se, t, df, student_t_two_sided_p(t, df)
    )


def _t_quantile_975(df: int) -> float:
    """The t value with two-sided tail 0.05, by bisection on the tail probability."""
    lo, hi = 0.0, 1000.0
    for _ in range(200):
        mid = (lo + hi) / 2.0
        if student_t_two_sided_p(mid, df) > 0.05:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2.0


def wilson_interval(successes: int, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval for a binomial proportion."""
    if n <= 0:
        raise ValueError("n must be positive")
    p = successes / n
    denominator = 1.0 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == n else min(1.0, centre + half)
    return low, high


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
    p1, p2 = k1 / n1, k2 / n2
    l1, u1 = wilson_interval(k1, n1)
    l2, u2 = wilson_interval(k2, n2)
    d = p1 - p2
    low = d - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    high = d + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    return d, low, high
