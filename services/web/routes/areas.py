"""Area pages: find an area by name, and its profile (a council, an ICB or a region)."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse, RedirectResponse

from schemas import AlertStatus
from schemas.reference import local_authorities
from services.alerts import lifecycle
from services.alerts.models import AlertFilters
from services.common.areas import all_areas, find_areas
from services.index import overview, profiles
from services.index.areas import resolve_area
from services.index.models import AreaInfo, CountBySentiment
from services.web import charts
from services.web.deps import Es, IndexNames, Settings
from services.web.errors import PageRoute
from services.web.formatting import label
from services.web.parallel import gather
from services.web.templating import render

router = APIRouter(route_class=PageRoute, include_in_schema=False)
HEAT_LEVELS = 4


def peer_codes(area: AreaInfo) -> set[str]:
    """The councils an area is compared with: its region's (a council's or a region's) or its ICB's."""
    councils = local_authorities().values()
    if area.level == "icb":
        return {council.code for council in councils if council.icb_code == area.code}
    if area.level == "region":
        return {council.code for council in councils if council.region_code == area.code}
    region = local_authorities()[area.code].region_code
    return {council.code for council in councils if council.region_code == region}


def heat(rows: list[CountBySentiment]) -> int:
    """The largest cell of the statement × sentiment table (for its shading)."""
    return max((max(row.positive, row.neutral, row.negative) for row in rows), default=0)


@router.get("/areas/names.json")
def area_names() -> JSONResponse:
    """Council, ICB and region names for the autocomplete (names, not codes)."""
    kinds = {"local_authority": "council", "icb": "ICB", "region": "region"}
    return JSONResponse(
        [{"label": f"{a.name} ({kinds[a.level]})", "url": f"/areas/{a.code}"} for a in all_areas()],
        headers={"Cache-Control": "max-age=3600"},
    )


@router.get("/areas")
def find_area_page(request: Request, q: str = "") -> Response:
    """Without JavaScript the finder submits here: one match goes straight to the area."""
    text = q.split(" (")[0].strip()  # the autocomplete's label carries the level in brackets
    matches = find_areas(text) if text else []
    if len(matches) == 1:
        return RedirectResponse(f"/areas/{matches[0].code}", status_code=303)
    return render(
        request,
        "areas/find.html",
        {"section": "areas", "q": q, "matches": matches, "areas": all_areas() if not text else ()},
    )


@router.get("/areas/{code}")
def area_page(request: Request, es: Es, names: IndexNames, settings: Settings, code: str) -> Response:
    area = resolve_area(code)
    if area.code != code:  # a name or a district code: the page's address is the area's code
        return RedirectResponse(f"/areas/{area.code}", status_code=303)
    profile, open_alerts, england = gather(
        lambda: profiles.area_profile(
            es, names, code, top=settings.query_top_providers, terms=settings.query_emerging_terms
        ),
        lambda: lifecycle.list_alerts(es, names, AlertFilters(code=area.code, status=AlertStatus.OPEN)),
        lambda: overview.england_overview(es, names),
    )
    lens = profile.evidence
    peers = peer_codes(profile.area)
    months = [m.model_dump() for m in lens.monthly]
    key_questions = [(label(b.value), b.count) for b in lens.by_key_question]
    return render(
        request,
        "areas/profile.html",
        {
            "section": "areas",
            "profile": profile,
            "lens": lens,
            "scope": {profile.area.level: profile.area.code},
            "alerts": open_alerts,
            "peers": sorted((a for a in england.areas if a.code in peers), key=lambda a: (-a.total, a.name)),
            "england": england,
            "heat_max": heat(lens.by_quality_statement),
            "heat_levels": HEAT_LEVELS,
            "trend_chart": charts.monthly_lines(
                months, ["total", "negative", "high_severity"], "Items per month"
            )
            if months
            else None,
            "key_question_chart": charts.bars(key_questions, "Items by key question")
            if key_questions
            else None,
        },
    )
