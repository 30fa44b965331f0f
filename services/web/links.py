"""Links between pages: every count links to the search that returns the evidence behind it."""

from __future__ import annotations

import calendar
from urllib.parse import urlencode


def query_string(params: dict[str, object]) -> str:
    """Only the given, non-empty parameters, in a stable order (so equal views have equal URLs)."""
    given = {name: str(getattr(value, "value", value)) for name, value in params.items() if value}
    return urlencode(sorted(given.items()))


def search_url(*scopes: dict[str, object], **params: object) -> str:
    """`/search?...` with the filters of the given dicts and keywords (later ones win)."""
    merged: dict[str, object] = {}
    for scope in scopes:
        merged.update(scope)
    query = query_string({**merged, **params})
    return f"/search?{query}" if query else "/search"


def month_range(month: str) -> dict[str, str]:
    """The search dates (inclusive) covering a 'YYYY-MM' month."""
    year, number = (int(part) for part in month.split("-"))
    last = calendar.monthrange(year, number)[1]
    return {"date_from": f"{month}-01", "date_to": f"{month}-{last:02d}"}
