"""The monthly trend with context: every month's negative share with an interval, and changes beyond noise.

Pure: takes monthly counts, returns rows. A month is compared with the three months before it: its count
with an exact binomial test (under no change the month holds a quarter of the four months' items), its
negative share with Fisher's exact test. Benjamini–Hochberg across the months tested; a change is flagged
only when q < 0.05, and the share only when the month and its baseline each have the minimum volume.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from services.index.comparisons import FALSE_DISCOVERY_RATE, MIN_ITEMS
from services.index.models import ChangeFlag, MonthCount
from services.index.statistics import benjamini_hochberg, binomial_test, fisher_exact, wilson_interval

BASELINE_MONTHS = 3
METHOD = (
    "Items per month and the share that is negative, with a 95% Wilson score interval. Each month is "
    "compared with the three months before it: the count with an exact binomial test (with no change a "
    "month would hold a quarter of the four months' items), the negative share with Fisher's exact test "
    "(only when the month and its baseline each have at least 20 items). Benjamini–Hochberg across the "
    "months of the period; a change is flagged only when q < 0.05."
)


@dataclass(frozen=True)
class Month:
    month: str
    total: int
    negative: int
    high_severity: int


def _direction(now: float, before: float) -> ChangeFlag:
    return ChangeFlag.UP if now > before else ChangeFlag.DOWN


def trend_rows(months: Sequence[Month]) -> list[MonthCount]:
    """Rows for consecutive months, oldest first; the first three have no baseline to compare with."""
    volume_tests: list[tuple[int, float, ChangeFlag]] = []
    share_tests: list[tuple[int, float, ChangeFlag]] = []
    for index in range(BASELINE_MONTHS, len(months)):
        month, before = months[index], months[index - BASELINE_MONTHS : index]
        base_total = sum(m.total for m in before)
        base_negative = sum(m.negative for m in before)
        if month.total + base_total:
            p = binomial_test(month.total, month.total + base_total, 1 / (BASELINE_MONTHS + 1))
            volume_tests.append((index, p, _direction(month.total, base_total / BASELINE_MONTHS)))
        if month.total >= MIN_ITEMS and base_total >= MIN_ITEMS:
            p = fisher_exact(
                month.negative, month.total - month.negative, base_negative, base_total - base_negative
            )
            direction = _direction(month.negative / month.total, base_negative / base_total)
            share_tests.append((index, p, direction))
    volume = _judged(volume_tests)
    share = _judged(share_tests)
    rows = []
    for index, month in enumerate(months):
        interval = wilson_interval(month.negative, month.total)
        volume_q, volume_flag = volume.get(index, (None, None))
        share_q, share_flag = share.get(index, (None, None))
        rows.append(
            MonthCount(
                month=month.month,
                total=month.total,
                negative=month.negative,
                high_severity=month.high_severity,
                negative_share=month.negative / month.total if month.total else None,
                interval_low=interval[0] if interval else None,
                interval_high=interval[1] if interval else None,
                volume_change=volume_flag,
                volume_q=volume_q,
                negative_share_change=share_flag,
                negative_share_q=share_q,
            )
        )
    return rows


def _judged(tests: list[tuple[int, float, ChangeFlag]]) -> dict[int, tuple[float, ChangeFlag | None]]:
    """q per month tested, and the direction where q < the false discovery rate."""
    qs = benjamini_hochberg([p for _, p, _ in tests])
    return {
        index: (q, direction if q < FALSE_DISCOVERY_RATE else None)
        for (index, _, direction), q in zip(tests, qs, strict=True)
    }
