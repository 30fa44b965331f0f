"""The England overview: where evidence is getting worse, newest alerts, busiest councils, all councils."""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI, Request, Response

from schemas import AlertStatus
from services.alerts import lifecycle
from services.alerts.models import AlertFilters
from services.index import overview
from services.index.models import AreaActivity
from services.web import charts
from services.web.deps import Es, IndexNames
from services.web.errors import PageRoute
from services.web.parallel import gather
from services.web.templating import render
from services.web.tiles import MEASURES, legend, region_tiles


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Start the chart renderer's engine (seconds) in the background, not on the first page view."""
    threading.Thread(target=charts.warm_up, name="charts-warm-up", daemon=True).start()
    yield


router = APIRouter(route_class=PageRoute, include_in_schema=False, lifespan=lifespan)
LISTED = 8


def rise(area: AreaActivity) -> int:
    """How many more negative plus high-severity items than in the window before."""
    return area.negative - area.previous_negative + area.high_severity - area.previous_high_severity


@router.get("/")
def home_page(request: Request, es: Es, names: IndexNames, measure: str = "negative") -> Response:
    measure = measure if measure in MEASURES else "negative"
    england, newest = gather(
        lambda: overview.england_overview(es, names),
        lambda: lifecycle.list_alerts(es, names, AlertFilters(status=AlertStatus.OPEN), size=5),
    )
    rising = sorted(
        (area for area in england.areas if rise(area) > 0), key=lambda area: (-rise(area), area.name)
    )[:LISTED]
    busiest = sorted((a for a in england.areas if a.total), key=lambda a: (-a.total, a.name))[:LISTED]
    regions, highest = region_tiles(england.areas, measure)
    return render(
        request,
        "home/overview.html",
        {
            "section": "home",
            "england": england,
            "alerts": newest,
            "rising": rising,
            "busiest": busiest,
            "regions": regions,
            "legend": legend(highest),
            "measure": measure,
            "measures": MEASURES,
        },
    )
