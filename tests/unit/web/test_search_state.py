"""The search page's URL is its state: parsing, inclusive UK dates, links that add or remove filters."""

from __future__ import annotations

from datetime import UTC, datetime

from starlette.datastructures import QueryParams

from services.index.models import FacetBucket, SortOrder
from services.web.facets import facets
from services.web.search_state import SearchState


def test_search_state_reads_filters_and_uk_dates_with_an_inclusive_end() -> None:
    state = SearchState.from_query(
        QueryParams(
            "q=waiting&sentiment=negative&local_authority=E08000004&date_from=1/7/2025&date_to=2025-07-31"
        )
    )
    filters = state.filters()
    assert state.errors == {}
    assert filters.sentiment.value == "negative"
    assert filters.local_authority == "E08000004"
    assert filters.date_from == datetime(2025, 7, 1, tzinfo=UTC)
    assert filters.date_to == datetime(2025, 8, 1, tzinfo=UTC)  # the API's end is exclusive


def test_search_state_reports_bad_values_and_leaves_them_out() -> None:
    state = SearchState.from_query(QueryParams("sentiment=grumpy&date_from=31/02/2025&severity=high"))
    filters = state.filters()
    assert set(state.errors) == {"sentiment", "date_from"}
    assert filters.sentiment is None and filters.date_from is None
    assert filters.severity.value == "high"


def test_search_state_links_keep_everything_but_what_they_change() -> None:
    state = SearchState.from_query(QueryParams("q=falls&sentiment=negative&sort=date&cursor=abc&page=3"))
    assert state.sort is SortOrder.DATE and state.page == 3
    assert state.without("sentiment") == "/search?q=falls&sort=date"
    assert state.url(sort=None) == "/search?q=falls&sentiment=negative"
    assert state.url("/search/export.csv") == "/search/export.csv?q=falls&sentiment=negative&sort=date"
    assert SearchState.from_query(QueryParams("page=3")).page == 1  # a page number without its cursor


def test_search_state_collapses_unless_every_copy_is_asked_for() -> None:
    assert SearchState.from_query(QueryParams("q=falls")).collapse
    every = SearchState.from_query(QueryParams("q=falls&collapse=false&cursor=abc&page=2"))
    assert not every.collapse
    assert every.url("/search/export.csv") == "/search/export.csv?collapse=false&q=falls"
    assert every.url(collapse=None) == "/search?q=falls"


def test_search_facets_count_each_kind_of_evidence_from_its_source_types() -> None:
    counts = {
        "source_type": [
            FacetBucket(value="inspection_result", count=7),
            FacetBucket(value="healthwatch_feedback", count=5),
            FacetBucket(value="social_media_comment", count=2),
        ]
    }
    by_name = {facet.name: facet for facet in facets(counts, {})}
    kinds = {option.value: option.count for option in by_name["evidence_kind"].options}
    assert kinds == {"soft_intelligence": 7, "inspection_result": 7}
    assert by_name["source_type"].control == "checkboxes"  # several sources may be chosen at once
    assert by_name["sentiment"].control == "radios"


def test_search_state_reads_a_repeated_source_as_any_of_them() -> None:
    query = "source_type=healthwatch_feedback&source_type=call_centre_note"
    state = SearchState.from_query(QueryParams(query))
    assert [s.value for s in state.filters().source_type] == ["healthwatch_feedback", "call_centre_note"]
    assert state.url() == f"/search?{query}"
