"""Compare an area's negative share with a comparator's: interval, test, multiple-testing control, ranking.

Pure: takes counts, returns rows. For each key (a quality statement or key question) the area's share of
negative items gets a Wilson interval; the comparator is everything else in it (England or the region
without the area), so the two samples are independent; Fisher's exact test gives p, Benjamini–Hochberg
across the keys compared gives q; a key is flagged higher or lower only when q < the false discovery rate.
Keys below the minimum volume are marked, not tested. Rows are ranked by an empirical-Bayes shrunken share
(towards the comparator, prior strength from the spread between areas), so 1 of 1 never tops 40 of 60.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from services.index.models import Comparison, ComparisonFlag, Share
from services.index.statistics import (
    benjamini_hochberg,
    fisher_exact,
    prior_strength,
    shrunken_share,
    wilson_interval,
)

MIN_ITEMS = 20
FALSE_DISCOVERY_RATE = 0.05
CONFIDENCE_LEVEL = 0.95
METHOD = (
    "Share of items that are negative, with a 95% Wilson score interval. The comparator is every other "
    "area in it (the area itself left out), so the two are independent samples. Fisher's exact test "
    "gives p; Benjamini–Hochberg across the rows tested gives q; a row is flagged higher or lower only "
    "when q < 0.05. Rows with fewer than 20 items in the area (or the comparator) are not tested. Rows "
    "are ranked by the area's share shrunk towards the comparator (empirical Bayes, beta-binomial prior "
    "whose strength is estimated from how much areas at this level differ beyond chance)."
)


@dataclass(frozen=True)
class Counts:
    negative: int
    total: int


def share_of(counts: Counts) -> Share:
    interval = wilson_interval(counts.negative, counts.total)
    return Share(
        negative=counts.negative,
        total=counts.total,
        share=counts.negative / counts.total if counts.total else None,
        interval_low=interval[0] if interval else None,
        interval_high=interval[1] if interval else None,
    )


def compare(
    keys: Mapping[str, str],
    area: Mapping[str, Counts],
    comparator: Mapping[str, Counts],
    population: Mapping[str, Sequence[Counts]],
) -> list[Comparison]:
    """One row per key (id → title), ranked: `comparator` counts include the area; `population` is every
    unit at the area's level, for the prior."""
    rows: list[dict] = []
    for key, title in keys.items():
        mine = area.get(key, Counts(0, 0))
        whole = comparator.get(key, Counts(0, 0))
        rest = Counts(max(0, whole.negative - mine.negative), max(0, whole.total - mine.total))
        tested = mine.total >= MIN_ITEMS and rest.total >= MIN_ITEMS
        strength = prior_strength([(unit.negative, unit.total) for unit in population.get(key, ())])
        towards = rest.negative / rest.total if rest.total else None
        rows.append(
            {
                "key": key,
                "title": title,
                "area": share_of(mine),
                "comparator": share_of(rest),
                "difference": mine.negative / mine.total - towards
                if mine.total and towards is not None
                else None,
                "shrunken_share": shrunken_share(mine.negative, mine.total, towards, strength)
                if towards is not None
                else None,
                "prior_strength": strength,
                "p_value": fisher_exact(
                    mine.negative, mine.total - mine.negative, rest.negative, rest.total - rest.negative
                )
                if tested
                else None,
                "q_value": None,
            }
        )
    tested_rows = [row for row in rows if row["p_value"] is not None]
    for row, q in zip(tested_rows, benjamini_hochberg([row["p_value"] for row in tested_rows]), strict=True):
        row["q_value"] = q
    comparisons = [Comparison(**row, flag=_flag(row)) for row in rows]
    return sorted(comparisons, key=_rank)


def _flag(row: dict) -> ComparisonFlag:
    q = row.get("q_value")
    if q is None:
        return ComparisonFlag.TOO_FEW_ITEMS
    if q >= FALSE_DISCOVERY_RATE:
        return ComparisonFlag.NO_CLEAR_DIFFERENCE
    return ComparisonFlag.HIGHER if row["difference"] > 0 else ComparisonFlag.LOWER


def _rank(row: Comparison) -> tuple:
    """Tested rows first, by how far the shrunken share lies above the comparator; then by volume."""
    if row.flag is ComparisonFlag.TOO_FEW_ITEMS or row.shrunken_share is None or row.comparator.share is None:
        return (1, -row.area.total, row.key)
    return (0, -(row.shrunken_share - row.comparator.share), row.key)
