"""Search pages: the result list with filters, its CSV export, and one evidence item."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Request, Response

from services.index import evidence, export, search
from services.index.models import SearchFilters, SortOrder
from services.web import charts
from services.web.deps import Es, IndexNames
from services.web.errors import PageRoute
from services.web.facets import AREA_SELECTS, RADIOS, facets
from services.web.formatting import label, uk_date
from services.web.names import area_name
from services.web.search_state import PAGE_SIZE, SearchState, parse_day
from services.web.templating import render

router = APIRouter(route_class=PageRoute, include_in_schema=False)
RELATED = 5
HEADINGS = {
    **AREA_SELECTS,
    **{name: legend for name, (legend, _) in RADIOS.items()},
    "date_from": "From",
    "date_to": "To",
    "location_id": "CQC location",
    "provider_id": "CQC provider",
    "quality_statement": "Quality statement",
    "theme": "Theme",
    "cross_cutting_theme": "Cross-cutting theme",
    "rating": "Inspection rating",
}


def applied_tags(state: SearchState) -> list[tuple[str, str, str]]:
    """(heading, text, URL without it) for every filter the reviewer applied."""
    tags = [("Words", f"“{state.q}”", state.without("q"))] if state.q else []
    for name, value in state.values.items():
        if isinstance(value, list):
            text = " or ".join(label(item) for item in value)
        elif name in ("local_authority", "icb", "region"):
            text = area_name(value)
        elif name in ("date_from", "date_to"):
            text = value if name in state.errors else uk_date(parse_day(value))
        else:
            text = label(value)
        heading = HEADINGS.get(name, label(name))
        tags.append((heading, text, state.without(name)))
    return tags


@router.get("/search")
def search_page(request: Request, es: Es, names: IndexNames) -> Response:
    state = SearchState.from_query(request.query_params)
    filters = state.filters()
    page = search.search_evidence(
        es, names, state.query(), filters, sort=state.sort, size=PAGE_SIZE, cursor=state.cursor
    )
    months = [{"month": b.value, "total": b.count} for b in page.monthly]
    chart = charts.monthly_lines(months, ["total"], "Items per month in these results") if months else None
    next_url = state.url(cursor=page.next_cursor, page=state.page + 1) if page.next_cursor else None
    return render(
        request,
        "search/results.html",
        {
            "section": "search",
            "state": state,
            "page": page,
            "facets": facets(page.facets, state.values),
            "tags": applied_tags(state),
            "chart": chart,
            "months": months,
            "next_url": next_url,
            "first": (state.page - 1) * PAGE_SIZE + 1,
            "export_url": state.url("/search/export.csv"),
            "sorts": [(SortOrder.RELEVANCE, "Best match"), (SortOrder.DATE, "Newest first")],
            "error_prefix": bool(state.errors),
        },
    )


@router.get("/search/export.csv")
def export_csv(request: Request, es: Es, names: IndexNames) -> Response:
    """Every row of the result set, as the API's /v1/search/export returns it."""
    state = SearchState.from_query(request.query_params)
    filters = state.filters()
    return export.csv_response(search.all_hits(es, names, state.q or None, filters))


@router.get("/evidence/{evidence_id}")
def evidence_page(request: Request, es: Es, names: IndexNames, evidence_id: UUID) -> Response:
    item = evidence.get_evidence(es, names, evidence_id)
    related = []
    if item.provider.location_id:
        same_location = SearchFilters(location_id=item.provider.location_id)
        related.append(("At the same location", same_location, "location_id", item.provider.location_id))
    for statement in item.quality_statements[:2]:
        related.append(
            (
                f"About {label(statement.id)}",
                SearchFilters(quality_statement=statement.id),
                "quality_statement",
                statement.id,
            )
        )
    groups = []
    for heading, filters, name, value in related:
        found = search.search_evidence(es, names, None, filters, sort=SortOrder.DATE, size=RELATED + 1)
        hits = [hit for hit in found.hits if hit.evidence_id != str(item.evidence_id)][:RELATED]
        groups.append({"heading": heading, "hits": hits, "total": found.total, "params": {name: value}})
    return render(request, "search/evidence.html", {"section": "search", "item": item, "related": groups})
