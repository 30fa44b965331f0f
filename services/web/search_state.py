"""The search page's state, read from and written to the query string (the URL is the state).

Its parameters are the API's filter names, so a page URL and its `/v1/search` call carry the same
filters; only the dates differ in spelling: `date_from` and `date_to` are days typed in UK order (1/7/2025)
or ISO (2025-07-01), both inclusive, as a reviewer reads them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from pydantic import ValidationError
from starlette.datastructures import QueryParams

from services.common.errors import InvalidRequestError
from services.index.models import SearchFilters, SortOrder
from services.index.search import MAX_QUERY_CHARS, MAX_QUERY_TERMS, checked_query
from services.web.links import query_string

TERM_FILTERS = tuple(name for name in SearchFilters.model_fields if name not in ("date_from", "date_to"))
DATE_FIELDS = ("date_from", "date_to")
LIST_FILTERS = ("source_type",)
PAGE_SIZE = 20


def parse_day(text: str) -> date:
    """'1/7/2025', '01/07/2025' or '2025-07-01'."""
    text = text.strip()
    try:
        return datetime.strptime(text, "%d/%m/%Y").date()
    except ValueError:
        return date.fromisoformat(text[:10])


@dataclass
class SearchState:
    """What the reviewer asked for: words, filters, sort, and which page."""

    q: str = ""
    values: dict[str, str | list[str]] = field(default_factory=dict)
    sort: SortOrder = SortOrder.RELEVANCE
    collapse: bool = True  # near-duplicates shown once (`collapse=false`: every copy), as the API's default
    cursor: str | None = None
    page: int = 1
    errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_query(cls, params: QueryParams) -> SearchState:
        values: dict[str, str | list[str]] = {
            name: params[name].strip() for name in (*TERM_FILTERS, *DATE_FIELDS) if params.get(name)
        }
        for name in LIST_FILTERS:  # repeated: any of the values matches (e.g. an alert's source types)
            given = [value.strip() for value in params.getlist(name) if value.strip()]
            if len(given) > 1:
                values[name] = given
        sort = SortOrder.DATE if params.get("sort") == SortOrder.DATE.value else SortOrder.RELEVANCE
        page = int(params["page"]) if params.get("page", "").isdigit() and int(params["page"]) > 0 else 1
        return cls(
            q=params.get("q", "").strip(),
            values=values,
            sort=sort,
            collapse=params.get("collapse") != "false",
            cursor=params.get("cursor") or None,
            page=page if params.get("cursor") else 1,
        )

    def query(self) -> str | None:
        """The words to search for; words past the API's limits are recorded in `errors` and left out."""
        if not self.q:
            return None
        try:
            return checked_query(self.q)
        except InvalidRequestError:
            self.errors["q"] = f"Enter at most {MAX_QUERY_CHARS} characters and {MAX_QUERY_TERMS} words"
            return None

    def filters(self) -> SearchFilters:
        """The API's filters; a value it rejects is recorded in `errors` and left out."""
        given: dict[str, object] = {
            name: value for name, value in self.values.items() if name in TERM_FILTERS
        }
        for name in DATE_FIELDS:
            if name in self.values:
                try:
                    day = parse_day(self.values[name])
                except ValueError:
                    self.errors[name] = "Enter a real date, for example 1/7/2025"
                    continue
                start = datetime(day.year, day.month, day.day, tzinfo=UTC)
                given[name] = start + timedelta(days=1) if name == "date_to" else start
        try:
            return SearchFilters(**given)
        except ValidationError as error:
            for problem in error.errors():
                name = str(problem["loc"][0])
                self.errors[name] = f"{name.replace('_', ' ').capitalize()}: choose one of the listed values"
                given.pop(name, None)
            return SearchFilters(**given)

    def params(self, **changes: object) -> dict[str, object]:
        """The state as query parameters (without the page position), with some changed or removed."""
        params: dict[str, object] = {"q": self.q, **self.values}
        if self.sort is SortOrder.DATE:
            params["sort"] = self.sort.value
        if not self.collapse:
            params["collapse"] = "false"
        params.update(changes)
        return params

    def url(self, path: str = "/search", **changes: object) -> str:
        query = query_string(self.params(**changes))
        return f"{path}?{query}" if query else path

    def without(self, name: str) -> str:
        return self.url(**{name: None})

    @property
    def has_criteria(self) -> bool:
        return bool(self.q or self.values)
