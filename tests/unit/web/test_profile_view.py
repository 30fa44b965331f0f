"""What the profile pages say about comparisons, the period a reviewer types, q values, month links."""

from __future__ import annotations

from datetime import UTC, datetime

from services.index.comparisons import Counts, compare
from services.index.models import ComparisonSet
from services.web.formatting import q_value
from services.web.links import month_range
from services.web.profile_view import PeriodChoice, comparison_views, finding


def comparison_set(rows: dict[str, tuple[int, int]], comparator: dict[str, tuple[int, int]]) -> ComparisonSet:
    keys = {key: key.capitalize() for key in rows}
    here = {key: Counts(*counts) for key, counts in rows.items()}
    everywhere = {key: Counts(*counts) for key, counts in comparator.items()}
    return ComparisonSet(
        by="quality_statement",
        comparator="england",
        comparator_code=None,
        comparator_name="England",
        counts="",
        method="",
        minimum_items=20,
        confidence_level=0.95,
        false_discovery_rate=0.05,
        rows=compare(keys, here, everywhere, population={}),
    )


class Soft:
    def __init__(self, comparison: ComparisonSet) -> None:
        self.comparisons = [comparison]


def test_profile_view_says_in_words_only_what_is_flagged_and_counts_the_small_rows() -> None:
    comparison = comparison_set(
        {"safeguarding": (60, 100), "staffing": (31, 100), "medicines": (5, 5)},
        {"safeguarding": (360, 1100), "staffing": (330, 1100), "medicines": (335, 1105)},
    )
    flags = {row.key: row.flag.value for row in comparison.rows}
    assert flags == {
        "safeguarding": "higher",
        "staffing": "no_clear_difference",
        "medicines": "too_few_items",
    }
    (view,) = comparison_views(Soft(comparison))  # type: ignore[arg-type]
    assert (view["tested"], view["too_few"]) == (2, 1)
    (text,) = view["findings"]
    safeguarding = next(row for row in comparison.rows if row.key == "safeguarding")
    assert text == finding(comparison, safeguarding)
    assert text.startswith("Safeguarding: 60 of 100 items here are negative (60%, 95% interval ")
    assert "against 30% of 1,000 in the rest of England" in text
    assert "higher, beyond chance across the 2 rows compared (q < 0.001)" in text
    assert [title for _, title in view["rows"]][-1] == "Medicines"  # untested rows ranked last


def test_profile_view_period_is_whole_days_with_an_exclusive_end_and_reports_bad_dates() -> None:
    assert PeriodChoice("1/7/2025", "2025-07-31").bounds() == (
        datetime(2025, 7, 1, tzinfo=UTC),
        datetime(2025, 8, 1, tzinfo=UTC),
    )
    assert PeriodChoice().bounds() == (None, None)
    wrong = PeriodChoice("31/02/2025", "")
    assert wrong.bounds() == (None, None) and set(wrong.errors) == {"date_from"}


def test_q_values_read_as_numbers_a_reviewer_can_quote() -> None:
    assert (q_value(0.0123), q_value(0.00001), q_value(None)) == ("0.012", "< 0.001", "–")


def test_a_months_search_is_cut_to_the_profiles_period() -> None:
    period = {"date_from": "2024-12-02", "date_to": "2026-12-01"}
    assert month_range("2024-12", period) == {"date_from": "2024-12-02", "date_to": "2024-12-31"}
    assert month_range("2026-12", period) == {"date_from": "2026-12-01", "date_to": "2026-12-01"}
    assert month_range("2025-02") == {"date_from": "2025-02-01", "date_to": "2025-02-28"}
