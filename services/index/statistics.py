"""The statistics behind profile comparisons, trends and emerging terms; pure Python, no I/O.

Wilson score intervals for a share; Fisher's exact test for two shares and an exact binomial test for two
counts; Benjamini–Hochberg q values across a family of tests; a beta-binomial empirical-Bayes prior whose
strength is estimated from how much units vary beyond chance (method of moments). docs/methods.md explains
them in plain words; tests check them against scipy.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

Z_95 = 1.959963984540054
MAX_PRIOR_STRENGTH = 10_000.0  # no detectable variation between units: the comparator decides
MIN_PRIOR_STRENGTH = 1.0
_RELATIVE_TIE = 1 + 1e-7  # probabilities this close to the observed one count as equally extreme
_WINDOW_SDS = 40  # beyond 40 standard deviations a probability underflows to zero


def wilson_interval(successes: int, trials: int, z: float = Z_95) -> tuple[float, float] | None:
    """Wilson score interval for successes/trials (None without trials)."""
    if trials <= 0:
        return None
    share = successes / trials
    denominator = 1 + z * z / trials
    centre = (share + z * z / (2 * trials)) / denominator
    half = z * math.sqrt(share * (1 - share) / trials + z * z / (4 * trials * trials)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


def _log_choose(n: int, k: int) -> float:
    return math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)


def _window(low: int, high: int, mean: float, sd: float, observed: int) -> range:
    """The support values whose probability does not underflow, always with the observed one."""
    start = max(low, min(observed, math.floor(mean - _WINDOW_SDS * sd) - 1))
    stop = min(high, max(observed, math.ceil(mean + _WINDOW_SDS * sd) + 1))
    return range(start, stop + 1)


def _two_sided(log_pmf: Callable[[int], float], support: range, observed: int) -> float:
    """Sum of the probabilities no larger than the observed one (the 'minimum likelihood' two-sided p)."""
    limit = log_pmf(observed) + math.log(_RELATIVE_TIE)
    return min(1.0, math.fsum(math.exp(lp) for x in support if (lp := log_pmf(x)) <= limit))


def _hypergeometric(a: int, b: int, c: int, d: int) -> tuple[Callable[[int], float], int, int, float, float]:
    """The distribution of the top-left cell of [[a, b], [c, d]] with fixed margins."""
    row, column, total = a + b, a + c, a + b + c + d
    denominator = _log_choose(total, row)

    def log_pmf(x: int) -> float:
        return _log_choose(column, x) + _log_choose(total - column, row - x) - denominator

    mean = row * column / total if total else 0.0
    spread = (
        row * column * (total - column) * (total - row) / (total * total * (total - 1)) if total > 1 else 0
    )
    return log_pmf, max(0, row - (total - column)), min(row, column), mean, math.sqrt(spread)


def fisher_exact(a: int, b: int, c: int, d: int) -> float:
    """Two-sided p of Fisher's exact test for the 2×2 table [[a, b], [c, d]]."""
    log_pmf, low, high, mean, sd = _hypergeometric(a, b, c, d)
    return _two_sided(log_pmf, _window(low, high, mean, sd, a), a)


def fisher_exact_greater(a: int, b: int, c: int, d: int) -> float:
    """One-sided p of Fisher's exact test that a/(a+b) is greater than c/(c+d)."""
    log_pmf, low, high, mean, sd = _hypergeometric(a, b, c, d)
    upper = _window(low, high, mean, sd, a).stop - 1
    return min(1.0, math.fsum(math.exp(log_pmf(x)) for x in range(a, upper + 1)))


def binomial_test(successes: int, trials: int, probability: float) -> float:
    """Two-sided p of the exact binomial test of successes in trials against `probability`."""
    if trials == 0:
        return 1.0
    log_p, log_q = math.log(probability), math.log1p(-probability)

    def log_pmf(x: int) -> float:
        return _log_choose(trials, x) + x * log_p + (trials - x) * log_q

    mean, sd = trials * probability, math.sqrt(trials * probability * (1 - probability))
    return _two_sided(log_pmf, _window(0, trials, mean, sd, successes), successes)


def benjamini_hochberg(p_values: Sequence[float]) -> list[float]:
    """Benjamini–Hochberg adjusted p values (q values), in the order given."""
    count = len(p_values)
    order = sorted(range(count), key=lambda index: p_values[index])
    adjusted = [1.0] * count
    running = 1.0
    for rank in range(count, 0, -1):
        index = order[rank - 1]
        running = min(running, p_values[index] * count / rank)
        adjusted[index] = min(1.0, running)
    return adjusted


def prior_strength(units: Sequence[tuple[int, int]]) -> float:
    """Beta-binomial prior strength m from (successes, trials) per unit, by the method of moments.

    The between-unit variance τ² of the true shares is what the spread of observed shares leaves once
    binomial noise is taken out; a Beta prior with mean p and strength m has variance p(1 − p)/(m + 1).
    Clamped to [MIN_PRIOR_STRENGTH, MAX_PRIOR_STRENGTH].
    """
    units = [(k, n) for k, n in units if n > 0]
    total = sum(n for _, n in units)
    if len(units) < 2 or total == 0:
        return MAX_PRIOR_STRENGTH
    pooled = sum(k for k, _ in units) / total
    if pooled in (0.0, 1.0):
        return MAX_PRIOR_STRENGTH
    spread = sum(n * (k / n - pooled) ** 2 for k, n in units)
    excess = spread - (len(units) - 1) * pooled * (1 - pooled)
    scale = total - sum(n * n for _, n in units) / total
    between = excess / scale if scale > 0 else 0.0
    if between <= 0:
        return MAX_PRIOR_STRENGTH
    strength = pooled * (1 - pooled) / between - 1
    return min(MAX_PRIOR_STRENGTH, max(MIN_PRIOR_STRENGTH, strength))


def shrunken_share(successes: int, trials: int, towards: float, strength: float) -> float:
    """Posterior mean of the share under a Beta prior with mean `towards` and strength `strength`."""
    return (successes + strength * towards) / (trials + strength)
