"""Charts as Vega-Lite specs built with Altair and rendered to SVG on the server by vl-convert.

No JavaScript, no CDN, no network: the SVG is part of the HTML, so a chart shows without JavaScript and
prints. Every chart sits next to a table of the same numbers (the accessible alternative). Building the
spec and rendering it cost tens of milliseconds, so charts are cached by their numbers: the same numbers
are drawn once.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import altair as alt
import vl_convert
from markupsafe import Markup

# GOV.UK palette: colours that keep their meaning next to the tags and tiles of the pages.
COLOURS = {"total": "#1d70b8", "negative": "#d4351c", "high_severity": "#6e2c00"}
SERIES_TITLES = {"total": "All items", "negative": "Negative", "high_severity": "High severity"}
POINTS_UP_TO = 24  # months: beyond that the points hide the line
FONT = "Helvetica Neue, Helvetica, Arial, sans-serif"


CACHED_CHARTS = 1024


def render(chart: alt.TopLevelMixin) -> Markup:
    """The chart as inline SVG, hidden from assistive technology (the table beside it carries the data)."""
    svg = vl_convert.vegalite_to_svg(chart.to_dict(validate=False))
    return Markup(svg.replace("<svg ", '<svg aria-hidden="true" focusable="false" ', 1))


def _config(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    return (
        chart.configure(font=FONT)
        .configure_axis(labelFontSize=14, titleFontSize=14)
        .configure_legend(labelFontSize=14, titleFontSize=14, orient="bottom")
    )


def monthly_lines(rows: Sequence[dict[str, Any]], series: Sequence[str], description: str) -> Markup:
    """Items per month ('YYYY-MM' in `month`), one line per series (e.g. total, negative, high severity)."""
    points = tuple((row["month"], *(row[name] for name in series)) for row in rows)
    return _monthly_lines(points, tuple(series), description)


@lru_cache(maxsize=CACHED_CHARTS)
def _monthly_lines(points: tuple[tuple[Any, ...], ...], series: tuple[str, ...], description: str) -> Markup:
    values = [
        {"month": f"{point[0]}-01", "title": SERIES_TITLES[name], "count": count}
        for point in points
        for name, count in zip(series, point[1:], strict=True)
    ]
    colour = alt.Color(
        "title:N",
        title=None,
        scale=alt.Scale(
            domain=[SERIES_TITLES[name] for name in series], range=[COLOURS[name] for name in series]
        ),
        legend=alt.Legend() if len(series) > 1 else None,
    )
    chart = (
        alt.Chart(alt.Data(values=values), description=description)
        .mark_line(point=len(points) <= POINTS_UP_TO, strokeWidth=3)
        .encode(
            x=alt.X(
                "month:T",
                timeUnit="yearmonth",
                title=None,
                axis=alt.Axis(format="%b %Y", labelOverlap=True, grid=False),
            ),
            y=alt.Y("count:Q", title="Items", axis=alt.Axis(tickMinStep=1, format="d")),
            color=colour,
        )
        .properties(width=560, height=220)
    )
    return render(_config(chart))


def bars(rows: Sequence[tuple[str, int]], description: str, colour: str = COLOURS["total"]) -> Markup:
    """Horizontal bars, one per label, in the given order."""
    return _bars(tuple(rows), description, colour)


@lru_cache(maxsize=CACHED_CHARTS)
def _bars(rows: tuple[tuple[str, int], ...], description: str, colour: str) -> Markup:
    values = [{"label": name, "count": count, "order": index} for index, (name, count) in enumerate(rows)]
    chart = (
        alt.Chart(alt.Data(values=values), description=description)
        .mark_bar(color=colour)
        .encode(
            y=alt.Y("label:N", title=None, sort=alt.SortField("order"), axis=alt.Axis(labelLimit=260)),
            x=alt.X("count:Q", title="Items", axis=alt.Axis(tickMinStep=1, format="d")),
        )
        .properties(width=360, height=alt.Step(26))
    )
    return render(_config(chart))


def warm_up() -> None:
    """vl-convert starts its JavaScript engine on first use (seconds): do that before the first request."""
    bars([("warm-up", 1)], "warm-up")


FLAG_COLOURS = {"Higher": "#d4351c", "Lower": "#00703c", "No clear difference": "#505a5f"}


def share_intervals(
    rows: Sequence[tuple[str, float, float, float, float | None, str]], description: str
) -> Markup:
    """One line per row: the share here (dot) inside its 95% interval (bar), coloured by the row's flag,
    and the comparator's share (black tick). Rows: (label, share, low, high, comparator share, flag)."""
    return _share_intervals(tuple(rows), description)


@lru_cache(maxsize=CACHED_CHARTS)
def _share_intervals(
    rows: tuple[tuple[str, float, float, float, float | None, str], ...], description: str
) -> Markup:
    values = [
        {
            "label": name,
            "share": share,
            "low": low,
            "high": high,
            "comparator": other,
            "flag": flag,
            "order": i,
        }
        for i, (name, share, low, high, other, flag) in enumerate(rows)
    ]
    base = alt.Chart(alt.Data(values=values), description=description).encode(
        y=alt.Y("label:N", title=None, sort=alt.SortField("order"), axis=alt.Axis(labelLimit=300))
    )
    colour = alt.Color(
        "flag:N",
        title=None,
        scale=alt.Scale(domain=list(FLAG_COLOURS), range=list(FLAG_COLOURS.values())),
        legend=alt.Legend(),
    )
    share_axis = alt.X(
        "low:Q",
        title="Negative share (95% interval)",
        scale=alt.Scale(domain=[0, 1]),
        axis=alt.Axis(format="%"),
    )
    interval = base.mark_rule(strokeWidth=3).encode(x=share_axis, x2="high:Q", color=colour)
    here = base.mark_circle(size=90, opacity=1).encode(x="share:Q", color=colour)
    comparator = base.mark_tick(color="#0b0c0c", thickness=2, size=16).encode(x="comparator:Q")
    chart = alt.layer(interval, here, comparator).properties(width=360, height=alt.Step(26))
    return render(_config(chart))


def monthly_share(rows: Sequence[tuple[str, float, float, float, bool]], description: str) -> Markup:
    """The negative share per month ('YYYY-MM') as a line inside its 95% interval (band); months whose share
    changed beyond noise are marked. Rows: (month, share, low, high, changed)."""
    return _monthly_share(tuple(rows), description)


@lru_cache(maxsize=CACHED_CHARTS)
def _monthly_share(rows: tuple[tuple[str, float, float, float, bool], ...], description: str) -> Markup:
    values = [
        {"month": f"{month}-01", "share": share, "low": low, "high": high, "changed": changed}
        for month, share, low, high, changed in rows
    ]
    month_axis = alt.X(
        "month:T",
        timeUnit="yearmonth",
        title=None,
        axis=alt.Axis(format="%b %Y", labelOverlap=True, grid=False),
    )
    base = alt.Chart(alt.Data(values=values), description=description).encode(x=month_axis)
    band = base.mark_area(color=COLOURS["negative"], opacity=0.15).encode(
        y=alt.Y("low:Q", title="Negative share", scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format="%")),
        y2="high:Q",
    )
    line = base.mark_line(color=COLOURS["negative"], strokeWidth=3).encode(y="share:Q")
    changed = (
        base.transform_filter(alt.datum.changed)
        .mark_point(shape="diamond", size=160, filled=True, color="#0b0c0c")
        .encode(y="share:Q")
    )
    chart = alt.layer(band, line, changed).properties(width=560, height=220)
    return render(_config(chart))
