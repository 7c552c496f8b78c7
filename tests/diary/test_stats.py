"""The diary statistics, with expected numbers written as the arithmetic that produces them."""

from __future__ import annotations

import math

import numpy as np
import pytest

from spasmcheck.diary.stats import (
    Z95,
    newcombe_difference,
    normal_two_sided_p,
    ols_slope,
    poisson_trend,
    rate_ratio,
    regularized_beta,
    student_t_two_sided_p,
    wilson_interval,
)


def test_z95_is_the_normal_quantile() -> None:
    assert pytest.approx(1.959963984540054) == Z95
    assert normal_two_sided_p(Z95) == pytest.approx(0.05)


# -- Student t: closed forms for 1 and 2 degrees of freedom -----------------------------------
@pytest.mark.parametrize("t", [0.0, 0.5, 1.0, 2.0, 4.302652729749464, 9.9, -3.0])
def test_t_tail_matches_closed_forms(t: float) -> None:
    # df = 1 (Cauchy): P(|T| >= t) = 1 - (2/pi) atan|t|;  df = 2: 1 - |t| / sqrt(t^2 + 2)
    assert student_t_two_sided_p(t, 1) == pytest.approx(1 - 2 / math.pi * math.atan(abs(t)))
    assert student_t_two_sided_p(t, 2) == pytest.approx(1 - abs(t) / math.sqrt(t * t + 2))


def test_t_tail_approaches_the_normal_for_many_degrees_of_freedom() -> None:
    assert student_t_two_sided_p(1.96, 100_000) == pytest.approx(normal_two_sided_p(1.96), abs=1e-4)


@pytest.mark.parametrize(
    ("x", "a", "b", "expected"), [(0.3, 1, 1, 0.3), (0.3, 2, 1, 0.3**2), (0.3, 1, 2, 1 - 0.7**2)]
)
def test_incomplete_beta_simple_cases(x: float, a: float, b: float, expected: float) -> None:
    # I_x(1,1) = x; I_x(a,1) = x^a; I_x(1,b) = 1 - (1-x)^b
    assert regularized_beta(x, a, b) == pytest.approx(expected)


# -- Poisson trend ------------------------------------------------------------------------------
def test_doubling_every_week_gives_rate_ratio_two() -> None:
    # counts 1,2,4,8,16 lie exactly on log mu = a + x ln 2, so the MLE is exp(b) = 2.
    fit = poisson_trend([1, 2, 4, 8, 16], [7] * 5)
    assert fit.rate_ratio == pytest.approx(2.0)
    # Fisher information at the fit (mu = y): [[31, 98], [98, 346]] -> var(b) = 31 / (31*346 - 98^2)
    se = math.sqrt(31 / (31 * 346 - 98**2))
    assert fit.ci_low == pytest.approx(math.exp(math.log(2) - Z95 * se))
    assert fit.ci_high == pytest.approx(math.exp(math.log(2) + Z95 * se))
    # score test: p_i = 1/5, x̄ = 2, U = Σ(x - 2) y = -2 - 2 + 0 + 8 + 32 = 36,
    # V = N Σ p (x - x̄)^2 = 31 * (4 + 1 + 0 + 1 + 4) / 5 = 62
    assert fit.z == pytest.approx(36 / math.sqrt(62))
    assert fit.p_value == pytest.approx(math.erfc(36 / math.sqrt(62) / math.sqrt(2)))


def test_halving_every_week_gives_rate_ratio_one_half() -> None:
    fit = poisson_trend([16, 8, 4, 2, 1], [7] * 5)
    assert fit.rate_ratio == pytest.approx(0.5)
    assert fit.z == pytest.approx(-36 / math.sqrt(62))


def test_a_partial_week_with_the_same_daily_rate_is_flat() -> None:
    # 1 episode in 1 day, then 7 in 7 days: one a day throughout.
    # expected under no trend: 8 * 1/8 = 1 and 8 * 7/8 = 7, exactly what was seen -> U = 0
    fit = poisson_trend([1, 7], [1, 7])
    assert fit.rate_ratio == pytest.approx(1.0)
    assert fit.z == pytest.approx(0.0)
    assert fit.p_value == pytest.approx(1.0)


def test_all_episodes_in_the_last_week_has_no_finite_ratio_but_a_test() -> None:
    fit = poisson_trend([0, 0, 5], [7, 7, 7])
    assert fit.rate_ratio is None and fit.ci_low is None
    assert "last week" in fit.note
    # x̄ = 1, U = 1 * 5 = 5, V = 5 * (1 + 0 + 1) / 3 = 10/3
    assert fit.z == pytest.approx(5 / math.sqrt(10 / 3))
    assert fit.p_value == pytest.approx(math.erfc(5 / math.sqrt(10 / 3) / math.sqrt(2)))


@pytest.mark.parametrize(
    ("counts", "note"),
    [([0, 0, 0], "no episodes"), ([4], "needs at least two weeks")],
)
def test_trend_not_estimable(counts: list[int], note: str) -> None:
    fit = poisson_trend(counts, [7] * len(counts))
    assert (fit.rate_ratio, fit.p_value, fit.note) == (None, None, note)


def test_trend_rejects_bad_exposure() -> None:
    with pytest.raises(ValueError, match="exposure"):
        poisson_trend([1, 2], [7, 0])
    with pytest.raises(ValueError, match="same length"):
        poisson_trend([1, 2], [7])


def test_flat_noisy_weeks_rarely_look_like_a_rise() -> None:
    # 200 diaries of 8 weeks at a constant 3 episodes a week: the two-sided score test at 0.05
    # calls a significant rise in about 2.5 % of them; allow up to 6 %.
    rises = 0
    for seed in range(200):
        counts = np.random.default_rng(seed).poisson(3.0, size=8)
        fit = poisson_trend(counts.tolist(), [7] * 8)
        rises += fit.p_value is not None and fit.z is not None and fit.p_value < 0.05 and fit.z > 0
    assert rises <= 12


def test_a_real_rise_is_found() -> None:
    # 2 a week growing by 40 % a week over 8 weeks (2 -> 2 * 1.4^7 ≈ 21): found almost always.
    found = 0
    for seed in range(100):
        counts = np.random.default_rng(seed).poisson(2.0 * 1.4 ** np.arange(8))
        fit = poisson_trend(counts.tolist(), [7] * 8)
        found += fit.p_value is not None and fit.p_value < 0.05 and fit.z is not None and fit.z > 0
        if fit.rate_ratio is not None:
            assert fit.ci_low is not None and fit.ci_high is not None
            assert fit.ci_low < fit.rate_ratio < fit.ci_high
    assert found >= 95


# -- least-squares slope --------------------------------------------------------------------------
def test_ols_slope_by_hand() -> None:
    # x = 0,1,2,3 (x̄ 1.5), y = 2,3,5,6 (ȳ 4): Sxy = 3 + 0.5 + 0.5 + 3 = 7, Sxx = 5 -> slope 7/5
    # fitted 1.9, 3.3, 4.7, 6.1 -> residuals .1, -.3, .3, -.1 -> SSE 0.2, s² = 0.2/2 = 0.1
    # se = sqrt(0.1 / 5); t = 1.4 / sqrt(0.02), t² = 98; df 2: p = 1 - t / sqrt(t² + 2) = 1 - sqrt(98)/10
    fit = ols_slope([0, 1, 2, 3], [2, 3, 5, 6])
    assert fit is not None
    assert fit.slope == pytest.approx(7 / 5)
    assert fit.t == pytest.approx(1.4 / math.sqrt(0.02))
    assert fit.df == 2
    assert fit.p_value == pytest.approx(1 - math.sqrt(98) / 10)
    # the df-2 critical value solves t / sqrt(t² + 2) = 0.95: t² = 2 * 0.95² / (1 - 0.95²)
    t_crit = math.sqrt(2 * 0.95**2 / (1 - 0.95**2))
    assert fit.ci_low == pytest.approx(1.4 - t_crit * math.sqrt(0.02))
    assert fit.ci_high == pytest.approx(1.4 + t_crit * math.sqrt(0.02))


@pytest.mark.parametrize(
    ("x", "y", "slope", "p"),
    [([0, 1, 2], [1, 2, 3], 1.0, 0.0), ([0, 1, 2], [4, 4, 4], 0.0, 1.0)],
)
def test_ols_exact_lines(x: list[float], y: list[float], slope: float, p: float) -> None:
    fit = ols_slope(x, y)
    assert fit is not None and fit.slope == pytest.approx(slope) and fit.p_value == p


@pytest.mark.parametrize(("x", "y"), [([0, 1], [1, 2]), ([1, 1, 1], [1, 2, 3]), ([], [])])
def test_ols_not_estimable(x: list[float], y: list[float]) -> None:
    assert ols_slope(x, y) is None


# -- proportions and rates ---------------------------------------------------------------------
def test_wilson_by_hand() -> None:
    z = Z95
    n, p = 10, 0.3
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    assert wilson_interval(3, 10) == pytest.approx((centre - half, centre + half))
    assert wilson_interval(0, 5)[0] == 0.0
    assert wilson_interval(5, 5)[1] == 1.0
    with pytest.raises(ValueError):
        wilson_interval(0, 0)


def test_rate_ratio_by_hand() -> None:
    # 6 episodes on 3 days with the factor vs 2 on 4 days without: (6/3) / (2/4) = 4.
    # Given 8 episodes, 6 fell on factor days: Wilson for 6/8 -> RR = π/(1-π) * 4/3
    rr = rate_ratio(6, 3, 2, 4)
    low, high = wilson_interval(6, 8)
    assert rr.ratio == pytest.approx(4.0)
    assert rr.ci_low == pytest.approx(low / (1 - low) * 4 / 3)
    assert rr.ci_high == pytest.approx(high / (1 - high) * 4 / 3)


def test_rate_ratio_with_no_episodes_without_the_factor_is_unbounded() -> None:
    rr = rate_ratio(5, 3, 0, 3)
    assert rr.ratio is None and rr.ci_high is None and rr.ci_low > 0


def test_newcombe_matches_the_published_example() -> None:
    # Newcombe (1998), Stat Med 17:873, table II example (a): 56/70 vs 48/80, method 10.
    d, low, high = newcombe_difference(56, 70, 48, 80)
    assert d == pytest.approx(56 / 70 - 48 / 80)
    assert (low, high) == pytest.approx((0.0524, 0.3339), abs=5e-4)
