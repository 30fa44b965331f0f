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


def test_charts_draw_intervals_with_the_comparator_and_flags() -> None:
    rows = [
        ("Safeguarding", 0.6, 0.5, 0.69, 0.3, "Higher"),
        ("Staffing", 0.31, 0.23, 0.41, 0.3, "No clear difference"),
    ]
    svg = str(charts.share_intervals(rows, "Negative share against England"))
    assert svg.startswith('<svg aria-hidden="true"')
    assert "Safeguarding" in svg and "Staffing" in svg and "Higher" in svg  # rows and the flag legend
    assert "#d4351c" in svg  # a flagged-higher row in GOV.UK red
    share = str(
        charts.monthly_share([("2025-06", 0.2, 0.1, 0.4, False), ("2025-07", 0.5, 0.3, 0.7, True)], "x")
    )
    assert "Jun 2025" in share and "Negative share" in share
