"""Provider and location pages: ratings now and over time, evidence trend, quality statements, alerts."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from schemas import EvidenceKind, Rating
from services.alerts import lifecycle
from services.alerts.models import AlertFilters
from services.index import profiles, search
from services.index.models import SearchFilters, SearchHit, SortOrder
from services.web.deps import Es, IndexNames, Settings
from services.web.errors import PageRoute
from services.web.parallel import gather
from services.web.profile_view import PeriodChoice, profile_sections
from services.web.templating import render

router = APIRouter(route_class=PageRoute, include_in_schema=False)
RATING_HISTORY = 100
CQC_PAGES = {"location": "https://www.cqc.org.uk/location/", "provider": "https://www.cqc.org.uk/provider/"}


def is_downgrade(hit: SearchHit) -> bool:
    """A published rating worse than the one it replaced (Outstanding → Good, Good → Inadequate, ...)."""
    finding = hit.inspection
    if finding is None or finding.previous_rating is None:
        return False
    now, before = Rating(finding.rating).rank, Rating(finding.previous_rating).rank
    return now is not None and before is not None and now > before


def rating_history(es: Es, names: IndexNames, scope: dict[str, str]) -> list[SearchHit]:
    """Inspection results of a location (`location_id`) or of a provider's locations, newest first."""
    filters = SearchFilters(**scope, evidence_kind=EvidenceKind.INSPECTION_RESULT)
    return search.search_evidence(es, names, None, filters, sort=SortOrder.DATE, size=RATING_HISTORY).hits


@router.get("/providers/{identifier}")
def provider_page(
    request: Request,
    es: Es,
    names: IndexNames,
    settings: Settings,
    identifier: str,
    date_from: str = "",
    date_to: str = "",
) -> Response:
    period_choice = PeriodChoice(date_from, date_to)
    start, end = period_choice.bounds()
    # The identifier is a location or a provider id: both rating histories are asked for at once.
    profile, as_location, as_provider, provider_alerts = gather(
        lambda: profiles.provider_profile(
            es, names, identifier, date_from=start, date_to=end, top=settings.query_top_providers
        ),
        lambda: rating_history(es, names, {"location_id": identifier}),
        lambda: rating_history(es, names, {"provider_id": identifier}),
        lambda: lifecycle.list_alerts(es, names, AlertFilters(code=identifier)),
    )
    history = as_location if profile.kind == "location" else as_provider
    ratings = [hit for hit in history if hit.inspection is not None]
    soft = profile.soft_intelligence
    name = next((location.name for location in profile.locations), None) or next(
        (p.name for p in soft.top_providers_negative if p.name), None
    )
    name = name or f"{profile.kind.capitalize()} {profile.id}"
    return render(
        request,
        "providers/profile.html",
        {
            "section": "search",
            "name": name,
            **profile_sections(profile, f"about {name}", period_choice),
            "location_ratings": "providers/location_ratings.html",
            "ratings": ratings,
            "downgrades": {hit.evidence_id for hit in ratings if is_downgrade(hit)},
            "alerts": provider_alerts,
            "cqc_url": CQC_PAGES[profile.kind] + profile.id,
        },
    )
