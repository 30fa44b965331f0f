"""Charts are rendered to SVG on the server, hidden from screen readers (a table carries the numbers)."""

from __future__ import annotations

from services.web import charts


def test_charts_render_svg_on_the_server_with_uk_month_labels() -> None:
    rows = [{"month": "2025-06", "total": 3, "negative": 1}, {"month": "2025-07", "total": 5, "negative": 4}]
    svg = str(charts.monthly_lines(rows, ["total", "negative"], "Items per month"))
    assert svg.startswith('<svg aria-hidden="true" focusable="false" ')
    assert "Jun 2025" in svg and "Jul 2025" in svg
    assert "Negative" in svg and "All items" in svg  # the legend of a chart with two series
    assert charts.monthly_lines(rows, ["total", "negative"], "Items per month") == svg  # cached by spec
    bars = str(charts.bars([("Safe", 7), ("Caring", 2)], "Items by key question"))
    assert "Safe" in bars and "Caring" in bars
