"""What the area and provider pages show of a profile: its period, charts and the searches behind numbers.

Both pages show the same two sections, kept apart: soft intelligence (what people tell us, with its
comparisons, trend, emerging terms and per-capacity figures) and inspection results (CQC's ratings).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from markupsafe import Markup

from services.index.models import (
    AreaProfile,
    Comparison,
    ComparisonFlag,
    ComparisonSet,
    ProviderProfile,
    SoftIntelligence,
)
from services.web import charts
from services.web.formatting import label, percent, q_value
from services.web.links import page_filters
from services.web.search_state import parse_day

HEAT_LEVELS = 4
FLAG_TEXT = {
    ComparisonFlag.HIGHER: "Higher",
    ComparisonFlag.LOWER: "Lower",
    ComparisonFlag.NO_CLEAR_DIFFERENCE: "No clear difference",
    ComparisonFlag.TOO_FEW_ITEMS: "Too few items to compare",
}


@dataclass
class PeriodChoice:
    """The period a reviewer asked for in the query string: inclusive days, as on the search page."""

    date_from: str = ""
    date_to: str = ""
    errors: dict[str, str] = field(default_factory=dict)

    def bounds(self) -> tuple[datetime | None, datetime | None]:
        """[start of the first day, start of the day after the last) for the API; None where not given."""
        start = self._day("date_from")
        end = self._day("date_to")
        return start, end + timedelta(days=1) if end else None

    def _day(self, name: str) -> datetime | None:
        text = getattr(self, name).strip()
        if not text:
            return None
        try:
            day = parse_day(text)
        except ValueError:
            self.errors[name] = "Enter a real date, for example 1/7/2025"
            return None
        return datetime(day.year, day.month, day.day, tzinfo=UTC)


def _comparison_chart(comparison: ComparisonSet) -> Markup | None:
    tested = [row for row in comparison.rows if row.flag is not ComparisonFlag.TOO_FEW_ITEMS]
    if not tested:
        return None
    rows = [
        (
            _row_title(comparison, row),
            row.area.share,
            row.area.interval_low,
            row.area.interval_high,
            row.comparator.share,
            FLAG_TEXT[row.flag],
        )
        for row in tested
    ]
    return charts.share_intervals(
        rows, f"Negative share here against the rest of {comparison.comparator_name}"
    )


def _row_title(comparison: ComparisonSet, row: Comparison) -> str:
    return row.title if comparison.by == "quality_statement" else label(row.key)


def finding(comparison: ComparisonSet, row: Comparison) -> str:
    """A flagged row in words a reviewer can quote: the counts, the interval, the comparator, q."""
    here, other = row.area, row.comparator
    direction = "higher" if row.flag is ComparisonFlag.HIGHER else "lower"
    return (
        f"{_row_title(comparison, row)}: {here.negative:,} of {here.total:,} items here are negative "
        f"({percent(here.share)}, 95% interval {percent(here.interval_low)} to "
        f"{percent(here.interval_high)}), "
        f"against {percent(other.share)} of {other.total:,} in the rest of {comparison.comparator_name}. "
        f"The share here is {direction}, beyond chance across the {_tested(comparison)} rows compared "
        f"(q {_q_text(row.q_value)})."
    )


def _q_text(value: float | None) -> str:
    text = q_value(value)
    return text if text.startswith("<") else f"= {text}"


def _tested(comparison: ComparisonSet) -> int:
    return sum(row.flag is not ComparisonFlag.TOO_FEW_ITEMS for row in comparison.rows)


def comparison_views(soft: SoftIntelligence) -> list[dict[str, Any]]:
    """Each comparison set with its chart (tested rows), its findings in words and how many rows had too
    few items to be compared."""
    return [
        {
            "set": comparison,
            "id": f"compare-{comparison.comparator}-{comparison.by.replace('_', '-')}",
            "chart": _comparison_chart(comparison),
            "rows": [(row, _row_title(comparison, row)) for row in comparison.rows],
            "findings": [
                finding(comparison, row)
                for row in comparison.rows
                if row.flag in (ComparisonFlag.HIGHER, ComparisonFlag.LOWER)
            ],
            "tested": _tested(comparison),
            "too_few": len(comparison.rows) - _tested(comparison),
        }
        for comparison in soft.comparisons
    ]


def soft_intelligence_view(soft: SoftIntelligence) -> dict[str, Any]:
    """The soft-intelligence section's charts and the search filters behind its numbers."""
    months = soft.trend.months
    shares = [
        (m.month, m.negative_share, m.interval_low, m.interval_high, m.negative_share_change is not None)
        for m in months
        if m.negative_share is not None
    ]
    by_statement = soft.by_quality_statement
    return {
        "soft": soft,
        "soft_scope": page_filters(soft.search),
        "heat_max": max((max(row.sentiment.values(), default=0) for row in by_statement), default=0),
        "heat_levels": HEAT_LEVELS,
        "flag_text": FLAG_TEXT,
        "comparisons": comparison_views(soft),
        "trend_chart": charts.monthly_lines(
            [m.model_dump() for m in months], ["total", "negative", "high_severity"], "Items per month"
        )
        if soft.total
        else None,
        "share_chart": charts.monthly_share(shares, "Negative share per month with its 95% interval")
        if shares
        else None,
        "key_question_chart": charts.bars(
            [(label(b.value), b.count) for b in soft.by_key_question], "Items by key question"
        )
        if soft.by_key_question
        else None,
        "term_scopes": {term.term: page_filters(term.search) for term in soft.emerging_terms.terms},
    }


def profile_sections(
    profile: AreaProfile | ProviderProfile, subject: str, period_choice: PeriodChoice
) -> dict[str, Any]:
    """What the area and provider pages both show of a profile: the period, both sections, their searches."""
    return {
        "profile": profile,
        "subject": subject,
        "period_choice": period_choice,
        **soft_intelligence_view(profile.soft_intelligence),
        "per_capacity": profile.per_capacity,
        "inspection": profile.inspection_results,
        "inspection_scope": page_filters(profile.inspection_results.search),
    }
