"""Links between pages: every count links to the search that returns the evidence behind it."""

from __future__ import annotations

import calendar
from datetime import datetime, timedelta
from urllib.parse import urlencode


def _text(value: object) -> str:
    return str(getattr(value, "value", value))


def query_string(params: dict[str, object]) -> str:
    """Only the given, non-empty parameters, in a stable order (so equal views have equal URLs); a list
    is the parameter repeated (`source_type=a&source_type=b`)."""
    given = {
        name: [_text(item) for item in value] if isinstance(value, list | tuple) else _text(value)
        for name, value in params.items()
        if value
    }
    return urlencode(sorted(given.items()), doseq=True)


def search_url(*scopes: dict[str, object], **params: object) -> str:
    """`/search?...` with the filters of the given dicts and keywords (later ones win)."""
    merged: dict[str, object] = {}
    for scope in scopes:
        merged.update(scope)
    query = query_string({**merged, **params})
    return f"/search?{query}" if query else "/search"


def month_range(month: str, within: dict[str, str] | None = None) -> dict[str, str]:
    """The search dates (inclusive) covering a 'YYYY-MM' month, cut to the inclusive `date_from` and
    `date_to` of `within` (a period that starts or ends inside the month counts only part of it)."""
    year, number = (int(part) for part in month.split("-"))
    last = calendar.monthrange(year, number)[1]
    window = {"date_from": f"{month}-01", "date_to": f"{month}-{last:02d}"}
    if within:
        window["date_from"] = max(window["date_from"], within.get("date_from", ""))
        window["date_to"] = min(window["date_to"], within.get("date_to", window["date_to"]))
    return window


def page_filters(api_search: dict[str, str]) -> dict[str, str]:
    """A profile's search parameters (the API's: a period as ISO datetimes, `date_to` exclusive) as the
    search page takes them: the period's first and last days, both inclusive."""
    filters = dict(api_search)
    if "date_from" in filters:
        filters["date_from"] = datetime.fromisoformat(filters["date_from"]).date().isoformat()
    if "date_to" in filters:
        last = datetime.fromisoformat(filters["date_to"]) - timedelta(microseconds=1)
        filters["date_to"] = last.date().isoformat()
    return filters
