"""GET /v1/areas/{code}/report: the area review pack for machines (mounted by services/api.py).

A pack is an export: it needs the export permission, and its audit event names the area and period it
covered and the items and alerts it quoted.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from services.common.auth import Exporter, visible_names
from services.common.http import DomainErrorRoute, Es, get_settings
from services.common.rate_limits import ExportLimit
from services.index.api import DateFrom, DateTo
from services.report.audit import note_export
from services.report.build import build_pack
from services.report.config import ReportSettings
from services.report.models import AreaPack, Comparator

router = APIRouter(route_class=DomainErrorRoute)
Settings = Annotated[ReportSettings, Depends(get_settings)]
CompareWith = Annotated[
    Comparator | None, Query(description="Put the area's figures beside its region's or England's.")
]


@router.get("/v1/areas/{code}/report", response_model=AreaPack, tags=["profiles"], summary="Area review pack")
def report_endpoint(
    caller: Exporter,
    _limit: ExportLimit,
    request: Request,
    es: Es,
    settings: Settings,
    code: str,
    date_from: DateFrom = None,
    date_to: DateTo = None,
    compare_with: CompareWith = None,
) -> AreaPack:
    """The review pack of a council, ICB or region (by code or name), by default for the last 12 months:
    summary, key questions and statements with quotes, themes, providers to look at, alerts, data notes.
    An export: it needs the export permission and is audited with the area, period and quoted items.
    Restricted items count and are quoted only for callers who may read them."""
    names = visible_names(settings, caller)
    pack = build_pack(
        es, settings, code, date_from=date_from, date_to=date_to, compare_with=compare_with, names=names
    )
    note_export(request, pack)
    return pack
