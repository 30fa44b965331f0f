"""Comparison rows and trend rows from counts: flags only beyond noise, ranking by shrunken share."""

from __future__ import annotations

import random

from scipy import stats

from services.index.comparisons import MIN_ITEMS, Counts, compare
from services.index.models import ChangeFlag, ComparisonFlag
from services.index.trend import Month, trend_rows

KEYS = {f"s{number}": f"Statement {number}" for number in range(20)}


def _null_area(rng: random.Random, keys: dict[str, str], share: float = 0.3) -> dict[str, Counts]:
    counts = {}
    for key in keys:
        total = rng.randint(60, 140)
        counts[key] = Counts(sum(rng.random() < share for _ in range(total)), total)
    return counts


def test_compare_tests_each_row_against_the_rest_and_controls_false_discoveries() -> None:
    area = {"s0": Counts(60, 100), "s1": Counts(31, 100), "s2": Counts(5, 5)}
    comparator = {"s0": Counts(3060, 10100), "s1": Counts(3031, 10100), "s2": Counts(3005, 10005)}
    population = {key: [Counts(30, 100), Counts(45, 100), Counts(20, 100), Counts(60, 100)] for key in KEYS}
    rows = {row.key: row for row in compare({"s0": "a", "s1": "b", "s2": "c"}, area, comparator, population)}
    first = rows["s0"]
    assert (first.comparator.negative, first.comparator.total) == (3000, 10000)  # the area left out
    expected_p = stats.fisher_exact([[60, 40], [3000, 7000]]).pvalue
    assert abs(first.p_value - expected_p) <= 1e-9 * max(expected_p, 1e-300)
    p_values = [rows["s0"].p_value, rows["s1"].p_value]
    assert [rows["s0"].q_value, rows["s1"].q_value] == list(stats.false_discovery_control(p_values))
    assert first.flag is ComparisonFlag.HIGHER and rows["s1"].flag is ComparisonFlag.NO_CLEAR_DIFFERENCE
    few = rows["s2"]
    assert few.area.total < MIN_ITEMS and few.flag is ComparisonFlag.TOO_FEW_ITEMS
    assert (few.p_value, few.q_value) == (None, None)
    assert few.area.interval_low is not None  # its interval is still shown


def test_compare_ranks_by_shrunken_share_so_small_counts_do_not_top_the_list() -> None:
    keys = {"tiny": "1 of 1", "small": "16 of 20", "large": "200 of 300"}
    area = {"tiny": Counts(1, 1), "small": Counts(16, 20), "large": Counts(200, 300)}
    comparator = {key: Counts(5000 + c.negative, 10000 + c.total) for key, c in area.items()}
    population = {key: [Counts(k, 60) for k in (20, 25, 30, 35, 40, 28, 33, 31)] for key in keys}
    rows = compare(keys, area, comparator, population)
    assert [row.key for row in rows] == ["large", "small", "tiny"]  # raw shares would give small first
    by_key = {row.key: row for row in rows}
    assert by_key["small"].area.share > by_key["large"].area.share
    assert by_key["small"].shrunken_share < by_key["large"].shrunken_share
    assert by_key["tiny"].flag is ComparisonFlag.TOO_FEW_ITEMS


def test_noise_alone_is_flagged_in_about_the_false_discovery_rate_of_areas() -> None:
    """Simulated areas that differ from England only by binomial noise: BH keeps false flags near 5% of
    areas; testing each row at p < 0.05 without it would flag most areas."""
    rng = random.Random(7)
    england = {key: Counts(300_000, 1_000_000) for key in KEYS}
    population = {key: [Counts(30, 100)] * 10 for key in KEYS}
    runs, flagged_areas, unadjusted_areas = 150, 0, 0
    for _ in range(runs):
        area = _null_area(rng, KEYS)
        whole = {
            key: Counts(england[key].negative + c.negative, england[key].total + c.total)
            for key, c in area.items()
        }
        rows = compare(KEYS, area, whole, population)
        flagged_areas += any(row.flag in (ComparisonFlag.HIGHER, ComparisonFlag.LOWER) for row in rows)
        unadjusted_areas += any(row.p_value < 0.05 for row in rows)
    assert flagged_areas / runs <= 0.09
    assert unadjusted_areas / runs >= 0.5


def test_trend_flags_a_real_jump_and_not_noise() -> None:
    rng = random.Random(11)
    months = []
    for number in range(24):
        total = rng.randint(90, 110)
        share = 0.6 if number == 20 else 0.3
        negative = round(total * share + rng.uniform(-1, 1) * (total * 0.21) ** 0.5)
        months.append(Month(f"2024-{number:02d}", total, negative, 0))
    months[12] = Month("2024-12", 250, 75, 0)  # a volume jump at the usual share
    rows = trend_rows(months)
    assert [row.month for row in rows] == [month.month for month in months]
    assert all(row.volume_q is None and row.negative_share_q is None for row in rows[:3])
    assert {(row.month, row.negative_share_change) for row in rows if row.negative_share_change} == {
        ("2024-20", ChangeFlag.UP)
    }
    assert {row.month for row in rows if row.volume_change} >= {"2024-12"}
    assert rows[12].volume_change is ChangeFlag.UP
    jump = rows[20]
    assert jump.interval_low < jump.negative_share < jump.interval_high


def test_trend_empty_months_have_no_share_and_no_test_of_their_share() -> None:
    rows = trend_rows([Month(f"2025-0{n}", 0, 0, 0) for n in range(1, 6)])
    assert all(row.negative_share is None and row.interval_low is None for row in rows)
    assert all(row.negative_share_q is None for row in rows)


def test_emerging_terms_leave_out_every_redaction_placeholder() -> None:
    from services.common.redaction import PLACEHOLDERS
    from services.index.soft_intelligence import EXCLUDED_TERMS, PLACEHOLDER_TERMS

    assert {kind.lower() for kind in PLACEHOLDERS} <= set(PLACEHOLDER_TERMS)
    excluded = set(EXCLUDED_TERMS.split("|"))
    assert set(PLACEHOLDER_TERMS) <= excluded and {"the", "and", "very"} <= excluded
