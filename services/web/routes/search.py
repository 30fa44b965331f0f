"""Search pages: the result list with filters, its CSV export, and one evidence item."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import RedirectResponse
from pydantic import BaseModel, ValidationError

from schemas import CorrectionChange, SentimentLabel
from schemas.evidence import SEVERITY_REASONS
from services.common.audit import note_results
from services.index import correcting, evidence, export, search
from services.index.corrections import correction_history
from services.index.corrections_api import Publisher as CorrectionPublisher
from services.index.models import SearchFilters, SortOrder
from services.web import charts
from services.web.csrf import CsrfChecked, render_form_page
from services.web.deps import Es, IndexNames
from services.web.errors import PageRoute
from services.web.facets import AREA_SELECTS, RADIOS, facets
from services.web.formatting import label, statement_titles, uk_date
from services.web.identity import CurrentReviewer, Reviewer, remember_reviewer
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
    "cluster": "Copies of one concern",
}


class CorrectionForm(BaseModel):
    """The evidence page's correction form (empty fields change nothing)."""

    by: str = ""
    remove: list[str] = []
    add: str = ""
    sentiment: str = ""
    severity: str = ""
    severity_reason: list[str] = []
    note: str = ""

    def change(self) -> CorrectionChange:
        """The change asked for; ValidationError when it changes nothing or names something unknown."""
        high = self.severity == "high"
        return CorrectionChange.model_validate(
            {
                "add_quality_statements": [self.add] if self.add else [],
                "remove_quality_statements": self.remove,
                "sentiment": self.sentiment or None,
                "severity": self.severity or None,
                "severity_reasons": self.severity_reason if high else [],
            }
        )


def applied_tags(state: SearchState) -> list[tuple[str, str, str]]:
    """(heading, text, URL without it) for every filter the reviewer applied."""
    tags = [("Words", f"“{state.q}”", state.without("q"))] if state.q else []
    for name, value in state.values.items():
        if isinstance(value, list):
            text = " or ".join(label(item) for item in value)
        elif name in ("local_authority", "icb", "region"):
            text = area_name(value)
        elif name == "cluster":
            text = f"Item {value[:8]} and its near-duplicates"
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
        es,
        names,
        state.query(),
        filters,
        sort=state.sort,
        size=PAGE_SIZE,
        cursor=state.cursor,
        collapse=state.collapse,
    )
    note_results(request, [hit.evidence_id for hit in page.hits], page.total)
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
            "window": search.COLLAPSED_WINDOW,
            "sorts": [(SortOrder.RELEVANCE, "Best match"), (SortOrder.DATE, "Newest first")],
            "error_prefix": bool(state.errors),
        },
    )


@router.get("/search/export.csv")
def export_csv(request: Request, es: Es, names: IndexNames) -> Response:
    """Every row of the result set, as the API's /v1/search/export returns it (collapsed as the page is)."""
    state = SearchState.from_query(request.query_params)
    return export.search_csv(es, names, state.q or None, state.filters(), collapse=state.collapse)


@router.get("/evidence/{evidence_id}")
def evidence_page(
    request: Request, es: Es, names: IndexNames, reviewer: CurrentReviewer, evidence_id: UUID
) -> Response:
    return evidence_response(request, es, names, reviewer, evidence_id)


def evidence_response(
    request: Request,
    es: Es,
    names: IndexNames,
    reviewer: Reviewer,
    evidence_id: UUID,
    errors: dict[str, str] | None = None,
) -> Response:
    """The item with the model's labels beside any correction, its corrections, the correction form."""
    found = evidence.find_evidence(es, names, evidence_id)
    item = found.shown
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
        result = search.search_evidence(es, names, None, filters, sort=SortOrder.DATE, size=RELATED + 1)
        hits = [hit for hit in result.hits if hit.evidence_id != str(item.evidence_id)][:RELATED]
        groups.append({"heading": heading, "hits": hits, "total": result.total, "params": {name: value}})
    shown_ids = {score.id for score in item.quality_statements}
    history = correction_history(es, names, evidence_id)
    return render_form_page(
        request,
        "search/evidence.html",
        {
            "section": "search",
            "item": item,
            "model": found.as_classified,
            "correction": history[-1] if found.correction and history else None,
            "history": history,
            "related": groups,
            "addable": [sid for sid in statement_titles() if sid not in shown_ids],
            "severity_reasons": SEVERITY_REASONS,
            "sentiments": list(SentimentLabel),
        },
        reviewer,
        errors,
    )


@router.post("/evidence/{evidence_id}/corrections")
def correct_item(
    _: CsrfChecked,  # first: a forged request is refused before anything else is touched
    request: Request,
    es: Es,
    names: IndexNames,
    publish: CorrectionPublisher,
    reviewer: CurrentReviewer,
    evidence_id: UUID,
    form: Annotated[CorrectionForm, Form()],
) -> Response:
    """Correct the item's labels, then back to it (post/redirect/get): a reload does not repeat it."""
    errors: dict[str, str] = {}
    if not form.by.strip():
        errors["correct-by"] = "Enter your name"
    try:
        change = form.change()
    except ValidationError:
        change = None
        errors["correct-change"] = (
            "Choose at least one change: a statement to add or remove, a sentiment or a severity"
        )
    if errors or change is None:
        return evidence_response(request, es, names, reviewer, evidence_id, errors)
    correcting.correct(
        es, names, publish, evidence_id, change, by=form.by.strip(), via="web", note=form.note.strip() or None
    )
    response = RedirectResponse(f"/evidence/{evidence_id}?done=corrected", status_code=303)
    remember_reviewer(response, form.by.strip())
    return response
