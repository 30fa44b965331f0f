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
from services.index.models import AreaInfo
from services.web.deps import Es, IndexNames, Settings
from services.web.errors import PageRoute
from services.web.parallel import gather
from services.web.profile_view import PeriodChoice, profile_sections
from services.web.templating import render

router = APIRouter(route_class=PageRoute, include_in_schema=False)


def peer_codes(area: AreaInfo) -> set[str]:
    """The councils an area is compared with: its region's (a council's or a region's) or its ICB's."""
    councils = local_authorities().values()
    if area.level == "icb":
        return {council.code for council in councils if council.icb_code == area.code}
    if area.level == "region":
        return {council.code for council in councils if council.region_code == area.code}
    region = local_authorities()[area.code].region_code
    return {council.code for council in councils if council.region_code == region}


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
def area_page(
    request: Request,
    es: Es,
    names: IndexNames,
    settings: Settings,
    code: str,
    date_from: str = "",
    date_to: str = "",
) -> Response:
    area = resolve_area(code)
    if area.code != code:  # a name or a district code: the page's address is the area's code
        query = f"?{request.url.query}" if request.url.query else ""
        return RedirectResponse(f"/areas/{area.code}{query}", status_code=303)
    period_choice = PeriodChoice(date_from, date_to)
    start, end = period_choice.bounds()
    profile, open_alerts, england = gather(
        lambda: profiles.area_profile(
            es, names, code, date_from=start, date_to=end, top=settings.query_top_providers
        ),
        lambda: lifecycle.list_alerts(es, names, AlertFilters(code=area.code, status=AlertStatus.OPEN)),
        lambda: overview.england_overview(es, names),
    )
    peers = peer_codes(profile.area)
    return render(
        request,
        "areas/profile.html",
        {
            "section": "areas",
            **profile_sections(profile, f"about {profile.area.name}", period_choice),
            "alerts": open_alerts,
            "peers": sorted((a for a in england.areas if a.code in peers), key=lambda a: (-a.total, a.name)),
            "england": england,
        },
    )
