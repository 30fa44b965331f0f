"""Token buckets per caller and kind: a burst of the limit, refilled evenly, each caller on its own."""

from __future__ import annotations

from services.common.rate_limits import LimitKind, RateLimiter


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_caller_gets_its_burst_then_waits_for_the_refill() -> None:
    clock = Clock()
    limiter = RateLimiter({LimitKind.SEARCH: 3, LimitKind.EXPORT: 1}, clock=clock)
    assert [limiter.wait_seconds("key:a", LimitKind.SEARCH) for _ in range(3)] == [0.0, 0.0, 0.0]
    assert limiter.wait_seconds("key:a", LimitKind.SEARCH) == 20.0  # 3 a minute: one every 20 s
    clock.now += 20
    assert limiter.wait_seconds("key:a", LimitKind.SEARCH) == 0.0
    assert limiter.wait_seconds("key:a", LimitKind.SEARCH) > 0


def test_callers_and_kinds_have_their_own_buckets_and_zero_means_no_limit() -> None:
    limiter = RateLimiter({LimitKind.SEARCH: 1, LimitKind.EXPORT: 0}, clock=Clock())
    assert limiter.wait_seconds("key:a", LimitKind.SEARCH) == 0.0
    assert limiter.wait_seconds("key:a", LimitKind.SEARCH) > 0
    assert limiter.wait_seconds("key:b", LimitKind.SEARCH) == 0.0
    assert all(limiter.wait_seconds("key:a", LimitKind.EXPORT) == 0.0 for _ in range(100))
