"""Tail probabilities against scipy's, and the overdispersion estimate."""

from __future__ import annotations

import pytest
from scipy import stats

from services.alerts.tail import overdispersion, upper_tail


@pytest.mark.parametrize("count", [0, 1, 3, 6, 12, 40, 150])
@pytest.mark.parametrize("mean", [0.2, 1.0, 4.5, 30.0])
@pytest.mark.parametrize("dispersion", [0.0, 0.1, 0.8])
def test_upper_tail_matches_scipy(count: int, mean: float, dispersion: float) -> None:
    if dispersion == 0:
        expected = stats.poisson.sf(count - 1, mean)
    else:
        size = 1 / dispersion
        expected = stats.nbinom.sf(count - 1, size, size / (size + mean))
    assert upper_tail(count, mean, dispersion) == pytest.approx(expected, rel=1e-6, abs=1e-300)


def test_overdispersion_is_zero_for_poisson_like_counts_and_grows_with_spread() -> None:
    assert overdispersion([2, 2, 2, 2], [2.0] * 4) == 0.0
    assert overdispersion([0, 6, 0, 6], [3.0] * 4) == pytest.approx((9 - 3) / 9)
