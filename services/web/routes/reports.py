"""The area review pack: an HTML view of the web app, and the same pack as a PDF download."""

from __future__ import annotations

from functools import partial
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse

from services.common.http import get_settings
from services.index.areas import resolve_area
from services.report.audit import note_export
from services.report.build import build_pack
from services.report.config import ReportSettings
from services.report.models import Comparator
from services.report.render import pack_charts, pack_pdf
from services.web.deps import Es, index_names
from services.web.errors import PageRoute
from services.web.links import query_string
from services.web.profile_view import PeriodChoice
from services.web.templating import render

router = APIRouter(route_class=PageRoute, include_in_schema=False)
Settings = Annotated[ReportSettings, Depends(get_settings)]


def _comparator(value: str) -> Comparator | None:
    """The page's `compare_with` choice ('' or anything else: none)."""
    return Comparator(value) if value in set(Comparator) else None


def _canonical(request: Request, code: str, suffix: str) -> Response | None:
    """A name or district code redirects to the area's code (the pack's address)."""
    area = resolve_area(code)
    if area.code == code:
        return None
    query = f"?{request.url.query}" if request.url.query else ""
    return RedirectResponse(f"/areas/{area.code}/{suffix}{query}", status_code=303)


@router.get("/areas/{code}/report")
def report_page(
    request: Request,
    es: Es,
    settings: Settings,
    code: str,
    date_from: str = "",
    date_to: str = "",
    compare_with: str = "",
) -> Response:
    if redirect := _canonical(request, code, "report"):
        return redirect
    choice = PeriodChoice(date_from, date_to)
    start, end = choice.bounds()
    comparator = _comparator(compare_with)
    pack = build_pack(
        es,
        settings,
        code,
        date_from=start,
        date_to=end,
        base_url="",
        compare_with=comparator,
        names=index_names(request, settings),
    )
    note_export(request, pack)
    return render(
        request,
        "reports/pack.html",
        {
            "section": "areas",
            "pack": pack,
            "charts": pack_charts(pack),
            "base_url": "",
            "date_from": date_from,
            "date_to": date_to,
            "compare_with": comparator.value if comparator else "",
            "period_query": query_string(
                {
                    "date_from": date_from,
                    "date_to": date_to,
                    "compare_with": comparator.value if comparator else "",
                }
            ),
        },
    )


@router.get("/areas/{code}/report.pdf")
async def report_pdf(
    request: Request,
    es: Es,
    settings: Settings,
    code: str,
    date_from: str = "",
    date_to: str = "",
    compare_with: str = "",
) -> Response:
    if redirect := _canonical(request, code, "report.pdf"):
        return redirect
    start, end = PeriodChoice(date_from, date_to).bounds()
    pack = await run_in_threadpool(
        partial(build_pack, compare_with=_comparator(compare_with), names=index_names(request, settings)),
        es,
        settings,
        code,
        date_from=start,
        date_to=end,
    )
    note_export(request, pack)
    pdf = await run_in_threadpool(pack_pdf, pack)
    name = f"caresignal-review-pack-{pack.area.code}-{pack.period.date_from:%Y%m%d}.pdf"
    return Response(
        pdf, media_type="application/pdf", headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )
