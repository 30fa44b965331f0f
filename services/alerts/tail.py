"""Upper-tail probabilities of counts: P(X >= x) under a Poisson or negative-binomial law (pure Python).

The negative binomial is parametrised by its mean m and overdispersion d (variance m + d m^2); d = 0 is
the Poisson. Small tails are summed from x upwards (no 1 - big cancellation), large ones as 1 - the sum
below x.
"""

from __future__ import annotations

from math import exp, lgamma, log

TERMS_AFTER_MODE = 10_000


def _log_pmf(k: int, mean: float, dispersion: float) -> float:
    if dispersion <= 0.0:
        return k * log(mean) - mean - lgamma(k + 1)
    size = 1.0 / dispersion
    success = size / (size + mean)
    return lgamma(k + size) - lgamma(size) - lgamma(k + 1) + size * log(success) + k * log(1.0 - success)


def upper_tail(count: int, mean: float, dispersion: float = 0.0) -> float:
    """P(X >= count) for X with this mean and overdispersion (0: Poisson)."""
    if count <= 0:
        return 1.0
    if mean <= 0.0:
        return 0.0
    if count <= mean:
        below = sum(exp(_log_pmf(k, mean, dispersion)) for k in range(count))
        return max(0.0, 1.0 - below)
    total, k = 0.0, count
    while k < count + TERMS_AFTER_MODE:
        term = exp(_log_pmf(k, mean, dispersion))
        total += term
        if term <= total * 1e-12:
            break
        k += 1
    return min(1.0, total)


def overdispersion(counts: list[int], expected: list[float]) -> float:
    """Method-of-moments d from counts and their expected values: sum((c - e)^2 - e) / sum(e^2), >= 0."""
    spread = sum((count - mean) ** 2 - mean for count, mean in zip(counts, expected, strict=True))
    scale = sum(mean**2 for mean in expected)
    return max(0.0, spread / scale) if scale > 0 else 0.0
