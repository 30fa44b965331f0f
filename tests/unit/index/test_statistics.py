"""The profile statistics against values computed independently (scipy.stats, and worked by hand)."""

from __future__ import annotations

import math

import pytest
from scipy import stats

from services.index.statistics import (
    MAX_PRIOR_STRENGTH,
    benjamini_hochberg,
    binomial_test,
    fisher_exact,
    fisher_exact_greater,
    prior_strength,
    shrunken_share,
    wilson_interval,
)

TABLES = [
    (1, 0, 300, 700),
    (40, 20, 3000, 7000),
    (12, 88, 130, 870),
    (0, 25, 400, 600),
    (25, 0, 400, 600),
    (3, 7, 2, 8),
    (150, 350, 20_000, 80_000),
    (900, 1100, 45_000, 55_000),
]


@pytest.mark.parametrize(("k", "n"), [(0, 10), (1, 1), (40, 60), (7, 20), (20, 20), (312, 1000)])
def test_wilson_interval_matches_scipy(k: int, n: int) -> None:
    expected = stats.binomtest(k, n).proportion_ci(confidence_level=0.95, method="wilson")
    low, high = wilson_interval(k, n)
    assert (low, high) == pytest.approx((expected.low, expected.high), abs=1e-9)


def test_wilson_interval_worked_example_and_no_trials() -> None:
    # by hand: centre (40 + 1.9207)/63.8415 = 0.65664, half-width 1.96·√(40·20/60 + 0.9604)/63.8415 = 0.11607
    low, high = wilson_interval(40, 60)
    assert (round(low, 4), round(high, 4)) == (0.5406, 0.7727)
    assert wilson_interval(0, 0) is None


@pytest.mark.parametrize("table", TABLES)
def test_fisher_exact_matches_scipy(table: tuple[int, int, int, int]) -> None:
    a, b, c, d = table
    two_sided = stats.fisher_exact([[a, b], [c, d]], alternative="two-sided").pvalue
    greater = stats.fisher_exact([[a, b], [c, d]], alternative="greater").pvalue
    assert fisher_exact(a, b, c, d) == pytest.approx(two_sided, rel=1e-6, abs=1e-300)
    assert fisher_exact_greater(a, b, c, d) == pytest.approx(greater, rel=1e-6, abs=1e-300)


@pytest.mark.parametrize(
    ("k", "n", "p"), [(9, 12, 0.25), (0, 40, 0.25), (30, 120, 0.25), (5, 9, 0.5), (80, 200, 0.2)]
)
def test_binomial_test_matches_scipy(k: int, n: int, p: float) -> None:
    assert binomial_test(k, n, p) == pytest.approx(stats.binomtest(k, n, p).pvalue, rel=1e-6)


def test_benjamini_hochberg_matches_scipy_and_keeps_order() -> None:
    p_values = [0.01, 0.04, 0.03, 0.005, 0.5, 0.2, 0.0001, 0.049]
    assert benjamini_hochberg(p_values) == pytest.approx(list(stats.false_discovery_control(p_values)))
    assert benjamini_hochberg([0.01, 0.02, 0.03]) == pytest.approx([0.03, 0.03, 0.03])  # by hand
    assert benjamini_hochberg([]) == []


def test_shrinkage_ranks_one_of_one_below_forty_of_sixty() -> None:
    units = [(k, 60) for k in (20, 25, 30, 35, 40, 28, 33, 31)]  # areas that vary beyond chance
    strength = prior_strength(units)
    assert 1 < strength < MAX_PRIOR_STRENGTH
    assert shrunken_share(1, 1, 0.5, strength) < shrunken_share(40, 60, 0.5, strength)
    assert shrunken_share(0, 0, 0.3, strength) == 0.3
    assert shrunken_share(10, 10, 0.5, 10.0) == pytest.approx(15 / 20)  # by hand


def test_prior_strength_recovers_the_beta_that_generated_the_units() -> None:
    rng = __import__("random").Random(3)
    alpha, beta = 6.0, 14.0  # mean 0.3, strength 20
    units = []
    for _ in range(400):
        share = rng.betavariate(alpha, beta)
        trials = rng.randint(30, 300)
        units.append((sum(rng.random() < share for _ in range(trials)), trials))
    assert prior_strength(units) == pytest.approx(alpha + beta, rel=0.25)


def test_prior_strength_without_variation_beyond_chance_trusts_the_comparator() -> None:
    assert prior_strength([(30, 100)] * 10) == MAX_PRIOR_STRENGTH
    assert prior_strength([(3, 10)]) == MAX_PRIOR_STRENGTH
    assert math.isclose(prior_strength([(0, 50), (50, 50)]), 1.0)
